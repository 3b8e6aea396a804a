/*
 * The page of `solemate report` (report.h), written from the facts document
 * alone. Self-contained: inline CSS, the diagram as inline SVG, no script,
 * no reference to the network (SLA pages and price sources are quoted as
 * text, not linked). Every text is escaped through graph_escape_xml().
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check_ctx.h" /* jget, jstr */
#include "analysis/report.h"
#include "analysis/report_html_int.h"
#include "base/common.h"
#include "base/xalloc.h"

static const char page_css[] =
	":root{--ink:#1d2330;--muted:#5d6675;--line:#d9dee7;--ok:#1a7f37;--bad:#c62828;"
	"--warn:#9a5b00;--bg:#f4f6fa}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica "
	"Neue\",Arial,sans-serif;color:var(--ink);background:var(--bg)}\n"
	"header{background:#232f3e;color:#fff;padding:18px 32px 12px}\n"
	"header h1{margin:0;font-size:22px;font-weight:600}\n"
	"header p{margin:4px 0 8px;color:#c8d1dc}\n"
	"nav a{color:#ffb84d;margin-right:16px;text-decoration:none;font-size:13px}\n"
	"main{max-width:1240px;margin:0 auto;padding:8px 24px 48px}\n"
	"section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px "
	"20px;margin:16px 0}\n"
	"h2{font-size:17px;margin:0 0 10px}\n"
	"h3{font-size:14px;margin:18px 0 6px}\n"
	"h3 .meta{font-weight:400;color:var(--muted)}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(175px,1fr));gap:12px}\n"
	".card{border:1px solid var(--line);border-radius:8px;padding:10px "
	"14px;background:#fbfcfe}\n"
	".card "
	".k{color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em}\n"
	".card .v{font-size:22px;font-weight:600;margin:2px 0}\n"
	".card .s{font-size:12px;color:var(--muted)}\n"
	".pass{color:var(--ok)}.fail{color:var(--bad)}\n"
	".badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;"
	"font-weight:600;white-space:nowrap}\n"
	".badge.pass{background:#e6f4ea;color:var(--ok)}.badge.fail,.badge.error{background:#"
	"fdecea;"
	"color:var(--bad)}\n"
	".badge.warning{background:#fff4e5;color:var(--warn)}.badge.info{background:#e8f0fe;"
	"color:#1a56c4}.badge.muted{background:#eef0f3;color:var(--muted)}\n"
	"table{border-collapse:collapse;width:100%;font-size:12.5px}\n"
	"th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);"
	"vertical-align:top}\n"
	"th{background:#f1f4f8;font-weight:600}\n"
	"tr.total td{font-weight:600;border-top:2px solid var(--line)}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"code,.mono{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
	"td.rule{white-space:nowrap}\n"
	".props{color:var(--muted);font-size:12px}\n"
	".props b{color:var(--ink);font-weight:500}\n"
	".na{color:var(--bad);font-weight:600}\n"
	".note{color:var(--muted);font-size:12px}\n"
	/* the drawing is wide: give it the whole window, not the text column */
	".diagram{margin-left:calc(50% - 50vw + 8px);margin-right:calc(50% - 50vw + 8px)}\n"
	".diagram svg{max-width:100%;height:auto;display:block;margin:0 auto}\n"
	"tr.group td{background:#f7f9fc;font-weight:600;padding-top:8px}\n"
	".legend span{margin-right:18px;font-size:12px;color:var(--muted)}\n"
	"@media print{body{background:#fff}section{break-inside:avoid-page}}\n";

/* ---- small writers ---- */

void rh_esc(struct strbuf *o, const char *s)
{
	graph_escape_xml(o, s ? s : "");
}

/* "1234567.891" -> "1,234,567.89" (`decimals` after the point). */
void rh_add_number(struct strbuf *o, double x, int decimals)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*f", decimals, fabs(x));
	const char *dot = strchr(buf, '.');
	size_t int_len = dot ? (size_t)(dot - buf) : strlen(buf);
	if (x < 0 && strspn(buf, "0.") != strlen(buf))
		strbuf_addch(o, '-');
	for (size_t i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0)
			strbuf_addch(o, ',');
		strbuf_addch(o, buf[i]);
	}
	if (dot)
		strbuf_addstr(o, dot);
}

