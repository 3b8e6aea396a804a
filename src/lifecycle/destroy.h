/*
 * Deleting one stack: the ownership check, termination protection (off
 * only when forced), the deletion followed to its end through the
 * session's progress callbacks, and what CloudFormation keeps (retained
 * resources, final snapshots), so that nothing is forgotten or paid for
 * unknowingly.
 */
#ifndef SM_LIFECYCLE_DESTROY_H
#define SM_LIFECYCLE_DESTROY_H

#include <stdbool.h>

#include "analysis/assembly.h"
#include "base/diag.h"
#include "base/strbuf.h"
#include "lifecycle/session.h"

enum lc_destroy_result {
	LC_DESTROY_DELETED,
	LC_DESTROY_ABSENT,	/* not deployed: nothing to delete */
	LC_DESTROY_FAILED,	/* refused (another environment's, protected), or failed */
	LC_DESTROY_INTERRUPTED, /* Ctrl-C: CloudFormation goes on deleting */
};

struct lc_destroy_opts {
	const char *env; /* the stack must record this environment */
	bool force;	 /* turn termination protection off */
};

/*
 * Delete stack `t`. On LC_DESTROY_DELETED, appends to `kept` one line per
 * resource CloudFormation kept: "  STACK: TYPE ID (physical) is retained"
 * or "  STACK: final snapshot of TYPE ID (physical)".
 */
enum lc_destroy_result lc_destroy_stack(struct lc_session *s, const struct sm_template *t,
					const struct lc_destroy_opts *o, struct strbuf *kept,
					struct diag_list *dl);

#endif
