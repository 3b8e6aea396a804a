/* The assembly's one resolver and resource iterator (refs.h). */
#include "analysis/refs.h"

#include <stdio.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

/*
 * How many imports and cross-region parameters one value may go through: an
 * output whose value imports another stack's output, and so on. Far above
 * what a template does; it bounds a cycle of exports.
 */
#define SM_RESOLVE_MAX_HOPS 16

/* The key of `obj` spelt as the `len` bytes at `name`, borrowed from obj; NULL when none. */
static const char *key_of(const json_t *obj, const char *name, size_t len)
{
	if (!json_is_object(obj) || !len)
		return NULL;
	char small[128];
	char *key = len < sizeof(small) ? small : xmalloc(len + 1);
	memcpy(key, name, len);
	key[len] = '\0';
	void *iter = json_object_iter_at((json_t *)obj, key);
	if (key != small)
		free(key);
	return iter ? json_object_iter_key(iter) : NULL;
}

/* The ID spelt by the `len` bytes at `name`: a resource, else a parameter of `t`. */
static const char *id_in(const struct sm_template *t, const char *name, size_t len)
{
	if (!t)
		return NULL;
	const char *id = key_of(json_object_get(t->tmpl, "Resources"), name, len);
	return id ? id : key_of(json_object_get(t->tmpl, "Parameters"), name, len);
}

/*
 * A load balancer's name prefixed with "dualstack." is the same load
 * balancer's, the one that answers AAAA queries too: the alias target of
 * its A and AAAA records (Route 53 API reference, AliasTarget DNSName for
 * Elastic Load Balancing; the CDK's LoadBalancerTarget writes it so). Read
 * as a reference to the load balancer when the rest is its DNSName.
 */
#define DUALSTACK_PREFIX "dualstack."
#define DUALSTACK_ATTRIBUTE "DNSName"

/* {"Fn::Sub": "${X}"} or "${X.Attr}", or the list form whose variable X is such a value;
 * "dualstack.${X.DNSName}" too. */
static const char *sub_id(const struct sm_template *t, const json_t *sub)
{
	const json_t *vars = json_is_array(sub) ? json_array_get(sub, 1) : NULL;
	const char *s = json_string_value(json_is_array(sub) ? json_array_get(sub, 0) : sub);
	bool dualstack = s && !strncmp(s, DUALSTACK_PREFIX, strlen(DUALSTACK_PREFIX));
	if (dualstack)
		s += strlen(DUALSTACK_PREFIX);
	size_t n = s ? strlen(s) : 0;
	if (n < 4 || strncmp(s, "${", 2) || s[2] == '!' || s[n - 1] != '}')
		return NULL;
	size_t name_len = strcspn(s + 2, ".}");
	if (2 + name_len + strcspn(s + 2 + name_len, "}") != n - 1)
		return NULL; /* text around the reference, or a second one */
	if (dualstack &&
	    strncmp(s + 2 + name_len, "." DUALSTACK_ATTRIBUTE "}", strlen(DUALSTACK_ATTRIBUTE) + 2))
		return NULL;
	const char *var = key_of(vars, s + 2, name_len);
	if (var)
		return sm_ref_id(t, json_object_get(vars, var));
	return id_in(t, s + 2, name_len);
}

/* The intrinsic functions the resolver reads, by the key that names them. */
enum fn_key { FN_OTHER, FN_REF, FN_GETATT, FN_SUB, FN_JOIN, FN_IMPORT };

/*
 * The function key `k` names, by its first letters before any strcmp: every
 * key of every value of a template is asked (by the reference index, the
 * rules, reach), and glibc's strcmp is a call of 20 to 90 instructions under
 * callgrind, three or four of them for a key that names none.
 */
static enum fn_key fn_key_of(const char *k)
{
	if (k[0] == 'R')
		return k[1] == 'e' && k[2] == 'f' && !k[3] ? FN_REF : FN_OTHER;
	if (k[0] != 'F' || k[1] != 'n' || k[2] != ':' || k[3] != ':')
		return FN_OTHER;
	switch (k[4]) {
	case 'G':
		return !strcmp(k + 4, "GetAtt") ? FN_GETATT : FN_OTHER;
	case 'S':
		return !strcmp(k + 4, "Sub") ? FN_SUB : FN_OTHER;
	case 'J':
		return !strcmp(k + 4, "Join") ? FN_JOIN : FN_OTHER;
	case 'I':
		return !strcmp(k + 4, "ImportValue") ? FN_IMPORT : FN_OTHER;
	default:
		return FN_OTHER;
	}
}

