#include "constructs/rds.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/pg_versions.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

/* Secrets Manager's hosted rotation functions (CloudFormation template reference,
 * AWS::SecretsManager::RotationSchedule HostedRotationLambda) */
#define SECRETS_TRANSFORM "AWS::SecretsManager-2024-09-16"
#define ROTATION_SCHEDULE "rate(30 days)"
/*
 * RDS refuses / " and @ in a master password (RDS API, CreateDBInstance,
 * MasterUserPassword); the rest keeps the password safe in URLs and shells.
 */
#define PASSWORD_EXCLUDE " %+~`#$&*()|[]{}:;<>?!'/@\"\\"
#define POSTGRES_PORT 5432
/* Performance Insights' free retention (RDS user guide, "Pricing and data retention") */
#define INSIGHTS_RETENTION_DAYS 7
#define MONITORING_INTERVAL 60

/*
 * The log groups RDS creates on its own for EnableCloudwatchLogsExports
 * (/aws/rds/instance/<id>/<log>) would have no retention and no KMS key:
 * declared here, with both, before the instance (RDS user guide, "Publishing
 * PostgreSQL logs to Amazon CloudWatch Logs").
 */
static const char *const log_exports[] = {"postgresql", "upgrade", NULL};

static void add_export_log_groups(struct sm_stack *s, const struct rds_postgres *db,
				  struct sm_resource *instance, const json_t *identifier)
{
	for (int i = 0; log_exports[i]; i++) {
		char *id = xstrfmt("%sLogs%c%s", sm_resource_id(instance),
				   log_exports[i][0] - 'a' + 'A', log_exports[i] + 1);
		char *tail = xstrfmt("/%s", log_exports[i]);
		json_t *name = sm_fn_join("", json_pack("[s o s]", "/aws/rds/instance/",
							json_deep_copy(identifier), tail));
		struct sm_resource *lg =
			log_group_new(s, id, name, db->where.logs_key, db->where.log_retention_days,
				      db->where.log_retain_policy);
		sm_resource_depends_on(instance, lg);
		free(id);
		free(tail);
	}
}

/*
 * DBInstanceIdentifier: "<identifier>-<first group of the stack's ID>". The
 * export log groups are named after it, and a retained group (or a retained
 * instance) outlives its stack with its name, unique in the account and
 * Region: the next stack of the name would fail to create them ("already
 * exists"; DeletionPolicy attribute, CreateLogGroup). A new stack, a new ID.
 */
static json_t *instance_identifier(const char *identifier)
{
	return sm_stack_unique_name(identifier);
}

static json_t *log_export_list(void)
{
	json_t *a = json_array();
	for (int i = 0; log_exports[i]; i++)
		json_array_append_new(a, json_string(log_exports[i]));
	return a;
}

/*
 * Performance Insights (now CloudWatch Database Insights, standard mode):
 * RDS for PostgreSQL has no instance class restriction ("Amazon RDS DB
 * engine, Region, and instance class support for Database Insights", RDS
 * user guide), so every instance gets it.
 */
