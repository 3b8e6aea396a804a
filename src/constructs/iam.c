#include "constructs/iam.h"

#include <stdlib.h>

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
	json_t *assume = iam_document(json_pack(
		"[{ss s{ss} ss}]", "Effect", "Allow", "Principal", "Service", service, "Action",
		"sts:AssumeRole"));
	json_t *props = json_pack("{so}", "AssumeRolePolicyDocument", assume);
	if (statements && json_array_size(statements))
		json_object_set_new(props, "Policies",
				    json_pack("[{ss so}]", "PolicyName", "Policy", "PolicyDocument",
					      iam_document(statements)));
	else
		json_decref(statements);
	if (managed) {
		json_t *arns = json_array();
		for (size_t i = 0; managed[i]; i++) {
			char *fmt = xstrfmt("arn:${AWS::Partition}:iam::aws:policy/%s", managed[i]);
			json_array_append_new(arns, sm_fn_sub(fmt));
			free(fmt);
		}
		json_object_set_new(props, "ManagedPolicyArns", arns);
	}
	return sm_resource_new(s, id, "AWS::IAM::Role", props);
}
