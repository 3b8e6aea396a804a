#include "analysis/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct vctx {
	struct sm_template *t;
	struct cfn_schema *schema;
	struct diag_list *dl;
	const json_t *resources, *parameters, *conditions;
	int errors;
};

static void path_key(struct strbuf *p, const char *k)
{
	strbuf_addch(p, '.');
	strbuf_addstr(p, k);
}

static void path_index(struct strbuf *p, size_t i)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	*--q = ']';
	do {
		*--q = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	*--q = '[';
	strbuf_add(p, q, (size_t)(tmp + sizeof(tmp) - q));
}

/*
 * What a property belongs to, for messages: "AWS::S3::Bucket" then
 * ".BucketEncryption" and so on down the property types, as a chain of
 * names formatted only when there is something to report.
 */
struct what {
	const struct what *parent;
	const char *name;
};

static void what_add(struct strbuf *sb, const struct what *w)
{
	if (w->parent) {
		what_add(sb, w->parent);
		strbuf_addch(sb, '.');
	}
	strbuf_addstr(sb, w->name);
}

static char *what_str(const struct what *w)
{
	struct strbuf sb = STRBUF_INIT;
	what_add(&sb, w);
	return strbuf_detach(&sb, NULL);
}

__attribute__((format(printf, 4, 5))) static struct diag *
report(struct vctx *c, enum diag_severity sev, const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int line = 0, col = 0;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (path)
		sm_template_position(c->t, path, &line, &col);
	struct diag *d = diag_add(c->dl, sev, c->t->file, line, col, path, "%s", sb.buf);
	strbuf_release(&sb);
	if (sev == DIAG_ERROR)
		c->errors++;
	return d;
}

static const char *const pseudo[] = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
				     "AWS::Partition", "AWS::Region",		"AWS::StackId",
				     "AWS::StackName", "AWS::URLSuffix",	NULL};

static bool is_pseudo(const char *n)
{
	for (int i = 0; pseudo[i]; i++)
		if (!strcmp(pseudo[i], n))
			return true;
	return false;
}

static bool is_intrinsic(const json_t *v)
{
	const char *k;
	json_t *x;
	if (!json_is_object(v) || json_object_size(v) != 1)
		return false;
	json_object_foreach ((json_t *)v, k, x) {
		return !strcmp(k, "Ref") || !strncmp(k, "Fn::", 4) || !strcmp(k, "Condition");
	}
	return false;
}

/* ---- property types ---- */

static void check_value(struct vctx *c, const char *code, const json_t *v, struct strbuf *path,
			const struct what *rtype);

static const char *skip_flags(const char *code)
{
	while (*code == 'r' || *code == 'R' || *code == 'M')
		code++;
	return code;
}

static void check_object_props(struct vctx *c, const json_t *props, const json_t *v,
			       struct strbuf *path, const struct what *w)
{
	const char *k;
	json_t *x;
	size_t base = path->len;
	char *what = NULL; /* what_str(w), at the first message */

	if (!json_is_object(v)) {
		what = what_str(w);
		report(c, DIAG_ERROR, path->buf, "%s must be an object", what);
		free(what);
		return;
	}
	json_object_foreach ((json_t *)v, k, x) {
		const char *code = json_string_value(json_object_get(props, k));
		strbuf_setlen(path, base);
		path_key(path, k);
		if (!code) {
			if (!what)
				what = what_str(w);
			struct diag *d = report(c, DIAG_ERROR, path->buf, "%s has no property '%s'",
						what, k);
			const char *s = cfn_closest_key(props, k);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			continue;
		}
		check_value(c, code, x, path, w);
	}
	strbuf_setlen(path, base);
	json_object_foreach ((json_t *)props, k, x) {
		const char *code = json_string_value(x);
		if (code && code[0] == 'r' && !json_object_get(v, k)) {
			if (!what)
				what = what_str(w);
			report(c, DIAG_ERROR, path->buf, "%s requires property '%s'", what, k);
		}
	}
	free(what);
}

