/* Position maps: where each value of a JSON or YAML document starts, by path. */
#include "base/json_io.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/common.h"
#include "base/json_io_int.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct jio_pos {
	uint64_t fnv;
	size_t off;	 /* of the segment in pool */
	uint32_t parent; /* entry index + 1; 0 for the root */
	uint32_t seg_len;
	int line, col;
};

struct pm_slot {
	uint32_t item; /* entry + 1, 0 free */
	uint32_t tag;  /* high bits of the hash: most misses need no entry */
};

struct jio_posmap {
	struct jio_pos *items;
	size_t nr, alloc;
	struct strbuf pool;    /* the segments, back to back */
	struct strbuf scratch; /* jio_posmap_at's whole path */
	struct pm_slot *slots; /* hash index, built at the first lookup */
	size_t slot_nr;	       /* a power of two */
};

struct pframe {
	bool is_seq;
	size_t index;
	bool want_key;
	size_t path_len; /* length of the path of this collection */
	size_t item;	 /* its posmap entry + 1 */
};

#define PM_FNV_BASIS 14695981039346656037ULL

static uint64_t pm_fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/*
 * Record segment `seg` (of `len` bytes) below entry `parent` (an index + 1,
 * 0 for the root); returns the new entry's index + 1, the parent of what
 * lies below it.
 */
static size_t pm_add(struct jio_posmap *pm, size_t parent, const char *seg, size_t len, int line,
		     int col)
{
	ALLOC_GROW(pm->items, pm->nr + 1, pm->alloc);
	struct jio_pos *it = &pm->items[pm->nr];
	/* entry numbers fit 32 bits: a text is read whole into memory, and each
	 * entry takes at least two of its bytes */
	it->parent = (uint32_t)parent;
	it->off = pm->pool.len;
	it->seg_len = (uint32_t)len;
	it->line = line;
	it->col = col;
	it->fnv = pm_fnv(parent ? pm->items[parent - 1].fnv : PM_FNV_BASIS, seg, len);
	strbuf_add(&pm->pool, seg, len);
	return ++pm->nr;
}

