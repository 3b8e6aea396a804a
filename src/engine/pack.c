/*
 * json_pack that fails loudly (engine.h: sm_pack). jansson's json_pack
 * returns NULL on a NULL string or value, and a NULL handed on as
 * Properties became {} (MultiAZ and EngineVersion vanished, and validate
 * passed the template). Here a failure becomes a marker object that
 * resolution turns into an error naming the stack, the resource, the key
 * path in the format and the call's file and line, and synthesis fails.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

#undef json_pack /* jansson's own, for the marker */
#undef json_string
#undef json_object_set_new

/* How deep a format's brackets may nest for the key path (far above any). */
#define PACK_MAX_DEPTH 32

struct level {
	bool object;
	bool want_key; /* in an object: the next token is a key */
	const char *key;
	size_t key_len;
	size_t index; /* in an array: the element's place */
};

/* A value of the level ended: an object wants a key next, an array counts it. */
static void value_done(struct level *l)
{
	if (l->object)
		l->want_key = true;
	else
		l->index++;
}

/*
 * The key path of the token at 1-based column `position` of `fmt` (what
 * jansson's error.position reports), reading the arguments as json_pack
 * does: "Properties.MultiAZ" or "Statement[2].Resource" (a NULL key:
 * "(key after X)").
 */
static void key_path(const char *fmt, int position, va_list ap, struct strbuf *out)
{
	struct level st[PACK_MAX_DEPTH];
	int depth = 0;
	st[0] = (struct level){0};
	for (const char *f = fmt; *f && f - fmt < position - 1; f++) {
		struct level *l = depth ? &st[depth - 1] : NULL;
		switch (*f) {
		case '{':
		case '[':
			if (depth < PACK_MAX_DEPTH)
				st[depth++] = (struct level){.object = *f == '{', .want_key = true};
			break;
		case '}':
		case ']':
			if (depth)
				depth--;
			if (depth)
				value_done(&st[depth - 1]);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			size_t len = str ? strlen(str) : 0;
			/* the modifiers s# s% s+ s? s*, with the arguments they take */
			for (; f[1] && strchr("#%+?*", f[1]); f++) {
				if (f[1] == '#')
					len = (size_t)va_arg(ap, int);
				else if (f[1] == '%')
					len = va_arg(ap, size_t);
				else if (f[1] == '+')
					(void)va_arg(ap, const char *);
			}
			if (l && l->object && l->want_key) {
				l->key = str;
				l->key_len = str ? len : 0;
				l->want_key = false;
			} else if (l) {
				value_done(l);
			}
			break;
		}
		/*
		 * The cases below differ in the type va_arg reads (int, json_int_t,
		 * double, json_t *), which bugprone-branch-clone does not tell apart.
		 */
		case 'b': // NOLINT(bugprone-branch-clone)
		case 'i':
			(void)va_arg(ap, int);
			if (l)
				value_done(l);
			break;
		case 'I':
			(void)va_arg(ap, json_int_t);
			if (l)
				value_done(l);
			break;
		case 'f':
			(void)va_arg(ap, double);
			if (l)
				value_done(l);
			break;
		case 'o':
		case 'O':
			(void)va_arg(ap, json_t *);
			if (f[1] == '?' || f[1] == '*')
				f++;
			if (l)
				value_done(l);
			break;
		case 'n':
			if (l)
				value_done(l);
			break;
		default: /* spaces, ':' and ',' */
			break;
		}
	}
	for (int i = 0; i < depth; i++) {
		if (st[i].object && st[i].want_key) {
			strbuf_addf(out, "%s(a key after '%.*s')", out->len ? "." : "",
				    (int)st[i].key_len, st[i].key ? st[i].key : "");
		} else if (st[i].object) {
			if (out->len)
				strbuf_addch(out, '.');
			strbuf_add(out, st[i].key ? st[i].key : "(NULL key)", st[i].key_len);
		} else {
			strbuf_addf(out, "[%zu]", st[i].index);
		}
	}
}

/*
 * The formats the engine writes, packed without jansson's scanner: half of
 * json_pack's cost was reading the format token by token and checking each
 * ASCII string for UTF-8 (docs/benchmarks.md). One pass reads the arguments
 * and builds the value, and gives up whenever the result might not be
 * jansson's: it takes '{' '[' 's' 'n' 'b' 'i' 'I' 'f' 'o' 'O' and the
 * modifiers '?' and '*' (in an object or array), with every string ASCII
 * and not NULL unless a modifier allows it. Anything else ('#', '%', '+', a
 * NULL, a non-finite real, a non-ASCII byte, a malformed format) goes to
 * jansson, which also writes the error a failure gets: what was built is
 * dropped, and the arguments are handed over untouched (a value given to
 * 'o' is held by an extra reference until the pass succeeds, so that
 * dropping a part built with it leaves the caller's reference alone).
 */
