/*
 * Following one stack operation through DescribeStackEvents and
 * DescribeStacks until the stack settles, each new event handed to the
 * session's progress.event (aws/stack_events.h decides what settled means
 * and finds the root cause of a failure).
 */
#ifndef SM_LIFECYCLE_WATCH_H
#define SM_LIFECYCLE_WATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/cfn.h"
#include "aws/client.h"
#include "base/diag.h"
#include "lifecycle/session.h"

/* Zero-initialised, then stack (and stack_id, total) set; lc_watch_release frees. */
struct lc_watch {
	const char *stack;    /* name, for progress */
	const char *stack_id; /* what to poll: the stack ID after a delete, else the name */
	char *marker;	      /* newest event before the operation; events after it are ours */
	size_t total;	      /* resources the operation touches, for a progress bar */
	json_t *events;	      /* events of this operation, oldest first */
	struct cfn_stack final;
	bool gone; /* the stack no longer exists (deleted) */
};

/* Remember where the stack's events stand before an operation. 0 or -1. */
int lc_watch_begin(struct lc_session *s, struct aws_client *c, struct lc_watch *w,
		   struct diag_list *dl);
/* Poll until the stack settles: 0 settled (final filled), 1 interrupted, -1 error. */
int lc_watch_run(struct lc_session *s, struct aws_client *c, struct lc_watch *w,
		 struct diag_list *dl);
void lc_watch_release(struct lc_watch *w);

/*
 * The deployed template of a stack, parsed (JSON or YAML); NULL when not
 * deployed (*err 0) or on error (*err 1, diag).
 */
json_t *lc_deployed_template(struct aws_client *c, const char *stack, int *err,
			     struct diag_list *dl);

#endif