static void posmap_build_yaml(struct jio_posmap *pm, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct pframe st[JIO_MAX_DEPTH + 1];
	int sp = 0;
	struct strbuf path = STRBUF_INIT;
	bool done = false;
	size_t last = 0; /* the entry of the value being read */

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
				last = pm_add(pm, top->item, path.buf + top->path_len,
					      path.len - top->path_len, line, col);
				yaml_event_delete(&ev);
				continue;
			}
			if (top && top->is_seq) {
				strbuf_setlen(&path, top->path_len);
				strbuf_addf(&path, "[%zu]", top->index++);
				last = pm_add(pm, top->item, path.buf + top->path_len,
					      path.len - top->path_len, line, col);
			} else if (!top) {
				last = pm_add(pm, 0, "", 0, line, col);
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
				st[sp].item = last;
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
	size_t cur; /* the entry of the value being read */
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

/* Record the path's segment from `seg` on, below entry `parent`. */
static void fpm_record(struct fpm *c, size_t parent, size_t seg)
{
	int col = c->mark_col;
	for (const char *q = c->mark; q < c->p; q++)
		col += ((unsigned char)*q & 0xC0) != 0x80;
	c->mark = c->p;
	c->mark_col = col;
	c->cur = pm_add(c->pm, parent, c->path.buf + seg, c->path.len - seg, c->line + 1, col + 1);
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
	size_t base = c->path.len, parent = c->cur;
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
		fpm_record(c, parent, base);
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
	size_t base = c->path.len, index = 0, parent = c->cur;
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
		fpm_record(c, parent, base);
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
	struct fpm c = {text, text + len, 0, text, 0, 0, STRBUF_INIT, pm, 0};
	bool ok = false;

	/*
	 * Room for about as many entries (one per value, ~27 bytes of pretty-printed
	 * JSON each) and segments as the text holds, at once: grown from nothing, the
	 * copies of the arrays cost ~30,000 page faults on 200,000 resources.
	 */
	ALLOC_GROW(pm->items, len / 12 + 16, pm->alloc);
	strbuf_grow(&pm->pool, len / 4);
	fpm_ws(&c);
	if (c.p < c.end && (*c.p == '{' || *c.p == '[')) {
		strbuf_addstr(&c.path, "");
		fpm_record(&c, 0, 0);
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
	strbuf_release(&pm->scratch);
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

/* Does entry `i` (+ 1) have the path path[0..len)? Compared from its end, segment by segment. */
static bool pm_path_is(const struct jio_posmap *pm, size_t item, const char *path, size_t len)
{
	while (item) {
		const struct jio_pos *it = &pm->items[item - 1];
		if (it->seg_len > len ||
		    memcmp(path + len - it->seg_len, pm->pool.buf + it->off, it->seg_len))
			return false;
		len -= it->seg_len;
		item = it->parent;
	}
	return len == 0;
}

const char *jio_posmap_at(const struct jio_posmap *pm, size_t i, int *line, int *col)
{
	if (!pm || i >= pm->nr)
		return NULL;
	*line = pm->items[i].line;
	*col = pm->items[i].col;
	struct jio_posmap *m = (struct jio_posmap *)pm; /* the scratch buffer only */
	size_t len = 0;
	for (size_t k = i + 1; k; k = pm->items[k - 1].parent)
		len += pm->items[k - 1].seg_len;
	strbuf_reset(&m->scratch);
	strbuf_grow(&m->scratch, len);
	m->scratch.len = len;
	m->scratch.buf[len] = '\0';
	for (size_t k = i + 1; k; k = pm->items[k - 1].parent) {
		len -= pm->items[k - 1].seg_len;
		memcpy(m->scratch.buf + len, pm->pool.buf + pm->items[k - 1].off,
		       pm->items[k - 1].seg_len);
	}
	return m->scratch.buf;
}

/* FNV-1a's low bits cluster on paths that differ in their last characters
 * (Sg1, Sg2, ...): mixed before masking (murmur3's finalizer). */
static uint64_t pm_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* The first entry of each path wins, as a scan in order would find it. */
static void pm_index(struct jio_posmap *pm)
{
	pm->slot_nr = 16;
	while (pm->slot_nr < pm->nr * 2)
		pm->slot_nr *= 2;
	pm->slots = xcalloc(pm->slot_nr, sizeof(*pm->slots));
	/* slots hold 32-bit entry numbers: past 4 billion values, none are found */
	for (size_t i = 0; i < pm->nr && i < UINT32_MAX; i++) {
		uint64_t h = pm_mix(pm->items[i].fnv);
		uint32_t tag = (uint32_t)(h >> 32);
		size_t s = h & (pm->slot_nr - 1);
		bool dup = false;
		for (; pm->slots[s].item && !dup; s = (s + 1) & (pm->slot_nr - 1)) {
			const struct jio_pos *o = &pm->items[pm->slots[s].item - 1];
			if (pm->slots[s].tag == tag && o->fnv == pm->items[i].fnv) {
				/* same hash: the same path unless the segments differ */
				int line, col;
				const char *path = jio_posmap_at(pm, i, &line, &col);
				dup = pm_path_is(pm, pm->slots[s].item, path, pm->scratch.len);
			}
		}
		if (!dup) {
			pm->slots[s].item = (uint32_t)(i + 1);
			pm->slots[s].tag = tag;
		}
	}
}

bool jio_posmap_lookup(const struct jio_posmap *pm, const char *path, int *line, int *col)
{
	if (!pm || !pm->nr)
		return false;
	if (!pm->slots)
		pm_index((struct jio_posmap *)pm); /* a cache: the map's content is unchanged */
	size_t len = strlen(path);
	uint64_t h = pm_mix(pm_fnv(PM_FNV_BASIS, path, len));
	uint32_t tag = (uint32_t)(h >> 32);
	for (size_t s = h & (pm->slot_nr - 1); pm->slots[s].item; s = (s + 1) & (pm->slot_nr - 1)) {
		if (pm->slots[s].tag != tag)
			continue;
		const struct jio_pos *it = &pm->items[pm->slots[s].item - 1];
		if (pm_path_is(pm, pm->slots[s].item, path, len)) {
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
