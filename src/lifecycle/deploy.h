/*
 * Deploying one stack through a change set, and the ownership check that
 * guards deploy and destroy against the wrong target. The decisions are
 * lifecycle/deploy_plan.h's (order, verdict); this is the state machine
 * that applies them over the AWS client, reporting through the session's
 * progress callbacks (lifecycle/session.h).
 */
#ifndef SM_LIFECYCLE_DEPLOY_H
#define SM_LIFECYCLE_DEPLOY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "analysis/schema.h"
#include "aws/cfn.h"
#include "base/diag.h"
#include "lifecycle/deploy_plan.h"
#include "lifecycle/session.h"

/* The name of the stack `bootstrap` creates, one per account and region. */
#define LC_TOOLKIT_STACK "SolemateToolkit"
/*
 * Our change sets: named LC_CHANGE_SET_PREFIX<UTC time>-<random>, with this
 * description; a deploy removes the ones earlier runs left on its stacks.
 */
#define LC_CHANGE_SET_PREFIX "solemate-"
#define LC_CHANGE_SET_DESCRIPTION "solemate deploy"

enum lc_deploy_result {
	LC_DEPLOY_DONE,
	LC_DEPLOY_UNCHANGED,
	LC_DEPLOY_FAILED,      /* CloudFormation failed, or a call failed */
	LC_DEPLOY_REFUSED,     /* data at risk, or not approved */
	LC_DEPLOY_INTERRUPTED, /* Ctrl-C */
	LC_DEPLOY_UNPROTECTED, /* deployed, but termination protection could not be set */
};

struct lc_deploy_opts {
	const char *env; /* for messages ("staging") */
	/*
	 * When set, an existing stack must record this environment
	 * (lc_stack_owner_check): deploy sets it, bootstrap does not.
	 */
	const char *owner_env;
	struct plan_policy policy;
	struct cfn_schema *schema; /* required (plan_judge); used under the session's lock */
	bool upload_always;	   /* --upload always: TemplateURL even when small */
	bool termination_protection;
	bool show_changes;	/* hand the change set to progress.changes */
	const json_t *manifest; /* cross-region references to fill as parameters, or NULL */
	const char *role_arn;	/* cloudFormationRoleArn, or NULL */
	/*
	 * The command that resumes this run, without --stack (the CLI's
	 * command line, with --config-dir, --endpoint-url, ...), or NULL.
	 */
	const char *resume_cmd;
};

/*
 * Deploy one stack: create a change set, show it, judge it, ask, execute,
 * follow, and on success set termination protection and hand back the
 * outputs (*outputs_out, new reference, may be NULL). Never leaves a change
 * set behind on any path but an interrupted execution (which has consumed it).
 */
enum lc_deploy_result lc_deploy_stack(struct lc_session *s, const struct sm_template *t,
				      const struct lc_deploy_opts *o, json_t **outputs_out,
				      struct diag_list *dl);

/*
 * Whether a deployed stack belongs to environment `env` (issue 19): the
 * environment it records (its Environment tag, else the one our templates
 * name in their Description, "SoleMate ENV: ... (managed by solemate)")
 * must be `env`. A stack in REVIEW_IN_PROGRESS (a change set never
 * executed: no resources) or DELETE_COMPLETE passes. 0, or -1 + diag naming
 * both environments.
 */
int lc_stack_owner_check(const struct cfn_stack *s, const char *env, struct diag_list *dl);

enum lc_owners {
	LC_OWNERS_OK,
	LC_OWNERS_FOREIGN,     /* a stack belongs to another environment: the wrong target */
	LC_OWNERS_CALL_FAILED, /* a describe call failed */
};
/*
 * The same for every stack of `waves` (only those named in `only`, when
 * only_nr), before anything is touched; diagnostics for each stack found
 * wrong, or for the call that failed (which stops the check).
 */
enum lc_owners lc_check_owners(struct lc_session *s, const struct plan_waves *waves,
			       const char *env, const char *const *only, size_t only_nr,
			       struct diag_list *dl);

#endif
