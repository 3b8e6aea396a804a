#include "analysis/schema.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/suggest.h"
#include "base/xalloc.h"

/*
 * A record asked for: its line's JSON text (NULL when the data has no such
 * key), parsed on first use. Kept in a hash table by kind and key, misses
 * too, so each key is searched for once a run.
 */
struct entry {
	char kind; /* 'R', 'T' or 'X' */
	char *key; /* owned */
	uint64_t hash;
	const char *json; /* inside the text, or NULL */
	size_t json_len;
	json_t *parsed;
	bool no_s_key; /* R lines: the text was scanned and holds no "s" key (not stateful) */
};

struct compiled {
	regex_t re;
	bool ok;
};

/*
 * The data file is searched in place, never split into lines (11,800 lines,
 * 2.5 MB: the split cost 2.1M instructions of every validate and check): its
 * header lines come first, then the R lines sorted by type, the T lines by
 * numeric id and the X lines by type (scripts/refresh-schema.py writes them
 * so), and a key is found by a binary search over byte offsets.
 */
struct cfn_schema {
	json_t *regex_index;	   /* pattern -> index into regexes */
	struct compiled **regexes; /* each allocated once: pointers stay valid */
	size_t regexes_nr, regexes_alloc;
	struct fs_map map; /* the data file, mapped */
	char *text;	   /* map.data */
	size_t len;
	char *source;
	const char *block[4]; /* where the R, T and X lines begin, and the end */
	struct entry **tab;   /* open addressing, a power of two in size */
	size_t tab_cap, tab_nr;
	char **closest; /* cfn_schema_closest_type's answers, kept for the caller */
	size_t closest_nr, closest_alloc;
	struct match **matches; /* cfn_schema_match's answers: open addressing */
	size_t matches_cap, matches_nr;
	const char **samples; /* a line start every SAMPLE_STEP bytes, in order (lookup's index) */
	size_t samples_nr;
};

/*
 * A key's line is found by a binary search over sampled line starts (one
 * every SAMPLE_STEP bytes, taken at the first lookup: some 1,200 short
 * memchr calls), then line by line from the last sample before it. The
 * search over bytes it replaces found the end of a line at every probe
 * (1.3M instructions of validate --env all for 250 keys).
 */
#define SAMPLE_STEP 2048

/* Whether a string matched a pattern (the pattern's index into regexes). */
struct match {
	size_t re;
	uint64_t hash;
	char *text;
	bool matched;
};

/* Order of the kinds of lines in the file: header, R, T, X. */
static int line_rank(const char *line)
{
	switch (line[0]) {
	case '#':
		return 0;
	case 'R':
		return 1;
	case 'T':
		return 2;
	case 'X':
		return 3;
	default:
		return 4;
	}
}

/* The start of the first line at or after byte `off` (the end when none). */
static const char *line_from(const struct cfn_schema *s, size_t off)
{
	if (!off)
		return s->text;
	const char *nl = memchr(s->text + off - 1, '\n', s->len - (off - 1));
	return nl ? nl + 1 : s->text + s->len;
}

/*
 * The first line of [b, e) (line starts) for which `ge` holds, or e; `ge` is
 * false for a prefix of the lines and true after it.
 */
static const char *first_line(const struct cfn_schema *s, const char *b, const char *e,
			      bool (*ge)(const char *line, const char *end, const void *arg),
			      const void *arg)
{
	size_t lo = (size_t)(b - s->text), hi = (size_t)(e - s->text);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *l = line_from(s, mid);
		if (l >= e || ge(l, s->text + s->len, arg))
			hi = mid;
		else
			lo = mid + 1;
	}
	const char *l = line_from(s, lo);
	return l < e ? l : e;
}

static bool rank_ge(const char *line, const char *end, const void *arg)
{
	(void)end;
	return line_rank(line) >= *(const int *)arg;
}

struct key {
	const char *k;
	size_t n;
	bool numeric; /* T ids compare as numbers: by length, then digits */
};