void rh_add_money(struct strbuf *o, const json_t *v, const char *currency)
{
	bool usd = !currency || !strcmp(currency, "USD");
	if (usd)
		strbuf_addch(o, '$');
	rh_add_number(o, json_number_value(v), 2);
	if (!usd) {
		strbuf_addch(o, ' ');
		rh_esc(o, currency);
	}
}

void rh_add_percent(struct strbuf *o, double fraction, int decimals)
{
	strbuf_addf(o, "%.*f %%", decimals, fraction * 100);
}

void rh_badge(struct strbuf *o, bool pass, const char *yes, const char *no)
{
	strbuf_addf(o, "<span class=\"badge %s\">%s</span>", pass ? "pass" : "fail",
		    pass ? yes : no);
}

void rh_cell(struct strbuf *o, const char *cls, const char *text)
{
	if (cls)
		strbuf_addf(o, "<td class=\"%s\">", cls);
	else
		strbuf_addstr(o, "<td>");
	rh_esc(o, text);
	strbuf_addstr(o, "</td>");
}

void rh_head_row(struct strbuf *o, const char *const *cols)
{
	strbuf_addstr(o, "<thead><tr>");
	for (; *cols; cols++) {
		bool num = **cols == '#';
		strbuf_addf(o, "<th%s>", num ? " class=\"num\"" : "");
		rh_esc(o, *cols + num);
		strbuf_addstr(o, "</th>");
	}
	strbuf_addstr(o, "</tr></thead>\n");
}

/* The "errors" entry of an analysis that could not run, or NULL. */
static const char *unavailable(const json_t *facts, const char *what)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(facts, "errors"), i, e) {
		const char *s = jstr(e);
		if (s && !strncmp(s, what, strlen(what)))
			return s;
	}
	return NULL;
}

void rh_not_available(struct strbuf *o, const json_t *facts, const char *what)
{
	const char *why = unavailable(facts, what);
	strbuf_addstr(o, "<p class=\"na\">");
	rh_esc(o, why ? why : "not available");
	strbuf_addstr(o, "</p>\n");
}

/* ---- sections ---- */

static void card(struct strbuf *o, const char *key, const char *value_html, const char *sub_html)
{
	strbuf_addstr(o, "<div class=\"card\"><div class=\"k\">");
	rh_esc(o, key);
	strbuf_addf(o, "</div><div class=\"v\">%s</div><div class=\"s\">%s</div></div>\n",
		    value_html, sub_html);
}

/* A card for a figure checked against a target: a percentage or a count. */
static void target_card(struct strbuf *o, const char *key, const json_t *value,
			const json_t *target, bool meets, bool percent, const char *what,
			const char *missing)
{
	struct strbuf v = STRBUF_INIT, sub = STRBUF_INIT;
	if (json_is_number(value)) {
		strbuf_addf(&v, "<span class=\"%s\">", meets ? "pass" : "fail");
		if (percent)
			rh_add_percent(&v, json_number_value(value), 3);
		else
			rh_add_number(&v, json_number_value(value), 0);
		strbuf_addstr(&v, "</span>");
		strbuf_addf(&sub, "%s; target ", what);
		if (percent)
			rh_add_percent(&sub, json_number_value(target), 1);
		else
			rh_add_number(&sub, json_number_value(target), 0);
		strbuf_addch(&sub, ' ');
		rh_badge(&sub, meets, "PASS", "FAIL");
	} else {
		strbuf_addstr(&v, "<span class=\"na\">n/a</span>");
		strbuf_addstr(&sub, missing);
	}
	card(o, key, v.buf, sub.buf);
	strbuf_release(&v);
	strbuf_release(&sub);
}

