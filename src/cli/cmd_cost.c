/*
 * solemate cost: the monthly estimate per resource and stack (like
 * infracost), then availability and capacity against the PRD's targets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/latency.h"
#include "analysis/slo.h"
#include "analysis/tradeoff.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/markdown.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "lib/environments.h"

static const struct cli_command_doc cost_doc = {
	.name = "cost",
	.args = "[PATH...]",
	.max_args = -1,
	.description =
		"Estimate the monthly cost of the templates, per resource and per stack, from the\n"
		"resources they declare, the environment's usage assumptions (config 'usage', "
		"with\n"
		"documented defaults) and a dated price file per region (data/prices/REGION.json,\n"
		"copied from the public AWS price list). Then the composite availability of the\n"
		"request path from the services' published SLAs (target 99.9 %) and the capacity\n"
		"the autoscaling maximum and the database allow (target: "
		"usage.targetConcurrentUsers,\n"
		"50,000 by default), with the limit that binds first and what to change.\n"
		"With PATH inputs there is no config: the default usage assumptions are used and "
		"no\n"
		"budget is compared (the output says so).\n",
	.exit = "0 estimate made, even over budget or below a target (as infracost does: the\n"
		"findings are in the output; gate on the JSON's budget.overBudget,\n"
		"availability.meets or capacity.meetsTarget), 2 bad usage or input (a missing or\n"
		"malformed price file, a price the file lacks)\n",
};

struct opts {
	const char *format;
	const char *against;
	const char *prices;
	const char *slas;
	bool all_lines;
	bool several_units;    /* --against: split its stacks among the units */
	struct strbuf md_head; /* --format markdown: a row per unit, then its details */
	struct strbuf md_body;
	json_t *said; /* "file: message" of the diagnostics printed, across units */
};

/* Each unit's diagnostics, but a stale price file's warning once, not once per unit. */
static void print_diags_once(const struct diag_list *dl, struct opts *o)
{
	bool color = cli_color(stderr);
	if (!o->said)
		o->said = json_object();
	for (size_t i = 0; i < dl->nr; i++) {
		const struct diag *d = &dl->items[i];
		if (cli_quiet && d->severity != DIAG_ERROR)
			continue;
		char *key = xstrfmt("%s: %s", d->file ? d->file : "", d->message);
		if (!json_object_get(o->said, key)) {
			json_object_set_new(o->said, key, json_true());
			diag_print(stderr, d, color);
		}
		free(key);
	}
}

/* One estimate: the templates of one environment (or of the PATHs given). */
static void print_money(double x)
{
	printf("%10.2f", x);
}

static void print_line(const struct cost_line *l)
{
	char qty[48], up[48];
	snprintf(qty, sizeof(qty), "%.6g %s", l->quantity, l->unit);
	snprintf(up, sizeof(up), "$%.6g", l->unit_price);
	printf("  %-30.30s %-38.38s %18s %12s ", l->logical_id, l->component, qty, up);
	print_money(l->monthly);
	printf("\n");
}