/* The key of `line` ("K\tkey\t...") against `want`: <0, 0, >0. */
static int line_key_cmp(const char *line, const char *end, const struct key *want)
{
	const unsigned char *k = (const unsigned char *)line + 2, *e = (const unsigned char *)end;
	const unsigned char *w = (const unsigned char *)want->k;
	size_t i = 0;
	if (want->numeric) {
		/* digits without leading zeros: the longer is the larger */
		size_t n = 0;
		while (k + n < e && k[n] >= '0' && k[n] <= '9')
			n++;
		if (n != want->n)
			return n < want->n ? -1 : 1;
	}
	/* the line's key ends at its tab, which is below every character of a key */
	for (; i < want->n && k + i < e && k[i] == w[i]; i++)
		;
	if (i == want->n)
		return k + i < e && k[i] != '\t' && k[i] != '\n' ? 1 : 0;
	if (k + i >= e || k[i] == '\t' || k[i] == '\n')
		return -1;
	return k[i] < w[i] ? -1 : 1;
}

static bool key_ge(const char *line, const char *end, const void *arg)
{
	return line + 2 > end || line_key_cmp(line, end, arg) >= 0;
}

static uint64_t key_hash(char kind, const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (unsigned char)kind;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h;
}

static void tab_put(struct cfn_schema *s, struct entry *e)
{
	size_t m = s->tab_cap - 1, i = (size_t)e->hash & m;
	while (s->tab[i])
		i = (i + 1) & m;
	s->tab[i] = e;
}

static void take_samples(struct cfn_schema *s)
{
	size_t alloc = s->len / SAMPLE_STEP + 2;
	s->samples = xcalloc(alloc, sizeof(*s->samples));
	for (size_t off = 0; off < s->len; off += SAMPLE_STEP) {
		const char *l = line_from(s, off);
		if (l < s->text + s->len && (!s->samples_nr || s->samples[s->samples_nr - 1] != l))
			s->samples[s->samples_nr++] = l;
	}
}

/* The first line of [b, e) whose key is at or after `want` (first_line's answer), or e. */
static const char *sampled_first_line(struct cfn_schema *s, const char *b, const char *e,
				      const struct key *want)
{
	const char *end = s->text + s->len;
	if (!s->samples)
		take_samples(s);
	/* the samples inside [b, e), then the first of them at or after the key */
	size_t lo = 0, hi = s->samples_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->samples[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t first = lo;
	hi = s->samples_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->samples[mid] < e && !key_ge(s->samples[mid], end, want))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the line lies after the last sample before it (or b) and at most at the next */
	const char *l = lo > first ? s->samples[lo - 1] : b;
	const char *stop = lo < s->samples_nr && s->samples[lo] < e ? s->samples[lo] : e;
	while (l < stop && !key_ge(l, end, want)) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		l = nl ? nl + 1 : end;
	}
	return l < stop ? l : stop;
}

/* The record of `kind` and key k[0..n), searched for on first asking. */
static struct entry *lookup(struct cfn_schema *s, char kind, const char *k, size_t n)
{
	uint64_t h = key_hash(kind, k, n);
	if (s->tab_cap) {
		size_t m = s->tab_cap - 1;
		for (size_t i = (size_t)h & m; s->tab[i]; i = (i + 1) & m) {
			struct entry *e = s->tab[i];
			if (e->hash == h && e->kind == kind && !strncmp(e->key, k, n) && !e->key[n])
				return e;
		}
	}
	if (2 * (s->tab_nr + 1) > s->tab_cap) {
		struct entry **old = s->tab;
		size_t old_cap = s->tab_cap;
		s->tab_cap = old_cap ? 2 * old_cap : 256;
		s->tab = xcalloc(s->tab_cap, sizeof(*s->tab));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				tab_put(s, old[i]);
		free(old);
	}
	struct entry *e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->key = xstrndup(k, n);
	e->hash = h;
	int b = kind == 'R' ? 0 : kind == 'T' ? 1 : 2;
	const struct key want = {k, n, kind == 'T'};
	const char *end = s->text + s->len;
	const char *l = sampled_first_line(s, s->block[b], s->block[b + 1], &want);
	if (l < s->block[b + 1] && l + 2 + n < end && l[2 + n] == '\t' &&
	    !line_key_cmp(l, end, &want)) {
		const char *json = l + 2 + n + 1;
		const char *nl = memchr(json, '\n', (size_t)(end - json));
		e->json = json;
		e->json_len = (size_t)((nl ? nl : end) - json);
	}
	tab_put(s, e);
	s->tab_nr++;
	return e;
}

struct cfn_schema *cfn_schema_load(const char *path, struct diag_list *dl)
{
	char *p = path ? xstrdup(path) : fs_data_path("cfn-schema.txt");
	struct fs_map map;

