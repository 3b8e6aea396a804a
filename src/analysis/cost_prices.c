/* The price book: dated price files per region (data/prices), loaded once per estimate. */
#include "analysis/cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/cost_int.h"
#include "base/common.h"
#include "base/date.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/region.h"
#include "base/xalloc.h"

/* ---- data directory and price files ------------------------------------ */

char *cost_default_prices_dir(void)
{
	return fs_data_path("prices");
}

/*
 * Load and check <dir>/<region>.json: an object with region, currency,
 * date (YYYY-MM-DD) and source. NULL + diag otherwise.
 */
json_t *cost_load_price_file(const char *dir, const char *region, char **path_out,
			     struct diag_list *dl)
{
	json_t *doc = NULL;
	/* the region names a file: nothing but a region name may (issue 19) */
	if (region_check(region, "the region of a price lookup", dl) < 0)
		return NULL;
	char *path = xstrfmt("%s/%s.json", dir, region);

	if (!fs_exists(path)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
					  "no price file for region '%s'", region);
		diag_set_hint(d,
			      "copy data/prices/us-east-1.json and refresh it from the AWS price "
			      "list (docs/cost.md), or pass --prices DIR");
		goto fail;
	}
	doc = jio_load_file(path, dl);
	if (!doc)
		goto fail;
	const char *what = NULL;
	if (!json_is_object(doc))
		what = "the price file must be a JSON object";
	else if (!json_is_string(json_object_get(doc, "currency")))
		what = "'currency' (a string such as \"USD\") is missing";
	else if (!date_parse(json_string_value(json_object_get(doc, "date")), NULL))
		what = "'date' (YYYY-MM-DD: the edition of the price list copied) is missing or "
		       "malformed";
	else if (!json_object_get(doc, "source"))
		what = "'source' (where the prices were copied from) is missing";
	else if (!json_is_string(json_object_get(doc, "region")) ||
		 strcmp(json_string_value(json_object_get(doc, "region")), region))
		what = "'region' is missing or names another region than the file name";
	if (what) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "%s", what);
		goto fail;
	}
	if (path_out)
		*path_out = path;
	else
		free(path);
	return doc;
fail:
	json_decref(doc);
	free(path);
	return NULL;
}

/*
 * A price file older than this many days (by its recorded "date", the
 * edition of the price list it was made from, not the file's mtime) is
 * worth refreshing: AWS changes list prices a few times a year.
 */
#define PRICES_STALE_DAYS 180

/* Whole days from `date` (YYYY-MM-DD, UTC) to now; -1 when it cannot tell. */
static long days_since(const char *date)
{
	struct date d;
	if (!date_parse(date, &d))
		return -1;
	struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day};
	time_t then = timegm(&tm), now = time(NULL);
	if (then == (time_t)-1 || now == (time_t)-1)
		return -1;
	return (long)((now - then) / 86400);
}

static void warn_if_stale(const char *path, const char *date, struct diag_list *dl)
{
	long age = days_since(date);
	if (age <= PRICES_STALE_DAYS)
		return;
	struct diag *d = diag_add(dl, DIAG_WARNING, path, 0, 0, "date",
				  "the prices are of the price list of %s, %ld days ago (more than "
				  "%d): the estimate may be off",
				  date, age, PRICES_STALE_DAYS);
	diag_set_hint(d, "refresh them from the AWS Price List bulk offer files: "
			 "scripts/refresh-prices OFFER.json... (docs/cost.md)");
}

const struct price_book *cost_book_for(struct est *e, const char *region)
{
	for (size_t i = 0; i < e->books_nr; i++)
		if (!strcmp(e->books[i].region, region))
			return e->books[i].doc ? &e->books[i] : NULL;
	ALLOC_GROW(e->books, e->books_nr + 1, e->books_alloc);
	struct price_book *b = &e->books[e->books_nr++];
	b->region = xstrdup(region);
	b->path = NULL;
	b->doc = cost_load_price_file(e->prices_dir, region, &b->path, e->dl);
	if (!b->doc) {
		e->failed = true;
		return NULL;
	}
	struct cost_report *r = e->r;
	ALLOC_GROW(r->prices, r->prices_nr + 1, r->prices_alloc);
	struct cost_price_file *pf = &r->prices[r->prices_nr++];
	pf->path = xstrdup(b->path);
	pf->region = xstrdup(region);
	pf->date = xstrdup(json_string_value(json_object_get(b->doc, "date")));
	warn_if_stale(b->path, pf->date, e->dl);
	const json_t *src = json_object_get(b->doc, "source");
	const json_t *note = json_is_object(src) ? json_object_get(src, "note") : src;
	pf->source = xstrdup(json_is_string(note) ? json_string_value(note) : "(see the file)");
	if (!r->currency)
		r->currency = xstrdup(json_string_value(json_object_get(b->doc, "currency")));
	return b;
}

/*
 * The price at keys k1.k2[.k3] of the current region's file. A missing one
 * is an error naming the file and the key: an estimate with a silent 0
 * would be wrong without saying so.
 */
double cost_price(struct est *e, const char *k1, const char *k2, const char *k3)
{
	if (!e->pb)
		return 0;
	const json_t *v = json_object_get(json_object_get(e->pb->doc, k1), k2);
	if (k3)
		v = json_object_get(v, k3);
	double d;
	if (json_is_object(v) && json_is_number(json_object_get(v, "hour")))
		v = json_object_get(v, "hour");
	if (!json_is_number(v) || (d = json_number_value(v)) < 0) {
		struct diag *dg =
			diag_add(e->dl, DIAG_ERROR, e->pb->path, 0, 0, NULL,
				 "no price for '%s.%s%s%s' (needed by %s)", k1, k2, k3 ? "." : "",
				 k3 ? k3 : "", e->t ? e->t->stack_name : "?");
		diag_set_hint(dg, "add it from the AWS price list page named in 'source'");
		e->failed = true;
		return 0;
	}
	return d;
}

json_t *cost_prices_load(const char *prices_dir, const char *region, char **path_out,
			 struct diag_list *dl)
{
	char *dir = prices_dir ? xstrdup(prices_dir) : cost_default_prices_dir();
	json_t *doc = cost_load_price_file(dir, region, path_out, dl);
	free(dir);
	return doc;
}

bool cost_rds_class_info(const char *prices_dir, const char *region, const char *db_class,
			 double *memory_gib, double *vcpu, double *hourly, struct diag_list *dl)
{
	char *path = NULL;
	json_t *doc = cost_prices_load(prices_dir, region, &path, dl);
	if (!doc)
		return false;
	const json_t *c =
		json_object_get(json_object_get(json_object_get(doc, "rds"), "postgres"), db_class);
	bool ok = json_is_number(json_object_get(c, "memoryGiB"));
	if (ok) {
		*memory_gib = json_number_value(json_object_get(c, "memoryGiB"));
		*vcpu = prop_num(c, "vcpu", 0);
		*hourly = prop_num(c, "hour", 0);
	} else {
		struct diag *d = diag_add(
			dl, DIAG_ERROR, path, 0, 0, NULL,
			"no RDS for PostgreSQL class '%s' (memoryGiB) in the price file", db_class);
		diag_set_hint(d, "add it under rds.postgres from the RDS pricing page");
	}
	json_decref(doc);
	free(path);
	return ok;
}