struct fast_pack {
	const char *f;
	va_list ap;
	json_t **held; /* the 'o' values taken so far, each with the extra reference */
	size_t held_nr, held_alloc;
	json_t *held_small[16];
};

/* jansson's next_token: ' ', '\t', '\n', ',' and ':' separate tokens. */
static const char *skip_blank(const char *f)
{
	while (*f == ' ' || *f == '\t' || *f == '\n' || *f == ',' || *f == ':')
		f++;
	return f;
}

static char next_tok(struct fast_pack *p)
{
	p->f = skip_blank(p->f);
	return *p->f ? *p->f++ : '\0';
}

/* The modifier after a value ('?' or '*'), consumed; else '\0'. */
static char modifier(struct fast_pack *p)
{
	const char *f = skip_blank(p->f);
	if (*f == '?' || *f == '*') {
		p->f = f + 1;
		return *f;
	}
	return '\0';
}

bool sm_ascii(const char *s, size_t n)
{
	uint64_t any = 0;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		any |= x;
	}
	for (; i < n; i++)
		any |= (unsigned char)s[i];
	return !(any & 0x8080808080808080ULL);
}

/* jansson's json_string, without its UTF-8 check for ASCII (engine_int.h) */
json_t *sm_string(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	return sm_ascii(s, n) ? json_stringn_nocheck(s, n) : json_stringn(s, n);
}

/* jansson's json_object_set_new, without its UTF-8 check for an ASCII key */
int sm_object_set_new(json_t *o, const char *key, json_t *v)
{
	if (key) {
		size_t n = strlen(key);
		if (sm_ascii(key, n))
			return json_object_setn_new_nocheck(o, key, n, v);
	}
	return (json_object_set_new)(o, key, v);
}

static bool fast_value(struct fast_pack *p, char t, bool member, json_t **out);

/* A container given up half built: dropped, and false. */
static bool fast_drop(json_t *partial)
{
	json_decref(partial);
	return false;
}

static bool fast_object(struct fast_pack *p, json_t **out)
{
	json_t *o = json_object();
	for (char t; (t = next_tok(p)) != '}';) {
		if (t != 's')
			return fast_drop(o);
		const char *key = va_arg(p->ap, const char *);
		char after = *skip_blank(p->f);
		if (!key || after == '#' || after == '%' || after == '+' ||
		    !sm_ascii(key, strlen(key)))
			return fast_drop(o);
		json_t *v;
		if (!fast_value(p, next_tok(p), true, &v))
			return fast_drop(o);
		if (v)
			json_object_set_new_nocheck(o, key, v);
	}
	*out = o;
	return true;
}

static bool fast_array(struct fast_pack *p, json_t **out)
{
	json_t *a = json_array();
	for (char t; (t = next_tok(p)) != ']';) {
		json_t *v;
		if (!fast_value(p, t, true, &v))
			return fast_drop(a);
		if (v)
			json_array_append_new(a, v);
	}
	*out = a;
	return true;
}

/* A NULL string or value under a modifier: null ('?'), left out ('*', in an object or array). */
static bool fast_null(char mod, bool member, json_t **out)
{
	if (mod == '?') {
		*out = json_null();
		return true;
	}
	*out = NULL;
	return mod == '*' && member;
}

/* An 'o' value taken: held by an extra reference until the pass ends (struct fast_pack). */
static void fast_hold(struct fast_pack *p, json_t *j)
{
	if (p->held_nr == p->held_alloc) {
		size_t n = p->held_alloc * 2;
		json_t **grown = xmalloc(n * sizeof(*grown));
		memcpy(grown, p->held, p->held_nr * sizeof(*grown));
		if (p->held != p->held_small)
			free(p->held);
		p->held = grown;
		p->held_alloc = n;
	}
	p->held[p->held_nr++] = json_incref(j);
}