static void print_cost_text(const struct cost_report *r, const struct opts *o, bool color)
{
	size_t hidden = 0;
	for (size_t s = 0; s < r->stacks_nr; s++) {
		printf("%s%s%s (%s)\n", color ? "\033[1m" : "", r->stacks[s].name,
		       color ? "\033[0m" : "", r->stacks[s].region);
		printf("  %-30s %-38s %18s %12s %10s\n", "RESOURCE", "COMPONENT", "QUANTITY",
		       "UNIT PRICE", "MONTHLY");
		for (size_t i = 0; i < r->nr; i++) {
			const struct cost_line *l = &r->lines[i];
			if (strcmp(l->stack, r->stacks[s].name))
				continue;
			if (l->monthly == 0 && !o->all_lines) {
				hidden++;
				continue;
			}
			print_line(l);
		}
		printf("  %-102s", "subtotal");
		print_money(r->stacks[s].monthly);
		printf("\n\n");
	}
	printf("%sTOTAL%s %s %.2f / month", color ? "\033[1m" : "", color ? "\033[0m" : "",
	       r->currency, r->total);
	if (r->environment)
		printf(" (%s)", r->environment);
	if (r->budget > 0) {
		bool over = cost_over_budget(r);
		printf("; budget %.2f: %s%s%s", r->budget,
		       color ? (over ? "\033[31m" : "\033[32m") : "",
		       over ? "OVER BUDGET" : "within budget", color ? "\033[0m" : "");
		printf(over ? " by %.2f" : ", %.2f left", fabs(r->budget - r->total));
	} else {
		printf("; no budget (no config)");
	}
	printf("\n");
	for (size_t i = 0; i < r->prices_nr; i++)
		printf("prices: %s (%s, price list of %s)\n", r->prices[i].path,
		       r->prices[i].region, r->prices[i].date);
	if (r->usage_defaults)
		printf("usage: the default assumptions (no config given; see docs/cost.md)\n");
	if (hidden)
		printf("%zu line%s at no charge not shown (--all-lines)\n", hidden,
		       hidden == 1 ? "" : "s");
}

static void print_slo_text(const struct slo_report *s, bool color)
{
	const struct slo_availability *av = &s->availability;
	const struct slo_capacity *c = &s->capacity;
	const char *pass = color ? "\033[32mPASS\033[0m" : "PASS";
	const char *fail = color ? "\033[31mFAIL\033[0m" : "FAIL";

	printf("\n%sAvailability%s (request path, published SLAs in series)\n",
	       color ? "\033[1m" : "", color ? "\033[0m" : "");
	for (size_t i = 0; i < av->nr; i++) {
		const struct slo_component *x = &av->components[i];
		printf("  %-40.40s %8.4f %%  %-44s %s\n", x->name, x->effective * 100, x->resource,
		       x->basis ? x->basis : "");
	}
	if (av->missing)
		printf("  not in these templates: %s (the composite covers only the rest)\n",
		       av->missing);
	printf("  primary path: %s\n", av->formula);
	if (av->dr_nr) {
		printf("  second path (%s):\n", slo_dr_level_name(av->readiness));
		for (size_t i = 0; i < av->dr_nr; i++) {
			const struct slo_component *x = &av->dr_components[i];
			printf("  %-40.40s %8.4f %%  %-44s %s\n", x->name, x->effective * 100,
			       x->resource, x->basis ? x->basis : "");
		}
	}
	if (av->dr_formula)
		printf("  with failover: %s\n", av->dr_formula);
	printf("  disaster recovery by drReadiness (RTO, RPO, availability):\n");
	for (int l = 0; l < SLO_DR_LEVELS; l++) {
		const struct slo_dr_figures *x = &av->levels[l];
		printf("    %-15s%s", slo_dr_level_name(x->level),
		       x->level == av->readiness ? "*" : " ");
		if (x->rto_minutes < 0)
			printf(" RTO -, RPO - (nothing outside the region)");
		else
			printf(" RTO %6.1f min, RPO %4.1f min", x->rto_minutes, x->rpo_minutes);
		if (x->composite >= 0)
			printf(", %.4f %%%s\n", x->composite * 100,
			       x->level == SLO_DR_BACKUP_RESTORE
				       ? " (no live path: restoring takes longer than the outages "
					 "it would cover)"
				       : "");
		else
			printf(", (no standby in these templates to measure)\n");
	}
	printf("  %.4f %% against the target %.1f %%: %s\n", av->composite * 100, av->target * 100,
	       av->meets ? pass : fail);
	if (av->advice)
		printf("  to change: %s\n", av->advice);

	printf("\n%sCapacity%s (target %.0f concurrent users, responses within 200 ms)\n",
	       color ? "\033[1m" : "", color ? "\033[0m" : "", c->target_users);
	if (!c->known) {
		printf("  no ECS service in the templates: not evaluated\n");
		return;
	}
	printf("  tasks: %g desired, %g at the autoscaling maximum (%s)\n", c->desired_tasks,
	       c->max_tasks, c->service);
	printf("  requests: %g tasks x %g req/s = %g req/s; x %g s think time = %.0f users\n",
	       c->max_tasks, c->rps_per_task, c->max_rps, c->think_time_seconds,
	       c->max_concurrent_users_tasks);
	if (c->db_class)
		printf("  database: %g tasks x %g connections = %g needed; %s (%g GiB) allows %g "
		       "(LEAST(memory/9531392, 5000)) = %.0f users\n",
		       c->max_tasks, c->db_connections_per_task, c->db_connections_needed,
		       c->db_class, c->db_memory_gib, c->db_max_connections,
		       c->max_concurrent_users_db);
	size_t i;
	json_t *x;
	printf("  by tier:\n");
	json_array_foreach (c->tiers, i, x) {
		const json_t *l = json_object_get(x, "limitUsers");
		printf("    %-16s", json_string_value(json_object_get(x, "tier")));
		if (json_is_number(l))
			printf(" %8.0f users%s", json_number_value(l),
			       json_is_true(json_object_get(x, "binds")) ? " (binds)" : "        ");
		else
			printf(" %8s      %8s", "-", "");
		printf("  %s\n", json_string_value(json_object_get(x, "basis")));
	}
	printf("  thresholds that follow the sizes:\n");
	json_array_foreach (c->thresholds, i, x)
		printf("    %-27s %-4s %s\n", json_string_value(json_object_get(x, "check")),
		       json_is_true(json_object_get(x, "follows")) ? "ok" : "NO",
		       json_string_value(json_object_get(x, "basis")));
	printf("  binding limit: %s\n", c->binding_limit);
	printf("  %.0f concurrent users against %.0f: %s\n", c->max_concurrent_users,
	       c->target_users, c->meets_target ? pass : fail);
	if (c->advice)
		printf("  to change: %s\n", c->advice);
}

