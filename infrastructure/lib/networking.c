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