static void add_performance_insights(json_t *p, const struct rds_postgres *db)
{
	json_object_set_new(p, "EnablePerformanceInsights", json_true());
	json_object_set_new(p, "PerformanceInsightsKMSKeyId", sm_getatt(db->where.kms_key, "Arn"));
	json_object_set_new(p, "PerformanceInsightsRetentionPeriod",
			    json_integer(INSIGHTS_RETENTION_DAYS));
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

/*
 * {"username": ..., "dbname": ..., "masterarn": "${Master}"} as Secrets
 * Manager's SecretStringTemplate: a JSON string, through Fn::Sub when it
 * names the master secret. NULL without a username (the pack names it).
 */
static json_t *secret_template(const struct rds_secret_props *p)
{
	if (!p->username)
		return NULL;
	json_t *fields = json_pack("{ss}", "username", p->username);
	if (p->dbname)
		json_object_set_new(fields, "dbname", json_string(p->dbname));
	if (p->master)
		json_object_set_new(fields, "masterarn", json_string("${Master}"));
	/* json_dumpb, not json_dumps: the text is ours (xmalloc), not jansson's allocator's */
	size_t len = json_dumpb(fields, NULL, 0, JSON_COMPACT);
	char *text = xmalloc(len + 1);
	json_dumpb(fields, text, len, JSON_COMPACT);
	text[len] = '\0';
	json_decref(fields);
	json_t *v = p->master ? sm_fn_sub_vars(text, json_pack("{so}", "Master", sm_ref(p->master)))
			      : json_string(text);
	free(text);
	return v;
}

struct sm_resource *rds_secret_new(struct sm_stack *s, const char *id,
				   const struct rds_secret_props *p)
{
	struct sm_resource *r = sm_resource_new(
		s, id, "AWS::SecretsManager::Secret",
		json_pack("{ss so s{so ss si ss}}", "Description", p->description, "KmsKeyId",
			  sm_getatt(p->kms_key, "Arn"), "GenerateSecretString",
			  "SecretStringTemplate", secret_template(p), "GenerateStringKey",
			  "password", "PasswordLength", 32, "ExcludeCharacters", PASSWORD_EXCLUDE));
	secure_retain(r, p->retain_policy);
	return r;
}

json_t *rds_instance_arn(const struct sm_resource *instance, const char *region)
{
	return sm_fn_join(":", json_pack("[s o s s o s o]", "arn", sm_aws_partition(), "rds",
					 region, sm_aws_account_id(), "db", sm_ref(instance)));
}

/*
 * Secrets Manager fills host, port, engine and dbInstanceIdentifier into the
 * secret once the instance exists (AWS::SecretsManager::SecretTargetAttachment),
 * which the rotation function and the application read. The rotation runs
 * in a function Secrets Manager creates from its own templates
 * (HostedRotationLambda, with the template's Transform), in the private
 * subnets with `rotation_security_group`: PostgreSQL to the database and
 * HTTPS to the Secrets Manager endpoint.
 */
void rds_secret_attach_and_rotate(struct sm_stack *s, struct sm_resource *secret,
				  const struct rds_postgres *db, const char *rotation_type,
				  const struct sm_resource *master, bool rotate_immediately)
{
	char *id = xstrfmt("%sAttachment", sm_resource_id(secret));
	struct sm_resource *attachment = sm_resource_new(
		s, id, "AWS::SecretsManager::SecretTargetAttachment",
		json_pack("{so so ss}", "SecretId", sm_ref(secret), "TargetId",
			  sm_ref(db->instance), "TargetType", "AWS::RDS::DBInstance"));
	free(id);
	json_t *lambda =
		json_pack("{ss so so so ss}", "RotationType", rotation_type, "KmsKeyArn",
			  sm_getatt(db->where.kms_key, "Arn"), "VpcSubnetIds",
			  sm_fn_join(",", vpc_subnet_ids(db->where.vpc, VPC_TIER_PRIVATE)),
			  "VpcSecurityGroupIds", sm_getatt(db->rotation_security_group, "GroupId"),
			  "ExcludeCharacters", PASSWORD_EXCLUDE);
	if (master) {
		json_object_set_new(lambda, "MasterSecretArn", sm_ref(master));
		json_object_set_new(lambda, "MasterSecretKmsKeyArn",
				    sm_getatt(db->where.kms_key, "Arn"));
	}
	id = xstrfmt("%sRotation", sm_resource_id(secret));
	struct sm_resource *r = sm_resource_new(
		s, id, "AWS::SecretsManager::RotationSchedule",
		json_pack("{so so s{ss} sb}", "SecretId", sm_ref(secret), "HostedRotationLambda",
			  lambda, "RotationRules", "ScheduleExpression", ROTATION_SCHEDULE,
			  "RotateImmediatelyOnUpdate", rotate_immediately));
	free(id);
	/* the function needs the connection details the attachment writes */
	sm_resource_depends_on(r, attachment);
	sm_stack_add_transform(s, SECRETS_TRANSFORM);
}

static struct sm_resource *monitoring_role(struct sm_stack *s, const char *id)
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
	char *rid = xstrfmt("%sMonitoringRole", id);
	struct sm_resource *r = iam_role_new(s, rid, "monitoring.rds.amazonaws.com", st, NULL);
	free(rid);
	accept_finding(
		r, "SM-IAM-002",
		"RDS enhanced monitoring writes to the RDSOSMetrics log group and streams it "
		"creates itself, named by AWS");
	return r;
}

