/*
 * The quantities an estimate reads from a template (sizes, counts, periods)
 * must be finite numbers, 0 or more: "nan", "inf" or "1e309" as a string
 * used to turn the whole JSON estimate into nothing (jansson has no NaN),
 * and a negative size into a negative cost (issue 19, item 7).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/*
 * Every property name cost.c and slo.c read as a quantity, in strcmp order:
 * is_quantity_key binary-searches it ("PerformanceInsights..." sorts before
 * "Period", which was therefore never found).
 */
static const char *const quantity_keys[] = {
	"AllocatedStorage",
	"Cpu",
	"DesiredCapacity",
	"DesiredCount",
	"Iops",
	"MaxCapacity",
	"MaxSize",
	"Memory",
	"MinCapacity",
	"MinSize",
	"PerformanceInsightsRetentionPeriod",
	"Period",
	"RetentionInDays",
	"Size",
	"VolumeSize",
};

static int cmp_key(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

static bool is_quantity_key(const char *k)
{
	/* asked for every scalar of every resource: most keys begin with another letter */
	static const char initials[] = "ACDIMPRSV";
	if (!k[0] || !strchr(initials, k[0]))
		return false;
	return bsearch(k, quantity_keys, sizeof(quantity_keys) / sizeof(quantity_keys[0]),
		       sizeof(quantity_keys[0]), cmp_key) != NULL;
}

/*
 * The number a value holds as the estimate reads it: a JSON number, or the
 * numeric start of a string ("20", "0.25 vCPU"). False when there is none.
 */
static bool quantity_of(const json_t *v, double *d)
{
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return true;
	}
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	char *end;
	*d = strtod(s, &end);
	if (end != s)
		return true;
	/* YAML 1.1's spellings, which our reader keeps as strings: .nan, .inf,
	 * -.inf (strtod knows "nan" and "inf" only); the estimate read them as 0 */
	const char *y = s + (*s == '+' || *s == '-');
	if (!strcmp(y, ".nan") || !strcmp(y, ".NaN") || !strcmp(y, ".NAN")) {
		*d = NAN;
		return true;
	}
	if (!strcmp(y, ".inf") || !strcmp(y, ".Inf") || !strcmp(y, ".INF")) {
		*d = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	return false;
}

/*
 * Values that cannot be a bad quantity whatever their key, told by their type
 * or first byte (asked of every scalar of every resource): an integer 0 or
 * more, true, false, null, and a string strtod reads nothing of that is none
 * of the YAML spellings (it begins with none of: a space, a sign, '.', a
 * digit, i/I for "inf", n/N for "nan").
 */
static bool never_bad(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) >= 0;
	if (!json_is_string(v))
		return !json_is_real(v);
	unsigned char c = (unsigned char)json_string_value(v)[0];
	return !c || !strchr(" \t\n\v\f\r+-.0123456789iInN", c);
}

bool cost_quantity_bad(const char *key, const json_t *v, double *d)
{
	return !never_bad(v) && is_quantity_key(key) && quantity_of(v, d) &&
	       (!isfinite(*d) || *d < 0);
}

void cost_quantity_report(struct sm_template *t, const char *path, const char *key, const json_t *v,
			  double d, struct diag_list *dl)
{
	int line = 0, col = 0;
	sm_template_position(t, path, &line, &col);
	char *text = json_is_string(v) ? xstrfmt("\"%s\"", json_string_value(v)) : xstrfmt("%g", d);
	struct diag *dg = diag_add(dl, DIAG_ERROR, t->file, line, col, path,
				   "'%s' is %s: expected a finite number, 0 or more", key, text);
	diag_set_hint(dg, "write the %s itself, e.g. 20", isfinite(d) ? "size or count" : "number");
	free(text);
}

/*
 * Where walk() is: a chain of keys and indexes on the stack, turned into a
 * path ("Resources.Db.Properties.Tags[0].Size") only for a value it
 * reports; building the path at every key was most of this check's cost.
 */
struct seg {
	const struct seg *up;
	const char *key; /* NULL: an array element */
	size_t index;
};

static void seg_path(const struct seg *s, struct strbuf *path)
{
	if (!s)
		return;
	seg_path(s->up, path);
	if (s->key) {
		if (s->up)
			strbuf_addch(path, '.');
		strbuf_addstr(path, s->key);
	} else {
		strbuf_addch(path, '[');
		strbuf_adduint(path, s->index);
		strbuf_addch(path, ']');
	}
}

static size_t walk(struct sm_template *t, const json_t *v, const struct seg *at,
		   struct diag_list *dl)
{
	size_t bad = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		jio_object_each ((json_t *)v, it, k, x) {
			struct seg here = {at, k, 0};
			double d;
			if (json_is_object(x) || json_is_array(x)) {
				bad += walk(t, x, &here, dl);
			} else if (cost_quantity_bad(k, x, &d)) {
				struct strbuf path = STRBUF_INIT;
				seg_path(&here, &path);
				cost_quantity_report(t, path.buf, k, x, d, dl);
				strbuf_release(&path);
				bad++;
			}
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			if (!json_is_object(x) && !json_is_array(x))
				continue;
			struct seg here = {at, NULL, i};
			bad += walk(t, x, &here, dl);
		}
	}
	return bad;
}

size_t cost_check_template_quantities(struct sm_template *t, struct diag_list *dl)
{
	size_t bad = 0;
	const char *id;
	json_t *res;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
		struct seg resources = {NULL, "Resources", 0};
		struct seg resource = {&resources, id, 0};
		struct seg props = {&resource, "Properties", 0};
		bad += walk(t, json_object_get(res, "Properties"), &props, dl);
	}
	return bad;
}

size_t cost_check_quantities(struct sm_assembly *a, struct diag_list *dl)
{
	size_t bad = 0;
	for (size_t i = 0; i < a->nr; i++)
		bad += cost_check_template_quantities(&a->items[i], dl);
	return bad;
}
