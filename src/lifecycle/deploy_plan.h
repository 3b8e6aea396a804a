/*
 * What deploy and destroy decide before and between CloudFormation calls,
 * kept apart from the calls so that it is tested without any endpoint:
 *
 *  - the order: stacks in waves, each wave depending only on earlier ones,
 *    so that the stacks of one wave may run at the same time (--concurrency);
 *    destroy walks the waves backwards;
 *  - the verdict on a change set: whether it would replace or delete a
 *    stateful resource (data at risk), whether it touches security
 *    (IAM, security groups, resource policies: what `cdk deploy
 *    --require-approval broadening` asks about), and from those and the
 *    flags, whether to go ahead, ask, or refuse.
 *
 * The change set is given in the shape DescribeChangeSet returns, as JSON:
 * an array of {"action": "Add|Modify|Remove|Import|Dynamic",
 * "logicalId", "type", "replacement": "True|False|Conditional"|null}.
 * CloudFormation's own Replacement is authoritative: the template-only diff
 * of the CDK has missed real database replacements (aws-cdk issue 31426).
 */
#ifndef SM_LIFECYCLE_DEPLOY_PLAN_H
#define SM_LIFECYCLE_DEPLOY_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "analysis/schema.h"
#include "base/diag.h"
#include "base/strbuf.h"

/*
 * Stacks by wave: stacks[wave_start[w] .. wave_start[w + 1]) form wave w.
 * Entries point into the assembly (borrowed; the assembly outlives it).
 */
struct plan_waves {
	struct sm_template **stacks;
	size_t nr;
	size_t *wave_start; /* wave_nr + 1 entries */
	size_t wave_nr;
};

#define PLAN_WAVES_INIT                                                                            \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}

/*
 * Order the stacks of `a` (all of them, or the `only` ones and the stacks
 * they depend on, as `cdk deploy STACK` does). -1 with a diagnostic for an
 * unknown stack name in `only`, a dependency on a stack the assembly does
 * not have, or a dependency cycle.
 */
int plan_order(const struct sm_assembly *a, const char *const *only, size_t only_nr,
	       struct plan_waves *out, struct diag_list *dl);
void plan_waves_release(struct plan_waves *w);

enum plan_approval {
	PLAN_APPROVE_NEVER,	 /* never ask */
	PLAN_APPROVE_ANY_CHANGE, /* ask for every change set with changes */
	PLAN_APPROVE_BROADENING, /* ask when security changes (the CDK's default) */
};

/* "never", "any-change", "broadening" -> 0 and *out; -1 when unknown. */
int plan_approval_parse(const char *s, enum plan_approval *out);

enum plan_action {
	PLAN_GO,     /* execute */
	PLAN_ASK,    /* ask on a terminal; without one, refuse and say --yes */
	PLAN_REFUSE, /* refuse: data at risk in production without --allow-data-loss */
	PLAN_NOTHING /* no changes: delete the change set, success */
};

struct plan_policy {
	bool production;      /* the environment protects its data */
	bool allow_data_loss; /* --allow-data-loss */
	bool yes;	      /* --yes: approval given */
	enum plan_approval approval;
};

struct plan_verdict {
	enum plan_action action;
	size_t changes, data_at_risk, security;
	/* One line per resource at risk: "Database (AWS::RDS::DBInstance) would be replaced". */
	struct strbuf reasons;
};

/*
 * Judge a change set. `old_tmpl` (the deployed template, may be NULL) tells
 * a removal whose DeletionPolicy is Retain apart: the resource is kept, so
 * no data is lost. `reasons` is appended to; the caller releases it.
 */
void plan_judge(const json_t *changes, const json_t *old_tmpl, struct cfn_schema *schema,
		const struct plan_policy *policy, struct plan_verdict *v);

/* Is a change to this type security-relevant (IAM, SG rules, resource policies)? */
bool plan_is_security_type(const char *type);

#endif
