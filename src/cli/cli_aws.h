/*
 * What the commands that talk to AWS share (bootstrap, deploy, destroy,
 * diff --env, preflight, whoami): the AWS options, the lifecycle session
 * (lifecycle/session.h) with the terminal as its progress callbacks,
 * Ctrl-C, serialised output from the worker threads of a wave.
 *
 * This is command-layer code: it prints (stdout for results and progress,
 * stderr for diagnostics and prompts). The state machines it drives live
 * in src/lifecycle (deploy.h, destroy.h, watch.h), tested apart.
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
#include "base/diag.h"
#include "cli/cli.h"
#include "lib/solemate_stack.h"
#include "lifecycle/deploy.h"
#include "lifecycle/deploy_plan.h"
#include "lifecycle/session.h"
#include "lifecycle/watch.h"

struct cli_aws_opts {
	const char *profile;
	const char *region;
	const char *endpoint_url;
	bool allow_insecure_endpoint; /* --allow-insecure-endpoint: http:// to another host */
};

/* The AWS options of a command's table (parse_options.h). */
#define OPT_AWS(ao)                                                                                \
	OPT_GROUP("AWS options:"),                                                                 \
		OPT_STRING_F(                                                                      \
			0, "profile", &(ao)->profile, "NAME",                                      \
			"credentials and region of this profile (~/.aws/credentials, config)",     \
			CLI_OPT_NONEMPTY),                                                         \
		OPT_STRING_F(0, "region", &(ao)->region, "REGION",                                 \
			     "override the region (default: each stack's own)", CLI_OPT_NONEMPTY), \
		OPT_STRING_F(0, "endpoint-url", &(ao)->endpoint_url, "URL",                        \
			     "send every call there (an emulator or a proxy); also\n"              \
			     "AWS_ENDPOINT_URL. http:// only to this machine (localhost,\n"        \
			     "127.0.0.0/8, [::1]) unless --allow-insecure-endpoint",               \
			     CLI_OPT_NONEMPTY),                                                    \
		OPT_BOOL(0, "allow-insecure-endpoint", &(ao)->allow_insecure_endpoint,             \
			 "allow http:// to another host (the credentials' session token\n"         \
			 "would cross the network in clear text)")

struct cli_aws {
	/*
	 * Credentials, endpoint (--endpoint-url, AWS_ENDPOINT_URL), --region,
	 * the poll interval (SOLEMATE_POLL_MS, default 2000), the counters;
	 * its progress callbacks print through `out_lock`.
	 */
	struct lc_session s;
	const char *sts_endpoint_url; /* --endpoint-url, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL */
	bool progress_tty;	      /* stdout is a terminal: progress bars */
	bool prompt_tty;	      /* stdin and stderr are terminals: questions allowed */
	bool color;
	pthread_mutex_t out_lock;
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

/* Set by SIGINT; a second Ctrl-C exits at once. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupt(void);
/* Sleep one poll interval; false when interrupted. */
bool cli_aws_sleep(unsigned ms);

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
/*
 * Ask for `name` to be typed on the terminal (a guard against the wrong
 * terminal tab: destroy, failover). True only for exactly that answer.
 */
bool cli_confirm_typed(const char *name);

/*
 * lc_check_owners (lifecycle/deploy.h) as an exit code: SM_EXIT_OK;
 * SM_EXIT_USAGE + diag when a stack belongs to another environment (the
 * wrong target); SM_EXIT_FINDINGS + diag when a call failed.
 */
int cli_check_owners(struct cli_aws *ca, const struct plan_waves *waves, const char *env,
		     const char *const *only, size_t only_nr, struct diag_list *dl);

/*
 * One unit to act on, an environment or the account baseline: `--env NAME`
 * or `--config FILE` (exactly one; --env all is refused), its configuration
 * (release with solemate_unit_release) and its assembly synthesized in
 * memory, and the cloud assembly manifest when manifest_out is not NULL (new
 * reference). 0 or -1 + diag.
 */
int cli_env_load(const struct cli_inputs *in, const char *cmd, struct solemate_unit *u,
		 struct sm_assembly *a, json_t **manifest_out, struct diag_list *dl);

/* The options bootstrap, deploy and destroy share. */
struct cli_lifecycle_opts {
	struct cli_inputs in;	/* --env, --config, --config-dir */
	struct cli_aws_opts ao; /* --profile, --region, --endpoint-url */
	const char *only[64];	/* --stack NAME... */
	int only_nr;
	int concurrency; /* --concurrency N (1..32), default 4 */
	bool yes;	 /* --yes, -y */
};

#define CLI_LIFECYCLE_OPTS_INIT                                                                    \
	{                                                                                          \
		.concurrency = 4                                                                   \
	}

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
