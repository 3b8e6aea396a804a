/*
 * One environment of SoleMate (the PRD's SolemateStack), split into stacks.
 */
#include "lib/solemate_stack.h"

#include <stdlib.h>

#include "base/xalloc.h"
#include "lib/networking.h"

static struct sm_stack *new_stack(struct sm_app *app, const struct env_config *cfg,
				  const char *suffix, const char *region, const char *what)
{
	char *name = xstrfmt("%s%s", cfg->stack_prefix, suffix);
	char *desc = xstrfmt("SoleMate %s: %s (managed by solemate)", cfg->environment, what);
	struct sm_stack *s = sm_stack_new(
		app, name,
		&(struct sm_stack_props){ .account = cfg->account,
					  .region = region,
					  .description = desc,
					  .termination_protection =
						  cfg->database_deletion_protection });
	sm_stack_add_tag(s, "Project", cfg->project);
	sm_stack_add_tag(s, "Environment", cfg->environment);
	sm_stack_add_tag(s, "ManagedBy", "solemate");
	sm_stack_add_tag(s, "CostCenter", cfg->cost_center);
	sm_stack_add_tag(s, "Owner", cfg->owner);
	free(name);
	free(desc);
	return s;
}

int solemate_add_environment(struct sm_app *app, const struct env_config *cfg,
			     struct diag_list *dl)
{
	struct networking net;
	struct sm_stack *network = new_stack(app, cfg, "Network", cfg->region,
					     "VPC, subnets, routes, gateways (FR-4)");
	if (networking_build(network, cfg, &net, dl) < 0)
		return -1;
	return 0;
}
