/*
 * solemate failover: promote the environment's DR region to primary
 * (lifecycle/failover.h): the plan, an approval, then the steps with their
 * progress, and what to do afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/region.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "lib/environments.h"
#include "lifecycle/failover.h"

static const struct cli_command_doc failover_doc = {
	.name = "failover",
	.description =
		"Fail the environment over to its DR region (drRegion), when the primary\n"
		"region is lost: (1) read the standby stack's outputs (<Env>DrStandby), (2) check\n"
		"that its read replica can be promoted, then, once approved, (3) promote the\n"
		"replica and wait until it is a standalone, available instance, (4) raise the\n"
		"standby service to the stack's StandbyDesiredCountActive tasks (ecsDesiredCount;\n"
		"its scalable target's minimum first) and wait for a steady state, (5) switch\n"
		"DNS: a health-checked PRIMARY failover record switches by itself (reported, not\n"
		"changed); otherwise the PRIMARY record (of the domain, and of www.) is pointed\n"
		"at the SECONDARY's target and followed until INSYNC.\n"
		"Every call goes to the DR region (Route 53 to its global endpoint); nothing\n"
		"is asked of the primary region, and nothing is deleted (--region does not\n"
		"apply).\n"
		"\n"
		"The plan is shown first; the environment's name must be typed to go on,\n"
		"unless --yes. Every step looks first at what is there: after Ctrl-C or a\n"
		"failure, run it again and it goes on where it stopped. Once failed over,\n"
		"'solemate deploy' refuses the environment until the runbook's failback\n"
		"(docs/deployment.md, Regional failover).\n",
	.after = "environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,\n"
		 "AWS_PROFILE, AWS_ENDPOINT_URL; SOLEMATE_POLL_MS (default 2000)\n",
	.exit = "0 failed over, 1 the replica cannot be promoted now, a step failed,\n"
		"timed out or was interrupted, or not confirmed; 2 bad usage, bad input, no\n"
		"credentials, or an environment without a DR stack in that region\n",
};

static const char *const step_names[] = {"dr-stack", "replica", "promote", "scale", "dns"};

static void on_say(void *arg, enum failover_step step, const char *message)
{
	cli_aws_say(arg, step_names[step], "%s\n", message);
}

static bool on_sleep(void *arg, unsigned ms)
{
	(void)arg;
	return cli_aws_sleep(ms);
}

static const char *action_word(enum failover_action a)
{
	switch (a) {
	case FAILOVER_DO:
		return "DO";
	case FAILOVER_DONE:
		return "done already";
	case FAILOVER_WAIT:
		return "under way: wait";
	case FAILOVER_AUTOMATIC:
		return "automatic";
	case FAILOVER_MANUAL:
		return "by hand";
	}
	return "?";
}

static void print_target(const struct r53_record *r)
{
	if (r->alias) {
		printf("alias %s", r->alias_dns ? r->alias_dns : "?");
		return;
	}
	for (size_t i = 0; i < r->values_nr; i++)
		printf("%s%s", i ? " " : "", r->values[i]);
}

static void print_plan(const struct failover_plan *p, const struct failover_opts *o,
		       const char *env, const char *from, const char *to)
{
	printf("failover plan for %s: %s -> %s (stack %s)\n", env, from, to, o->stack);
	printf("  3. promote   [%s] %s", action_word(p->promote), p->replica_id);
	if (p->promote == FAILOVER_DO)
		printf(" (replica of %s) to a standalone instance%s", p->replica.source,
		       o->backup_retention > 0 ? ", backups kept " : "");
	if (p->promote == FAILOVER_DO && o->backup_retention > 0)
		printf("%d days", o->backup_retention);
	printf("\n  4. scale     [%s] %s/%s: %ld -> %ld tasks", action_word(p->scale), p->cluster,
	       p->service, p->svc.desired, p->desired);
	if (p->scaling.registered)
		printf(" (scalable target min %ld -> %ld)", p->scaling.min,
		       p->scaling.min > p->desired ? p->scaling.min : p->desired);
	printf("\n  5. dns       [%s] ", action_word(p->dns));
	if (p->dns == FAILOVER_MANUAL || p->dns == FAILOVER_AUTOMATIC)
		printf("%s", p->dns_reason);
	/* one line per pair that changes or has changed (a name without an AAAA pair has one) */
	const char *sep = "";
	for (size_t i = 0;
	     p->dns != FAILOVER_MANUAL && p->dns != FAILOVER_AUTOMATIC && i < p->names_nr; i++) {
		const struct failover_dns *d = &p->names[i];
		if (d->action == FAILOVER_DO) {
			printf("%sUPSERT %s %s PRIMARY: ", sep, d->name, d->new_primary.type);
			print_target(d->primary);
			printf(" -> ");
			print_target(&d->new_primary);
		} else if (d->action == FAILOVER_DONE) {
			printf("%s%s %s: the PRIMARY points at the DR region already", sep, d->name,
			       d->type);
		} else {
			continue;
		}
		sep = "\n                     ";
	}
	printf("\n  nothing is deleted; the primary region is not called\n");
}

