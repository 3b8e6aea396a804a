/* PLACEHOLDER (issue 3, branch infra): replaced by the real FR-3 resources. */
#include "lib/storage.h"

int storage_build(struct sm_stack *data, struct sm_stack *dr, const struct env_config *cfg,
		  const struct security_keys *keys, struct storage *out, struct diag_list *dl)
{
	return 0;
}
