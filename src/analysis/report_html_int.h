/*
 * The small writers of the report's page (report_html.c), shared with the
 * sections in report_html_metrics.c. Every text goes through rh_esc().
 */
#ifndef SM_REPORT_HTML_INT_H
#define SM_REPORT_HTML_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/strbuf.h"

void rh_esc(struct strbuf *o, const char *s);
/* "1234567.891" -> "1,234,567.89" (`decimals` after the point) */
void rh_add_number(struct strbuf *o, double x, int decimals);
void rh_add_money(struct strbuf *o, const json_t *v, const char *currency);
void rh_add_percent(struct strbuf *o, double fraction, int decimals);
void rh_badge(struct strbuf *o, bool pass, const char *yes, const char *no);
void rh_cell(struct strbuf *o, const char *cls, const char *text);
/* column names; a leading '#' marks a numeric (right-aligned) column */
void rh_head_row(struct strbuf *o, const char *const *cols);
void rh_kv_row(struct strbuf *o, const char *key, const char *value_html);
/* the "errors" entry of the analysis `what`, or "not available" */
void rh_not_available(struct strbuf *o, const json_t *facts, const char *what);

/* The sections of report_html_metrics.c. */
void rh_metrics_cost_section(struct strbuf *o, const json_t *facts);
void rh_latency_section(struct strbuf *o, const json_t *facts);
/* Rows of the capacity table: each tier's limit and the thresholds that follow the sizes. */
void rh_capacity_tiers(struct strbuf *o, const json_t *capacity);

#endif
