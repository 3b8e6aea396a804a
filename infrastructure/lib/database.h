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
	struct sm_resource *instance;
	struct sm_resource *replicas[5];
	int replica_nr;
	struct sm_resource *subnet_group;
	struct sm_resource *parameter_group;
	struct sm_resource *master_secret; /* CloudFormation's, rotated (single user) */
	struct sm_resource *app_secret;	   /* the application's user (alternating users) */
};

int database_build(struct sm_stack *data, const struct env_config *cfg,
		   const struct networking *net, const struct security_keys *keys,
		   const struct storage *st, struct database *out, struct diag_list *dl);

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