/* Split "(a|b|[c)" into alternatives; returns the count. */
static int union_parts(const char *code, char parts[8][64])
{
	int n = 0, depth = 0;
	size_t j = 0;
	for (const char *p = code + 1; *p && n < 8; p++) {
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

static bool numeric_string(const char *s)
{
	char *end;
	if (!*s)
		return false;
	strtod(s, &end);
	return *end == '\0';
}

static void check_value(struct vctx *c, const char *code, const json_t *v, struct strbuf *path,
			const struct what *rtype)
{
	code = skip_flags(code);
	if (is_intrinsic(v) || code[0] == 'j')
		return; /* resolved at deploy time, or free-form JSON */
	switch (code[0]) {
	case 's':
	case 'd':
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v))
			report(c, DIAG_ERROR, path->buf, "expected a string");
		return;
	case 'i':
	case 'n':
		if (json_is_number(v) ||
		    (json_is_string(v) && numeric_string(json_string_value(v))))
			return;
		report(c, DIAG_ERROR, path->buf, "expected %s",
		       code[0] == 'i' ? "an integer" : "a number");
		return;
	case 'b':
		if (json_is_boolean(v) ||
		    (json_is_string(v) && (!strcmp(json_string_value(v), "true") ||
					   !strcmp(json_string_value(v), "false"))))
			return;
		report(c, DIAG_ERROR, path->buf, "expected true or false");
		return;
	case 't':
		if (!json_is_object(v) || !json_object_get(v, "Key") ||
		    !json_object_get(v, "Value"))
			report(c, DIAG_ERROR, path->buf,
			       "expected a tag {\"Key\": ..., \"Value\": ...}");
		return;
	case '[': {
		size_t i, base = path->len;
		json_t *x;
		if (!json_is_array(v)) {
			report(c, DIAG_ERROR, path->buf, "expected a list");
			return;
		}
		json_array_foreach (v, i, x) {
			path_index(path, i);
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
			report(c, DIAG_ERROR, path->buf, "expected an object (a map)");
			return;
		}
		json_object_foreach ((json_t *)v, k, x) {
			path_key(path, k);
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
		check_object_props(c, json_object_get(td, "p"), v, path, &w);
		return;
	}
	case '(': {
		char parts[8][64];
		int n = union_parts(code, parts);
		for (int i = 0; i < n; i++)
			if (value_matches(c, parts[i], v))
				return;
		report(c, DIAG_ERROR, path->buf, "value matches none of the types allowed here");
		return;
	}
	default:
		return;
	}
}

/* ---- references ---- */

static bool is_resource(struct vctx *c, const char *n)
{
	return json_object_get(c->resources, n) != NULL;
}

static void check_ref_target(struct vctx *c, const char *target, const char *path)
{
	if (is_pseudo(target) || is_resource(c, target) || json_object_get(c->parameters, target))
		return;
	struct diag *d = report(c, DIAG_ERROR, path,
				"Ref to '%s', which is not a resource, "
				"parameter or pseudo parameter",
				target);
	const char *s = cfn_closest_key(c->resources, target);
	if (s)
		diag_set_hint(d, "did you mean '%s'?", s);
}

static void check_getatt(struct vctx *c, const char *res, const char *attr, const char *path)
{
	const json_t *r = json_object_get(c->resources, res);
	if (!r) {
		struct diag *d = report(c, DIAG_ERROR, path,
					"Fn::GetAtt of '%s', which is not a resource", res);
		const char *s = cfn_closest_key(c->resources, res);
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		return;
	}
	const char *type = json_string_value(json_object_get(r, "Type"));
	const json_t *sch = type ? cfn_schema_resource(c->schema, type) : NULL;
	if (!sch || !attr)
		return;
	const json_t *attrs = json_object_get(sch, "a");
	size_t i;
	json_t *a;
	json_array_foreach (attrs, i, a) {
		if (!strcmp(json_string_value(a), attr))
			return;
	}
	/* custom resources and stack outputs (Outputs.X) accept any attribute */
	if (!strncmp(type, "Custom::", 8) || !strcmp(type, "AWS::CloudFormation::CustomResource") ||
	    !strncmp(attr, "Outputs.", 8))
		return;
	struct diag *d =
		report(c, DIAG_ERROR, path, "%s has no attribute '%s' for Fn::GetAtt", type, attr);
	if (json_array_size(attrs)) {
		struct strbuf sb = STRBUF_INIT;
		json_array_foreach (attrs, i, a) {
			if (i < 8)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", json_string_value(a));
		}
		diag_set_hint(d, "attributes: %s%s", sb.buf,
			      json_array_size(attrs) > 8 ? ", ..." : "");
		strbuf_release(&sb);
	} else {
		diag_set_hint(d, "%s has no attributes", type);
	}
}

static void check_sub(struct vctx *c, const char *fmt, const json_t *vars, const char *path)
{
	for (const char *p = fmt; (p = strstr(p, "${"));) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		if (p[2] == '!') { /* ${!Literal} */
			p = end + 1;
			continue;
		}
		char *name = xstrndup(p + 2, (size_t)(end - p - 2));
		char *dot = strchr(name, '.');
		if (!(vars && json_object_get(vars, name))) {
			if (dot) {
				*dot = '\0';
				check_getatt(c, name, dot + 1, path);
			} else {
				check_ref_target(c, name, path);
			}
		}
		free(name);
		p = end + 1;
	}
}

