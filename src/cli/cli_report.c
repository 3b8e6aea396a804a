/* JUnit and Markdown reports of check and validate (cli_report.h). */
#include "cli/cli_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/check.h"
#include "base/common.h"
#include "base/junit.h"
#include "base/markdown.h"
#include "base/xalloc.h"
#include "cli/cli.h"

const char *cli_severity_name(enum sm_severity s)
{
	return s == SM_SEV_ERROR ? "error" : s == SM_SEV_WARNING ? "warning" : "info";
}

void cli_put(const struct strbuf *sb)
{
	fwrite(sb->buf, 1, sb->len, stdout);
}

static void write_junit(const struct junit_report *r, struct strbuf *out)
{
	char ts[20], host[256];
	junit_timestamp(ts);
	if (gethostname(host, sizeof(host)) < 0 || !*host)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	junit_write(r, ts, host, out);
}

static bool finding_counts(const struct sm_finding *x, enum sm_severity min)
{
	return !x->suppressed && x->rule->severity <= min;
}

/* "Resource: message [file:line]" */
static void finding_line(struct strbuf *out, const struct sm_finding *x)
{
	strbuf_addf(out, "%s: %s", x->logical_id ? x->logical_id : "(template)", x->message);
	if (x->line)
		strbuf_addf(out, " [%s:%d]", x->file, x->line);
}

void cli_check_junit(const struct sm_assembly *a, const struct sm_findings *f, enum sm_severity min,
		     unsigned packs, struct strbuf *out)
{
	struct junit_report r = JUNIT_REPORT_INIT;
	junit_report_set_property(&r, "solemate.packs", check_pack_names(packs));
	const struct sm_rule_meta *const *rules = check_rules();
	for (size_t t = 0; t < a->nr; t++) {
		const char *stack = a->items[t].stack_name;
		struct junit_suite *s = junit_suite_add(&r, stack, "solemate.check");
		for (size_t i = 0; rules[i]; i++) {
			if (!(check_rule_packs(rules[i]) & packs))
				continue;
			char *name = xstrfmt("%s %s", rules[i]->id, rules[i]->title);
			struct junit_case *c = junit_case_add(s, stack, name);
			free(name);
			size_t n = 0;
			const struct sm_finding *first = NULL;
			for (size_t k = 0; k < f->nr; k++) {
				const struct sm_finding *x = &f->items[k];
				if (x->rule != rules[i] || strcmp(x->stack, stack))
					continue;
				if (x->suppressed) {
					strbuf_addf(&s->out, "%s suppressed: ", x->rule->id);
					finding_line(&s->out, x);
					strbuf_addf(&s->out, " (%s)\n", x->suppress_reason);
					continue;
				}
				if (!finding_counts(x, min))
					continue;
				if (!first)
					first = x;
				n++;
				finding_line(&c->detail, x);
				strbuf_addch(&c->detail, '\n');
			}
			if (first) {
				strbuf_addf(&c->detail, "why: %s\nfix: %s\ncontrols: %s\n",
					    rules[i]->why, rules[i]->fix, rules[i]->controls);
				if (rules[i]->doc)
					strbuf_addf(&c->detail, "doc: %s\n", rules[i]->doc);
				junit_case_fail(c, cli_severity_name(rules[i]->severity),
						"%zu finding%s: %s: %s", n, n == 1 ? "" : "s",
						first->logical_id ? first->logical_id
								  : "(template)",
						first->message);
			}
		}
	}
	write_junit(&r, out);
	junit_report_release(&r);
}

/* The rules with findings, worst first, then by count. */
struct rule_count {
	const struct sm_rule_meta *rule;
	size_t n;
};

static int by_severity_count(const void *pa, const void *pb)
{
	const struct rule_count *a = pa, *b = pb;
	if (a->rule->severity != b->rule->severity)
		return (int)a->rule->severity - (int)b->rule->severity;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->rule->id, b->rule->id);
}

