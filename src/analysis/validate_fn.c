/*
 * validate: the shapes of the intrinsic functions CloudFormation checks when
 * it reads a template
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html):
 * what each function takes, which functions may be nested in it, and a
 * ${Name} written outside Fn::Sub, which CloudFormation leaves as text.
 * Fn::GetStackOutput takes {StackName, OutputName, Region, RoleArn}, the first
 * two required
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html).
 */
#include "analysis/validate_int.h"

#include <string.h>

#include "base/common.h"
#include "base/json_io.h"
#include "base/xalloc.h"

/* The function name of a one-key intrinsic object, or NULL. */
static const char *fn_name(const json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) != 1)
		return NULL;
	const char *k = json_object_iter_key(json_object_iter((json_t *)v));
	return !strcmp(k, "Ref") || !strncmp(k, "Fn::", 4) ? k : NULL;
}

static bool one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/* A string, or one of the functions `allowed` that give one. */
static bool string_or(const json_t *v, const char *const *allowed)
{
	const char *fn = fn_name(v);
	return json_is_string(v) || (fn && one_of(fn, allowed));
}

static const char *const import_args[] = {"Fn::Base64", "Fn::FindInMap", "Fn::If",
					  "Fn::Join",	"Fn::Select",	 "Fn::Split",
					  "Fn::Sub",	"Ref",		 NULL};
static const char *const select_lists[] = {"Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs", "Fn::If",
					   "Fn::Split",	    "Ref",	  "Fn::Cidr",	NULL};
static const char *const select_index[] = {"Ref", "Fn::FindInMap", NULL};
static const char *const join_lists[] = {"Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs",
					 "Fn::If",	  "Fn::Split",	"Ref",
					 "Fn::Cidr",	  "Fn::Select", NULL};
static const char *const base64_args[] = {
	"Fn::FindInMap", "Fn::GetAtt", "Fn::If",	  "Fn::Join",	"Fn::Select",
	"Fn::Sub",	 "Ref",	       "Fn::ImportValue", "Fn::Base64", NULL};

static bool check_get_stack_output(struct vctx *c, const json_t *arg, const char *path)
{
	static const char *const keys[] = {"StackName", "OutputName", "Region", "RoleArn", NULL};
	if (!json_is_object(arg)) {
		vd_report(c, DIAG_ERROR, path,
			  "Fn::GetStackOutput takes an object: {StackName, OutputName, Region, "
			  "RoleArn}");
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < 2; i++)
		if (!json_object_get(arg, keys[i])) {
			vd_report(c, DIAG_ERROR, path, "Fn::GetStackOutput needs %s", keys[i]);
			ok = false;
		}
	const char *k;
	json_t *v;
	json_object_foreach ((json_t *)arg, k, v) {
		if (!one_of(k, keys)) {
			struct diag *d = vd_report(c, DIAG_ERROR, path,
						   "Fn::GetStackOutput takes no '%s'", k);
			diag_set_hint(d, "its keys are StackName, OutputName, Region, RoleArn");
			ok = false;
		} else if (!string_or(v, import_args)) {
			vd_report(c, DIAG_ERROR, path,
				  "Fn::GetStackOutput's %s is a string (or a function that gives "
				  "one)",
				  k);
			ok = false;
		}
	}
	return ok;
}

bool vd_check_fn_shape(struct vctx *c, const char *fn, const json_t *arg, const char *path)
{
	if (!strcmp(fn, "Fn::GetStackOutput"))
		return check_get_stack_output(c, arg, path);
	if (!strcmp(fn, "Fn::FindInMap")) {
		vd_check_findinmap(c, arg, path);
		return true;
	}
	if (!strcmp(fn, "Fn::ImportValue")) {
		if (string_or(arg, import_args))
			return true;
		struct diag *d =
			vd_report(c, DIAG_ERROR, path,
				  "Fn::ImportValue takes an export name: a string or one of "
				  "Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If, "
				  "Fn::FindInMap, Fn::Base64, Ref");
		if (fn_name(arg) && !strcmp(fn_name(arg), "Fn::ImportValue"))
			diag_set_hint(d, "an Fn::ImportValue cannot be nested in another");
		return false;
	}
	if (!strcmp(fn, "Fn::Select")) {
		const json_t *idx = json_array_get(arg, 0), *list = json_array_get(arg, 1);
		bool ok = json_is_array(arg) && json_array_size(arg) == 2;
		double d;
		if (ok && !(json_is_integer(idx) ||
			    (json_is_string(idx) && vd_number(idx, &d) && d >= 0 && d == (long)d) ||
			    (fn_name(idx) && one_of(fn_name(idx), select_index))))
			ok = false;
		if (ok && !json_is_array(list) &&
		    !(fn_name(list) && one_of(fn_name(list), select_lists)))
			ok = false;
		if (ok && json_is_integer(idx) &&
		    (json_integer_value(idx) < 0 ||
		     (json_is_array(list) &&
		      (size_t)json_integer_value(idx) >= json_array_size(list)))) {
			vd_report(c, DIAG_ERROR, path,
				  "Fn::Select index %lld is outside the list of %zu",
				  (long long)json_integer_value(idx), json_array_size(list));
			return false;
		}
		if (!ok)
			vd_report(c, DIAG_ERROR, path,
				  "Fn::Select takes [index, list]: an index (a number, Ref or "
				  "Fn::FindInMap) and a list or a function that gives one");
		return ok;
	}
	if (!strcmp(fn, "Fn::Base64")) {
		if (string_or(arg, base64_args))
			return true;
		vd_report(c, DIAG_ERROR, path,
			  "Fn::Base64 takes one string (or a function that gives one)");
		return false;
	}
	if (!strcmp(fn, "Fn::Join")) {
		const json_t *list = json_array_get(arg, 1);
		if (json_is_array(arg) && json_array_size(arg) == 2 &&
		    json_is_string(json_array_get(arg, 0)) &&
		    (json_is_array(list) || (fn_name(list) && one_of(fn_name(list), join_lists))))
			return true;
		vd_report(c, DIAG_ERROR, path, "Fn::Join takes [delimiter, [values...]]");
		return false;
	}
	return true;
}

