/* JSON writing: deterministic, the bytes of jansson's JSON_INDENT(1), faster. */
#include "base/json_io.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"

/*
 * Our own JSON writer: the same bytes as jansson's JSON_INDENT(1) output,
 * several times faster (no per-character callback, no printf), which
 * matters for synth's millisecond budget. Strings are valid UTF-8 (jansson
 * checks on creation), so only '"', '\\' and control characters need escaping.
 * Each writer reserves room first, then stores bytes directly.
 */
static inline char *reserve(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->alloc)
		strbuf_grow(sb, n);
	return sb->buf + sb->len;
}

static inline void commit(struct strbuf *sb, char *end)
{
	sb->len = (size_t)(end - sb->buf);
}

/*
 * Eight bytes at a time (SWAR): nonzero when one of the bytes of x needs an
 * escape ('"', '\\', below 0x20). The any-byte test is exact; which byte
 * it is, the byte loop finds out.
 */
static inline uint64_t needs_escape8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	/* '"' and '\\' are below 0x80: q and b have x's high bits, so ~x masks all three */
	return ((x - ones * 0x20) | (q - ones) | (b - ones)) & ~x & high;
}

/* The end of the run of 8-byte blocks from s[i] that need no escape. */
static inline size_t plain_run(const char *s, size_t i, size_t n)
{
	while (i + 8 <= n) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		if (needs_escape8(x))
			break;
		i += 8;
	}
	return i;
}

/* Writes the escaped string at `o` (room for 6 * n + 2 reserved). */
static char *put_string(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;

	*o++ = '"';
	for (;;) {
		/* runs of plain bytes, eight at a time */
		size_t j = plain_run(s, i, n);
		memcpy(o, s + i, j - i);
		o += j - i;
		i = j;
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*o++ = (char)c;
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\t':
			*o++ = 't';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\b':
			*o++ = 'b';
			break;
		case '\f':
			*o++ = 'f';
			break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o++ = '"';
	return o;
}

static inline char *put_indent(char *o, int depth)
{
	*o++ = '\n';
	memset(o, ' ', (size_t)depth);
	return o + depth;
}

static void dump_string(struct strbuf *sb, const char *s, size_t n)
{
	/* worst case: every byte becomes \u00XX */
	commit(sb, put_string(reserve(sb, 6 * n + 2), s, n));
}

static void dump_integer(struct strbuf *sb, json_int_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void dump_value(struct strbuf *sb, const json_t *v, int depth)
{
	char buf[64], *o;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)v);
		if (!it) {
			strbuf_add(sb, "{}", 2);
			return;
		}
		for (char open = '{'; it; open = ',') {
			const char *k = json_object_iter_key(it);
			size_t kn = json_object_iter_key_len(it);
			/* the separator, the indent, the key, ": " in one reservation */
			o = reserve(sb, (size_t)depth + 6 * kn + 8);
			*o++ = open;
			o = put_indent(o, depth + 1);
			o = put_string(o, k, kn);
			*o++ = ':';
			*o++ = ' ';
			commit(sb, o);
			dump_value(sb, json_object_iter_value(it), depth + 1);
			it = json_object_iter_next((json_t *)v, it);
		}
		o = reserve(sb, (size_t)depth + 2);
		o = put_indent(o, depth);
		*o++ = '}';
		commit(sb, o);
		return;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (!n) {
			strbuf_add(sb, "[]", 2);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			o = reserve(sb, (size_t)depth + 3);
			*o++ = i ? ',' : '[';
			commit(sb, put_indent(o, depth + 1));
			dump_value(sb, json_array_get(v, i), depth + 1);
		}
		o = reserve(sb, (size_t)depth + 2);
		o = put_indent(o, depth);
		*o++ = ']';
		commit(sb, o);
		return;
	}
	case JSON_STRING:
		dump_string(sb, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		dump_integer(sb, json_integer_value(v));
		return;
	case JSON_REAL: {
		double d = json_real_value(v);
		snprintf(buf, sizeof(buf), "%.17g", d);
		strbuf_addstr(sb, buf);
		if (!strpbrk(buf, ".eE"))
			strbuf_add(sb, ".0", 2);
		return;
	}
	case JSON_TRUE:
		strbuf_add(sb, "true", 4);
		return;
	case JSON_FALSE:
		strbuf_add(sb, "false", 5);
		return;
	default:
		strbuf_add(sb, "null", 4);
		return;
	}
}

/* The bytes put_string adds to a byte by escaping it: \" \\ \n \t \r \b \f one, \u00XX five. */
static const unsigned char escape_extra[256] = {
	5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, /* \b \t \n, \f \r */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, ['"'] = 1, ['\\'] = 1,
};

static inline uint64_t load8(const char *s)
{
	uint64_t x;
	memcpy(&x, s, 8);
	return x;
}

/*
 * Whether s[0..n) holds a byte to escape, in whole words: blocks of eight,
 * the last one overlapping the one before; under eight bytes, two
 * overlapping halves, or the bytes themselves in a word of 'a's. Every byte
 * tested is the string's.
 */
