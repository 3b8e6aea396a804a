#include "constructs/waf.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/secure.h"

/* requests per 5 minutes per client: well above a shopper, below a scraper */
#define WAF_RATE_LIMIT 2000

static json_t *visibility(const char *metric)
{
	return json_pack("{sbsbss}", "SampledRequestsEnabled", 1, "CloudWatchMetricsEnabled", 1,
			 "MetricName", metric);
}

static json_t *rate_rule(const char *name, int priority, const char *metric_prefix,
			 const char *metric_suffix, json_t *statement)
{
	char *metric = xstrfmt("%s%s", metric_prefix, metric_suffix);
	json_t *rule = json_pack("{ss si s{so} s{s{}} so}", "Name", name, "Priority", priority,
				 "Statement", "RateBasedStatement", statement, "Action", "Block",
				 "VisibilityConfig", visibility(metric));
	free(metric);
	return rule;
}

/*
 * Requests without X-Forwarded-For: the ones that reached the load balancer
 * directly, whose source address is the client's (CloudFront adds the header
 * to every request it forwards to a custom origin). A scope-down statement
 * (AWS WAF developer guide, "Using scope-down statements",
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-scope-down-statements.html).
 */
static json_t *direct_requests(void)
{
	return json_pack("{s{s{s{s{s{ss}} ss si s[{siss}]}}}}", "NotStatement", "Statement",
			 "SizeConstraintStatement", "FieldToMatch", "SingleHeader", "Name",
			 "x-forwarded-for", "ComparisonOperator", "GT", "Size", 0,
			 "TextTransformations", "Priority", 0, "Type", "NONE");
}

static json_t *rules(const char *metric_prefix, bool behind_cloudfront, int limit)
{
	static const char *const groups[] = {
		"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet",
		"AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"};
	/*
	 * The IP reputation group judges the source address: behind CloudFront
	 * it can only judge requests that reached the ALB directly (edge servers
	 * are not on its list), while every viewer through CloudFront is judged
	 * by the same group in the CloudFront web ACL, on the viewer's address.
	 */
	json_t *list = json_array();
	for (int i = 0; i < 4; i++) {
		/* the metric: the prefix and the group's name without "AWSManagedRules" */
		char *metric = xstrfmt("%s%s", metric_prefix, groups[i] + 18);
		json_t *group = json_pack("{ssss}", "VendorName", "AWS", "Name", groups[i]);
		/* the IP reputation group, scoped to what it can judge (check SM-DEP-027) */
		if (i == 0 && behind_cloudfront)
			json_object_set_new(group, "ScopeDownStatement", direct_requests());
		json_array_append_new(list, json_pack("{ss si s{so} s{s{}} so}", "Name", groups[i],
						      "Priority", i, "Statement",
						      "ManagedRuleGroupStatement", group,
						      "OverrideAction", "None", "VisibilityConfig",
						      visibility(metric)));
		free(metric);
	}
	if (!behind_cloudfront) {
		json_array_append_new(
			list,
			rate_rule("RateLimitPerIp", 4, metric_prefix, "RateLimit",
				  json_pack("{si ss}", "Limit", limit, "AggregateKeyType", "IP")));
		return list;
	}
	/*
	 * Behind CloudFront the source address is an edge server's, shared by
	 * every viewer it serves: a per-IP limit there would block whole edges.
	 * CloudFront passes the viewer's address in X-Forwarded-For, which the
	 * forwarded-IP key reads (AWS WAF developer guide, "Using forwarded IP
	 * addresses"); the CloudFront web ACL, which sees the viewer's own
	 * address, stays the authoritative per-IP limit.
	 */
	json_array_append_new(
		list, rate_rule("RateLimitPerForwardedIp", 4, metric_prefix, "RateLimitForwarded",
				json_pack("{si ss s{ssss}}", "Limit", limit, "AggregateKeyType",
					  "FORWARDED_IP", "ForwardedIPConfig", "HeaderName",
					  "X-Forwarded-For", "FallbackBehavior", "MATCH")));
	/* requests that reached the ALB directly (no X-Forwarded-For): their source is the client
	 */
	json_array_append_new(list,
			      rate_rule("RateLimitPerIpDirect", 5, metric_prefix, "RateLimitDirect",
					json_pack("{si ss so}", "Limit", limit, "AggregateKeyType",
						  "IP", "ScopeDownStatement", direct_requests())));
	return list;
}

int waf_web_acl_new(struct sm_stack *s, const char *id, const struct waf_web_acl_props *p,
		    struct waf_web_acl *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	/* WAF requires the destination log group's name to start with aws-waf-logs- */
	if (!p->log_group_name ||
	    strncmp(p->log_group_name, WAF_LOG_GROUP_PREFIX, strlen(WAF_LOG_GROUP_PREFIX)) != 0) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, id,
			 "the web ACL's log group '%s' must be named " WAF_LOG_GROUP_PREFIX "...",
			 p->log_group_name ? p->log_group_name : "(none)");
		return -1;
	}
	out->acl = sm_resource_new(s, id, "AWS::WAFv2::WebACL",
				   json_pack("{ss s{s{}} so so}", "Scope",
					     p->cloudfront ? "CLOUDFRONT" : "REGIONAL",
					     "DefaultAction", "Allow", "Rules",
					     rules(p->metric_name, p->behind_cloudfront,
						   p->rate_limit ? p->rate_limit : WAF_RATE_LIMIT),
					     "VisibilityConfig", visibility(p->metric_name)));
	char *lid = xstrfmt("%sLogs", id);
	/* the stack's ID ends the name: retained, the group outlives its stack, and the next
	 * stack of the name must not meet it ("already exists"; SM-DEP-080) */
	out->log_group = log_group_new(s, lid, sm_stack_unique_name(p->log_group_name), p->logs_key,
				       p->log_retention_days, p->log_retain_policy);
	free(lid);
	lid = xstrfmt("%sLogging", id);
	out->logging = sm_resource_new(
		s, lid, "AWS::WAFv2::LoggingConfiguration",
		json_pack("{so s[o]}", "ResourceArn", sm_getatt(out->acl, "Arn"),
			  "LogDestinationConfigs", sm_getatt(out->log_group, "Arn")));
	free(lid);
	return 0;
}
