/*
 * The reports CI pipelines and pull requests read, for the commands that
 * produce them: JUnit XML (--format junit) of `check` and `validate`, and
 * Markdown (--format markdown, short enough for a pull-request comment:
 * summary first, details folded) of `check`. The writers are
 * base/junit.h and base/markdown.h; this file decides what a test case is.
 */
#ifndef SM_CLI_REPORT_H
#define SM_CLI_REPORT_H

#include <stdbool.h>

#include "analysis/assembly.h"
#include "analysis/diff.h"
#include "analysis/finding.h"
#include "base/diag.h"
#include "base/strbuf.h"

/* "error", "warning", "info" */
const char *cli_severity_name(enum sm_severity s);

/*
 * check as JUnit: a test suite per template (stack), a test case per rule
 * of `packs` run on it; the case fails when the rule has unsuppressed
 * findings of `min` or worse there (type: the rule's severity; the text: one
 * line per finding). Suppressed findings are listed in the suite's
 * system-out.
 */
void cli_check_junit(const struct sm_assembly *a, const struct sm_findings *f, enum sm_severity min,
		     unsigned packs, struct strbuf *out);
/*
 * check as Markdown: a title with the counts, the rules with findings in a
 * table, then every finding by stack, folded; rows stop at
 * MD_COMMENT_BUDGET with a line saying how many were left out.
 */
void cli_check_markdown(const struct sm_assembly *a, const struct sm_findings *f,
			enum sm_severity min, bool show_muted, struct strbuf *out);

/*
 * validate as JUnit: a test suite per template, a test case per resource
 * (and one, "template", for what is outside Resources); errors fail their
 * case; warnings and notes are listed in the suite's system-out. Diagnostics
 * about no template (an input that could not be read) get a suite of their
 * own.
 */
void cli_validate_junit(const struct sm_assembly *a, const struct diag_list *dl,
			const char *schema_source, struct strbuf *out);

/*
 * diff as Markdown: the counts and a row per changed stack, then each
 * stack's resources and property changes (old -> new) folded.
 */
struct diff_summary;
void cli_diff_markdown(const json_t *diff, const struct diff_summary *sum, struct strbuf *out);

/* Write `sb` to stdout (the reports are built whole, then written). */
void cli_put(const struct strbuf *sb);

#endif
