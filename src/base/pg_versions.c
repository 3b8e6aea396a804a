/*
 * RDS for PostgreSQL versions against the dated data file. See pg_versions.h.
 */
#include "base/pg_versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/date.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#define PG_VERSIONS_FILE "rds-postgres-versions.json"

/* A decimal number without sign or space at *s (advanced past it), at most 9 digits; -1 if none. */
static int number(const char **s)
{
	int v = 0, n = 0;
	for (; **s >= '0' && **s <= '9' && n < 9; (*s)++, n++)
		v = v * 10 + (**s - '0');
	return n && !(**s >= '0' && **s <= '9') ? v : -1;
}

int pg_version_parse(const char *v, int *major, int *minor)
{
	if (!v)
		return -1;
	int ma = number(&v);
	if (ma <= 0 || *v++ != '.')
		return -1;
	int mi = number(&v);
	if (mi < 0 || *v)
		return -1;
	*major = ma;
	*minor = mi;
	return 0;
}

/* Every date in the file is a date, every minor is MAJOR.MINOR of a listed major. */
static int validate(const struct pg_versions *v, struct diag_list *dl)
{
	const char *key;
	json_t *e;
	int errors = 0;
	json_t *majors = json_object_get(v->root, "majors");
	json_t *minors = json_object_get(v->root, "minors");
	if (!json_is_object(majors) || !json_is_object(minors) ||
	    !date_parse(pg_versions_date(v), NULL)) {
		diag_add(
			dl, DIAG_ERROR, v->path, 0, 0, NULL,
			"expected an object with \"date\" (YYYY-MM-DD), \"majors\" and \"minors\"");
		return -1;
	}
	json_object_foreach (majors, key, e) {
		if (!date_parse(json_string_value(json_object_get(e, "standardSupportEnds")),
				NULL)) {
			diag_add(dl, DIAG_ERROR, v->path, 0, 0, key,
				 "major %s has no standardSupportEnds date", key);
			errors++;
		}
	}
	json_object_foreach (minors, key, e) {
		int ma, mi;
		char mk[16];
		json_t *end = json_object_get(e, "standardSupportEnds");
		json_t *no_new = json_object_get(e, "noNewInstancesFrom");
		bool ok = pg_version_parse(key, &ma, &mi) == 0;
		if (ok) {
			snprintf(mk, sizeof(mk), "%d", ma);
			ok = json_object_get(majors, mk) != NULL;
		}
		ok = ok && (json_is_null(end) || date_parse(json_string_value(end), NULL)) &&
		     (!no_new || date_parse(json_string_value(no_new), NULL));
		if (!ok) {
			diag_add(dl, DIAG_ERROR, v->path, 0, 0, key,
				 "minor '%s' needs a listed major, standardSupportEnds (a date or "
				 "null) and, if any, noNewInstancesFrom (a date)",
				 key);
			errors++;
		}
	}
	const char *def = pg_versions_default(v);
	int ma, mi;
	if (!def || pg_version_parse(def, &ma, &mi) < 0 || !json_object_get(minors, def)) {
		diag_add(dl, DIAG_ERROR, v->path, 0, 0, "default",
			 "\"default\" must name one of the minors");
		errors++;
	}
	return errors ? -1 : 0;
}

int pg_versions_load(const char *path, struct pg_versions *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	out->path = path ? xstrdup(path) : fs_data_path(PG_VERSIONS_FILE);
	out->root = jio_load_file(out->path, dl);
	if (!out->root || validate(out, dl) < 0) {
		pg_versions_free(out);
		return -1;
	}
	return 0;
}

void pg_versions_free(struct pg_versions *v)
{
	free(v->path);
	json_decref(v->root);
	memset(v, 0, sizeof(*v));
}

static struct {
	struct pg_versions v;
	bool loaded, in_arena;
	unsigned generation;
} shared;

const struct pg_versions *pg_versions_shared(struct diag_list *dl)
{
	char *path = fs_data_path(PG_VERSIONS_FILE);
	bool fresh = shared.loaded && !strcmp(path, shared.v.path) &&
		     (!shared.in_arena || shared.generation == arena_generation());
	if (fresh) {
		free(path);
		return &shared.v;
	}
	if (shared.loaded) {
		if (shared.in_arena && shared.generation != arena_generation())
			shared.v.root = NULL; /* its values went with the arena */
		pg_versions_free(&shared.v);
		shared.loaded = false;
	}
	int st = pg_versions_load(path, &shared.v, dl);
	free(path);
	if (st < 0)
		return NULL;
	shared.loaded = true;
	shared.in_arena = arena_active();
	shared.generation = arena_generation();
	return &shared.v;
}

const char *pg_versions_date(const struct pg_versions *v)
{
	return json_string_value(json_object_get(v->root, "date"));
}

const char *pg_versions_default(const struct pg_versions *v)
{
	return json_string_value(json_object_get(v->root, "default"));
}

void pg_versions_today(char buf[11])
{
	const char *env = getenv("SOLEMATE_TODAY");
	if (env && date_parse(env, NULL)) {
		memcpy(buf, env, 11);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

static const char *major_end(const struct pg_versions *v, int major)
{
	char mk[16];
	snprintf(mk, sizeof(mk), "%d", major);
	return json_string_value(json_object_get(
		json_object_get(json_object_get(v->root, "majors"), mk), "standardSupportEnds"));
}

void pg_versions_check(const struct pg_versions *v, const char *version, const char *today,
		       struct pg_verdict *out)
{
	int minor;
	memset(out, 0, sizeof(*out));
	if (pg_version_parse(version, &out->major, &minor) < 0) {
		out->support = PG_MALFORMED;
		return;
	}
	const char *mend = major_end(v, out->major);
	if (!mend) {
		out->support = PG_UNKNOWN_MAJOR;
		return;
	}
	if (strcmp(today, mend) >= 0) {
		out->support = PG_MAJOR_ENDED;
		out->ended = mend;
		return;
	}
	json_t *e = json_object_get(json_object_get(v->root, "minors"), version);
	if (!e) {
		out->support = PG_UNKNOWN_MINOR;
		return;
	}
	const char *end = json_string_value(json_object_get(e, "standardSupportEnds"));
	const char *no_new = json_string_value(json_object_get(e, "noNewInstancesFrom"));
	/* RDS refuses to create an instance from the first of these dates on */
	if ((end && strcmp(today, end) >= 0) || (no_new && strcmp(today, no_new) >= 0)) {
		out->support = PG_MINOR_ENDED;
		out->ended = end;
		out->no_new_from = no_new;
		return;
	}
	out->support = PG_SUPPORTED;
}

struct version_key {
	int major, minor;
	const char *name;
};

static int by_version(const void *a, const void *b)
{
	const struct version_key *x = a, *y = b;
	return x->major != y->major ? x->major - y->major : x->minor - y->minor;
}

char *pg_versions_supported(const struct pg_versions *v, const char *today, int major)
{
	json_t *minors = json_object_get(v->root, "minors");
	struct version_key *keys = xcalloc(json_object_size(minors) + 1, sizeof(*keys));
	size_t n = 0;
	const char *key;
	json_t *e;
	json_object_foreach (minors, key, e) {
		struct pg_verdict verdict;
		pg_versions_check(v, key, today, &verdict);
		if (verdict.support != PG_SUPPORTED || (major > 0 && verdict.major != major))
			continue;
		keys[n].name = key;
		pg_version_parse(key, &keys[n].major, &keys[n].minor);
		n++;
	}
	qsort(keys, n, sizeof(*keys), by_version);
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", keys[i].name);
	free(keys);
	return strbuf_detach(&sb, NULL);
}
