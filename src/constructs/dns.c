/* Names and certificates (dns.h). */
#include "constructs/dns.h"

#include "base/common.h"

/* DNS validation (ACM user guide, "DNS validation"): both names validated through the zone */
struct sm_resource *dns_certificate_new(struct sm_stack *s, const char *id,
					const struct dns_certificate_props *p)
{
	return sm_resource_new(s, id, "AWS::CertificateManager::Certificate",
			       json_pack("{ss s[s] ss s[{ssss},{ssss}]}", "DomainName", p->domain,
					 "SubjectAlternativeNames", p->alternative_name,
					 "ValidationMethod", "DNS", "DomainValidationOptions",
					 "DomainName", p->domain, "HostedZoneId", p->hosted_zone_id,
					 "DomainName", p->alternative_name, "HostedZoneId",
					 p->hosted_zone_id));
}

/*
 * Route 53 developer guide, "Values that you specify when you create or
 * update health checks": RequestInterval 10 or 30, FailureThreshold 1-10;
 * EnableSNI, or the endpoint serves its default certificate and the check
 * fails on the name.
 */
struct sm_resource *dns_https_check_new(struct sm_stack *s, const char *id,
					const struct dns_https_check_props *p)
{
	return sm_resource_new(s, id, "AWS::Route53::HealthCheck",
			       json_pack("{s{ss so si ss si si sb}}", "HealthCheckConfig", "Type",
					 "HTTPS", "FullyQualifiedDomainName", p->domain, "Port",
					 443, "ResourcePath", p->path, "RequestInterval",
					 p->interval_seconds, "FailureThreshold",
					 p->failure_threshold, "EnableSNI", 1));
}

struct sm_resource *dns_all_healthy_new(struct sm_stack *s, const char *id,
					const struct sm_resource *const *children)
{
	json_t *refs = json_array();
	int n = 0;
	for (; children[n]; n++)
		json_array_append_new(refs, sm_ref(children[n]));
	return sm_resource_new(s, id, "AWS::Route53::HealthCheck",
			       json_pack("{s{ss so si}}", "HealthCheckConfig", "Type", "CALCULATED",
					 "ChildHealthChecks", refs, "HealthThreshold", n));
}

struct sm_resource *dns_alias_new(struct sm_stack *s, const char *id,
				  const struct dns_alias_props *p)
{
	/*
	 * A SECONDARY answers while the PRIMARY is unhealthy; evaluating its
	 * own target's health lets an empty standby answer nothing (Route 53
	 * developer guide, "Failover routing", "Values specific for failover
	 * alias records").
	 */
	struct sm_resource *r = sm_resource_new(
		s, id, "AWS::Route53::RecordSet",
		json_pack("{ss ss ss s{so so sb}}", "HostedZoneId", p->hosted_zone_id, "Name",
			  p->name, "Type", p->type, "AliasTarget", "DNSName", p->target,
			  "HostedZoneId",
			  p->target_zone_ref
				  ? p->target_zone_ref
				  : (p->target_zone ? json_string(p->target_zone) : NULL),
			  "EvaluateTargetHealth", p->secondary_id != NULL));
	if (p->primary_check) {
		sm_resource_set(r, "Failover", json_string("PRIMARY"));
		sm_resource_set(r, "SetIdentifier", json_string("primary"));
		sm_resource_set(r, "HealthCheckId", sm_ref(p->primary_check));
	} else if (p->secondary_id) {
		sm_resource_set(r, "Failover", json_string("SECONDARY"));
		sm_resource_set(r, "SetIdentifier", json_string(p->secondary_id));
	}
	return r;
}

/*
 * Alias records to a load balancer name "dualstack.<DNSName>": clients that
 * ask for AAAA get its IPv6 addresses through it (AWS re:Post, "How do I
 * configure my Application Load Balancer with IPv6": "Update the CNAME or
 * Alias (A and AAAA) record ... (with a dualstack prefix)"; the CDK's
 * route53-targets LoadBalancerTarget does the same).
 */
json_t *dns_load_balancer_target(const struct sm_resource *load_balancer)
{
	return sm_fn_join("", json_pack("[so]", "dualstack.", sm_getatt(load_balancer, "DNSName")));
}