/* The key and value of a one-key object, read rather than hashed (every object of
 * every resource is asked): NULL when `v` is not an object of one key. */
static const char *only_key(const json_t *v, const json_t **value)
{
	void *it = json_object_size(v) == 1 ? json_object_iter((json_t *)v) : NULL;
	if (!it)
		return NULL;
	*value = json_object_iter_value(it);
	return json_object_iter_key(it);
}

/* {"Fn::Join": ["", ["dualstack.", X's DNSName]]}: X (DUALSTACK_PREFIX) */
static const char *dualstack_join_id(const struct sm_template *t, const json_t *join)
{
	const json_t *parts = json_array_get(join, 1), *name, *x;
	const char *delim = json_string_value(json_array_get(join, 0)),
		   *prefix = json_string_value(json_array_get(parts, 0));
	if (json_array_size(join) != 2 || !delim || *delim || json_array_size(parts) != 2 ||
	    !prefix || strcmp(prefix, DUALSTACK_PREFIX))
		return NULL;
	name = json_array_get(parts, 1);
	const char *fn = only_key(name, &x);
	if (!fn || fn_key_of(fn) != FN_GETATT)
		return NULL;
	const char *attr = json_is_array(x) ? json_string_value(json_array_get(x, 1))
					    : strchr(json_string_value(x) ?: "", '.');
	if (attr && *attr == '.')
		attr++;
	return attr && !strcmp(attr, DUALSTACK_ATTRIBUTE) ? sm_ref_id(t, name) : NULL;
}

const char *sm_ref_id(const struct sm_template *t, const json_t *v)
{
	/* an intrinsic function is an object of one key: most objects are not */
	const json_t *x;
	const char *fn = only_key(v, &x);
	if (!fn)
		return NULL;
	switch (fn_key_of(fn)) {
	case FN_REF:
		return json_string_value(x);
	case FN_GETATT: {
		if (json_is_array(x))
			return json_string_value(json_array_get(x, 0));
		const char *s = json_string_value(x);
		return s ? id_in(t, s, strcspn(s, ".")) : NULL;
	}
	case FN_SUB:
		return sub_id(t, x);
	case FN_JOIN:
		return dualstack_join_id(t, x);
	default:
		return NULL;
	}
}

/*
 * The stack and output a cross-region parameter stands for, from the
 * Description `synth` gives it (src/engine/resolve.c): false when it is
 * another parameter.
 */
static bool cross_region_source(const json_t *param, char *output, char *stack)
{
	const char *desc = json_string_value(json_object_get(param, "Description"));
	return desc && sscanf(desc, "Output %255s of stack %255s", output, stack) == 2;
}

struct sm_rref sm_resolve(struct sm_assembly *a, struct sm_template *t, const json_t *v)
{
	struct sm_rref none = {t, NULL};
	for (int hop = 0; hop < SM_RESOLVE_MAX_HOPS; hop++) {
		const char *id = sm_ref_id(t, v);
		if (id) {
			struct sm_rref r = {t, id};
			if (sm_rref_resource(r))
				return r; /* the common case: the parameters need no look */
			const json_t *param =
				json_object_get(json_object_get(t->tmpl, "Parameters"), id);
			char output[256], stack[256];
			if (!param || !cross_region_source(param, output, stack))
				return r;
			struct sm_template *p = a ? sm_assembly_find(a, stack) : NULL;
			const json_t *o =
				p ? json_object_get(json_object_get(p->tmpl, "Outputs"), output)
				  : NULL;
			if (!o)
				return r; /* the producer is not in the assembly: the parameter */
			t = p;
			v = json_object_get(o, "Value");
			continue;
		}
		const json_t *arg;
		const char *fn = only_key(v, &arg);
		const char *name = fn && fn_key_of(fn) == FN_IMPORT ? json_string_value(arg) : NULL;
		if (!name || !a || !(v = sm_assembly_export(a, name, &t)))
			return none;
	}
	return none;
}

