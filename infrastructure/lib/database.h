/*
 * FR-2 database: RDS PostgreSQL in the isolated subnets, with its subnet
 * group, parameter group (rds.force_ssl), monitoring role, read replicas and
 * the AWS Backup plan and vault.
 */
#ifndef SM_DATABASE_H
#define SM_DATABASE_H

#include "engine/engine.h"
#include "lib/environments.h"
#include "lib/networking.h"
#include "lib/security.h"
#include "lib/storage.h"

struct database {
	struct sm_resource *instance; /* the writer (in the standby: the cross-region replica) */
	struct sm_resource *replicas[5];
	int replica_nr;
	struct sm_resource *subnet_group;
	struct sm_resource *parameter_group;
	struct sm_resource *master_secret; /* CloudFormation's, rotated (single user) */
	struct sm_resource *app_secret;	   /* the application's user (alternating users) */
	/* NULL: the secrets are read in their own region; else the replica secrets' region */
	const char *secret_region;
};

/*
 * What the primary's database hands to the disaster-recovery region
 * (drReadiness, docs/infrastructure.md): NULL or members NULL for what the
 * readiness does not need. Resources in the DR region's first stack, which
 * the Data stack follows.
 */
struct database_dr_targets {
	const char *region;	   /* drRegion */
	struct sm_resource *key;   /* KMS key in drRegion */
	struct sm_resource *vault; /* AWS Backup vault in drRegion: the plan copies there */
	int retention_days;	   /* of the replicated automated backups and the copies */
	bool replicate_secrets;	   /* the standby reads the database secrets in drRegion */
};

int database_build(struct sm_stack *data, const struct env_config *cfg,
		   const struct networking *net, const struct security_keys *keys,
		   const struct storage *st, const struct database_dr_targets *dr,
		   struct database *out, struct diag_list *dl);
/*
 * The standby's database in `standby` (cfg is the standby's copy of the
 * configuration: its region is drRegion): an encrypted cross-region read
 * replica of `primary`, which failover promotes. `out` describes it as the
 * writer the standby's application uses (`primary_region`: the primary's region), with the
 * primary's secrets read from their replicas in drRegion. 0, or -1 with diagnostics.
 */
int database_build_dr_replica(struct sm_stack *standby, const struct env_config *cfg,
			      const struct networking *net, const struct security_keys *keys,
			      const struct database *primary, const char *primary_region,
			      struct database *out, struct diag_list *dl);

/*
 * What the application task needs to reach the database (new references):
 * environment variables DB_HOST (writer), DB_READER_HOSTS (the replicas,
 * comma-separated; the writer without replicas), DB_PORT, DB_NAME, and the
 * ECS secrets DB_USER and DB_PASSWORD from the application user's secret,
 * whose ARN the task execution role must be allowed to read.
 */
json_t *database_task_environment(const struct database *db);
json_t *database_task_secrets(const struct database *db);
json_t *database_app_secret_arn(const struct database *db);
json_t *database_reader_hosts(const struct database *db);

#endif
