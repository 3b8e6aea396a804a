/*
 * RDS for PostgreSQL versions and the dates their RDS standard support ends,
 * from the dated data file data/rds-postgres-versions.json (the release
 * calendar of AWS, copied by hand; see the file's "source").
 *
 * A `struct pg_versions` owns the parsed file; pg_versions_free() frees it.
 * Dates are ISO "YYYY-MM-DD" strings, compared as strings.
 */
#ifndef SM_PG_VERSIONS_H
#define SM_PG_VERSIONS_H

#include <jansson.h>

#include "base/diag.h"

struct pg_versions {
	char *path;   /* where it was read from */
	json_t *root; /* the file */
};

enum pg_support {
	PG_SUPPORTED,	  /* RDS creates instances on it today */
	PG_MINOR_ENDED,	  /* the minor's standard support ended (or RDS creates none) */
	PG_MAJOR_ENDED,	  /* the major's standard support ended */
	PG_UNKNOWN_MAJOR, /* not in the file */
	PG_UNKNOWN_MINOR, /* the major is, this minor is not */
	PG_MALFORMED,	  /* not MAJOR.MINOR */
};

struct pg_verdict {
	enum pg_support support;
	int major;
	const char *ended;	 /* PG_*_ENDED: the date standard support ended (borrowed) */
	const char *no_new_from; /* PG_MINOR_ENDED: RDS refuses new instances since (or NULL) */
};

/* Load the file (NULL path: fs_data_path("rds-postgres-versions.json")). 0 or -1. */
int pg_versions_load(const char *path, struct pg_versions *out, struct diag_list *dl);
void pg_versions_free(struct pg_versions *v);
/*
 * The data file of fs_data_path(), read once per process and shared (the
 * configuration checks of each environment and check's rules all ask):
 * borrowed, never freed by the caller; NULL (and `dl` told why) when it
 * cannot be read. Valid until the next call; reread after an arena that
 * held it ends (arena_generation()).
 */
const struct pg_versions *pg_versions_shared(struct diag_list *dl);

/*
 * "16.11" -> 16 and 11: 0, or -1 unless `v` is exactly MAJOR.MINOR in
 * digits (no sign, space or third part), MAJOR > 0. The one reader of an
 * RDS for PostgreSQL version (config, the RDS construct's parameter group).
 */
int pg_version_parse(const char *v, int *major, int *minor);

/* The file's edition date and its default version (borrowed; NULL when absent). */
const char *pg_versions_date(const struct pg_versions *v);
const char *pg_versions_default(const struct pg_versions *v);

/* Today in UTC as YYYY-MM-DD; SOLEMATE_TODAY (same form) overrides it, for tests. */
void pg_versions_today(char buf[11]);

/* What RDS says of `version` on the day `today`. */
void pg_versions_check(const struct pg_versions *v, const char *version, const char *today,
		       struct pg_verdict *out);

/*
 * The versions RDS creates instances on, on `today`, as "14.20, 15.15, ...",
 * in version order (newly allocated). `major` > 0: only that major's.
 */
char *pg_versions_supported(const struct pg_versions *v, const char *today, int major);

#endif
