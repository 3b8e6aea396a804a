/*
 * FR-2 database: RDS PostgreSQL in the isolated subnets, parameter group
 * forcing TLS, enhanced monitoring, read replicas, AWS Backup.
 */
#include "lib/database.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "constructs/iam.h"

static json_t *isolated_subnets(const struct networking *net)
{
	return vpc_subnet_ids(&net->vpc, VPC_TIER_ISOLATED);
}

/*
 * Performance Insights (now CloudWatch Database Insights, standard mode):
 * the small burstable classes are excluded for MySQL and MariaDB only; RDS
 * for PostgreSQL has no instance class restriction ("Amazon RDS DB engine,
 * Region, and instance class support for Database Insights", RDS user guide).
 */
static bool supports_performance_insights(const char *cls)
{
	(void)cls;
	return true;
}

static struct sm_resource *monitoring_role(struct sm_stack *s)
{
	/* the statements of AmazonRDSEnhancedMonitoringRole, inline */
	json_t *st = json_pack(
		"[o,o]",
		iam_allow(json_pack("[ss]", "logs:CreateLogGroup", "logs:PutRetentionPolicy"),
			  json_pack("[o]", sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::Region}:"
						    "${AWS::AccountId}:log-group:RDS*"))),
		iam_allow(json_pack("[sss]", "logs:CreateLogStream", "logs:PutLogEvents",
				    "logs:DescribeLogStreams"),
			  json_pack("[o]", sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::Region}:"
						    "${AWS::AccountId}:log-group:RDS*:log-stream:*"))));
	struct sm_resource *r =
		iam_role_new(s, "DatabaseMonitoringRole", "monitoring.rds.amazonaws.com", st, NULL);
	nag_suppress(r,
		     "RDS enhanced monitoring writes to the RDSOSMetrics log group and streams it "
		     "creates itself, named by AWS",
		     "AwsSolutions-IAM5", NULL);
	return r;
}

static void add_performance_insights(json_t *p, const struct env_config *cfg,
				     const struct security_keys *keys)
{
	if (!supports_performance_insights(cfg->database_instance_class))
		return;
	json_object_set_new(p, "EnablePerformanceInsights", json_true());
	json_object_set_new(p, "PerformanceInsightsKMSKeyId", sm_getatt(keys->data_key, "Arn"));
	json_object_set_new(p, "PerformanceInsightsRetentionPeriod", json_integer(7));
}

static void add_backup(struct sm_stack *s, const struct env_config *cfg,
		       const struct security_keys *keys, const struct storage *st,
		       struct database *db, bool prod)
{
	struct sm_resource *vault = sm_resource_new(
		s, "BackupVault", "AWS::Backup::BackupVault",
		json_pack("{so so}", "BackupVaultName",
			  sm_fn_sub("${AWS::StackName}-vault"), "EncryptionKeyArn",
			  sm_getatt(keys->data_key, "Arn")));
	sm_resource_set_deletion_policy(vault, "Retain");
	sm_resource_set_update_replace_policy(vault, "Retain");
	int keep = prod ? 35 : 7;
	struct sm_resource *plan = sm_resource_new(
		s, "BackupPlan", "AWS::Backup::BackupPlan",
		json_pack("{s{so s[{ss so ss si si s{si}}]}}", "BackupPlan", "BackupPlanName",
			  sm_fn_sub("${AWS::StackName}-daily"), "BackupPlanRule", "RuleName",
			  "Daily", "TargetBackupVault", sm_ref(vault), "ScheduleExpression",
			  "cron(0 5 * * ? *)", "StartWindowMinutes", 60, "CompletionWindowMinutes",
			  180, "Lifecycle", "DeleteAfterDays", keep));
	static const char *const managed[] = {
		"service-role/AWSBackupServiceRolePolicyForBackup",
		"service-role/AWSBackupServiceRolePolicyForRestores",
		"AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore",
		NULL
	};
	struct sm_resource *role = iam_role_new(s, "BackupRole", "backup.amazonaws.com", NULL,
						managed);
	nag_suppress(role,
		     "the AWS Backup service policies, maintained by AWS for the resource types "
		     "Backup supports (RDS, S3)",
		     "AwsSolutions-IAM4", NULL);
	json_t *resources = json_pack("[o]", sm_getatt(db->instance, "DBInstanceArn"));
	if (st->assets_bucket)
		json_array_append_new(resources, sm_getatt(st->assets_bucket, "Arn"));
	sm_resource_new(s, "BackupSelection", "AWS::Backup::BackupSelection",
			json_pack("{so s{ss so so}}", "BackupPlanId", sm_ref(plan),
				  "BackupSelection", "SelectionName", "DatabaseAndAssets",
				  "IamRoleArn", sm_getatt(role, "Arn"), "Resources", resources));
}

