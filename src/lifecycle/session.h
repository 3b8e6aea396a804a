/*
 * A lifecycle run (deploy, destroy, bootstrap, diff --env): the AWS side it
 * shares between its stacks (credentials, endpoint, one client per region,
 * the request counters) and the callbacks through which it reports progress
 * and asks questions. The lifecycle layer never prints: the command line
 * fills `progress` with its printers and its terminal; a test fills it with
 * recorders, or leaves it empty.
 *
 * Threads: the stacks of one wave run at the same time (lc_run_waves), so
 * the callbacks may be called from several threads at once; serialising
 * output is theirs to do. `lock` guards the counters, `in_flight` and what
 * the caller shares through it (the schema of lc_deploy_opts).
 */
#ifndef SM_LIFECYCLE_SESSION_H
#define SM_LIFECYCLE_SESSION_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "base/diag.h"

/* Every callback may be NULL: nothing is reported, nothing is asked. */
struct lc_progress {
	void *arg;
	/* A line of progress about `stack` (NULL: the run); `text` ends with '\n'. */
	void (*say)(void *arg, const char *stack, const char *text);
	/*
	 * An event of a followed stack operation, oldest first: `done` of
	 * `total` resources have settled; `alone` when no other stack is
	 * followed at the same time (a progress bar may be redrawn in place).
	 */
	void (*event)(void *arg, const char *stack, const json_t *event, size_t done, size_t total,
		      bool alone);
	/* A followed operation ended (a progress bar may be cleared). */
	void (*settled)(void *arg, const char *stack);
	/*
	 * The change set of `stack` about to be judged, in DescribeChangeSet's
	 * shape (lifecycle/deploy_plan.h); stateful[i] says whether change i
	 * is of a stateful type.
	 */
	void (*changes)(void *arg, const char *stack, const char *change_set, const json_t *changes,
			const bool *stateful);
	/* The outputs of a stack just deployed. */
	void (*outputs)(void *arg, const char *stack, const json_t *outputs);
	/* The diagnostics of one stack of a wave, when it ends (lc_run_waves). */
	void (*diags)(void *arg, const struct diag_list *dl);
	/* A yes/no question; NULL when there is no one to ask (no terminal). */
	bool (*confirm)(void *arg, const char *question);
	/* Wait `ms`; false when interrupted. NULL: nanosleep. */
	bool (*sleep)(void *arg, unsigned ms);
	/* True once the user asked to stop (Ctrl-C). NULL: never. */
	bool (*interrupted)(void *arg);
};

struct lc_session {
	struct aws_creds creds; /* owned: released by lc_session_release */
	const char *endpoint_url;
	const char *forced_region; /* --region, or NULL: each stack's own region */
	unsigned poll_ms;	   /* between two polls of a stack operation */
	struct lc_progress progress;
	pthread_mutex_t lock;
	int in_flight; /* stacks being followed right now */
	unsigned long requests, retries;
};

/* Take `creds` (moved: the caller's copy is emptied); poll every `poll_ms`. */
void lc_session_init(struct lc_session *s, struct aws_creds *creds, const char *endpoint_url,
		     unsigned poll_ms);
void lc_session_release(struct lc_session *s);

/* The region a template deploys to: forced_region, else its own, else the credentials'. */
const char *lc_stack_region(const struct lc_session *s, const struct sm_template *t);

/* A client for the stacks of one region; the credentials are shared. */
struct lc_client {
	struct aws_creds creds; /* shallow copy with another region: never released */
	struct aws_client c;
};

void lc_client_init(struct lc_session *s, const char *region, struct lc_client *cc);
/* Add the client's counters to the session's. */
void lc_client_done(struct lc_session *s, struct lc_client *cc);

/* The callbacks, or their defaults when NULL. */
void lc_say(struct lc_session *s, const char *stack, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool lc_sleep(struct lc_session *s, unsigned ms);
bool lc_interrupted(struct lc_session *s);

/*
 * Run `fn` on every stack of `waves`, wave by wave (backwards when
 * `reverse`), up to `concurrency` stacks of a wave at a time. A wave with a
 * failure (fn returned nonzero) is finished, and the later waves are not
 * started; nor are they after an interruption. Each stack's diagnostics go
 * to progress.diags when it ends, each naming the stack (lc_diags_name_stack). Returns the number
 * of stacks that failed; *skipped counts the ones never started.
 */
struct plan_waves;
typedef int (*lc_stack_fn)(struct lc_session *s, struct sm_template *t, void *ctx,
			   struct diag_list *dl);
size_t lc_run_waves(struct lc_session *s, const struct plan_waves *waves, bool reverse,
		    int concurrency, lc_stack_fn fn, void *ctx, size_t *skipped);

/*
 * Put the stack's name before each message of `dl` about no file that does
 * not name it already: stacks of a wave run at the same time, and "AccessDenied"
 * alone does not say whose call it was. lc_run_waves() does it for each stack.
 */
void lc_diags_name_stack(struct diag_list *dl, const char *stack);

#endif