static const char *sev_mark(enum sm_severity s)
{
	/* what GitHub and GitLab show as ❌ and ⚠️ */
	return s == SM_SEV_ERROR     ? "\xE2\x9D\x8C"
	       : s == SM_SEV_WARNING ? "\xE2\x9A\xA0\xEF\xB8\x8F"
				     : "\xE2\x84\xB9\xEF\xB8\x8F";
}

void cli_check_markdown(const struct sm_assembly *a, const struct sm_findings *f,
			enum sm_severity min, bool show_muted, struct strbuf *out)
{
	size_t errors = check_count(f, SM_SEV_ERROR), warnings = check_count(f, SM_SEV_WARNING);
	size_t muted = 0, shown = 0;
	struct rule_count *rc = NULL;
	size_t rc_nr = 0, rc_alloc = 0;
	for (size_t i = 0; i < f->nr; i++) {
		const struct sm_finding *x = &f->items[i];
		muted += x->suppressed;
		if (!finding_counts(x, min))
			continue;
		shown++;
		size_t k = 0;
		while (k < rc_nr && rc[k].rule != x->rule)
			k++;
		if (k == rc_nr) {
			ALLOC_GROW(rc, rc_nr + 1, rc_alloc);
			rc[rc_nr++] = (struct rule_count){x->rule, 0};
		}
		rc[k].n++;
	}
	if (rc_nr)
		qsort(rc, rc_nr, sizeof(*rc), by_severity_count);