/*
 * <id>SubnetGroup in the isolated subnets, <id>ParameterGroup of the family
 * that follows the major version with TLS forced, <id>MonitoringRole.
 * 0, or -1 with a diagnostic.
 */
static int groups(struct sm_stack *s, const char *id, const char *engine_version,
		  const struct rds_placement *where, struct rds_postgres *out, struct diag_list *dl)
{
	int major, minor;
	if (pg_version_parse(engine_version, &major, &minor) < 0) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, id,
			 "cannot read the major version of engine version '%s' (e.g. \"16.4\")",
			 engine_version ? engine_version : "(none)");
		return -1;
	}
	out->where = *where;
	char *rid = xstrfmt("%sSubnetGroup", id);
	out->subnet_group = sm_resource_new(
		s, rid, "AWS::RDS::DBSubnetGroup",
		json_pack("{ss so}", "DBSubnetGroupDescription", where->subnet_group_description,
			  "SubnetIds", vpc_subnet_ids(where->vpc, VPC_TIER_ISOLATED)));
	free(rid);
	char *family = xstrfmt("postgres%d", major);
	rid = xstrfmt("%sParameterGroup", id);
	/* TLS in transit is forced by the server, not left to clients */
	json_t *params = json_pack("{ss}", "rds.force_ssl", "1");
	for (const char *const *kv = where->parameters; kv && kv[0]; kv += 2) {
		/* a parameter without a value fails the synthesis naming it */
		json_t *one = json_pack("{ss}", kv[0], kv[1]);
		json_object_update(params, one);
		json_decref(one);
	}
	out->parameter_group = sm_resource_new(s, rid, "AWS::RDS::DBParameterGroup",
					       json_pack("{ss ss so}", "Description",
							 where->parameter_group_description,
							 "Family", family, "Parameters", params));
	free(rid);
	free(family);
	out->monitoring_role = monitoring_role(s, id);
	return 0;
}

/*
 * Backups in another region: RDS replicates the instance's snapshots and
 * transaction logs there as soon as they are ready, so that it can be
 * restored to a point in time there ("Replicating automated backups to
 * another AWS Region", RDS user guide), encrypted with a key of that region
 * (AutomaticBackupReplicationKmsKeyId: KMS keys do not leave their region).
 */
static void replicate_backups(json_t *props, const struct rds_postgres_props *p)
{
	json_object_set_new(props, "AutomaticBackupReplicationRegion",
			    json_string(p->backup_replication_region));
	json_object_set_new(props, "AutomaticBackupReplicationKmsKeyId",
			    sm_getatt(p->backup_replication_key, "Arn"));
	json_object_set_new(props, "AutomaticBackupReplicationRetentionPeriod",
			    json_integer(p->backup_replication_days));
}

int rds_postgres_new(struct sm_stack *s, const char *id, const struct rds_postgres_props *p,
		     struct rds_postgres *out, struct diag_list *dl)
{
	*out = (struct rds_postgres){.instance_class = p->instance_class,
				     .rotation_security_group = p->rotation_security_group,
				     .deletion_protection = !p->allow_deletion};
	if (groups(s, id, p->engine_version, &p->where, out, dl) < 0)
		return -1;
	char *rid = xstrfmt("%sMasterSecret", id);
	out->master_secret = rds_secret_new(
		s, rid,
		&(struct rds_secret_props){.description = p->master_secret_description,
					   .username = p->master_username,
					   .kms_key = p->where.kms_key});
	free(rid);

