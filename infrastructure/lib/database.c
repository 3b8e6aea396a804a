/*
 * FR-2 database: RDS PostgreSQL in the isolated subnets, parameter group
 * forcing TLS, enhanced monitoring, read replicas, AWS Backup.
 */
#include "lib/database.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

#define MASTER_USER "solemate"
#define APP_USER "solemate_app"
#define DATABASE_NAME "solemate"
#define DATABASE_PORT 5432
/* Secrets Manager's hosted rotation functions (CloudFormation template reference,
 * AWS::SecretsManager::RotationSchedule HostedRotationLambda) */
#define SECRETS_TRANSFORM "AWS::SecretsManager-2024-09-16"
#define ROTATION_SCHEDULE "rate(30 days)"
/*
 * RDS refuses / " and @ in a master password (RDS API, CreateDBInstance,
 * MasterUserPassword); the rest keeps the password safe in URLs and shells.
 */
#define PASSWORD_EXCLUDE " %+~`#$&*()|[]{}:;<>?!'/@\"\\"

static json_t *isolated_subnets(const struct networking *net)
{
	return vpc_subnet_ids(&net->vpc, VPC_TIER_ISOLATED);
}

/*
 * DBInstanceIdentifier "solemate-<environment>[-replica-N]": known before the
 * instance exists, so that the log groups RDS exports to can be declared and
 * created first (item 15 of issue 12), and unique per environment in an
 * account and region. RDS wants letters, digits and single hyphens, no
 * trailing hyphen, at most 63 characters (RDS API, CreateDBInstance).
 */
static char *instance_identifier(const struct env_config *cfg, int replica)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "solemate-");
	for (const char *p = cfg->environment; *p; p++)
		if (*p != '-' || (sb.len && sb.buf[sb.len - 1] != '-'))
			strbuf_addch(&sb, *p);
	while (sb.buf[sb.len - 1] == '-')
		strbuf_setlen(&sb, sb.len - 1);
	if (replica)
		strbuf_addf(&sb, "-replica-%d", replica);
	return strbuf_detach(&sb, NULL);
}

/*
 * The log groups RDS creates on its own for EnableCloudwatchLogsExports
 * (/aws/rds/instance/<id>/<log>) would have no retention and no KMS key:
 * declared here, with both, before the instance (RDS user guide, "Publishing
 * PostgreSQL logs to Amazon CloudWatch Logs").
 */
static const char *const log_exports[] = {"postgresql", "upgrade", NULL};

static void add_export_log_groups(struct sm_stack *s, const struct env_config *cfg,
				  const struct security_keys *keys, struct sm_resource *instance,
				  const char *identifier, bool prod)
{
	for (int i = 0; log_exports[i]; i++) {
		char *id = xstrfmt("%sLogs%c%s", sm_resource_id(instance),
				   log_exports[i][0] - 'a' + 'A', log_exports[i] + 1);
		char *name = xstrfmt("/aws/rds/instance/%s/%s", identifier, log_exports[i]);
		struct sm_resource *lg =
			log_group_new(s, id, json_string(name), keys->logs_key,
				      cfg->log_retention_days, prod ? "Retain" : NULL);
		sm_resource_depends_on(instance, lg);
		free(id);
		free(name);
	}
}

static json_t *log_export_list(void)
{
	json_t *a = json_array();
	for (int i = 0; log_exports[i]; i++)
		json_array_append_new(a, json_string(log_exports[i]));
	return a;
}

/* "{{resolve:secretsmanager:<arn>:SecretString:<key>::}}" (CloudFormation dynamic references) */
static json_t *secret_reference(const struct sm_resource *secret, const char *key)
{
	char *tail = xstrfmt(":SecretString:%s::}}", key);
	json_t *v = sm_fn_join(
		"", json_pack("[sos]", "{{resolve:secretsmanager:", sm_ref(secret), tail));
	free(tail);
	return v;
}

static struct sm_resource *database_secret(struct sm_stack *s, const char *id, const char *what,
					   json_t *template, const struct security_keys *keys)
{
	return sm_resource_new(s, id, "AWS::SecretsManager::Secret",
			       json_pack("{ss so s{so ss si ss}}", "Description", what, "KmsKeyId",
					 sm_getatt(keys->data_key, "Arn"), "GenerateSecretString",
					 "SecretStringTemplate", template, "GenerateStringKey",
					 "password", "PasswordLength", 32, "ExcludeCharacters",
					 PASSWORD_EXCLUDE));
}

