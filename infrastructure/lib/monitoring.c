/* PLACEHOLDER (issue 3, branch infra): replaced by the real FR-6 resources. */
#include "lib/monitoring.h"

int monitoring_build(struct sm_stack *stack, struct sm_stack *edge_stack,
		     struct sm_stack *baseline, const struct env_config *cfg,
		     const struct security_keys *keys, const struct compute *cp,
		     const struct database *db, const struct edge *edge, struct diag_list *dl)
{
	return 0;
}
