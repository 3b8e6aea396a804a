/*
 * validate: cfn-lint's extension rules (X lines of data/cfn-schema.txt,
 * scripts/schema_rules.py): JSON schemas of if/then relations between a
 * resource's properties that AWS states in its user guides but not in the
 * registry schemas (a FIFO queue's name ends in .fifo, a target group of
 * type lambda takes no Port, a zip Lambda function needs a Runtime, ...),
 * each reported under cfn-lint's rule ID.
 *
 * The evaluator is three-valued: a value resolved only at deploy (an
 * intrinsic function) is unknown, an `if` on an unknown value takes neither
 * branch, and only a definite failure is reported; so a template is never
 * refused on a guess. The subset: type, const, enum, pattern (POSIX ERE),
 * minimum, maximum, exclusiveMinimum/Maximum, multipleOf, min/maxLength,
 * min/maxItems, items, contains, required, properties (false: not allowed),
 * additionalProperties, propertyNames, dependentRequired/Excluded, not,
 * allOf, anyOf, oneOf, if/then/else. Types are CloudFormation's: "5" is an
 * integer, "true" a boolean, 5 a string, as CloudFormation converts them.
 */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/schema.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

enum ev { EV_FALSE, EV_TRUE, EV_UNKNOWN };

struct ext {
	struct vctx *c;
	const char *id, *desc;
	const json_t *lower; /* properties compared without case (RDS's Engine), or NULL */
	bool report;	     /* false while an `if`, a `not` or an alternative is tried */
};

static enum ev ev_schema(struct ext *x, const json_t *s, const json_t *v, struct strbuf *path);

static enum ev ev_and(enum ev a, enum ev b)
{
	if (a == EV_FALSE || b == EV_FALSE)
		return EV_FALSE;
	return a == EV_UNKNOWN || b == EV_UNKNOWN ? EV_UNKNOWN : EV_TRUE;
}

__attribute__((format(printf, 3, 4))) static enum ev fail(struct ext *x, const char *path,
							  const char *fmt, ...)
{
	if (!x->report)
		return EV_FALSE;
	/* one error a place: another check (the schema's, a service fact) said it first */
	for (size_t i = 0; i < x->c->dl->nr; i++) {
		const struct diag *o = &x->c->dl->items[i];
		if (o->severity == DIAG_ERROR && o->path && !strcmp(o->path, path))
			return EV_FALSE;
	}
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	struct diag *d = vd_report(x->c, DIAG_ERROR, path, "%s", msg.buf);
	diag_set_hint(d, "cfn-lint %s: %s", x->id, x->desc);
	strbuf_release(&msg);
	return EV_FALSE;
}

/* A value known before deploy: not an intrinsic function, nothing unknown inside. */
static bool known(const json_t *v)
{
	if (vd_is_intrinsic(v))
		return false;
	size_t i;
	json_t *e;
	if (json_is_array(v)) {
		json_array_foreach (v, i, e)
			if (!known(e))
				return false;
	} else if (json_is_object(v)) {
		jio_object_each_value ((json_t *)v, it, e)
			if (!known(e))
				return false;
	}
	return true;
}

/* The scalar as CloudFormation passes it to a service: a string. */
static char *scalar_text(const json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_true(v) || json_is_false(v))
		return xstrdup(json_is_true(v) ? "true" : "false");
	if (json_is_integer(v))
		return xstrfmt("%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return xstrfmt("%.17g", json_real_value(v));
	return NULL;
}

static bool scalar_equal(const json_t *a, const json_t *b)
{
	if (json_equal((json_t *)a, (json_t *)b))
		return true;
	double x, y;
	if (json_is_number(a) && json_is_number(b))
		return false;
	if ((json_is_number(a) || json_is_number(b)) && vd_number(a, &x) && vd_number(b, &y))
		return x == y;
	/* "true" equals true: only a boolean is compared by its text */
	if (!json_is_boolean(a) && !json_is_boolean(b))
		return false;
	char *s = scalar_text(a), *t = scalar_text(b);
	bool eq = s && t && !strcmp(s, t);
	free(s);
	free(t);
	return eq;
}

static bool is_type(const char *t, const json_t *v)
{
	double d;
	const char *s = json_string_value(v);
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v) || (s && (!strcmp(s, "true") || !strcmp(s, "false")));
	if (!strcmp(t, "number"))
		return vd_number(v, &d);
	if (!strcmp(t, "integer"))
		return vd_number(v, &d) && d == floor(d);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	return true;
}

