/*
 * Private to the cost estimate (cost.c, cost_prices.c, cost_pricing.c): the state of one estimate
 * and what its parts share.
 */
#ifndef SM_COST_INT_H
#define SM_COST_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "analysis/cost.h"
#include "analysis/refs.h"
#include "base/xalloc.h"

#define H COST_HOURS_PER_MONTH
#define SECONDS_PER_MONTH (COST_HOURS_PER_MONTH * 3600.0)
/* An ALB LCU covers 25 new connections a second (ELB pricing page). */
#define ALB_NEW_CONNECTIONS_PER_LCU 25.0
/* Log groups that never expire: storage counted at a year's ingestion. */
#define LOG_NEVER_EXPIRES_MONTHS 12.0
#define DAYS_PER_MONTH (365.0 / 12.0)

struct price_book {
	char *region;
	char *path;
	json_t *doc;
};

/* What the environment shares between resources (first pass). */
struct counts {
	int nat, buckets, log_groups, interface_endpoints, distributions, albs;
	int waf_regional, waf_cloudfront;
	bool xray_charged;
};

struct est {
	struct sm_assembly *a;
	struct sm_usage u;
	const char *prices_dir;
	const char *default_region;
	struct cost_report *r;
	struct diag_list *dl;
	struct price_book *books;
	size_t books_nr, books_alloc;
	struct counts n;
	const struct sm_template *t; /* template being priced */
	const struct price_book *pb; /* its region's prices */
	bool failed;
};

#define prop_num cost_prop_number
#define prop_bool cost_prop_bool

static inline const char *prop_str(const json_t *props, const char *key)
{
	return json_string_value(json_object_get(props, key));
}

/* The Properties of the resource `v` (a value of the template being priced) names, or NULL. */
static inline const json_t *referred_props(const struct est *e, const json_t *v)
{
	return sm_rref_props(sm_resolve(e->a, (struct sm_template *)e->t, v));
}

static inline size_t array_size(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : 0;
}

/* Money rounded to cents. */
double cost_round_cents(double x);
/*
 * A finite number written as a JSON number or a numeric string ("20"); false
 * otherwise ("nan", "inf", "1e309": cost_check_quantities() reports them).
 */
bool cost_jnum(const json_t *v, double *out);

/* cost_prices.c: the price file of `region`, loaded once per estimate; NULL (and e->failed) when it
 * fails. */
const struct price_book *cost_book_for(struct est *e, const char *region);
/*
 * The price at keys k1.k2[.k3] of the current region's file. A missing one
 * is an error naming the file and the key: an estimate with a silent 0
 * would be wrong without saying so.
 */
double cost_price(struct est *e, const char *k1, const char *k2, const char *k3);
/* <dir>/<region>.json, checked (region, currency, date, source); NULL + diag otherwise. */
json_t *cost_load_price_file(const char *dir, const char *region, char **path_out,
			     struct diag_list *dl);

/* cost.c: a line of the current template, its formula "qty unit x $price/unit". */
struct cost_line *cost_add_line(struct est *e, const char *logical_id, const char *type,
				const char *component, double qty, const char *unit,
				double unit_price);
/* Replace a line's formula or note (the text is already formatted, and owned). */
void cost_set_text(char **field, char *text);
#define line_formula(l, ...) cost_set_text(&(l)->formula, xstrfmt(__VA_ARGS__))
#define line_note(l, ...) cost_set_text(&(l)->note, xstrfmt(__VA_ARGS__))

/*
 * Whether bucket `id` of the current template is the S3 origin of a
 * CloudFront distribution of the assembly (the same or another stack).
 */
bool cost_is_cdn_origin(struct est *e, const char *id);

/* cost_pricing.c: the lines of one resource of the current template (none when it is free or
 * unknown). */
void cost_price_resource(struct est *e, const char *logical_id, const char *type,
			 const json_t *props);

#endif