/* Step 6: what the operator changes afterwards. */
static void print_after(const struct failover_plan *p, const char *env, const char *from,
			const char *to)
{
	printf("\nafter the failover (docs/deployment.md, Regional failover):\n"
	       "  - %s in %s is %s's database now; the old primary in %s, if it comes back,\n"
	       "    no longer replicates to it: keep the application there stopped\n"
	       "  - 'solemate deploy --env %s' refuses to run while the DR replica is\n"
	       "    standalone: the DR stack still declares it a replica, and the primary\n"
	       "    region's stacks would serve the old database again\n"
	       "  - to return to %s: the runbook's failback (a new replica of %s in %s,\n"
	       "    then a planned failover back)\n",
	       p->replica_id, to, env, from, env, from, p->replica_id, from);
}

static int result_code(enum failover_result r)
{
	switch (r) {
	case FAILOVER_OK:
		return SM_EXIT_OK;
	case FAILOVER_NO_DR:
		return SM_EXIT_USAGE;
	default:
		return SM_EXIT_FINDINGS;
	}
}

struct failover_args {
	struct cli_lifecycle_opts lo;
	const char *to;
	bool force_dns;
	bool help;
};

/* 0 go on (or a->help: --help was printed), else the exit code of a usage error. */
static int parse_args(int argc, char **argv, struct failover_args *a)
{
	const struct cli_option options[] = {
		OPT_INPUTS(&a->lo.in),
		OPT_STRING_F(0, "to", &a->to, "REGION",
			     "the DR region to fail over to (must be drRegion)", CLI_OPT_NONEMPTY),
		OPT_BOOL('y', "yes", &a->lo.yes, "do not ask (the plan is still printed)"),
		OPT_BOOL(0, "force-dns", &a->force_dns,
			 "point the PRIMARY record at the DR region even when\n"
			 "it is health-checked (a planned failover)"),
		OPT_AWS(&a->lo.ao),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &failover_doc);
	if (n == CLI_PARSE_HELP) {
		a->help = true;
		return 0;
	}
	if (n < 0)
		return cli_parse_exit(n);
	if (!a->to)
		return cli_usage_error("failover", "--to REGION is required (the DR region)");
	if (a->lo.ao.region)
		return cli_usage_error("failover", "--region does not apply: every call goes to "
						   "the --to region");
	return 0;
}

/* The environment's DR region must be --to. 0, or -1 + diag (exit 2). */
static int check_target(const struct solemate_unit *u, const char *to, struct diag_list *dl)
{
	if (region_check(to, "--to", dl) < 0)
		return -1;
	const char *dr = u->kind == CONFIG_ENVIRONMENT ? u->env.dr_region : NULL;
	if (!dr) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, u->file, 0, 0, "drRegion",
				 "'%s' has no drRegion: there is nothing to fail over to", u->name);
		diag_set_hint(d, "set drRegion and drReadiness (pilot-light or warm-standby), "
				 "deploy, then failover can run");
		return -1;
	}
	if (strcmp(dr, to)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, u->file, 0, 0, "drRegion",
					  "--to %s is not the DR region of '%s' (drRegion %s)", to,
					  u->name, dr);
		diag_set_hint(d, "--to %s", dr);
		return -1;
	}
	return 0;
}

/* The approval: --yes, or the name typed on a terminal. SM_EXIT_OK to go on. */
static int approve(struct cli_aws *ca, bool yes, const char *env, struct diag_list *dl)
{
	if (yes)
		return SM_EXIT_OK;
	if (!ca->prompt_tty) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "failover asks for confirmation and there is no terminal: "
				 "nothing was changed");
		diag_set_hint(d, "pass --yes to fail '%s' over without a question", env);
		return SM_EXIT_USAGE;
	}
	fprintf(stderr, "this fails '%s' over to its DR region as planned above.\n", env);
	if (!cli_confirm_typed(env)) {
		fprintf(stderr, "solemate failover: not confirmed: nothing was changed\n");
		return SM_EXIT_FINDINGS;
	}
	return SM_EXIT_OK;
}