static enum ev ev_type(struct ext *x, const json_t *t, const json_t *v, const char *path)
{
	if (json_is_string(t))
		return is_type(json_string_value(t), v)
			       ? EV_TRUE
			       : fail(x, path, "value is not of type %s", json_string_value(t));
	size_t i;
	json_t *e;
	json_array_foreach (t, i, e)
		if (json_is_string(e) && is_type(json_string_value(e), v))
			return EV_TRUE;
	return fail(x, path, "value is not of an allowed type");
}

static enum ev ev_enum(struct ext *x, const json_t *e, const json_t *v, const char *path)
{
	size_t i;
	json_t *a;
	json_array_foreach (e, i, a)
		if (scalar_equal(a, v))
			return EV_TRUE;
	/* json_dumps would allocate from the JSON arena: the text is made here */
	struct strbuf all = STRBUF_INIT;
	json_array_foreach (e, i, a) {
		char *t = scalar_text(a);
		if (all.len > 150) {
			strbuf_addstr(&all, ", ...");
			free(t);
			break;
		}
		strbuf_addf(&all, "%s'%s'", i ? ", " : "", t ? t : "?");
		free(t);
	}
	char *s = scalar_text(v);
	fail(x, path, "'%s' is not one of [%s]", s ? s : "value", all.buf);
	free(s);
	strbuf_release(&all);
	return EV_FALSE;
}

static enum ev ev_number(struct ext *x, const char *k, const json_t *lim, const json_t *v,
			 const char *path)
{
	double d, l = json_number_value(lim);
	if (!vd_number(v, &d))
		return EV_TRUE;
	if (!strcmp(k, "minimum") && d < l)
		return fail(x, path, "%g is less than the minimum of %g", d, l);
	if (!strcmp(k, "maximum") && d > l)
		return fail(x, path, "%g is greater than the maximum of %g", d, l);
	if (!strcmp(k, "exclusiveMinimum") && d <= l)
		return fail(x, path, "%g must be greater than %g", d, l);
	if (!strcmp(k, "exclusiveMaximum") && d >= l)
		return fail(x, path, "%g must be less than %g", d, l);
	if (!strcmp(k, "multipleOf") && l > 0 && fmod(d, l) != 0)
		return fail(x, path, "%g is not a multiple of %g", d, l);
	return EV_TRUE;
}

static enum ev ev_string(struct ext *x, const char *k, const json_t *arg, const json_t *v,
			 const char *path)
{
	if (!json_is_string(v))
		return EV_TRUE;
	const char *s = json_string_value(v);
	if (!strcmp(k, "pattern")) {
		if (!cfn_schema_match(x->c->schema, json_string_value(arg), s))
			return fail(x, path, "'%s' does not match '%s'", s, json_string_value(arg));
		return EV_TRUE;
	}
	size_t n = strlen(s), l = (size_t)json_integer_value(arg);
	if (!strcmp(k, "minLength") && n < l)
		return fail(x, path, "'%s' is shorter than %zu characters", s, l);
	if (!strcmp(k, "maxLength") && n > l)
		return fail(x, path, "'%s' is longer than %zu characters", s, l);
	return EV_TRUE;
}

static enum ev ev_array(struct ext *x, const char *k, const json_t *arg, const json_t *v,
			struct strbuf *path)
{
	if (!json_is_array(v))
		return EV_TRUE;
	size_t n = json_array_size(v), i, base = path->len;
	json_t *e;
	if (!strcmp(k, "minItems") && n < (size_t)json_integer_value(arg))
		return fail(x, path->buf, "expected at least %lld items, found %zu",
			    (long long)json_integer_value(arg), n);
	if (!strcmp(k, "maxItems") && n > (size_t)json_integer_value(arg))
		return fail(x, path->buf, "expected at most %lld items, found %zu",
			    (long long)json_integer_value(arg), n);
	enum ev r = EV_TRUE;
	if (!strcmp(k, "items")) {
		json_array_foreach (v, i, e) {
			vd_path_index(path, i);
			r = ev_and(r, ev_schema(x, arg, e, path));
			strbuf_setlen(path, base);
		}
	} else if (!strcmp(k, "contains")) {
		bool report = x->report, unknown = false;
		x->report = false;
		r = EV_FALSE;
		json_array_foreach (v, i, e) {
			enum ev one = ev_schema(x, arg, e, path);
			unknown |= one == EV_UNKNOWN;
			if (one == EV_TRUE)
				r = EV_TRUE;
		}
		x->report = report;
		if (r != EV_TRUE)
			r = unknown ? EV_UNKNOWN
				    : fail(x, path->buf, "no item is of the form required");
	}
	return r;
}

