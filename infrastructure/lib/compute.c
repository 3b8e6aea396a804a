/* PLACEHOLDER (issue 3, branch infra): replaced by the real FR-1 resources. */
#include "lib/compute.h"

int compute_build(struct sm_stack *stack, const struct env_config *cfg,
		  const struct networking *net, const struct security_keys *keys,
		  const struct storage *st, const struct database *db,
		  struct sm_resource *regional_waf, struct compute *out, struct diag_list *dl)
{
	return 0;
}