	if (fs_map_file(p, &map, dl)) {
		if (!path && dl->nr) {
			char *places = fs_data_places();
			diag_set_hint(&dl->items[dl->nr - 1],
				      "the data files are searched in: %s; install with 'make "
				      "install' or set SOLEMATE_DATA to the directory holding "
				      "cfn-schema.txt",
				      places);
			free(places);
		}
		free(p);
		return NULL;
	}
	struct cfn_schema *s = xcalloc(1, sizeof(*s));
	s->map = map;
	char *text = map.data;
	size_t len = map.len;
	s->text = text;
	s->len = len;
	for (int r = 1; r <= 3; r++)
		s->block[r - 1] =
			first_line(s, r > 1 ? s->block[r - 2] : text, text + len, rank_ge, &r);
	s->block[3] = first_line(s, s->block[2], text + len, rank_ge, &(int){4});
	for (char *line = text; line < s->block[0];) {
		char *nl = memchr(line, '\n', (size_t)(s->block[0] - line));
		if (!strncmp(line, "# source: npm ", 14)) {
			s->source = line + 14;
			if (nl)
				*nl = '\0'; /* a header line: no search reads it */
		}
		line = nl ? nl + 1 : text + len;
	}
	if (s->block[0] == s->block[1]) {
		diag_add(dl, DIAG_ERROR, p, 0, 0, NULL, "no resource types in the schema data");
		diag_set_hint(dl->items + dl->nr - 1, "run scripts/refresh-schema.sh");
		cfn_schema_free(s);
		s = NULL;
	}
	free(p);
	return s;
}

void cfn_schema_free(struct cfn_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->tab_cap; i++) {
		struct entry *e = s->tab[i];
		if (!e)
			continue;
		/* under an arena a release walks each tree to free nothing (0.9M instructions) */
		if (!arena_active())
			json_decref(e->parsed);
		free(e->key);
		free(e);
	}
	free(s->tab);
	for (size_t i = 0; i < s->regexes_nr; i++) {
		if (s->regexes[i]->ok)
			regfree(&s->regexes[i]->re);
		free(s->regexes[i]);
	}
	free(s->regexes);
	json_decref(s->regex_index);
	for (size_t i = 0; i < s->matches_cap; i++)
		if (s->matches[i]) {
			free(s->matches[i]->text);
			free(s->matches[i]);
		}
	free(s->matches);
	for (size_t i = 0; i < s->closest_nr; i++)
		free(s->closest[i]);
	free(s->closest);
	free(s->samples);
	fs_unmap_file(&s->map);
	free(s);
}

const char *cfn_schema_source(const struct cfn_schema *s)
{
	return s->source ? s->source : "(unknown)";
}

static const json_t *parse(struct entry *e)
{
	if (!e->parsed && e->json) {
		/* the fast reader first; jansson's own rules (no flags) when it declines */
		struct diag_list quiet = DIAG_LIST_INIT;
		e->parsed = jio_load_json("schema", e->json, e->json_len, &quiet);
		diag_list_release(&quiet);
		if (!e->parsed)
			e->parsed = json_loadb(e->json, e->json_len, 0, NULL);
	}
	return e->parsed;
}

/* Could the entry's text hold a key `"name"` (whitespace before its colon allowed)? */
static bool may_have_key(const struct entry *e, const char *quoted)
{
	size_t qn = strlen(quoted);
	const char *p = e->json, *end = e->json + e->json_len;
	while ((p = memmem(p, (size_t)(end - p), quoted, qn))) {
		p += qn;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		if (p < end && *p == ':')
			return true;
	}
	return false;
}

const json_t *cfn_schema_resource(struct cfn_schema *s, const char *type)
{
	return parse(lookup(s, 'R', type, strlen(type)));
}

const json_t *cfn_schema_extension_rules(struct cfn_schema *s, const char *type)
{
	return json_object_get(parse(lookup(s, 'X', type, strlen(type))), "r");
}

const json_t *cfn_schema_property_type(struct cfn_schema *s, const char *id)
{
	/* ids are digits without leading zeros */
	return parse(lookup(s, 'T', id, strspn(id, "0123456789")));
}

