/*
 * RDS for PostgreSQL with what belongs to it, and the secure defaults a
 * security engineer expects (the CDK's DatabaseInstance with
 * Credentials.fromGeneratedSecret, addRotationSingleUser and
 * DatabaseInstanceReadReplica):
 *
 *   rds_postgres_new   in the VPC's isolated subnets (<id>SubnetGroup), never
 *                      publicly accessible; a parameter group (<id>ParameterGroup)
 *                      of the family that follows the engine's major version
 *                      ("16.4" -> postgres16) with rds.force_ssl on before
 *                      the caller's parameters; storage encrypted with the
 *                      given key, gp3, autoscaling to max_allocated_storage;
 *                      Multi-AZ unless `single_az`; deletion protection unless
 *                      `allow_deletion`; DeletionPolicy and UpdateReplacePolicy
 *                      "Snapshot" unless `removal_policy` says otherwise;
 *                      IAM authentication, minor upgrades, enhanced
 *                      monitoring every 60 s by its own role (<id>MonitoringRole),
 *                      Performance Insights (KMS, 7 days), the logs exported to
 *                      log groups declared first (<id>Logs<Log>: KMS, retention);
 *                      the master password generated into a secret
 *                      (<id>MasterSecret), handed over by a dynamic reference,
 *                      attached and rotated every 30 days, and kept (Retain)
 *                      unless `removal_policy` is "Delete": a snapshot is
 *                      of no use without its master password
 *   rds_postgres_add_replica  a read replica of the same class, parameter
 *                      group, monitoring, log exports and protection
 *   rds_postgres_cross_region_replica_new  a read replica of a primary in
 *                      another region, with its own subnet group, parameter
 *                      group and monitoring role in this one, encrypted with
 *                      a key of this region; Multi-AZ unless `single_az`;
 *                      "Retain" unless `removal_policy` says otherwise
 *   rds_secret_new, rds_secret_attach_and_rotate  a secret of database
 *                      credentials and its hosted rotation, for another user
 *
 * Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_RDS_H
#define SM_CONSTRUCT_RDS_H

#include "constructs/vpc.h"
#include "engine/engine.h"

/* Where an instance lives and what its groups and logs are: the primary's and a replica's. */
struct rds_placement {
	const struct vpc *vpc; /* required: the instance in its isolated subnets */
	const struct sm_resource *security_group; /* required */
	const struct sm_resource *kms_key;	  /* required: storage, secrets, insights */
	const struct sm_resource *logs_key;	  /* required: the export log groups */
	int log_retention_days;			  /* required */
	const char *log_retain_policy;		  /* the log groups'; NULL: none */
	const char *subnet_group_description;	  /* required */
	const char *parameter_group_description;  /* required */
	/*
	 * the parameter group's, after rds.force_ssl: name, value, name, value,
	 * ..., NULL (the CDK's `parameters` object literal); may be NULL
	 */
	const char *const *parameters;
};

struct rds_postgres_props {
	const char *identifier;		/* required: DBInstanceIdentifier (names the log groups) */
	const char *engine_version;	/* required, "16.4" */
	const char *instance_class;	/* required */
	const char *database_name;	/* required */
	const char *master_username;	/* required */
	int port;			/* default 5432 */
	int allocated_storage;		/* GiB, required */
	int max_allocated_storage;	/* GiB, storage autoscaling's ceiling */
	int backup_retention_days;	/* default 7 */
	const char *backup_window;	/* UTC "hh:mm-hh:mm"; required */
	const char *maintenance_window; /* "ddd:hh:mm-ddd:hh:mm"; required */
	struct rds_placement where;
	/* the rotation function, in the private subnets: reaches the database and Secrets Manager
	 */
	const struct sm_resource *rotation_security_group; /* required */
	const char *master_secret_description;		   /* required */
	bool single_az;					   /* default false: Multi-AZ */
	bool allow_deletion;				   /* default false: deletion protection */
	const char *removal_policy;			   /* default "Snapshot" */
	/* automated backups replicated to another region, encrypted with a key of it */
	const char *backup_replication_region;		  /* NULL: not replicated */
	const struct sm_resource *backup_replication_key; /* required with the region */
	int backup_replication_days;			  /* required with the region */
};

