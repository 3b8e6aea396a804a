/*
 * What the metrics cost: points priced and judged as the environment is
 * (tradeoff.h).
 */
#include "analysis/tradeoff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/cost_int.h" /* cost_round_cents */
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static void point_init(struct tradeoff_point *out, const char *name, const char *changes)
{
	memset(out, 0, sizeof(*out));
	out->name = xstrdup(name ? name : "");
	out->changes = xstrdup(changes ? changes : "");
	out->rto_minutes = out->rpo_minutes = -1;
}

void tradeoff_point_failed(struct tradeoff_point *out, const char *name, const char *changes,
			   const char *error)
{
	point_init(out, name, changes);
	out->error = xstrdup(error ? error : "unknown error");
}

int tradeoff_point_eval(struct sm_assembly *a, const struct sm_context *ctx, const char *prices_dir,
			const char *slas_file, const char *name, const char *changes,
			struct tradeoff_point *out, struct diag_list *dl)
{
	struct cost_report c = COST_REPORT_INIT;
	struct slo_report s = SLO_REPORT_INIT;
	size_t first = dl->nr;
	point_init(out, name, changes);
	if (cost_estimate(a, ctx, prices_dir, &c, dl) < 0 ||
	    slo_evaluate(a, ctx, slas_file, prices_dir, &s, dl) < 0) {
		out->error = xstrdup(dl->nr > first ? dl->items[first].message : "not evaluated");
		cost_report_release(&c);
		return -1;
	}
	const struct slo_availability *av = &s.availability;
	out->monthly = c.total;
	out->composite = av->composite;
	out->availability_meets = av->meets;
	out->readiness = av->readiness;
	out->rto_minutes = av->levels[av->readiness].rto_minutes;
	out->rpo_minutes = av->levels[av->readiness].rpo_minutes;
	out->users = s.capacity.known ? s.capacity.max_concurrent_users : 0;
	out->target_users = s.capacity.target_users;
	out->capacity_meets = s.capacity.known && s.capacity.meets_target;
	if (s.capacity.binding_limit)
		out->binding_limit = xstrdup(s.capacity.binding_limit);
	cost_report_release(&c);
	slo_report_release(&s);
	return 0;
}

void tradeoff_point_release(struct tradeoff_point *p)
{
	free(p->name);
	free(p->changes);
	free(p->error);
	free(p->note);
	free(p->binding_limit);
	memset(p, 0, sizeof(*p));
}

struct tradeoff_point *tradeoff_add_step(struct tradeoff_report *r)
{
	ALLOC_GROW(r->steps, r->steps_nr + 1, r->steps_alloc);
	struct tradeoff_point *p = &r->steps[r->steps_nr++];
	memset(p, 0, sizeof(*p));
	return p;
}

void tradeoff_report_release(struct tradeoff_report *r)
{
	tradeoff_point_release(&r->current);
	for (int l = 0; l < SLO_DR_LEVELS; l++)
		tradeoff_point_release(&r->levels[l]);
	for (size_t i = 0; i < r->steps_nr; i++)
		tradeoff_point_release(&r->steps[i]);
	free(r->steps);
	free(r->prd_note);
	tradeoff_point_release(&r->peak);
	memset(r, 0, sizeof(*r));
}

double tradeoff_per_thousand_users(double monthly, double users)
{
	return users > 0 ? monthly / (users / 1000.0) : -1;
}

static json_t *money(double x)
{
	return json_real(cost_round_cents(x));
}

static json_t *or_null(double x)
{
	return x < 0 ? json_null() : json_real(x);
}

static json_t *point_json(const struct tradeoff_point *p)
{
	json_t *o = json_pack("{ss ss ss* ss*}", "name", p->name, "changes", p->changes, "error",
			      p->error, "note", p->note);
	if (p->error)
		return o;
	json_object_set_new(o, "monthly", money(p->monthly));
	json_object_set_new(o, "composite", json_real(p->composite));
	json_object_set_new(o, "availabilityMeets", json_boolean(p->availability_meets));
	json_object_set_new(o, "readiness", json_string(slo_dr_level_name(p->readiness)));
	json_object_set_new(o, "rtoMinutes", or_null(p->rto_minutes));
	json_object_set_new(o, "rpoMinutes", or_null(p->rpo_minutes));
	json_object_set_new(o, "maxConcurrentUsers", json_real(p->users));
	json_object_set_new(o, "targetUsers", json_real(p->target_users));
	json_object_set_new(o, "capacityMeets", json_boolean(p->capacity_meets));
	json_object_set_new(o, "bindingLimit",
			    p->binding_limit ? json_string(p->binding_limit) : json_null());
	return o;
}

