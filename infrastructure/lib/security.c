/* PLACEHOLDER (issue 3, branch infra): replaced by the real FR-5 resources. */
#include "lib/security.h"

int security_add_keys(struct sm_stack *data, const struct env_config *cfg,
		      struct security_keys *out, struct diag_list *dl)
{
	return 0;
}

int security_add_secrets(struct sm_stack *data, const struct env_config *cfg,
			 const struct security_keys *keys, struct security_secrets *out,
			 struct diag_list *dl)
{
	return 0;
}

struct sm_resource *security_add_regional_waf(struct sm_stack *stack, const struct env_config *cfg,
					      const struct security_keys *keys,
					      struct diag_list *dl)
{
	return NULL;
}

int security_add_audit(struct sm_stack *stack, struct sm_stack *baseline,
		       const struct env_config *cfg, const struct security_keys *keys,
		       struct diag_list *dl)
{
	return 0;
}
