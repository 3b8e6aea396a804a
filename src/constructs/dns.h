/*
 * Names and certificates (the CDK's acm.Certificate with
 * CertificateValidation.fromDns, route53.HealthCheck and ARecord/AaaaRecord
 * aliases):
 *
 *   dns_certificate_new   an ACM certificate of a domain and one other name,
 *                         validated through the hosted zone's DNS (ACM adds
 *                         the CNAME records, and renews the certificate
 *                         itself while they stay)
 *   dns_https_check_new   a Route 53 health check of one HTTPS endpoint,
 *                         with SNI so that the name's certificate is served
 *   dns_all_healthy_new   a calculated health check healthy only while all
 *                         of its children are
 *   dns_alias_new         an alias record (A or AAAA) to an AWS endpoint
 *                         (a distribution, a load balancer), optionally the
 *                         PRIMARY of a failover pair behind a health check,
 *                         or its SECONDARY, which answers only while its
 *                         target is healthy (EvaluateTargetHealth)
 *
 * Logical IDs are the caller's. Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_DNS_H
#define SM_CONSTRUCT_DNS_H

#include "engine/engine.h"

/* The hosted zone of every CloudFront distribution's alias target (Route 53 AliasTarget) */
#define DNS_CLOUDFRONT_ZONE "Z2FDTNDATAQYW2"

struct dns_certificate_props {
	const char *domain;	      /* required: DomainName */
	const char *alternative_name; /* required: the one SubjectAlternativeName */
	const char *hosted_zone_id;   /* required: where ACM validates both */
};
struct sm_resource *dns_certificate_new(struct sm_stack *s, const char *id,
					const struct dns_certificate_props *props);

struct dns_https_check_props {
	json_t *domain;	       /* stolen; required: FullyQualifiedDomainName */
	const char *path;      /* required: ResourcePath */
	int interval_seconds;  /* required: 10 or 30 */
	int failure_threshold; /* required: 1..10 */
};
struct sm_resource *dns_https_check_new(struct sm_stack *s, const char *id,
					const struct dns_https_check_props *props);

/* Healthy while every one of the NULL-terminated `children` is. */
struct sm_resource *dns_all_healthy_new(struct sm_stack *s, const char *id,
					const struct sm_resource *const *children);

struct dns_alias_props {
	const char *hosted_zone_id;		 /* required */
	const char *name;			 /* required */
	const char *type;			 /* required: "A" or "AAAA" */
	json_t *target;				 /* stolen; required: the endpoint's DNS name */
	const char *target_zone;		 /* required: e.g. DNS_CLOUDFRONT_ZONE, */
	json_t *target_zone_ref;		 /* or this, stolen: CanonicalHostedZoneID */
	const struct sm_resource *primary_check; /* NULL: a plain record; else the PRIMARY */
	const char *secondary_id;		 /* NULL; else the SECONDARY, this SetIdentifier */
};
struct sm_resource *dns_alias_new(struct sm_stack *s, const char *id,
				  const struct dns_alias_props *props);
/*
 * The alias target of a load balancer, for A and AAAA records alike:
 * "dualstack." and its DNSName (new reference), the name that answers IPv6
 * too when the load balancer is dual-stack.
 */
json_t *dns_load_balancer_target(const struct sm_resource *load_balancer);

#endif
