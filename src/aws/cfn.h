/*
 * The CloudFormation Query API calls deploy, diff and destroy need
 * (Version=2010-05-15, form-encoded POST, XML answers parsed with libxml2),
 * paginated with NextToken where AWS paginates.
 *
 * Every function returns 0 on success and -1 with a diagnostic naming the
 * action and AWS's error code and message. Strings and JSON handed out are
 * owned by the caller (free / json_decref) unless said otherwise.
 */
#ifndef SM_AWS_CFN_H
#define SM_AWS_CFN_H

#include <jansson.h>
#include <stdbool.h>

#include "aws/client.h"
#include "base/diag.h"

struct cfn_stack {
	char *name;
	char *id;
	char *status;	     /* StackStatus */
	char *status_reason; /* or NULL */
	char *description;   /* the template's Description, or NULL */
	bool termination_protection;
	json_t *outputs; /* {"OutputKey": "OutputValue", ...}, never NULL after success */
	json_t *tags;	 /* the stack's tags {"Key": "Value", ...}, never NULL after success */
};

void cfn_stack_release(struct cfn_stack *s);

/* 1 when the stack exists (filled), 0 when it does not ("does not exist"), -1 on error. */
int cfn_describe_stack(struct aws_client *c, const char *stack, struct cfn_stack *out,
		       struct diag_list *dl);

/* The deployed template body (TemplateStage=Original), as text. */
int cfn_get_template(struct aws_client *c, const char *stack, char **body_out,
		     struct diag_list *dl);

struct cfn_change_set_input {
	const char *stack;
	const char *name;	   /* change set name */
	const char *type;	   /* "CREATE" or "UPDATE" */
	const char *template_body; /* one of body or url */
	const char *template_url;
	const char *description; /* or NULL */
	json_t *parameters;	 /* {"ParameterKey": "ParameterValue"} or NULL */
	json_t *tags;		 /* {"Key": "Value"} or NULL */
	const char *role_arn;	 /* RoleARN: CloudFormation's service role, or NULL */
	/* CAPABILITY_IAM, CAPABILITY_NAMED_IAM and CAPABILITY_AUTO_EXPAND are always sent */
};

/*
 * The change set's ARN into *id_out. 1 (no diagnostic, no change set) when
 * CloudFormation answers that there is nothing to change: a ValidationError
 * "No updates are to be performed" (moto, and UpdateStack's wording) or
 * "didn't contain changes", as the AWS CLI's --no-fail-on-empty-changeset
 * takes it.
 */
int cfn_create_change_set(struct aws_client *c, const struct cfn_change_set_input *in,
			  char **id_out, struct diag_list *dl);

/* Whether a status reason or error message says "nothing to change". */
bool cfn_no_changes_reason(const char *reason);

/*
 * ListChangeSets, every page: [{"name", "id", "status", "executionStatus",
 * "description"}], oldest first as CloudFormation lists them.
 */
int cfn_list_change_sets(struct aws_client *c, const char *stack, json_t **out,
			 struct diag_list *dl);

struct cfn_change_set {
	char *status; /* CREATE_PENDING, CREATE_IN_PROGRESS, CREATE_COMPLETE, FAILED, ... */
	char *execution_status; /* AVAILABLE, UNAVAILABLE, EXECUTE_*, OBSOLETE, or NULL */
	char *status_reason;	/* or NULL */
	/*
	 * Every page of Changes, in deploy_plan.h's shape: [{"action", "logicalId",
	 * "physicalId", "type", "replacement", "scope": [...], "details": [{"attribute",
	 * "name", "requiresRecreation", "changeSource"}]}]. Never NULL after success.
	 */
	json_t *changes;
};

void cfn_change_set_release(struct cfn_change_set *cs);

int cfn_describe_change_set(struct aws_client *c, const char *stack, const char *name,
			    struct cfn_change_set *out, struct diag_list *dl);
int cfn_execute_change_set(struct aws_client *c, const char *stack, const char *name,
			   struct diag_list *dl);
int cfn_delete_change_set(struct aws_client *c, const char *stack, const char *name,
			  struct diag_list *dl);

/*
 * Events of the stack, newest first, in stack_events.h's shape:
 * [{"eventId", "timestamp", "logicalId", "physicalId", "type", "status", "reason"}].
 * Stops paging at the event whose id is `stop_at` (not included), so that
 * polling fetches only what is new; NULL reads every page.
 */
int cfn_describe_stack_events(struct aws_client *c, const char *stack, const char *stop_at,
			      json_t **events_out, struct diag_list *dl);

/*
 * The id of the stack's newest event into *event_id (NULL when it has none):
 * one request, the first page only, for "events after this one are ours".
 */
int cfn_latest_stack_event(struct aws_client *c, const char *stack, char **event_id,
			   struct diag_list *dl);

/*
 * ListStackResources, every page: [{"logicalId", "physicalId", "type", "status"}].
 */
int cfn_list_stack_resources(struct aws_client *c, const char *stack, json_t **out,
			     struct diag_list *dl);

int cfn_delete_stack(struct aws_client *c, const char *stack, struct diag_list *dl);
int cfn_update_termination_protection(struct aws_client *c, const char *stack, bool enable,
				      struct diag_list *dl);

#endif
