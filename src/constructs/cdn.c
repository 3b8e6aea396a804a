#include "constructs/cdn.h"

#include "base/common.h"

/* two years, as the HSTS preload list asks */
#define HSTS_MAX_AGE 63072000

struct sm_resource *cdn_security_headers_new(struct sm_stack *s, const char *id, const char *name)
{
	return sm_resource_new(
		s, id, "AWS::CloudFront::ResponseHeadersPolicy",
		json_pack("{s{ss s{s{sbsisbsb} s{sb} s{sbss} s{sbss} s{sbsbsb}}}}",
			  "ResponseHeadersPolicyConfig", "Name", name, "SecurityHeadersConfig",
			  "StrictTransportSecurity", "Override", 1, "AccessControlMaxAgeSec",
			  HSTS_MAX_AGE, "IncludeSubdomains", 1, "Preload", 1, "ContentTypeOptions",
			  "Override", 1, "FrameOptions", "Override", 1, "FrameOption", "DENY",
			  "ReferrerPolicy", "Override", 1, "ReferrerPolicy",
			  "strict-origin-when-cross-origin", "XSSProtection", "Override", 1,
			  "Protection", 1, "ModeBlock", 1));
}

struct sm_resource *cdn_origin_access_control_new(struct sm_stack *s, const char *id,
						  const char *name)
{
	return sm_resource_new(s, id, "AWS::CloudFront::OriginAccessControl",
			       json_pack("{s{ss ss ss ss}}", "OriginAccessControlConfig", "Name",
					 name, "OriginAccessControlOriginType", "s3",
					 "SigningBehavior", "always", "SigningProtocol", "sigv4"));
}

static json_t *behavior(const char *origin, const char *viewer, const char *cache,
			const struct sm_resource *headers, bool all_methods)
{
	json_t *b = json_pack("{ss ss ss so sb}", "TargetOriginId", origin, "ViewerProtocolPolicy",
			      viewer, "CachePolicyId", cache, "ResponseHeadersPolicyId",
			      sm_ref(headers), "Compress", 1);
	json_object_set_new(b, "AllowedMethods",
			    all_methods ? json_pack("[sssssss]", "GET", "HEAD", "OPTIONS", "PUT",
						    "PATCH", "POST", "DELETE")
					: json_pack("[sss]", "GET", "HEAD", "OPTIONS"));
	return b;
}

struct sm_resource *cdn_distribution_new(struct sm_stack *s, const char *id,
					 const struct cdn_distribution_props *p)
{
	/* OriginAccessIdentity "": the legacy identity is not used, the OAC signs */
	json_t *origins =
		json_pack("[{ss so s{ss} so}, {ss ss s{si si ss s[s]}}]", "Id", "assets",
			  "DomainName", sm_getatt(p->bucket, "RegionalDomainName"),
			  "S3OriginConfig", "OriginAccessIdentity", "", "OriginAccessControlId",
			  sm_getatt(p->origin_access_control, "Id"), "Id", "api", "DomainName",
			  p->api_domain, "CustomOriginConfig", "HTTPPort", 80, "HTTPSPort", 443,
			  "OriginProtocolPolicy", "https-only", "OriginSSLProtocols", "TLSv1.2");
	json_t *api = behavior("api", "https-only", CDN_CACHE_DISABLED, p->headers_policy, true);
	json_object_set_new(api, "PathPattern", json_string(p->api_path));
	json_object_set_new(api, "OriginRequestPolicyId",
			    json_string(CDN_ORIGIN_ALL_VIEWER_EXCEPT_HOST));
	json_t *config = json_pack("{sb ss so so so s[o] s{so ss ss} ss sb ss so s{so ss sb}}",
				   "Enabled", 1, "Comment", p->comment ? p->comment : "", "Aliases",
				   p->aliases, "Origins", origins, "DefaultCacheBehavior",
				   behavior("assets", "redirect-to-https", CDN_CACHE_OPTIMIZED,
					    p->headers_policy, false),
				   "CacheBehaviors", api, "ViewerCertificate", "AcmCertificateArn",
				   p->certificate_arn, "SslSupportMethod", "sni-only",
				   "MinimumProtocolVersion", "TLSv1.2_2021", "HttpVersion",
				   "http2and3", "IPV6Enabled", 1, "PriceClass", p->price_class,
				   "WebACLId", sm_getatt(p->web_acl, "Arn"), "Logging", "Bucket",
				   sm_getatt(p->log_bucket, "DomainName"), "Prefix",
				   p->log_prefix ? p->log_prefix : "", "IncludeCookies", 0);
	if (p->default_root_object)
		json_object_set_new(config, "DefaultRootObject",
				    json_string(p->default_root_object));
	return sm_resource_new(s, id, "AWS::CloudFront::Distribution",
			       json_pack("{so}", "DistributionConfig", config));
}