const json_t *sm_follow_imports(struct sm_assembly *a, struct sm_template **t, const json_t *v)
{
	for (int hop = 0; hop < SM_RESOLVE_MAX_HOPS; hop++) {
		const char *name =
			json_object_size(v) == 1
				? json_string_value(json_object_get(v, "Fn::ImportValue"))
				: NULL;
		if (!name)
			return v;
		if (!a || !(v = sm_assembly_export(a, name, t)))
			return NULL;
	}
	return NULL; /* a chain longer than the resolver follows */
}

const json_t *sm_rref_resource(struct sm_rref r)
{
	return r.id && r.t ? json_object_get(json_object_get(r.t->tmpl, "Resources"), r.id) : NULL;
}

const json_t *sm_rref_props(struct sm_rref r)
{
	return json_object_get(sm_rref_resource(r), "Properties");
}

bool sm_rref_same(struct sm_rref a, struct sm_rref b)
{
	return a.t == b.t && a.id && b.id && !strcmp(a.id, b.id);
}

/* Each ${X} or ${X.Attr} of an Fn::Sub string, not ${!Literal}. */
static bool sub_each(const char *s, sm_ref_fn fn, void *arg)
{
	for (const char *p = s; p && (p = strstr(p, "${")); p += 2)
		if (p[2] != '!' && fn(arg, p + 2, strcspn(p + 2, "}.")))
			return true;
	return false;
}

bool sm_refs_each(const json_t *v, sm_ref_fn fn, void *arg)
{
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_array(v)) {
		json_array_foreach ((json_t *)v, i, x)
			if (sm_refs_each(x, fn, arg))
				return true;
		return false;
	}
	json_object_foreach ((json_t *)v, k, x) {
		const char *s = json_string_value(x);
		enum fn_key which = fn_key_of(k);
		if (which == FN_REF && s) {
			if (fn(arg, s, strlen(s)))
				return true;
		} else if (which == FN_GETATT) {
			s = json_is_array(x) ? json_string_value(json_array_get(x, 0)) : s;
			if (s && fn(arg, s, json_is_array(x) ? strlen(s) : strcspn(s, ".")))
				return true;
		} else if (which == FN_SUB) {
			if (sub_each(json_is_array(x) ? json_string_value(json_array_get(x, 0)) : s,
				     fn, arg))
				return true;
		}
		if (sm_refs_each(x, fn, arg))
			return true;
	}
	return false;
}

/* ---- the resource iterator ---- */

void sm_resource_iter_init(struct sm_resource_iter *it, struct sm_assembly *a,
			   struct sm_template *t)
{
	*it = (struct sm_resource_iter){.a = a, .t = t};
	it->next = a ? 0 : 1;
	it->pos = t ? json_object_iter(json_object_get(t->tmpl, "Resources")) : NULL;
}

const char *sm_resource_type_of(const json_t *res)
{
	void *first = json_object_iter((json_t *)res);
	const char *k = first ? json_object_iter_key(first) : NULL;
	/* compared by hand: glibc's strcmp costs some 90 instructions a call under
	 * callgrind, and check asks 12,700 times in --env all (1.1M) */
	if (k && k[0] == 'T' && k[1] == 'y' && k[2] == 'p' && k[3] == 'e' && !k[4])
		return json_string_value(json_object_iter_value(first));
	return json_string_value(json_object_get(res, "Type"));
}

bool sm_resource_iter_next(struct sm_resource_iter *it)
{
	while (!it->pos) {
		if (!it->a || it->next >= it->a->nr)
			return false;
		it->t = &it->a->items[it->next++];
		it->pos = json_object_iter(json_object_get(it->t->tmpl, "Resources"));
	}
	json_t *resources = json_object_get(it->t->tmpl, "Resources");
	it->id = json_object_iter_key(it->pos);
	it->res = json_object_iter_value(it->pos);
	it->type = sm_resource_type_of(it->res);
	if (!it->type)
		it->type = "";
	it->props = json_object_get(it->res, "Properties");
	it->pos = json_object_iter_next(resources, it->pos);
	return true;
}
