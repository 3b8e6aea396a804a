/*
 * FR-4 networking: the VPC and its tiers for one environment.
 */
#ifndef SM_NETWORKING_H
#define SM_NETWORKING_H

#include "constructs/vpc.h"
#include "lib/environments.h"

struct networking {
	struct vpc vpc;
};

int networking_build(struct sm_stack *stack, const struct env_config *cfg,
		     struct networking *out, struct diag_list *dl);

#endif
