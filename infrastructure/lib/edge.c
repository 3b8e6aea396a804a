/*
 * Edge (FR-3.5, FR-5.3, FR-5.4): CloudFront in front of the assets bucket
 * and, for /api/..., the load balancer; its WAF web ACL; DNS aliases.
 * Everything here lives in us-east-1 (CloudFront's WAF, certificate and
 * metrics are there); references to the regional stacks become exports or,
 * across regions, deploy-time parameters (engine.h).
 */
#include "lib/edge.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/cdn.h"
#include "constructs/secure.h"

#define CLOUDFRONT_HOSTED_ZONE "Z2FDTNDATAQYW2" /* alias target zone of every distribution */

/*
 * Route 53 health check of one HTTPS endpoint: every 30 s, unhealthy after
 * 3 failures (Route 53 developer guide, "Values that you specify when you
 * create or update health checks"), with SNI so that the name's certificate
 * is served.
 */
static struct sm_resource *https_check(struct sm_stack *s, const char *id, json_t *fqdn,
				       const char *path)
{
	return sm_resource_new(s, id, "AWS::Route53::HealthCheck",
			       json_pack("{s{ss so si ss si si sb}}", "HealthCheckConfig", "Type",
					 "HTTPS", "FullyQualifiedDomainName", fqdn, "Port", 443,
					 "ResourcePath", path, "RequestInterval",
					 EDGE_HEALTH_INTERVAL_SECONDS, "FailureThreshold",
					 EDGE_HEALTH_FAILURE_THRESHOLD, "EnableSNI", 1));
}

/*
 * The primary path is healthy when both CloudFront (the storefront, "/")
 * and the primary region's application (origin.<domain>, the health path
 * through the load balancer) answer: a calculated health check of the two
 * (HealthThreshold 2). The DR path bypasses CloudFront, so a failure of
 * either fails the shop over, and the availability model may count the two
 * paths as independent (docs/infrastructure.md, Disaster recovery).
 */
static struct sm_resource *primary_health_check(struct sm_stack *s, const struct env_config *cfg,
						struct sm_resource *dist)
{
	char *origin = compute_origin_domain(cfg);
	struct sm_resource *cdn =
		https_check(s, "EdgeHealthCheck", sm_getatt(dist, "DomainName"), "/");
	struct sm_resource *app =
		https_check(s, "OriginHealthCheck", json_string(origin), cfg->health_check_path);
	free(origin);
	return sm_resource_new(s, "PrimaryHealthCheck", "AWS::Route53::HealthCheck",
			       json_pack("{s{ss s[oo] si}}", "HealthCheckConfig", "Type",
					 "CALCULATED", "ChildHealthChecks", sm_ref(cdn),
					 sm_ref(app), "HealthThreshold", 2));
}

static void dns_records(struct sm_stack *s, const struct env_config *cfg, struct sm_resource *dist)
{
	static const char *const types[] = {"A", "AAAA"};
	/* the standby (pilot-light, warm-standby) holds the SECONDARY of each A record */
	struct sm_resource *check =
		cfg->dr_readiness >= DR_PILOT_LIGHT ? primary_health_check(s, cfg, dist) : NULL;
	for (int www = 0; www < 2; www++) {
		for (int t = 0; t < 2; t++) {
			char *id = xstrfmt("%sAlias%s", www ? "Www" : "Apex", types[t]);
			char *name = www ? xstrfmt("www.%s", cfg->domain_name)
					 : xstrdup(cfg->domain_name);
			struct sm_resource *r = sm_resource_new(
				s, id, "AWS::Route53::RecordSet",
				json_pack("{ss ss ss s{so ss sb}}", "HostedZoneId",
					  cfg->hosted_zone_id, "Name", name, "Type", types[t],
					  "AliasTarget", "DNSName", sm_getatt(dist, "DomainName"),
					  "HostedZoneId", CLOUDFRONT_HOSTED_ZONE,
					  "EvaluateTargetHealth", 0));
			/* IPv6 stays on CloudFront: the standby's load balancer is IPv4 */
			if (check && t == 0) {
				sm_resource_set(r, "Failover", json_string("PRIMARY"));
				sm_resource_set(r, "SetIdentifier", json_string("primary"));
				sm_resource_set(r, "HealthCheckId", sm_ref(check));
			}
			free(id);
			free(name);
		}
	}
}

