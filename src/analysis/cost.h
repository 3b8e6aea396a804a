/*
 * Monthly cost estimate of an assembly, like infracost does for Terraform:
 * every priced resource of every template becomes one or more lines
 * (quantity x unit price = monthly), with the formula as text, so that a
 * reader can check each figure by hand.
 *
 * What is counted comes from the templates (NAT gateways, DB instance class,
 * Multi-AZ, storage, task CPU and memory, desired counts, endpoints x
 * subnets, WAF rules, alarms, ...); volumes that no template states
 * (requests, GB served, log GB, ...) come from the environment's usage
 * assumptions (struct sm_usage of the analysis context, analysis/context.h);
 * unit prices come from a dated price file per region,
 * <prices_dir>/<region>.json (docs/cost.md says how to refresh it).
 * A month is COST_HOURS_PER_MONTH hours (AWS's own convention in its
 * pricing calculator).
 *
 * A `struct cost_report` owns every string and array in it;
 * cost_report_release() frees them and leaves an empty report.
 */
#ifndef SM_COST_H
#define SM_COST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "analysis/context.h"
#include "base/diag.h"

#define COST_HOURS_PER_MONTH 730.0

struct cost_line {
	char *stack;
	char *logical_id;
	char *type;	 /* CloudFormation type, "AWS::EC2::NatGateway" */
	char *component; /* "NAT gateway hours" */
	double quantity;
	char *unit;	   /* "h", "GB", "GB-month", "1M requests", "key-month", ... */
	double unit_price; /* in `currency` per unit */
	double monthly;	   /* quantity x unit_price */
	char *formula;	   /* "730 h x $0.045/h" */
	char *note;	   /* the assumption behind the quantity, or NULL */
};

struct cost_price_file {
	char *path;
	char *region;
	char *date;   /* "2026-12-03": the edition of the price list copied */
	char *source; /* where the figures were copied from */
};

/* One stack's subtotal, in assembly order. */
struct cost_stack {
	char *name;
	char *region;
	double monthly;
};

struct cost_report {
	char *environment; /* ctx->environment, or NULL without a config */
	char *currency;	   /* "USD" */
	struct cost_line *lines;
	size_t nr, alloc;
	struct cost_stack *stacks;
	size_t stacks_nr, stacks_alloc;
	struct cost_price_file *prices; /* one per region priced */
	size_t prices_nr, prices_alloc;
	double total;	     /* sum of lines[].monthly */
	double budget;	     /* ctx->monthly_budget; 0 without a config */
	bool usage_defaults; /* no config given: usage assumptions are the defaults */
};

#define COST_REPORT_INIT                                                                           \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * Price every template of `a`, which should hold one environment: usage
 * volumes shared by an environment (NAT GB, log GB, S3 GB, requests) are
 * split evenly over the resources of all of `a` that carry them.
 * `ctx` may be NULL (sm_context_init's: the usage assumptions are
 * then the documented defaults and there is no budget). `prices_dir` NULL
 * means cost_default_prices_dir(). A missing or malformed price file, or a
 * resource whose price the file lacks (e.g. an RDS class), is an error
 * naming the file and what is missing: -1 with diagnostics (exit 2);
 * `out` is then released. 0 on success.
 */
int cost_estimate(struct sm_assembly *a, const struct sm_context *ctx, const char *prices_dir,
		  struct cost_report *out, struct diag_list *dl);
void cost_report_release(struct cost_report *r);
/*
 * Every quantity the estimate reads from the templates (sizes, counts,
 * periods: cost_inputs.c has the list) must be a finite number, 0 or more;
 * each that is not is an error naming file, line, column and property.
 * Returns how many. cost_estimate() refuses such templates (-1); validate
 * reports them too.
 */
size_t cost_check_quantities(struct sm_assembly *a, struct diag_list *dl);
/* The same for one template. */
size_t cost_check_template_quantities(struct sm_template *t, struct diag_list *dl);
/*
 * The check of one member `key`: `v` of an object inside a resource's
 * Properties, for a walk of its own (validate's cycle check walks every
 * property and checks the quantities on its way): true when `key` is a
 * quantity and `v` is not a finite number, 0 or more (*d its value);
 * cost_quantity_report then adds the error at `path`
 * ("Resources.Db.Properties.AllocatedStorage").
 */
bool cost_quantity_bad(const char *key, const json_t *v, double *d);
void cost_quantity_report(struct sm_template *t, const char *path, const char *key, const json_t *v,
			  double d, struct diag_list *dl);
/*
 * {"environment","currency","priceDate","priceFiles":[...],"monthlyTotal",
 *  "budget":{"monthly","overBudget"}|null,"usageDefaults","stacks":[{name,
 *  region,monthly}],"lines":[{stack,logicalId,type,component,quantity,unit,
 *  unitPrice,monthly,formula,note?}]}. New reference. Money is rounded to
 *  cents except unit prices.
 */
json_t *cost_report_json(const struct cost_report *r);
/* True when there is a budget and the total exceeds it (or is not a number). */
bool cost_over_budget(const struct cost_report *r);

/*
 * The cost difference of a change (`--against DIR`): lines matched by
 * stack, logical ID and component; a line only on one side has 0 on the
 * other. Only lines whose monthly figure differs are kept.
 */
struct cost_delta {
	char *stack;
	char *logical_id;
	char *component;
	double before, after, delta; /* delta = after - before */
};

struct cost_diff {
	struct cost_delta *items;
	size_t nr, alloc;
	double before_total, after_total, delta_total;
};

#define COST_DIFF_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

void cost_compare(const struct cost_report *before, const struct cost_report *after,
		  struct cost_diff *out);
void cost_diff_release(struct cost_diff *d);
/* {"beforeTotal","afterTotal","delta","lines":[{stack,logicalId,component,before,after,delta}]} */
json_t *cost_diff_json(const struct cost_diff *d);

/* The price files' directory: fs_data_path("prices") (base/fsutil.h). Caller frees. */
char *cost_default_prices_dir(void);

/*
 * The checked price document of `region` (see cost_estimate for the checks),
 * new reference; its path in *path_out when not NULL (caller frees). NULL +
 * diag when missing or malformed.
 */
json_t *cost_prices_load(const char *prices_dir, const char *region, char **path_out,
			 struct diag_list *dl);
/*
 * Facts about an RDS instance class from the price file of `region`:
 * memory in GiB and vCPUs; false + diag when the file or class is missing.
 * slo.c derives max_connections from the memory.
 */
bool cost_rds_class_info(const char *prices_dir, const char *region, const char *db_class,
			 double *memory_gib, double *vcpu, double *hourly, struct diag_list *dl);

/*
 * Call `fn` on every resource of every template of `a` (in order) until it
 * returns true; true when one did. `props` may be NULL.
 */
typedef bool (*cost_resource_fn)(void *ctx, const struct sm_template *t, const char *logical_id,
				 const char *type, const json_t *props);
bool cost_each_resource(const struct sm_assembly *a, cost_resource_fn fn, void *ctx);

/*
 * Template property readers shared with slo.c: a number written as a JSON
 * number or a numeric string ("20"), a boolean as true or "true"; `dflt`
 * when absent or not literal (an intrinsic function).
 */
double cost_prop_number(const json_t *props, const char *key, double dflt);
bool cost_prop_bool(const json_t *props, const char *key, bool dflt);

#endif
