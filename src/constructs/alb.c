#include "constructs/alb.h"

#include "base/common.h"
#include "constructs/iam.h"

static json_t *attribute(const char *key, json_t *value)
{
	return json_pack("{ss so}", "Key", key, "Value", value);
}

struct sm_resource *alb_new(struct sm_stack *s, const char *id, const struct alb_props *p)
{
	json_t *attrs = json_pack(
		"[o,o,o,o,o,o]",
		/* requests with header fields that are not valid HTTP are not passed on */
		attribute("routing.http.drop_invalid_header_fields.enabled", json_string("true")),
		attribute("access_logs.s3.enabled", json_string("true")),
		attribute("access_logs.s3.bucket", sm_ref(p->access_log_bucket)),
		attribute("access_logs.s3.prefix",
			  json_string(p->access_log_prefix ? p->access_log_prefix : "")),
		attribute("deletion_protection.enabled",
			  json_string(p->allow_deletion ? "false" : "true")),
		/* ambiguous requests (HTTP desync) are refused, not forwarded */
		attribute("routing.http.desync_mitigation_mode", json_string("strictest")));
	json_t *groups = json_pack("[o]", sm_getatt(p->security_group, "GroupId"));
	if (p->second_security_group)
		json_array_append_new(groups, sm_getatt(p->second_security_group, "GroupId"));
	return sm_resource_new(
		s, id, "AWS::ElasticLoadBalancingV2::LoadBalancer",
		json_pack("{ss ss ss so so so}", "Type", "application", "Scheme", "internet-facing",
			  "IpAddressType", p->dualstack ? "dualstack" : "ipv4", "Subnets",
			  p->subnets, "SecurityGroups", groups, "LoadBalancerAttributes", attrs));
}

struct sm_resource *alb_target_group_new(struct sm_stack *s, const char *id,
					 const struct alb_target_group_props *p)
{
	return sm_resource_new(
		s, id, "AWS::ElasticLoadBalancingV2::TargetGroup",
		json_pack("{ss si ss so ss ss si si si si s{ss} s[o]}", "TargetType", "ip", "Port",
			  p->port, "Protocol", "HTTP", "VpcId", sm_ref(p->vpc), "HealthCheckPath",
			  p->health_check_path ? p->health_check_path : "/", "HealthCheckProtocol",
			  "HTTP", "HealthCheckIntervalSeconds", 15, "HealthCheckTimeoutSeconds", 5,
			  "HealthyThresholdCount", 2, "UnhealthyThresholdCount", 3, "Matcher",
			  "HttpCode", "200-399", "TargetGroupAttributes",
			  attribute("deregistration_delay.timeout_seconds", json_string("30"))));
}

struct sm_resource *alb_https_listener_new(struct sm_stack *s, const char *id,
					   const struct alb_https_listener_props *p)
{
	return sm_resource_new(
		s, id, "AWS::ElasticLoadBalancingV2::Listener",
		json_pack("{so si ss ss s[{so}] s[{ss so}]}", "LoadBalancerArn",
			  sm_ref(p->load_balancer), "Port", 443, "Protocol", "HTTPS", "SslPolicy",
			  p->ssl_policy ? p->ssl_policy : ALB_SSL_POLICY, "Certificates",
			  "CertificateArn", p->certificate_arn, "DefaultActions", "Type", "forward",
			  "TargetGroupArn", sm_ref(p->target_group)));
}

struct sm_resource *alb_redirect_listener_new(struct sm_stack *s, const char *id,
					      const struct sm_resource *load_balancer)
{
	struct sm_resource *http = sm_resource_new(
		s, id, "AWS::ElasticLoadBalancingV2::Listener",
		json_pack("{so si ss s[{ss s{ssssss}}]}", "LoadBalancerArn", sm_ref(load_balancer),
			  "Port", 80, "Protocol", "HTTP", "DefaultActions", "Type", "redirect",
			  "RedirectConfig", "Protocol", "HTTPS", "Port", "443", "StatusCode",
			  "HTTP_301"));
	accept_finding(http, "SM-ELB-007",
		       "the plain-HTTP listener serves nothing: it only redirects to HTTPS (301), "
		       "whose listener carries the ACM certificate");
	return http;
}

struct sm_resource *alb_associate_web_acl(struct sm_stack *s, const char *id,
					  const struct sm_resource *load_balancer,
					  const struct sm_resource *web_acl)
{
	return sm_resource_new(s, id, "AWS::WAFv2::WebACLAssociation",
			       json_pack("{so so}", "ResourceArn", sm_ref(load_balancer),
					 "WebACLArn", sm_getatt(web_acl, "Arn")));
}
