/* validate: resource properties against the schema (types, required, constraints). */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* ---- property types ---- */

static void check_value(struct vctx *c, const char *code, const json_t *v, struct strbuf *path,
			const struct what *rtype);

static const char *skip_flags(const char *code)
{
	while (*code == 'r' || *code == 'R' || *code == 'M')
		code++;
	return code;
}

void vd_check_object_props(struct vctx *c, const json_t *rec, const json_t *v, struct strbuf *path,
			   const struct what *w)
{
	struct vd_rec parts;
	vd_rec_parts(rec, &parts);
	const json_t *props = parts.p, *cons = parts.c;
	const char *k;
	json_t *x;
	size_t base = path->len;
	char *what = NULL; /* vd_what_str(w), at the first message */

	if (!json_is_object(v)) {
		what = vd_what_str(w);
		vd_report(c, DIAG_ERROR, path->buf, "%s must be an object", what);
		free(what);
		return;
	}
	jio_object_each ((json_t *)v, it, k, x) {
		const char *code = json_string_value(json_object_get(props, k));
		strbuf_setlen(path, base);
		vd_path_key(path, k);
		if (!code) {
			if (!what)
				what = vd_what_str(w);
			struct diag *d = vd_report(c, DIAG_ERROR, path->buf,
						   "%s has no property '%s'", what, k);
			const char *s = cfn_closest_key(props, k);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			continue;
		}
		check_value(c, code, x, path, w);
		vd_check_constraints(c, json_object_get(cons, k), x, path);
	}
	strbuf_setlen(path, base);
	vd_check_relations(c, &parts, v, path->buf, w);
	jio_object_each ((json_t *)props, it, k, x) {
		const char *code = json_string_value(x);
		if (code && code[0] == 'r' && !json_object_get(v, k)) {
			if (!what)
				what = vd_what_str(w);
			vd_report(c, DIAG_ERROR, path->buf, "%s requires property '%s'", what, k);
		}
	}
	free(what);
}

/* The most alternatives a union of the data has is 14 (AWS::Serverless::Function's
 * event sources): alternatives past this bound would never match. */
#define UNION_PARTS_MAX 32

/* Split "(a|b|[c)" into alternatives; returns the count. */
static int union_parts(const char *code, char parts[UNION_PARTS_MAX][64])
{
	int n = 0, depth = 0;
	size_t j = 0;
	for (const char *p = code + 1; *p && n < UNION_PARTS_MAX; p++) {
		if (*p == '(')
			depth++;
		if ((*p == '|' && depth == 0) || (*p == ')' && depth == 0)) {
			parts[n][j < 63 ? j : 63] = '\0';
			n++;
			j = 0;
			if (*p == ')')
				break;
			continue;
		}
		if (*p == ')')
			depth--;
		if (j < 63)
			parts[n][j++] = *p;
	}
	return n;
}

static bool value_matches(struct vctx *c, const char *code, const json_t *v)
{
	struct diag_list tmp = DIAG_LIST_INIT;
	struct vctx quiet = *c;
	struct strbuf p = STRBUF_INIT;
	const struct what value = {NULL, "value"};
	quiet.dl = &tmp;
	quiet.errors = 0;
	strbuf_addstr(&p, "x");
	check_value(&quiet, code, v, &p, &value);
	strbuf_release(&p);
	diag_list_release(&tmp);
	return quiet.errors == 0;
}

/* "20", "0.5": not "nan", "inf" nor "1e309", which CloudFormation cannot take either */
static bool numeric_string(const char *s)
{
	char *end;
	if (!*s)
		return false;
	double d = strtod(s, &end);
	return *end == '\0' && isfinite(d);
}

/*
 * A Ref gives one value or a list, whatever it names: a parameter of a list
 * type (CommaDelimitedList, List<...>, an SSM parameter of one) a list, any
 * other parameter, pseudo parameter or resource one value (its physical ID).
 * Given where the other is taken, CloudFormation refuses the template ("Value
 * of property SecurityGroupIds must be of type List of String"; cfn-lint
 * E1020 "{'Ref': 'X'} is not of type 'array'" for parameters).
 */
