/* The SLA fixture of the availability tests (slas_fixture.h). */
#include "slas_fixture.h"

const char test_slas_json[] =
	"{\"services\":{"
	"\"cloudfront\":{\"name\":\"CloudFront\",\"sla\":0.999,\"source\":\"u1\"},"
	"\"waf\":{\"name\":\"WAF\",\"sla\":0.9995,\"source\":\"u2\"},"
	"\"elbMultiAz\":{\"name\":\"ALB\",\"sla\":0.9999,\"source\":\"u3\"},"
	"\"elbSingle\":{\"name\":\"ALB 1 AZ\",\"sla\":0.999,\"source\":\"u3\"},"
	"\"computeRegion\":{\"name\":\"ECS region\",\"sla\":0.9999,\"source\":\"u4\"},"
	"\"computeInstance\":{\"name\":\"ECS task\",\"sla\":0.995,\"source\":\"u4\"},"
	"\"rdsMultiAz\":{\"name\":\"RDS Multi-AZ\",\"sla\":0.9995,\"source\":\"u5\"},"
	"\"rdsSingle\":{\"name\":\"RDS Single-AZ\",\"sla\":0.995,\"source\":\"u5\"}}}";
