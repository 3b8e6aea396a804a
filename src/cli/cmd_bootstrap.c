/*
 * solemate bootstrap: the toolkit stack (constructs/toolkit.h) in every
 * region the environment deploys to, deployed like any other stack.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "base/common.h"
#include "base/json_io.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "constructs/toolkit.h"
#include "lib/environments.h"

static const struct cli_command_doc bootstrap_doc = {
	.name = "bootstrap",
	.description =
		"Create or update the stack " LC_TOOLKIT_STACK " in each region the environment's\n"
		"stacks deploy to: a versioned, encrypted, TLS-only bucket with all public\n"
		"access blocked, whose old objects expire, for the templates deploy uploads\n"
		"when they are above CloudFormation's 51,200-byte inline limit. One per\n"
		"account and region: environments that share them share it.\n",
	.exit = "0 bootstrapped, 1 failed, 2 bad usage, bad input, or no credentials\n",
};

int cmd_bootstrap(int argc, char **argv)
{
	struct cli_lifecycle_opts lo = CLI_LIFECYCLE_OPTS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	bool show = false;
	struct lc_deploy_opts opts = {.show_changes = true};
	opts.policy.approval = PLAN_APPROVE_BROADENING;

	const struct cli_option options[] = {
		OPT_INPUTS(&lo.in),
		OPT_BOOL('y', "yes", &lo.yes, "approve the change set without a question"),
		OPT_BOOL(0, "show-template", &show, "print the template and exit (no AWS call)"),
		OPT_AWS(&lo.ao),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &bootstrap_doc);
	if (n < 0)
		return cli_parse_exit(n);
	opts.policy.yes = lo.yes;
	const struct cli_aws_opts ao = lo.ao;

	struct solemate_unit unit;
	struct sm_assembly env_as, as;
	struct cli_aws ca;
	bool opened = false;
	int code = SM_EXIT_USAGE;

	sm_assembly_init(&env_as);
	sm_assembly_init(&as);
	if (cli_env_load(&lo.in, "bootstrap", &unit, &env_as, NULL, &dl) < 0) {
		cli_print_diags(&dl);
		sm_assembly_release(&env_as);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	/* one toolkit stack per region the environment uses */
	const char *regions[16];
	size_t nr = 0;
	for (size_t i = 0; i < env_as.nr; i++) {
		const char *r = ao.region ? ao.region : env_as.items[i].region;
		if (!r || !strcmp(r, "unknown-region"))
			r = unit.region;
		size_t k = 0;
		while (k < nr && strcmp(regions[k], r))
			k++;
		if (k == nr && nr < sizeof(regions) / sizeof(regions[0]))
			regions[nr++] = r;
	}
	for (size_t k = 0; k < nr; k++) {
		struct sm_app *one = sm_app_new();
		sm_app_set_rule_catalog(one, check_rule_nag_ids);
		struct sm_stack *s =
			toolkit_stack_new(one, LC_TOOLKIT_STACK, unit.account, regions[k]);
		if (sm_app_resolve(one, &dl) < 0) {
			sm_app_free(one);
			goto out;
		}
		struct sm_template *t =
			sm_assembly_add(&as, LC_TOOLKIT_STACK ".template.json", LC_TOOLKIT_STACK,
					regions[k], json_deep_copy(sm_stack_template(s)));
		t->depends = NULL;
		sm_app_free(one);
	}
	if (show) {
		for (size_t i = 0; i < as.nr; i++) {
			char *body = jio_dump_json(as.items[i].tmpl, NULL);
			printf("%s", body);
			free(body);
		}
		code = SM_EXIT_OK;
		goto out;
	}
	opts.schema = cfn_schema_load(NULL, &dl);
	if (!opts.schema)
		goto out;
	if (cli_aws_open(&ca, &ao, unit.region, &dl) < 0)
		goto out;
	opened = true;
	code = cli_aws_check_account(&ca, &unit, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		goto out;
	}
	opts.env = unit.name;
	/* as the environment's own stacks: protected where its data is */
	opts.termination_protection = unit.protect;
	cli_catch_interrupt();
	size_t ok = 0;
	for (size_t i = 0; i < as.nr && !cli_interrupted; i++) {
		struct diag_list sdl = DIAG_LIST_INIT;
		json_t *outputs = NULL;
		/* the toolkit stack is not region-forced: each has its own */
		const char *forced = ca.s.forced_region;
		ca.s.forced_region = as.items[i].region;
		enum lc_deploy_result r =
			lc_deploy_stack(&ca.s, &as.items[i], &opts, &outputs, &sdl);
		ca.s.forced_region = forced;
		cli_aws_diags(&ca, &sdl);
		diag_list_release(&sdl);
		if (r == LC_DEPLOY_DONE || r == LC_DEPLOY_UNCHANGED || r == LC_DEPLOY_UNPROTECTED) {
			printf("%s bootstrapped in %s\n", LC_TOOLKIT_STACK, as.items[i].region);
			ok += r != LC_DEPLOY_UNPROTECTED;
		}
		json_decref(outputs);
	}
	code = ok == as.nr ? SM_EXIT_OK : SM_EXIT_FINDINGS;
out:
	if (code == SM_EXIT_USAGE)
		cli_print_diags(&dl);
	if (opened)
		cli_aws_close(&ca);
	if (opts.schema)
		cfn_schema_free(opts.schema);
	sm_assembly_release(&env_as);
	sm_assembly_release(&as);
	solemate_unit_release(&unit);
	diag_list_release(&dl);
	return cli_finish_stdout(code);
}
