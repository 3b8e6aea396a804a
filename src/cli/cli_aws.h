/*
 * What the commands that talk to AWS share (bootstrap, deploy, destroy,
 * diff --env): the AWS options, one client per region, Ctrl-C, serialised
 * output from the worker threads of a wave, following a stack operation
 * through its events, and deploying one stack through a change set.
 *
 * This is command-layer code: it prints (stdout for results and progress,
 * stderr for diagnostics and prompts). The decisions it applies are pure
 * and tested apart: aws/deploy_plan.h (order, verdict) and
 * aws/stack_events.h (settled, root cause, progress).
 */
#ifndef SM_CLI_AWS_H
#define SM_CLI_AWS_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

#include "analysis/assembly.h"
#include "analysis/schema.h"
#include "aws/cfn.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "aws/deploy_plan.h"
#include "base/diag.h"
#include "cli/cli.h"
#include "lib/solemate_stack.h"

/* The name of the stack `bootstrap` creates, one per account and region. */
#define CLI_TOOLKIT_STACK "SolemateToolkit"
/*
 * Our change sets: named CLI_CHANGE_SET_PREFIX<UTC time>-<random>, with this
 * description; a deploy removes the ones earlier runs left on its stacks.
 */
#define CLI_CHANGE_SET_PREFIX "solemate-"
#define CLI_CHANGE_SET_DESCRIPTION "solemate deploy"
/* CloudFormation's limit for TemplateBody; above it, TemplateURL from S3. */
#define CLI_INLINE_TEMPLATE_LIMIT 51200

struct cli_aws_opts {
	const char *profile;
	const char *region;
	const char *endpoint_url;
	bool allow_insecure_endpoint; /* --allow-insecure-endpoint: http:// to another host */
};

#define CLI_AWS_OPTIONS_HELP                                                                       \
	"  --profile NAME      credentials and region of this profile (~/.aws/credentials, "       \
	"config)\n"                                                                                \
	"  --region REGION     override the region (default: each stack's own)\n"                  \
	"  --endpoint-url URL  send every call there (an emulator or a proxy);\n"                  \
	"                      also AWS_ENDPOINT_URL. http:// only to this machine\n"              \
	"                      (localhost, 127.0.0.0/8, [::1]) unless\n"                           \
	"  --allow-insecure-endpoint  (the credentials' session token would cross the\n"           \
	"                      network in clear text)\n"

/*
 * Like cli_inputs_parse_option, for --profile, --region, --endpoint-url and
 * --allow-insecure-endpoint.
 */
int cli_aws_parse_option(struct cli_aws_opts *o, int argc, char **argv, int *i, const char *cmd);

struct cli_aws {
	struct aws_creds creds;
	const char *endpoint_url;
	const char *sts_endpoint_url; /* --endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL */
	const char *forced_region;    /* --region, or NULL: each stack's own region */
	bool progress_tty;	      /* stdout is a terminal: progress bars */
	bool prompt_tty;	      /* stdin and stderr are terminals: questions allowed */
	bool color;
	unsigned poll_ms; /* between two polls; SOLEMATE_POLL_MS, default 2000 */
	pthread_mutex_t out_lock;
	pthread_mutex_t lock; /* the schema, the counters, in_flight */
	int in_flight;	      /* stacks being followed right now */
	unsigned long requests, retries;
};

/*
 * Find the credentials (exit 2 material when none) and set up. The region
 * falls back to `fallback_region` (the environment's).
 */
int cli_aws_open(struct cli_aws *ca, const struct cli_aws_opts *o, const char *fallback_region,
		 struct diag_list *dl);
void cli_aws_close(struct cli_aws *ca);

/* Ask for an MFA code on the terminal (aws_mfa_prompt_fn); -1 without one. */
int cli_mfa_prompt(const char *profile, const char *serial, char *code, size_t size, void *arg);

/*
 * STS GetCallerIdentity with the credentials of `ca` (cli_account.c);
 * 0 or -1 + diagnostic.
 */
struct sts_identity;
int cli_aws_identity(struct cli_aws *ca, struct sts_identity *out, struct diag_list *dl);