static bool has_escape(const char *s, size_t n)
{
	uint64_t x;
	if (n >= 8) {
		size_t i = plain_run(s, 0, n);
		return i < n && needs_escape8(load8(s + (i + 8 <= n ? i : n - 8)));
	}
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		x = (uint64_t)a | (uint64_t)b << 32;
	} else if (n) {
		x = 0x6161616161000000ULL | (uint64_t)(unsigned char)s[0] |
		    (uint64_t)(unsigned char)s[n / 2] << 8 |
		    (uint64_t)(unsigned char)s[n - 1] << 16;
	} else {
		return false;
	}
	return needs_escape8(x) != 0;
}

/* The bytes put_string writes for s[0..n), quotes included. */
static size_t string_size(const char *s, size_t n)
{
	size_t out = n + 2, i = 0;
	/* most strings have nothing to escape: their size is their length */
	if (!has_escape(s, n))
		return out;
	for (;;) {
		i = plain_run(s, i, n);
		/* the block with an escape, or the last bytes (most strings are short):
		 * a table, not a test per kind of byte */
		size_t end = n - i > 8 ? i + 8 : n;
		for (; i < end; i++)
			out += escape_extra[(unsigned char)s[i]];
		if (i >= n)
			return out;
	}
}

/*
 * Bytes of `v` written at `depth` with one-space indent, or compact (depth
 * < 0: no newline, indent or space after ':', as jansson's JSON_COMPACT
 * writes it, whose escapes and number forms are the ones below).
 */
static size_t value_size(const json_t *v, int depth)
{
	char buf[64];
	size_t n = 0;
	/* per member: newline and indent, and ": " for ':' */
	size_t pad = depth < 0 ? 0 : 1 + (size_t)depth + 1, colon = depth < 0 ? 1 : 2;
	int inner = depth < 0 ? depth : depth + 1;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)v);
		if (!it)
			return 2;
		for (; it; it = json_object_iter_next((json_t *)v, it))
			/* separator, newline and indent, key, ": ", value */
			n += 1 + pad +
			     string_size(json_object_iter_key(it), json_object_iter_key_len(it)) +
			     colon + value_size(json_object_iter_value(it), inner);
		return n + (depth < 0 ? 0 : 1 + (size_t)depth) + 1;
	}
	case JSON_ARRAY: {
		size_t nr = json_array_size(v);
		if (!nr)
			return 2;
		for (size_t i = 0; i < nr; i++)
			n += 1 + pad + value_size(json_array_get(v, i), inner);
		return n + (depth < 0 ? 0 : 1 + (size_t)depth) + 1;
	}
	case JSON_STRING:
		return string_size(json_string_value(v), json_string_length(v));
	case JSON_INTEGER: {
		json_int_t x = json_integer_value(v);
		unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
		n = x < 0;
		do {
			n++;
			u /= 10;
		} while (u);
		return n;
	}
	case JSON_REAL: {
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		n = strlen(buf) + (strpbrk(buf, ".eE") ? 0 : 2);
		const char *e = strchr(buf, 'e');
		if (depth < 0 && e) {
			/* jansson drops the exponent's '+' and leading zeros (1e+300 -> 1e300) */
			e += e[1] == '-' ? 2 : 1;
			for (; *e == '+' || (*e == '0' && e[1]); e++)
				n--;
		}
		return n;
	}
	case JSON_TRUE:
		return 4;
	case JSON_FALSE:
		return 5;
	default:
		return 4;
	}
}

size_t jio_json_size(const json_t *v)
{
	return value_size(v, 0) + 1; /* and the trailing newline */
}

size_t jio_json_compact_size(const json_t *v)
{
	return value_size(v, -1);
}

char *jio_dump_json(const json_t *v, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_grow(&sb, 1 << 16);
	dump_value(&sb, v, 0);
	strbuf_addch(&sb, '\n'); /* and the NUL commit() leaves out */
	return strbuf_detach(&sb, len);
}

bool jio_equal_dump(const json_t *a, const json_t *b)
{
	char *x = jio_dump_json(a, NULL), *y = jio_dump_json(b, NULL);
	bool eq = !strcmp(x, y);
	free(x);
	free(y);
	return eq;
}

/* Length of the valid UTF-8 sequence at `p` (RFC 3629), 0 when there is none. */
static size_t utf8_seq(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	size_t n = p[0] >= 0xC2 && p[0] <= 0xDF	  ? 2
		   : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
		   : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
						  : 0;
	unsigned char lo = p[0] == 0xE0 ? 0xA0 : p[0] == 0xF0 ? 0x90 : 0x80;
	unsigned char hi = p[0] == 0xED ? 0x9F : p[0] == 0xF4 ? 0x8F : 0xBF;
	if (n && (p[1] < lo || p[1] > hi))
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

json_t *jio_string_escaped(const char *s, bool uri)
{
	struct strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (n) {
			strbuf_add(&sb, p, n);
			p += n;
		} else {
			strbuf_addf(&sb, uri ? "%%%02X" : "\\x%02X", *p++);
		}
	}
	json_t *v = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return v;
}
