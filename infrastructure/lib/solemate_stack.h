/*
 * The SoleMate app: composes networking, security, database, storage,
 * compute and monitoring into the stacks of one environment.
 */
#ifndef SM_SOLEMATE_STACK_H
#define SM_SOLEMATE_STACK_H

#include "engine/engine.h"
#include "lib/environments.h"

/*
 * Add the stacks of environment `cfg` to `app`. 0, or -1 with diagnostics
 * (a configuration the design cannot honour).
 */
int solemate_add_environment(struct sm_app *app, const struct env_config *cfg,
			     struct diag_list *dl);

#endif