static void summary_section(struct strbuf *o, const json_t *facts)
{
	const json_t *s = json_object_get(facts, "summary");
	const json_t *f = json_object_get(s, "findings");
	struct strbuf v = STRBUF_INIT, sub = STRBUF_INIT;
	strbuf_addstr(o, "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">\n");

	strbuf_addf(&v, "%lld", (long long)json_integer_value(json_object_get(s, "stacks")));
	strbuf_addf(&sub, "%lld resources",
		    (long long)json_integer_value(json_object_get(s, "resources")));
	card(o, "Stacks", v.buf, sub.buf);

	strbuf_reset(&v);
	strbuf_reset(&sub);
	if (json_is_number(json_object_get(s, "monthlyCost"))) {
		rh_add_money(&v, json_object_get(s, "monthlyCost"),
			     jstr(json_object_get(s, "currency")));
		if (json_is_number(json_object_get(s, "budget"))) {
			double cost = json_number_value(json_object_get(s, "monthlyCost"));
			double budget = json_number_value(json_object_get(s, "budget"));
			strbuf_addstr(&sub, "a month; budget ");
			rh_add_money(&sub, json_object_get(s, "budget"),
				     jstr(json_object_get(s, "currency")));
			strbuf_addch(&sub, ' ');
			rh_badge(&sub, cost <= budget, "within", "over");
		} else {
			strbuf_addstr(&sub, "a month; no budget (no config)");
		}
	} else {
		strbuf_addstr(&v, "<span class=\"na\">n/a</span>");
		strbuf_addstr(&sub, "cost estimate not available");
	}
	card(o, "Monthly cost", v.buf, sub.buf);

	target_card(o, "Availability", json_object_get(s, "availability"),
		    json_object_get(s, "availabilityTarget"),
		    json_is_true(json_object_get(s, "availabilityMeets")), true, "composite",
		    json_is_object(json_object_get(facts, "availability"))
			    ? "not evaluated: no request path in the templates"
			    : "not available");
	target_card(o, "Capacity", json_object_get(s, "concurrentUsers"),
		    json_object_get(s, "targetUsers"),
		    json_is_true(json_object_get(s, "capacityMeets")), false, "concurrent users",
		    json_is_object(json_object_get(facts, "capacity"))
			    ? "not evaluated: no ECS service in the templates"
			    : "not available");

	strbuf_reset(&v);
	strbuf_reset(&sub);
	long long errors = json_integer_value(json_object_get(f, "error"));
	long long warnings = json_integer_value(json_object_get(f, "warning"));
	strbuf_addf(&v, "<span class=\"%s\">%lld</span>", errors ? "fail" : "pass",
		    errors + warnings);
	strbuf_addf(&sub,
		    "<span class=\"badge error\">%lld error%s</span> <span class=\"badge "
		    "warning\">%lld warning%s</span> <span class=\"badge info\">%lld info</span> "
		    "<span class=\"badge muted\">%lld suppressed</span>",
		    errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
		    (long long)json_integer_value(json_object_get(f, "info")),
		    (long long)json_integer_value(json_object_get(f, "suppressed")));
	card(o, "Findings", v.buf, sub.buf);
	strbuf_addstr(o, "</div></section>\n");
	strbuf_release(&v);
	strbuf_release(&sub);
}

/* The SVG from Graphviz without its XML prolog, sized by the page. */
static void inline_svg(struct strbuf *o, const char *svg)
{
	const char *start = strstr(svg, "<svg");
	const char *end = start ? strchr(start, '>') : NULL;
	if (!end)
		return;
	/*
	 * Keep the natural width (a small drawing stays small), drop the height: the
	 * CSS caps the width at the page's, and the viewBox keeps the aspect.
	 */
	strbuf_addstr(o, "<svg role=\"img\" aria-label=\"architecture diagram\"");
	for (const char *p = start + 4; p < end;) {
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq[1] != '"')
			break;
		const char *close = memchr(eq + 2, '"', (size_t)(end - eq - 2));
		if (!close)
			break;
		while (*p == ' ' || *p == '\n')
			p++;
		size_t name_len = (size_t)(eq - p);
		if (!(name_len == 6 && !strncmp(p, "height", 6))) {
			strbuf_addch(o, ' ');
			strbuf_add(o, p, (size_t)(close + 1 - p));
		}
		p = close + 1;
	}
	strbuf_addstr(o, end);
}

static void diagram_section(struct strbuf *o, const json_t *facts, const char *svg,
			    const char *note)
{
	const json_t *d = json_object_get(facts, "diagram");
	strbuf_addstr(o, "<section id=\"diagram\" class=\"diagram\"><h2>Architecture</h2>\n");
	strbuf_addf(o,
		    "<p class=\"legend\"><span>%lld nodes, %lld edges</span><span><b "
		    "style=\"color:#1f5fbf\">━</b> request path</span><span>┅ security-group rule "
		    "(port)</span><span style=\"color:#dd344c\">┅ WAF</span><span "
		    "style=\"color:#3b48cc\">┈ replication</span><span style=\"color:#7aa116\">┈ "
		    "logs</span></p>\n",
		    (long long)json_integer_value(json_object_get(d, "nodes")),
		    (long long)json_integer_value(json_object_get(d, "edges")));
	if (svg) {
		inline_svg(o, svg);
	} else {
		strbuf_addstr(o, "<p class=\"na\">diagram not available");
		if (note) {
			strbuf_addstr(o, ": ");
			rh_esc(o, note);
		}
		strbuf_addstr(o, "</p>");
	}
	strbuf_addstr(o, "\n</section>\n");
}

