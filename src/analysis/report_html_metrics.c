/*
 * The report's sections on the success metrics beyond the model's figures:
 * what the design does for latency (facts "latency", analysis/latency.h) and
 * what the metrics cost (facts "metricsCost", analysis/tradeoff.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check_ctx.h" /* jget, jstr */
#include "analysis/report_html_int.h"
#include "base/common.h"
#include "base/xalloc.h"

#define NUM(o, key) json_number_value(json_object_get((o), key))

/* "+$12.34" or "-$12.34" */
static void signed_money(struct strbuf *o, const json_t *v, const char *currency)
{
	double x = json_number_value(v);
	strbuf_addstr(o, x < 0 ? "-" : "+");
	json_t *abs_v = json_real(fabs(x));
	rh_add_money(o, abs_v, currency);
	json_decref(abs_v);
}

static void minutes_cell(struct strbuf *o, const json_t *v)
{
	if (json_is_number(v))
		strbuf_addf(o, "<td class=\"num\">%.1f</td>", json_number_value(v));
	else
		strbuf_addstr(o, "<td class=\"num\">-</td>");
}

/* monthly, availability with its verdict, users with theirs; or the reason it has none */
static void point_cells(struct strbuf *o, const json_t *p, const char *currency, bool delta,
			bool recovery)
{
	const char *err = jstr(json_object_get(p, "error"));
	if (err) {
		strbuf_addf(o, "<td colspan=\"%d\" class=\"na\">not priced: ",
			    4 + delta + 2 * recovery);
		rh_esc(o, err);
		strbuf_addstr(o, "</td>");
		return;
	}
	strbuf_addstr(o, "<td class=\"num\">");
	rh_add_money(o, json_object_get(p, "monthly"), currency);
	strbuf_addstr(o, "</td>");
	if (delta) {
		strbuf_addstr(o, "<td class=\"num\">");
		const json_t *d = json_object_get(p, "deltaMonthly");
		if (json_is_number(d))
			signed_money(o, d, currency);
		strbuf_addstr(o, "</td>");
	}
	strbuf_addstr(o, "<td class=\"num\">");
	rh_add_percent(o, NUM(p, "composite"), 4);
	strbuf_addstr(o, " ");
	rh_badge(o, json_is_true(json_object_get(p, "availabilityMeets")), "PASS", "FAIL");
	strbuf_addstr(o, "</td>");
	if (recovery) {
		minutes_cell(o, json_object_get(p, "rtoMinutes"));
		minutes_cell(o, json_object_get(p, "rpoMinutes"));
	}
	strbuf_addstr(o, "<td class=\"num\">");
	rh_add_number(o, NUM(p, "maxConcurrentUsers"), 0);
	strbuf_addstr(o, " ");
	rh_badge(o, json_is_true(json_object_get(p, "capacityMeets")), "PASS", "FAIL");
	strbuf_addstr(o, "</td>");
}

