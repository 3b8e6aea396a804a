/*
 * Helpers for CloudFormation's intrinsic functions and pseudo parameters.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * Every json_t argument is stolen; every result is a new reference.
 */
#include "engine/engine_int.h"

json_t *sm_ref(const struct sm_resource *r)
{
	return json_pack("{s{ssss}}", SM_TOKEN_KEY, "stack", r->stack->name, "id", r->id);
}

json_t *sm_getatt(const struct sm_resource *r, const char *attribute)
{
	return json_pack("{s{ssssss}}", SM_TOKEN_KEY, "stack", r->stack->name, "id", r->id,
			 "attr", attribute);
}

json_t *sm_ref_name(const char *name)
{
	return json_pack("{ss}", "Ref", name);
}

json_t *sm_fn_getatt_name(const char *logical_id, const char *attribute)
{
	return json_pack("{s[ss]}", "Fn::GetAtt", logical_id, attribute);
}

json_t *sm_fn_sub(const char *fmt)
{
	return json_pack("{ss}", "Fn::Sub", fmt);
}

json_t *sm_fn_sub_vars(const char *fmt, json_t *vars)
{
	return json_pack("{s[so]}", "Fn::Sub", fmt, vars);
}

json_t *sm_fn_join(const char *delimiter, json_t *list)
{
	return json_pack("{s[so]}", "Fn::Join", delimiter, list);
}

json_t *sm_fn_select(int index, json_t *list)
{
	return json_pack("{s[Io]}", "Fn::Select", (json_int_t)index, list);
}

json_t *sm_fn_split(const char *delimiter, json_t *source)
{
	return json_pack("{s[so]}", "Fn::Split", delimiter, source);
}

json_t *sm_fn_getazs(const char *region)
{
	if (!region || !*region)
		return json_pack("{so}", "Fn::GetAZs", sm_aws_region());
	return json_pack("{ss}", "Fn::GetAZs", region);
}

json_t *sm_fn_cidr(json_t *ip_block, int count, int cidr_bits)
{
	/* Fn::Cidr takes count and bits as strings or numbers; the CDK writes numbers. */
	return json_pack("{s[oII]}", "Fn::Cidr", ip_block, (json_int_t)count,
			 (json_int_t)cidr_bits);
}

json_t *sm_fn_import_value(json_t *name)
{
	return json_pack("{so}", "Fn::ImportValue", name);
}

json_t *sm_fn_if(const char *condition, json_t *if_true, json_t *if_false)
{
	return json_pack("{s[soo]}", "Fn::If", condition, if_true, if_false);
}

json_t *sm_fn_equals(json_t *a, json_t *b)
{
	return json_pack("{s[oo]}", "Fn::Equals", a, b);
}

json_t *sm_fn_and(json_t *conditions)
{
	return json_pack("{so}", "Fn::And", conditions);
}

json_t *sm_fn_or(json_t *conditions)
{
	return json_pack("{so}", "Fn::Or", conditions);
}

json_t *sm_fn_not(json_t *condition)
{
	return json_pack("{s[o]}", "Fn::Not", condition);
}

json_t *sm_fn_base64(json_t *value)
{
	return json_pack("{so}", "Fn::Base64", value);
}

json_t *sm_fn_find_in_map(const char *map, json_t *top_key, json_t *second_key)
{
	return json_pack("{s[soo]}", "Fn::FindInMap", map, top_key, second_key);
}

json_t *sm_fn_length(json_t *list)
{
	/* Fn::Length needs the AWS::LanguageExtensions transform in the template. */
	return json_pack("{so}", "Fn::Length", list);
}

json_t *sm_fn_to_json_string(json_t *value)
{
	/* Fn::ToJsonString needs the AWS::LanguageExtensions transform too. */
	return json_pack("{so}", "Fn::ToJsonString", value);
}

json_t *sm_no_value(void)
{
	return sm_ref_name("AWS::NoValue");
}

json_t *sm_aws_account_id(void)
{
	return sm_ref_name("AWS::AccountId");
}

json_t *sm_aws_region(void)
{
	return sm_ref_name("AWS::Region");
}

json_t *sm_aws_partition(void)
{
	return sm_ref_name("AWS::Partition");
}

json_t *sm_aws_stack_name(void)
{
	return sm_ref_name("AWS::StackName");
}

json_t *sm_aws_stack_id(void)
{
	return sm_ref_name("AWS::StackId");
}

json_t *sm_aws_url_suffix(void)
{
	return sm_ref_name("AWS::URLSuffix");
}

json_t *sm_aws_notification_arns(void)
{
	return sm_ref_name("AWS::NotificationARNs");
}
