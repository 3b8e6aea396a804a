/* solemate validate: templates against the CloudFormation schemas and rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/validate.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "cli/cli.h"
#include "cli/cli_report.h"

static const struct cli_command_doc validate_doc = {
	.name = "validate",
	.args = "[PATH...]",
	.max_args = -1,
	.description =
		"Check templates against the CloudFormation registry schemas (resource types,\n"
		"properties, required properties, value types, Fn::GetAtt attributes) and\n"
		"CloudFormation's own rules (Ref, Fn::Sub, DependsOn and Condition targets,\n"
		"dependency cycles, limits, exports and imports). PATH is a template (JSON or\n"
		"YAML) or an assembly directory; --env synthesizes in memory first. With no\n"
		"input, ./cdk.out if present, else every environment.\n",
	.exit = "0 no error (notes and warnings allowed), 1 errors found (a file whose text\n"
		"is not a template too: JSON or YAML syntax, duplicate keys, empty), 2 bad usage\n"
		"or nothing to read (a missing file, a bad configuration)\n",
};

static bool has_error_at(const struct diag_list *dl, const struct diag *d)
{
	for (size_t i = 0; i < dl->nr; i++)
		if (dl->items[i].severity == DIAG_ERROR && dl->items[i].path && d->path &&
		    !strcmp(dl->items[i].path, d->path) && !strcmp(dl->items[i].file, d->file))
			return true;
	return false;
}

/*
 * The quantities a cost estimate reads (a size that is negative, "nan", "inf"
 * or "1e309"): the deploy would take some of them, the estimate none. Those
 * the schema check already refused are not said twice. Returns how many.
 */
static size_t add_quantity_errors(struct diag_list *q, struct diag_list *dl)
{
	size_t n = q->nr; /* one error a quantity */
	for (size_t i = 0; i < q->nr; i++) {
		const struct diag *d = &q->items[i];
		if (has_error_at(dl, d))
			continue;
		struct diag *c = diag_add(dl, d->severity, d->file, d->line, d->col, d->path, "%s",
					  d->message);
		if (d->hint)
			diag_set_hint(c, "%s", d->hint);
	}
	diag_list_release(q);
	return n;
}

int cmd_validate(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_assembly a;
	const char *format = "text";
	int code = SM_EXIT_OK;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &format, "text|json|junit",
			   "text (default), json, or junit (JUnit XML for CI: a suite\n"
			   "per template, a test case per resource, failed by its\n"
			   "errors; warnings in the suite's system-out)"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &validate_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);
	/* the templates and every value derived from them live until exit: one arena */
	arena_begin();
	sm_assembly_init(&a);
	int loaded = cli_inputs_load(&in, &a, &dl);
	if (loaded == SM_LOAD_INVALID) /* a template that does not parse is a finding */
		code = SM_EXIT_FINDINGS;
	else if (loaded < 0) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		sm_assembly_release(&a);
		arena_end();
		return SM_EXIT_USAGE;
	}
	struct cfn_schema *schema = cfn_schema_load(NULL, &dl);
	if (!schema) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		sm_assembly_release(&a);
		arena_end();
		return SM_EXIT_USAGE;
	}
	struct diag_list q = DIAG_LIST_INIT;
	if (validate_assembly_quantities(&a, schema, &dl, &q) < 0)
		code = SM_EXIT_FINDINGS;
	if (add_quantity_errors(&q, &dl))
		code = SM_EXIT_FINDINGS;
	if (!strcmp(format, "junit")) {
		struct strbuf sb = STRBUF_INIT;
		cli_validate_junit(&a, &dl, cfn_schema_source(schema), &sb);
		cli_put(&sb);
		strbuf_release(&sb);
	} else if (!strcmp(format, "json")) {
		json_t *arr = json_array();
		static const char *const sev[] = {"error", "warning", "note"};
		for (size_t i = 0; i < dl.nr; i++) {
			struct diag *d = &dl.items[i];
			json_array_append_new(
				arr, json_pack("{ss so* si si ss* ss ss*}", "severity",
					       sev[d->severity], "file",
					       d->file ? jio_string_escaped(d->file, false) : NULL,
					       "line", d->line, "column", d->col, "path", d->path,
					       "message", d->message, "hint", d->hint));
		}
		json_t *out = json_pack("{ss so sI sI}", "schema", cfn_schema_source(schema),
					"diagnostics", arr, "errors",
					(json_int_t)diag_count(&dl, DIAG_ERROR), "templates",
					(json_int_t)a.nr + (json_int_t)a.invalid_nr);
		char *s = jio_dump_json(out, NULL); /* malloc, not the arena */
		fputs(s, stdout);
		free(s);
		json_decref(out);
	} else {
		diag_print_all(stdout, &dl, cli_color(stdout));
		size_t nt = a.nr + a.invalid_nr;
		printf("%s: %zu template%s, %zu error%s, %zu warning%s (schemas: %s)\n",
		       code ? "invalid" : "valid", nt, nt == 1 ? "" : "s",
		       diag_count(&dl, DIAG_ERROR), diag_count(&dl, DIAG_ERROR) == 1 ? "" : "s",
		       diag_count(&dl, DIAG_WARNING), diag_count(&dl, DIAG_WARNING) == 1 ? "" : "s",
		       cfn_schema_source(schema));
	}
	cfn_schema_free(schema);
	sm_assembly_release(&a);
	diag_list_release(&dl);
	arena_end();
	return code;
}
