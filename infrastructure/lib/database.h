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
};

int database_build(struct sm_stack *data, const struct env_config *cfg,
		   const struct networking *net, const struct security_keys *keys,
		   const struct storage *st, struct database *out, struct diag_list *dl);

/* The secret RDS manages for the master user (Fn::GetAtt MasterUserSecret.SecretArn). */
json_t *database_master_secret_arn(const struct database *db);

#endif