static void print_point_metrics(const struct tradeoff_point *p)
{
	if (p->error) {
		printf("not priced: %s\n", p->error);
		return;
	}
	printf("%8.4f %%  %6.0f users", p->composite * 100, p->users);
	if (p->rto_minutes >= 0)
		printf("  RTO %5.1f min, RPO %4.1f min", p->rto_minutes, p->rpo_minutes);
	else
		printf("  RTO -, RPO -");
	printf("  %s%s\n", p->availability_meets && p->capacity_meets ? "meets both" : "misses ",
	       p->availability_meets && p->capacity_meets ? ""
	       : !p->availability_meets && !p->capacity_meets
		       ? "both"
		       : (!p->availability_meets ? "availability" : "capacity"));
}

/* What the design does for responses under 200 ms, and the alarm that checks it. */
static void print_latency_text(struct sm_assembly *a, const struct sm_context *ctx, bool color)
{
	json_t *l = latency_evaluate(a, ctx);
	const json_t *al = json_object_get(l, "alarm");
	size_t i;
	json_t *x;
	printf("\n%sLatency%s (target: responses under %.0f ms)\n", color ? "\033[1m" : "",
	       color ? "\033[0m" : "", json_number_value(json_object_get(l, "targetMs")));
	json_array_foreach (json_object_get(l, "legs"), i, x) {
		printf("  %s: %s\n", json_string_value(json_object_get(x, "leg")),
		       json_string_value(json_object_get(x, "what")));
		printf("    %s (%s)\n", json_string_value(json_object_get(x, "figure")),
		       json_string_value(json_object_get(x, "source")));
	}
	if (json_is_object(al))
		printf("  alarm: %s, %s %s above %.0f ms for %.0f x %.0f s: %s\n",
		       json_string_value(json_object_get(al, "resource")),
		       json_string_value(json_object_get(al, "metric")),
		       json_string_value(json_object_get(al, "statistic")),
		       json_number_value(json_object_get(al, "thresholdMs")),
		       json_number_value(json_object_get(al, "evaluationPeriods")),
		       json_number_value(json_object_get(al, "periodSeconds")),
		       json_is_true(json_object_get(al, "followsTarget")) ? "at the target"
									  : "ABOVE THE TARGET");
	else
		printf("  alarm: no percentile alarm on the load balancer's TargetResponseTime\n");
	json_decref(l);
}

