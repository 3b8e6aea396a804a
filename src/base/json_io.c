#include "base/json_io.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/fsutil.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static int depth_of(const json_t *v, int limit)
{
	int max = 0;
	if (limit < 0)
		return 1;
	if (json_is_object(v)) {
		const char *k;
		json_t *c;
		json_object_foreach ((json_t *)v, k, c) {
			int d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *c;
		json_array_foreach (v, i, c) {
			int d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

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

/*
 * Length of the UTF-8 sequence at `p` (lead byte >= 0x80) and its code
 * point, or 0 when jansson would refuse it: overlong forms, surrogates,
 * beyond U+10FFFF, truncated.
 */
static size_t fj_utf8(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	unsigned c = p[0], v;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static bool fj_hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | d;
	}
	*out = v;
	return true;
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
		if (!(k = fj_utf8(p, end, &cp)))
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
			if (!(k = fj_utf8(p, end, &cp)))
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
			if (!fj_hex4(p + 1, end, &u) || u == 0)
				return false;
			p += 4;
			if (u >= 0xDC00 && u <= 0xDFFF)
				return false;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (end - p < 7 || p[1] != '\\' || p[2] != 'u' ||
				    !fj_hex4(p + 3, end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
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

/* CloudFormation reads a template that starts with a UTF-8 byte-order mark. */
static size_t bom_len(const char *text, size_t len)
{
	return len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

json_t *jio_load_json(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	size_t skip = bom_len(text, len);
	json_t *v = fj_parse(text + skip, len - skip);
	return v ? v : jio_load_json_jansson(file, text, len, dl);
}

json_t *jio_load_json_jansson(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	size_t skip = bom_len(text, len);
	text += skip;
	len -= skip;
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

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
	if (depth_of(v, JIO_MAX_DEPTH + 1) > JIO_MAX_DEPTH) {
		diag_add(dl, DIAG_ERROR, file, 0, 0, NULL, "document nests deeper than %d levels",
			 JIO_MAX_DEPTH);
		json_decref(v);
		return NULL;
	}
	return v;
}

/* ---- YAML loading ---- */

struct yframe {
	json_t *container;
	char *pending_key; /* mapping: key read, value not yet */
	char *tag;	   /* CloudFormation short-form tag of this collection */
};

static const char *cfn_tag_function(const char *tag)
{
	static const char *const map[][2] = {
		{"!Ref", "Ref"},
		{"!GetAtt", "Fn::GetAtt"},
		{"!Sub", "Fn::Sub"},
		{"!Join", "Fn::Join"},
		{"!Select", "Fn::Select"},
		{"!Split", "Fn::Split"},
		{"!GetAZs", "Fn::GetAZs"},
		{"!Cidr", "Fn::Cidr"},
		{"!ImportValue", "Fn::ImportValue"},
		{"!If", "Fn::If"},
		{"!Equals", "Fn::Equals"},
		{"!And", "Fn::And"},
		{"!Or", "Fn::Or"},
		{"!Not", "Fn::Not"},
		{"!Base64", "Fn::Base64"},
		{"!FindInMap", "Fn::FindInMap"},
		{"!Transform", "Fn::Transform"},
		{"!Condition", "Condition"},
		{"!Length", "Fn::Length"},
		{"!ToJsonString", "Fn::ToJsonString"},
		/* the functions of the Rules section */
		{"!Contains", "Fn::Contains"},
		{"!EachMemberEquals", "Fn::EachMemberEquals"},
		{"!EachMemberIn", "Fn::EachMemberIn"},
		{"!RefAll", "Fn::RefAll"},
		{"!ValueOf", "Fn::ValueOf"},
		{"!ValueOfAll", "Fn::ValueOfAll"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(tag, map[i][0]))
			return map[i][1];
	return NULL;
}

static bool is_int_literal(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return false;
	/* Leading zeros would lose information ("007"): keep them as strings. */
	if (p[0] == '0' && p[1])
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static bool is_float_literal(const char *s)
{
	char *end;
	if (!*s || strchr(s, 'x') || strchr(s, 'X') || strstr(s, "inf") || strstr(s, "nan") ||
	    strstr(s, "Inf") || strstr(s, "NaN"))
		return false;
	if (!strchr(s, '.') && !strchr(s, 'e') && !strchr(s, 'E'))
		return false;
	errno = 0;
	double d = strtod(s, &end);
	(void)d;
	return *end == '\0' && errno == 0 && (s[0] != '.' || s[1] != '\0');
}

/* YAML 1.1 core resolution of a plain scalar, as CloudFormation reads it. */
static json_t *resolve_plain(const char *s)
{
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (is_int_literal(s)) {
		errno = 0;
		long long n = strtoll(s, NULL, 10);
		if (errno == 0)
			return json_integer(n);
		return json_string(s);
	}
	if (is_float_literal(s)) {
		double d = strtod(s, NULL);
		if (isfinite(d))
			return json_real(d);
	}
	return json_string(s);
}

static json_t *wrap_tag(const char *tag, json_t *v, const char *file, int line, int col,
			struct diag_list *dl)
{
	const char *fn;
	if (!tag || !strcmp(tag, "!") || !strncmp(tag, "tag:yaml.org,2002:", 18))
		return v;
	fn = cfn_tag_function(tag);
	if (!fn) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					  "unknown YAML tag '%s'", tag);
		diag_set_hint(d, "CloudFormation knows !Ref, !GetAtt, !Sub, !Join, !If, ...");
		json_decref(v);
		return NULL;
	}
	/* !GetAtt Res.Attr is short for ["Res", "Attr"]. */
	if (!strcmp(fn, "Fn::GetAtt") && json_is_string(v)) {
		const char *s = json_string_value(v);
		const char *dot = strchr(s, '.');
		if (dot) {
			json_t *arr = json_pack("[s#s]", s, (int)(dot - s), dot + 1);
			json_decref(v);
			v = arr;
		}
	}
	return json_pack("{so}", fn, v);
}

static int attach(struct yframe *top, json_t *v, const char *file, int line, int col,
		  struct diag_list *dl)
{
	if (json_is_array(top->container)) {
		json_array_append_new(top->container, v);
		return 0;
	}
	if (!top->pending_key) {
		if (!json_is_string(v)) {
			diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				 "mapping keys must be strings");
			json_decref(v);
			return -1;
		}
		top->pending_key = xstrdup(json_string_value(v));
		json_decref(v);
		return 0;
	}
	if (json_object_get(top->container, top->pending_key)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					  "duplicate key '%s'", top->pending_key);
		diag_set_hint(d, "remove one of the two keys");
		json_decref(v);
		return -1;
	}
	json_object_set_new(top->container, top->pending_key, v);
	free(top->pending_key);
	top->pending_key = NULL;
	return 0;
}

json_t *jio_load_yaml(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct yframe stack[JIO_MAX_DEPTH + 1];
	int sp = 0;
	json_t *root = NULL;
	bool done = false, failed = false;

	memset(stack, 0, sizeof(stack));
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			diag_add(dl, DIAG_ERROR, file, (int)parser.problem_mark.line + 1,
				 (int)parser.problem_mark.column + 1, NULL, "invalid YAML: %s%s%s",
				 parser.problem ? parser.problem : "syntax error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
			failed = true;
			break;
		}
		int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
		json_t *v = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			/* CloudFormation takes one document: a second is refused, not dropped */
			if (root) {
				diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					 "a second YAML document: a template is one document");
				failed = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				 "YAML aliases are not supported");
			failed = true;
			break;
		case YAML_SCALAR_EVENT: {
			const char *s = (const char *)ev.data.scalar.value;
			const char *tag = (const char *)ev.data.scalar.tag;
			if (memchr(s, '\0', ev.data.scalar.length)) {
				/* a C string would end there: refuse it rather than truncate */
				struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
							  "a NUL character (\\0) inside a string");
				diag_set_hint(d,
					      "remove it: CloudFormation does not take it either");
				failed = true;
				break;
			}
			if (ev.data.scalar.plain_implicit && !tag)
				v = resolve_plain(s);
			else
				v = json_stringn(s, ev.data.scalar.length);
			if (!v) {
				diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					 "string is not valid UTF-8");
				failed = true;
				break;
			}
			v = wrap_tag(tag, v, file, line, col, dl);
			if (!v) {
				failed = true;
				break;
			}
			if (sp == 0) {
				root = v;
			} else if (attach(&stack[sp - 1], v, file, line, col, dl) < 0) {
				failed = true;
			}
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (sp >= JIO_MAX_DEPTH) {
				diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					 "document nests deeper than %d levels", JIO_MAX_DEPTH);
				failed = true;
				break;
			}
			stack[sp].container =
				ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
			stack[sp].pending_key = NULL;
			{
				const char *tag = ev.type == YAML_SEQUENCE_START_EVENT
							  ? (const char *)ev.data.sequence_start.tag
							  : (const char *)ev.data.mapping_start.tag;
				stack[sp].tag = tag ? xstrdup(tag) : NULL;
			}
			sp++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct yframe f = stack[--sp];
			v = wrap_tag(f.tag, f.container, file, line, col, dl);
			free(f.tag);
			free(f.pending_key);
			if (!v) {
				failed = true;
				break;
			}
			if (sp == 0)
				root = v;
			else if (attach(&stack[sp - 1], v, file, line, col, dl) < 0)
				failed = true;
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (sp > 0) {
		sp--;
		json_decref(stack[sp].container);
		free(stack[sp].tag);
		free(stack[sp].pending_key);
	}
	yaml_parser_delete(&parser);
	if (failed) {
		json_decref(root);
		return NULL;
	}
	if (!root) {
		diag_add(dl, DIAG_ERROR, file, 1, 1, NULL, "document is empty");
		return NULL;
	}
	return root;
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

/* ---- dumping ---- */

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

/* Writes the escaped string at `o` (room for 6 * n + 2 reserved). */
static char *put_string(char *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;

	*o++ = '"';
	for (;;) {
		/* runs of plain bytes, eight at a time */
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (needs_escape8(x))
				break;
			memcpy(o, s + i, 8);
			o += 8;
			i += 8;
		}
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

char *jio_dump_json(const json_t *v, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_grow(&sb, 1 << 16);
	dump_value(&sb, v, 0);
	strbuf_addch(&sb, '\n'); /* and the NUL commit() leaves out */
	return strbuf_detach(&sb, len);
}

static int yaml_write_sb(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

static bool needs_quotes(const char *s)
{
	json_t *r;
	bool q;
	if (!*s)
		return true;
	r = resolve_plain(s);
	q = !json_is_string(r);
	json_decref(r);
	/*
	 * YAML 1.1 readers (PyYAML, and so cfn-lint) also resolve dates
	 * (2010-09-09), octal (0755), sexagesimal (1:30) and .inf/.nan: quote
	 * every string that starts like a number rather than list them all.
	 */
	if (strchr("0123456789+-.", s[0]))
		q = true;
	/* YAML 1.1 also reads these as booleans; CloudFormation follows it. */
	static const char *const words[] = {"y",  "Y",	"yes", "Yes", "YES", "n",   "N",   "no",
					    "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			q = true;
	return q;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t n, bool quote)
{
	yaml_event_t ev;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, !quote, 1,
				     quote ? YAML_SINGLE_QUOTED_SCALAR_STYLE
					   : YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(em, &ev);
}

static int emit_value(yaml_emitter_t *em, const json_t *v)
{
	yaml_event_t ev;
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *c;
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_object_foreach ((json_t *)v, k, c) {
			if (!emit_scalar(em, k, strlen(k), needs_quotes(k)) || !emit_value(em, c))
				return 0;
		}
		yaml_mapping_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *c;
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     json_array_size(v) ? YAML_BLOCK_SEQUENCE_STYLE
									: YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach (v, i, c) {
			if (!emit_value(em, c))
				return 0;
		}
		yaml_sequence_end_event_initialize(&ev);
		return yaml_emitter_emit(em, &ev);
	}
	case JSON_STRING: {
		const char *s = json_string_value(v);
		return emit_scalar(em, s, json_string_length(v), needs_quotes(s));
	}
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_REAL:
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		if (!strpbrk(buf, ".eE"))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".0");
		return emit_scalar(em, buf, strlen(buf), false);
	case JSON_TRUE:
		return emit_scalar(em, "true", 4, false);
	case JSON_FALSE:
		return emit_scalar(em, "false", 5, false);
	default:
		return emit_scalar(em, "null", 4, false);
	}
}

char *jio_dump_yaml(const json_t *v, size_t *len)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	struct strbuf sb = STRBUF_INIT;

	yaml_emitter_initialize(&em);
	yaml_emitter_set_output(&em, yaml_write_sb, &sb);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	int ok = 1;
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && emit_value(&em, v);
	yaml_document_end_event_initialize(&ev, 1);
	ok = ok && yaml_emitter_emit(&em, &ev);
	yaml_stream_end_event_initialize(&ev);
	ok = ok && yaml_emitter_emit(&em, &ev);
	ok = ok && yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	if (!ok) {
		/* only a bug of ours can get here (the events are built above) */
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, len);
}

/* ---- positions ---- */

struct jio_pos {
	size_t off; /* of the path in pool */
	int line, col;
};

struct jio_posmap {
	struct jio_pos *items;
	size_t nr, alloc;
	struct strbuf pool; /* the paths, each NUL-terminated */
	size_t *slots;	    /* hash index, built at the first lookup: item + 1, 0 free */
	size_t slot_nr;	    /* a power of two */
};

struct pframe {
	bool is_seq;
	size_t index;
	bool want_key;
	size_t path_len; /* length of the path of this collection */
};

static void pm_add(struct jio_posmap *pm, const char *path, int line, int col)
{
	ALLOC_GROW(pm->items, pm->nr + 1, pm->alloc);
	pm->items[pm->nr].off = pm->pool.len;
	strbuf_add(&pm->pool, path, strlen(path) + 1);
	pm->items[pm->nr].line = line;
	pm->items[pm->nr].col = col;
	pm->nr++;
}

static void posmap_build_yaml(struct jio_posmap *pm, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct pframe st[JIO_MAX_DEPTH + 1];
	int sp = 0;
	struct strbuf path = STRBUF_INIT;
	bool done = false;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
		bool is_value = ev.type == YAML_SCALAR_EVENT ||
				ev.type == YAML_SEQUENCE_START_EVENT ||
				ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_ALIAS_EVENT;
		if (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_DOCUMENT_END_EVENT)
			done = true;
		if (is_value) {
			struct pframe *top = sp ? &st[sp - 1] : NULL;
			if (top && !top->is_seq && top->want_key) {
				/* a key: extend the path, record where the key stands */
				strbuf_setlen(&path, top->path_len);
				if (path.len)
					strbuf_addch(&path, '.');
				if (ev.type == YAML_SCALAR_EVENT)
					strbuf_add(&path, ev.data.scalar.value,
						   ev.data.scalar.length);
				top->want_key = false;
				pm_add(pm, path.buf, line, col);
				yaml_event_delete(&ev);
				continue;
			}
			if (top && top->is_seq) {
				strbuf_setlen(&path, top->path_len);
				strbuf_addf(&path, "[%zu]", top->index++);
				pm_add(pm, path.buf, line, col);
			} else if (!top) {
				pm_add(pm, "", line, col);
			}
			if (top && !top->is_seq)
				top->want_key = true;
			if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT) {
				if (sp >= JIO_MAX_DEPTH) {
					yaml_event_delete(&ev);
					break;
				}
				st[sp].is_seq = ev.type == YAML_SEQUENCE_START_EVENT;
				st[sp].index = 0;
				st[sp].want_key = true;
				st[sp].path_len = path.len;
				sp++;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			if (sp > 0)
				sp--;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	strbuf_release(&path);
}

/*
 * The same map for a JSON text, without libyaml: a scan that records what
 * the event loop above records (every key where its quote stands, every
 * array element where it starts, the root), with libyaml's marks (lines
 * broken at \n, \r\n and \r; columns counted in characters). It declines
 * (false) wherever libyaml could see the text otherwise: tabs, control and
 * non-printable characters, YAML's extra line breaks (NEL, LS, PS) and BOM,
 * escapes in keys, keys libyaml would not take as simple keys (longer than
 * its 1024-character window, or with a line break before the ':'),
 * surrogate escapes, deeper nesting than JIO_MAX_DEPTH; and anything not JSON.
 */
struct fpm {
	const char *p, *end;
	int line;	  /* 0-based */
	const char *mark; /* a position on the current line ... */
	int mark_col;	  /* ... and its column, in characters */
	int depth;
	struct strbuf path;
	struct jio_posmap *pm;
};

static void fpm_ws(struct fpm *c)
{
	const char *p = c->p;
	while (p < c->end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\n' || *p == '\r') {
			if (*p == '\r' && p + 1 < c->end && p[1] == '\n')
				p++;
			p++;
			c->line++;
			c->mark = p;
			c->mark_col = 0;
			continue;
		}
		break;
	}
	c->p = p;
}

static void fpm_record(struct fpm *c)
{
	int col = c->mark_col;
	for (const char *q = c->mark; q < c->p; q++)
		col += ((unsigned char)*q & 0xC0) != 0x80;
	c->mark = c->p;
	c->mark_col = col;
	pm_add(c->pm, c->path.buf, c->line + 1, col + 1);
}

/* A quoted string libyaml reads the same way; a key is appended to the path. */
static bool fpm_string(struct fpm *c, bool key)
{
	const unsigned char *p = (const unsigned char *)c->p + 1;
	const unsigned char *end = (const unsigned char *)c->end, *start = p;
	unsigned cp, u;
	size_t k;

	for (;;) {
		if (p >= end)
			return false;
		unsigned ch = *p;
		if (ch == '"')
			break;
		if (ch < 0x20 || ch == 0x7F)
			return false;
		if (ch == '\\') {
			if (key || ++p >= end)
				return false;
			if (*p == 'u') {
				if (!fj_hex4(p + 1, end, &u) || (u >= 0xD800 && u <= 0xDFFF))
					return false;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p) || !*p) {
				return false;
			}
			p++;
			continue;
		}
		if (ch < 0x80) {
			p++;
			continue;
		}
		if (!(k = fj_utf8(p, end, &cp)) || cp < 0xA0 || cp == 0x2028 || cp == 0x2029 ||
		    cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
			return false;
		p += k;
	}
	if (key)
		strbuf_add(&c->path, start, (size_t)(p - start));
	c->p = (const char *)p + 1;
	return true;
}

static bool fpm_value(struct fpm *c);

/*
 * Entering a collection at its bracket: -1 too deep or not JSON, 0 empty
 * (already closed), 1 members follow.
 */
static int fpm_open(struct fpm *c, char close)
{
	if (++c->depth > JIO_MAX_DEPTH)
		return -1;
	c->p++;
	fpm_ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	return 1;
}

/* After a member: 1 another follows, 0 the collection closed, -1 not JSON. */
static int fpm_next(struct fpm *c, char close)
{
	fpm_ws(c);
	if (c->p < c->end && *c->p == ',') {
		c->p++;
		fpm_ws(c);
		return 1;
	}
	if (c->p < c->end && *c->p == close) {
		c->p++;
		c->depth--;
		return 0;
	}
	return -1;
}

static bool fpm_object(struct fpm *c)
{
	size_t base = c->path.len;
	int more = fpm_open(c, '}');
	while (more > 0) {
		if (c->p >= c->end || *c->p != '"')
			return false;
		const char *kstart = c->p;
		int kline = c->line;
		strbuf_setlen(&c->path, base);
		if (base)
			strbuf_addch(&c->path, '.');
		if (!fpm_string(c, true))
			return false;
		/* recorded where the key's quote stands */
		const char *after = c->p;
		c->p = kstart;
		fpm_record(c);
		c->p = after;
		fpm_ws(c);
		if (c->p >= c->end || *c->p != ':' || c->line != kline || c->p - kstart > 1000)
			return false;
		c->p++;
		fpm_ws(c);
		if (!fpm_value(c))
			return false;
		more = fpm_next(c, '}');
	}
	return more == 0;
}

static bool fpm_array(struct fpm *c)
{
	size_t base = c->path.len, index = 0;
	int more = fpm_open(c, ']');
	while (more > 0) {
		char num[24], *q = num + sizeof(num);
		size_t i = index++;
		*--q = ']';
		do {
			*--q = (char)('0' + i % 10);
			i /= 10;
		} while (i);
		*--q = '[';
		strbuf_setlen(&c->path, base);
		strbuf_add(&c->path, q, (size_t)(num + sizeof(num) - q));
		fpm_record(c);
		if (!fpm_value(c))
			return false;
		more = fpm_next(c, ']');
	}
	return more == 0;
}

static bool fpm_value(struct fpm *c)
{
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '{':
		return fpm_object(c);
	case '[':
		return fpm_array(c);
	case '"':
		return fpm_string(c, false);
	default: {
		/* a number or a literal: a plain scalar for libyaml, read as JSON */
		struct fj f = {c->p, c->end, 0, STRBUF_INIT};
		json_t *v = fj_value(&f);
		if (!v)
			return false;
		json_decref(v);
		c->p = f.p;
		return true;
	}
	}
}

static bool posmap_build_json(struct jio_posmap *pm, const char *text, size_t len)
{
	struct fpm c = {text, text + len, 0, text, 0, 0, STRBUF_INIT, pm};
	bool ok = false;

	fpm_ws(&c);
	if (c.p < c.end && (*c.p == '{' || *c.p == '[')) {
		strbuf_addstr(&c.path, "");
		fpm_record(&c);
		ok = fpm_value(&c);
		fpm_ws(&c);
		ok = ok && c.p == c.end;
	}
	strbuf_release(&c.path);
	return ok;
}

static void posmap_clear(struct jio_posmap *pm)
{
	free(pm->items);
	strbuf_release(&pm->pool);
	free(pm->slots);
	memset(pm, 0, sizeof(*pm));
}

struct jio_posmap *jio_posmap_build(const char *text, size_t len)
{
	struct jio_posmap *pm = xcalloc(1, sizeof(*pm));
	size_t skip = bom_len(text, len);
	text += skip;
	len -= skip;
	if (!posmap_build_json(pm, text, len)) {
		posmap_clear(pm);
		posmap_build_yaml(pm, text, len);
	}
	return pm;
}

struct jio_posmap *jio_posmap_build_yaml(const char *text, size_t len)
{
	struct jio_posmap *pm = xcalloc(1, sizeof(*pm));
	posmap_build_yaml(pm, text, len);
	return pm;
}

size_t jio_posmap_size(const struct jio_posmap *pm)
{
	return pm ? pm->nr : 0;
}

const char *jio_posmap_at(const struct jio_posmap *pm, size_t i, int *line, int *col)
{
	if (!pm || i >= pm->nr)
		return NULL;
	*line = pm->items[i].line;
	*col = pm->items[i].col;
	return pm->pool.buf + pm->items[i].off;
}

static size_t pm_hash(const char *s)
{
	size_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The first item of each path wins, as a scan in order would find it. */
static void pm_index(struct jio_posmap *pm)
{
	pm->slot_nr = 16;
	while (pm->slot_nr < pm->nr * 2)
		pm->slot_nr *= 2;
	pm->slots = xcalloc(pm->slot_nr, sizeof(*pm->slots));
	for (size_t i = 0; i < pm->nr; i++) {
		const char *path = pm->pool.buf + pm->items[i].off;
		size_t h = pm_hash(path) & (pm->slot_nr - 1);
		while (pm->slots[h] && strcmp(pm->pool.buf + pm->items[pm->slots[h] - 1].off, path))
			h = (h + 1) & (pm->slot_nr - 1);
		if (!pm->slots[h])
			pm->slots[h] = i + 1;
	}
}

bool jio_posmap_lookup(const struct jio_posmap *pm, const char *path, int *line, int *col)
{
	if (!pm)
		return false;
	if (!pm->slots)
		pm_index((struct jio_posmap *)pm); /* a cache: the map's content is unchanged */
	size_t h = pm_hash(path) & (pm->slot_nr - 1);
	for (; pm->slots[h]; h = (h + 1) & (pm->slot_nr - 1)) {
		const struct jio_pos *it = &pm->items[pm->slots[h] - 1];
		if (!strcmp(pm->pool.buf + it->off, path)) {
			*line = it->line;
			*col = it->col;
			return true;
		}
	}
	return false;
}

void jio_posmap_free(struct jio_posmap *pm)
{
	if (!pm)
		return;
	posmap_clear(pm);
	free(pm);
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
