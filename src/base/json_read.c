/* JSON reading: a fast scanner for well-formed documents, jansson for the rest. */
#include "base/json_io.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io_int.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/*
 * A fast reader for the common case: a well-formed document. It builds the
 * same jansson values jansson's own parser would (same types, key order and
 * numbers, through the same strtoll/strtod), about four times faster, and
 * declines (returns NULL) on anything it is not sure jansson would accept
 * as is: then jansson parses the text again and reports its own error, so
 * messages, lines and columns never change. It also declines nesting deeper
 * than JIO_MAX_DEPTH, duplicate keys and "\u0000".
 */
struct fj {
	const char *p, *end;
	int depth;
	struct strbuf tmp; /* a string with escapes, decoded */
};

static inline const char *fj_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static void fj_put_utf8(struct strbuf *sb, unsigned v)
{
	char b[4];
	size_t n;
	if (v < 0x80) {
		b[0] = (char)v;
		n = 1;
	} else if (v < 0x800) {
		b[0] = (char)(0xC0 | (v >> 6));
		b[1] = (char)(0x80 | (v & 0x3F));
		n = 2;
	} else if (v < 0x10000) {
		b[0] = (char)(0xE0 | (v >> 12));
		b[1] = (char)(0x80 | ((v >> 6) & 0x3F));
		b[2] = (char)(0x80 | (v & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (v >> 18));
		b[1] = (char)(0x80 | ((v >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((v >> 6) & 0x3F));
		b[3] = (char)(0x80 | (v & 0x3F));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/*
 * The string at c->p (on its '"'). Without escapes the result points into
 * the text; with escapes into c->tmp (valid until the next string).
 */
static bool fj_string(struct fj *c, const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)c->p + 1;
	const unsigned char *end = (const unsigned char *)c->end, *start = p;
	unsigned cp;
	size_t k;

	for (;;) {
		if (p >= end)
			return false;
		unsigned ch = *p;
		if (ch == '"') {
			*s = (const char *)start;
			*n = (size_t)(p - start);
			c->p = (const char *)p + 1;
			return true;
		}
		if (ch == '\\')
			break;
		if (ch < 0x20)
			return false;
		if (ch < 0x80) {
			p++;
			continue;
		}
		if (!(k = jio_utf8_decode(p, end, &cp)))
			return false;
		p += k;
	}
	strbuf_reset(&c->tmp);
	strbuf_add(&c->tmp, start, (size_t)(p - start));
	for (;;) {
		if (p >= end)
			return false;
		unsigned ch = *p;
		if (ch == '"')
			break;
		if (ch < 0x20)
			return false;
		if (ch >= 0x80) {
			if (!(k = jio_utf8_decode(p, end, &cp)))
				return false;
			strbuf_add(&c->tmp, p, k);
			p += k;
			continue;
		}
		if (ch != '\\') {
			strbuf_addch(&c->tmp, (char)ch);
			p++;
			continue;
		}
		if (++p >= end)
			return false;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *e = *p ? strchr(from, *p) : NULL;
		if (e) {
			strbuf_addch(&c->tmp, to[e - from]);
			p++;
			continue;
		}
		switch (*p) {
		case 'u': {
			unsigned u, lo;
			if (!jio_hex4(p + 1, end, &u) || u == 0)
				return false;
			p += 4;
			if (u >= 0xDC00 && u <= 0xDFFF)
				return false;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (end - p < 7 || p[1] != '\\' || p[2] != 'u' ||
				    !jio_hex4(p + 3, end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return false;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			fj_put_utf8(&c->tmp, u);
			break;
		}
		default:
			return false;
		}
		p++;
	}
	*s = c->tmp.buf;
	*n = c->tmp.len;
	c->p = (const char *)p + 1;
	return true;
}

static inline bool fj_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* jansson's grammar and conversions: strtoll for integers, strtod for reals. */
static json_t *fj_number(struct fj *c)
{
	const char *p = c->p, *end = c->end, *s = p;
	bool real = false;
	char buf[64];

	if (p < end && *p == '-')
		p++;
	if (!fj_digit(p, end))
		return NULL;
	if (*p == '0')
		p++;
	else
		while (fj_digit(p, end))
			p++;
	if (p < end && *p == '.') {
		real = true;
		if (!fj_digit(++p, end))
			return NULL;
		while (fj_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!fj_digit(p, end))
			return NULL;
		while (fj_digit(p, end))
			p++;
	}
	size_t n = (size_t)(p - s);
	if (n >= sizeof(buf))
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (!real) {
		long long v = strtoll(buf, NULL, 10);
		if (errno)
			return NULL;
		c->p = p;
		return json_integer(v);
	}
	double d = strtod(buf, NULL);
	if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE)
		return NULL;
	c->p = p;
	return json_real(d);
}

static json_t *fj_value(struct fj *c);

/* As fpm_open() and fpm_next() below: -1 not JSON, 0 closed, 1 more members. */
static int fj_open(struct fj *c, char close)
{
	if (++c->depth > JIO_MAX_DEPTH)
		return -1;
	c->p = fj_ws(c->p + 1, c->end);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	return 1;
}

static int fj_next(struct fj *c, char close)
{
	c->p = fj_ws(c->p, c->end);
	if (c->p < c->end && *c->p == ',') {
		c->p = fj_ws(c->p + 1, c->end);
		return 1;
	}
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	return -1;
}

static json_t *fj_object(struct fj *c)
{
	json_t *o = json_object();
	int more = fj_open(c, '}');

	while (more > 0) {
		const char *k;
		size_t kn;
		char *own = NULL;
		if (c->p >= c->end || *c->p != '"' || !fj_string(c, &k, &kn))
			break;
		if (k == c->tmp.buf) /* escaped: the value's strings reuse tmp */
			k = own = xstrndup(k, kn);
		c->p = fj_ws(c->p, c->end);
		json_t *v = NULL;
		if (c->p < c->end && *c->p == ':') {
			c->p = fj_ws(c->p + 1, c->end);
			v = fj_value(c);
		}
		size_t before = json_object_size(o);
		if (v)
			json_object_setn_new_nocheck(o, k, kn, v);
		free(own);
		if (json_object_size(o) == before)
			break; /* not JSON, or a duplicate key */
		more = fj_next(c, '}');
	}
	if (more == 0)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *fj_array(struct fj *c)
{
	json_t *a = json_array();
	int more = fj_open(c, ']');

	while (more > 0) {
		json_t *v = fj_value(c);
		if (!v)
			break;
		json_array_append_new(a, v);
		more = fj_next(c, ']');
	}
	if (more == 0)
		return a;
	json_decref(a);
	return NULL;
}

static json_t *fj_value(struct fj *c)
{
	const char *p = c->p;
	size_t left = (size_t)(c->end - p);

	if (!left)
		return NULL;
	switch (*p) {
	case '{':
		return fj_object(c);
	case '[':
		return fj_array(c);
	case '"': {
		const char *s;
		size_t n;
		if (!fj_string(c, &s, &n))
			return NULL;
		return json_stringn_nocheck(s, n);
	}
	case 't':
		if (left < 4 || memcmp(p, "true", 4))
			return NULL;
		c->p += 4;
		return json_true();
	case 'f':
		if (left < 5 || memcmp(p, "false", 5))
			return NULL;
		c->p += 5;
		return json_false();
	case 'n':
		if (left < 4 || memcmp(p, "null", 4))
			return NULL;
		c->p += 4;
		return json_null();
	default:
		return fj_number(c);
	}
}

const char *jio_scan_scalar(const char *p, const char *end)
{
	struct fj f = {p, end, 0, STRBUF_INIT};
	json_t *v = fj_value(&f);
	if (!v)
		return NULL;
	json_decref(v);
	return f.p;
}

/* The document (an object or an array, as jansson requires), or NULL. */
static json_t *fj_parse(const char *text, size_t len)
{
	struct fj c = {text, text + len, 0, STRBUF_INIT};
	json_t *v = NULL;
	const char *p = fj_ws(text, c.end);

	if (p < c.end && (*p == '{' || *p == '[')) {
		c.p = p;
		v = fj_value(&c);
		if (v && fj_ws(c.p, c.end) != c.end) {
			json_decref(v);
			v = NULL;
		}
	}
	strbuf_release(&c.tmp);
	return v;
}

json_t *jio_load_json(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	size_t skip = jio_bom_len(text, len);
	json_t *v = fj_parse(text + skip, len - skip);
	return v ? v : jio_load_json_jansson(file, text, len, dl);
}

void jio_diag_too_deep(struct diag_list *dl, const char *file, int line, int col)
{
	struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				  "document nests deeper than %d levels", JIO_MAX_DEPTH);
	diag_set_hint(d, "no template needs that depth: look for brackets that never close, or "
			 "flatten what a generator nested");
}

/*
 * The first '{' or '[' nested past JIO_MAX_DEPTH in JSON text, or NULL; its
 * line and column (1-based, counted in characters as jansson and libyaml
 * count them). Strings are skipped; the text need not be valid.
 */
static const char *json_too_deep_at(const char *text, size_t len, int *line, int *col)
{
	int depth = 0, l = 1, c = 1;
	bool in_string = false;
	for (const char *p = text, *end = text + len; p < end; p++) {
		if (in_string) {
			if (*p == '\\' && p + 1 < end) {
				p++;
				c++;
			} else if (*p == '"') {
				in_string = false;
			}
		} else if (*p == '"') {
			in_string = true;
		} else if (*p == '{' || *p == '[') {
			if (++depth > JIO_MAX_DEPTH) {
				*line = l;
				*col = c;
				return p;
			}
		} else if (*p == '}' || *p == ']') {
			depth--;
		}
		if (*p == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			c++;
		}
	}
	return NULL;
}

json_t *jio_load_json_jansson(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	size_t skip = jio_bom_len(text, len);
	text += skip;
	len -= skip;
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	int line, col;
	const char *deep = json_too_deep_at(text, len, &line, &col);

	/*
	 * Too deep before jansson's first complaint (its own limit is 2048, with
	 * another message): the one message of both readers, with the position.
	 */
	if (deep && (v || (size_t)(deep - text) <= (size_t)err.position)) {
		jio_diag_too_deep(dl, file, line, col);
		json_decref(v);
		return NULL;
	}
	if (!v) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, err.line > 0 ? err.line : 0,
					  err.column > 0 ? err.column : 0, NULL, "invalid JSON: %s",
					  err.text);
		if (strstr(err.text, "UTF-8") || strstr(err.text, "decode byte"))
			diag_set_hint(d, "save the file as UTF-8");
		else if (strstr(err.text, "duplicate"))
			diag_set_hint(d, "remove one of the two keys");
		else if (strstr(err.text, "'}'") || strstr(err.text, "']'"))
			diag_set_hint(d, "look for a trailing comma or a missing bracket");
		return NULL;
	}
	return v;
}

json_t *jio_load_auto(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	size_t i = 0;
	if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		i = 3; /* UTF-8 byte-order mark */
	for (; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
			break;
	if (i < len && (text[i] == '{' || text[i] == '['))
		return jio_load_json(file, text, len, dl);
	return jio_load_yaml(file, text, len, dl);
}

json_t *jio_load_file(const char *path, struct diag_list *dl)
{
	size_t len;
	char *text = fs_read_file(path, &len, dl);
	if (!text)
		return NULL;
	json_t *v = jio_load_auto(path, text, len, dl);
	free(text);
	return v;
}