/* What each drReadiness costs, what meeting the metrics costs over the PRD's sizes, per 1,000
 * users. */
static void print_tradeoff_text(const struct tradeoff_report *t, bool color)
{
	const struct tradeoff_point *c = &t->current;
	printf("\n%sWhat the metrics cost%s (each figure: the environment synthesized with the "
	       "change, priced and judged)\n",
	       color ? "\033[1m" : "", color ? "\033[0m" : "");
	if (c->error) {
		printf("  not available: %s\n", c->error);
		return;
	}
	printf("  by drReadiness:      monthly     vs now  availability  capacity     recovery\n");
	for (int l = 0; t->have_levels && l < SLO_DR_LEVELS; l++) {
		const struct tradeoff_point *p = &t->levels[l];
		printf("    %-15s%s", p->name, (enum slo_dr_level)l == c->readiness ? "*" : " ");
		if (!p->error)
			printf("%10.2f %+10.2f  ", p->monthly, p->monthly - c->monthly);
		print_point_metrics(p);
		if (p->note)
			printf("      (%s)\n", p->note);
	}
	if (!t->steps_nr) {
		printf("  over the PRD sample's sizes: %s\n", t->prd_note ? t->prd_note : "n/a");
	} else {
		printf("  over the PRD sample's sizes (%s):\n",
		       *t->steps[0].changes ? t->steps[0].changes : "the same as this environment");
		for (size_t i = 0; i < t->steps_nr; i++) {
			const struct tradeoff_point *p = &t->steps[i];
			printf("    %-44.44s", p->name);
			if (!p->error)
				printf(i ? " %+10.2f  " : " %10.2f  ",
				       i ? p->monthly - t->steps[i - 1].monthly : p->monthly);
			print_point_metrics(p);
		}
		const struct tradeoff_point *s0 = &t->steps[0];
		if (t->steps_nr == 1)
			printf("    this environment has the PRD sample's sizes\n");
		else if (!s0->error)
			printf("    meeting the metrics costs %+.2f a month over the PRD sample's "
			       "sizes (%.2f -> %.2f)\n",
			       c->monthly - s0->monthly, s0->monthly, c->monthly);
	}
	if (c->users > 0) {
		printf("  per 1,000 concurrent users: %.2f a month at capacity (%.0f users), %.2f "
		       "at the target (%.0f)",
		       tradeoff_per_thousand_users(c->monthly, c->users), c->users,
		       tradeoff_per_thousand_users(c->monthly, c->target_users), c->target_users);
		if (t->have_peak && !t->peak.error)
			printf("; %.2f with the autoscaling maximum running all month (%s: %.2f)",
			       tradeoff_per_thousand_users(t->peak.monthly, c->users),
			       t->peak.changes, t->peak.monthly);
		printf("\n");
	}
}

static void print_diff_text(const struct cost_diff *d, const char *dir)
{
	printf("\nCost difference against %s (current minus %s)\n", dir, dir);
	printf("  %-28s %-30s %-34s %10s %10s %10s\n", "STACK", "RESOURCE", "COMPONENT", "BEFORE",
	       "AFTER", "DELTA");
	for (size_t i = 0; i < d->nr; i++) {
		const struct cost_delta *x = &d->items[i];
		printf("  %-28.28s %-30.30s %-34.34s %10.2f %10.2f %+10.2f\n", x->stack,
		       x->logical_id, x->component, x->before, x->after, x->delta);
	}
	printf("  total %.2f -> %.2f: %+.2f / month\n", d->before_total, d->after_total,
	       d->delta_total);
}

