/* check rules: load balancers, CloudFront, WAF. */
#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta http_listener = {
	"SM-ELB-001",
	SM_SEV_ERROR,
	"HTTP listener that does not redirect to HTTPS",
	"Card data and session cookies must never cross the internet in clear text (PCI DSS 4.1).",
	"Make the port-80 listener's default action a redirect to HTTPS (HTTP_301).",
	"FSBP ELB.1; PCI DSS 4.1",
	N3("ALBHttpToHttpsRedirection"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta tls_policy = {
	"SM-ELB-002",
	SM_SEV_ERROR,
	"HTTPS listener with a TLS policy older than TLS 1.2",
	"TLS 1.0/1.1 have known weaknesses and are not allowed for card data (PCI DSS 4.1).",
	"Use ELBSecurityPolicy-TLS13-1-2-2021-06 (or a TLS-1-2 policy).",
	"FSBP ELB.17; PCI DSS 4.1",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta drop_headers = {
	"SM-ELB-003",
	SM_SEV_WARNING,
	"Load balancer does not drop invalid HTTP headers",
	"Invalid headers are a request-smuggling vector.",
	"Set routing.http.drop_invalid_header_fields.enabled to true.",
	"FSBP ELB.4",
	N3("ALBHttpDropInvalidHeaderEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta lb_logs = {
	"SM-ELB-004",
	SM_SEV_WARNING,
	"Load balancer without access logs",
	"Access logs record every request for incident response (PCI DSS 10.2).",
	"Set access_logs.s3.enabled true with a bucket.",
	"FSBP ELB.5; PCI DSS 10.2",
	"AwsSolutions-ELB2 " N3("ELBLoggingEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta lb_deletion = {
	"SM-ELB-005",
	SM_SEV_WARNING,
	"Production load balancer without deletion protection",
	"Deleting the load balancer takes the shop offline and changes its DNS name.",
	"Set deletion_protection.enabled to true.",
	"FSBP ELB.6",
	N3("ELBDeletionProtectionEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta lb_waf = {
	"SM-ELB-006",
	SM_SEV_ERROR,
	"Internet-facing load balancer without a WAF web ACL",
	"A web application firewall blocks injection and known-bad traffic before the app sees it "
	"(PCI DSS 6.4).",
	"Associate an AWS::WAFv2::WebACL (AWS::WAFv2::WebACLAssociation).",
	"FSBP WAF.x; PCI DSS 6.4",
	N3("ALBWAFEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta acm_cert = {
	"SM-ELB-007",
	SM_SEV_INFO,
	"Listener without an ACM certificate",
	"A listener without a certificate serves plain HTTP; fine only when it redirects.",
	"Serve content on HTTPS listeners with ACM certificates; keep HTTP for redirects.",
	"PCI DSS 4.1",
	N3("ELBv2ACMCertificateRequired"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta cf_viewer = {
	"SM-CF-001",
	SM_SEV_ERROR,
	"CloudFront allows plain HTTP to viewers",
	"Viewers must reach the shop over HTTPS only (PCI DSS 4.1).",
	"Set ViewerProtocolPolicy to redirect-to-https or https-only on every behaviour.",
	"FSBP CloudFront.3; PCI DSS 4.1",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta cf_tls = {
	"SM-CF-002",
	SM_SEV_ERROR,
	"CloudFront accepts TLS older than 1.2",
	"The default CloudFront certificate allows TLS 1.0.",
	"Use an ACM certificate with MinimumProtocolVersion TLSv1.2_2021.",
	"FSBP CloudFront.7; PCI DSS 4.1",
	"AwsSolutions-CFR4",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta cf_logs = {"SM-CF-003",
					    SM_SEV_WARNING,
					    "CloudFront without access logging",
					    "Edge logs record every viewer request.",
					    "Set Logging to a logs bucket.",
					    "FSBP CloudFront.5; PCI DSS 10.2",
					    "AwsSolutions-CFR3",
					    NULL,
					    NULL,
					    NULL};
static const struct sm_rule_meta cf_waf = {
	"SM-CF-004",
	SM_SEV_ERROR,
	"CloudFront without a WAF web ACL",
	"The edge is the first place to block attacks and abusive clients.",
	"Set WebACLId to a WAFv2 web ACL of scope CLOUDFRONT.",
	"FSBP CloudFront.6; PCI DSS 6.4",
	"AwsSolutions-CFR2",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta cf_oac = {
	"SM-CF-005",
	SM_SEV_ERROR,
	"CloudFront S3 origin without origin access control",
	"Without OAC the bucket must be public for CloudFront to read it.",
	"Use an AWS::CloudFront::OriginAccessControl and a bucket policy for the distribution.",
	"FSBP CloudFront.13",
	"AwsSolutions-CFR7",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta cf_origin_tls = {
	"SM-CF-006",
	SM_SEV_WARNING,
	"CloudFront talks to a custom origin without HTTPS",
	"Traffic between CloudFront and the load balancer crosses the internet.",
	"Set OriginProtocolPolicy https-only with TLSv1.2.",
	"FSBP CloudFront.9; PCI DSS 4.1",
	NULL,
	NULL,
	NULL,
	NULL};

static const char *attr(const json_t *p, const char *key)
{
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "LoadBalancerAttributes"), i, a) {
		if (!strcmp(jstr(json_object_get(a, "Key")) ?: "", key))
			return jstr(json_object_get(a, "Value"));
	}
	return NULL;
}

static void load_balancer(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (strcmp(jstr(json_object_get(p, "Type")) ?: "application", "application"))
		return;
	if (strcmp(attr(p, "routing.http.drop_invalid_header_fields.enabled") ?: "", "true"))
		check_report(c, &drop_headers, id, "LoadBalancerAttributes",
			     "'%s' keeps invalid headers", id);
	if (strcmp(attr(p, "access_logs.s3.enabled") ?: "", "true"))
		check_report(c, &lb_logs, id, "LoadBalancerAttributes", "'%s' has no access logs",
			     id);
	if (c->production && strcmp(attr(p, "deletion_protection.enabled") ?: "", "true"))
		check_report(c, &lb_deletion, id, "LoadBalancerAttributes",
			     "'%s' has no deletion protection", id);
	if (strcmp(jstr(json_object_get(p, "Scheme")) ?: "", "internal") &&
	    !referenced_by(c, c->t, id, "AWS::WAFv2::WebACLAssociation", "ResourceArn"))
		check_report(c, &lb_waf, id, NULL, "internet-facing '%s' has no WAF web ACL", id);
	(void)r;
}

static void listener(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *proto = jstr(json_object_get(p, "Protocol")) ?: "";
	if (!json_array_size(json_object_get(p, "Certificates")))
		check_report(c, &acm_cert, id, NULL, "listener '%s' has no ACM certificate", id);
	if (!strcmp(proto, "HTTP")) {
		const json_t *act = json_array_get(json_object_get(p, "DefaultActions"), 0);
		if (strcmp(jstr(json_object_get(act, "Type")) ?: "", "redirect") ||
		    strcmp(jstr(jget(act, "RedirectConfig.Protocol")) ?: "", "HTTPS"))
			check_report(c, &http_listener, id, "DefaultActions",
				     "'%s' serves plain HTTP", id);
	} else if (!strcmp(proto, "HTTPS")) {
		const char *pol = jstr(json_object_get(p, "SslPolicy"));
		if (!pol ||
		    (!strstr(pol, "TLS13") && !strstr(pol, "TLS-1-2") && !strstr(pol, "FS-1-2")))
			check_report(c, &tls_policy, id, "SslPolicy", "'%s' uses %s", id,
				     pol ? pol : "the default policy (TLS 1.0)");
	}
	(void)r;
}

static void distribution(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *dc = json_object_get(p, "DistributionConfig");
	const json_t *b = json_object_get(dc, "DefaultCacheBehavior");
	if (!strcmp(jstr(json_object_get(b, "ViewerProtocolPolicy")) ?: "allow-all", "allow-all"))
		check_report(c, &cf_viewer, id, "DistributionConfig",
			     "'%s' allows HTTP on its default behaviour", id);
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(dc, "CacheBehaviors"), i, x) {
		if (!strcmp(jstr(json_object_get(x, "ViewerProtocolPolicy")) ?: "allow-all",
			    "allow-all"))
			check_report(c, &cf_viewer, id, "DistributionConfig",
				     "'%s' allows HTTP on %s", id,
				     jstr(json_object_get(x, "PathPattern")) ?: "a behaviour");
	}
	const json_t *vc = json_object_get(dc, "ViewerCertificate");
	const char *minv = jstr(json_object_get(vc, "MinimumProtocolVersion")) ?: "";
	if (!vc || jtrue(json_object_get(vc, "CloudFrontDefaultCertificate")) ||
	    strncmp(minv, "TLSv1.2", 7))
		check_report(c, &cf_tls, id, "DistributionConfig", "'%s' accepts TLS below 1.2",
			     id);
	if (!json_object_get(dc, "Logging"))
		check_report(c, &cf_logs, id, "DistributionConfig", "'%s' has no access logging",
			     id);
	if (!json_object_get(dc, "WebACLId"))
		check_report(c, &cf_waf, id, "DistributionConfig", "'%s' has no WAF web ACL", id);
	json_array_foreach (json_object_get(dc, "Origins"), i, x) {
		if (json_object_get(x, "S3OriginConfig") &&
		    !json_object_get(x, "OriginAccessControlId") &&
		    !(jstr(jget(x, "S3OriginConfig.OriginAccessIdentity")) ?: "")[0])
			check_report(c, &cf_oac, id, "DistributionConfig",
				     "origin '%s' of '%s' has no OAC",
				     jstr(json_object_get(x, "Id")) ?: "?", id);
		else if (json_object_get(x, "S3OriginConfig") &&
			 !json_object_get(x, "OriginAccessControlId"))
			check_report(c, &cf_oac, id, "DistributionConfig",
				     "origin '%s' of '%s' uses a legacy OAI, not OAC",
				     jstr(json_object_get(x, "Id")) ?: "?", id);
		const json_t *co = json_object_get(x, "CustomOriginConfig");
		if (co &&
		    strcmp(jstr(json_object_get(co, "OriginProtocolPolicy")) ?: "", "https-only"))
			check_report(c, &cf_origin_tls, id, "DistributionConfig",
				     "origin '%s' of '%s' is reached over HTTP",
				     jstr(json_object_get(x, "Id")) ?: "?", id);
	}
	(void)r;
}

const struct resource_rule check_rules_edge[] = {
	{&http_listener, "AWS::ElasticLoadBalancingV2::Listener", listener},
	{&tls_policy, "-", NULL},
	{&acm_cert, "-", NULL},
	{&drop_headers, "AWS::ElasticLoadBalancingV2::LoadBalancer", load_balancer},
	{&lb_logs, "-", NULL},
	{&lb_deletion, "-", NULL},
	{&lb_waf, "-", NULL},
	{&cf_viewer, "AWS::CloudFront::Distribution", distribution},
	{&cf_tls, "-", NULL},
	{&cf_logs, "-", NULL},
	{&cf_waf, "-", NULL},
	{&cf_oac, "-", NULL},
	{&cf_origin_tls, "-", NULL},
	{NULL, NULL, NULL},
};
