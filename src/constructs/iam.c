#include "constructs/iam.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

json_t *iam_allow(json_t *actions, json_t *resources)
{
	return json_pack("{ss so so}", "Effect", "Allow", "Action", actions, "Resource", resources);
}

json_t *iam_allow_if(json_t *actions, json_t *resources, json_t *condition)
{
	json_t *st = iam_allow(actions, resources);
	json_object_set_new(st, "Condition", condition);
	return st;
}

json_t *iam_document(json_t *statements)
{
	return json_pack("{ss so}", "Version", "2012-10-17", "Statement", statements);
}

json_t *iam_account_root(void)
{
	return sm_fn_sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
}

json_t *iam_statement(const struct iam_statement_props *p)
{
	json_t *st = json_object();
	if (p->sid)
		json_object_set_new(st, "Sid", json_string(p->sid));
	json_object_set_new(st, "Effect", json_string(p->deny ? "Deny" : "Allow"));
	sm_object_set(st, "Principal", p->principal);
	sm_object_set(st, "Action", p->action);
	sm_object_set(st, "Resource", p->resource);
	if (p->condition)
		json_object_set_new(st, "Condition", p->condition);
	return st;
}

json_t *iam_service(const char *service)
{
	return json_pack("{ss}", "Service", service);
}

json_t *iam_regional_service(const char *name)
{
	char *fmt = xstrfmt("%s.${AWS::Region}.amazonaws.com", name);
	json_t *principal = json_pack("{so}", "Service", sm_fn_sub(fmt));
	free(fmt);
	return principal;
}

json_t *iam_any_principal(void)
{
	return json_pack("{ss}", "AWS", "*");
}

json_t *iam_condition(const char *op, ...)
{
	json_t *pairs = json_object();
	va_list ap;
	va_start(ap, op);
	const char *key;
	while ((key = va_arg(ap, const char *)))
		sm_object_set(pairs, key, va_arg(ap, json_t *));
	va_end(ap);
	json_t *cond = json_object();
	sm_object_set(cond, op, pairs);
	return cond;
}

json_t *iam_condition_and(json_t *a, json_t *b)
{
	const char *op;
	json_t *pairs;
	json_object_foreach (b, op, pairs) {
		json_t *have = json_object_get(a, op);
		if (!json_is_object(have) || !json_is_object(pairs)) {
			json_object_set(a, op, pairs);
			continue;
		}
		/*
		 * The keys of one operator are ANDed, and a key appears once in
		 * it: a second value for a key would replace the first, dropping
		 * a restriction silently (IAM user guide, "Create a condition
		 * with multiple context keys or values":
		 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
		 */
		const char *key;
		json_t *v;
		json_object_foreach (pairs, key, v) {
			if (json_object_get(have, key)) {
				char *msg = xstrfmt("IAM condition key '%s' given twice under %s: "
						    "a second value would replace the first",
						    key, op);
				json_object_set_new(have, key, sm_value_error(msg));
				free(msg);
			} else {
				json_object_set(have, key, v);
			}
		}
	}
	json_decref(b);
	return a;
}

struct sm_resource *iam_role_new(struct sm_stack *s, const char *id, const char *service,
				 json_t *statements, const char *const *managed)
{
	json_t *assume = iam_document(json_pack("[{ss s{ss} ss}]", "Effect", "Allow", "Principal",
						"Service", service, "Action", "sts:AssumeRole"));
	json_t *props = json_pack("{so}", "AssumeRolePolicyDocument", assume);
	json_t *arns = json_array();
	for (size_t i = 0; managed && managed[i]; i++) {
		char *fmt = xstrfmt("arn:${AWS::Partition}:iam::aws:policy/%s", managed[i]);
		json_array_append_new(arns, sm_fn_sub(fmt));
		free(fmt);
	}
	if (json_array_size(arns))
		json_object_set_new(props, "ManagedPolicyArns", arns);
	else
		json_decref(arns);
	struct sm_resource *role = sm_resource_new(s, id, "AWS::IAM::Role", props);
	if (statements && json_array_size(statements)) {
		char *pid = xstrfmt("%sPolicy", id);
		sm_resource_new(s, pid, "AWS::IAM::ManagedPolicy",
				json_pack("{so s[o]}", "PolicyDocument", iam_document(statements),
					  "Roles", sm_ref(role)));
		free(pid);
	} else {
		json_decref(statements);
	}
	return role;
}

struct sm_resource *iam_role_policy(const struct sm_resource *role)
{
	char *pid = xstrfmt("%sPolicy", sm_resource_id(role));
	struct sm_resource *p = sm_stack_find_resource(sm_resource_stack(role), pid);
	free(pid);
	return p && !strcmp(sm_resource_type(p), "AWS::IAM::ManagedPolicy") ? p : NULL;
}

void iam_role_wait_for(struct sm_resource *r, const struct sm_resource *role)
{
	struct sm_resource *policy = iam_role_policy(role);
	if (policy)
		sm_resource_depends_on(r, policy);
}

/* The managed policy iam_role_new made for `r` when it is a role, else NULL. */
static struct sm_resource *policy_of(const struct sm_resource *r)
{
	return !strcmp(sm_resource_type(r), "AWS::IAM::Role") ? iam_role_policy(r) : NULL;
}

void accept_finding(struct sm_resource *r, const char *rule_id, const char *reason)
{
	struct sm_resource *policy = policy_of(r);
	sm_resource_accept(r, rule_id, reason);
	if (policy)
		sm_resource_accept(policy, rule_id, reason);
}

void nag_suppress(struct sm_resource *r, const char *reason, ...)
{
	va_list ap;
	const char *id;
	struct sm_resource *policy = policy_of(r);
	va_start(ap, reason);
	while ((id = va_arg(ap, const char *))) {
		sm_resource_suppress(r, id, reason);
		if (policy)
			sm_resource_suppress(policy, id, reason);
	}
	va_end(ap);
}