/* The length of the name prefix every stack of `a` shares ("SolemateStaging"). */
static size_t common_prefix(const struct sm_assembly *a)
{
	if (!a->nr)
		return 0;
	size_t n = strlen(a->items[0].stack_name);
	for (size_t i = 1; i < a->nr; i++) {
		size_t k = 0;
		while (k < n && a->items[i].stack_name[k] == a->items[0].stack_name[k])
			k++;
		n = k;
	}
	return n;
}

/*
 * The stacks of the --against assembly that belong to this unit: those it
 * synthesizes, and those it no longer has whose names carry its stacks'
 * common prefix (a stack removed from the environment). With several units
 * (--env all), pricing every unit against the whole assembly counted the
 * other environments' stacks as removed and shared usage among them.
 */
static void restrict_before(const struct sm_assembly *unit, const struct sm_assembly *all,
			    struct sm_assembly *out)
{
	size_t pn = common_prefix(unit);
	const char *prefix = unit->nr ? unit->items[0].stack_name : "";
	for (size_t i = 0; i < all->nr; i++) {
		const struct sm_template *t = &all->items[i];
		bool mine = sm_assembly_find(unit, t->stack_name) ||
			    (pn >= 8 && !strncmp(t->stack_name, prefix, pn));
		if (mine)
			sm_assembly_add(out, t->file, t->stack_name, t->region,
					json_incref(t->tmpl));
	}
}

static void md_money(struct strbuf *sb, double x, bool sign)
{
	strbuf_addf(sb, sign ? "%+.2f" : "%.2f", x);
}

/* A row of the summary table and, when it changed, the unit's lines folded. */
static void markdown_unit(struct opts *o, const char *name, const struct cost_report *r,
			  const struct cost_diff *d)
{
	struct strbuf *h = &o->md_head, *b = &o->md_body;
	strbuf_addstr(h, "| ");
	md_text(h, name);
	strbuf_addstr(h, " | ");
	if (d) {
		md_money(h, d->before_total, false);
		strbuf_addstr(h, " | ");
	}
	md_money(h, r->total, false);
	if (d) {
		strbuf_addstr(h, " | **");
		md_money(h, d->delta_total, true);
		strbuf_addstr(h, "**");
	}
	strbuf_addf(h, " | %s |\n",
		    r->budget > 0 ? (cost_over_budget(r) ? "over budget" : "within budget") : "");
	if (!d || !d->nr)
		return;
	md_details_begin(b, "%s: %zu line%s changed, %+.2f %s / month", name, d->nr,
			 d->nr == 1 ? "" : "s", d->delta_total, r->currency ? r->currency : "USD");
	md_table_head(b, "stack", "resource", "component", "before", "after", "delta", NULL);
	size_t left = 0;
	for (size_t i = 0; i < d->nr; i++) {
		const struct cost_delta *x = &d->items[i];
		if (b->len + h->len > MD_COMMENT_BUDGET) {
			left++;
			continue;
		}
		strbuf_addstr(b, "| ");
		md_text(b, x->stack);
		strbuf_addstr(b, " | ");
		md_code(b, x->logical_id, true);
		strbuf_addstr(b, " | ");
		md_text(b, x->component);
		strbuf_addstr(b, " | ");
		md_money(b, x->before, false);
		strbuf_addstr(b, " | ");
		md_money(b, x->after, false);
		strbuf_addstr(b, " | ");
		md_money(b, x->delta, true);
		strbuf_addstr(b, " |\n");
	}
	if (left)
		strbuf_addf(b,
			    "\n%zu more lines not shown: run `solemate cost --against` for all.\n",
			    left);
	md_details_end(b);
}

