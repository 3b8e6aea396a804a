/*
 * IAM building blocks: policy statements and roles with inline,
 * least-privilege policies (no AWS managed policy unless the caller asks).
 */
#ifndef SM_CONSTRUCT_IAM_H
#define SM_CONSTRUCT_IAM_H

#include "engine/engine.h"

/* {"Effect": "Allow", "Action": actions, "Resource": resources}; args stolen. */
json_t *iam_allow(json_t *actions, json_t *resources);
/* Same with a "Condition" block (stolen). */
json_t *iam_allow_if(json_t *actions, json_t *resources, json_t *condition);
/* A policy document {"Version": "2012-10-17", "Statement": statements}. */
json_t *iam_document(json_t *statements);
/* "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" as Fn::Sub. */
json_t *iam_account_root(void);

/*
 * A statement of a resource policy (a bucket's, a key's, a topic's), its
 * keys in the order Sid, Effect, Principal, Action, Resource, Condition.
 * A required member left NULL (a value that could not be built) fails the
 * synthesis with an error naming it ("Principal"), never a statement
 * without it.
 */
struct iam_statement_props {
	const char *sid;   /* may be NULL */
	bool deny;	   /* default false: Allow */
	json_t *principal; /* stolen; required: iam_service(), {"AWS": ...} */
	json_t *action;	   /* stolen; required: a string, or a list (sm_strings) */
	json_t *resource;  /* stolen; required: a value, or a list */
	json_t *condition; /* stolen; NULL: none (iam_condition) */
};
json_t *iam_statement(const struct iam_statement_props *props);
/* {"Service": service} */
json_t *iam_service(const char *service);
/* {"Service": "<name>.${AWS::Region}.amazonaws.com"} (Fn::Sub): CloudWatch Logs' principal */
json_t *iam_regional_service(const char *name);
/*
 * {"AWS": "*"}: any principal, which the statement's Condition narrows
 * (aws:PrincipalArn, kms:CallerAccount): a principal that need not exist
 * when the policy is written.
 */
json_t *iam_any_principal(void);
/* {"Service": [services up to NULL]}: several services in one statement */
#define iam_services(...) sm_object("Service", sm_strings(__VA_ARGS__), NULL)
/*
 * {op: {key: value, ...}} of the (key, value) pairs up to a NULL key, values
 * stolen: iam_condition("StringEquals", "aws:SourceArn", arn, NULL). A NULL
 * value fails the synthesis naming its key.
 */
json_t *iam_condition(const char *op, ...) __attribute__((sentinel));
/*
 * `a` with the conditions of `b` added (b stolen), all of which must hold:
 * an operator of both gets the keys of both; a key under the same operator
 * in both fails the synthesis (IAM keeps one value a key).
 */
json_t *iam_condition_and(json_t *a, json_t *b);

/*
 * A role assumable by `service` ("ecs-tasks.amazonaws.com") whose permissions
 * are `statements` (stolen; may be NULL) in a customer managed policy
 * "<id>Policy" (an AWS::IAM::ManagedPolicy attached to the role: NIST 800-53
 * and PCI DSS packs want no inline policies), plus the AWS managed policies
 * in `managed` (NULL-terminated names, may be NULL).
 */
struct sm_resource *iam_role_new(struct sm_stack *s, const char *id, const char *service,
				 json_t *statements, const char *const *managed);
/* The managed policy iam_role_new() made for `role`, or NULL. */
struct sm_resource *iam_role_policy(const struct sm_resource *role);
/*
 * `r` is used with `role`'s permissions: make it wait for the role's policy
 * too. A reference to the role's Arn orders `r` after the role only, and the
 * policy is a resource of its own that CloudFormation may attach later, so
 * the service's first call with the role would be denied.
 */
void iam_role_wait_for(struct sm_resource *r, const struct sm_resource *role);

/*
 * Accept a finding of our rule `rule_id` ("SM-IAM-002") on `r` with
 * `reason`, and for a role on its policy too: recorded under our ID (check
 * honours it) and under each cdk-nag ID the rule's metadata says it answers
 * to (cdk-nag honours those; sm_resource_accept).
 */
void accept_finding(struct sm_resource *r, const char *rule_id, const char *reason);

/*
 * Suppress cdk-nag rules by their own IDs, on `r` and, for a role, on its
 * policy too (the list ends with NULL): only for a cdk-nag rule no rule of
 * ours is the exact equal of (say why beside the call; test_infra checks
 * it); else accept_finding. Such a suppression mutes no rule of ours: one
 * that lists the ID among its nag_partial (SM-IAM-005 for
 * AwsSolutions-IAM4, any AWS managed policy) still fires.
 */
void nag_suppress(struct sm_resource *r, const char *reason, ...) __attribute__((sentinel));

#endif