/*
 * "${Name}" in a plain string, where Name is a parameter, resource or pseudo
 * parameter: CloudFormation substitutes only inside Fn::Sub, so the text would
 * reach the resource as written.
 */
/* A Step Functions definition with DefinitionSubstitutions: ${Name} is the
 * service's own placeholder there
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-stepfunctions-statemachine.html#cfn-stepfunctions-statemachine-definitionsubstitutions).
 */
static bool service_placeholders(struct vctx *c, const char *path)
{
	if (strncmp(path, "Resources.", 10) || !strstr(path, ".Properties.Definition"))
		return false;
	const char *id = path + 10;
	char *name = xstrndup(id, strcspn(id, "."));
	const json_t *r = json_object_get(c->resources, name);
	free(name);
	return json_object_get(json_object_get(r, "Properties"), "DefinitionSubstitutions") != NULL;
}

/*
 * The text of a template a resource creates (AWS::CloudFormation::StackSet,
 * AWS::ServiceCatalog::CloudFormationProduct, ...: TemplateBody) is passed as
 * it is: its ${Name} belong to the Fn::Sub of that template
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stackset.html#cfn-cloudformation-stackset-templatebody);
 * cfn-lint's E1029 leaves TemplateBody out as well.
 */
static bool template_text(const char *path)
{
	const char *last = strrchr(path, '.');
	return last && !strcmp(last + 1, "TemplateBody");
}

void vd_check_literal_sub(struct vctx *c, const char *s, const char *path)
{
	if (service_placeholders(c, path) || template_text(path))
		return;
	for (const char *p = s; (p = strstr(p, "${"));) {
		const char *end = strchr(p + 2, '}');
		if (!end)
			return;
		char *name = xstrndup(p + 2, (size_t)(end - p - 2));
		char *dot = strchr(name, '.');
		if (dot)
			*dot = '\0';
		bool known = vd_is_pseudo(name) || json_object_get(c->parameters, name) ||
			     vd_is_resource(c, name);
		free(name);
		if (known) {
			struct diag *d = vd_report(c, DIAG_ERROR, path,
						   "'${...}' outside Fn::Sub is not substituted");
			diag_set_hint(d, "wrap the string in Fn::Sub (!Sub)");
			return;
		}
		p = end + 1;
	}
}

/*
 * A dynamic reference to a secret ({{resolve:secretsmanager:...}},
 * {{resolve:ssm-secure:...}}) is resolved in resource properties only: not in
 * Outputs, where its value would show, nor in a resource's Metadata
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html:
 * "can be used in all resource properties";
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_reference-secret.html:
 * "You can't use a dynamic reference for a secret in resource metadata"),
 * cfn-lint E1051.
 */
/* "{{resolve:secretsmanager:" or "{{resolve:ssm-secure:" in `s`: one search for the common part */
static bool secret_dynamic_ref(const char *s)
{
	for (const char *r = s; (r = strstr(r, "{{resolve:")); r++)
		if (!strncmp(r + 10, "secretsmanager:", 15) || !strncmp(r + 10, "ssm-secure:", 11))
			return true;
	return false;
}

static void secret_refs(struct vctx *c, const json_t *v, struct vd_lpath *lp, struct vd_seg *top)
{
	const size_t depth = (top ? top->depth : 0) + 1; /* of a member */
	size_t i;
	const char *k;
	json_t *x;
	const char *s = json_string_value(v);
	if (s && secret_dynamic_ref(s)) {
		struct diag *d = vd_report(c, DIAG_ERROR, vd_lpath_str(lp, top),
					   "a dynamic reference to a secret is resolved in "
					   "resource properties only");
		diag_set_hint(d, "pass the secret's ARN instead of its value");
	}
	json_array_foreach (v, i, x) {
		struct vd_seg here = {top, NULL, i, depth, 0};
		secret_refs(c, x, lp, &here);
		vd_lpath_pop(lp, &here);
	}
	jio_object_each ((json_t *)v, it, k, x) {
		struct vd_seg here = {top, k, 0, depth, 0};
		secret_refs(c, x, lp, &here);
		vd_lpath_pop(lp, &here);
	}
}

void vd_check_secret_refs(struct vctx *c)
{
	struct strbuf path = STRBUF_INIT;
	const char *id;
	json_t *r;
	struct vd_lpath lp = {&path, 0};
	strbuf_addstr(&path, "Outputs");
	secret_refs(c, json_object_get(c->tmpl, "Outputs"), &lp, NULL);
	json_object_foreach ((json_t *)c->resources, id, r) {
		strbuf_reset(&path);
		strbuf_addstr(&path, "Resources");
		vd_path_key(&path, id);
		strbuf_addstr(&path, ".Metadata");
		secret_refs(c, json_object_get(r, "Metadata"), &lp, NULL);
	}
	strbuf_release(&path);
}
