/*
 * What the PRD's success metrics cost (issue 18): the same environment
 * priced and judged at each disaster-recovery readiness level, at the PRD
 * sample's sizes and at each step from those sizes to the environment's,
 * and at its autoscaling maximum for a month, so that the report can say
 * what each level costs side by side, what buys what, and what 1,000
 * concurrent users cost.
 *
 * Each point is an assembly the caller synthesized (an analysis cannot
 * build one: the command does, with the configuration overridden, e.g.
 * drReadiness=pilot-light), priced by cost_estimate() and judged by
 * slo_evaluate() exactly as the environment itself: nothing here is a table
 * of prices. A point that could not be synthesized or priced carries its
 * reason (`error`) instead of figures.
 *
 * A `struct tradeoff_report` owns every string and array in it.
 */
#ifndef SM_TRADEOFF_H
#define SM_TRADEOFF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "analysis/context.h"
#include "analysis/slo.h"
#include "base/diag.h"

struct tradeoff_point {
	char *name;    /* "pilot-light", "PRD sample sizes", "databaseInstanceType m6g.large" */
	char *changes; /* the configuration overrides it was synthesized with ("" none) */
	char *error;   /* why it has no figures; NULL: priced and judged */
	char *note; /* what else was set only to synthesize it (a stand-in certificate), or NULL */
	double monthly;
	double composite; /* availability */
	bool availability_meets;
	enum slo_dr_level readiness;	 /* what the templates show */
	double rto_minutes, rpo_minutes; /* of that readiness; -1 unbounded */
	double users;			 /* capacity: concurrent users */
	double target_users;
	bool capacity_meets;
	char *binding_limit;
};

/*
 * Price and judge `a` with `ctx` (cost_estimate, slo_evaluate; NULL data
 * paths are the defaults). `name` and `changes` are copied. 0, or -1 with
 * diagnostics and out->error set to the first message.
 */
int tradeoff_point_eval(struct sm_assembly *a, const struct sm_context *ctx, const char *prices_dir,
			const char *slas_file, const char *name, const char *changes,
			struct tradeoff_point *out, struct diag_list *dl);
/* A point that could not be made: `name`, `changes` and the reason, copied. */
void tradeoff_point_failed(struct tradeoff_point *out, const char *name, const char *changes,
			   const char *error);
void tradeoff_point_release(struct tradeoff_point *p);

struct tradeoff_report {
	struct tradeoff_point current; /* the environment as configured */
	/* the environment at each drReadiness, in enum order; have_levels: evaluated */
	struct tradeoff_point levels[SLO_DR_LEVELS];
	bool have_levels;
	/*
	 * steps[0]: the environment at the PRD sample's sizes; each next step
	 * sets one more key back to the environment's value, so the last is
	 * the environment. steps_nr 0: no PRD sample for this environment
	 * (`prd_note` says why).
	 */
	struct tradeoff_point *steps;
	size_t steps_nr, steps_alloc;
	char *prd_note;
	/* the environment with every task of its autoscaling maximum running all month */
	struct tradeoff_point peak;
	bool have_peak;
};

#define TRADEOFF_REPORT_INIT                                                                       \
	{                                                                                          \
		0                                                                                  \
	}

/* A new step, zeroed, owned by `r`. */
struct tradeoff_point *tradeoff_add_step(struct tradeoff_report *r);
void tradeoff_report_release(struct tradeoff_report *r);

/* monthly / (users / 1,000): the cost of 1,000 concurrent users; -1 without users. */
double tradeoff_per_thousand_users(double monthly, double users);

/*
 * {"current": POINT, "levels": [POINT + {"level","current","deltaMonthly"}],
 *  "prdSample": {"note", "steps": [POINT + {"deltaMonthly","buys"}],
 *                "sampleMonthly", "overSampleMonthly"},
 *  "perThousandUsers": {"users","targetUsers","monthly","atCapacity","atTarget",
 *                       "peakMonthly","peakAtCapacity"}}
 * POINT = {"name","changes","error","note","monthly","composite","availabilityMeets",
 *          "readiness","rtoMinutes","rpoMinutes","maxConcurrentUsers","targetUsers",
 *          "capacityMeets","bindingLimit"}. Money rounded to cents. New reference.
 */
json_t *tradeoff_json(const struct tradeoff_report *r);

#endif