static void inventory_section(struct strbuf *o, const json_t *facts)
{
	static const char *const cols[] = {"Logical ID", "Type", "Key properties", NULL};
	const char *currency = jstr(jget(facts, "cost.currency"));
	strbuf_addstr(o, "<section id=\"inventory\"><h2>Inventory by stack</h2>\n");
	size_t i;
	json_t *s;
	json_array_foreach (json_object_get(facts, "stacks"), i, s) {
		const json_t *res = json_object_get(s, "resources");
		strbuf_addstr(o, "<h3>");
		rh_esc(o, jstr(json_object_get(s, "name")));
		strbuf_addstr(o, " <span class=\"meta\">· ");
		rh_esc(o, jstr(json_object_get(s, "region")) ?: "region not set");
		strbuf_addf(o, " · %zu resources", json_array_size(res));
		if (json_is_number(json_object_get(s, "monthly"))) {
			strbuf_addstr(o, " · ");
			rh_add_money(o, json_object_get(s, "monthly"), currency);
			strbuf_addstr(o, " a month");
		}
		strbuf_addstr(o, "</span></h3>\n<table>");
		rh_head_row(o, cols);
		strbuf_addstr(o, "<tbody>\n");
		size_t k;
		json_t *r;
		json_array_foreach (res, k, r) {
			strbuf_addstr(o, "<tr>");
			rh_cell(o, "mono", jstr(json_object_get(r, "logicalId")));
			rh_cell(o, "mono", jstr(json_object_get(r, "type")));
			strbuf_addstr(o, "<td class=\"props\">");
			const char *name;
			json_t *v;
			bool first = true;
			json_object_foreach (json_object_get(r, "properties"), name, v) {
				strbuf_addstr(o, first ? "" : "; ");
				strbuf_addstr(o, "<b>");
				rh_esc(o, name);
				strbuf_addstr(o, "</b>: ");
				rh_esc(o, jstr(v));
				first = false;
			}
			strbuf_addstr(o, "</td></tr>\n");
		}
		strbuf_addstr(o, "</tbody></table>\n");
	}
	strbuf_addstr(o, "</section>\n");
}

static void finding_rows(struct strbuf *o, const json_t *list, bool suppressed)
{
	size_t i;
	json_t *f;
	json_array_foreach (list, i, f) {
		if (json_is_true(json_object_get(f, "suppressed")) != suppressed)
			continue;
		const char *sev = jstr(json_object_get(f, "severity"));
		strbuf_addf(o, "<tr><td><span class=\"badge %s\">", suppressed ? "muted" : sev);
		rh_esc(o, suppressed ? "suppressed" : sev);
		strbuf_addstr(o, "</span></td>");
		rh_cell(o, "mono rule", jstr(json_object_get(f, "rule")));
		strbuf_addstr(o, "<td class=\"mono\">");
		rh_esc(o, jstr(json_object_get(f, "stack")));
		strbuf_addstr(o, "<br/>");
		rh_esc(o, jstr(json_object_get(f, "resource")) ?: "(template)");
		strbuf_addstr(o, "</td><td><b>");
		rh_esc(o, jstr(json_object_get(f, "title")));
		strbuf_addstr(o, "</b><br/>");
		rh_esc(o, jstr(json_object_get(f, "message")));
		strbuf_addstr(o, "</td>");
		rh_cell(o, NULL, jstr(json_object_get(f, suppressed ? "reason" : "fix")) ?: "");
		strbuf_addstr(o, "</tr>\n");
	}
}

