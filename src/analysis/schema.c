#include "analysis/schema.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/suggest.h"
#include "base/xalloc.h"

struct entry {
	const char *key; /* NUL-terminated inside the text */
	const char *json;
	size_t json_len;
	json_t *parsed;
	size_t key_len; /* T lines: ids compare as numbers: by length, then digits */
	bool no_s_key;	/* R lines: the text was scanned and holds no "s" key (not stateful) */
};

struct compiled {
	regex_t re;
	bool ok;
};

struct cfn_schema {
	json_t *regex_index;	   /* pattern -> index into regexes */
	struct compiled **regexes; /* each allocated once: pointers stay valid */
	size_t regexes_nr, regexes_alloc;
	char *text;
	char *source;
	struct entry *res, *types, *ext;
	size_t res_nr, types_nr, ext_nr;
};

struct cfn_schema *cfn_schema_load(const char *path, struct diag_list *dl)
{
	char *p = path ? xstrdup(path) : fs_data_path("cfn-schema.txt");
	size_t len;
	char *text = fs_read_file(p, &len, dl);
	size_t res_alloc = 0, types_alloc = 0, ext_alloc = 0;

	if (!text) {
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
	s->text = text;
	for (char *line = text; line < text + len;) {
		char *end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		*end = '\0';
		if ((line[0] == 'R' || line[0] == 'T' || line[0] == 'X') && line[1] == '\t') {
			char *tab = strchr(line + 2, '\t');
			if (tab) {
				*tab = '\0';
				struct entry e = {.key = line + 2,
						  .json = tab + 1,
						  .json_len = (size_t)(end - tab - 1),
						  .key_len = (size_t)(tab - line - 2)};
				if (line[0] == 'R') {
					ALLOC_GROW(s->res, s->res_nr + 1, res_alloc);
					s->res[s->res_nr++] = e;
				} else if (line[0] == 'X') {
					ALLOC_GROW(s->ext, s->ext_nr + 1, ext_alloc);
					s->ext[s->ext_nr++] = e;
				} else {
					ALLOC_GROW(s->types, s->types_nr + 1, types_alloc);
					s->types[s->types_nr++] = e;
				}
			}
		} else if (!strncmp(line, "# source: npm ", 14)) {
			s->source = line + 14;
		}
		line = end + 1;
	}
	if (!s->res_nr) {
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
	/* under an arena a release walks each tree to free nothing (0.9M instructions) */
	for (size_t i = 0; !arena_active() && i < s->res_nr; i++)
		json_decref(s->res[i].parsed);
	for (size_t i = 0; !arena_active() && i < s->types_nr; i++)
		json_decref(s->types[i].parsed);
	for (size_t i = 0; !arena_active() && i < s->ext_nr; i++)
		json_decref(s->ext[i].parsed);
	for (size_t i = 0; i < s->regexes_nr; i++) {
		if (s->regexes[i]->ok)
			regfree(&s->regexes[i]->re);
		free(s->regexes[i]);
	}
	free(s->regexes);
	json_decref(s->regex_index);
	free(s->res);
	free(s->types);
	free(s->ext);
	free(s->text);
	free(s);
}

const char *cfn_schema_source(const struct cfn_schema *s)
{
	return s->source ? s->source : "(unknown)";
}

static const json_t *parse(struct entry *e)
{
	if (!e->parsed) {
		/* the fast reader first; jansson's own rules (no flags) when it declines */
		struct diag_list quiet = DIAG_LIST_INIT;
		e->parsed = jio_load_json("schema", e->json, e->json_len, &quiet);
		diag_list_release(&quiet);
		if (!e->parsed)
			e->parsed = json_loadb(e->json, e->json_len, 0, NULL);
	}
	return e->parsed;
}

/* The entry of `key` among `v[0..n)`, sorted by key (R and X lines), or NULL. */
static struct entry *find_entry(struct entry *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, v[mid].key);
		if (!c)
			return &v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static const json_t *find_sorted(struct entry *v, size_t n, const char *key)
{
	struct entry *e = find_entry(v, n, key);
	return e ? parse(e) : NULL;
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
	return find_sorted(s->res, s->res_nr, type);
}

const json_t *cfn_schema_extension_rules(struct cfn_schema *s, const char *type)
{
	return json_object_get(find_sorted(s->ext, s->ext_nr, type), "r");
}

const json_t *cfn_schema_property_type(struct cfn_schema *s, const char *id)
{
	/* T lines are sorted by numeric id; ids are digits without leading zeros */
	size_t want = strspn(id, "0123456789");
	size_t lo = 0, hi = s->types_nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &s->types[mid];
		int c = want != e->key_len ? (want < e->key_len ? -1 : 1)
					   : memcmp(id, e->key, want);
		if (!c)
			return parse(&s->types[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *cfn_schema_closest_type(struct cfn_schema *s, const char *type)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < s->res_nr; i++) {
		size_t d = suggest_distance(type, s->res[i].key);
		if (d < best_d) {
			best_d = d;
			best = s->res[i].key;
		}
	}
	return best && suggest_close_enough(best_d, type) ? best : NULL;
}

const regex_t *cfn_schema_regex(struct cfn_schema *s, const char *ere)
{
	if (!ere)
		return NULL;
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
	struct compiled *cr = s->regexes[json_integer_value(at)];
	return cr->ok ? &cr->re : NULL;
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
	struct entry *e = find_entry(s->res, s->res_nr, type);
	if (!e || e->no_s_key)
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