/*
 * Secrets Manager fills host, port, engine and dbInstanceIdentifier into the
 * secret once the instance exists (AWS::SecretsManager::SecretTargetAttachment),
 * which the rotation function and the application read.
 */
static struct sm_resource *attach_secret(struct sm_stack *s, const char *id,
					 struct sm_resource *secret, struct sm_resource *instance)
{
	return sm_resource_new(s, id, "AWS::SecretsManager::SecretTargetAttachment",
			       json_pack("{so so ss}", "SecretId", sm_ref(secret), "TargetId",
					 sm_ref(instance), "TargetType", "AWS::RDS::DBInstance"));
}

/*
 * Rotation by a function Secrets Manager creates from its own templates
 * (HostedRotationLambda, with the template's Transform), in the private
 * subnets with the application's security group: what it needs is what the
 * application needs, PostgreSQL on the database and HTTPS to the Secrets
 * Manager endpoint.
 */
static void rotate_secret(struct sm_stack *s, const char *id, struct sm_resource *secret,
			  struct sm_resource *attachment, const char *type,
			  const struct networking *net, const struct security_keys *keys,
			  struct sm_resource *master, bool immediately)
{
	json_t *lambda = json_pack("{ss so so so ss}", "RotationType", type, "KmsKeyArn",
				   sm_getatt(keys->data_key, "Arn"), "VpcSubnetIds",
				   sm_fn_join(",", vpc_subnet_ids(&net->vpc, VPC_TIER_PRIVATE)),
				   "VpcSecurityGroupIds", sm_getatt(net->app_sg, "GroupId"),
				   "ExcludeCharacters", PASSWORD_EXCLUDE);
	if (master) {
		json_object_set_new(lambda, "MasterSecretArn", sm_ref(master));
		json_object_set_new(lambda, "MasterSecretKmsKeyArn",
				    sm_getatt(keys->data_key, "Arn"));
	}
	struct sm_resource *r = sm_resource_new(
		s, id, "AWS::SecretsManager::RotationSchedule",
		json_pack("{so so s{ss} sb}", "SecretId", sm_ref(secret), "HostedRotationLambda",
			  lambda, "RotationRules", "ScheduleExpression", ROTATION_SCHEDULE,
			  "RotateImmediatelyOnUpdate", immediately));
	/* the function needs the connection details the attachment writes */
	sm_resource_depends_on(r, attachment);
	sm_stack_add_transform(s, SECRETS_TRANSFORM);
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
			  json_pack("[o]",
				    sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::Region}:"
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

/*
 * The vault's name: "<stack>-vault-<first group of the stack's ID>". A vault
 * outlives its stack (Retain: AWS Backup refuses to delete one that holds
 * recovery points), and its name is unique in the account and region
 * (CreateBackupVault, backupVaultName), so a fixed "<stack>-vault" made the
 * next CREATE of the same stack fail with AlreadyExistsException: staging,
 * destroyed and deployed again, could not be rebuilt. The stack ID's UUID
 * differs for every stack created under the name; its first group (8 hex
 * digits) keeps the name within the 50 characters the API allows.
 */
static json_t *backup_vault_name(void)
{
	json_t *stack_uuid = sm_fn_select(2, sm_fn_split("/", sm_aws_stack_id()));
	return sm_fn_join("-", json_pack("[o s o]", sm_aws_stack_name(), "vault",
					 sm_fn_select(0, sm_fn_split("-", stack_uuid))));
}

static void add_backup(struct sm_stack *s, const struct env_config *cfg,
		       const struct security_keys *keys, const struct storage *st,
		       const struct database_dr_targets *dr, struct database *db, bool prod)
{
	struct sm_resource *vault =
		sm_resource_new(s, "BackupVault", "AWS::Backup::BackupVault",
				json_pack("{so so}", "BackupVaultName", backup_vault_name(),
					  "EncryptionKeyArn", sm_getatt(keys->data_key, "Arn")));
	sm_resource_set_deletion_policy(vault, "Retain");
	sm_resource_set_update_replace_policy(vault, "Retain");
	sm_stack_add_output(
		s, "BackupVaultName", sm_ref(vault),
		"AWS Backup vault of the database and assets (kept when the stack goes)", NULL);
	int keep = prod ? 35 : 7;
	struct sm_resource *plan = sm_resource_new(
		s, "BackupPlan", "AWS::Backup::BackupPlan",
		json_pack("{s{so s[{ss so ss si si s{si}}]}}", "BackupPlan", "BackupPlanName",
			  sm_fn_sub("${AWS::StackName}-daily"), "BackupPlanRule", "RuleName",
			  "Daily", "TargetBackupVault", sm_ref(vault), "ScheduleExpression",
			  "cron(0 5 * * ? *)", "StartWindowMinutes", 60, "CompletionWindowMinutes",
			  180, "Lifecycle", "DeleteAfterDays", keep));
	/*
	 * Each daily recovery point is copied to the vault in drRegion (AWS
	 * Backup, "Creating backup copies across AWS Regions"): a copy that
	 * outlives both the region and a logical error the replica would have
	 * replicated.
	 */
	if (dr && dr->vault) {
		json_t *rule = json_array_get(
			json_object_get(json_object_get(sm_resource_props(plan), "BackupPlan"),
					"BackupPlanRule"),
			0);
		json_object_set_new(rule, "CopyActions",
				    json_pack("[{so s{si}}]", "DestinationBackupVaultArn",
					      sm_getatt(dr->vault, "BackupVaultArn"), "Lifecycle",
					      "DeleteAfterDays", keep));
	}
	static const char *const managed[] = {"service-role/AWSBackupServiceRolePolicyForBackup",
					      "service-role/AWSBackupServiceRolePolicyForRestores",
					      "AWSBackupServiceRolePolicyForS3Backup",
					      "AWSBackupServiceRolePolicyForS3Restore", NULL};
	struct sm_resource *role =
		iam_role_new(s, "BackupRole", "backup.amazonaws.com", NULL, managed);
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

/*
 * The master user's credentials (item 2 of issue 12). RDS refuses to create a
 * read replica of a source whose master password it manages in Secrets
 * Manager (ManageMasterUserPassword; RDS user guide, "Password management
 * with Amazon RDS and AWS Secrets Manager", limitations), so the secret is
 * CloudFormation's: generated, handed to RDS by a dynamic reference, linked
 * to the instance, rotated every 30 days by Secrets Manager's single-user
 * PostgreSQL function. FR-2.6 (replicas) and FR-5.2 (Secrets Manager) both hold.
 */
static struct sm_resource *master_secret(struct sm_stack *s, const struct security_keys *keys)
{
	return database_secret(s, "DatabaseMasterSecret",
			       "SoleMate database master user (administration and rotation only)",
			       json_pack("s", "{\"username\":\"" MASTER_USER "\"}"), keys);
}

/*
 * The application's own user (item 11 of issue 12): never the master. Rotated
 * with alternating users (PostgreSQLMultiUser): each rotation changes the
 * password of the user the secret does not currently name, so the
 * credentials a running task read stay valid through the next rotation
 * (Secrets Manager user guide, "Rotation strategy: alternating users").
 */
static struct sm_resource *app_user_secret(struct sm_stack *s, const struct security_keys *keys,
					   struct sm_resource *master)
{
	return database_secret(
		s, "DatabaseAppSecret", "SoleMate application database user (alternating users)",
		sm_fn_sub_vars("{\"username\":\"" APP_USER "\",\"dbname\":\"" DATABASE_NAME
			       "\",\"masterarn\":\"${Master}\"}",
			       json_pack("{so}", "Master", sm_ref(master))),
		keys);
}

static void add_replicas(struct sm_stack *s, const struct env_config *cfg,
			 const struct networking *net, const struct security_keys *keys,
			 struct sm_resource *mon, struct database *out, bool prod)
{
	for (int i = 0; i < cfg->database_read_replicas && i < 5; i++) {
		char *id = xstrfmt("DatabaseReplica%d", i + 1);
		char *name = instance_identifier(cfg, i + 1);
		json_t *rp = json_pack(
			"{ss so ss so so sb sb sI so sb sb}", "DBInstanceIdentifier", name,
			"SourceDBInstanceIdentifier", sm_ref(out->instance), "DBInstanceClass",
			cfg->database_instance_class, "VPCSecurityGroups",
			json_pack("[o]", sm_getatt(net->db_sg, "GroupId")), "DBParameterGroupName",
			sm_ref(out->parameter_group), "PubliclyAccessible", 0, "CopyTagsToSnapshot",
			1, "MonitoringInterval", (json_int_t)60, "MonitoringRoleArn",
			sm_getatt(mon, "Arn"), "AutoMinorVersionUpgrade", 1, "DeletionProtection",
			cfg->database_deletion_protection);
		json_object_set_new(rp, "EnableCloudwatchLogsExports", log_export_list());
		add_performance_insights(rp, cfg, keys);
		out->replicas[i] = sm_resource_new(s, id, "AWS::RDS::DBInstance", rp);
		iam_role_wait_for(out->replicas[i], mon);
		out->replica_nr++;
		add_export_log_groups(s, cfg, keys, out->replicas[i], name, prod);
		sm_resource_suppress(out->replicas[i], "AwsSolutions-RDS11",
				     "same port as the primary it replicates");
		nag_suppress(out->replicas[i],
			     "a read replica scales reads; availability comes from the Multi-AZ "
			     "primary",
			     "AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport",
			     "PCI.DSS.321-RDSMultiAZSupport", "HIPAA.Security-RDSMultiAZSupport",
			     NULL);
		nag_suppress(out->replicas[i],
			     "a read replica has no backups of its own; the primary's are kept "
			     "for the configured retention and by the AWS Backup plan",
			     "AwsSolutions-RDS13", "NIST.800.53.R5-RDSInBackupPlan",
			     "PCI.DSS.321-RDSInBackupPlan", "HIPAA.Security-RDSInBackupPlan",
			     "NIST.800.53.R5-RDSAutomaticMinorVersionUpgradeEnabled",
			     "PCI.DSS.321-RDSAutomaticMinorVersionUpgradeEnabled",
			     "HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled", NULL);
		nag_suppress(
			out->replicas[i],
			"a replica inherits the KMS encryption of its source, and "
			"CloudFormation refuses StorageEncrypted with SourceDBInstanceIdentifier",
			"AwsSolutions-RDS2", "NIST.800.53.R5-RDSStorageEncrypted",
			"PCI.DSS.321-RDSStorageEncrypted", "HIPAA.Security-RDSStorageEncrypted",
			NULL);
		free(name);
		free(id);
	}
}

static int engine_major(const struct env_config *cfg, int *major, struct diag_list *dl)
{
	if (sscanf(cfg->database_engine_version, "%d", major) != 1) {
		diag_add(dl, DIAG_ERROR, cfg->file, 0, 0, "databaseEngineVersion",
			 "cannot read the major version of '%s'", cfg->database_engine_version);
		return -1;
	}
	return 0;
}

static void subnet_and_parameter_groups(struct sm_stack *s, const struct networking *net, int major,
					struct database *out)
{
	out->subnet_group = sm_resource_new(s, "DatabaseSubnetGroup", "AWS::RDS::DBSubnetGroup",
					    json_pack("{ss so}", "DBSubnetGroupDescription",
						      "Isolated subnets of the SoleMate database",
						      "SubnetIds", isolated_subnets(net)));
	char *family = xstrfmt("postgres%d", major);
	/* FR-2.3: TLS in transit is forced by the server, not left to clients. */
	out->parameter_group = sm_resource_new(
		s, "DatabaseParameterGroup", "AWS::RDS::DBParameterGroup",
		json_pack("{ss ss s{ss ss ss ss ss ss}}", "Description",
			  "SoleMate PostgreSQL: TLS forced, connection and slow-query logging",
			  "Family", family, "Parameters", "rds.force_ssl", "1", "log_connections",
			  "1", "log_disconnections", "1", "log_min_duration_statement", "500",
			  "log_statement", "ddl", "shared_preload_libraries",
			  "pg_stat_statements"));
	free(family);
}

/*
 * Backups in the DR region (every readiness but none): RDS replicates the
 * instance's snapshots and transaction logs there as soon as they are ready,
 * so that it can be restored to a point in time in drRegion ("Replicating
 * automated backups to another AWS Region", RDS user guide), encrypted with
 * a key of that region (AutomaticBackupReplicationKmsKeyId: KMS keys do not
 * leave their region).
 */
static void replicate_backups(json_t *p, const struct database_dr_targets *dr)
{
	json_object_set_new(p, "AutomaticBackupReplicationRegion", json_string(dr->region));
	json_object_set_new(p, "AutomaticBackupReplicationKmsKeyId", sm_getatt(dr->key, "Arn"));
	json_object_set_new(p, "AutomaticBackupReplicationRetentionPeriod",
			    json_integer(dr->retention_days));
}

int database_build(struct sm_stack *s, const struct env_config *cfg, const struct networking *net,
		   const struct security_keys *keys, const struct storage *st,
		   const struct database_dr_targets *dr, struct database *out, struct diag_list *dl)
{
	bool prod = cfg->protect_data;
	int major = 0;
	memset(out, 0, sizeof(*out));
	if (engine_major(cfg, &major, dl) < 0)
		return -1;
	subnet_and_parameter_groups(s, net, major, out);
	struct sm_resource *mon = monitoring_role(s);
	out->master_secret = master_secret(s, keys);

	char *name = instance_identifier(cfg, 0);
	char *storage = xstrfmt("%d", cfg->database_allocated_storage);
	json_t *sgs = json_pack("[o]", sm_getatt(net->db_sg, "GroupId"));
	json_t *p = json_pack(
		"{ss ss ss ss ss ss sI ss sb so sb so so so ss so sI sb sb so sI so sb sb sI}",
		"DBInstanceIdentifier", name, "DBName", DATABASE_NAME, "Engine", "postgres",
		"EngineVersion", cfg->database_engine_version, "DBInstanceClass",
		cfg->database_instance_class, "AllocatedStorage", storage, "MaxAllocatedStorage",
		(json_int_t)cfg->database_max_allocated_storage, "StorageType", "gp3",
		"StorageEncrypted", 1, "KmsKeyId", sm_getatt(keys->data_key, "Arn"), "MultiAZ",
		cfg->database_multi_az, "DBSubnetGroupName", sm_ref(out->subnet_group),
		"VPCSecurityGroups", sgs, "DBParameterGroupName", sm_ref(out->parameter_group),
		"MasterUsername", MASTER_USER, "MasterUserPassword",
		secret_reference(out->master_secret, "password"), "BackupRetentionPeriod",
		(json_int_t)cfg->database_backup_retention_days, "CopyTagsToSnapshot", 1,
		"DeletionProtection", cfg->database_deletion_protection,
		"EnableCloudwatchLogsExports", log_export_list(), "MonitoringInterval",
		(json_int_t)60, "MonitoringRoleArn", sm_getatt(mon, "Arn"),
		"EnableIAMDatabaseAuthentication", 1, "AutoMinorVersionUpgrade", 1, "Port",
		(json_int_t)DATABASE_PORT);
	free(storage);
	json_object_set_new(p, "PubliclyAccessible", json_false());
	json_object_set_new(p, "PreferredBackupWindow", json_string("03:00-04:00"));
	json_object_set_new(p, "PreferredMaintenanceWindow", json_string("sun:04:30-sun:05:30"));
	add_performance_insights(p, cfg, keys);
	if (dr && dr->key)
		replicate_backups(p, dr);
	out->instance = sm_resource_new(s, "Database", "AWS::RDS::DBInstance", p);
	/* enhanced monitoring starts with the instance: the role's policy must be there */
	iam_role_wait_for(out->instance, mon);
	/* a snapshot survives both a stack deletion and a replacement (FR-2.2) */
	sm_resource_set_deletion_policy(out->instance, prod ? "Snapshot" : "Delete");
	sm_resource_set_update_replace_policy(out->instance, prod ? "Snapshot" : "Delete");
	add_export_log_groups(s, cfg, keys, out->instance, name, prod);
	free(name);
	sm_resource_suppress(out->instance, "AwsSolutions-RDS11",
			     "5432 is kept: the port is not a secret, the isolated subnets and "
			     "the security group are what protect it");

	struct sm_resource *master_link = attach_secret(s, "DatabaseMasterSecretAttachment",
							out->master_secret, out->instance);
	rotate_secret(s, "DatabaseMasterSecretRotation", out->master_secret, master_link,
		      "PostgreSQLSingleUser", net, keys, NULL, true);
	out->app_secret = app_user_secret(s, keys, out->master_secret);
	if (dr && dr->replicate_secrets)
		security_replicate_secret(out->app_secret, dr->region, dr->key);
	struct sm_resource *app_link =
		attach_secret(s, "DatabaseAppSecretAttachment", out->app_secret, out->instance);
	/*
	 * Not at creation: the first rotation logs in as the user the secret
	 * names, which the schema migration creates (docs/deployment.md).
	 */
	rotate_secret(s, "DatabaseAppSecretRotation", out->app_secret, app_link,
		      "PostgreSQLMultiUser", net, keys, out->master_secret, false);

	add_replicas(s, cfg, net, keys, mon, out, prod);
	add_backup(s, cfg, keys, st, dr, out, prod);
	sm_stack_add_output(s, "DatabaseEndpoint", sm_getatt(out->instance, "Endpoint.Address"),
			    "PostgreSQL writer endpoint (TLS required)", NULL);
	sm_stack_add_output(
		s, "DatabaseReaderEndpoints", database_reader_hosts(out),
		"PostgreSQL read endpoints, comma-separated (the writer without replicas)", NULL);
	sm_stack_add_output(s, "DatabaseSecretArn", sm_ref(out->master_secret),
			    "Secret of the master user (rotated every 30 days)", NULL);
	sm_stack_add_output(s, "DatabaseAppSecretArn", sm_ref(out->app_secret),
			    "Secret of the application's database user (alternating users)", NULL);
	return 0;
}

json_t *database_reader_hosts(const struct database *db)
{
	if (!db->replica_nr)
		return sm_getatt(db->instance, "Endpoint.Address");
	json_t *hosts = json_array();
	for (int i = 0; i < db->replica_nr; i++)
		json_array_append_new(hosts, sm_getatt(db->replicas[i], "Endpoint.Address"));
	return sm_fn_join(",", hosts);
}

json_t *database_app_secret_arn(const struct database *db)
{
	return db->secret_region ? security_secret_arn_in(db->app_secret, db->secret_region)
				 : sm_ref(db->app_secret);
}

json_t *database_task_environment(const struct database *db)
{
	return json_pack("[{ss so},{ss so},{ss so},{ss ss}]", "Name", "DB_HOST", "Value",
			 sm_getatt(db->instance, "Endpoint.Address"), "Name", "DB_READER_HOSTS",
			 "Value", database_reader_hosts(db), "Name", "DB_PORT", "Value",
			 sm_getatt(db->instance, "Endpoint.Port"), "Name", "DB_NAME", "Value",
			 DATABASE_NAME);
}

/* ECS reads one JSON key of a secret: ARN:json-key:version-stage:version-id */
static json_t *secret_key(const struct database *db, const char *name, const char *key)
{
	char *tail = xstrfmt(":%s::", key);
	json_t *v = json_pack("{ss so}", "Name", name, "ValueFrom",
			      sm_fn_join("", json_pack("[os]", database_app_secret_arn(db), tail)));
	free(tail);
	return v;
}

json_t *database_task_secrets(const struct database *db)
{
	return json_pack("[o,o]", secret_key(db, "DB_USER", "username"),
			 secret_key(db, "DB_PASSWORD", "password"));
}

/*
 * arn:PARTITION:rds:REGION:ACCOUNT:db:IDENTIFIER of `instance` (in `region`),
 * from its Ref (the identifier): the same value as its DBInstanceArn
 * attribute, which moto, the test AWS, does not model.
 */
static json_t *instance_arn(const struct sm_resource *instance, const char *region)
{
	return sm_fn_join(":", json_pack("[s o s s o s o]", "arn", sm_aws_partition(), "rds",
					 region, sm_aws_account_id(), "db", sm_ref(instance)));
}

/*
 * The standby's database: a read replica of the primary in another region.
 * RDS wants the source as an ARN when it is in another region, and a KMS key
 * of the replica's own region for an encrypted source ("Creating a read
 * replica in a different AWS Region", RDS user guide; CreateDBInstanceReadReplica,
 * KmsKeyId). The subnet group must be named, or RDS would place the replica
 * in the default VPC. Single-AZ: it is a standby, made Multi-AZ after
 * promotion (docs/deployment.md, failover runbook). Retained with the stack:
 * once promoted it holds the shop's data.
 */
int database_build_dr_replica(struct sm_stack *s, const struct env_config *cfg,
			      const struct networking *net, const struct security_keys *keys,
			      const struct database *primary, const char *primary_region,
			      struct database *out, struct diag_list *dl)
{
	bool prod = cfg->protect_data;
	int major = 0;
	memset(out, 0, sizeof(*out));
	if (engine_major(cfg, &major, dl) < 0)
		return -1;
	subnet_and_parameter_groups(s, net, major, out);
	struct sm_resource *mon = monitoring_role(s);
	char *base = instance_identifier(cfg, 0);
	char *name = xstrfmt("%s-dr", base);
	free(base);
	json_t *p = json_pack(
		"{ss so ss so so so sb sb sI so sb sb ss}", "DBInstanceIdentifier", name,
		"SourceDBInstanceIdentifier", instance_arn(primary->instance, primary_region),
		"DBInstanceClass", cfg->database_instance_class, "KmsKeyId",
		sm_getatt(keys->data_key, "Arn"), "DBSubnetGroupName", sm_ref(out->subnet_group),
		"VPCSecurityGroups", json_pack("[o]", sm_getatt(net->db_sg, "GroupId")),
		"PubliclyAccessible", 0, "CopyTagsToSnapshot", 1, "MonitoringInterval",
		(json_int_t)60, "MonitoringRoleArn", sm_getatt(mon, "Arn"),
		"AutoMinorVersionUpgrade", 1, "DeletionProtection",
		cfg->database_deletion_protection, "StorageType", "gp3");
	json_object_set_new(p, "DBParameterGroupName", sm_ref(out->parameter_group));
	json_object_set_new(p, "MultiAZ", json_false());
	json_object_set_new(p, "EnableCloudwatchLogsExports", log_export_list());
	add_performance_insights(p, cfg, keys);
	out->instance = sm_resource_new(s, "DatabaseReplica", "AWS::RDS::DBInstance", p);
	iam_role_wait_for(out->instance, mon);
	sm_resource_set_deletion_policy(out->instance, prod ? "Retain" : "Delete");
	sm_resource_set_update_replace_policy(out->instance, prod ? "Retain" : "Delete");
	add_export_log_groups(s, cfg, keys, out->instance, name, prod);
	sm_resource_suppress(out->instance, "AwsSolutions-RDS11",
			     "same port as the primary it replicates");
	nag_suppress(out->instance,
		     "the standby's replica is Single-AZ until failover promotes it; the runbook "
		     "then makes it Multi-AZ (docs/deployment.md)",
		     "AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport",
		     "PCI.DSS.321-RDSMultiAZSupport", "HIPAA.Security-RDSMultiAZSupport", NULL);
	nag_suppress(out->instance,
		     "a replica has no backups of its own; the primary's automated backups are "
		     "replicated to this region and its AWS Backup recovery points copied here",
		     "AwsSolutions-RDS13", "NIST.800.53.R5-RDSInBackupPlan",
		     "PCI.DSS.321-RDSInBackupPlan", "HIPAA.Security-RDSInBackupPlan",
		     "NIST.800.53.R5-RDSAutomaticMinorVersionUpgradeEnabled",
		     "PCI.DSS.321-RDSAutomaticMinorVersionUpgradeEnabled",
		     "HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled", NULL);
	nag_suppress(out->instance,
		     "encrypted with KmsKeyId, a key of this region, as RDS requires for a "
		     "cross-region replica of an encrypted source; CloudFormation refuses "
		     "StorageEncrypted with SourceDBInstanceIdentifier",
		     "AwsSolutions-RDS2", "NIST.800.53.R5-RDSStorageEncrypted",
		     "PCI.DSS.321-RDSStorageEncrypted", "HIPAA.Security-RDSStorageEncrypted", NULL);
	free(name);
	out->app_secret = primary->app_secret;
	out->master_secret = primary->master_secret;
	out->secret_region = cfg->region;
	return 0;
}
