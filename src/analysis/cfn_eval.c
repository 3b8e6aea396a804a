/*
 * Parameters, Conditions and intrinsic functions evaluated as CloudFormation
 * does (AWS CloudFormation User Guide, "Conditions" and "Condition functions":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html;
 * "Parameters":
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
 */
#include "analysis/cfn_eval.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/secrets.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#define MAX_CHOICES 8 /* values considered per parameter */
#define MAX_CONDS 64

enum tri { T_FALSE, T_TRUE, T_UNKNOWN };

struct param {
	const char *name;
	const char *choice[MAX_CHOICES]; /* [0] is the default; NULL: unknown */
	size_t nr;
	bool list; /* List<...> or CommaDelimitedList: Ref gives an array */
};

struct eval {
	const json_t *tmpl;
	const char *region;
	struct param *params;
	size_t params_nr;
	size_t *pick; /* current choice of each parameter */
	const char *cond_name[MAX_CONDS];
	size_t cond_nr;
	enum tri cond[MAX_CONDS];
	bool cond_busy[MAX_CONDS]; /* cycle guard */
	bool cond_done[MAX_CONDS];
	struct strbuf *label; /* what decided the resource being resolved */
};

static char *scalar_string(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xstrfmt("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xstrfmt("%g", json_real_value(v));
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	return NULL;
}

static struct param *find_param(struct eval *e, const char *name, size_t *idx)
{
	for (size_t i = 0; i < e->params_nr; i++)
		if (!strcmp(e->params[i].name, name)) {
			if (idx)
				*idx = i;
			return &e->params[i];
		}
	return NULL;
}

static const char *param_value(struct eval *e, const char *name)
{
	size_t i;
	struct param *p = find_param(e, name, &i);
	if (!p || !p->nr)
		return NULL;
	return p->choice[e->pick[i]];
}

static void note(struct eval *e, const char *what, const char *value)
{
	if (!e->label)
		return;
	struct strbuf item = STRBUF_INIT;
	strbuf_addf(&item, "%s=%s", what, value);
	if (!strstr(e->label->buf ? e->label->buf : "", item.buf)) {
		if (e->label->len)
			strbuf_addstr(e->label, ", ");
		strbuf_addstr(e->label, item.buf);
	}
	strbuf_release(&item);
}

/* A string a condition compares, or NULL when unknown (caller frees). */
static char *cond_value(struct eval *e, const json_t *v)
{
	const char *ref = json_string_value(json_object_get(v, "Ref"));
	if (ref) {
		if (!strcmp(ref, "AWS::Region"))
			return e->region ? xstrdup(e->region) : NULL;
		const char *pv = param_value(e, ref);
		return pv ? xstrdup(pv) : NULL;
	}
	return scalar_string(v);
}

static enum tri eval_cond(struct eval *e, const json_t *x);

static enum tri named_cond(struct eval *e, const char *name)
{
	for (size_t i = 0; i < e->cond_nr; i++) {
		if (strcmp(e->cond_name[i], name))
			continue;
		if (e->cond_done[i])
			return e->cond[i];
		if (e->cond_busy[i])
			return T_UNKNOWN;
		e->cond_busy[i] = true;
		e->cond[i] =
			eval_cond(e, json_object_get(json_object_get(e->tmpl, "Conditions"), name));
		e->cond_busy[i] = false;
		e->cond_done[i] = true;
		return e->cond[i];
	}
	return T_UNKNOWN;
}

static enum tri eval_cond(struct eval *e, const json_t *x)
{
	const json_t *a;
	if (json_is_string(json_object_get(x, "Condition")))
		return named_cond(e, json_string_value(json_object_get(x, "Condition")));
	if ((a = json_object_get(x, "Fn::Equals")) && json_array_size(a) == 2) {
		char *l = cond_value(e, json_array_get(a, 0)),
		     *r = cond_value(e, json_array_get(a, 1));
		enum tri t = l && r ? (strcmp(l, r) ? T_FALSE : T_TRUE) : T_UNKNOWN;
		free(l);
		free(r);
		return t;
	}
	if ((a = json_object_get(x, "Fn::Not")) && json_array_size(a) == 1) {
		enum tri t = eval_cond(e, json_array_get(a, 0));
		return t == T_UNKNOWN ? t : t == T_TRUE ? T_FALSE : T_TRUE;
	}
	bool is_and = (a = json_object_get(x, "Fn::And")) != NULL;
	if (is_and || (a = json_object_get(x, "Fn::Or"))) {
		enum tri acc = is_and ? T_TRUE : T_FALSE;
		size_t i;
		json_t *c;
		json_array_foreach (a, i, c) {
			enum tri t = eval_cond(e, c);
			if (t == (is_and ? T_FALSE : T_TRUE))
				return t;
			if (t == T_UNKNOWN)
				acc = T_UNKNOWN;
		}
		return acc;
	}
	if (json_is_boolean(x))
		return json_is_true(x) ? T_TRUE : T_FALSE;
	return T_UNKNOWN;
}

static bool cond_true(struct eval *e, const char *name)
{
	enum tri t = named_cond(e, name);
	note(e, name, t == T_TRUE ? "true" : "false");
	return t == T_TRUE;
}

static json_t *resolve(struct eval *e, json_t *v);

static json_t *find_in_map(struct eval *e, const json_t *args)
{
	char *k[3] = {0};
	json_t *out = NULL;
	for (size_t i = 0; i < 3; i++)
		if (!(k[i] = cond_value(e, json_array_get(args, i))))
			goto done;
	const json_t *m = json_object_get(json_object_get(e->tmpl, "Mappings"), k[0]);
	json_t *val = json_object_get(json_object_get(m, k[1]), k[2]);
	if (val)
		out = json_deep_copy(val);
done:
	for (size_t i = 0; i < 3; i++)
		free(k[i]);
	return out;
}

/* The value as CloudFormation would send it; NULL means "no value" (removed). */
static json_t *resolve(struct eval *e, json_t *v)
{
	if (json_is_object(v) && json_object_size(v) == 1) {
		const json_t *a;
		const char *ref = json_string_value(json_object_get(v, "Ref"));
		if (ref && !strcmp(ref, "AWS::NoValue"))
			return NULL;
		if (ref) {
			size_t i;
			struct param *p = find_param(e, ref, &i);
			if (p && p->nr) {
				const char *val = p->choice[e->pick[i]];
				if (p->nr > 1)
					/* a NoEcho parameter's value is never shown */
					note(e, ref,
					     secret_parameter(e->tmpl, ref) ? SECRET_MASK : val);
				if (!p->list)
					return json_string(val);
				json_t *arr = json_array();
				for (const char *s = val; *s;) {
					size_t n = strcspn(s, ",");
					json_array_append_new(arr, json_stringn(s, n));
					s += n + (s[n] == ',');
				}
				return arr;
			}
		}
		if ((a = json_object_get(v, "Fn::If")) && json_array_size(a) == 3 &&
		    json_is_string(json_array_get(a, 0)))
			return resolve(
				e, json_array_get(
					   a, cond_true(e, json_string_value(json_array_get(a, 0)))
						      ? 1
						      : 2));
		if ((a = json_object_get(v, "Fn::FindInMap")) && json_array_size(a) == 3) {
			json_t *m = find_in_map(e, a);
			if (m)
				return m;
		}
	}
	if (json_is_object(v)) {
		json_t *o = json_object(), *x;
		const char *k;
		json_object_foreach (v, k, x) {
			json_t *r = resolve(e, x);
			if (r)
				json_object_set_new(o, k, r);
		}
		return o;
	}
	if (json_is_array(v)) {
		json_t *o = json_array(), *x;
		size_t i;
		json_array_foreach (v, i, x) {
			json_t *r = resolve(e, x);
			if (r)
				json_array_append_new(o, r);
		}
		return o;
	}
	return json_incref(v);
}

/* Does anything in `v` need resolving (Fn::If, NoValue, FindInMap, Ref to a known parameter)? */
static bool needs(struct eval *e, const json_t *v)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			/* first letters first: every key of the template is asked, and
			 * strcmp is a call of 20 to 90 instructions under callgrind */
			if (k[0] == 'F' && (!strcmp(k, "Fn::If") || !strcmp(k, "Fn::FindInMap")))
				return true;
			if (k[0] == 'R' && !strcmp(k, "Ref") && json_is_string(x)) {
				struct param *p = find_param(e, json_string_value(x), NULL);
				if (!strcmp(json_string_value(x), "AWS::NoValue") || (p && p->nr))
					return true;
			}
			if (needs(e, x))
				return true;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			if (needs(e, x))
				return true;
		}
	}
	return false;
}