static void walk_intrinsics(struct vctx *c, const json_t *v, struct strbuf *path)
{
	size_t base = path->len;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		if (json_object_size(v) == 1) {
			/* the one key decides which of these is not NULL */
			void *it = json_object_iter((json_t *)v);
			const char *key = json_object_iter_key(it);
			json_t *only = json_object_iter_value(it);
			json_t *ref = !strcmp(key, "Ref") ? only : NULL;
			json_t *ga = !strcmp(key, "Fn::GetAtt") ? only : NULL;
			json_t *sub = !strcmp(key, "Fn::Sub") ? only : NULL;
			json_t *cond = !strcmp(key, "Condition") ? only : NULL;
			json_t *fif = !strcmp(key, "Fn::If") ? only : NULL;
			if (ref) {
				if (json_is_string(ref))
					check_ref_target(c, json_string_value(ref), path->buf);
				else
					report(c, DIAG_ERROR, path->buf,
					       "Ref takes a logical name (a string)");
				return;
			}
			if (ga) {
				const char *res = NULL, *attr = NULL;
				char *own = NULL;
				if (json_is_array(ga) && json_array_size(ga) == 2) {
					res = json_string_value(json_array_get(ga, 0));
					attr = json_string_value(json_array_get(ga, 1));
				} else if (json_is_string(ga)) {
					own = xstrdup(json_string_value(ga));
					char *dot = strchr(own, '.');
					if (dot) {
						*dot = '\0';
						res = own;
						attr = dot + 1;
					}
				}
				if (res)
					check_getatt(c, res, attr, path->buf);
				else
					report(c, DIAG_ERROR, path->buf,
					       "Fn::GetAtt takes [LogicalId, Attribute]");
				free(own);
				if (json_is_array(ga) && !attr)
					walk_intrinsics(c, json_array_get(ga, 1), path);
				return;
			}
			if (sub) {
				if (json_is_string(sub))
					check_sub(c, json_string_value(sub), NULL, path->buf);
				else if (json_is_array(sub) && json_array_size(sub) == 2 &&
					 json_is_string(json_array_get(sub, 0))) {
					check_sub(c, json_string_value(json_array_get(sub, 0)),
						  json_array_get(sub, 1), path->buf);
					walk_intrinsics(c, json_array_get(sub, 1), path);
				} else
					report(c, DIAG_ERROR, path->buf,
					       "Fn::Sub takes a string or [string, {variables}]");
				return;
			}
			if (cond && json_is_string(cond) &&
			    !json_object_get(c->conditions, json_string_value(cond)))
				report(c, DIAG_ERROR, path->buf, "condition '%s' is not defined",
				       json_string_value(cond));
			if (fif && json_is_array(fif) && json_array_size(fif) == 3 &&
			    json_is_string(json_array_get(fif, 0)) &&
			    !json_object_get(c->conditions,
					     json_string_value(json_array_get(fif, 0))))
				report(c, DIAG_ERROR, path->buf,
				       "Fn::If names condition '%s', which is "
				       "not defined",
				       json_string_value(json_array_get(fif, 0)));
		}
		json_object_foreach ((json_t *)v, k, x) {
			path_key(path, k);
			walk_intrinsics(c, x, path);
			strbuf_setlen(path, base);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			path_index(path, i);
			walk_intrinsics(c, x, path);
			strbuf_setlen(path, base);
		}
	}
}

