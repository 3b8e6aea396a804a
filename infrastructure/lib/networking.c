#include "lib/networking.h"

int networking_build(struct sm_stack *stack, const struct env_config *cfg,
		     struct networking *out, struct diag_list *dl)
{
	return vpc_new(stack, "Vpc",
		       &(struct vpc_props){ .cidr = cfg->vpc_cidr,
					    .max_azs = cfg->max_azs,
					    .nat_gateways = cfg->nat_gateways },
		       &out->vpc, dl);
}

/* PLACEHOLDER (issue 3): flow logs land with the infra branch. */
int networking_add_flow_logs(struct sm_stack *data, const struct env_config *cfg,
			     const struct networking *net, const struct security_keys *keys,
			     struct diag_list *dl)
{
	return 0;
}