/* What step `to` buys over `from`: the metrics that moved. Caller frees. */
static char *buys(const struct tradeoff_point *from, const struct tradeoff_point *to)
{
	struct strbuf sb = STRBUF_INIT;
	if (fabs(to->users - from->users) >= 0.5)
		strbuf_addf(&sb, "capacity %.0f -> %.0f users%s", from->users, to->users,
			    to->capacity_meets && !from->capacity_meets	  ? " (meets the target)"
			    : !to->capacity_meets && from->capacity_meets ? " (below the target)"
									  : "");
	if (fabs(to->composite - from->composite) >= 5e-7)
		strbuf_addf(&sb, "%savailability %.4f %% -> %.4f %%%s", sb.len ? "; " : "",
			    from->composite * 100, to->composite * 100,
			    to->availability_meets && !from->availability_meets
				    ? " (meets the target)"
			    : !to->availability_meets && from->availability_meets
				    ? " (below the target)"
				    : "");
	if (to->readiness != from->readiness || fabs(to->rpo_minutes - from->rpo_minutes) > 1e-9)
		strbuf_addf(&sb, "%sdisaster recovery %s -> %s", sb.len ? "; " : "",
			    slo_dr_level_name(from->readiness), slo_dr_level_name(to->readiness));
	if (!sb.len)
		strbuf_addstr(&sb, "no change in the metrics the report measures");
	return strbuf_detach(&sb, NULL);
}

static json_t *levels_json(const struct tradeoff_report *r)
{
	json_t *arr = json_array();
	for (int l = 0; l < SLO_DR_LEVELS; l++) {
		const struct tradeoff_point *p = &r->levels[l];
		json_t *o = point_json(p);
		json_object_set_new(o, "level",
				    json_string(slo_dr_level_name((enum slo_dr_level)l)));
		json_object_set_new(o, "current",
				    json_boolean(!r->current.error &&
						 (enum slo_dr_level)l == r->current.readiness));
		if (!p->error && !r->current.error)
			json_object_set_new(o, "deltaMonthly",
					    money(p->monthly - r->current.monthly));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *prd_json(const struct tradeoff_report *r)
{
	json_t *steps = json_array();
	for (size_t i = 0; i < r->steps_nr; i++) {
		const struct tradeoff_point *p = &r->steps[i];
		json_t *o = point_json(p);
		if (i && !p->error && !r->steps[i - 1].error) {
			char *b = buys(&r->steps[i - 1], p);
			json_object_set_new(o, "deltaMonthly",
					    money(p->monthly - r->steps[i - 1].monthly));
			json_object_set_new(o, "buys", json_string(b));
			free(b);
		}
		json_array_append_new(steps, o);
	}
	json_t *o = json_pack("{ss* so}", "note", r->prd_note, "steps", steps);
	const struct tradeoff_point *first = r->steps_nr ? &r->steps[0] : NULL;
	if (first && !first->error && !r->current.error) {
		json_object_set_new(o, "sampleMonthly", money(first->monthly));
		json_object_set_new(o, "overSampleMonthly",
				    money(r->current.monthly - first->monthly));
	}
	return o;
}

static json_t *per_thousand_json(const struct tradeoff_report *r)
{
	const struct tradeoff_point *c = &r->current;
	if (c->error)
		return json_null();
	json_t *o = json_pack("{sf sf}", "users", c->users, "targetUsers", c->target_users);
	json_object_set_new(o, "monthly", money(c->monthly));
	json_object_set_new(
		o, "atCapacity",
		or_null(cost_round_cents(tradeoff_per_thousand_users(c->monthly, c->users))));
	json_object_set_new(o, "atTarget",
			    or_null(cost_round_cents(
				    tradeoff_per_thousand_users(c->monthly, c->target_users))));
	bool peak = r->have_peak && !r->peak.error;
	json_object_set_new(o, "peakMonthly", peak ? money(r->peak.monthly) : json_null());
	json_object_set_new(o, "peakAtCapacity",
			    peak ? or_null(cost_round_cents(
					   tradeoff_per_thousand_users(r->peak.monthly, c->users)))
				 : json_null());
	json_object_set_new(o, "peakChanges",
			    r->have_peak ? json_string(r->peak.changes) : json_null());
	if (r->have_peak && r->peak.error)
		json_object_set_new(o, "peakError", json_string(r->peak.error));
	return o;
}

json_t *tradeoff_json(const struct tradeoff_report *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "current", point_json(&r->current));
	json_object_set_new(o, "levels", r->have_levels ? levels_json(r) : json_array());
	json_object_set_new(o, "prdSample", prd_json(r));
	json_object_set_new(o, "perThousandUsers", per_thousand_json(r));
	return o;
}