int database_build(struct sm_stack *s, const struct env_config *cfg,
		   const struct networking *net, const struct security_keys *keys,
		   const struct storage *st, struct database *out, struct diag_list *dl)
{
	bool prod = cfg->protect_data;
	int major = 0;
	memset(out, 0, sizeof(*out));
	if (sscanf(cfg->database_engine_version, "%d", &major) != 1) {
		diag_add(dl, DIAG_ERROR, cfg->file, 0, 0, "databaseEngineVersion",
			 "cannot read the major version of '%s'", cfg->database_engine_version);
		return -1;
	}
	out->subnet_group = sm_resource_new(
		s, "DatabaseSubnetGroup", "AWS::RDS::DBSubnetGroup",
		json_pack("{ss so}", "DBSubnetGroupDescription",
			  "Isolated subnets of the SoleMate database", "SubnetIds",
			  isolated_subnets(net)));
	char *family = xstrfmt("postgres%d", major);
	/* FR-2.3: TLS in transit is forced by the server, not left to clients. */
	out->parameter_group = sm_resource_new(
		s, "DatabaseParameterGroup", "AWS::RDS::DBParameterGroup",
		json_pack("{ss ss s{ss ss ss ss ss ss}}", "Description",
			  "SoleMate PostgreSQL: TLS forced, connection and slow-query logging",
			  "Family", family, "Parameters", "rds.force_ssl", "1", "log_connections",
			  "1", "log_disconnections", "1", "log_min_duration_statement", "500",
			  "log_statement", "ddl", "shared_preload_libraries", "pg_stat_statements"));
	free(family);
	struct sm_resource *mon = monitoring_role(s);

	char *storage = xstrfmt("%d", cfg->database_allocated_storage);
	json_t *sgs = json_pack("[o]", sm_getatt(net->db_sg, "GroupId"));
	json_t *p = json_pack(
		"{ss ss ss ss sI ss sb so sb so so so ss s{so} sb sI sb sb s[ss] sI so sb sb sI}",
		"Engine", "postgres", "EngineVersion", cfg->database_engine_version,
		"DBInstanceClass", cfg->database_instance_class, "AllocatedStorage", storage,
		"MaxAllocatedStorage", (json_int_t)cfg->database_max_allocated_storage,
		"StorageType", "gp3", "StorageEncrypted", 1, "KmsKeyId",
		sm_getatt(keys->data_key, "Arn"), "MultiAZ", cfg->database_multi_az,
		"DBSubnetGroupName", sm_ref(out->subnet_group), "VPCSecurityGroups", sgs,
		"DBParameterGroupName", sm_ref(out->parameter_group), "MasterUsername", "solemate",
		"MasterUserSecret", "KmsKeyId", sm_getatt(keys->data_key, "Arn"),
		"ManageMasterUserPassword", 1, "BackupRetentionPeriod",
		(json_int_t)cfg->database_backup_retention_days, "CopyTagsToSnapshot", 1,
		"DeletionProtection", cfg->database_deletion_protection,
		"EnableCloudwatchLogsExports", "postgresql", "upgrade", "MonitoringInterval",
		(json_int_t)60, "MonitoringRoleArn", sm_getatt(mon, "Arn"),
		"EnableIAMDatabaseAuthentication", 1, "AutoMinorVersionUpgrade", 1, "Port",
		(json_int_t)5432);
	free(storage);
	json_object_set_new(p, "PubliclyAccessible", json_false());
	json_object_set_new(p, "PreferredBackupWindow", json_string("03:00-04:00"));
	json_object_set_new(p, "PreferredMaintenanceWindow", json_string("sun:04:30-sun:05:30"));
	add_performance_insights(p, cfg, keys);
	out->instance = sm_resource_new(s, "Database", "AWS::RDS::DBInstance", p);
	/* a snapshot survives both a stack deletion and a replacement (FR-2.2) */
	sm_resource_set_deletion_policy(out->instance, prod ? "Snapshot" : "Delete");
	sm_resource_set_update_replace_policy(out->instance, prod ? "Snapshot" : "Delete");
	sm_resource_suppress(out->instance, "AwsSolutions-RDS11",
			     "5432 is kept: the port is not a secret, the isolated subnets and "
			     "the security group are what protect it");
	if (!cfg->database_multi_az)
		nag_suppress(out->instance,
			     "staging runs single-AZ to halve its cost; production is Multi-AZ "
			     "(config databaseMultiAz)",
			     "AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport", "PCI.DSS.321-RDSMultiAZSupport", "HIPAA.Security-RDSMultiAZSupport", NULL);
	if (!cfg->database_deletion_protection)
		nag_suppress(out->instance,
			     "staging is rebuilt from production snapshots and must be "
			     "destroyable; production has deletion protection",
			     "AwsSolutions-RDS10", "NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled", "PCI.DSS.321-RDSInstanceDeletionProtectionEnabled", "HIPAA.Security-RDSInstanceDeletionProtectionEnabled", NULL);

	for (int i = 0; i < cfg->database_read_replicas && i < 5; i++) {
		char *id = xstrfmt("DatabaseReplica%d", i + 1);
		json_t *rp = json_pack(
			"{so ss so so sb sb sI so sb sb}", "SourceDBInstanceIdentifier",
			sm_ref(out->instance), "DBInstanceClass", cfg->database_instance_class,
			"VPCSecurityGroups", json_pack("[o]", sm_getatt(net->db_sg, "GroupId")),
			"DBParameterGroupName", sm_ref(out->parameter_group),
			"PubliclyAccessible", 0, "CopyTagsToSnapshot", 1, "MonitoringInterval",
			(json_int_t)60, "MonitoringRoleArn", sm_getatt(mon, "Arn"),
			"AutoMinorVersionUpgrade", 1, "DeletionProtection",
			cfg->database_deletion_protection);
		json_object_set_new(rp, "EnableCloudwatchLogsExports",
				    json_pack("[ss]", "postgresql", "upgrade"));
		add_performance_insights(rp, cfg, keys);
		out->replicas[i] = sm_resource_new(s, id, "AWS::RDS::DBInstance", rp);
		out->replica_nr++;
		sm_resource_suppress(out->replicas[i], "AwsSolutions-RDS11",
				     "same port as the primary it replicates");
		nag_suppress(out->replicas[i],
			     "a read replica scales reads; availability comes from the Multi-AZ "
			     "primary",
			     "AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport", "PCI.DSS.321-RDSMultiAZSupport", "HIPAA.Security-RDSMultiAZSupport", NULL);
		nag_suppress(out->replicas[i],
			     "a read replica has no backups of its own; the primary's are kept "
			     "for the configured retention and by the AWS Backup plan",
			     "AwsSolutions-RDS13", "NIST.800.53.R5-RDSInBackupPlan", "PCI.DSS.321-RDSInBackupPlan", "HIPAA.Security-RDSInBackupPlan", "NIST.800.53.R5-RDSAutomaticMinorVersionUpgradeEnabled", "PCI.DSS.321-RDSAutomaticMinorVersionUpgradeEnabled", "HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled", NULL);
		nag_suppress(out->replicas[i],
			     "a replica inherits the KMS encryption of its source, and "
			     "CloudFormation refuses StorageEncrypted with SourceDBInstanceIdentifier",
			     "AwsSolutions-RDS2", "NIST.800.53.R5-RDSStorageEncrypted", "PCI.DSS.321-RDSStorageEncrypted", "HIPAA.Security-RDSStorageEncrypted", NULL);
		free(id);
	}
	add_backup(s, cfg, keys, st, out, prod);
	sm_stack_add_output(s, "DatabaseEndpoint", sm_getatt(out->instance, "Endpoint.Address"),
			    "PostgreSQL endpoint (TLS required)", NULL);
	sm_stack_add_output(s, "DatabaseSecretArn", database_master_secret_arn(out),
			    "Secret of the master user, managed and rotated by RDS", NULL);
	return 0;
}

json_t *database_master_secret_arn(const struct database *db)
{
	return sm_getatt(db->instance, "MasterUserSecret.SecretArn");
}
