/* Position maps: where each value of a JSON or YAML document starts, by path. */
#include "base/json_io.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/json_io_int.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

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
				if (!jio_hex4(p + 1, end, &u) || (u >= 0xD800 && u <= 0xDFFF))
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
		if (!(k = jio_utf8_decode(p, end, &cp)) || cp < 0xA0 || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
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
		const char *after = jio_scan_scalar(c->p, c->end);
		if (!after)
			return false;
		c->p = after;
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
	size_t skip = jio_bom_len(text, len);
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
