/* solemate diff: what would change, resource by resource, with replacements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/diff.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "cli/cli_report.h"
#include "lib/environments.h"

static const struct cli_command_doc diff_doc = {
	.name = "diff",
	.usage =
		"(--env NAME | --config FILE) [--format text|json|markdown] [--fail] [AWS "
		"options]\n"
		"--against OLD [NEW] [--env NAME|all | --config FILE] [--format text|json|markdown]"
		" [--fail]",
	.max_args = 1,
	.description =
		"Without --against, compare the synthesis of one environment with its\n"
		"deployed stacks (GetTemplate; a stack not deployed shows as added).\n"
		"With --against, compare two cloud assemblies (directories or template\n"
		"files), or OLD with the current synthesis of --env (default: every\n"
		"environment), stack by stack: resources added, removed and modified property\n"
		"by property; whether CloudFormation replaces a resource (from the registry\n"
		"schemas' createOnly properties); a loud DATA AT RISK line when a stateful\n"
		"resource (database, bucket, key, log group, ...) would be replaced or\n"
		"deleted; and the IAM and security-group changes, listed apart.\n",
	.exit = "0 with or without differences (as cdk diff), 1 differences with --fail,\n"
		"2 trouble: bad usage or input, no credentials, or an AWS call that failed\n",
};

/*
 * new_a: the environment synthesized; old_a: the templates CloudFormation
 * has for the same stack names (none for a stack not deployed). 0, or the
 * exit code 2: bad input or credentials, or a failed call. Never 1, which
 * says "differences": a script (update.sh) deploys on 1 (issue 19).
 */
static int load_deployed(const struct cli_inputs *in, const struct cli_aws_opts *ao,
			 struct sm_assembly *old_a, struct sm_assembly *new_a, struct diag_list *dl)
{
	struct solemate_unit unit;
	struct cli_aws ca;
	int ret = SM_EXIT_USAGE;

	if (cli_env_load(in, "diff", &unit, new_a, NULL, dl) < 0)
		return SM_EXIT_USAGE;
	if (cli_aws_open(&ca, ao, unit.region, dl) < 0) {
		solemate_unit_release(&unit);
		return SM_EXIT_USAGE;
	}
	for (size_t i = 0; i < new_a->nr; i++) {
		struct sm_template *t = &new_a->items[i];
		struct lc_client cc;
		struct cfn_stack st = {0};
		lc_client_init(&ca.s, lc_stack_region(&ca.s, t), &cc);
		int exists = cfn_describe_stack(&cc.c, t->stack_name, &st, dl);
		json_t *tmpl = NULL;
		int err = exists < 0;
		if (exists > 0 && (!st.status || strcmp(st.status, "REVIEW_IN_PROGRESS")))
			tmpl = lc_deployed_template(&cc.c, t->stack_name, &err, dl);
		cfn_stack_release(&st);
		lc_client_done(&ca.s, &cc);
		if (err)
			goto out;
		if (tmpl) {
			char *file = xstrfmt("deployed:%s", t->stack_name);
			sm_assembly_add(old_a, file, t->stack_name, t->region, tmpl);
			free(file);
		}
	}
	ret = 0;
out:
	cli_aws_close(&ca);
	solemate_unit_release(&unit);
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct cli_aws_opts ao = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	const char *old_path = NULL, *new_path = NULL;
	const char *format = "text";
	bool fail = false;

	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_FILE(0, "against", &old_path, "OLD",
			 "compare OLD (an assembly directory or a template) with NEW, the\n"
			 "operand after it, or with the synthesis of --env"),
		OPT_CHOICE(0, "format", &format, "text|json|markdown",
			   "text (default), json, or markdown (a pull-request comment:\n"
			   "counts and a row per changed stack, the changes folded)"),
		OPT_BOOL(0, "fail", &fail, "exit 1 when there are differences (as diff(1) does)"),
		OPT_AWS(&ao),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &diff_doc);
	if (n < 0)
		return cli_parse_exit(n);
	if (n && !old_path)
		return cli_usage_error(
			"diff", "unexpected argument '%s' (NEW goes with --against OLD)", argv[1]);
	if (n)
		new_path = argv[1];
	struct sm_assembly old_a, new_a;
	sm_assembly_init(&old_a);
	sm_assembly_init(&new_a);
	int code = SM_EXIT_USAGE;
	if (!old_path) {
		int r = load_deployed(&in, &ao, &old_a, &new_a, &dl);
		if (r) {
			code = r;
			goto out;
		}
	} else if (sm_assembly_load_path(&old_a, old_path, &dl) < 0) {
		goto out;
	}
	if (old_path && new_path) {
		if (sm_assembly_load_path(&new_a, new_path, &dl) < 0)
			goto out;
	} else if (old_path) {
		if (!in.env_nr && !in.config_nr)
			in.envs[in.env_nr++] = "all";
		if (cli_inputs_load(&in, &new_a, &dl) < 0)
			goto out;
	}
	struct cfn_schema *schema = cfn_schema_load(NULL, &dl);
	if (!schema)
		goto out;
	struct diff_summary sum;
	json_t *d = diff_assemblies(&old_a, &new_a, schema, &sum);
	if (!strcmp(format, "markdown")) {
		struct strbuf sb = STRBUF_INIT;
		cli_diff_markdown(d, &sum, &sb);
		cli_put(&sb);
		strbuf_release(&sb);
	} else if (!strcmp(format, "json")) {
		json_object_set_new(d, "summary",
				    json_pack("{sI sI sI sI sI sI}", "added", (json_int_t)sum.added,
					      "removed", (json_int_t)sum.removed, "modified",
					      (json_int_t)sum.modified, "replaced",
					      (json_int_t)sum.replaced, "dataAtRisk",
					      (json_int_t)sum.data_at_risk, "security",
					      (json_int_t)sum.security));
		json_object_set_new(json_object_get(d, "summary"), "iamStatements",
				    json_integer((json_int_t)sum.iam_rows));
		json_object_set_new(json_object_get(d, "summary"), "securityGroupRules",
				    json_integer((json_int_t)sum.sg_rows));
		json_object_set_new(json_object_get(d, "summary"), "widening",
				    json_integer((json_int_t)sum.widening));
		json_object_set_new(json_object_get(d, "summary"), "otherSections",
				    json_integer((json_int_t)sum.other));
		char *s = jio_dump_json(d, NULL);
		fputs(s, stdout);
		free(s);
	} else {
		diff_print(stdout, d, cli_color(stdout));
		printf("%zu added, %zu removed, %zu modified (%zu replaced), %zu with data at "
		       "risk, %zu IAM statement and %zu security-group rule changes (%zu "
		       "widening access)\n",
		       sum.added, sum.removed, sum.modified, sum.replaced, sum.data_at_risk,
		       sum.iam_rows, sum.sg_rows, sum.widening);
		if (sum.other)
			printf("%zu change%s to Parameters, Conditions, Mappings or Outputs\n",
			       sum.other, sum.other == 1 ? "" : "s");
	}
	/* as cdk diff: 0 whatever the differences, unless --fail asks for 1 on any */
	code = fail && sum.added + sum.removed + sum.modified + sum.other ? SM_EXIT_FINDINGS
									  : SM_EXIT_OK;
	json_decref(d);
	cfn_schema_free(schema);
out:
	if (code != SM_EXIT_OK || dl.nr)
		cli_print_diags(&dl);
	sm_assembly_release(&old_a);
	sm_assembly_release(&new_a);
	diag_list_release(&dl);
	return code;
}
