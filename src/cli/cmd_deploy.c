/*
 * solemate deploy: the stacks of one environment through CloudFormation
 * change sets, in dependency order, independent stacks at the same time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "cli/cli_times.h"
#include "lib/environments.h"
#include "lifecycle/failover.h"

static const struct cli_command_doc deploy_doc = {
	.name = "deploy",
	.usage = "(--env NAME | --config FILE | --all) [--stack NAME]... [--yes] [options]",
	.description =
		"Synthesize the environment (or the account baseline: --env baseline) and\n"
		"deploy its stacks, in dependency order; the stacks of one wave (independent\n"
		"of each other) run at the same time. For\n"
		"each stack: upload the template to the bootstrap bucket when it is above\n"
		"CloudFormation's 51,200-byte inline limit, create a change set, show it with\n"
		"CloudFormation's own answer on replacement, ask for approval, execute, and\n"
		"follow the stack events until the stack settles; then its outputs.\n"
		"\n"
		"A change set that would replace or delete a stateful resource (database,\n"
		"bucket, key, log group, ...) in a protected environment (production:\n"
		"databaseDeletionProtection) is refused unless --allow-data-loss. Protected\n"
		"environments' stacks get termination protection. A change set without\n"
		"changes is deleted: success. Ctrl-C never leaves a change set behind; once\n"
		"one is executing, it stops waiting and says how to follow the stack. The\n"
		"change sets earlier runs left on a stack (killed, or denied DeleteChangeSet)\n"
		"are deleted before a new one is made; one that cannot be deleted fails the\n"
		"run, with the command that deletes it. A stack that records another\n"
		"environment (its Environment tag, or solemate's description) is never\n"
		"touched: exit 2 before anything is deployed. An environment that has failed\n"
		"over (its DR replica promoted: 'solemate failover') is refused the same way,\n"
		"unless --after-failback.\n",
	.after = "environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,\n"
		 "AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL; SOLEMATE_POLL_MS (default 2000)\n",
	.exit = "0 deployed or unchanged, 1 a stack failed, was refused or interrupted,\n"
		"or a change set could not be deleted; 2 bad usage, bad input, no credentials,\n"
		"a stack of another environment, or an environment that has failed over\n",
};

/* --account-profile ACCOUNT=PROFILE (value: struct account_profiles) */
struct account_profiles {
	const char *list[16];
	size_t nr;
};

static int parse_account_profile(const struct cli_option *opt, const char *v)
{
	struct account_profiles *p = opt->value;
	if (strlen(v) < 14 || strspn(v, "0123456789") != 12 || v[12] != '=')
		return cli_option_error(opt, "wants ACCOUNT=PROFILE (12 digits), not '%s'", v);
	if (p->nr == sizeof(p->list) / sizeof(p->list[0]))
		return cli_option_error(opt, "given more than %zu times", p->nr);
	p->list[p->nr++] = v;
	return 0;
}

struct deploy_ctx {
	struct lc_deploy_opts opts;
	size_t done, unchanged, failed, refused, interrupted, unprotected;
	struct cli_times times;
	pthread_mutex_t lock;
};

static int deploy_one(struct lc_session *s, struct sm_template *t, void *arg, struct diag_list *dl)
{
	struct deploy_ctx *ctx = arg;
	double start = cli_now();
	enum lc_deploy_result r = lc_deploy_stack(s, t, &ctx->opts, NULL, dl);
	static const char *const result[] = {
		[LC_DEPLOY_DONE] = "deployed",
		[LC_DEPLOY_UNCHANGED] = "unchanged",
		[LC_DEPLOY_FAILED] = "failed",
		[LC_DEPLOY_REFUSED] = "refused",
		[LC_DEPLOY_INTERRUPTED] = "interrupted",
		[LC_DEPLOY_UNPROTECTED] = "deployed, unprotected",
	};
	cli_times_add(&ctx->times, t->stack_name, result[r], cli_now() - start);
	pthread_mutex_lock(&ctx->lock);
	switch (r) {
	case LC_DEPLOY_DONE:
		ctx->done++;
		break;
	case LC_DEPLOY_UNCHANGED:
		ctx->unchanged++;
		break;
	case LC_DEPLOY_FAILED:
		ctx->failed++;
		break;
	case LC_DEPLOY_REFUSED:
		ctx->refused++;
		break;
	case LC_DEPLOY_INTERRUPTED:
		ctx->interrupted++;
		break;
	case LC_DEPLOY_UNPROTECTED:
		ctx->done++;
		ctx->unprotected++;
		break;
	}
	pthread_mutex_unlock(&ctx->lock);
	/* an unprotected stack does not stop the next waves: they need it deployed, and it is */
	return r != LC_DEPLOY_DONE && r != LC_DEPLOY_UNCHANGED && r != LC_DEPLOY_UNPROTECTED;
}