static void add_choice(struct param *p, const json_t *v)
{
	char *s = scalar_string(v);
	if (!s || p->nr >= MAX_CHOICES) {
		free(s);
		return;
	}
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->choice[i], s)) {
			free(s);
			return;
		}
	p->choice[p->nr++] = s;
}

static void load_params(struct eval *e)
{
	const json_t *ps = json_object_get(e->tmpl, "Parameters");
	e->params = xcalloc(json_object_size(ps) + 1, sizeof(*e->params));
	e->pick = xcalloc(json_object_size(ps) + 1, sizeof(*e->pick));
	const char *name;
	json_t *p;
	json_object_foreach ((json_t *)ps, name, p) {
		struct param *x = &e->params[e->params_nr++];
		const char *type = json_string_value(json_object_get(p, "Type")) ?: "String";
		x->name = name;
		x->list = !strncmp(type, "List<", 5) || !strcmp(type, "CommaDelimitedList");
		if (!strncmp(type, "AWS::SSM::Parameter::Value", 26))
			continue; /* the Default names an SSM parameter; its value is unknown */
		if (json_object_get(p, "Default"))
			add_choice(x, json_object_get(p, "Default"));
		size_t i;
		json_t *a;
		json_array_foreach (json_object_get(p, "AllowedValues"), i, a) {
			add_choice(x, a);
		}
	}
	const char *cn;
	json_t *cv;
	json_object_foreach (json_object_get(e->tmpl, "Conditions"), cn, cv) {
		if (e->cond_nr < MAX_CONDS)
			e->cond_name[e->cond_nr++] = cn;
		(void)cv;
	}
}

