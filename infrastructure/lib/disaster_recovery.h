/*
 * Disaster recovery in cfg->dr_region, at the readiness cfg->dr_readiness
 * (docs/infrastructure.md, "Disaster recovery"). Two stacks there:
 *
 *   <P>Dr         what the primary's Data stack writes to, so deployed
 *                 before it: the assets replica bucket and its key, the DR
 *                 region's KMS keys and the AWS Backup vault the daily
 *                 recovery points are copied to (backup-restore and up).
 *   <P>DrStandby  what follows the primary's database, so deployed after
 *                 Data: the standby's network, the encrypted cross-region
 *                 read replica, the standby ECS service (0 tasks in
 *                 pilot-light, drStandbyTasks in warm-standby) behind its
 *                 own load balancer, and the Route 53 failover record with a
 *                 hosted zone (pilot-light and warm-standby).
 *
 * The standby is built by the same functions as the primary (networking,
 * security, storage, compute), from a copy of the configuration whose
 * region is drRegion: the same secure defaults, smaller.
 */
#ifndef SM_DISASTER_RECOVERY_H
#define SM_DISASTER_RECOVERY_H

#include "engine/engine.h"
#include "lib/database.h"
#include "lib/environments.h"
#include "lib/security.h"
#include "lib/storage.h"

/* manifest metadata type naming a DR stack, its environment and readiness */
#define DR_MANIFEST_TYPE "solemate:disaster-recovery"

struct dr_foundation {
	struct security_keys keys; /* data_key: always; logs_key: pilot-light and up */
	struct sm_resource *vault; /* AWS Backup copies; NULL at readiness none */
};

/*
 * Fill the <P>Dr stack beyond the assets replica (storage_build adds that):
 * keys and vault at the readiness cfg asks for. 0, or -1 with diagnostics.
 */
int dr_add_foundation(struct sm_stack *dr, const struct env_config *cfg, struct dr_foundation *out,
		      struct diag_list *dl);
/* What the primary's database sends to the DR region (`f` may be NULL: nothing). */
void dr_database_targets(const struct env_config *cfg, const struct dr_foundation *f,
			 struct database_dr_targets *out);

struct dr_standby_inputs {
	const struct dr_foundation *foundation;
	const struct storage *primary_storage; /* its replica_bucket is in drRegion */
	const struct database *primary_db;
	const struct security_secrets *primary_secrets;
};

/*
 * Fill the <P>DrStandby stack (pilot-light, warm-standby). 0, or -1 with
 * diagnostics.
 */
int dr_add_standby(struct sm_stack *standby, const struct env_config *cfg,
		   const struct dr_standby_inputs *in, struct diag_list *dl);

/* Tasks the standby service runs at each readiness (0 in pilot-light). */
int dr_standby_desired_count(const struct env_config *cfg);

/* Record in the manifest that `s` is the DR stack `role` of cfg's environment. */
void dr_mark_stack(struct sm_stack *s, const struct env_config *cfg, const char *role);

#endif