/*
 * An environment that has failed over (its DR stack's replica promoted,
 * by 'solemate failover' or by hand) must not be deployed as if nothing
 * happened: the primary region's stacks would serve the old database
 * again, and the DR stack still declares the promoted instance a replica.
 * SM_EXIT_OK, SM_EXIT_USAGE (refused, diag), SM_EXIT_FINDINGS (a call failed).
 */
static int failover_guard(struct cli_aws *ca, const struct solemate_unit *u, struct diag_list *dl)
{
	if (u->kind != CONFIG_ENVIRONMENT || !u->env.dr_region)
		return SM_EXIT_OK;
	char *stack = xstrfmt("%s" FAILOVER_STACK_SUFFIX, u->env.stack_prefix), *instance = NULL;
	struct lc_client cc;
	lc_client_init(&ca->s, u->env.dr_region, &cc);
	int r = failover_detect(&cc.c, stack, &instance, dl);
	lc_client_done(&ca->s, &cc);
	int code = r < 0 ? SM_EXIT_FINDINGS : SM_EXIT_OK;
	if (r == 1) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, u->file, 0, 0, NULL,
				 "'%s' has failed over: '%s' in %s (output " FAILOVER_OUTPUT_REPLICA
				 " of %s) is no longer a read replica but the primary database",
				 u->name, instance, u->env.dr_region, stack);
		diag_set_hint(d, "nothing was deployed; follow the failback in docs/deployment.md "
				 "(Regional failover), then deploy with --after-failback");
		code = SM_EXIT_USAGE;
	}
	free(instance);
	free(stack);
	return code;
}

/*
 * A stack whose parameter is an output of a stack deployed after it (the
 * manifest's "solemate:lookup" of kind "cloudformation:output": the assets
 * key names the distribution, which comes after the key): when that stack
 * was deployed in this run, the consumer runs again with the value. Its
 * change set is empty when the value did not change. The name of the
 * producer is returned, or NULL.
 */
static const char *later_producer(const json_t *manifest, const struct plan_waves *waves,
				  const char *stack)
{
	char *key = xstrfmt("/%s", stack);
	const json_t *entries = json_object_get(
		json_object_get(json_object_get(json_object_get(manifest, "artifacts"), stack),
				"metadata"),
		key);
	free(key);
	size_t i;
	const json_t *e;
	json_array_foreach (entries, i, e) {
		const json_t *d = json_object_get(e, "data");
		const char *producer = json_string_value(json_object_get(d, "stack"));
		if (strcmp(json_string_value(json_object_get(e, "type")) ?: "",
			   "solemate:lookup") ||
		    strcmp(json_string_value(json_object_get(d, "lookup")) ?: "",
			   "cloudformation:output") ||
		    !producer)
			continue;
		for (size_t k = 0; k < waves->nr; k++)
			if (!strcmp(waves->stacks[k]->stack_name, producer))
				return producer;
	}
	return NULL;
}

/* Options of a run that every unit it deploys shares. */
struct deploy_run {
	bool skip_preflight, after_failback;
	int argc;
	char **argv;
};

