/*
 * The RDS Query API calls a regional failover needs (Version=2014-10-31,
 * form-encoded POST, XML answers):
 *
 *  - DescribeDBInstances (one instance by identifier):
 *    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBInstances.html
 *  - PromoteReadReplica:
 *    https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html
 *
 * Each returns 0 (or 1/0 for found/not found) with its answer, or -1 with
 * one diagnostic naming the action and AWS's error code and message.
 */
#ifndef SM_AWS_RDS_H
#define SM_AWS_RDS_H

#include <stdbool.h>

#include "aws/client.h"
#include "base/diag.h"

/* What failover reads of a DB instance. Strings owned (rds_instance_release). */
struct rds_instance {
	char *id;     /* DBInstanceIdentifier */
	char *arn;    /* DBInstanceArn, or NULL */
	char *status; /* DBInstanceStatus: available, backing-up, modifying, rebooting, ... */
	/*
	 * ReadReplicaSourceDBInstanceIdentifier: the source (an ARN for a
	 * cross-region replica) while this is a read replica; NULL once it is
	 * a standalone instance (promoted, or never a replica).
	 */
	char *source;
	char *endpoint; /* Endpoint/Address, or NULL (not yet reachable) */
	/*
	 * The "read replication" entry of StatusInfos
	 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstanceStatusInfo.html):
	 * replicating, replication stop point set, replication stop point
	 * reached, error, stopped, terminated; NULL when absent.
	 */
	char *replication_status;
	char *replication_message; /* its Message, or NULL */
	bool replication_normal;   /* its Normal (true when absent) */
	int backup_retention;	   /* BackupRetentionPeriod, -1 when absent */
};

void rds_instance_release(struct rds_instance *db);

/* 1 found (filled), 0 no such instance (DBInstanceNotFound), -1 error. */
int rds_describe_instance(struct aws_client *c, const char *id, struct rds_instance *out,
			  struct diag_list *dl);

/*
 * PromoteReadReplica of `id`; backup_retention > 0 is sent as
 * BackupRetentionPeriod (0: RDS keeps the replica's). `out` (may be NULL)
 * gets the DBInstance of the answer (status "modifying" while it works).
 */
int rds_promote_read_replica(struct aws_client *c, const char *id, int backup_retention,
			     struct rds_instance *out, struct diag_list *dl);

#endif
