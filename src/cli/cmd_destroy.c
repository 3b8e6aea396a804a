/*
 * solemate destroy: delete an environment's stacks, dependents first, and
 * say what CloudFormation kept (retained buckets, final snapshots) so that
 * nothing is forgotten or paid for unknowingly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/stack_events.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "lib/environments.h"

static const char destroy_usage[] =
	"usage: solemate destroy (--env NAME | --config FILE) [--stack NAME...] [--yes] [--force]\n"
	"                        [--concurrency N] [--profile NAME] [--region REGION]\n"
	"                        [--endpoint-url URL]\n"
	"\n"
	"Delete the stacks of one environment, or of the account baseline (--env\n"
	"baseline), in reverse dependency order (the stacks of one wave at the same\n"
	"time); no other unit's stack is touched. Asks for the name to be typed,\n"
	"unless --yes. A protected unit (production: databaseDeletionProtection; the\n"
	"account baseline) is refused unless --force, which also turns its stacks'\n"
	"termination protection off. Resources CloudFormation keeps (DeletionPolicy\n"
	"Retain, final snapshots of Snapshot) are listed at the end.\n"
	"\n"
	"  --stack NAME     only this stack (repeatable); the stacks that import its\n"
	"                   exports must go first (CloudFormation refuses otherwise)\n"
	"  --yes            do not ask\n"
	"  --force          allow a protected environment; turn termination protection off\n"
	"  --concurrency N  stacks deleted at the same time (default 4)\n" CLI_AWS_OPTIONS_HELP "\n"
	"exit: 0 deleted (or not deployed), 1 a deletion failed or was interrupted,\n"
	"2 bad usage, bad input, refused (production without --force, or a stack that\n"
	"records another environment), or no credentials\n";

struct destroy_ctx {
	const char *env;
	bool force;
	const char *const *only; /* --stack: exactly these */
	size_t only_nr;
	size_t deleted, absent, failed;
	struct strbuf kept; /* lines "  STACK: TYPE ID (physical): what" */
	pthread_mutex_t lock;
};

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* What the deployed template says CloudFormation keeps on deletion. */
static void note_kept(struct destroy_ctx *ctx, const char *stack, const json_t *tmpl,
		      const json_t *resources)
{
	const char *id;
	const json_t *r;
	json_object_foreach ((json_t *)json_object_get(tmpl, "Resources"), id, r) {
		const char *policy = jstr(r, "DeletionPolicy");
		if (strcmp(policy, "Retain") && strcmp(policy, "Snapshot") &&
		    strcmp(policy, "RetainExceptOnCreate"))
			continue;
		const char *phys = "";
		size_t i;
		const json_t *lr;
		json_array_foreach (resources, i, lr)
			if (!strcmp(jstr(lr, "logicalId"), id))
				phys = jstr(lr, "physicalId");
		pthread_mutex_lock(&ctx->lock);
		if (!strcmp(policy, "Snapshot"))
			strbuf_addf(&ctx->kept, "  %s: final snapshot of %s %s%s%s%s\n", stack,
				    jstr(r, "Type"), id, *phys ? " (" : "", phys, *phys ? ")" : "");
		else
			strbuf_addf(&ctx->kept, "  %s: %s %s%s%s%s is retained\n", stack,
				    jstr(r, "Type"), id, *phys ? " (" : "", phys, *phys ? ")" : "");
		pthread_mutex_unlock(&ctx->lock);
	}
}