static void findings_section(struct strbuf *o, const json_t *facts)
{
	static const char *const open_cols[] = {"Severity", "Rule", "Resource",
						"Finding",  "Fix",  NULL};
	static const char *const muted_cols[] = {"Status",  "Rule",	    "Resource",
						 "Finding", "Reason given", NULL};
	const json_t *counts = jget(facts, "summary.findings");
	long long open = json_integer_value(json_object_get(counts, "error")) +
			 json_integer_value(json_object_get(counts, "warning")) +
			 json_integer_value(json_object_get(counts, "info"));
	long long muted = json_integer_value(json_object_get(counts, "suppressed"));
	strbuf_addstr(
		o, "<section id=\"findings\"><h2>Findings of <code>solemate check</code></h2>\n");
	if (open) {
		strbuf_addf(o, "<p>%lld unsuppressed finding%s.</p><table>", open,
			    open == 1 ? "" : "s");
		rh_head_row(o, open_cols);
		strbuf_addstr(o, "<tbody>\n");
		finding_rows(o, json_object_get(facts, "findings"), false);
		strbuf_addstr(o, "</tbody></table>\n");
	} else {
		strbuf_addstr(o,
			      "<p><span class=\"badge pass\">no unsuppressed finding</span> every "
			      "rule passes, or its exception is documented below.</p>\n");
	}
	if (muted) {
		strbuf_addf(o,
			    "<h3>Accepted risks <span class=\"meta\">· %lld suppressed in the "
			    "resources' metadata, with the reason given</span></h3><table>",
			    muted);
		rh_head_row(o, muted_cols);
		strbuf_addstr(o, "<tbody>\n");
		finding_rows(o, json_object_get(facts, "findings"), true);
		strbuf_addstr(o, "</tbody></table>\n");
	}
	strbuf_addstr(o, "</section>\n");
}

static void cost_section(struct strbuf *o, const json_t *facts)
{
	static const char *const stack_cols[] = {"Stack", "Region", "#Monthly", NULL};
	static const char *const line_cols[] = {"Resource", "Component", "#Quantity", "#Unit price",
						"#Monthly", "Formula",	 NULL};
	const json_t *c = json_object_get(facts, "cost");
	strbuf_addstr(o, "<section id=\"cost\"><h2>Monthly cost estimate</h2>\n");
	if (!json_is_object(c)) {
		rh_not_available(o, facts, "cost");
		strbuf_addstr(o, "</section>\n");
		return;
	}
	const char *cur = jstr(json_object_get(c, "currency"));
	size_t i;
	json_t *x;
	strbuf_addstr(o, "<table>");
	rh_head_row(o, stack_cols);
	strbuf_addstr(o, "<tbody>\n");
	json_array_foreach (json_object_get(c, "stacks"), i, x) {
		strbuf_addstr(o, "<tr>");
		rh_cell(o, "mono", jstr(json_object_get(x, "name")));
		rh_cell(o, NULL, jstr(json_object_get(x, "region")));
		strbuf_addstr(o, "<td class=\"num\">");
		rh_add_money(o, json_object_get(x, "monthly"), cur);
		strbuf_addstr(o, "</td></tr>\n");
	}
	strbuf_addstr(o, "<tr class=\"total\"><td>Total</td><td></td><td class=\"num\">");
	rh_add_money(o, json_object_get(c, "monthlyTotal"), cur);
	strbuf_addstr(o, "</td></tr>\n</tbody></table>\n");
	if (json_is_object(json_object_get(c, "budget"))) {
		bool over = json_is_true(jget(c, "budget.overBudget"));
		strbuf_addstr(o, "<p>Budget ");
		rh_add_money(o, jget(c, "budget.monthly"), cur);
		strbuf_addstr(o, " a month: ");
		rh_badge(o, !over, "within budget", "OVER BUDGET");
		strbuf_addstr(o, "</p>\n");
	}
	strbuf_addstr(o, "<h3>Lines <span class=\"meta\">· quantity × unit price; lines at no "
			 "charge left out</span></h3><table>");
	rh_head_row(o, line_cols);
	strbuf_addstr(o, "<tbody>\n");
	const char *stack = "";
	json_array_foreach (json_object_get(c, "lines"), i, x) {
		if (json_number_value(json_object_get(x, "monthly")) == 0)
			continue;
		const char *s = jstr(json_object_get(x, "stack")) ?: "";
		if (strcmp(s, stack)) {
			strbuf_addstr(o, "<tr class=\"group\"><td colspan=\"6\" class=\"mono\">");
			rh_esc(o, s);
			strbuf_addstr(o, "</td></tr>\n");
			stack = s;
		}
		char qty[64], price[64];
		snprintf(qty, sizeof(qty), "%.6g %s",
			 json_number_value(json_object_get(x, "quantity")),
			 jstr(json_object_get(x, "unit")) ?: "");
		snprintf(price, sizeof(price), "%.6g",
			 json_number_value(json_object_get(x, "unitPrice")));
		strbuf_addstr(o, "<tr>");
		rh_cell(o, "mono", jstr(json_object_get(x, "logicalId")));
		rh_cell(o, NULL, jstr(json_object_get(x, "component")));
		rh_cell(o, "num", qty);
		rh_cell(o, "num", price);
		strbuf_addstr(o, "<td class=\"num\">");
		rh_add_money(o, json_object_get(x, "monthly"), cur);
		strbuf_addstr(o, "</td>");
		rh_cell(o, "note", jstr(json_object_get(x, "formula")));
		strbuf_addstr(o, "</tr>\n");
	}
	strbuf_addstr(o, "</tbody></table>\n<p class=\"note\">Prices:</p><ul class=\"note\">\n");
	json_array_foreach (json_object_get(c, "priceFiles"), i, x) {
		strbuf_addstr(o, "<li>");
		rh_esc(o, jstr(json_object_get(x, "region")));
		strbuf_addstr(o, ", price list of ");
		rh_esc(o, jstr(json_object_get(x, "date")));
		strbuf_addstr(o, ": ");
		rh_esc(o, jstr(json_object_get(x, "source")));
		strbuf_addstr(o, "</li>\n");
	}
	strbuf_addstr(o, "</ul>\n");
	if (json_is_true(json_object_get(c, "usageDefaults")))
		strbuf_addstr(o, "<p class=\"note\">Usage: the documented default assumptions (no "
				 "config given).</p>\n");
	strbuf_addstr(o, "</section>\n");
}

