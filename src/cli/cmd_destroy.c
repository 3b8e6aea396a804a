/*
 * solemate destroy: delete an environment's stacks, dependents first, and
 * say what CloudFormation kept (retained buckets, final snapshots) so that
 * nothing is forgotten or paid for unknowingly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "cli/cli_times.h"
#include "lib/environments.h"
#include "lifecycle/destroy.h"

static const struct cli_command_doc destroy_doc = {
	.name = "destroy",
	.description =
		"Delete the stacks of one environment, or of the account baseline (--env\n"
		"baseline), in reverse dependency order (the stacks of one wave at the same\n"
		"time); no other unit's stack is touched. Asks for the name to be typed,\n"
		"unless --yes. A protected unit (production: databaseDeletionProtection; the\n"
		"account baseline) is refused unless --force, which also turns its stacks'\n"
		"termination protection off. Resources CloudFormation keeps (DeletionPolicy\n"
		"Retain, final snapshots of Snapshot) are listed at the end.\n",
	.exit = "0 deleted (or not deployed), 1 a deletion failed or was interrupted,\n"
		"2 bad usage, bad input, refused (production without --force, or a stack that\n"
		"records another environment), or no credentials\n",
};

struct destroy_ctx {
	const char *env;
	bool force;
	const char *const *only; /* --stack: exactly these */
	size_t only_nr;
	size_t deleted, absent, failed;
	struct strbuf kept; /* lines "  STACK: TYPE ID (physical): what" */
	struct cli_times times;
	pthread_mutex_t lock;
};

static int destroy_one(struct lc_session *s, struct sm_template *t, void *arg, struct diag_list *dl)
{
	struct destroy_ctx *ctx = arg;
	const char *name = t->stack_name;

	if (ctx->only_nr) {
		size_t k = 0;
		while (k < ctx->only_nr && strcmp(ctx->only[k], name))
			k++;
		if (k == ctx->only_nr)
			return 0;
	}
	struct strbuf kept = STRBUF_INIT;
	struct lc_destroy_opts o = {.env = ctx->env, .force = ctx->force};
	double start = cli_now();
	enum lc_destroy_result r = lc_destroy_stack(s, t, &o, &kept, dl);
	cli_times_add(&ctx->times, name,
		      r == LC_DESTROY_DELETED  ? "deleted"
		      : r == LC_DESTROY_ABSENT ? "not deployed"
					       : "failed",
		      cli_now() - start);
	pthread_mutex_lock(&ctx->lock);
	strbuf_add(&ctx->kept, kept.buf, kept.len);
	if (r == LC_DESTROY_DELETED)
		ctx->deleted++;
	else if (r == LC_DESTROY_ABSENT)
		ctx->absent++;
	else
		ctx->failed++;
	pthread_mutex_unlock(&ctx->lock);
	strbuf_release(&kept);
	return r != LC_DESTROY_DELETED && r != LC_DESTROY_ABSENT;
}