static void free_params(struct eval *e)
{
	for (size_t i = 0; i < e->params_nr; i++)
		for (size_t k = 0; k < e->params[i].nr; k++)
			free((char *)e->params[i].choice[k]);
	free(e->params);
	free(e->pick);
}

static struct cfn_world make_world(struct eval *e)
{
	struct cfn_world w = {NULL, NULL};
	json_t *res = json_object(), *r;
	const char *id;
	json_object_foreach (json_object_get(e->tmpl, "Resources"), id, r) {
		struct strbuf label = STRBUF_INIT;
		e->label = &label;
		const char *cond = json_string_value(json_object_get(r, "Condition"));
		if (cond && !cond_true(e, cond)) {
			e->label = NULL;
			strbuf_release(&label);
			continue; /* not created in this world */
		}
		/* a resource nothing decides is shared with the template, not copied */
		json_t *copy = needs(e, r) ? resolve(e, r) : json_incref(r);
		e->label = NULL;
		json_object_set_new(res, id, copy);
		if (label.len) {
			if (!w.branches)
				w.branches = json_object();
			json_object_set_new(w.branches, id, json_string(label.buf));
		}
		strbuf_release(&label);
	}
	w.tmpl = json_copy((json_t *)e->tmpl);
	json_object_set_new(w.tmpl, "Resources", res);
	return w;
}

size_t cfn_worlds(json_t *tmpl, const char *region, struct cfn_world **out)
{
	struct eval e = {.tmpl = tmpl, .region = region};
	load_params(&e);
	bool any_cond = false;
	json_t *r;
	const char *id;
	json_object_foreach (json_object_get(tmpl, "Resources"), id, r) {
		any_cond |= json_object_get(r, "Condition") != NULL;
	}
	/* Fn::If needs a Conditions section; a Ref resolves only to a parameter with a known value
	 */
	bool choices = false;
	for (size_t i = 0; i < e.params_nr; i++)
		choices |= e.params[i].nr > 0;
	bool maybe = any_cond || e.cond_nr || choices ||
		     json_object_size(json_object_get(tmpl, "Mappings"));
	if (!maybe || (!any_cond && !needs(&e, json_object_get(tmpl, "Resources")))) {
		free_params(&e);
		*out = xcalloc(1, sizeof(**out));
		(*out)[0].tmpl = json_incref(tmpl);
		return 1;
	}
	struct cfn_world *w = xcalloc(CFN_MAX_WORLDS, sizeof(*w));
	size_t nr = 0;
	/* every combination of parameter choices (a mixed-radix counter) ... */
	for (bool more = true; more && nr < CFN_MAX_WORLDS;) {
		/* ... times every value of the conditions that stay unknown */
		memset(e.cond_done, 0, sizeof(e.cond_done));
		for (size_t i = 0; i < e.cond_nr; i++)
			named_cond(&e, e.cond_name[i]);
		size_t unknown[MAX_CONDS], un = 0;
		for (size_t i = 0; i < e.cond_nr; i++)
			if (e.cond[i] == T_UNKNOWN && un < 5)
				unknown[un++] = i;
		for (size_t bits = 0; bits < ((size_t)1 << un) && nr < CFN_MAX_WORLDS; bits++) {
			for (size_t k = 0; k < un; k++)
				e.cond[unknown[k]] = (bits >> k) & 1 ? T_FALSE : T_TRUE;
			w[nr++] = make_world(&e);
		}
		more = false;
		for (size_t i = 0; i < e.params_nr; i++) {
			if (e.params[i].nr > 1 && ++e.pick[i] < e.params[i].nr) {
				more = true;
				break;
			}
			e.pick[i] = 0;
		}
	}
	free_params(&e);
	*out = w;
	return nr;
}

void cfn_worlds_free(struct cfn_world *w, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		json_decref(w[i].tmpl);
		json_decref(w[i].branches);
	}
	free(w);
}