/* The second path (drRegion) and each readiness level's RTO, RPO and availability. */
static void dr_section(struct strbuf *o, const json_t *av)
{
	size_t i;
	json_t *x;
	if (json_array_size(json_object_get(av, "drComponents"))) {
		strbuf_addstr(o, "<p>Second path (<b>");
		rh_esc(o, jstr(json_object_get(av, "readiness")));
		strbuf_addstr(o, "</b>):</p><ul>");
		json_array_foreach (json_object_get(av, "drComponents"), i, x) {
			strbuf_addstr(o, "<li>");
			rh_esc(o, jstr(json_object_get(x, "name")));
			strbuf_addstr(o, " <span class=\"mono\">");
			rh_esc(o, jstr(json_object_get(x, "resource")));
			strbuf_addstr(o, "</span> ");
			rh_add_percent(o, json_number_value(json_object_get(x, "effective")), 4);
			strbuf_addstr(o, "</li>");
		}
		strbuf_addstr(o, "</ul>\n");
	}
	if (jstr(json_object_get(av, "drFormula"))) {
		strbuf_addstr(o, "<p>With failover: <code>");
		rh_esc(o, jstr(json_object_get(av, "drFormula")));
		strbuf_addstr(o, "</code></p>\n");
	}
	strbuf_addstr(o, "<table><thead><tr><th>drReadiness</th><th>live path</th><th>RTO "
			 "(min)</th><th>RPO (min)</th><th>availability</th></tr></thead><tbody>\n");
	json_array_foreach (json_object_get(av, "levels"), i, x) {
		bool current = !strcmp(jstr(json_object_get(x, "level")),
				       jstr(json_object_get(av, "readiness")));
		strbuf_addstr(o, "<tr><td>");
		rh_esc(o, jstr(json_object_get(x, "level")));
		strbuf_addf(o, "%s</td><td>%s</td>", current ? " (this design)" : "",
			    json_is_true(json_object_get(x, "live")) ? "yes" : "no");
		static const char *const keys[] = {"rtoMinutes", "rpoMinutes"};
		for (int k = 0; k < 2; k++) {
			const json_t *v = json_object_get(x, keys[k]);
			if (json_is_number(v))
				strbuf_addf(o, "<td class=\"num\">%.1f</td>", json_number_value(v));
			else
				strbuf_addstr(o, "<td class=\"num\">-</td>");
		}
		strbuf_addstr(o, "<td class=\"num\">");
		if (json_is_number(json_object_get(x, "composite")))
			rh_add_percent(o, json_number_value(json_object_get(x, "composite")), 4);
		else
			strbuf_addstr(o, "-");
		strbuf_addstr(o, "</td></tr>\n");
	}
	strbuf_addstr(o, "</tbody></table>\n<p class=\"note\">A level without a live path "
			 "(backup-restore) serves nothing while the primary is down: restoring "
			 "takes hours, more than the minutes a month the SLAs allow the primary, "
			 "so it adds no availability (docs/cost.md, Availability).</p>\n");
}