static int destroy_one(struct cli_aws *ca, struct sm_template *t, void *arg, struct diag_list *dl)
{
	struct destroy_ctx *ctx = arg;
	struct cli_client cc;
	struct cfn_stack cur = {0};
	struct cli_watch w = {0};
	json_t *tmpl = NULL, *resources = NULL;
	const char *name = t->stack_name;
	int ret = 1;

	if (ctx->only_nr) {
		size_t k = 0;
		while (k < ctx->only_nr && strcmp(ctx->only[k], name))
			k++;
		if (k == ctx->only_nr)
			return 0;
	}
	cli_client_init(ca, cli_stack_region(ca, t), &cc);
	int exists = cfn_describe_stack(&cc.c, name, &cur, dl);
	if (exists < 0)
		goto out;
	if (!exists) {
		cli_aws_say(ca, name, "not deployed: nothing to delete\n");
		pthread_mutex_lock(&ctx->lock);
		ctx->absent++;
		pthread_mutex_unlock(&ctx->lock);
		ret = 0;
		goto out;
	}
	if (cli_stack_owner_check(&cur, ctx->env, dl) < 0)
		goto out;
	if (stack_status_state(cur.status) == STACK_IN_PROGRESS &&
	    strcmp(cur.status, "REVIEW_IN_PROGRESS")) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' is %s: another operation is running", name,
					  cur.status);
		diag_set_hint(d, "wait for it to settle, then destroy again");
		goto out;
	}
	if (cur.termination_protection) {
		if (!ctx->force) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "stack '%s' has termination protection", name);
			diag_set_hint(d, "pass --force to turn it off and delete the stack");
			goto out;
		}
		if (cfn_update_termination_protection(&cc.c, name, false, dl) < 0)
			goto out;
		cli_aws_say(ca, name, "termination protection off (--force)\n");
	}
	int err;
	tmpl = cli_deployed_template(&cc.c, name, &err, dl);
	if (err)
		goto out;
	if (cfn_list_stack_resources(&cc.c, name, &resources, dl) < 0)
		goto out;
	/* poll by ID: by name, a deleted stack is simply gone */
	w.stack = name;
	w.stack_id = cur.id;
	w.total = json_array_size(resources);
	if (cli_watch_begin(ca, &cc.c, &w, dl) < 0)
		goto out;
	if (cfn_delete_stack(&cc.c, name, dl) < 0)
		goto out;
	cli_aws_say(ca, name, "deleting %zu resource%s\n", w.total, w.total == 1 ? "" : "s");
	int r = cli_watch_run(ca, &cc.c, &w, dl);
	if (r == 1) {
		cli_aws_say(ca, name,
			    "interrupted: stopped waiting; CloudFormation goes on deleting the "
			    "stack\n");
		cli_aws_say(
			ca, name,
			"  follow it: aws cloudformation describe-stack-events --stack-name %s\n",
			cur.id ? cur.id : name);
		goto out;
	}
	if (r < 0)
		goto out;
	if (!w.gone) {
		const json_t *rc = stack_events_root_cause(w.events);
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' was not deleted (%s)%s%s%s%s", name,
					  w.final.status ? w.final.status : "?", rc ? ": " : "",
					  rc ? jstr(rc, "logicalId") : "", rc ? ": " : "",
					  rc ? jstr(rc, "reason") : "");
		diag_set_hint(d,
			      "fix the cause (or delete the resource by hand), then destroy again");
		goto out;
	}
	note_kept(ctx, name, tmpl, resources);
	cli_aws_say(ca, name, "deleted\n");
	pthread_mutex_lock(&ctx->lock);
	ctx->deleted++;
	pthread_mutex_unlock(&ctx->lock);
	ret = 0;
out:
	if (ret) {
		pthread_mutex_lock(&ctx->lock);
		ctx->failed++;
		pthread_mutex_unlock(&ctx->lock);
	}
	cli_client_done(ca, &cc);
	cli_watch_release(&w);
	cfn_stack_release(&cur);
	json_decref(tmpl);
	json_decref(resources);
	return ret;
}

/* Ask for the environment's name to be typed, as a guard against the wrong terminal tab. */
static bool confirm_by_name(const char *env, size_t stacks)
{
	char line[256];
	fprintf(stderr,
		"this deletes the %zu stack%s of '%s' and what they hold.\n"
		"type the name to go on: ",
		stacks, stacks == 1 ? "" : "s", env);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || cli_interrupted)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return !strcmp(line, env);
}

int cmd_destroy(int argc, char **argv)
{
	struct cli_lifecycle_opts lo = CLI_LIFECYCLE_OPTS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct destroy_ctx ctx = {0};

	for (int i = 1; i < argc; i++) {
		int r = cli_lifecycle_parse_option(&lo, argc, argv, &i, "destroy", true);
		if (r < 0)
			return SM_EXIT_USAGE;
		if (r > 0)
			continue;
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(destroy_usage, stdout);
			return cli_finish_stdout(SM_EXIT_OK);
		} else if (!strcmp(a, "--force")) {
			ctx.force = true;
		} else {
			return cli_usage_error("destroy", "unknown option '%s' (see --help)", a);
		}
	}
	const char *const *only = lo.only;
	size_t only_nr = lo.only_nr;
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
		if (!confirm_by_name(unit.name, only_nr ? only_nr : waves.nr)) {
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
	cli_run_waves(&ca, &waves, true, lo.concurrency, destroy_one, &ctx, &skipped);
	if (ctx.kept.len)
		printf("CloudFormation kept these; delete them by hand when they are no longer "
		       "needed (they cost money):\n%s",
		       ctx.kept.buf);
	printf("%s: %zu deleted, %zu not deployed, %zu failed, %zu not started (%lu requests, "
	       "%lu retried)\n",
	       unit.name, ctx.deleted, ctx.absent, ctx.failed, skipped, ca.requests, ca.retries);
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
