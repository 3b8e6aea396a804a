/*
 * Helpers for CloudFormation's intrinsic functions and pseudo parameters.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * Every json_t argument is stolen; every result is a new reference.
 */
#include <stdarg.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

/*
 * The values are built directly rather than with json_pack: these helpers
 * run for every reference of a synth, and json_pack parses its format and
 * validates each string on every call. The semantics are json_pack's: a
 * NULL argument (a failed inner helper) gives NULL, and the other stolen
 * arguments are released.
 */
/* {key: v} */
static json_t *fn1(const char *key, json_t *v)
{
	if (!v)
		return NULL;
	json_t *o = json_object();
	json_object_set_new_nocheck(o, key, v);
	return o;
}

/* {key: [n values]} */
static json_t *fn_list(const char *key, size_t n, ...)
{
	json_t *vals[4];
	bool ok = true;
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		vals[i] = va_arg(ap, json_t *);
		ok = ok && vals[i];
	}
	va_end(ap);
	if (!ok) {
		for (size_t i = 0; i < n; i++)
			json_decref(vals[i]);
		return NULL;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, vals[i]);
	return fn1(key, list);
}

/*
 * A token's inner object names its target; it never changes once built, so
 * every reference to the same target shares one (the outer object is
 * rewritten in place at resolution, so each reference has its own).
 */
static json_t *target_object(const struct sm_resource *r, const char *attr)
{
	json_t *t = json_object();
	json_object_set_new_nocheck(t, "stack", json_string(r->stack->name));
	json_object_set_new_nocheck(t, "id", json_string(r->id));
	if (attr)
		json_object_set_new_nocheck(t, "attr", json_string(attr));
	if (json_object_size(t) != (attr ? 3u : 2u)) { /* not UTF-8: json_pack refused it */
		json_decref(t);
		return NULL;
	}
	return t;
}

json_t *sm_ref(const struct sm_resource *r)
{
	struct sm_resource *w = (struct sm_resource *)r; /* the cache only */
	if (!w)
		return NULL;
	if (!w->ref_target)
		w->ref_target = target_object(r, NULL);
	return w->ref_target ? fn1(SM_TOKEN_KEY, json_incref(w->ref_target)) : NULL;
}

json_t *sm_getatt(const struct sm_resource *r, const char *attribute)
{
	struct sm_resource *w = (struct sm_resource *)r;
	if (!w || !attribute)
		return NULL;
	for (size_t i = 0; i < w->att_nr; i++)
		if (!strcmp(w->att[i].attr, attribute))
			return fn1(SM_TOKEN_KEY, json_incref(w->att[i].target));
	json_t *t = target_object(r, attribute);
	if (!t)
		return NULL;
	ALLOC_GROW(w->att, w->att_nr + 1, w->att_alloc);
	w->att[w->att_nr].attr = xstrdup(attribute);
	w->att[w->att_nr].target = t;
	w->att_nr++;
	return fn1(SM_TOKEN_KEY, json_incref(t));
}

json_t *sm_ref_name(const char *name)
{
	return fn1("Ref", json_string(name));
}

json_t *sm_fn_getatt_name(const char *logical_id, const char *attribute)
{
	return fn_list("Fn::GetAtt", 2, json_string(logical_id), json_string(attribute));
}

json_t *sm_fn_sub(const char *fmt)
{
	return fn1("Fn::Sub", json_string(fmt));
}

json_t *sm_fn_sub_vars(const char *fmt, json_t *vars)
{
	return fn_list("Fn::Sub", 2, json_string(fmt), vars);
}

json_t *sm_fn_join(const char *delimiter, json_t *list)
{
	return fn_list("Fn::Join", 2, json_string(delimiter), list);
}

json_t *sm_fn_select(int index, json_t *list)
{
	return fn_list("Fn::Select", 2, json_integer(index), list);
}

json_t *sm_fn_split(const char *delimiter, json_t *source)
{
	return fn_list("Fn::Split", 2, json_string(delimiter), source);
}

json_t *sm_fn_getazs(const char *region)
{
	if (!region || !*region)
		return fn1("Fn::GetAZs", sm_aws_region());
	return fn1("Fn::GetAZs", json_string(region));
}

json_t *sm_fn_cidr(json_t *ip_block, int count, int cidr_bits)
{
	/* Fn::Cidr takes count and bits as strings or numbers; the CDK writes numbers. */
	return fn_list("Fn::Cidr", 3, ip_block, json_integer(count), json_integer(cidr_bits));
}

json_t *sm_fn_import_value(json_t *name)
{
	return fn1("Fn::ImportValue", name);
}

json_t *sm_fn_if(const char *condition, json_t *if_true, json_t *if_false)
{
	return fn_list("Fn::If", 3, json_string(condition), if_true, if_false);
}

json_t *sm_fn_equals(json_t *a, json_t *b)
{
	return fn_list("Fn::Equals", 2, a, b);
}

json_t *sm_fn_and(json_t *conditions)
{
	return fn1("Fn::And", conditions);
}

json_t *sm_fn_or(json_t *conditions)
{
	return fn1("Fn::Or", conditions);
}

json_t *sm_fn_not(json_t *condition)
{
	return fn_list("Fn::Not", 1, condition);
}

json_t *sm_fn_base64(json_t *value)
{
	return fn1("Fn::Base64", value);
}

json_t *sm_fn_find_in_map(const char *map, json_t *top_key, json_t *second_key)
{
	return fn_list("Fn::FindInMap", 3, json_string(map), top_key, second_key);
}

json_t *sm_fn_length(json_t *list)
{
	/* Fn::Length needs the AWS::LanguageExtensions transform in the template. */
	return fn1("Fn::Length", list);
}

json_t *sm_fn_to_json_string(json_t *value)
{
	/* Fn::ToJsonString needs the AWS::LanguageExtensions transform too. */
	return fn1("Fn::ToJsonString", value);
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

json_t *sm_stack_instance_id(void)
{
	/* arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID */
	json_t *uuid = sm_fn_select(2, sm_fn_split("/", sm_aws_stack_id()));
	return sm_fn_select(0, sm_fn_split("-", uuid));
}

json_t *sm_stack_unique_name(const char *prefix)
{
	return sm_fn_join("-", json_pack("[s o]", prefix, sm_stack_instance_id()));
}

json_t *sm_aws_url_suffix(void)
{
	return sm_ref_name("AWS::URLSuffix");
}

json_t *sm_aws_notification_arns(void)
{
	return sm_ref_name("AWS::NotificationARNs");
}