/* Load `u`'s config (when it has one) and assembly, and evaluate both analyses. */
static int run_unit(const struct cli_unit *u, struct opts *o, json_t *all, bool color, bool first)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct env_config cfg;
	bool have_cfg = false;
	struct sm_assembly a, before_a, against_a;
	struct cost_report r = COST_REPORT_INIT, before = COST_REPORT_INIT;
	struct slo_report s = SLO_REPORT_INIT;
	struct cost_diff d = COST_DIFF_INIT;
	struct tradeoff_report t = TRADEOFF_REPORT_INIT;
	bool have_before = false;
	int code = SM_EXIT_USAGE;

	sm_assembly_init(&a);
	sm_assembly_init(&before_a);
	sm_assembly_init(&against_a);
	if (cli_unit_load(u, &cfg, &have_cfg, &a, &dl) < 0)
		goto out;
	struct sm_context ctx;
	cli_context_from_config(have_cfg ? &cfg : NULL, &ctx);
	if (cost_estimate(&a, &ctx, o->prices, &r, &dl) < 0)
		goto out;
	if (slo_evaluate(&a, &ctx, o->slas, o->prices, &s, &dl) < 0)
		goto out;
	if (have_cfg && strcmp(o->format, "markdown"))
		cli_tradeoff_evaluate(u, &cfg, &a, &ctx, o->prices, o->slas, &t);
	if (o->against) {
		if (sm_assembly_load_path(&against_a, o->against, &dl) < 0)
			goto out;
		if (o->several_units)
			restrict_before(&a, &against_a, &before_a);
		struct sm_assembly *ba = o->several_units ? &before_a : &against_a;
		if (cost_estimate(ba, &ctx, o->prices, &before, &dl) < 0)
			goto out;
		have_before = true;
		cost_compare(&before, &r, &d);
	}
	if (!strcmp(o->format, "json")) {
		json_t *j = cost_report_json(&r);
		if (!j) {
			/* never an answer without the estimate: a budget gate would read it as a
			 * pass */
			diag_add(&dl, DIAG_ERROR, u->name, 0, 0, NULL,
				 "the estimate cannot be written as JSON (a figure is not a "
				 "number)");
			goto out;
		}
		/* a unit without an environment's configuration (the account baseline) */
		if (u->config_path && json_is_null(json_object_get(j, "environment")))
			json_object_set_new(j, "environment", json_string(u->name));
		json_object_set_new(j, "availability", slo_availability_json(&s.availability));
		json_object_set_new(j, "capacity", slo_capacity_json(&s.capacity));
		json_object_set_new(j, "latency", latency_evaluate(&a, &ctx));
		json_object_set_new(j, "metricsCost", have_cfg ? tradeoff_json(&t) : json_null());
		if (have_before) {
			json_t *dj = cost_diff_json(&d);
			json_object_set_new(dj, "against", json_string(o->against));
			json_object_set_new(j, "diff", dj);
		}
		json_array_append_new(all, j);
	} else if (!strcmp(o->format, "markdown")) {
		markdown_unit(o, u->name, &r, have_before ? &d : NULL);
	} else {
		if (!first)
			printf("\n");
		if (u->config_path)
			printf("%s== %s ==%s\n", color ? "\033[1m" : "", u->name,
			       color ? "\033[0m" : "");
		print_cost_text(&r, o, color);
		print_slo_text(&s, color);
		print_latency_text(&a, &ctx, color);
		if (have_cfg)
			print_tradeoff_text(&t, color);
		if (have_before)
			print_diff_text(&d, o->against);
	}
	code = SM_EXIT_OK;
out:
	print_diags_once(&dl, o);
	diag_list_release(&dl);
	cost_diff_release(&d);
	tradeoff_report_release(&t);
	cost_report_release(&before);
	cost_report_release(&r);
	slo_report_release(&s);
	sm_assembly_release(&before_a);
	sm_assembly_release(&against_a);
	sm_assembly_release(&a);
	if (have_cfg)
		env_config_release(&cfg);
	return code;
}