static void check_ref_kind(struct vctx *c, const char *code, const json_t *v, const char *path)
{
	bool want_list = code[0] == '[';
	if (!want_list && !strchr("sidnb", code[0]))
		return;
	/* the one key read, not hashed: asked of every intrinsic function validated */
	void *it = json_object_iter((json_t *)v);
	if (strcmp(json_object_iter_key(it), "Ref"))
		return;
	const char *name = json_string_value(json_object_iter_value(it));
	if (!name)
		return;
	const json_t *param = json_object_get(c->parameters, name);
	if (!param) {
		/* one value: a resource's physical ID, a pseudo parameter's (the notification
		 * ARNs where one value is taken are a warning of cfn-lint, W1030, not here) */
		if (want_list && strcmp(name, "AWS::NoValue") &&
		    strcmp(name, "AWS::NotificationARNs") &&
		    (vd_is_pseudo(name) || vd_is_resource(c, name)))
			vd_report(c, DIAG_ERROR, path, "!Ref %s gives one value, this takes a list",
				  name);
		return;
	}
	const char *type = json_string_value(json_object_get(param, "Type")) ?: "String";
	bool list = strstr(type, "List<") || strstr(type, "CommaDelimitedList");
	if (list == want_list)
		return;
	if (want_list)
		vd_report(c, DIAG_ERROR, path, "!Ref %s gives one value, this takes a list", name);
	else
		vd_report(c, DIAG_ERROR, path, "!Ref %s gives a list (%s), this takes one value",
			  name, type);
}

/* An object with a Key and a Value: its few keys read in one pass, not hashed twice
 * (every tag of every resource). */
static bool is_tag(const json_t *v)
{
	bool key = false, value = false;
	for (void *it = json_object_iter((json_t *)v); it;
	     it = json_object_iter_next((json_t *)v, it)) {
		const char *k = json_object_iter_key(it);
		if (!strcmp(k, "Key"))
			key = true;
		else if (!strcmp(k, "Value"))
			value = true;
	}
	return key && value;
}

static void check_value(struct vctx *c, const char *code, const json_t *v, struct strbuf *path,
			const struct what *rtype)
{
	code = skip_flags(code);
	if (code[0] == 'j')
		return; /* free-form JSON */
	if (vd_is_intrinsic(v)) {
		check_ref_kind(c, code, v, path->buf);
		return; /* resolved at deploy time */
	}
	switch (code[0]) {
	case 's':
	case 'd':
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
			vd_report(c, DIAG_ERROR, path->buf, "expected a string");
		return;
	case 'i':
	case 'n':
		if (json_is_number(v) ||
		    (json_is_string(v) && numeric_string(json_string_value(v))))
			return;
		vd_report(c, DIAG_ERROR, path->buf, "expected %s",
			  code[0] == 'i' ? "an integer" : "a number");
		return;
	case 'b':
		/* CloudFormation converts a string to a boolean ignoring case ("True") */
		if (json_is_boolean(v) ||
		    (json_is_string(v) && (!strcasecmp(json_string_value(v), "true") ||
					   !strcasecmp(json_string_value(v), "false"))))
			return;
		vd_report(c, DIAG_ERROR, path->buf, "expected true or false");
		return;
	case 't':
		if (!is_tag(v))
			vd_report(c, DIAG_ERROR, path->buf,
				  "expected a tag {\"Key\": ..., \"Value\": ...}");
		return;
	case '[': {
		size_t i, base = path->len;
		json_t *x;
		if (!json_is_array(v)) {
			vd_report(c, DIAG_ERROR, path->buf, "expected a list");
			return;
		}
		json_array_foreach (v, i, x) {
			vd_path_index(path, i);
			check_value(c, code + 1, x, path, rtype);
			strbuf_setlen(path, base);
		}
		return;
	}
	case '{': {
		const char *k;
		json_t *x;
		size_t base = path->len;
		if (!json_is_object(v)) {
			vd_report(c, DIAG_ERROR, path->buf, "expected an object (a map)");
			return;
		}
		jio_object_each ((json_t *)v, it, k, x) {
			vd_path_key(path, k);
			check_value(c, code + 1, x, path, rtype);
			strbuf_setlen(path, base);
		}
		return;
	}
	case '#': {
		const json_t *td = cfn_schema_property_type(c->schema, code + 1);
		if (!td)
			return;
		const struct what w = {rtype, json_string_value(json_object_get(td, "n"))};
		vd_check_object_props(c, td, v, path, &w);
		return;
	}
	case '(': {
		char parts[UNION_PARTS_MAX][64];
		int n = union_parts(code, parts);
		for (int i = 0; i < n; i++)
			if (value_matches(c, parts[i], v))
				return;
		vd_report(c, DIAG_ERROR, path->buf, "value matches none of the types allowed here");
		return;
	}
	default:
		return;
	}
}