	char *storage = xstrfmt("%d", p->allocated_storage);
	json_t *props = json_pack(
		"{so ss ss ss ss ss sI ss sb so sb so s[o] so ss so sI sb sb so sI so sb sb sI}",
		"DBInstanceIdentifier", instance_identifier(p->identifier), "DBName",
		p->database_name, "Engine", "postgres", "EngineVersion", p->engine_version,
		"DBInstanceClass", p->instance_class, "AllocatedStorage", storage,
		"MaxAllocatedStorage", (json_int_t)p->max_allocated_storage, "StorageType", "gp3",
		"StorageEncrypted", 1, "KmsKeyId", sm_getatt(p->where.kms_key, "Arn"), "MultiAZ",
		!p->single_az, "DBSubnetGroupName", sm_ref(out->subnet_group), "VPCSecurityGroups",
		sm_getatt(p->where.security_group, "GroupId"), "DBParameterGroupName",
		sm_ref(out->parameter_group), "MasterUsername", p->master_username,
		"MasterUserPassword", secret_reference(out->master_secret, "password"),
		"BackupRetentionPeriod",
		(json_int_t)(p->backup_retention_days ? p->backup_retention_days : 7),
		"CopyTagsToSnapshot", 1, "DeletionProtection", !p->allow_deletion,
		"EnableCloudwatchLogsExports", log_export_list(), "MonitoringInterval",
		(json_int_t)MONITORING_INTERVAL, "MonitoringRoleArn",
		sm_getatt(out->monitoring_role, "Arn"), "EnableIAMDatabaseAuthentication", 1,
		"AutoMinorVersionUpgrade", 1, "Port",
		(json_int_t)(p->port ? p->port : POSTGRES_PORT));
	free(storage);
	json_object_set_new(props, "PubliclyAccessible", json_false());
	json_object_set_new(props, "PreferredBackupWindow", json_string(p->backup_window));
	json_object_set_new(props, "PreferredMaintenanceWindow",
			    json_string(p->maintenance_window));
	add_performance_insights(props, out);
	if (p->backup_replication_region)
		replicate_backups(props, p);
	out->instance = sm_resource_new(s, id, "AWS::RDS::DBInstance", props);
	/* enhanced monitoring starts with the instance: the role's policy must be there */
	iam_role_wait_for(out->instance, out->monitoring_role);
	/* a snapshot survives both a stack deletion and a replacement */
	const char *removal = p->removal_policy ? p->removal_policy : "Snapshot";
	sm_resource_set_deletion_policy(out->instance, removal);
	sm_resource_set_update_replace_policy(out->instance, removal);
	/* the master password is the key to that snapshot: kept unless the instance is deleted */
	secure_retain(out->master_secret, strcmp(removal, "Delete") ? "Retain" : NULL);
	add_export_log_groups(s, out, out->instance,
			      json_object_get(props, "DBInstanceIdentifier"));
	/*
	 * RDS refuses to create a read replica of a source whose master
	 * password it manages in Secrets Manager (ManageMasterUserPassword; RDS
	 * user guide, "Password management with Amazon RDS and AWS Secrets
	 * Manager", limitations), so the secret is CloudFormation's: generated,
	 * handed to RDS by a dynamic reference, linked to the instance, rotated
	 * by Secrets Manager's single-user PostgreSQL function.
	 */
	rds_secret_attach_and_rotate(s, out->master_secret, out, "PostgreSQLSingleUser", NULL,
				     true);
	return 0;
}

