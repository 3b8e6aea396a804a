/*
 * The pure parts of failover: judging the replica, the steady state of a
 * service, the Route 53 UPSERT document, the names Route 53 compares, and
 * Route 53's global endpoint and signing region.
 */
#include <string.h>

#include "aws/client_internal.h"
#include "aws/ecs.h"
#include "aws/route53.h"
#include "lifecycle/failover.h"
#include "support/test.h"

static int judge(const char *status, const char *source, enum failover_action *a)
{
	struct rds_instance db = {.status = (char *)status, .source = (char *)source};
	const char *why = NULL;
	int rc = failover_judge_replica(&db, a, &why);
	CHECK(rc == 0 || (why && *why));
	return rc;
}

TEST(replica_judged)
{
	enum failover_action a;
	const char *src = "arn:aws:rds:us-east-1:123456789012:db:primary";
	CHECK(judge("available", src, &a) == 0 && a == FAILOVER_DO);
	CHECK(judge("available", NULL, &a) == 0 && a == FAILOVER_DONE);
	/* a promotion under way (RDS names the source early on), or after it */
	CHECK(judge("modifying", src, &a) == 0 && a == FAILOVER_WAIT);
	CHECK(judge("rebooting", NULL, &a) == 0 && a == FAILOVER_WAIT);
	/* not promotable: RDS refuses a replica backing up */
	CHECK(judge("backing-up", src, &a) < 0);
	CHECK(judge("storage-full", src, &a) < 0);
	CHECK(judge("failed", NULL, &a) < 0);
	CHECK(judge(NULL, src, &a) < 0);
}

TEST(service_stable)
{
	struct ecs_service s = {.desired = 3, .running = 3, .deployments = 1};
	CHECK(ecs_service_stable(&s));
	s.deployments = 2; /* a rollout under way */
	CHECK(!ecs_service_stable(&s));
	s.deployments = 1;
	s.running = 2;
	CHECK(!ecs_service_stable(&s));
}

TEST(upsert_document)
{
	char *values[] = {"192.0.2.7"};
	struct r53_record alias = {.name = "origin.example.com.",
				   .type = "A",
				   .set_identifier = "primary",
				   .failover = "PRIMARY",
				   .health_check_id = "hc-1",
				   .ttl = -1,
				   .alias = true,
				   .alias_zone = "Z1H1FL5HABSF5",
				   .alias_dns = "dr-alb.us-west-2.elb.amazonaws.com.",
				   .alias_evaluate_health = true};
	struct strbuf sb = STRBUF_INIT;
	r53_upsert_document(&sb, &alias, "failover <to> us-west-2 & back");
	CHECK(strstr(sb.buf, "<ChangeResourceRecordSetsRequest "
			     "xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">") != NULL);
	CHECK(strstr(sb.buf, "<Comment>failover &lt;to&gt; us-west-2 &amp; back</Comment>") != NULL);
	CHECK(strstr(sb.buf, "<Action>UPSERT</Action><ResourceRecordSet><Name>origin.example.com."
			     "</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier><Failover>"
			     "PRIMARY</Failover><AliasTarget><HostedZoneId>Z1H1FL5HABSF5</HostedZoneId>"
			     "<DNSName>dr-alb.us-west-2.elb.amazonaws.com.</DNSName>"
			     "<EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget>"
			     "<HealthCheckId>hc-1</HealthCheckId></ResourceRecordSet>") != NULL);
	CHECK(strstr(sb.buf, "<TTL>") == NULL); /* an alias has none */
	strbuf_release(&sb);
	struct r53_record plain = {.name = "origin.example.com.",
				   .type = "A",
				   .ttl = 60,
				   .values = values,
				   .values_nr = 1};
	r53_upsert_document(&sb, &plain, NULL);
	CHECK(strstr(sb.buf, "<TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.7"
			     "</Value></ResourceRecord></ResourceRecords>") != NULL);
	CHECK(strstr(sb.buf, "<Comment>") == NULL && strstr(sb.buf, "<SetIdentifier>") == NULL);
	strbuf_release(&sb);
}

TEST(route53_names_and_ids)
{
	CHECK(r53_name_equal("origin.example.com.", "Origin.Example.com"));
	CHECK(!r53_name_equal("origin.example.com.", "origin.example.co"));
	CHECK(!r53_name_equal("www.example.com", "example.com"));
	CHECK(!strcmp(r53_bare_id("/hostedzone/Z0ABC"), "Z0ABC"));
	CHECK(!strcmp(r53_bare_id("Z0ABC"), "Z0ABC"));
	CHECK(!strcmp(r53_bare_id("/change/C123"), "C123"));
}

TEST(route53_global_endpoint)
{
	/* https://docs.aws.amazon.com/general/latest/gr/r53.html */
	CHECK(!strcmp(aws_signing_region("route53", "us-west-2"), "us-east-1"));
	CHECK(!strcmp(aws_signing_region("route53", "cn-north-1"), "cn-northwest-1"));
	CHECK(!strcmp(aws_signing_region("rds", "us-west-2"), "us-west-2"));
	struct aws_creds cr = {.region = "us-west-2"};
	struct aws_client c;
	aws_client_init(&c, &cr, NULL);
	struct aws_endpoint ep;
	aws_endpoint_get(&c, "route53", &ep);
	CHECK(!strcmp(ep.host, "route53.amazonaws.com"));
	aws_endpoint_release(&ep);
	aws_endpoint_get(&c, "ecs", &ep);
	CHECK(!strcmp(ep.host, "ecs.us-west-2.amazonaws.com"));
	aws_endpoint_release(&ep);
}

int main(void)
{
	RUN(replica_judged);
	RUN(service_stable);
	RUN(upsert_document);
	RUN(route53_names_and_ids);
	RUN(route53_global_endpoint);
	return test_done();
}
