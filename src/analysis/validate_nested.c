/*
 * validate: the Parameters a nested stack (AWS::CloudFormation::Stack) or a
 * SAM application (AWS::Serverless::Application) passes, against the child
 * template's Parameters, when the child is a local file (a TemplateURL or
 * Location that `aws cloudformation package` / `sam package` uploads): each
 * passed name must be a parameter of the child, and each child parameter
 * without a Default must be passed
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html#cfn-cloudformation-stack-parameters).
 * A URL, an S3 location or a value computed at deploy is not followed.
 */
#include "analysis/validate_int.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/common.h"
#include "base/json_io.h"
#include "base/xalloc.h"

/* The child template's path beside the parent, or NULL when it is not a local file. */
static char *child_path(const char *parent, const char *loc)
{
	if (!loc || strstr(loc, "://") || !strncmp(loc, "{{resolve:", 10) || !parent)
		return NULL;
	if (loc[0] == '/')
		return xstrdup(loc);
	char *dir = xstrdup(parent);
	char *p = xstrfmt("%s/%s", dirname(dir), loc);
	free(dir);
	if (access(p, R_OK) != 0) {
		free(p);
		return NULL;
	}
	return p;
}

static void check_passed(struct vctx *c, const json_t *passed, const json_t *child_params,
			 struct strbuf *path)
{
	const json_t *fif =
		json_object_size(passed) == 1 ? json_object_get(passed, "Fn::If") : NULL;
	size_t base = path->len;
	if (json_is_array(fif) && json_array_size(fif) == 3) {
		for (size_t i = 1; i < 3; i++) {
			strbuf_addstr(path, ".Fn::If");
			vd_path_index(path, i);
			if (!vd_is_no_value(json_array_get(fif, i)))
				check_passed(c, json_array_get(fif, i), child_params, path);
			strbuf_setlen(path, base);
		}
		return;
	}
	if (passed && !json_is_object(passed))
		return;
	const char *k;
	json_t *v;
	json_object_foreach ((json_t *)passed, k, v) {
		if (!json_object_get(child_params, k)) {
			vd_path_key(path, k);
			struct diag *d = vd_report(c, DIAG_ERROR, path->buf,
						   "the nested template has no parameter '%s'", k);
			const char *s = cfn_closest_key(child_params, k);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			strbuf_setlen(path, base);
		}
	}
	json_object_foreach ((json_t *)child_params, k, v) {
		if (!json_object_get(v, "Default") && !json_object_get(passed, k))
			vd_report(c, DIAG_ERROR, path->buf,
				  "the nested template's parameter '%s' has no Default and is not "
				  "passed",
				  k);
	}
}

void vd_check_nested(struct vctx *c, const char *type, const json_t *props, struct strbuf *path)
{
	const char *loc = NULL;
	if (!strcmp(type, "AWS::CloudFormation::Stack"))
		loc = json_string_value(json_object_get(props, "TemplateURL"));
	else if (!strcmp(type, "AWS::Serverless::Application"))
		loc = json_string_value(json_object_get(props, "Location"));
	char *file = child_path(c->t->file, loc);
	if (!file)
		return;
	struct diag_list quiet = DIAG_LIST_INIT;
	json_t *child = jio_load_file(file, &quiet);
	diag_list_release(&quiet);
	free(file);
	if (!json_is_object(child)) {
		json_decref(child);
		return; /* validated as a template of its own when it is handed to us */
	}
	size_t base = path->len;
	strbuf_addstr(path, ".Parameters");
	check_passed(c, json_object_get(props, "Parameters"), json_object_get(child, "Parameters"),
		     path);
	strbuf_setlen(path, base);
	json_decref(child);
}