const char *cfn_schema_closest_type(struct cfn_schema *s, const char *type)
{
	char *best = NULL;
	size_t best_d = (size_t)-1;
	for (const char *l = s->block[0]; l < s->block[1];) {
		const char *nl = memchr(l, '\n', (size_t)(s->block[1] - l));
		const char *k = l + 2,
			   *tab = memchr(k, '\t', (size_t)((nl ? nl : s->block[1]) - k));
		if (tab) {
			char *key = xstrndup(k, (size_t)(tab - k));
			size_t d = suggest_distance(type, key);
			if (d < best_d) {
				best_d = d;
				free(best);
				best = key;
			} else {
				free(key);
			}
		}
		l = nl ? nl + 1 : s->block[1];
	}
	if (!best || !suggest_close_enough(best_d, type)) {
		free(best);
		return NULL;
	}
	ALLOC_GROW(s->closest, s->closest_nr + 1, s->closest_alloc);
	return s->closest[s->closest_nr++] = best;
}

/* The index of `ere` compiled into regexes, compiling it the first time. */
static size_t regex_at(struct cfn_schema *s, const char *ere)
{
	if (!s->regex_index)
		s->regex_index = json_object();
	json_t *at = json_object_get(s->regex_index, ere);
	if (!at) {
		ALLOC_GROW(s->regexes, s->regexes_nr + 1, s->regexes_alloc);
		struct compiled *cr = xcalloc(1, sizeof(*cr));
		s->regexes[s->regexes_nr] = cr;
		cr->ok = regcomp(&cr->re, ere, REG_EXTENDED | REG_NOSUB) == 0;
		at = json_integer((json_int_t)s->regexes_nr++);
		json_object_set_new(s->regex_index, ere, at);
	}
	return (size_t)json_integer_value(at);
}

const regex_t *cfn_schema_regex(struct cfn_schema *s, const char *ere)
{
	if (!ere)
		return NULL;
	struct compiled *cr = s->regexes[regex_at(s, ere)];
	return cr->ok ? &cr->re : NULL;
}

static void match_put(struct cfn_schema *s, struct match *m)
{
	size_t mask = s->matches_cap - 1, i = (size_t)m->hash & mask;
	while (s->matches[i])
		i = (i + 1) & mask;
	s->matches[i] = m;
}

/*
 * The patterns the data uses most are of a few shapes a loop decides:
 * ^[SET]+$, ^[SET]*$, ^[SET]{m,n}$ (also with the set in parentheses),
 * ^[SET] (the first character) and ^(word|word|...)$ or without the $
 * (a prefix). glibc's regcomp and regexec cost some 14,000 instructions
 * each on them. These shapes mean the same in every POSIX ERE reader in
 * the C locale (the program sets none): a set is bytes and byte ranges,
 * with no class ([:alpha:]), equivalence or collating element and no
 * backslash, and the text is ASCII; anything else goes to regexec.
 * Returns 1 or 0, or -2 when the shape is not one of these.
 */
struct simple_set {
	unsigned char in[128]; /* in[c]: c belongs to the set */
};

/* Reads "[...]" at p into *set; returns the byte after it, or NULL. */
static const char *simple_bracket(const char *p, struct simple_set *set)
{
	bool neg = false;
	unsigned char mark[128] = {0};
	if (*p++ != '[')
		return NULL;
	if (*p == '^') {
		neg = true;
		p++;
	}
	for (bool first = true; first || *p != ']'; first = false) {
		unsigned char c = (unsigned char)*p;
		if (!c || c >= 128 || c == '\\' ||
		    (c == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')))
			return NULL;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			unsigned char e = (unsigned char)p[2];
			/* ranges between letters or digits only: a-z, A-Z, 0-9 */
			if (e < c || !((islower(c) && islower(e)) || (isupper(c) && isupper(e)) ||
				       (isdigit(c) && isdigit(e))))
				return NULL;
			for (unsigned x = c; x <= e; x++)
				mark[x] = 1;
			p += 3;
		} else {
			mark[c] = 1;
			p++;
		}
	}
	for (int c = 0; c < 128; c++)
		set->in[c] = (unsigned char)(c && (mark[c] != neg));
	return p + 1;
}

static bool simple_word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static int simple_match(const char *ere, const char *text)
{
	for (const char *t = text; *t; t++)
		if ((unsigned char)*t >= 128)
			return -2;
	if (*ere++ != '^')
		return -2;
	if (ere[0] == '(' && ere[1] != '[') {
		/* ^(a|b|c)$ or ^(a|b|c): words of letters, digits, '_' and '-' */
		const char *p = ere + 1, *close = strchr(p, ')');
		if (!close || (close[1] && strcmp(close + 1, "$")))
			return -2;
		bool whole = close[1] == '$', hit = false;
		while (p < close) {
			const char *w = p;
			while (p < close && simple_word_char(*p))
				p++;
			if (p == w || (p < close && *p != '|'))
				return -2;
			size_t n = (size_t)(p - w);
			hit |= !strncmp(text, w, n) && (!whole || !text[n]);
			if (p < close)
				p++;
			if (p == close && p[-1] == '|')
				return -2;
		}
		return hit;
	}
	bool paren = ere[0] == '(';
	struct simple_set set;
	const char *p = simple_bracket(ere + paren, &set);
	if (!p || (paren && *p++ != ')'))
		return -2;
	size_t n = strlen(text);
	if (!*p && !paren)
		return n && set.in[(unsigned char)text[0]];
	size_t lo, hi;
	if (*p == '+' || *p == '*') {
		lo = *p == '+';
		hi = SIZE_MAX;
		p++;
	} else if (*p == '{' && isdigit((unsigned char)p[1])) {
		char *end;
		lo = hi = strtoul(p + 1, &end, 10);
		if (*end == ',')
			hi = isdigit((unsigned char)end[1]) ? strtoul(end + 1, &end, 10)
							    : (end++, SIZE_MAX);
		if (*end != '}' || lo > hi || lo > 255 || (hi != SIZE_MAX && hi > 255))
			return -2;
		p = end + 1;
	} else {
		return -2;
	}
	if (strcmp(p, "$"))
		return -2;
	if (n < lo || n > hi)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!set.in[(unsigned char)text[i]])
			return 0;
	return 1;
}