/* ---- dependencies ---- */

static void collect_deps(const json_t *v, json_t *deps)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_t *ref = NULL, *ga = NULL, *sub = NULL;
		/* one pass over the keys rather than three lookups */
		json_object_foreach ((json_t *)v, k, x) {
			if (!strcmp(k, "Ref"))
				ref = x;
			else if (!strcmp(k, "Fn::GetAtt"))
				ga = x;
			else if (!strcmp(k, "Fn::Sub"))
				sub = x;
		}
		if (json_is_string(ref))
			json_object_set_new(deps, json_string_value(ref), json_true());
		if (json_is_array(ga) && json_is_string(json_array_get(ga, 0)))
			json_object_set_new(deps, json_string_value(json_array_get(ga, 0)),
					    json_true());
		const char *fmt = json_is_string(sub)  ? json_string_value(sub)
				  : json_is_array(sub) ? json_string_value(json_array_get(sub, 0))
						       : NULL;
		for (const char *p = fmt; p && (p = strstr(p, "${"));) {
			const char *end = strchr(p, '}');
			if (!end)
				break;
			size_t n = strcspn(p + 2, ".}");
			char *name = xstrndup(p + 2, n);
			if (name[0] != '!')
				json_object_set_new(deps, name, json_true());
			free(name);
			p = end + 1;
		}
		json_object_foreach ((json_t *)v, k, x) {
			collect_deps(x, deps);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			collect_deps(x, deps);
		}
	}
}

/* 0 unvisited, 1 on the stack, 2 done */
static bool find_cycle(struct vctx *c, json_t *graph, const char *node, json_t *state,
		       struct strbuf *trail)
{
	json_int_t st = json_integer_value(json_object_get(state, node));
	if (st == 2)
		return false;
	if (st == 1) {
		strbuf_addstr(trail, node);
		return true;
	}
	json_object_set_new(state, node, json_integer(1));
	const char *k;
	json_t *x;
	json_object_foreach (json_object_get(graph, node), k, x) {
		if (!json_object_get(graph, k))
			continue; /* not a resource */
		size_t base = trail->len;
		strbuf_addf(trail, "%s -> ", node);
		if (find_cycle(c, graph, k, state, trail))
			return true;
		strbuf_setlen(trail, base);
	}
	json_object_set_new(state, node, json_integer(2));
	return false;
}

static void check_cycles(struct vctx *c)
{
	json_t *graph = json_object(), *state = json_object();
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)c->resources, id, r) {
		json_t *deps = json_object();
		collect_deps(json_object_get(r, "Properties"), deps);
		json_t *d = json_object_get(r, "DependsOn");
		if (json_is_string(d))
			json_object_set_new(deps, json_string_value(d), json_true());
		size_t i;
		json_t *x;
		json_array_foreach (d, i, x) {
			if (json_is_string(x))
				json_object_set_new(deps, json_string_value(x), json_true());
		}
		json_object_set_new(graph, id, deps);
	}
	json_object_foreach (graph, id, r) {
		struct strbuf trail = STRBUF_INIT;
		if (find_cycle(c, graph, id, state, &trail)) {
			char *path = xstrfmt("Resources.%s", id);
			struct diag *d =
				report(c, DIAG_ERROR, path, "circular dependency: %s", trail.buf);
			diag_set_hint(d, "break the loop with a separate resource (a policy, an "
					 "ingress rule) that depends on both");
			free(path);
			strbuf_release(&trail);
			break;
		}
		strbuf_release(&trail);
	}
	json_decref(graph);
	json_decref(state);
}

/* ---- per template ---- */

static bool alnum_id(const char *id)
{
	if (!*id)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return strlen(id) <= 255;
}