static void levels_table(struct strbuf *o, const json_t *m, const char *currency)
{
	static const char *const cols[] = {"drReadiness",   "#Monthly",	  "#vs this design",
					   "#Availability", "#RTO (min)", "#RPO (min)",
					   "#Users",	    NULL};
	size_t i;
	json_t *x;
	strbuf_addstr(o, "<h3>Each disaster-recovery readiness level</h3>\n<table>");
	rh_head_row(o, cols);
	strbuf_addstr(o, "<tbody>\n");
	json_array_foreach (json_object_get(m, "levels"), i, x) {
		strbuf_addstr(o, "<tr><td>");
		rh_esc(o, jstr(json_object_get(x, "level")));
		if (json_is_true(json_object_get(x, "current")))
			strbuf_addstr(o, " (this design)");
		if (jstr(json_object_get(x, "note"))) {
			strbuf_addstr(o, "<br><span class=\"note\">");
			rh_esc(o, jstr(json_object_get(x, "note")));
			strbuf_addstr(o, "</span>");
		}
		strbuf_addstr(o, "</td>");
		point_cells(o, x, currency, true, true);
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</tbody></table>\n");
}

static void prd_table(struct strbuf *o, const json_t *m, const char *currency)
{
	static const char *const cols[] = {"Step",	    "Settings", "#Monthly", "#Change",
					   "#Availability", "#Users",	"Buys",	    NULL};
	const json_t *prd = json_object_get(m, "prdSample");
	const json_t *steps = json_object_get(prd, "steps");
	strbuf_addstr(o, "<h3>Over the PRD sample's sizes</h3>\n");
	if (!json_array_size(steps)) {
		strbuf_addstr(o, "<p class=\"na\">");
		rh_esc(o, jstr(json_object_get(prd, "note")));
		strbuf_addstr(o, "</p>\n");
		return;
	}
	strbuf_addstr(o, "<p class=\"note\">");
	rh_esc(o, jstr(json_object_get(prd, "note")));
	strbuf_addstr(o, "; each step sets one more key back to this environment's value.</p>\n"
			 "<table>");
	rh_head_row(o, cols);
	strbuf_addstr(o, "<tbody>\n");
	size_t i;
	json_t *x;
	json_array_foreach (steps, i, x) {
		strbuf_addstr(o, "<tr>");
		rh_cell(o, NULL, jstr(json_object_get(x, "name")));
		const char *set = jstr(json_object_get(x, "changes"));
		rh_cell(o, set && *set ? "mono" : NULL, set && *set ? set : "(this environment)");
		if (jstr(json_object_get(x, "error"))) {
			point_cells(o, x, currency, true, false);
			strbuf_addstr(o, "</tr>\n");
			continue;
		}
		strbuf_addstr(o, "<td class=\"num\">");
		rh_add_money(o, json_object_get(x, "monthly"), currency);
		strbuf_addstr(o, "</td><td class=\"num\">");
		if (json_is_number(json_object_get(x, "deltaMonthly")))
			signed_money(o, json_object_get(x, "deltaMonthly"), currency);
		strbuf_addstr(o, "</td><td class=\"num\">");
		rh_add_percent(o, NUM(x, "composite"), 4);
		strbuf_addstr(o, "</td><td class=\"num\">");
		rh_add_number(o, NUM(x, "maxConcurrentUsers"), 0);
		strbuf_addstr(o, "</td>");
		rh_cell(o, NULL, jstr(json_object_get(x, "buys")) ?: "");
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</tbody></table>\n");
	if (json_is_number(json_object_get(prd, "overSampleMonthly"))) {
		strbuf_addstr(o, "<p>Meeting the metrics costs <b>");
		rh_add_money(o, json_object_get(prd, "overSampleMonthly"), currency);
		strbuf_addstr(o, "</b> a month over the PRD sample's sizes (");
		rh_add_money(o, json_object_get(prd, "sampleMonthly"), currency);
		strbuf_addstr(o, " at its sizes).</p>\n");
	}
}

static void per_thousand(struct strbuf *o, const json_t *m, const char *currency)
{
	const json_t *k = json_object_get(m, "perThousandUsers");
	if (!json_is_object(k) || !json_is_number(json_object_get(k, "atCapacity")))
		return;
	strbuf_addstr(o, "<h3>Per 1,000 concurrent users</h3>\n<table>\n");
	struct strbuf v = STRBUF_INIT;
	rh_add_money(&v, json_object_get(k, "atCapacity"), currency);
	strbuf_addstr(&v, " a month: ");
	rh_add_money(&v, json_object_get(k, "monthly"), currency);
	strbuf_addstr(&v, " / ");
	rh_add_number(&v, NUM(k, "users"), 0);
	strbuf_addstr(&v, " users the design carries × 1,000");
	rh_kv_row(o, "At capacity", v.buf);
	strbuf_reset(&v);
	rh_add_money(&v, json_object_get(k, "atTarget"), currency);
	strbuf_addstr(&v, " a month: the same month over the target's ");
	rh_add_number(&v, NUM(k, "targetUsers"), 0);
	rh_kv_row(o, "At the target", v.buf);
	if (json_is_number(json_object_get(k, "peakAtCapacity"))) {
		strbuf_reset(&v);
		rh_add_money(&v, json_object_get(k, "peakAtCapacity"), currency);
		strbuf_addstr(&v, " a month: ");
		rh_add_money(&v, json_object_get(k, "peakMonthly"), currency);
		strbuf_addstr(&v, " priced with <code>");
		rh_esc(&v, jstr(json_object_get(k, "peakChanges")));
		strbuf_addstr(&v, "</code>");
		rh_kv_row(o, "Autoscaling maximum all month", v.buf);
	}
	strbuf_release(&v);
	strbuf_addstr(o, "</table>\n");
}

void rh_metrics_cost_section(struct strbuf *o, const json_t *facts)
{
	const json_t *m = json_object_get(facts, "metricsCost");
	const char *currency = jstr(jget(json_object_get(facts, "cost"), "currency"));
	strbuf_addstr(o, "<section id=\"metrics-cost\"><h2>What the metrics cost</h2>\n");
	if (!json_is_object(m)) {
		strbuf_addstr(o, "<p class=\"na\">not evaluated: templates without an "
				 "environment's configuration</p>\n</section>\n");
		return;
	}
	const char *err = jstr(jget(m, "current.error"));
	if (err) {
		strbuf_addstr(o, "<p class=\"na\">not available: ");
		rh_esc(o, err);
		strbuf_addstr(o, "</p>\n</section>\n");
		return;
	}
	strbuf_addstr(o, "<p class=\"note\">Each row is this environment synthesized again with "
			 "the settings shown, priced and judged as the rest of this report.</p>\n");
	levels_table(o, m, currency);
	prd_table(o, m, currency);
	per_thousand(o, m, currency);
	strbuf_addstr(o, "</section>\n");
}

void rh_latency_section(struct strbuf *o, const json_t *facts)
{
	const json_t *l = json_object_get(facts, "latency");
	const json_t *al = json_object_get(l, "alarm");
	strbuf_addstr(o, "<section id=\"latency\"><h2>Latency</h2>\n");
	if (!json_is_object(l)) {
		strbuf_addstr(o, "<p class=\"na\">not evaluated</p>\n</section>\n");
		return;
	}
	strbuf_addf(o, "<p>Target: responses under %.0f ms (PRD). ", NUM(l, "targetMs"));
	rh_esc(o, jstr(json_object_get(l, "note")));
	strbuf_addstr(o, "</p>\n<table>");
	static const char *const cols[] = {"Leg", "What the design does", "Figure (source)", NULL};
	rh_head_row(o, cols);
	strbuf_addstr(o, "<tbody>\n");
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(l, "legs"), i, x) {
		strbuf_addstr(o, "<tr>");
		rh_cell(o, NULL, jstr(json_object_get(x, "leg")));
		rh_cell(o, NULL, jstr(json_object_get(x, "what")));
		strbuf_addstr(o, "<td>");
		rh_esc(o, jstr(json_object_get(x, "figure")));
		strbuf_addstr(o, "<br><span class=\"note mono\">");
		rh_esc(o, jstr(json_object_get(x, "source")));
		strbuf_addstr(o, "</span></td></tr>\n");
	}
	strbuf_addstr(o, "</tbody></table>\n<p>p95 alarm: ");
	if (json_is_object(al)) {
		strbuf_addstr(o, "<span class=\"mono\">");
		rh_esc(o, jstr(json_object_get(al, "resource")));
		strbuf_addstr(o, "</span>, ");
		rh_esc(o, jstr(json_object_get(al, "metric")));
		strbuf_addstr(o, " ");
		rh_esc(o, jstr(json_object_get(al, "statistic")));
		strbuf_addf(o, " above %.0f ms for %.0f × %.0f s ", NUM(al, "thresholdMs"),
			    NUM(al, "evaluationPeriods"), NUM(al, "periodSeconds"));
		rh_badge(o, json_is_true(json_object_get(al, "followsTarget")), "AT THE TARGET",
			 "ABOVE THE TARGET");
	} else {
		strbuf_addstr(o, "<span class=\"fail\">none</span> (no percentile alarm on the "
				 "load balancer's TargetResponseTime)");
	}
	strbuf_addstr(o, "</p>\n</section>\n");
}

void rh_capacity_tiers(struct strbuf *o, const json_t *c)
{
	size_t i;
	json_t *x;
	struct strbuf v = STRBUF_INIT;
	json_array_foreach (json_object_get(c, "tiers"), i, x) {
		strbuf_reset(&v);
		const json_t *l = json_object_get(x, "limitUsers");
		if (json_is_number(l)) {
			rh_add_number(&v, json_number_value(l), 0);
			strbuf_addstr(&v, " users");
			if (json_is_true(json_object_get(x, "binds")))
				strbuf_addstr(&v, " <b>(binds)</b>");
		} else {
			strbuf_addstr(&v, "not a limit here");
		}
		strbuf_addstr(&v, ": ");
		rh_esc(&v, jstr(json_object_get(x, "basis")));
		char *key = xstrfmt("Tier: %s", jstr(json_object_get(x, "tier")));
		rh_kv_row(o, key, v.buf);
		free(key);
	}
	json_array_foreach (json_object_get(c, "thresholds"), i, x) {
		strbuf_reset(&v);
		rh_badge(&v, json_is_true(json_object_get(x, "follows")), "FOLLOWS",
			 "DOES NOT FOLLOW");
		strbuf_addstr(&v, " ");
		rh_esc(&v, jstr(json_object_get(x, "basis")));
		char *key = xstrfmt("Threshold: %s", jstr(json_object_get(x, "check")));
		rh_kv_row(o, key, v.buf);
		free(key);
	}
	strbuf_release(&v);
}