struct sm_resource *rds_postgres_add_replica(struct sm_stack *s, const char *id,
					     const struct rds_postgres *db, const char *identifier)
{
	json_t *rp = json_pack(
		"{so so ss s[o] so sb sb sI so sb sb}", "DBInstanceIdentifier",
		instance_identifier(identifier), "SourceDBInstanceIdentifier", sm_ref(db->instance),
		"DBInstanceClass", db->instance_class, "VPCSecurityGroups",
		sm_getatt(db->where.security_group, "GroupId"), "DBParameterGroupName",
		sm_ref(db->parameter_group), "PubliclyAccessible", 0, "CopyTagsToSnapshot", 1,
		"MonitoringInterval", (json_int_t)MONITORING_INTERVAL, "MonitoringRoleArn",
		sm_getatt(db->monitoring_role, "Arn"), "AutoMinorVersionUpgrade", 1,
		"DeletionProtection", db->deletion_protection);
	json_object_set_new(rp, "EnableCloudwatchLogsExports", log_export_list());
	add_performance_insights(rp, db);
	struct sm_resource *r = sm_resource_new(s, id, "AWS::RDS::DBInstance", rp);
	iam_role_wait_for(r, db->monitoring_role);
	add_export_log_groups(s, db, r, json_object_get(rp, "DBInstanceIdentifier"));
	accept_finding(r, "SM-RDS-011", "same port as the primary it replicates");
	accept_finding(r, "SM-RDS-003",
		       "a read replica scales reads; availability comes from the Multi-AZ "
		       "primary");
	/* kept less than 7 days (none) and in no AWS Backup plan: two rules, one reason */
	for (int i = 0; i < 2; i++)
		accept_finding(r, i ? "SM-RDS-012" : "SM-RDS-004",
			       "a read replica has no backups of its own; the primary's are kept "
			       "for the configured retention and by the AWS Backup plan");
	accept_finding(r, "SM-RDS-001",
		       "a replica inherits the KMS encryption of its source, and "
		       "CloudFormation refuses StorageEncrypted with SourceDBInstanceIdentifier");
	return r;
}

int rds_postgres_cross_region_replica_new(struct sm_stack *s, const char *id,
					  const struct rds_cross_region_replica_props *p,
					  struct rds_postgres *out, struct diag_list *dl)
{
	*out = (struct rds_postgres){.instance_class = p->instance_class,
				     .deletion_protection = !p->allow_deletion};
	if (groups(s, id, p->engine_version, &p->where, out, dl) < 0) {
		json_decref(p->source_arn);
		return -1;
	}
	/*
	 * RDS wants the source as an ARN when it is in another region, and a
	 * KMS key of the replica's own region for an encrypted source
	 * ("Creating a read replica in a different AWS Region", RDS user guide;
	 * CreateDBInstanceReadReplica, KmsKeyId). The subnet group must be
	 * named, or RDS would place the replica in the default VPC.
	 */
	json_t *rp = json_pack("{so so ss so so s[o] sb sb sI so sb sb ss}", "DBInstanceIdentifier",
			       instance_identifier(p->identifier), "SourceDBInstanceIdentifier",
			       p->source_arn, "DBInstanceClass", p->instance_class, "KmsKeyId",
			       sm_getatt(p->where.kms_key, "Arn"), "DBSubnetGroupName",
			       sm_ref(out->subnet_group), "VPCSecurityGroups",
			       sm_getatt(p->where.security_group, "GroupId"), "PubliclyAccessible",
			       0, "CopyTagsToSnapshot", 1, "MonitoringInterval",
			       (json_int_t)MONITORING_INTERVAL, "MonitoringRoleArn",
			       sm_getatt(out->monitoring_role, "Arn"), "AutoMinorVersionUpgrade", 1,
			       "DeletionProtection", !p->allow_deletion, "StorageType", "gp3");
	json_object_set_new(rp, "DBParameterGroupName", sm_ref(out->parameter_group));
	json_object_set_new(rp, "MultiAZ", json_boolean(!p->single_az));
	json_object_set_new(rp, "EnableCloudwatchLogsExports", log_export_list());
	add_performance_insights(rp, out);
	char *rid = xstrfmt("%sReplica", id);
	out->instance = sm_resource_new(s, rid, "AWS::RDS::DBInstance", rp);
	free(rid);
	iam_role_wait_for(out->instance, out->monitoring_role);
	const char *removal = p->removal_policy ? p->removal_policy : "Retain";
	sm_resource_set_deletion_policy(out->instance, removal);
	sm_resource_set_update_replace_policy(out->instance, removal);
	add_export_log_groups(s, out, out->instance, json_object_get(rp, "DBInstanceIdentifier"));
	return 0;
}
