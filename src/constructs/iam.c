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

void nag_suppress(struct sm_resource *r, const char *reason, ...)
{
	va_list ap;
	const char *id;
	struct sm_resource *policy =
		!strcmp(sm_resource_type(r), "AWS::IAM::Role") ? iam_role_policy(r) : NULL;
	va_start(ap, reason);
	while ((id = va_arg(ap, const char *))) {
		sm_resource_suppress(r, id, reason);
		if (policy)
			sm_resource_suppress(policy, id, reason);
	}
	va_end(ap);
}
