/*
 * json_pack that fails loudly (engine.h: sm_pack). jansson's json_pack
 * returns NULL on a NULL string or value, and a NULL handed on as
 * Properties became {} (MultiAZ and EngineVersion vanished, and validate
 * passed the template). Here a failure becomes a marker object that
 * resolution turns into an error naming the stack, the resource, the key
 * path in the format and the call's file and line, and synthesis fails.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

#undef json_pack /* jansson's own, for the marker */

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

json_t *sm_pack_at(const char *file, int line, const char *fmt, ...)
{
	json_error_t err;
	va_list ap;
	va_start(ap, fmt);
	json_t *v = json_vpack_ex(&err, 0, fmt, ap);
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
	v = json_pack("{ss}", SM_PACK_ERROR_KEY, msg);
	free(msg);
	return v;
}

const char *sm_pack_error(const json_t *v)
{
	void *it = json_is_object(v) && json_object_size(v) == 1 ? json_object_iter((json_t *)v)
								 : NULL;
	if (!it || strcmp(json_object_iter_key(it), SM_PACK_ERROR_KEY) != 0)
		return NULL;
	return json_string_value(json_object_iter_value(it));
}