static void availability_section(struct strbuf *o, const json_t *facts)
{
	static const char *const cols[] = {"Component",	 "Resource", "#SLA", "#Copies",
					   "#Effective", "Basis",    NULL};
	const json_t *av = json_object_get(facts, "availability");
	strbuf_addstr(o,
		      "<section id=\"availability\"><h2>Availability of the request path</h2>\n");
	if (!json_is_object(av)) {
		rh_not_available(o, facts, "availability");
		strbuf_addstr(o, "</section>\n");
		return;
	}
	if (!json_array_size(json_object_get(av, "components"))) {
		strbuf_addstr(o, "<p class=\"na\">not evaluated: no component of a request path "
				 "(CloudFront, WAF, load balancer, ECS service, RDS) in the "
				 "templates</p>\n</section>\n");
		return;
	}
	strbuf_addstr(o, "<table>");
	rh_head_row(o, cols);
	strbuf_addstr(o, "<tbody>\n");
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(av, "components"), i, x) {
		strbuf_addstr(o, "<tr>");
		rh_cell(o, NULL, jstr(json_object_get(x, "name")));
		rh_cell(o, "mono", jstr(json_object_get(x, "resource")));
		strbuf_addstr(o, "<td class=\"num\">");
		rh_add_percent(o, json_number_value(json_object_get(x, "sla")), 2);
		strbuf_addf(o, "</td><td class=\"num\">%lld</td><td class=\"num\">",
			    (long long)json_integer_value(json_object_get(x, "redundancy")));
		rh_add_percent(o, json_number_value(json_object_get(x, "effective")), 4);
		strbuf_addstr(o, "</td>");
		rh_cell(o, NULL, jstr(json_object_get(x, "basis")));
		strbuf_addstr(o, "</tr>\n");
	}
	bool meets = json_is_true(json_object_get(av, "meets"));
	strbuf_addstr(o, "</tbody></table>\n<p>Primary path, in series: <code>");
	rh_esc(o, jstr(json_object_get(av, "formula")));
	strbuf_addstr(o, "</code></p>\n");
	dr_section(o, av);
	strbuf_addstr(o, "<p>Composite <b>");
	rh_add_percent(o, json_number_value(json_object_get(av, "composite")), 4);
	strbuf_addstr(o, "</b> against the target ");
	rh_add_percent(o, json_number_value(json_object_get(av, "target")), 1);
	strbuf_addstr(o, ": ");
	rh_badge(o, meets, "PASS", "BELOW TARGET");
	strbuf_addstr(o, "</p>\n");
	if (jstr(json_object_get(av, "advice"))) {
		strbuf_addstr(o, "<p><b>To change:</b> ");
		rh_esc(o, jstr(json_object_get(av, "advice")));
		strbuf_addstr(o, "</p>\n");
	}
	strbuf_addstr(o, "<p class=\"note\">SLAs are the floors AWS pays service credits under, "
			 "not forecasts. Sources: ");
	json_array_foreach (json_object_get(av, "components"), i, x) {
		strbuf_addstr(o, i ? ", " : "");
		rh_esc(o, jstr(json_object_get(x, "source")));
	}
	strbuf_addstr(o, "</p>\n</section>\n");
}

void rh_kv_row(struct strbuf *o, const char *key, const char *value_html)
{
	strbuf_addstr(o, "<tr><th>");
	rh_esc(o, key);
	strbuf_addf(o, "</th><td>%s</td></tr>\n", value_html);
}