int edge_build(struct sm_stack *s, const struct env_config *cfg, const struct storage *st,
	       const struct compute *cp, struct edge *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	/* the edge has its own key: a key cannot be used outside its region */
	struct sm_resource *key = kms_key_new(
		s, "EdgeLogsKey", "SoleMate edge logs (WAF for CloudFront)",
		json_pack("[{ss s{so} s[sssss] ss},{ss s{ss} s[ss] ss}]", "Effect", "Allow",
			  "Principal", "Service", sm_fn_sub("logs.${AWS::Region}.amazonaws.com"),
			  "Action", "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
			  "kms:GenerateDataKey*", "kms:Describe*", "Resource", "*", "Effect",
			  "Allow", "Principal", "Service", "cloudwatch.amazonaws.com", "Action",
			  "kms:Decrypt", "kms:GenerateDataKey*", "Resource", "*"),
		NULL);
	out->key = key;
	out->web_acl = security_add_web_acl(s, cfg, key, true, dl);
	if (!out->web_acl)
		return -1;
	char *name = xstrfmt("%s-security-headers", cfg->stack_prefix);
	struct sm_resource *headers = cdn_security_headers_new(s, "SecurityHeadersPolicy", name);
	free(name);
	name = xstrfmt("%s-assets", cfg->stack_prefix);
	struct sm_resource *oac =
		cdn_origin_access_control_new(s, "AssetsOriginAccessControl", name);
	free(name);

	char *www = xstrfmt("www.%s", cfg->domain_name);
	/*
	 * FR-5.3: with a hosted zone, a DNS-validated certificate of our own
	 * (validated and renewed by ACM through the zone); without one, the
	 * certificate named in the configuration.
	 */
	json_t *cert_arn = json_string(cfg->certificate_arn);
	if (cfg->hosted_zone_id) {
		struct sm_resource *cert = sm_resource_new(
			s, "Certificate", "AWS::CertificateManager::Certificate",
			json_pack("{ss s[s] ss s[{ssss},{ssss}]}", "DomainName", cfg->domain_name,
				  "SubjectAlternativeNames", www, "ValidationMethod", "DNS",
				  "DomainValidationOptions", "DomainName", cfg->domain_name,
				  "HostedZoneId", cfg->hosted_zone_id, "DomainName", www,
				  "HostedZoneId", cfg->hosted_zone_id));
		json_decref(cert_arn);
		cert_arn = sm_ref(cert);
	}
	/* FR-3.5: the assets from the bucket, the API paths from the load balancer */
	char *origin = compute_origin_domain(cfg);
	out->distribution =
		cdn_distribution_new(s, "Distribution",
				     &(struct cdn_distribution_props){
					     .comment = cfg->stack_prefix,
					     .aliases = json_pack("[ss]", cfg->domain_name, www),
					     .bucket = st->assets_bucket,
					     .origin_access_control = oac,
					     .default_root_object = "index.html",
					     .api_domain = origin,
					     .api_path = "/api/*",
					     .headers_policy = headers,
					     .certificate_arn = cert_arn,
					     .price_class = cfg->cloudfront_price_class,
					     .web_acl = out->web_acl,
					     .log_bucket = st->logs_bucket,
					     .log_prefix = "cloudfront/"});
	free(origin);
	free(www);
	sm_resource_suppress(out->distribution, "AwsSolutions-CFR1",
			     "a shop sells worldwide: no geographic restriction by design");
	/*
	 * The assets bucket's policy lives beside the distribution (storage.c),
	 * so that it can name this distribution and no other: "allow CloudFront
	 * to access the bucket only when the request is on behalf of the
	 * distribution that contains the origin" (CloudFront developer guide,
	 * "Restrict access to an Amazon S3 origin").
	 */
	if (st->assets_statements)
		json_array_append_new(
			st->assets_statements,
			json_pack("{ss ss s{ss} ss so s{s{so}}}", "Sid", "CloudFrontOacRead",
				  "Effect", "Allow", "Principal", "Service",
				  "cloudfront.amazonaws.com", "Action", "s3:GetObject", "Resource",
				  bucket_objects_arn(st->assets_bucket, "/*"), "Condition",
				  "StringEquals", "AWS:SourceArn",
				  sm_fn_sub_vars(
					  "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
					  "distribution/${Distribution}",
					  json_pack("{so}", "Distribution",
						    sm_ref(out->distribution)))));
	if (cfg->hosted_zone_id)
		dns_records(s, cfg, out->distribution);
	sm_stack_add_output(s, "DistributionDomainName", sm_getatt(out->distribution, "DomainName"),
			    "CloudFront domain (point the site's DNS here)", NULL);
	sm_stack_add_output(s, "DistributionId", sm_ref(out->distribution),
			    "CloudFront distribution ID (for cache invalidations)", NULL);
	return 0;
}
