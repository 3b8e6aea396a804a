/*
 * A WAFv2 web ACL with the protections a shop's front door needs, and its
 * logs (the CDK has no L2 for it; this is what the AWS WAF developer guide's
 * baseline amounts to):
 *
 *   rules    the AWS managed groups for IP reputation, the common rule set
 *            (OWASP Top 10 classes), known bad inputs and SQL injection, then
 *            a rate limit per client (`rate_limit` requests per 5 minutes,
 *            default 2,000): on the source address, or, for an ACL behind
 *            CloudFront, on X-Forwarded-For, with a second limit on the
 *            source of requests that came without it (direct)
 *   default  allow what no rule blocks; sampled requests and metrics on
 *   logs     every request to a KMS-encrypted log group (<id>Logs, named as
 *            WAF requires: "aws-waf-logs-..."), by <id>Logging
 *
 * Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_WAF_H
#define SM_CONSTRUCT_WAF_H

#include "engine/engine.h"

#define WAF_LOG_GROUP_PREFIX "aws-waf-logs-"

struct waf_web_acl_props {
	bool cloudfront;	 /* scope CLOUDFRONT (the stack in us-east-1); default REGIONAL */
	bool behind_cloudfront;	 /* a REGIONAL ACL whose clients come through CloudFront */
	const char *metric_name; /* required: the ACL's metric, prefix of its rules' */
	int rate_limit;		 /* per client per 5 minutes; default 2000 */
	/* required: starts with WAF_LOG_GROUP_PREFIX; "-<first group of the stack's ID>" is added
	 */
	const char *log_group_name;
	const struct sm_resource *logs_key; /* required */
	int log_retention_days;		    /* required */
	const char *log_retain_policy;	    /* NULL: none */
};

struct waf_web_acl {
	struct sm_resource *acl;
	struct sm_resource *log_group;
	struct sm_resource *logging;
};

/* 0, or -1 with a diagnostic naming `id` (a log group name WAF would refuse). */
int waf_web_acl_new(struct sm_stack *s, const char *id, const struct waf_web_acl_props *props,
		    struct waf_web_acl *out, struct diag_list *dl);

#endif