struct rds_postgres {
	struct sm_resource *instance;
	struct sm_resource *subnet_group;
	struct sm_resource *parameter_group;
	struct sm_resource *monitoring_role;
	struct sm_resource *master_secret;
	/* what the replicas and other secrets share with the primary (borrowed; no parameters) */
	struct rds_placement where;
	const char *instance_class;
	const struct sm_resource *rotation_security_group;
	bool deletion_protection;
};

/* 0, or -1 with a diagnostic naming `id` (an engine version without a major version). */
int rds_postgres_new(struct sm_stack *s, const char *id, const struct rds_postgres_props *props,
		     struct rds_postgres *out, struct diag_list *dl);

/* A read replica of `primary`, DBInstanceIdentifier `identifier`. */
struct sm_resource *rds_postgres_add_replica(struct sm_stack *s, const char *id,
					     const struct rds_postgres *primary,
					     const char *identifier);

struct rds_cross_region_replica_props {
	const char *identifier;	    /* required: DBInstanceIdentifier */
	json_t *source_arn;	    /* stolen; required: the primary's ARN */
	const char *engine_version; /* required: the primary's (the parameter group's family) */
	const char *instance_class; /* required */
	struct rds_placement where; /* this region's VPC and keys */
	bool single_az;		    /* default false: Multi-AZ */
	bool allow_deletion;	    /* default false: deletion protection */
	const char *removal_policy; /* default "Retain" */
};

/*
 * Logical IDs: <id>SubnetGroup, <id>ParameterGroup, <id>MonitoringRole, the
 * instance <id>Replica and its log groups. `out` holds them (no master
 * secret: the primary's). 0, or -1 with a diagnostic naming `id`.
 */
int rds_postgres_cross_region_replica_new(struct sm_stack *s, const char *id,
					  const struct rds_cross_region_replica_props *props,
					  struct rds_postgres *out, struct diag_list *dl);

/*
 * A secret of database credentials (the CDK's rds.DatabaseSecret), encrypted
 * with `kms_key`: {"username", "dbname", "masterarn"} and a generated
 * 32-character password under "password", without the characters RDS
 * refuses. A required prop left unset fails the synthesis naming its key.
 */
struct rds_secret_props {
	const char *description;	   /* required */
	const char *username;		   /* required */
	const char *dbname;		   /* NULL: none */
	const struct sm_resource *master;  /* NULL: none; else its ARN as "masterarn" */
	const struct sm_resource *kms_key; /* required */
	const char *retain_policy;	   /* NULL: CloudFormation's default */
};
struct sm_resource *rds_secret_new(struct sm_stack *s, const char *id,
				   const struct rds_secret_props *props);

/*
 * arn:PARTITION:rds:REGION:ACCOUNT:db:IDENTIFIER of `instance` in `region`,
 * from its Ref (the identifier): the value of its DBInstanceArn attribute,
 * which can be written where the attribute cannot be read (another region;
 * moto, the test AWS, does not model it).
 */
json_t *rds_instance_arn(const struct sm_resource *instance, const char *region);

/*
 * Attach `secret` to the instance (<secret>Attachment: Secrets Manager
 * writes host, port and engine into it) and rotate it every 30 days
 * (<secret>Rotation) by Secrets Manager's hosted function of `rotation_type`
 * ("PostgreSQLSingleUser", "PostgreSQLMultiUser": then `master` names the
 * secret it logs in with), in the database's private subnets.
 */
void rds_secret_attach_and_rotate(struct sm_stack *s, struct sm_resource *secret,
				  const struct rds_postgres *db, const char *rotation_type,
				  const struct sm_resource *master, bool rotate_immediately);

#endif
