/*
 * An application load balancer, its target group and its listeners, with the
 * secure defaults a security engineer expects (the CDK's
 * ApplicationLoadBalancer, addTargets and addRedirect):
 *
 *   alb_new                  internet-facing, IPv4 (or dual-stack); invalid header fields
 *                            dropped, desync mitigation "strictest", access
 *                            logs to the given bucket, deletion protection
 *                            on unless `allow_deletion`
 *   alb_target_group_new     IP targets over HTTP, health checked every 15 s
 *                            (healthy after 2, unhealthy after 3), 200-399,
 *                            30 s deregistration delay
 *   alb_https_listener_new   443, TLS 1.3 with 1.2 as the floor, forwards to
 *                            the target group
 *   alb_redirect_listener_new 80, serves nothing: 301 to HTTPS
 *   alb_associate_web_acl    a WAFv2 web ACL in front of the load balancer
 *
 * Logical IDs are the caller's (one per resource, as the CDK's construct
 * IDs). Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_ALB_H
#define SM_CONSTRUCT_ALB_H

#include "engine/engine.h"

/* TLS 1.3 with 1.2 as the floor (ELB docs, "Security policies") */
#define ALB_SSL_POLICY "ELBSecurityPolicy-TLS13-1-2-2021-06"

struct alb_props {
	json_t *subnets;			  /* stolen; required: the public subnets */
	const struct sm_resource *security_group; /* required (its GroupId) */
	/*
	 * optional: a second group, for sources that do not fit in the first's
	 * quota of inbound rules (a managed prefix list counts its weight)
	 */
	const struct sm_resource *second_security_group;
	/*
	 * default false: IPv4 only; true: "dualstack", whose subnets need IPv6
	 * blocks and routes, its groups and ACLs IPv6 rules (vpc.h public_ipv6)
	 */
	bool dualstack;
	const struct sm_resource *access_log_bucket; /* required: ELB access logs */
	const char *access_log_prefix;		     /* default: none */
	bool allow_deletion;			     /* default false: deletion protection on */
};

struct sm_resource *alb_new(struct sm_stack *s, const char *id, const struct alb_props *props);

struct alb_target_group_props {
	const struct sm_resource *vpc; /* required */
	int port;		       /* required: the targets' port */
	const char *health_check_path; /* default "/" */
};

struct sm_resource *alb_target_group_new(struct sm_stack *s, const char *id,
					 const struct alb_target_group_props *props);

struct alb_https_listener_props {
	const struct sm_resource *load_balancer; /* required */
	json_t *certificate_arn;		 /* stolen; required */
	const struct sm_resource *target_group;	 /* required: the default action */
	const char *ssl_policy;			 /* default ALB_SSL_POLICY */
};

struct sm_resource *alb_https_listener_new(struct sm_stack *s, const char *id,
					   const struct alb_https_listener_props *props);

/* Port 80 answering every request with a 301 to HTTPS on 443. */
struct sm_resource *alb_redirect_listener_new(struct sm_stack *s, const char *id,
					      const struct sm_resource *load_balancer);

/* Associate the WAFv2 web ACL `web_acl` (scope REGIONAL) with the load balancer. */
struct sm_resource *alb_associate_web_acl(struct sm_stack *s, const char *id,
					  const struct sm_resource *load_balancer,
					  const struct sm_resource *web_acl);

#endif
