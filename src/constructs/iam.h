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
 * A role assumable by `service` ("ecs-tasks.amazonaws.com") with one inline
 * policy named "Policy" holding `statements` (stolen; may be NULL), and the
 * AWS managed policies in `managed` (NULL-terminated names, may be NULL).
 */
struct sm_resource *iam_role_new(struct sm_stack *s, const char *id, const char *service,
				 json_t *statements, const char *const *managed);

#endif