/*
 * The account check of deploy, destroy, bootstrap and preflight, their first call:
 * SM_EXIT_OK; SM_EXIT_USAGE (an error naming both account IDs) when the
 * credentials belong to another account than the config's accountId;
 * SM_EXIT_FINDINGS when STS refuses them or cannot be reached.
 */
struct solemate_unit;
int cli_aws_check_account(struct cli_aws *ca, const struct solemate_unit *u, struct diag_list *dl);

/* A client for the stacks of one region; the credentials are shared. */
struct cli_client {
	struct aws_creds creds; /* shallow copy with another region: never released */
	struct aws_client c;
};

void cli_client_init(struct cli_aws *ca, const char *region, struct cli_client *cc);
/* Add the client's counters to the run's. */
void cli_client_done(struct cli_aws *ca, struct cli_client *cc);

/* Set by SIGINT; a second Ctrl-C exits at once. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupt(void);
/* Sleep one poll interval; false when interrupted. */
bool cli_aws_sleep(const struct cli_aws *ca, unsigned ms);

/* printf to stdout under the output lock, prefixed by "STACK | " when stack is given. */
void cli_aws_say(struct cli_aws *ca, const char *stack, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print diagnostics under the output lock. */
void cli_aws_diags(struct cli_aws *ca, const struct diag_list *dl);
/*
 * Ask a yes/no question on the terminal (stderr, answer from stdin), under
 * the output lock. False without a terminal, on EOF, or when interrupted.
 */
bool cli_aws_confirm(struct cli_aws *ca, const char *question);

/* Following one stack operation through DescribeStackEvents and DescribeStacks. */
struct cli_watch {
	const char *stack;    /* name, for output */
	const char *stack_id; /* what to poll: the stack ID after a delete, else the name */
	char *marker;	      /* newest event before the operation; events after it are ours */
	size_t total;	      /* resources the operation touches, for the bar */
	json_t *events;	      /* events of this operation, oldest first */
	struct cfn_stack final;
	bool gone; /* the stack no longer exists (deleted) */
};

/* Remember where the stack's events stand before an operation. 0 or -1. */
int cli_watch_begin(struct cli_aws *ca, struct aws_client *c, struct cli_watch *w,
		    struct diag_list *dl);
/* Poll until the stack settles: 0 settled (final filled), 1 interrupted, -1 error. */
int cli_watch_run(struct cli_aws *ca, struct aws_client *c, struct cli_watch *w,
		  struct diag_list *dl);
void cli_watch_release(struct cli_watch *w);

enum cli_deploy_result {
	CLI_DEPLOY_DONE,
	CLI_DEPLOY_UNCHANGED,
	CLI_DEPLOY_FAILED,	/* CloudFormation failed, or a call failed */
	CLI_DEPLOY_REFUSED,	/* data at risk, or not approved */
	CLI_DEPLOY_INTERRUPTED, /* Ctrl-C */
	CLI_DEPLOY_UNPROTECTED, /* deployed, but termination protection could not be set */
};

struct cli_deploy_opts {
	const char *env; /* for messages ("staging") */
	/*
	 * When set, an existing stack must record this environment
	 * (cli_stack_owner_check): deploy sets it, bootstrap does not.
	 */
	const char *owner_env;
	struct plan_policy policy;
	struct cfn_schema *schema; /* for plan_judge; used under ca->lock */
	bool upload_always;	   /* --upload always: TemplateURL even when small */
	bool termination_protection;
	bool show_changes;	/* print the change set (always, except bootstrap's quiet mode) */
	const json_t *manifest; /* cross-region references to fill as parameters, or NULL */
	const char *role_arn;	/* cloudFormationRoleArn, or NULL */
};

/*
 * Deploy one stack: create a change set, show it, judge it, ask, execute,
 * follow, and on success set termination protection and hand back the
 * outputs (*outputs_out, new reference, may be NULL). Never leaves a change
 * set behind on any path but an interrupted execution (which has consumed it).
 */
enum cli_deploy_result cli_deploy_stack(struct cli_aws *ca, const struct sm_template *t,
					const struct cli_deploy_opts *o, json_t **outputs_out,
					struct diag_list *dl);

/*
 * Whether a deployed stack belongs to environment `env` (issue 19): the
 * environment it records (its Environment tag, else the one our templates
 * name in their Description, "SoleMate ENV: ... (managed by solemate)")
 * must be `env`. A stack in REVIEW_IN_PROGRESS (a change set never
 * executed: no resources) or DELETE_COMPLETE passes. 0, or -1 + diag naming
 * both environments.
 */
int cli_stack_owner_check(const struct cfn_stack *s, const char *env, struct diag_list *dl);
/*
 * The same for every stack of `waves` (only those named in `only`, when
 * only_nr), before anything is touched. SM_EXIT_OK; SM_EXIT_USAGE + diag
 * when one belongs to another environment (the wrong target);
 * SM_EXIT_FINDINGS + diag when a call failed.
 */
int cli_check_owners(struct cli_aws *ca, const struct plan_waves *waves, const char *env,
		     const char *const *only, size_t only_nr, struct diag_list *dl);

/* The deployed template of a stack, parsed (JSON or YAML); NULL when not deployed or on error. */
json_t *cli_deployed_template(struct aws_client *c, const char *stack, int *err,
			      struct diag_list *dl);

/* The region a template deploys to: --region, else its own, else the credentials'. */
const char *cli_stack_region(const struct cli_aws *ca, const struct sm_template *t);

/*
 * One unit to act on, an environment or the account baseline: `--env NAME`
 * or `--config FILE` (exactly one; --env all is refused), its configuration
 * (release with solemate_unit_release) and its assembly synthesized in
 * memory, and the cloud assembly manifest when manifest_out is not NULL (new
 * reference). 0 or -1 + diag.
 */
int cli_env_load(const struct cli_inputs *in, const char *cmd, struct solemate_unit *u,
		 struct sm_assembly *a, json_t **manifest_out, struct diag_list *dl);

/*
 * Run `fn` on every stack of `waves`, wave by wave (backwards when
 * `reverse`), up to `concurrency` stacks of a wave at a time. A wave with a
 * failure (fn returned nonzero) is finished, and the later waves are not
 * started. Each stack's diagnostics are printed when it ends. Returns the
 * number of stacks that failed; *skipped counts the ones never started.
 */
typedef int (*cli_stack_fn)(struct cli_aws *ca, struct sm_template *t, void *ctx,
			    struct diag_list *dl);
size_t cli_run_waves(struct cli_aws *ca, const struct plan_waves *waves, bool reverse,
		     int concurrency, cli_stack_fn fn, void *ctx, size_t *skipped);

/* The options bootstrap, deploy and destroy share. */
struct cli_lifecycle_opts {
	struct cli_inputs in;	/* --env, --config, --config-dir */
	struct cli_aws_opts ao; /* --profile, --region, --endpoint-url */
	const char *only[64];	/* --stack NAME... */
	size_t only_nr;
	int concurrency; /* --concurrency N (1..32), default 4 */
	bool yes;	 /* --yes, -y */
};

#define CLI_LIFECYCLE_OPTS_INIT                                                                    \
	{                                                                                          \
		.concurrency = 4                                                                   \
	}

/*
 * If argv[*i] is one of the shared options (with `stack` allowing --stack),
 * take it and its value, advance *i and return 1; 0 when it is not one of
 * them; -1 (after a message) on a bad or missing value.
 */
int cli_lifecycle_parse_option(struct cli_lifecycle_opts *o, int argc, char **argv, int *i,
			       const char *cmd, bool stack);

/*
 * Run preflight (lifecycle/preflight.h) over an environment's assembly and
 * print its findings (text or JSON). With check_account, the account check
 * (cli_aws_check_account) comes first as the finding "account", and another
 * account stops it there. SM_EXIT_OK, SM_EXIT_FINDINGS on an error,
 * SM_EXIT_USAGE when the configuration holds a placeholder or names another
 * account than the credentials'.
 */
struct solemate_unit;
int cli_preflight(struct cli_aws *ca, struct sm_assembly *as, const struct solemate_unit *u,
		  bool check_account, bool json);

#endif