int cmd_failover(int argc, char **argv)
{
	struct failover_args a = {.lo = CLI_LIFECYCLE_OPTS_INIT};
	int parsed = parse_args(argc, argv, &a);
	if (parsed)
		return parsed;
	if (a.help)
		return cli_finish_stdout(SM_EXIT_OK);

	struct diag_list dl = DIAG_LIST_INIT;
	struct solemate_unit unit;
	struct sm_assembly as;
	struct cli_aws ca;
	struct failover_plan plan;
	bool opened = false, planned = false;
	char *stack = NULL;
	int code = SM_EXIT_USAGE;

	sm_assembly_init(&as);
	if (cli_env_load(&a.lo.in, "failover", &unit, &as, NULL, &dl) < 0) {
		cli_print_diags(&dl);
		sm_assembly_release(&as);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	if (check_target(&unit, a.to, &dl) < 0)
		goto out;
	stack = xstrfmt("%s" FAILOVER_STACK_SUFFIX, unit.env.stack_prefix);
	/* every call in the DR region, STS's included: the primary may be down */
	a.lo.ao.region = a.to;
	if (cli_aws_open(&ca, &a.lo.ao, a.to, &dl) < 0)
		goto out;
	opened = true;
	code = cli_aws_check_account(&ca, &unit, &dl);
	if (code != SM_EXIT_OK) {
		if (code == SM_EXIT_FINDINGS) /* exit 2's are printed at out */
			cli_print_diags(&dl);
		goto out;
	}
	int retention = unit.env.database_backup_retention_days;
	struct failover_opts o = {
		.stack = stack,
		.region = a.to,
		.desired = unit.env.ecs_desired_count,
		.max = unit.env.ecs_max_capacity,
		.force_dns = a.force_dns,
		/* the new primary keeps the old one's point-in-time window (PromoteReadReplica:
		   0..35) */
		.backup_retention = retention > 35 ? 35 : retention,
		.poll_ms = ca.s.poll_ms,
		.cb = {.say = on_say, .sleep = on_sleep, .arg = &ca},
	};
	struct lc_client cc;
	lc_client_init(&ca.s, a.to, &cc);
	cli_catch_interrupt();
	printf("failover %s: reading the DR region %s%s\n", unit.name, a.to,
	       ca.s.endpoint_url ? " (endpoint override)" : "");
	enum failover_result r = failover_plan(&cc.c, &o, &plan, &dl);
	planned = true;
	if (r != FAILOVER_OK) {
		code = result_code(r);
		cli_print_diags(&dl);
		diag_list_release(&dl);
		printf("%s: nothing was changed\n", unit.name);
		goto done;
	}
	print_plan(&plan, &o, unit.name, unit.region, a.to);
	fflush(stdout);
	code = approve(&ca, a.lo.yes, unit.name, &dl);
	if (code != SM_EXIT_OK)
		goto done;
	r = failover_run(&cc.c, &o, &plan, &dl);
	code = result_code(r);
	cli_aws_diags(&ca, &dl);
	diag_list_release(&dl);
	if (r == FAILOVER_INTERRUPTED)
		printf("%s: interrupted: AWS goes on with what was sent; run the same command "
		       "again to follow it and finish (done steps are skipped)\n",
		       unit.name);
	else if (r != FAILOVER_OK)
		printf("%s: failover stopped: fix the cause above and run it again (done steps "
		       "are skipped)\n",
		       unit.name);
	else
		print_after(&plan, unit.name, unit.region, a.to);
done:
	lc_client_done(&ca.s, &cc);
	printf("%s: %s (%lu requests, %lu retried)\n", unit.name,
	       code == SM_EXIT_OK ? "failed over" : "not failed over", ca.s.requests, ca.s.retries);
out:
	if (code == SM_EXIT_USAGE)
		cli_print_diags(&dl);
	if (planned)
		failover_plan_release(&plan);
	if (opened)
		cli_aws_close(&ca);
	free(stack);
	sm_assembly_release(&as);
	solemate_unit_release(&unit);
	diag_list_release(&dl);
	return cli_finish_stdout(code);
}
