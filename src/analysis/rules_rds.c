/* check rules: RDS databases. */
#include <stdlib.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta rds_encrypted = {
	"SM-RDS-001",
	SM_SEV_ERROR,
	"Database storage not encrypted",
	"Card-holder data at rest must be unreadable without the key (PCI DSS 3.4).",
	"Set StorageEncrypted true with a customer managed KmsKeyId (needs a new instance).",
	"FSBP RDS.3; PCI DSS 3.4",
	"AwsSolutions-RDS2 " N3("RDSStorageEncrypted"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_public = {
	"SM-RDS-002",
	SM_SEV_ERROR,
	"Database publicly accessible",
	"A public endpoint exposes the database to password guessing from the whole internet.",
	"Set PubliclyAccessible false and place the instance in isolated subnets.",
	"FSBP RDS.2; PCI DSS 1.3.1; CIS 2.3.3",
	N3("RDSInstancePublicAccess"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_multi_az = {
	"SM-RDS-003",
	SM_SEV_WARNING,
	"Database without Multi-AZ",
	"A single-AZ database is down for the whole AZ outage or maintenance failover.",
	"Set MultiAZ true (production must).",
	"FSBP RDS.5; NIST CP-10",
	"AwsSolutions-RDS3 " N3("RDSMultiAZSupport"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_backups = {
	"SM-RDS-004",
	SM_SEV_WARNING,
	"Database backups kept less than 7 days",
	"Point-in-time recovery covers only the retention window.",
	"Set BackupRetentionPeriod to 7 or more (30 in production).",
	"FSBP RDS.11; NIST CP-9",
	"AwsSolutions-RDS13",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_deletion = {
	"SM-RDS-005",
	SM_SEV_WARNING,
	"Database without deletion protection",
	"One wrong stack update or console click deletes the database.",
	"Set DeletionProtection true and DeletionPolicy/UpdateReplacePolicy Snapshot.",
	"FSBP RDS.8",
	"AwsSolutions-RDS10 " N3("RDSInstanceDeletionProtectionEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_logs = {
	"SM-RDS-006",
	SM_SEV_WARNING,
	"Database logs not exported to CloudWatch",
	"Connection and error logs are the audit trail of database access (PCI DSS 10.2).",
	"Set EnableCloudwatchLogsExports to [postgresql, upgrade].",
	"FSBP RDS.9; PCI DSS 10.2",
	N3("RDSLoggingEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_iam_auth = {
	"SM-RDS-007",
	SM_SEV_INFO,
	"Database without IAM authentication",
	"IAM authentication replaces long-lived database passwords with short tokens.",
	"Set EnableIAMDatabaseAuthentication true.",
	"FSBP RDS.10",
	"AwsSolutions-RDS6",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_tls = {
	"SM-RDS-008",
	SM_SEV_ERROR,
	"Database does not force TLS",
	"Without rds.force_ssl=1 a client can connect in clear text (PCI DSS 4.1).",
	"Use a DB parameter group with rds.force_ssl set to 1.",
	"PCI DSS 4.1; NIST SC-8",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_password = {
	"SM-RDS-009", SM_SEV_ERROR, "Database master password in the template",
	"A literal password is readable by anyone who can read the template or the stack.",
	"Set ManageMasterUserPassword true (RDS keeps and rotates it in Secrets Manager).",
	"PCI DSS 8.2.1; CIS 1.4", "AwsSolutions-SMG4", NULL, NULL,
	/* nag_partial: SMG4: a secret without rotation; this: a password in the template */
	"AwsSolutions-SMG4"};
static const struct sm_rule_meta rds_monitoring = {
	"SM-RDS-010",
	SM_SEV_INFO,
	"Database without enhanced monitoring",
	"OS-level metrics explain slow queries that CPU alone does not.",
	"Set MonitoringInterval (60) and a MonitoringRoleArn.",
	"FSBP RDS.6",
	N3("RDSEnhancedMonitoringEnabled"),
	NULL,
	NULL,
	NULL};

static const struct sm_rule_meta rds_port = {
	"SM-RDS-011",
	SM_SEV_INFO,
	"Database on the engine's default port",
	"A non-default port slows down untargeted scans; isolation matters more.",
	"Keep the database unreachable from outside the application tier (or change Port).",
	"NIST SC-7",
	"AwsSolutions-RDS11",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta rds_backup_plan = {
	"SM-RDS-012",
	SM_SEV_WARNING,
	"Database not in an AWS Backup plan",
	"A backup plan keeps copies beyond the automated backup window, in a locked vault.",
	"Select the instance in an AWS::Backup::BackupSelection.",
	"NIST CP-9; PCI DSS 12.10.1",
	N3("RDSInBackupPlan"),
	NULL,
	NULL,
	NULL};

static bool literal_password(const json_t *v)
{
	const char *s = jstr(v);
	return s && !strstr(s, "{{resolve:");
}

static void parameter_group_forces_tls(struct check_ctx *c, const char *id, const json_t *p)
{
	const json_t *pg = json_object_get(p, "DBParameterGroupName");
	struct sm_template *where;
	const char *pid = ref_target_any(c, pg, &where);
	const json_t *group =
		pid ? json_object_get(json_object_get(where->tmpl, "Resources"), pid) : NULL;
	const char *v = jstr(jget(group, "Properties.Parameters.rds.force_ssl"));
	if (!v) {
		const json_t *params = jget(group, "Properties.Parameters");
		v = jstr(json_object_get(params, "rds.force_ssl"));
	}
	if (!v || strcmp(v, "1"))
		check_report(c, &rds_tls, id, "DBParameterGroupName", "database '%s' %s", id,
			     group ? "has a parameter group without rds.force_ssl=1"
				   : "uses the default parameter group (rds.force_ssl=0 for "
				     "PostgreSQL < 15)");
}

static void rds_instance(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	bool replica = json_object_get(p, "SourceDBInstanceIdentifier") != NULL;
	const char *engine = jstr(json_object_get(p, "Engine"));
	if (!replica && !jtrue(json_object_get(p, "StorageEncrypted")) &&
	    !json_object_get(p, "DBClusterIdentifier"))
		check_report(c, &rds_encrypted, id, "StorageEncrypted",
			     "database '%s' is not encrypted", id);
	if (jtrue(json_object_get(p, "PubliclyAccessible")))
		check_report(c, &rds_public, id, "PubliclyAccessible",
			     "database '%s' is publicly accessible", id);
	if (!replica && !jtrue(json_object_get(p, "MultiAZ")))
		check_report(c, &rds_multi_az, id, "MultiAZ", "database '%s' runs in one AZ%s", id,
			     c->production ? " in production" : "");
	const json_t *br = json_object_get(p, "BackupRetentionPeriod");
	long keep = json_is_integer(br) ? (long)json_integer_value(br)
		    : br		? strtol(jstr(br) ?: "1", NULL, 10)
					: 1;
	if (!replica && keep < 7)
		check_report(c, &rds_backups, id, "BackupRetentionPeriod",
			     "database '%s' keeps backups %ld day%s", id, keep,
			     keep == 1 ? "" : "s");
	if (!replica && !jtrue(json_object_get(p, "DeletionProtection")))
		check_report(c, &rds_deletion, id, "DeletionProtection",
			     "database '%s' has no deletion protection", id);
	if (!json_array_size(json_object_get(p, "EnableCloudwatchLogsExports")))
		check_report(c, &rds_logs, id, NULL, "database '%s' exports no logs", id);
	if (!replica && !jtrue(json_object_get(p, "EnableIAMDatabaseAuthentication")))
		check_report(c, &rds_iam_auth, id, NULL, "database '%s' has no IAM authentication",
			     id);
	if (engine && strstr(engine, "postgres"))
		parameter_group_forces_tls(c, id, p);
	if (literal_password(json_object_get(p, "MasterUserPassword")))
		check_report(c, &rds_password, id, "MasterUserPassword",
			     "database '%s' has its master password in the template", id);
	const json_t *port = json_object_get(p, "Port");
	if (!port || (json_is_integer(port) && json_integer_value(port) == 5432) ||
	    (json_is_string(port) && !strcmp(jstr(port), "5432")))
		if (engine && strstr(engine, "postgres"))
			check_report(c, &rds_port, id, NULL, "database '%s' listens on 5432", id);
	if (!replica && !referenced_by(c, c->t, id, "AWS::Backup::BackupSelection",
				       "BackupSelection.Resources"))
		check_report(c, &rds_backup_plan, id, NULL,
			     "database '%s' is in no AWS Backup plan", id);
	if (!json_object_get(p, "MonitoringInterval"))
		check_report(c, &rds_monitoring, id, NULL,
			     "database '%s' has no enhanced monitoring", id);
	(void)r;
}

const struct resource_rule check_rules_rds[] = {
	{&rds_encrypted, "AWS::RDS::DBInstance", rds_instance},
	{&rds_public, "-", NULL},
	{&rds_multi_az, "-", NULL},
	{&rds_backups, "-", NULL},
	{&rds_deletion, "-", NULL},
	{&rds_logs, "-", NULL},
	{&rds_iam_auth, "-", NULL},
	{&rds_tls, "-", NULL},
	{&rds_password, "-", NULL},
	{&rds_monitoring, "-", NULL},
	{&rds_port, "-", NULL},
	{&rds_backup_plan, "-", NULL},
	{NULL, NULL, NULL},
};
