/* check rules: IAM roles, users and policies. */
#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta iam_star_action = {
	"SM-IAM-001", SM_SEV_ERROR, "Policy allows every action ('*')",
	"Action '*' grants administrator rights over the services named (or all of AWS).",
	"List the actions the workload calls.", "FSBP IAM.1; FSBP IAM.21; CIS 1.16; PCI DSS 7.2.1",
	/* not AwsSolutions-IAM5: accepting a resource wildcard must not hide Action '*' */
	N3("IAMPolicyNoStatementsWithAdminAccess"), NULL, NULL, NULL};
static const struct sm_rule_meta iam_star_resource = {
	"SM-IAM-002", SM_SEV_WARNING, "Policy allows actions on every resource ('*')",
	"Resource '*' lets the role act on resources of other workloads in the account.",
	"Name the ARNs; keep '*' only for the actions AWS documents as resource-less.",
	"FSBP IAM.21; PCI DSS 7.2.1",
	"AwsSolutions-IAM5 " N3("IAMPolicyNoStatementsWithFullAccess"), NULL, NULL,
	/* nag_partial: IAM5: any wildcard (s3:Get*, a bucket's objects); FullAccess: "service:*"
	   actions; this: Resource '*' */
	"AwsSolutions-IAM5 " N3("IAMPolicyNoStatementsWithFullAccess")};
static const struct sm_rule_meta iam_inline = {
	"SM-IAM-003",
	SM_SEV_WARNING,
	"Inline IAM policy",
	"Inline policies cannot be reviewed, versioned or reused on their own.",
	"Use a customer managed policy (AWS::IAM::ManagedPolicy).",
	"NIST AC-6; PCI DSS 7.2.2",
	N3("IAMNoInlinePolicy"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta iam_anyone = {
	"SM-IAM-004",
	SM_SEV_ERROR,
	"Role assumable by anyone",
	"A trust policy with Principal '*' lets any AWS account assume the role.",
	"Name the service or account principals that may assume it.",
	"FSBP IAM.x; PCI DSS 7.2.1",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta iam_admin = {
	"SM-IAM-005", SM_SEV_ERROR, "AdministratorAccess attached",
	"A workload role with AdministratorAccess turns any bug into an account takeover.",
	"Grant only the actions the workload needs.", "FSBP IAM.1; CIS 1.16; PCI DSS 7.2.1",
	"AwsSolutions-IAM4 " N3("IAMPolicyNoStatementsWithAdminAccess"), NULL, NULL,
	/* nag_partial: IAM4: any AWS managed policy; this: AdministratorAccess */
	"AwsSolutions-IAM4"};
static const struct sm_rule_meta iam_user_policy = {
	"SM-IAM-006",
	SM_SEV_WARNING,
	"IAM user with policies attached directly",
	"Permissions belong to groups or roles, so that leaving users lose them.",
	"Attach the policies to a group or use roles with federation.",
	"CIS 1.15; FSBP IAM.2",
	N3("IAMUserNoPolicies"),
	NULL,
	NULL,
	NULL};

static bool has_star(const json_t *v)
{
	if (json_is_string(v))
		return !strcmp(jstr(v), "*") || (strchr(jstr(v), '*') && strstr(jstr(v), ":*") &&
						 !strchr(jstr(v), '/') && !strstr(jstr(v), "arn:"));
	size_t i;
	json_t *x;
	json_array_foreach (v, i, x) {
		if (has_star(x))
			return true;
	}
	return false;
}

static bool is_literal_star(const json_t *v)
{
	if (json_is_string(v))
		return !strcmp(jstr(v), "*");
	size_t i;
	json_t *x;
	json_array_foreach (v, i, x) {
		if (is_literal_star(x))
			return true;
	}
	return false;
}

static void document(struct check_ctx *c, const char *id, const json_t *doc, const char *prop)
{
	size_t i;
	json_t *st;
	json_array_foreach (json_object_get(doc, "Statement"), i, st) {
		if (strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow"))
			continue;
		const json_t *a = json_object_get(st, "Action");
		if (is_literal_star(a) || (json_is_string(a) && !strcmp(jstr(a), "*:*")))
			check_report(c, &iam_star_action, id, prop,
				     "statement %zu of '%s' allows Action '*'", i, id);
		else if (has_star(a))
			check_report(c, &iam_star_action, id, prop,
				     "statement %zu of '%s' allows every action of a service", i,
				     id);
		if (is_literal_star(json_object_get(st, "Resource")))
			check_report(c, &iam_star_resource, id, prop,
				     "statement %zu of '%s' allows Resource '*'", i, id);
	}
}

static void role(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *pol, *st;
	json_array_foreach (json_object_get(p, "Policies"), i, pol) {
		check_report(c, &iam_inline, id, "Policies", "role '%s' has inline policy '%s'", id,
			     jstr(json_object_get(pol, "PolicyName")) ?: "?");
		document(c, id, json_object_get(pol, "PolicyDocument"), "Policies");
	}
	json_array_foreach (jget(p, "AssumeRolePolicyDocument.Statement"), i, st) {
		const json_t *pr = json_object_get(st, "Principal");
		if (!strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow") &&
		    ((json_is_string(pr) && !strcmp(jstr(pr), "*")) ||
		     is_literal_star(json_object_get(pr, "AWS"))) &&
		    !json_object_get(st, "Condition"))
			check_report(c, &iam_anyone, id, "AssumeRolePolicyDocument",
				     "role '%s' trusts Principal '*'", id);
	}
	json_t *arn;
	json_array_foreach (json_object_get(p, "ManagedPolicyArns"), i, arn) {
		const char *s = jstr(arn) ?: jstr(json_object_get(arn, "Fn::Sub")) ?: "";
		if (strstr(s, "policy/AdministratorAccess"))
			check_report(c, &iam_admin, id, "ManagedPolicyArns",
				     "role '%s' has AdministratorAccess", id);
	}
	(void)r;
}

static void policy(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = jstr(json_object_get(r, "Type"));
	if (!strcmp(type, "AWS::IAM::Policy"))
		check_report(c, &iam_inline, id, NULL, "'%s' is an inline policy", id);
	if (json_object_get(p, "Users"))
		check_report(c, &iam_user_policy, id, "Users", "'%s' is attached to users", id);
	document(c, id, json_object_get(p, "PolicyDocument"), "PolicyDocument");
}

static void user(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (json_object_get(p, "Policies") || json_object_get(p, "ManagedPolicyArns"))
		check_report(c, &iam_user_policy, id, NULL, "user '%s' has policies attached", id);
	(void)r;
}

const struct resource_rule check_rules_iam[] = {
	{&iam_star_action, "AWS::IAM::Role", role},
	{&iam_star_resource, "AWS::IAM::Policy", policy},
	{&iam_inline, "AWS::IAM::ManagedPolicy", policy},
	{&iam_anyone, "-", NULL},
	{&iam_admin, "-", NULL},
	{&iam_user_policy, "AWS::IAM::User", user},
	{NULL, NULL, NULL},
};