int cfn_schema_match(struct cfn_schema *s, const char *ere, const char *text)
{
	if (!ere)
		return -1;
	int simple = simple_match(ere, text);
	if (simple != -2)
		return simple;
	size_t re = regex_at(s, ere);
	if (!s->regexes[re]->ok)
		return -1;
	/* the same values meet the same patterns in every environment (glibc's
	 * regexec: 7,000 instructions a call) */
	uint64_t h = key_hash((char)(re & 0x7f), text, strlen(text)) ^ ((uint64_t)re << 40);
	if (s->matches_cap) {
		size_t mask = s->matches_cap - 1;
		for (size_t i = (size_t)h & mask; s->matches[i]; i = (i + 1) & mask) {
			const struct match *m = s->matches[i];
			if (m->hash == h && m->re == re && !strcmp(m->text, text))
				return m->matched;
		}
	}
	if (2 * (s->matches_nr + 1) > s->matches_cap) {
		struct match **old = s->matches;
		size_t old_cap = s->matches_cap;
		s->matches_cap = old_cap ? 2 * old_cap : 64;
		s->matches = xcalloc(s->matches_cap, sizeof(*s->matches));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				match_put(s, old[i]);
		free(old);
	}
	struct match *m = xcalloc(1, sizeof(*m));
	m->re = re;
	m->hash = h;
	m->text = xstrdup(text);
	m->matched = regexec(&s->regexes[re]->re, text, 0, NULL, 0) == 0;
	match_put(s, m);
	s->matches_nr++;
	return m->matched;
}

const char *cfn_closest_key(const json_t *candidates, const char *name)
{
	const char *best = NULL, *k;
	size_t best_d = (size_t)-1;
	json_t *v;
	json_object_foreach ((json_t *)candidates, k, v) {
		size_t d = suggest_distance(name, k);
		if (d < best_d) {
			best_d = d;
			best = k;
		}
	}
	return best && suggest_close_enough(best_d, name) ? best : NULL;
}

bool cfn_schema_is_stateful(struct cfn_schema *s, const char *type)
{
	if (!s || !type)
		return false;
	/* most types are not: their text has no "s" key, and is not parsed for it (1.5M
	 * instructions of check --env all) */
	struct entry *e = lookup(s, 'R', type, strlen(type));
	if (!e->json || e->no_s_key)
		return false;
	if (!e->parsed && !may_have_key(e, "\"s\"")) {
		e->no_s_key = true;
		return false;
	}
	const json_t *r = parse(e);
	return r && json_is_integer(json_object_get(r, "s"));
}

char cfn_schema_replacement(struct cfn_schema *s, const char *type, const char *prop)
{
	const json_t *r = cfn_schema_resource(s, type);
	const char *code = json_string_value(json_object_get(json_object_get(r, "p"), prop));
	for (; code && (*code == 'r' || *code == 'R' || *code == 'M'); code++)
		if (*code == 'R' || *code == 'M')
			return *code;
	return 0;
}
