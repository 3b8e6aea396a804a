/*
 * CloudFront in front of a private S3 bucket and an HTTPS origin, with the
 * secure defaults a security engineer expects (the CDK's Distribution with
 * S3BucketOrigin.withOriginAccessControl and ResponseHeadersPolicy):
 *
 *   cdn_security_headers_new  HSTS for two years with subdomains and
 *                        preload, nosniff, frames denied, the referrer
 *                        policy strict-origin-when-cross-origin, XSS
 *                        protection in block mode: on every response
 *   cdn_origin_access_control_new  CloudFront signs every request to the
 *                        bucket (SigV4, always): the bucket stays private
 *   cdn_distribution_new  viewers on TLS 1.2 or later (TLSv1.2_2021, SNI)
 *                        with plain HTTP redirected, the API origin reached
 *                        over HTTPS only (TLS 1.2) and its path never cached
 *                        nor served over HTTP, HTTP/2 and 3, IPv6, a WAF web
 *                        ACL in front, access logs, compression
 *
 * Logical IDs are the caller's. Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_CDN_H
#define SM_CONSTRUCT_CDN_H

#include "engine/engine.h"

/* AWS managed CloudFront policies (CloudFront developer guide, "managed policies") */
#define CDN_CACHE_OPTIMIZED "658327ea-f89d-4fab-a63d-7e88639e58f6"
#define CDN_CACHE_DISABLED "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
#define CDN_ORIGIN_ALL_VIEWER_EXCEPT_HOST "b689b0a8-53d0-40ab-baf2-68738e2966ac"

struct sm_resource *cdn_security_headers_new(struct sm_stack *s, const char *id, const char *name);
struct sm_resource *cdn_origin_access_control_new(struct sm_stack *s, const char *id,
						  const char *name);

struct cdn_distribution_props {
	const char *comment;
	json_t *aliases; /* stolen; required: the site's names */
	/* the default behaviour: the bucket through its origin access control */
	const struct sm_resource *bucket;		 /* required */
	const struct sm_resource *origin_access_control; /* required */
	const char *default_root_object;		 /* may be NULL */
	/* a second origin, reached over HTTPS only, for the paths `api_path` */
	const char *api_domain;			  /* required */
	const char *api_path;			  /* required, e.g. "/api/" followed by "*" */
	const struct sm_resource *headers_policy; /* required: on every behaviour */
	json_t *certificate_arn;		  /* stolen; required: ACM, us-east-1 */
	const char *price_class;		  /* required */
	const struct sm_resource *web_acl;	  /* required: scope CLOUDFRONT */
	const struct sm_resource *log_bucket;	  /* required: standard logs */
	const char *log_prefix;			  /* may be NULL */
};

struct sm_resource *cdn_distribution_new(struct sm_stack *s, const char *id,
					 const struct cdn_distribution_props *props);

#endif