static const json_t *present(const json_t *obj, const char *k)
{
	const json_t *v = json_object_get(obj, k);
	return v && !vd_is_no_value(v) ? v : NULL;
}

/* `s` is the schema holding keyword `k` (additionalProperties reads its "properties"). */
static enum ev ev_object(struct ext *x, const json_t *s, const char *k, const json_t *arg,
			 const json_t *v, struct strbuf *path)
{
	if (!json_is_object(v))
		return EV_TRUE;
	size_t i, base = path->len;
	json_t *e;
	const char *p;
	enum ev r = EV_TRUE;
	if (!strcmp(k, "required")) {
		json_array_foreach (arg, i, e) {
			if (!present(v, json_string_value(e)))
				r = ev_and(r, fail(x, path->buf, "'%s' is a required property",
						   json_string_value(e)));
		}
	} else if (!strcmp(k, "properties")) {
		json_object_foreach ((json_t *)arg, p, e) {
			const json_t *pv = present(v, p);
			if (!pv)
				continue;
			vd_path_key(path, p);
			r = ev_and(r, json_is_false(e)
					      ? fail(x, path->buf, "'%s' is not allowed here", p)
					      : ev_schema(x, e, pv, path));
			strbuf_setlen(path, base);
		}
	} else if (!strcmp(k, "additionalProperties") || !strcmp(k, "propertyNames")) {
		bool names = k[0] == 'p';
		const json_t *declared = json_object_get(s, "properties");
		json_t *pv;
		json_object_foreach ((json_t *)v, p, pv) {
			if (!names && (json_object_get(declared, p) || !present(v, p)))
				continue;
			vd_path_key(path, p);
			json_t *name = names ? json_string(p) : NULL;
			r = ev_and(r, json_is_false(arg)
					      ? fail(x, path->buf, "'%s' is not allowed here", p)
					      : ev_schema(x, arg, names ? name : pv, path));
			json_decref(name);
			strbuf_setlen(path, base);
		}
	} else if (!strcmp(k, "dependentRequired") || !strcmp(k, "dependentExcluded")) {
		bool excl = k[9] == 'E';
		json_object_foreach ((json_t *)arg, p, e) {
			if (!present(v, p))
				continue;
			json_t *d;
			size_t j;
			json_array_foreach (e, j, d) {
				const char *dn = json_string_value(d);
				if (dn && !present(v, dn) != !excl)
					r = ev_and(r, fail(x, path->buf,
							   excl ? "'%s' cannot be used with '%s'"
								: "'%s' needs '%s'",
							   p, dn));
			}
		}
	}
	return r;
}

/* The properties a `not` excludes ({"required": [..]}, or an anyOf of them)
 * that `v` holds, each reported at its own place; false when there is none. */
static bool report_excluded(struct ext *x, const json_t * not, const json_t *v, struct strbuf *path)
{
	const json_t *alts = json_object_get(not, "anyOf");
	json_t *one = json_pack("[O]", not );
	if (!alts)
		alts = one;
	bool any = false;
	size_t i, j, base = path->len;
	json_t *a, *r;
	json_array_foreach (alts, i, a) {
		json_array_foreach (json_object_get(a, "required"), j, r) {
			const char *p = json_string_value(r);
			if (!p || !present(v, p))
				continue;
			vd_path_key(path, p);
			fail(x, path->buf, "'%s' is not allowed here", p);
			strbuf_setlen(path, base);
			any = true;
		}
	}
	json_decref(one);
	return any;
}