/* The single-unit deploy: every safety of `deploy --env NAME`, in order. */
static int deploy_unit(const struct cli_lifecycle_opts *lo, const struct deploy_ctx *tmpl,
		       const struct deploy_run *run)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct deploy_ctx ctx = {.opts = tmpl->opts};
	bool skip_preflight = run->skip_preflight, after_failback = run->after_failback;
	int argc = run->argc;
	char **argv = run->argv;
	struct solemate_unit unit;
	struct sm_assembly as;
	struct plan_waves waves = PLAN_WAVES_INIT;
	struct cli_aws ca;
	json_t *manifest = NULL;
	int code = SM_EXIT_USAGE;
	bool opened = false;
	char *resume_cmd = NULL;

	sm_assembly_init(&as);
	if (cli_env_load(&lo->in, "deploy", &unit, &as, &manifest, &dl) < 0) {
		cli_print_diags(&dl);
		sm_assembly_release(&as);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	/* nothing reaches CloudFormation with a placeholder certificate */
	if (unit.kind == CONFIG_ENVIRONMENT && env_config_check_deployable(&unit.env, &dl) < 0)
		goto out;
	if (plan_order(&as, lo->only, (size_t)lo->only_nr, &waves, &dl) < 0)
		goto out;
	ctx.opts.schema = cfn_schema_load(NULL, &dl);
	if (!ctx.opts.schema)
		goto out;
	if (cli_aws_open(&ca, &lo->ao, unit.region, &dl) < 0)
		goto out;
	opened = true;
	code = cli_aws_check_account(&ca, &unit, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		goto out;
	}
	ctx.opts.env = unit.name;
	ctx.opts.owner_env = unit.name;
	/* the wrong target is refused before any stack is touched */
	code = cli_check_owners(&ca, &waves, unit.name, NULL, 0, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		printf("%s: nothing deployed (%lu requests, %lu retried)\n", unit.name,
		       ca.s.requests, ca.s.retries);
		goto out;
	}
	if (!after_failback)
		code = failover_guard(&ca, &unit, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		printf("%s: nothing deployed (%lu requests, %lu retried)\n", unit.name,
		       ca.s.requests, ca.s.retries);
		goto out;
	}
	/* what only the account can tell, before any change set */
	if (skip_preflight) {
		fprintf(stderr,
			"solemate: WARNING: preflight skipped (--skip-preflight): certificates, "
			"orderable database versions, account singletons and quotas are NOT "
			"checked before the change sets\n");
	} else {
		printf("preflight %s\n", unit.name);
		code = cli_preflight(&ca, &as, &unit, false, false); /* account checked above */
		if (code != SM_EXIT_OK) {
			fprintf(stderr,
				"solemate: deploy stopped by preflight: no stack was created or "
				"changed (fix the errors above, or --skip-preflight)\n");
			goto out;
		}
	}
	ctx.opts.role_arn =
		unit.kind == CONFIG_ENVIRONMENT ? unit.env.cloudformation_role_arn : NULL;
	ctx.opts.manifest = manifest;
	resume_cmd = cli_command_line(argc, argv, "--stack");
	ctx.opts.resume_cmd = resume_cmd;
	ctx.opts.policy.production = unit.protect;
	ctx.opts.termination_protection = unit.protect;
	pthread_mutex_init(&ctx.lock, NULL);
	cli_catch_interrupt();

	printf("deploying %zu stack%s of %s in %zu wave%s%s\n", waves.nr, waves.nr == 1 ? "" : "s",
	       unit.name, waves.wave_nr, waves.wave_nr == 1 ? "" : "s",
	       ca.s.endpoint_url ? " (endpoint override)" : "");
	size_t skipped = 0;
	cli_times_init(&ctx.times);
	lc_run_waves(&ca.s, &waves, false, lo->concurrency, deploy_one, &ctx, &skipped);
	cli_times_print(&ctx.times, unit.name);
	cli_times_release(&ctx.times);
	printf("%s: %zu deployed, %zu unchanged, %zu failed, %zu refused, %zu interrupted, %zu not "
	       "started (%lu requests, %lu retried)\n",
	       unit.name, ctx.done, ctx.unchanged, ctx.failed, ctx.refused, ctx.interrupted,
	       skipped, ca.s.requests, ca.s.retries);
	if (ctx.unprotected)
		printf("%s: %zu stack%s deployed without termination protection (see above)\n",
		       unit.name, ctx.unprotected, ctx.unprotected == 1 ? "" : "s");
	code = ctx.done + ctx.unchanged == waves.nr && !ctx.unprotected ? SM_EXIT_OK
									: SM_EXIT_FINDINGS;
	/* stacks that take a value of a stack deployed after them: once more, with it */
	for (size_t i = 0; code == SM_EXIT_OK && i < waves.nr; i++) {
		const char *producer =
			later_producer(manifest, &waves, waves.stacks[i]->stack_name);
		if (!producer)
			continue;
		struct deploy_ctx again = {.opts = ctx.opts};
		pthread_mutex_init(&again.lock, NULL);
		cli_times_init(&again.times);
		printf("%s: again, with the outputs of %s (deployed after it)\n",
		       waves.stacks[i]->stack_name, producer);
		struct diag_list adl = DIAG_LIST_INIT;
		deploy_one(&ca.s, waves.stacks[i], &again, &adl);
		lc_diags_name_stack(&adl, waves.stacks[i]->stack_name);
		if (adl.nr)
			cli_aws_diags(&ca, &adl);
		diag_list_release(&adl);
		cli_times_release(&again.times);
		pthread_mutex_destroy(&again.lock);
		if (again.done + again.unchanged != 1 || again.unprotected)
			code = SM_EXIT_FINDINGS;
	}
	pthread_mutex_destroy(&ctx.lock);
out:
	if (code == SM_EXIT_USAGE)
		cli_print_diags(&dl);
	if (opened)
		cli_aws_close(&ca);
	if (ctx.opts.schema)
		cfn_schema_free(ctx.opts.schema);
	plan_waves_release(&waves);
	json_decref(manifest);
	sm_assembly_release(&as);
	solemate_unit_release(&unit);
	diag_list_release(&dl);
	free(resume_cmd);
	return code;
}