/* The comment: a title, a row per environment, each one's changed lines folded. */
static void print_markdown(const struct opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "### solemate cost");
	if (o->against) {
		strbuf_addstr(&sb, " against ");
		md_code(&sb, o->against, false);
	}
	strbuf_addstr(&sb, " (per month)\n\n");
	if (o->against)
		md_table_head(&sb, "environment", "before", "after", "change", "budget", NULL);
	else
		md_table_head(&sb, "environment", "estimate", "budget", NULL);
	strbuf_add(&sb, o->md_head.buf, o->md_head.len);
	strbuf_addch(&sb, '\n');
	strbuf_add(&sb, o->md_body.buf, o->md_body.len);
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

int cmd_cost(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct opts o = {.format = "text"};
	struct diag_list dl = DIAG_LIST_INIT;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &o.format, "text|json|markdown",
			   "text (default), json, or markdown (a pull-request comment: a row\n"
			   "per environment, with --against its changed lines folded)"),
		OPT_FILE(0, "against", &o.against, "DIR",
			 "also price the assembly in DIR (e.g. the deployed cdk.out) and show\n"
			 "the difference per line and in total (current minus DIR)"),
		OPT_FILE(0, "prices", &o.prices, "DIR",
			 "price files directory (default: data/prices)"),
		OPT_FILE(0, "slas", &o.slas, "FILE", "SLA data file (default: data/slas.json)"),
		OPT_BOOL(0, "all-lines", &o.all_lines,
			 "text: also list the lines that cost nothing"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &cost_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);
	if (o.prices && !fs_is_dir(o.prices))
		return cli_usage_error("cost", "'%s' is not a directory of price files", o.prices);
	if (o.against && !fs_exists(o.against))
		return cli_usage_error("cost",
				       "'%s' does not exist (--against wants an assembly "
				       "directory or a template)",
				       o.against);

	/* the templates and every value derived from them live until exit: one arena */
	arena_begin();
	struct cli_unit *units = NULL;
	/* no input at all: ./cdk.out if there is one, else every environment */
	if (!in.env_nr && !in.config_nr && !in.path_nr) {
		static const char *cdk_out[] = {"cdk.out"};
		if (fs_exists("cdk.out/manifest.json")) {
			in.paths = cdk_out;
			in.path_nr = 1;
		} else {
			in.envs[in.env_nr++] = "all";
		}
	}
	size_t nr = cli_split_units(&in, &units, &dl);
	int code = diag_count(&dl, DIAG_ERROR) ? SM_EXIT_USAGE : SM_EXIT_OK;
	cli_print_diags(&dl);
	diag_list_release(&dl);
	json_t *all = json_array();
	bool color = cli_color(stdout);
	o.several_units = nr > 1;
	strbuf_init(&o.md_head, 0);
	strbuf_init(&o.md_body, 0);
	for (size_t i = 0; i < nr && code == SM_EXIT_OK; i++)
		code = run_unit(&units[i], &o, all, color, i == 0);
	if (code == SM_EXIT_OK && !strcmp(o.format, "markdown"))
		print_markdown(&o);
	strbuf_release(&o.md_head);
	strbuf_release(&o.md_body);
	json_decref(o.said);
	if (code == SM_EXIT_OK && !json_array_size(all) && !strcmp(o.format, "json"))
		code = cli_usage_error("cost", "no environment or template to estimate");
	if (code == SM_EXIT_OK && !strcmp(o.format, "json")) {
		json_t *out = json_array_size(all) == 1 ? json_incref(json_array_get(all, 0))
							: json_pack("{sO}", "environments", all);
		char *s = jio_dump_json(out, NULL); /* malloc, not the arena */
		fputs(s, stdout);
		free(s);
		json_decref(out);
	}
	json_decref(all);
	cli_units_free(units, nr);
	arena_end();
	return cli_finish_stdout(code);
}