/* not, anyOf, oneOf: their parts are tried without reporting. */
static enum ev ev_alternatives(struct ext *x, const char *k, const json_t *arg, const json_t *v,
			       struct strbuf *path)
{
	bool report = x->report;
	x->report = false;
	enum ev r;
	if (!strcmp(k, "not")) {
		enum ev n = ev_schema(x, arg, v, path);
		r = n == EV_UNKNOWN ? EV_UNKNOWN : n == EV_TRUE ? EV_FALSE : EV_TRUE;
	} else {
		size_t i, yes = 0, unknown = 0;
		json_t *e;
		json_array_foreach (arg, i, e) {
			enum ev one = ev_schema(x, e, v, path);
			yes += one == EV_TRUE;
			unknown += one == EV_UNKNOWN;
		}
		if (!strcmp(k, "anyOf"))
			r = yes ? EV_TRUE : unknown ? EV_UNKNOWN : EV_FALSE;
		else
			r = yes > 1 ? EV_FALSE : unknown ? EV_UNKNOWN : yes ? EV_TRUE : EV_FALSE;
	}
	x->report = report;
	if (r != EV_FALSE)
		return r;
	if (!strcmp(k, "not") && report_excluded(x, arg, v, path))
		return EV_FALSE;
	return fail(x, path->buf,
		    !strcmp(k, "not")	  ? "this combination of values is not allowed"
		    : !strcmp(k, "anyOf") ? "value matches none of the allowed forms"
					  : "value must match exactly one allowed form");
}

/* The keywords ev_schema tells apart, each named once (a schema's keys are read for
 * every value a rule meets). */
enum keyword {
	KW_OTHER,
	KW_IF,
	KW_THEN,
	KW_ELSE,
	KW_ALL_OF,
	KW_NOT,
	KW_ANY_OF,
	KW_ONE_OF,
	KW_REQUIRED,
	KW_PROPERTIES,
	KW_DEPENDENT, /* dependentRequired, dependentExcluded */
	KW_TYPE,
	KW_CONST,
	KW_ENUM,
	KW_NUMBER, /* minimum, maximum, exclusiveM..., multipleOf */
	KW_STRING, /* pattern, minLength, maxLength */
	KW_ARRAY,  /* items, contains, minItems, maxItems */
};

static enum keyword keyword_of(const char *k)
{
	static const struct {
		const char *name;
		enum keyword kw;
	} names[] = {
		{"if", KW_IF},
		{"then", KW_THEN},
		{"else", KW_ELSE},
		{"allOf", KW_ALL_OF},
		{"not", KW_NOT},
		{"anyOf", KW_ANY_OF},
		{"oneOf", KW_ONE_OF},
		{"required", KW_REQUIRED},
		{"properties", KW_PROPERTIES},
		{"dependentRequired", KW_DEPENDENT},
		{"dependentExcluded", KW_DEPENDENT},
		{"type", KW_TYPE},
		{"const", KW_CONST},
		{"enum", KW_ENUM},
		{"minimum", KW_NUMBER},
		{"maximum", KW_NUMBER},
		{"multipleOf", KW_NUMBER},
		{"pattern", KW_STRING},
		{"minLength", KW_STRING},
		{"maxLength", KW_STRING},
		{"items", KW_ARRAY},
		{"contains", KW_ARRAY},
		{"minItems", KW_ARRAY},
		{"maxItems", KW_ARRAY},
	};
	if (!strncmp(k, "exclusiveM", 10))
		return KW_NUMBER;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].name[0] == k[0] && !strcmp(names[i].name, k))
			return names[i].kw;
	return KW_OTHER;
}