static bool fast_value(struct fast_pack *p, char t, bool member, json_t **out)
{
	*out = NULL;
	switch (t) {
	case '{':
		return fast_object(p, out);
	case '[':
		return fast_array(p, out);
	case 's': {
		const char *str = va_arg(p->ap, const char *);
		char after = *skip_blank(p->f);
		if (after == '#' || after == '%' || after == '+')
			return false;
		char mod = modifier(p);
		if (!str)
			return fast_null(mod, member, out);
		size_t n = strlen(str);
		if (!sm_ascii(str, n))
			return false;
		*out = json_stringn_nocheck(str, n);
		return true;
	}
	case 'n':
		*out = json_null();
		return true;
	case 'b':
		*out = json_boolean(va_arg(p->ap, int));
		return true;
	case 'i':
		*out = json_integer(va_arg(p->ap, int));
		return true;
	case 'I':
		*out = json_integer(va_arg(p->ap, json_int_t));
		return true;
	case 'f': {
		double d = va_arg(p->ap, double);
		if (!isfinite(d))
			return false; /* json_real refuses it: jansson's error */
		*out = json_real(d);
		return true;
	}
	case 'o':
	case 'O': {
		json_t *j = va_arg(p->ap, json_t *);
		char mod = modifier(p);
		if (!j)
			return fast_null(mod, member, out);
		if (t == 'o')
			fast_hold(p, j);
		*out = t == 'O' ? json_incref(j) : j;
		return true;
	}
	default:
		return false;
	}
}

/* The packed value, or NULL when jansson must do it (nothing consumed then). */
static json_t *fast_pack(const char *fmt, va_list ap)
{
	struct fast_pack p = {.f = fmt};
	p.held = p.held_small;
	p.held_alloc = sizeof(p.held_small) / sizeof(p.held_small[0]);
	va_copy(p.ap, ap);
	json_t *v = NULL;
	bool ok = fast_value(&p, next_tok(&p), false, &v) && !next_tok(&p);
	va_end(p.ap);
	if (!ok) {
		json_decref(v); /* the held values keep the caller's references */
		v = NULL;
	} else {
		for (size_t i = 0; i < p.held_nr; i++)
			json_decref(p.held[i]); /* stolen: the result holds them now */
	}
	if (p.held != p.held_small)
		free(p.held);
	return v;
}

/* How many failure markers were made this run (sm_pack_error_new): while none was,
 * no object is one and resolve need not look every object up for one (1.3M instructions of validate
 * and check of --env all together). */
static unsigned long pack_failures;

json_t *sm_pack_at(const char *file, int line, const char *fmt, ...)
{
	json_error_t err;
	va_list ap;
	va_start(ap, fmt);
	json_t *v = fast_pack(fmt, ap);
	if (!v)
		v = json_vpack_ex(&err, 0, fmt, ap);
	va_end(ap);
	if (v)
		return v;
	struct strbuf path = STRBUF_INIT;
	va_start(ap, fmt);
	key_path(fmt, err.position, ap, &path);
	va_end(ap);
	const char *base = strrchr(file, '/');
	char *msg = xstrfmt("%s:%d: %s for '%s' in \"%s\"", base ? base + 1 : file, line, err.text,
			    path.len ? path.buf : "(the value itself)", fmt);
	strbuf_release(&path);
	v = sm_pack_error_new(msg);
	free(msg);
	return v;
}

json_t *sm_value_error(const char *msg)
{
	return sm_pack_error_new(msg);
}

/* The marker of a part left NULL at `place` ("Distribution", "[1]") by the call at file:line. */
static json_t *null_part(const char *file, int line, const char *place)
{
	const char *base = strrchr(file, '/');
	char *msg = xstrfmt("%s:%d: NULL object for '%s'", base ? base + 1 : file, line, place);
	json_t *v = sm_pack_error_new(msg);
	free(msg);
	return v;
}

json_t *sm_list_at(const char *file, int line, size_t n, ...)
{
	json_t *list = json_array();
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		json_t *v = va_arg(ap, json_t *);
		if (!v) {
			char *place = xstrfmt("[%zu]", i);
			v = null_part(file, line, place);
			free(place);
		}
		json_array_append_new(list, v);
	}
	va_end(ap);
	return list;
}

json_t *sm_strings(const char *first, ...)
{
	json_t *list = json_array();
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		json_array_append_new(list, json_string(s));
	va_end(ap);
	return list;
}

void sm_object_set_at(const char *file, int line, json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value ? value : null_part(file, line, key));
}

json_t *sm_object_at(const char *file, int line, const char *key, ...)
{
	json_t *obj = json_object();
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *))
		sm_object_set_at(file, line, obj, k, va_arg(ap, json_t *));
	va_end(ap);
	return obj;
}

json_t *sm_pack_error_new(const char *msg)
{
	pack_failures++;
	return json_pack("{ss}", SM_PACK_ERROR_KEY, msg);
}

const char *sm_pack_error(const json_t *v)
{
	/*
	 * Not only the marker alone: a caller may have set keys on what it took
	 * for an object (a construct adding optional properties after packing
	 * the required ones), and the failure must not hide behind them.
	 */
	if (!pack_failures)
		return NULL;
	return json_is_object(v) ? json_string_value(json_object_get(v, SM_PACK_ERROR_KEY)) : NULL;
}
