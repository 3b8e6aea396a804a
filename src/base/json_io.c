#include "base/json_io.h"

#include <errno.h>
#include <math.h>
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
		json_object_foreach((json_t *)v, k, c)
		{
			int d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *c;
		json_array_foreach(v, i, c)
		{
			int d = depth_of(c, limit - 1);
			if (d > max)
				max = d;
		}
		return max + 1;
	}
	return 0;
}

json_t *jio_load_json(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (!v) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, err.line > 0 ? err.line : 0,
					  err.column > 0 ? err.column : 0, NULL,
					  "invalid JSON: %s", err.text);
		if (strstr(err.text, "UTF-8") || strstr(err.text, "decode byte"))
			diag_set_hint(d, "save the file as UTF-8");
		else if (strstr(err.text, "duplicate"))
			diag_set_hint(d, "remove one of the two keys");
		else if (strstr(err.text, "'}'") || strstr(err.text, "']'"))
			diag_set_hint(d, "look for a trailing comma or a missing bracket");
		return NULL;
	}
	if (depth_of(v, JIO_MAX_DEPTH + 1) > JIO_MAX_DEPTH) {
		diag_add(dl, DIAG_ERROR, file, 0, 0, NULL,
			 "document nests deeper than %d levels", JIO_MAX_DEPTH);
		json_decref(v);
		return NULL;
	}
	return v;
}

/* ---- YAML loading ---- */

struct yframe {
	json_t *container;
	char *pending_key; /* mapping: key read, value not yet */
	char *tag;         /* CloudFormation short-form tag of this collection */
};

static const char *cfn_tag_function(const char *tag)
{
	static const char *const map[][2] = {
		{ "!Ref", "Ref" },
		{ "!GetAtt", "Fn::GetAtt" },
		{ "!Sub", "Fn::Sub" },
		{ "!Join", "Fn::Join" },
		{ "!Select", "Fn::Select" },
		{ "!Split", "Fn::Split" },
		{ "!GetAZs", "Fn::GetAZs" },
		{ "!Cidr", "Fn::Cidr" },
		{ "!ImportValue", "Fn::ImportValue" },
		{ "!If", "Fn::If" },
		{ "!Equals", "Fn::Equals" },
		{ "!And", "Fn::And" },
		{ "!Or", "Fn::Or" },
		{ "!Not", "Fn::Not" },
		{ "!Base64", "Fn::Base64" },
		{ "!FindInMap", "Fn::FindInMap" },
		{ "!Transform", "Fn::Transform" },
		{ "!Condition", "Condition" },
		{ "!Length", "Fn::Length" },
		{ "!ToJsonString", "Fn::ToJsonString" },
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
		case YAML_DOCUMENT_END_EVENT:
			done = true;
			break;
		case YAML_ALIAS_EVENT:
			diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				 "YAML aliases are not supported");
			failed = true;
			break;
		case YAML_SCALAR_EVENT: {
			const char *s = (const char *)ev.data.scalar.value;
			const char *tag = (const char *)ev.data.scalar.tag;
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
	strbuf_grow(sb, n);
	return sb->buf + sb->len;
}

static inline void commit(struct strbuf *sb, char *end)
{
	sb->len = (size_t)(end - sb->buf);
	sb->buf[sb->len] = '\0';
}

static void dump_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	/* worst case: every byte becomes \u00XX */
	char *o = reserve(sb, 6 * n + 2);

	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
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
	commit(sb, o);
}

static void dump_indent(struct strbuf *sb, int depth)
{
	char *o = reserve(sb, (size_t)depth + 1);
	*o++ = '\n';
	memset(o, ' ', (size_t)depth);
	commit(sb, o + depth);
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
	char buf[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *c;
		bool first = true;
		if (!json_object_size(v)) {
			strbuf_add(sb, "{}", 2);
			return;
		}
		strbuf_addch(sb, '{');
		json_object_foreach((json_t *)v, k, c)
		{
			if (!first)
				strbuf_addch(sb, ',');
			first = false;
			dump_indent(sb, depth + 1);
			dump_string(sb, k, strlen(k));
			strbuf_add(sb, ": ", 2);
			dump_value(sb, c, depth + 1);
		}
		dump_indent(sb, depth);
		strbuf_addch(sb, '}');
		return;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (!n) {
			strbuf_add(sb, "[]", 2);
			return;
		}
		strbuf_addch(sb, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			dump_indent(sb, depth + 1);
			dump_value(sb, json_array_get(v, i), depth + 1);
		}
		dump_indent(sb, depth);
		strbuf_addch(sb, ']');
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
	strbuf_addch(&sb, '\n');
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
	static const char *const words[] = { "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
					     "NO", "on", "On", "ON", "off", "Off", "OFF" };
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
		json_object_foreach((json_t *)v, k, c)
		{
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
						     json_array_size(v)
							     ? YAML_BLOCK_SEQUENCE_STYLE
							     : YAML_FLOW_SEQUENCE_STYLE);
		if (!yaml_emitter_emit(em, &ev))
			return 0;
		json_array_foreach(v, i, c)
		{
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
	char *path;
	int line, col;
};

struct jio_posmap {
	struct jio_pos *items;
	size_t nr, alloc;
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
	pm->items[pm->nr].path = xstrdup(path);
	pm->items[pm->nr].line = line;
	pm->items[pm->nr].col = col;
	pm->nr++;
}

struct jio_posmap *jio_posmap_build(const char *text, size_t len)
{
	struct jio_posmap *pm = xcalloc(1, sizeof(*pm));
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
	return pm;
}

bool jio_posmap_lookup(const struct jio_posmap *pm, const char *path, int *line, int *col)
{
	if (!pm)
		return false;
	for (size_t i = 0; i < pm->nr; i++) {
		if (!strcmp(pm->items[i].path, path)) {
			*line = pm->items[i].line;
			*col = pm->items[i].col;
			return true;
		}
	}
	return false;
}

void jio_posmap_free(struct jio_posmap *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->nr; i++)
		free(pm->items[i].path);
	free(pm->items);
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
