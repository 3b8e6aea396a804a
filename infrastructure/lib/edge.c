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
#include "constructs/dns.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

/*
 * The primary path is healthy when both CloudFront (the storefront, "/")
 * and the primary region's application (origin.<domain>, the health path
 * through the load balancer) answer: a calculated health check of the two.
 * The DR path bypasses CloudFront, so a failure of either fails the shop
 * over, and the availability model may count the two paths as independent
 * (docs/infrastructure.md, Disaster recovery). Every 30 s, unhealthy after
 * 3 failures (EDGE_HEALTH_*).
 */
static struct sm_resource *primary_health_check(struct sm_stack *s, const struct env_config *cfg,
						struct sm_resource *dist)
{
	char *origin = compute_origin_domain(cfg);
	struct sm_resource *cdn =
		dns_https_check_new(s, "EdgeHealthCheck",
				    &(struct dns_https_check_props){
					    .domain = sm_getatt(dist, "DomainName"),
					    .path = "/",
					    .interval_seconds = EDGE_HEALTH_INTERVAL_SECONDS,
					    .failure_threshold = EDGE_HEALTH_FAILURE_THRESHOLD});
	struct sm_resource *app =
		dns_https_check_new(s, "OriginHealthCheck",
				    &(struct dns_https_check_props){
					    .domain = json_string(origin),
					    .path = cfg->health_check_path,
					    .interval_seconds = EDGE_HEALTH_INTERVAL_SECONDS,
					    .failure_threshold = EDGE_HEALTH_FAILURE_THRESHOLD});
	free(origin);
	return dns_all_healthy_new(s, "PrimaryHealthCheck",
				   (const struct sm_resource *const[]){cdn, app, NULL});
}

/* the aliases of the apex and www; returns the failover health check, or NULL */
static struct sm_resource *dns_records(struct sm_stack *s, const struct env_config *cfg,
				       struct sm_resource *dist)
{
	static const char *const types[] = {"A", "AAAA"};
	/*
	 * the standby (pilot-light, warm-standby) holds the SECONDARY of each
	 * record, A and AAAA: its load balancer is dual-stack, so IPv6 visitors
	 * fail over with the rest (disaster_recovery.c)
	 */
	struct sm_resource *check =
		env_dns_failover(cfg) ? primary_health_check(s, cfg, dist) : NULL;
	for (int www = 0; www < 2; www++) {
		for (int t = 0; t < 2; t++) {
			char *id = xstrfmt("%sAlias%s", www ? "Www" : "Apex", types[t]);
			char *name = www ? xstrfmt("www.%s", cfg->domain_name)
					 : xstrdup(cfg->domain_name);
			dns_alias_new(
				s, id,
				&(struct dns_alias_props){.hosted_zone_id = cfg->hosted_zone_id,
							  .name = name,
							  .type = types[t],
							  .target = sm_getatt(dist, "DomainName"),
							  .target_zone = DNS_CLOUDFRONT_ZONE,
							  .primary_check = check});
			free(id);
			free(name);
		}
	}
	return check;
}

int edge_build(struct sm_stack *s, const struct env_config *cfg, const struct storage *st,
	       const struct compute *cp, struct edge *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	/* the edge has its own key: a key cannot be used outside its region */
	json_t *logs = iam_statement(&(struct iam_statement_props){
		.principal = iam_regional_service("logs"),
		.action = sm_strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
				     "kms:GenerateDataKey*", "kms:Describe*", NULL),
		.resource = json_string("*")});
	json_t *alarms = iam_statement(&(struct iam_statement_props){
		.principal = iam_service("cloudwatch.amazonaws.com"),
		.action = sm_strings("kms:Decrypt", "kms:GenerateDataKey*", NULL),
		.resource = json_string("*")});
	struct sm_resource *key =
		kms_key_new(s, "EdgeLogsKey", "SoleMate edge logs (WAF for CloudFront)",
			    sm_list(logs, alarms), NULL);
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
		struct sm_resource *cert = dns_certificate_new(
			s, "Certificate",
			&(struct dns_certificate_props){.domain = cfg->domain_name,
							.alternative_name = www,
							.hosted_zone_id = cfg->hosted_zone_id});
		json_decref(cert_arn);
		cert_arn = sm_ref(cert);
	}
	/* FR-3.5: the assets from the bucket, the API paths from the load balancer */
	char *origin = compute_origin_domain(cfg);
	out->distribution = cdn_distribution_new(
		s, "Distribution",
		&(struct cdn_distribution_props){
			.comment = cfg->stack_prefix,
			.aliases = sm_list(json_string(cfg->domain_name), json_string(www)),
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
	/*
	 * cdk-nag's own: no rule of ours asks for a geographic restriction (no
	 * FSBP, CIS or PCI DSS control does), so there is no rule ID to accept
	 */
	nag_suppress(out->distribution,
		     "a shop sells worldwide: no geographic restriction by design",
		     "AwsSolutions-CFR1", NULL);
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
			iam_statement(&(struct iam_statement_props){
				.sid = "CloudFrontOacRead",
				.principal = iam_service("cloudfront.amazonaws.com"),
				.action = json_string("s3:GetObject"),
				.resource = bucket_objects_arn(st->assets_bucket, "/*"),
				.condition = iam_condition(
					"StringEquals", "AWS:SourceArn",
					sm_fn_sub_vars("arn:${AWS::Partition}:cloudfront::${AWS::"
						       "AccountId}:distribution/${Distribution}",
						       sm_object("Distribution",
								 sm_ref(out->distribution), NULL)),
					NULL)}));
	if (cfg->hosted_zone_id)
		out->failover_check = dns_records(s, cfg, out->distribution);
	sm_stack_add_output(s, "DistributionDomainName", sm_getatt(out->distribution, "DomainName"),
			    "CloudFront domain (point the site's DNS here)", NULL);
	sm_stack_add_output(s, "DistributionId", sm_ref(out->distribution),
			    "CloudFront distribution ID (for cache invalidations)", NULL);
	return 0;
}