	strbuf_addf(out, "### %s solemate check: %zu error%s, %zu warning%s\n\n",
		    errors ? sev_mark(SM_SEV_ERROR) : "\xE2\x9C\x85", errors,
		    errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
	strbuf_addf(out,
		    "%zu template%s checked; %zu finding%s suppressed in the templates or a "
		    "baseline.\n\n",
		    a->nr, a->nr == 1 ? "" : "s", muted, muted == 1 ? "" : "s");
	if (rc_nr) {
		md_table_head(out, "", "rule", "findings", "what", NULL);
		for (size_t k = 0; k < rc_nr; k++) {
			strbuf_addf(out, "| %s | ", sev_mark(rc[k].rule->severity));
			md_code(out, rc[k].rule->id, true);
			strbuf_addf(out, " | %zu | ", rc[k].n);
			md_text(out, rc[k].rule->title);
			strbuf_addstr(out, " |\n");
		}
		strbuf_addch(out, '\n');
	}
	if (shown || (show_muted && muted)) {
		md_details_begin(out, "%zu finding%s, by stack", shown, shown == 1 ? "" : "s");
		const char *last = NULL;
		size_t left = 0;
		for (size_t i = 0; i < f->nr; i++) {
			const struct sm_finding *x = &f->items[i];
			if (!finding_counts(x, min) && !(show_muted && x->suppressed))
				continue;
			if (out->len > MD_COMMENT_BUDGET) {
				left++;
				continue;
			}
			if (!last || strcmp(last, x->stack)) {
				strbuf_addstr(out, last ? "\n#### " : "#### ");
				md_text(out, x->stack);
				strbuf_addstr(out, "\n\n");
				md_table_head(out, "", "rule", "resource", "finding", NULL);
				last = x->stack;
			}
			strbuf_addf(out, "| %s | ",
				    x->suppressed ? "muted" : sev_mark(x->rule->severity));
			md_code(out, x->rule->id, true);
			strbuf_addstr(out, " | ");
			md_code(out, x->logical_id ? x->logical_id : "(template)", true);
			strbuf_addstr(out, " | ");
			md_text(out, x->message);
			if (x->line) {
				char *at = xstrfmt("%s:%d", x->file, x->line);
				strbuf_addstr(out, " ");
				md_code(out, at, true);
				free(at);
			}
			if (x->suppressed) {
				strbuf_addstr(out, " (suppressed: ");
				md_text(out, x->suppress_reason);
				strbuf_addch(out, ')');
			}
			strbuf_addstr(out, " |\n");
		}
		if (left)
			strbuf_addf(out,
				    "\n%zu more not shown here (a comment holds %d characters): "
				    "run `solemate check` for all of them.\n",
				    left, MD_COMMENT_MAX);
		md_details_end(out);
	}
	free(rc);
}

/* The test case of a validate diagnostic: its resource's, else "template". */
static struct junit_case *case_for(struct junit_suite *s, const char *classname, const char *path,
				   const json_t *resources)
{
	char *id = NULL;
	if (path && !strncmp(path, "Resources.", 10)) {
		const char *p = path + 10;
		/* logical IDs are alphanumeric; Fn::ForEach keys hold "::" */
		size_t n = strcspn(p, ".[");
		id = xstrndup(p, n);
	}
	const char *want = id ? id : "template";
	for (size_t i = 0; i < s->nr; i++) {
		const char *name = s->cases[i].name;
		size_t n = strcspn(name, " ");
		if (strlen(want) == n && !strncmp(name, want, n)) {
			free(id);
			return &s->cases[i];
		}
	}
	const json_t *r = id ? json_object_get(resources, id) : NULL;
	const char *type = json_string_value(json_object_get(r, "Type"));
	char *name = type ? xstrfmt("%s (%s)", want, type) : xstrdup(want);
	struct junit_case *c = junit_case_add(s, classname, name);
	free(name);
	free(id);
	return c;
}

static void diag_line(struct strbuf *out, const struct diag *d)
{
	static const char *const sev[] = {"error", "warning", "note"};
	if (d->line)
		strbuf_addf(out, "%s:%d:%d: ", d->file ? d->file : "", d->line, d->col);
	else if (d->file)
		strbuf_addf(out, "%s: ", d->file);
	strbuf_addf(out, "%s: %s", sev[d->severity], d->message);
	if (d->path)
		strbuf_addf(out, " (at %s)", d->path);
	if (d->hint)
		strbuf_addf(out, "; hint: %s", d->hint);
	strbuf_addch(out, '\n');
}

void cli_validate_junit(const struct sm_assembly *a, const struct diag_list *dl,
			const char *schema_source, struct strbuf *out)
{
	struct junit_report r = JUNIT_REPORT_INIT;
	junit_report_set_property(&r, "solemate.schemas", schema_source);
	bool *placed = xcalloc(dl->nr ? dl->nr : 1, sizeof(bool));
	for (size_t t = 0; t < a->nr; t++) {
		const struct sm_template *tp = &a->items[t];
		struct junit_suite *s = junit_suite_add(&r, tp->stack_name, "solemate.validate");
		const json_t *resources = json_object_get(tp->tmpl, "Resources");
		junit_case_add(s, tp->stack_name, "template");
		const char *id;
		const json_t *res;
		json_object_foreach ((json_t *)resources, id, res) {
			const char *type = json_string_value(json_object_get(res, "Type"));
			char *name = xstrfmt("%s (%s)", id, type ? type : "no Type");
			junit_case_add(s, tp->stack_name, name);
			free(name);
		}
		for (size_t i = 0; i < dl->nr; i++) {
			const struct diag *d = &dl->items[i];
			if (placed[i] || !d->file || strcmp(d->file, tp->file))
				continue;
			placed[i] = true;
			if (d->severity != DIAG_ERROR) {
				diag_line(&s->out, d);
				continue;
			}
			struct junit_case *c = case_for(s, tp->stack_name, d->path, resources);
			junit_case_fail(c, "error", "%s%s%s", d->path ? d->path : "",
					d->path ? ": " : "", d->message);
			diag_line(&c->detail, d);
		}
	}
	/* what belongs to no template: an input that could not be read, the schemas */
	struct junit_suite *rest = NULL;
	for (size_t i = 0; i < dl->nr; i++) {
		if (placed[i])
			continue;
		const struct diag *d = &dl->items[i];
		if (!rest)
			rest = junit_suite_add(&r, "inputs", "solemate.validate");
		if (d->severity != DIAG_ERROR) {
			diag_line(&rest->out, d);
			continue;
		}
		struct junit_case *c = junit_case_add(rest, "inputs", d->file ? d->file : "input");
		junit_case_fail(c, "error", "%s", d->message);
		diag_line(&c->detail, d);
	}
	free(placed);
	write_junit(&r, out);
	junit_report_release(&r);
}

/* A value as a code span: JSON, cut at 300 characters (a comment has a budget). */
static void md_value(struct strbuf *out, const json_t *v)
{
	char *s = json_is_null(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s) {
		strbuf_addstr(out, "(none)");
		return;
	}
	if (strlen(s) > 300)
		memcpy(s + 297, "...", 4);
	md_code(out, s, false);
	free(s);
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *const iam_cols[] = {"change",    "resource",	 "effect", "action",
				       "principal", "condition", "note"};
static const char *const iam_heads[] = {"",	     "resource",  "effect", "action",
					"principal", "condition", "note"};
static const char *const sg_cols[] = {"change", "group", "direction", "protocol", "peer", "note"};
static const char *const sg_heads[] = {"", "group", "direction", "protocol", "peer", "note"};

/* The IAM or security-group rows of a stack as a table (diff.h's columns). */
static void md_rows(struct strbuf *out, const char *title, const json_t *rows,
		    const char *const *cols, const char *const *heads, size_t ncol)
{
	size_t i;
	json_t *r;
	if (!json_array_size(rows))
		return;
	strbuf_addf(out, "**%s**\n\n|", title);
	for (size_t c = 0; c < ncol; c++) {
		strbuf_addch(out, ' ');
		md_text(out, heads[c]);
		strbuf_addstr(out, " |");
	}
	strbuf_addch(out, '\n');
	for (size_t c = 0; c < ncol; c++)
		strbuf_addstr(out, "|---");
	strbuf_addstr(out, "|\n");
	json_array_foreach (rows, i, r) {
		strbuf_addstr(out, "|");
		for (size_t c = 0; c < ncol; c++) {
			const char *v = jstr(r, cols[c]);
			strbuf_addch(out, ' ');
			if (c == 0)
				strbuf_addstr(out, !strcmp(v, "+") ? "**+**" : "**\\-**");
			else if (c + 1 == ncol && *v)
				strbuf_addf(out, "\xE2\x9A\xA0\xEF\xB8\x8F %s", v); /* ⚠️ */
			else if (*v && c != 2)
				md_code(out, v, true);
			else
				md_text(out, v);
			strbuf_addstr(out, " |");
		}
		strbuf_addch(out, '\n');
	}
	strbuf_addch(out, '\n');
}

void cli_diff_markdown(const json_t *d, const struct diff_summary *sum, struct strbuf *out)
{
	size_t i, j, k;
	json_t *s, *r, *c;
	bool any = sum->added + sum->removed + sum->modified + sum->other;
	strbuf_addf(out,
		    "### %s solemate diff: %zu added, %zu removed, %zu modified (%zu replaced)\n\n",
		    sum->data_at_risk ? sev_mark(SM_SEV_ERROR)
		    : any	      ? "\xF0\x9F\x94\x84" /* 🔄 */
				      : "\xE2\x9C\x85",
		    sum->added, sum->removed, sum->modified, sum->replaced);
	if (sum->other)
		strbuf_addf(out, "%zu change%s to Parameters, Conditions, Mappings or Outputs.\n\n",
			    sum->other, sum->other == 1 ? "" : "s");
	if (sum->data_at_risk)
		strbuf_addf(out,
			    "**%zu stateful resource%s would be replaced or deleted (data at "
			    "risk).**\n\n",
			    sum->data_at_risk, sum->data_at_risk == 1 ? "" : "s");
	if (sum->iam_rows || sum->sg_rows)
		strbuf_addf(out,
			    "%zu IAM statement and %zu security-group rule change%s (%zu widening "
			    "access): the tables are in each stack's details.\n\n",
			    sum->iam_rows, sum->sg_rows,
			    sum->iam_rows + sum->sg_rows == 1 ? "" : "s", sum->widening);
	if (!any)
		return;
	md_table_head(out, "stack", "status", "added", "removed", "modified", "replaced",
		      "data at risk", NULL);
	json_array_foreach (json_object_get(d, "stacks"), i, s) {
		const char *status = jstr(s, "status");
		if (!strcmp(status, "unchanged"))
			continue;
		size_t n[5] = {0};
		json_array_foreach (json_object_get(s, "resources"), j, r) {
			const char *ch = jstr(r, "change");
			n[!strcmp(ch, "added") ? 0 : !strcmp(ch, "removed") ? 1 : 2]++;
			n[3] += !strcmp(jstr(r, "replacement"), "yes");
			n[4] += json_is_true(json_object_get(r, "dataAtRisk"));
		}
		strbuf_addstr(out, "| ");
		md_text(out, jstr(s, "stack"));
		strbuf_addf(out, " | %s | %zu | %zu | %zu | %zu | %s%zu%s |\n", status, n[0], n[1],
			    n[2], n[3], n[4] ? "**" : "", n[4], n[4] ? "**" : "");
	}
	strbuf_addch(out, '\n');
	size_t left = 0;
	json_array_foreach (json_object_get(d, "stacks"), i, s) {
		if (!strcmp(jstr(s, "status"), "unchanged"))
			continue;
		if (out->len > MD_COMMENT_BUDGET) {
			left++;
			continue;
		}
		md_details_begin(out, "%s (%s)", jstr(s, "stack"), jstr(s, "status"));
		md_rows(out, "IAM statement changes", json_object_get(s, "iamStatements"), iam_cols,
			iam_heads, 7);
		md_rows(out, "Security-group rule changes",
			json_object_get(s, "securityGroupRules"), sg_cols, sg_heads, 6);
		json_array_foreach (json_object_get(s, "resources"), j, r) {
			const char *ch = jstr(r, "change");
			strbuf_addf(out, "- %s ",
				    !strcmp(ch, "added")     ? "**[+]**"
				    : !strcmp(ch, "removed") ? "**[-]**"
							     : "**[~]**");
			md_code(out, jstr(r, "id"), false);
			strbuf_addstr(out, " ");
			md_text(out, jstr(r, "type"));
			if (!strcmp(jstr(r, "replacement"), "yes"))
				strbuf_addstr(out, " **requires replacement**");
			else if (!strcmp(jstr(r, "replacement"), "maybe"))
				strbuf_addstr(out, " *may cause replacement*");
			if (json_is_true(json_object_get(r, "dataAtRisk")))
				strbuf_addstr(out, " \xE2\x9D\x97 **DATA AT RISK**");
			strbuf_addch(out, '\n');
			json_array_foreach (json_object_get(r, "changes"), k, c) {
				strbuf_addstr(out, "  - ");
				md_code(out, jstr(c, "path"), false);
				strbuf_addstr(out, ": ");
				md_value(out, json_object_get(c, "old"));
				strbuf_addstr(out, " \xE2\x86\x92 "); /* → */
				md_value(out, json_object_get(c, "new"));
				strbuf_addch(out, '\n');
			}
		}
		json_array_foreach (json_object_get(s, "sections"), j, r) {
			const char *ch = jstr(r, "change");
			strbuf_addf(out, "- %s %s ",
				    !strcmp(ch, "added")     ? "**[+]**"
				    : !strcmp(ch, "removed") ? "**[-]**"
							     : "**[~]**",
				    jstr(r, "section"));
			md_code(out, jstr(r, "id"), false);
			strbuf_addch(out, '\n');
			json_array_foreach (json_object_get(r, "changes"), k, c) {
				strbuf_addstr(out, "  - ");
				md_code(out, *jstr(c, "path") ? jstr(c, "path") : "(value)", false);
				strbuf_addstr(out, ": ");
				md_value(out, json_object_get(c, "old"));
				strbuf_addstr(out, " \xE2\x86\x92 "); /* → */
				md_value(out, json_object_get(c, "new"));
				strbuf_addch(out, '\n');
			}
		}
		md_details_end(out);
	}
	if (left)
		strbuf_addf(out, "%zu more stacks not shown: run `solemate diff` for all.\n", left);
}