/* One unit of `deploy --all`, in the order it is deployed. */
struct all_unit {
	char *name;
	char *account, *region;
	const char *profile; /* --account-profile for its account, or NULL */
	bool baseline, protect;
	double seconds;
	int code;
};

/*
 * The order of --all: the account baselines first (each account's trail
 * and recorder before anything runs in it), then the environments that
 * keep no data that must survive (staging), then the protected ones
 * (production); by account, region and name within each group.
 */
static int all_order(const void *pa, const void *pb)
{
	const struct all_unit *a = pa, *b = pb;
	int ga = a->baseline ? 0 : a->protect ? 2 : 1, gb = b->baseline ? 0 : b->protect ? 2 : 1;
	if (ga != gb)
		return ga - gb;
	int c = strcmp(a->account, b->account);
	if (!c)
		c = strcmp(a->region, b->region);
	return c ? c : strcmp(a->name, b->name);
}

/*
 * deploy --all: every configuration of the configuration directory, the
 * plan shown first (and asked about on a terminal without --yes), then each
 * unit through deploy_unit with its own account check, owner check,
 * preflight and approvals; the first unit that does not succeed stops the
 * run, and the units after it are not started.
 */
static int deploy_all(const struct cli_lifecycle_opts *lo, const struct deploy_ctx *tmpl,
		      const struct deploy_run *run, const char *const *profiles, size_t profiles_nr)
{
	struct diag_list dl = DIAG_LIST_INIT;
	if (lo->in.env_nr || lo->in.config_nr) {
		cli_usage_error("deploy",
				"--all deploys every configuration: no --env or --config");
		return SM_EXIT_USAGE;
	}
	struct cli_inputs in = lo->in;
	in.envs[0] = "all";
	in.env_nr = 1;
	char **names = NULL;
	int n = cli_expand_envs(&in, &names, &dl), total = n;
	struct all_unit *units = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*units));
	int code = n > 0 ? SM_EXIT_OK : SM_EXIT_USAGE;
	for (int i = 0; i < n && code == SM_EXIT_OK; i++) {
		struct solemate_unit u;
		char *path = cli_env_config_path(&in, names[i]);
		if (cli_config_load(&in, path, &u, &dl) < 0) {
			code = SM_EXIT_USAGE;
		} else {
			units[i].name = xstrdup(names[i]);
			units[i].baseline = u.kind == CONFIG_BASELINE;
			units[i].protect = u.protect;
			units[i].account = xstrdup(u.kind == CONFIG_BASELINE ? u.baseline.account_id
									     : u.env.account_id);
			units[i].region = xstrdup(u.region ? u.region : "-");
			for (size_t k = 0; k < profiles_nr; k++)
				if (!strncmp(profiles[k], units[i].account, 12))
					units[i].profile = profiles[k] + 13;
			solemate_unit_release(&u);
		}
		free(path);
	}
	if (code != SM_EXIT_OK) {
		cli_print_diags(&dl);
		goto out;
	}
	qsort(units, (size_t)n, sizeof(*units), all_order);
	printf("deploy --all: %d unit%s, in this order (each stops the run if it fails):\n", n,
	       n == 1 ? "" : "s");
	for (int i = 0; i < n; i++)
		printf("  %d. %-12s account %s, %s%s%s%s%s\n", i + 1, units[i].name,
		       units[i].account, units[i].region,
		       units[i].baseline ? ", account baseline" : "",
		       units[i].protect && !units[i].baseline ? ", protected" : "",
		       units[i].profile ? ", profile " : "",
		       units[i].profile ? units[i].profile : "");
	fflush(stdout);
	if (!lo->yes && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		char line[16];
		fprintf(stderr, "deploy these %d units in this order? (y/n) ", n);
		if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
			printf("deploy --all: not approved, nothing deployed\n");
			code = SM_EXIT_FINDINGS;
			goto out;
		}
	}
	for (int i = 0; i < n; i++) {
		struct cli_lifecycle_opts one = *lo;
		one.in.envs[0] = units[i].name;
		one.in.env_nr = 1;
		if (units[i].profile)
			one.ao.profile = units[i].profile;
		printf("\n== %d/%d: %s (account %s)\n", i + 1, n, units[i].name, units[i].account);
		fflush(stdout);
		double start = cli_now();
		units[i].code = deploy_unit(&one, tmpl, run);
		units[i].seconds = cli_now() - start;
		if (units[i].code != SM_EXIT_OK) {
			code = units[i].code;
			printf("\ndeploy --all: stopped at %s (exit %d)", units[i].name, code);
			for (int k = i + 1; k < n; k++)
				printf("%s%s", k == i + 1 ? "; not started: " : ", ",
				       units[k].name);
			printf("\n");
			n = i + 1; /* the summary: the units started */
			break;
		}
	}
	printf("deploy --all:\n");
	for (int i = 0; i < n; i++)
		printf("  %-12s %8.1fs  %s\n", units[i].name, units[i].seconds,
		       units[i].code == SM_EXIT_OK ? "ok" : "FAILED");