static enum ev ev_schema(struct ext *x, const json_t *s, const json_t *v, struct strbuf *path)
{
	if (json_is_boolean(s))
		return json_is_true(s) ? EV_TRUE : fail(x, path->buf, "value is not allowed here");
	/* asked once: each keyword below asked it again, a walk of the value each time */
	const bool is_known = known(v);
	if (!is_known) {
		/* an object with an unknown member is still known by its keys */
		if (!json_is_object(v) || vd_is_intrinsic(v))
			return EV_UNKNOWN;
	}
	const json_t *cond = json_object_get(s, "if");
	enum ev r = EV_TRUE;
	if (cond) {
		bool report = x->report;
		x->report = false;
		enum ev c = ev_schema(x, cond, v, path);
		x->report = report;
		const json_t *br = json_object_get(s, c == EV_TRUE ? "then" : "else");
		if (c == EV_UNKNOWN)
			r = EV_UNKNOWN;
		else if (br)
			r = ev_schema(x, br, v, path);
	}
	const char *k;
	json_t *arg;
	jio_object_each ((json_t *)s, it, k, arg) {
		enum ev one = EV_TRUE;
		bool scalar = !json_is_object(v) && !json_is_array(v);
		enum keyword kw = keyword_of(k);
		if (kw == KW_IF || kw == KW_THEN || kw == KW_ELSE)
			continue;
		if (kw == KW_ALL_OF) {
			size_t i;
			json_t *e;
			json_array_foreach (arg, i, e)
				one = ev_and(one, ev_schema(x, e, v, path));
		} else if (kw == KW_NOT || kw == KW_ANY_OF || kw == KW_ONE_OF) {
			one = ev_alternatives(x, k, arg, v, path);
		} else if (!is_known && kw != KW_REQUIRED && kw != KW_PROPERTIES &&
			   kw != KW_DEPENDENT) {
			one = EV_UNKNOWN;
		} else if (kw == KW_TYPE) {
			one = ev_type(x, arg, v, path->buf);
		} else if (kw == KW_CONST) {
			one = scalar_equal(arg, v)
				      ? EV_TRUE
				      : fail(x, path->buf, "value must be %s",
					     json_string_value(arg) ?: "the one allowed");
		} else if (kw == KW_ENUM) {
			one = ev_enum(x, arg, v, path->buf);
		} else if (scalar && kw == KW_NUMBER) {
			one = ev_number(x, k, arg, v, path->buf);
		} else if (kw == KW_STRING) {
			one = ev_string(x, k, arg, v, path->buf);
		} else if (kw == KW_ARRAY) {
			one = ev_array(x, k, arg, v, path);
		} else {
			one = ev_object(x, s, k, arg, v, path);
		}
		r = ev_and(r, one);
	}
	return r;
}

/* Apply a rule at its path `at` below the resource: "*" walks each item of a list. */
static void apply(struct ext *x, const json_t *s, const json_t *at, size_t i, const json_t *v,
		  struct strbuf *path)
{
	if (!v || vd_is_no_value(v))
		return;
	const json_t *fif =
		json_is_object(v) && json_object_size(v) == 1 ? json_object_get(v, "Fn::If") : NULL;
	size_t base = path->len;
	if (json_array_size(fif) == 3) {
		/* both branches of a condition are what the resource may be */
		for (size_t b = 1; b < 3; b++) {
			strbuf_addstr(path, ".Fn::If");
			vd_path_index(path, b);
			apply(x, s, at, i, json_array_get(fif, b), path);
			strbuf_setlen(path, base);
		}
		return;
	}
	if (i == json_array_size(at)) {
		json_t *copy = NULL;
		size_t j;
		json_t *k;
		json_array_foreach (x->lower, j, k) {
			const char *p = json_string_value(k), *str;
			str = p ? json_string_value(json_object_get(v, p)) : NULL;
			if (!str)
				continue;
			if (!copy)
				copy = json_copy((json_t *)v);
			char *low = xstrdup(str);
			for (char *q = low; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			json_object_set_new(copy, p, json_string(low));
			free(low);
		}
		ev_schema(x, s, copy ? copy : v, path);
		json_decref(copy);
		return;
	}
	const char *seg = json_string_value(json_array_get(at, i));
	if (!seg)
		return;
	if (!strcmp(seg, "*")) {
		size_t j;
		json_t *e;
		json_array_foreach (v, j, e) {
			vd_path_index(path, j);
			apply(x, s, at, i + 1, e, path);
			strbuf_setlen(path, base);
		}
		return;
	}
	vd_path_key(path, seg);
	apply(x, s, at, i + 1, json_object_get(v, seg), path);
	strbuf_setlen(path, base);
}

void vd_check_extensions(struct vctx *c, const char *id, const char *type, const json_t *r)
{
	const json_t *rules = cfn_schema_extension_rules(c->schema, type);
	size_t i;
	json_t *rule;
	struct strbuf path = STRBUF_INIT;
	json_array_foreach (rules, i, rule) {
		struct ext x = {c, json_string_value(json_object_get(rule, "id")),
				json_string_value(json_object_get(rule, "d")),
				json_object_get(rule, "lc"), true};
		strbuf_reset(&path);
		strbuf_addstr(&path, "Resources");
		vd_path_key(&path, id);
		apply(&x, json_object_get(rule, "s"), json_object_get(rule, "at"), 0, r, &path);
	}
	strbuf_release(&path);
}