static void check_resource(struct vctx *c, const char *id, const json_t *r)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "Resources.%s", id);
	if (!alnum_id(id))
		report(c, DIAG_ERROR, path.buf,
		       "logical ID '%s' must be 1 to 255 letters and digits", id);
	if (!json_is_object(r)) {
		report(c, DIAG_ERROR, path.buf, "a resource must be an object");
		goto out;
	}
	const char *type = json_string_value(json_object_get(r, "Type"));
	if (!type) {
		report(c, DIAG_ERROR, path.buf, "resource '%s' has no Type", id);
		goto out;
	}
	const json_t *sch = cfn_schema_resource(c->schema, type);
	/* AWS::CDK::Metadata is accepted by CloudFormation, without a registry schema */
	if (!sch && strncmp(type, "Custom::", 8) && strcmp(type, "AWS::CDK::Metadata")) {
		char *tp = xstrfmt("%s.Type", path.buf);
		struct diag *d = report(c, DIAG_ERROR, tp, "unknown resource type '%s'", type);
		const char *s = cfn_schema_closest_type(c->schema, type);
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		free(tp);
	}
	const json_t *props = json_object_get(r, "Properties");
	if (sch) {
		size_t base = path.len;
		const struct what w = {NULL, type};
		strbuf_addstr(&path, ".Properties");
		check_object_props(c, json_object_get(sch, "p"), props ? props : json_object(),
				   &path, &w);
		strbuf_setlen(&path, base);
	}
	size_t base = path.len;
	strbuf_addstr(&path, ".Properties");
	walk_intrinsics(c, props, &path);
	strbuf_setlen(&path, base);
	json_t *deps = json_object_get(r, "DependsOn");
	json_t *list = json_is_string(deps) ? json_pack("[O]", deps) : json_incref(deps);
	size_t i;
	json_t *x;
	json_array_foreach (list, i, x) {
		const char *dep = json_string_value(x);
		if (dep && !is_resource(c, dep)) {
			char *dp = xstrfmt("%s.DependsOn", path.buf);
			report(c, DIAG_ERROR, dp, "DependsOn '%s', which is not a resource", dep);
			free(dp);
		}
	}
	json_decref(list);
	const char *cond = json_string_value(json_object_get(r, "Condition"));
	if (cond && !json_object_get(c->conditions, cond))
		report(c, DIAG_ERROR, path.buf, "condition '%s' is not defined", cond);
	static const char *const policies[] = {"Delete", "Retain", "RetainExceptOnCreate",
					       "Snapshot", NULL};
	for (int k = 0; k < 2; k++) {
		const char *attr = k ? "UpdateReplacePolicy" : "DeletionPolicy";
		const char *pv = json_string_value(json_object_get(r, attr));
		bool ok = !pv;
		for (int j = 0; pv && policies[j]; j++)
			ok |= !strcmp(pv, policies[j]);
		if (!ok)
			report(c, DIAG_ERROR, path.buf,
			       "%s '%s' is not Delete, Retain, "
			       "RetainExceptOnCreate or Snapshot",
			       attr, pv);
	}
out:
	strbuf_release(&path);
}

static void check_limits(struct vctx *c)
{
	static const struct {
		const char *section;
		size_t max;
	} limits[] = {{"Resources", 500}, {"Parameters", 200}, {"Outputs", 200}, {"Mappings", 200}};
	for (size_t i = 0; i < 4; i++) {
		size_t n = json_object_size(json_object_get(c->t->tmpl, limits[i].section));
		if (n > limits[i].max) {
			struct diag *d = report(c, DIAG_ERROR, limits[i].section,
						"%zu %s; CloudFormation allows %zu", n,
						limits[i].section, limits[i].max);
			diag_set_hint(d, "split the stack");
		}
	}
	if (!json_object_size(json_object_get(c->t->tmpl, "Resources")))
		report(c, DIAG_ERROR, NULL, "a template needs at least one resource");
	size_t bytes = c->t->source ? c->t->source_len : 0;
	char *tmp = NULL;
	if (!bytes) {
		tmp = jio_dump_json(c->t->tmpl, NULL); /* malloc: freed below */
		bytes = tmp ? strlen(tmp) : 0;
	}
	if (bytes > CFN_MAX_TEMPLATE_BYTES)
		report(c, DIAG_ERROR, NULL, "template is %zu bytes; CloudFormation's limit is %d",
		       bytes, CFN_MAX_TEMPLATE_BYTES);
	else if (bytes > CFN_MAX_INLINE_TEMPLATE_BYTES)
		report(c, DIAG_NOTE, NULL,
		       "template is %zu bytes, above the %d bytes a request can carry inline: "
		       "deploy uploads it to the bootstrap bucket",
		       bytes, CFN_MAX_INLINE_TEMPLATE_BYTES);
	free(tmp);
}