static void capacity_section(struct strbuf *o, const json_t *facts)
{
	const json_t *c = json_object_get(facts, "capacity");
	strbuf_addstr(o, "<section id=\"capacity\"><h2>Capacity</h2>\n");
	if (!json_is_object(c) || !json_is_true(json_object_get(c, "known"))) {
		if (json_is_object(c))
			strbuf_addstr(o,
				      "<p class=\"na\">no ECS service in the templates: capacity "
				      "not evaluated</p>\n");
		else
			rh_not_available(o, facts, "availability and capacity");
		strbuf_addstr(o, "</section>\n");
		return;
	}
	struct strbuf v = STRBUF_INIT;
#define NUM(key) json_number_value(json_object_get(c, key))
	strbuf_addstr(o, "<table>\n");
	rh_esc(&v, jstr(json_object_get(c, "service")));
	rh_kv_row(o, "Service", v.buf);
	strbuf_reset(&v);
	strbuf_addf(&v, "%g desired, %g at the autoscaling maximum", NUM("desiredTasks"),
		    NUM("maxTasks"));
	rh_kv_row(o, "Tasks", v.buf);
	strbuf_reset(&v);
	strbuf_addf(&v, "%g tasks × %g req/s = %g req/s; × %g s think time = ", NUM("maxTasks"),
		    NUM("rpsPerTask"), NUM("maxRps"), NUM("thinkTimeSeconds"));
	rh_add_number(&v, NUM("maxConcurrentUsersTasks"), 0);
	strbuf_addstr(&v, " users");
	rh_kv_row(o, "Requests", v.buf);
	if (jstr(json_object_get(c, "dbClass"))) {
		strbuf_reset(&v);
		strbuf_addf(&v, "%g tasks × %g connections = %g needed; ", NUM("maxTasks"),
			    NUM("dbConnectionsPerTask"), NUM("dbConnectionsNeeded"));
		rh_esc(&v, jstr(json_object_get(c, "dbClass")));
		strbuf_addf(&v, " (%g GiB) allows max_connections %g = ", NUM("dbMemoryGiB"),
			    NUM("dbMaxConnections"));
		rh_add_number(&v, NUM("maxConcurrentUsersDb"), 0);
		strbuf_addstr(&v, " users");
		rh_kv_row(o, "Database", v.buf);
	}
	strbuf_reset(&v);
	rh_esc(&v, jstr(json_object_get(c, "bindingLimit")));
	rh_kv_row(o, "Binding limit", v.buf);
	rh_capacity_tiers(o, c);
	strbuf_reset(&v);
	strbuf_addstr(&v, "<b>");
	rh_add_number(&v, NUM("maxConcurrentUsers"), 0);
	strbuf_addstr(&v, "</b> concurrent users against ");
	rh_add_number(&v, NUM("targetUsers"), 0);
	strbuf_addstr(&v, ": ");
	rh_badge(&v, json_is_true(json_object_get(c, "meetsTarget")), "PASS", "BELOW TARGET");
	rh_kv_row(o, "Result", v.buf);
	if (jstr(json_object_get(c, "advice"))) {
		strbuf_reset(&v);
		rh_esc(&v, jstr(json_object_get(c, "advice")));
		rh_kv_row(o, "To change", v.buf);
	}
#undef NUM
	strbuf_addstr(o, "</table>\n</section>\n");
	strbuf_release(&v);
}

void report_write_html(const json_t *facts, const char *svg, const char *diagram_note,
		       struct strbuf *out)
{
	const char *title = jstr(json_object_get(facts, "title"));
	strbuf_addstr(out,
		      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>");
	rh_esc(out, title);
	strbuf_addf(out, " · infrastructure report</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		    page_css);
	strbuf_addstr(out, "<header><h1>");
	rh_esc(out, title);
	strbuf_addstr(out, "</h1><p>Infrastructure report from the synthesized templates, by ");
	rh_esc(out, jstr(json_object_get(facts, "generator")));
	strbuf_addstr(out, ". Nothing here needs the network.</p>\n<nav><a "
			   "href=\"#summary\">Summary</a><a href=\"#diagram\">Architecture</a><a "
			   "href=\"#inventory\">Inventory</a><a href=\"#findings\">Findings</a><a "
			   "href=\"#cost\">Cost</a><a href=\"#availability\">Availability</a><a "
			   "href=\"#capacity\">Capacity</a><a href=\"#latency\">Latency</a><a "
			   "href=\"#metrics-cost\">What the metrics "
			   "cost</a></nav></header>\n<main>\n");
	summary_section(out, facts);
	diagram_section(out, facts, svg, diagram_note);
	findings_section(out, facts);
	cost_section(out, facts);
	availability_section(out, facts);
	capacity_section(out, facts);
	rh_latency_section(out, facts);
	rh_metrics_cost_section(out, facts);
	inventory_section(out, facts);
	strbuf_addstr(out, "</main>\n</body>\n</html>\n");
}