int cmd_destroy(int argc, char **argv)
{
	struct cli_lifecycle_opts lo = CLI_LIFECYCLE_OPTS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct destroy_ctx ctx = {0};

	const struct cli_option options[] = {
		OPT_INPUTS(&lo.in),
		OPT_LIST_F(0, "stack", lo.only, &lo.only_nr, "NAME",
			   "only this stack (repeatable); the stacks that import its\n"
			   "exports must go first (CloudFormation refuses otherwise)",
			   CLI_OPT_STACK | CLI_OPT_NONEMPTY),
		OPT_BOOL('y', "yes", &lo.yes, "do not ask"),
		OPT_BOOL(0, "force", &ctx.force,
			 "allow a protected environment; turn termination protection off"),
		OPT_INT(0, "concurrency", &lo.concurrency, "N", 1, 32,
			"stacks deleted at the same time (default 4)"),
		OPT_AWS(&lo.ao),
		OPT_END(),
	};
	int parsed = cli_parse_options(argc, argv, options, &destroy_doc);
	if (parsed < 0)
		return cli_parse_exit(parsed);
	const char *const *only = lo.only;
	size_t only_nr = (size_t)lo.only_nr;
	bool yes = lo.yes;

	struct solemate_unit unit;
	struct sm_assembly as;
	struct plan_waves waves = PLAN_WAVES_INIT;
	struct cli_aws ca;
	int code = SM_EXIT_USAGE;
	bool opened = false;

	sm_assembly_init(&as);
	if (cli_env_load(&lo.in, "destroy", &unit, &as, NULL, &dl) < 0) {
		cli_print_diags(&dl);
		sm_assembly_release(&as);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	/* every stack, for the order; destroy_one skips the ones not asked for */
	if (plan_order(&as, only, only_nr, &waves, &dl) < 0)
		goto out;
	plan_waves_release(&waves);
	if (plan_order(&as, NULL, 0, &waves, &dl) < 0)
		goto out;
	ctx.only = only;
	ctx.only_nr = only_nr;
	if (unit.protect && !ctx.force) {
		struct diag *d =
			diag_add(&dl, DIAG_ERROR, unit.file, 0, 0, NULL,
				 unit.kind == CONFIG_BASELINE
					 ? "refusing to destroy '%s': the account baseline "
					   "(audit trail, AWS Config) outlives every "
					   "environment"
					 : "refusing to destroy '%s': it is a protected "
					   "environment (databaseDeletionProtection)",
				 unit.name);
		diag_set_hint(d, "if you really mean it: --force (and its stacks' termination "
				 "protection is turned off)");
		goto out;
	}
	if (cli_aws_open(&ca, &lo.ao, unit.region, &dl) < 0)
		goto out;
	opened = true;
	code = cli_aws_check_account(&ca, &unit, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		goto out;
	}
	/* the wrong target is refused before any question or deletion */
	code = cli_check_owners(&ca, &waves, unit.name, only, only_nr, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		goto out;
	}
	code = SM_EXIT_USAGE;
	if (!yes) {
		if (!ca.prompt_tty) {
			struct diag *d = diag_add(&dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "destroy asks for confirmation and there is no "
						  "terminal");
			diag_set_hint(d, "pass --yes to delete '%s' without a question", unit.name);
			goto out;
		}
		size_t n = only_nr ? only_nr : waves.nr;
		fprintf(stderr, "this deletes the %zu stack%s of '%s' and what they hold.\n", n,
			n == 1 ? "" : "s", unit.name);
		if (!cli_confirm_typed(unit.name)) {
			fprintf(stderr, "solemate destroy: not confirmed: nothing was deleted\n");
			code = SM_EXIT_FINDINGS;
			goto out;
		}
	}
	ctx.env = unit.name;
	strbuf_init(&ctx.kept, 0);
	pthread_mutex_init(&ctx.lock, NULL);
	cli_catch_interrupt();
	printf("destroying %zu stack%s of %s\n", only_nr ? only_nr : waves.nr,
	       (only_nr ? only_nr : waves.nr) == 1 ? "" : "s", unit.name);
	size_t skipped = 0;
	cli_times_init(&ctx.times);
	lc_run_waves(&ca.s, &waves, true, lo.concurrency, destroy_one, &ctx, &skipped);
	cli_times_print(&ctx.times, unit.name);
	cli_times_release(&ctx.times);
	if (ctx.kept.len)
		printf("CloudFormation kept these; delete them by hand when they are no longer "
		       "needed (they cost money):\n%s",
		       ctx.kept.buf);
	printf("%s: %zu deleted, %zu not deployed, %zu failed, %zu not started (%lu requests, "
	       "%lu retried)\n",
	       unit.name, ctx.deleted, ctx.absent, ctx.failed, skipped, ca.s.requests,
	       ca.s.retries);
	code = ctx.failed || skipped || cli_interrupted ? SM_EXIT_FINDINGS : SM_EXIT_OK;
	strbuf_release(&ctx.kept);
	pthread_mutex_destroy(&ctx.lock);
out:
	if (code == SM_EXIT_USAGE)
		cli_print_diags(&dl);
	if (opened)
		cli_aws_close(&ca);
	plan_waves_release(&waves);
	sm_assembly_release(&as);
	solemate_unit_release(&unit);
	diag_list_release(&dl);
	return cli_finish_stdout(code);
}