out:
	for (int i = 0; i < total; i++) {
		free(units[i].name);
		free(units[i].account);
		free(units[i].region);
	}
	free(units);
	for (int i = 0; i < total; i++)
		free(names ? names[i] : NULL);
	free(names);
	diag_list_release(&dl);
	return code;
}

int cmd_deploy(int argc, char **argv)
{
	struct cli_lifecycle_opts lo = CLI_LIFECYCLE_OPTS_INIT;
	struct deploy_ctx ctx = {.opts = {.show_changes = true}};
	ctx.opts.policy.approval = PLAN_APPROVE_BROADENING;
	bool skip_preflight = false, after_failback = false, all = false;
	struct account_profiles profiles = {.nr = 0};
	const char *upload = "auto", *approval = NULL;
	const struct cli_option options[] = {
		OPT_INPUTS(&lo.in),
		OPT_BOOL(0, "all", &all,
			 "every configuration of the configuration directory: the\n"
			 "account baselines, then unprotected environments, then\n"
			 "protected ones (the plan is shown first, and asked about\n"
			 "on a terminal without --yes); each with every check of a\n"
			 "single deploy; the first that fails stops the run"),
		OPT_CALLBACK(0, "account-profile", &profiles, "ACCOUNT=PROFILE",
			     "with --all: the credentials of that account's units\n"
			     "(repeatable; else the default chain)",
			     parse_account_profile),
		OPT_LIST_F(0, "stack", lo.only, &lo.only_nr, "NAME",
			   "only this stack and the stacks it depends on (repeatable)",
			   CLI_OPT_STACK | CLI_OPT_NONEMPTY),
		OPT_BOOL('y', "yes", &lo.yes, "approve every change set (no questions)"),
		OPT_BOOL(0, "skip-preflight", &skip_preflight,
			 "do not run preflight first (said loudly; see 'solemate\n"
			 "help preflight')"),
		OPT_CHOICE(0, "require-approval", &approval, "never|any-change|broadening",
			   "which changes need approval (default broadening: IAM and\n"
			   "security-group changes, as in the CDK)"),
		OPT_BOOL(0, "allow-data-loss", &ctx.opts.policy.allow_data_loss,
			 "accept replacing or deleting stateful resources"),
		OPT_INT(0, "concurrency", &lo.concurrency, "N", 1, 32,
			"stacks of one wave deployed at the same time (default 4)"),
		OPT_CHOICE(0, "upload", &upload, "auto|always",
			   "always: upload every template to S3, even small ones"),
		OPT_BOOL(0, "after-failback", &after_failback,
			 "deploy an environment that has failed over to its DR\n"
			 "region, once the runbook's failback is done"),
		OPT_AWS(&lo.ao),
		OPT_END(),
	};
	/* the command line as given, for the resume hints: the parse moves operands over argv */
	char **given = xcalloc((size_t)argc + 1, sizeof(char *));
	memcpy(given, argv, (size_t)argc * sizeof(char *));
	int parsed = cli_parse_options(argc, argv, options, &deploy_doc);
	if (parsed < 0) {
		free(given);
		return cli_parse_exit(parsed);
	}
	ctx.opts.upload_always = !strcmp(upload, "always");
	if (approval)
		plan_approval_parse(approval, &ctx.opts.policy.approval); /* one of the choices */
	ctx.opts.policy.yes = lo.yes;
	struct deploy_run run = {skip_preflight, after_failback, argc, given};
	int code;
	if (all)
		code = deploy_all(&lo, &ctx, &run, profiles.list, profiles.nr);
	else if (profiles.nr)
		code = cli_usage_error("deploy",
				       "--account-profile goes with --all (else --profile)");
	else
		code = deploy_unit(&lo, &ctx, &run);
	free(given);
	return cli_finish_stdout(code);
}