static int validate_template(struct sm_template *t, struct cfn_schema *schema, struct diag_list *dl)
{
	struct vctx c = {.t = t, .schema = schema, .dl = dl};
	c.resources = json_object_get(t->tmpl, "Resources");
	c.parameters = json_object_get(t->tmpl, "Parameters");
	c.conditions = json_object_get(t->tmpl, "Conditions");
	if (!json_is_object(c.resources)) {
		report(&c, DIAG_ERROR, NULL, "a template needs a Resources object");
		return -1;
	}
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)c.resources, id, r) {
		check_resource(&c, id, r);
	}
	struct strbuf path = STRBUF_INIT;
	json_t *outs = json_object_get(t->tmpl, "Outputs");
	json_object_foreach (outs, id, r) {
		strbuf_reset(&path);
		strbuf_addf(&path, "Outputs.%s", id);
		if (!json_object_get(r, "Value"))
			report(&c, DIAG_ERROR, path.buf, "output '%s' has no Value", id);
		walk_intrinsics(&c, r, &path);
	}
	json_object_foreach ((json_t *)c.conditions, id, r) {
		strbuf_reset(&path);
		strbuf_addf(&path, "Conditions.%s", id);
		walk_intrinsics(&c, r, &path);
	}
	strbuf_release(&path);
	check_cycles(&c);
	check_limits(&c);
	return c.errors ? -1 : 0;
}

static void collect_imports(const json_t *v, json_t *out)
{
	if (json_is_object(v)) {
		const json_t *iv =
			json_object_size(v) == 1 ? json_object_get(v, "Fn::ImportValue") : NULL;
		if (json_is_string(iv)) {
			json_array_append(out, (json_t *)iv);
			return;
		}
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			collect_imports(x, out);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			collect_imports(x, out);
		}
	}
}

/* Exports must be unique per region; imports must name an export of the assembly. */
static int check_exports(struct sm_assembly *a, struct diag_list *dl)
{
	json_t *exports = json_object(); /* "region|name" -> stack */
	int errors = 0;
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		const char *id;
		json_t *o;
		json_object_foreach (json_object_get(t->tmpl, "Outputs"), id, o) {
			const char *name = json_string_value(
				json_object_get(json_object_get(o, "Export"), "Name"));
			if (!name)
				continue;
			char *key = xstrfmt("%s|%s", t->region ? t->region : "", name);
			json_t *prev = json_object_get(exports, key);
			if (prev) {
				char *path = xstrfmt("Outputs.%s.Export.Name", id);
				diag_add(dl, DIAG_ERROR, t->file, 0, 0, path,
					 "export '%s' is also exported by stack '%s' in the same "
					 "region",
					 name, json_string_value(prev));
				free(path);
				errors++;
			} else {
				json_object_set_new(exports, key, json_string(t->stack_name));
			}
			free(key);
		}
	}
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		json_t *imports = json_array();
		collect_imports(json_object_get(t->tmpl, "Resources"), imports);
		collect_imports(json_object_get(t->tmpl, "Outputs"), imports);
		size_t k;
		json_t *iv;
		/* string-literal imports only: a computed name is checked at deploy */
		json_array_foreach (imports, k, iv) {
			const char *name = json_string_value(iv);
			char *key = xstrfmt("%s|%s", t->region ? t->region : "", name);
			if (!json_object_get(exports, key)) {
				diag_add(dl, a->nr > 1 ? DIAG_ERROR : DIAG_WARNING, t->file, 0, 0,
					 NULL,
					 "Fn::ImportValue of '%s', which no stack of %s exports",
					 name, a->nr > 1 ? "this assembly" : "these templates");
				if (a->nr > 1)
					errors++;
			}
			free(key);
		}
		json_decref(imports);
	}
	json_decref(exports);
	return errors ? -1 : 0;
}

int validate_assembly(struct sm_assembly *a, struct cfn_schema *schema, struct diag_list *dl)
{
	int ret = 0;
	for (size_t i = 0; i < a->nr; i++)
		if (validate_template(&a->items[i], schema, dl) < 0)
			ret = -1;
	if (check_exports(a, dl) < 0)
		ret = -1;
	return ret;
}
