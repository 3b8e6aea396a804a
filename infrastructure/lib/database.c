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
#include "constructs/backup.h"
#include "constructs/ecs.h"
#include "constructs/iam.h"
#include "constructs/rds.h"
#include "constructs/secure.h"

#define MASTER_USER "solemate"
#define APP_USER "solemate_app"
#define DATABASE_NAME "solemate"
#define DATABASE_PORT 5432
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
 * FR-2.2: AWS Backup of the database and the assets, daily, 35 days in
 * production and 7 in staging; with DR, each recovery point copied to the
 * vault in drRegion.
 */
static void add_backup(struct sm_stack *s, const struct security_keys *keys,
		       const struct storage *st, const struct database_dr_targets *dr,
		       struct database *db, bool prod)
{
	struct sm_resource *vault = backup_vault_new(
		s, "BackupVault", &(struct backup_vault_props){.kms_key = keys->data_key});
	sm_stack_add_output(
		s, "BackupVaultName", sm_ref(vault),
		"AWS Backup vault of the database and assets (kept when the stack goes)", NULL);
	struct backup_plan plan;
	backup_plan_new(s, "Backup",
			&(struct backup_plan_props){
				.vault = vault,
				.delete_after_days = prod ? 35 : 7,
				.copy_to = dr ? dr->vault : NULL,
				.selection_name = "DatabaseAndAssets",
				.resources = {db->instance, st->assets_bucket},
			},
			&plan);
}

/*
 * The application's own user (item 11 of issue 12): never the master. Rotated
 * with alternating users (PostgreSQLMultiUser): each rotation changes the
 * password of the user the secret does not currently name, so the
 * credentials a running task read stay valid through the next rotation
 * (Secrets Manager user guide, "Rotation strategy: alternating users").
 */
static struct sm_resource *app_user_secret(struct sm_stack *s, const struct security_keys *keys,
					   struct sm_resource *master, const char *retain_policy)
{
	return rds_secret_new(
		s, "DatabaseAppSecret",
		&(struct rds_secret_props){
			.description = "SoleMate application database user (alternating users)",
			.username = APP_USER,
			.dbname = DATABASE_NAME,
			.master = master,
			.kms_key = keys->data_key,
			/* production's outlives its stack with the database it opens (SM-RES-001)
			 */
			.retain_policy = retain_policy});
}

/* FR-2.3's TLS is forced by the construct; these are what operators read */
static const char *const postgres_parameters[] = {"log_connections",
						  "1",
						  "log_disconnections",
						  "1",
						  "log_min_duration_statement",
						  "500",
						  "log_statement",
						  "ddl",
						  "shared_preload_libraries",
						  "pg_stat_statements",
						  NULL};

/* the primary's and the standby replica's, in `net` and with `keys` of their region */
static struct rds_placement placement(const struct env_config *cfg, const struct networking *net,
				      const struct security_keys *keys)
{
	return (struct rds_placement){
		.vpc = &net->vpc,
		.security_group = net->db_sg,
		.kms_key = keys->data_key,
		.logs_key = keys->logs_key,
		.log_retention_days = cfg->log_retention_days,
		.log_retain_policy = cfg->protect_data ? "Retain" : NULL,
		.subnet_group_description = "Isolated subnets of the SoleMate database",
		.parameter_group_description =
			"SoleMate PostgreSQL: TLS forced, connection and slow-query logging",
		.parameters = postgres_parameters};
}

static void set_handles(struct database *out, const struct rds_postgres *db)
{
	out->instance = db->instance;
	out->subnet_group = db->subnet_group;
	out->parameter_group = db->parameter_group;
	out->master_secret = db->master_secret;
}

int database_build(struct sm_stack *s, const struct env_config *cfg, const struct networking *net,
		   const struct security_keys *keys, const struct storage *st,
		   const struct database_dr_targets *dr, struct database *out, struct diag_list *dl)
{
	bool prod = cfg->protect_data;
	struct rds_postgres db;
	memset(out, 0, sizeof(*out));
	char *name = instance_identifier(cfg, 0);
	int rc = rds_postgres_new(
		s, "Database",
		&(struct rds_postgres_props){
			.identifier = name,
			.engine_version = cfg->database_engine_version,
			.instance_class = cfg->database_instance_class,
			.database_name = DATABASE_NAME,
			.master_username = MASTER_USER,
			.port = DATABASE_PORT,
			.allocated_storage = cfg->database_allocated_storage,
			.max_allocated_storage = cfg->database_max_allocated_storage,
			.backup_retention_days = cfg->database_backup_retention_days,
			.backup_window = "03:00-04:00",
			.maintenance_window = "sun:04:30-sun:05:30",
			.where = placement(cfg, net, keys),
			.rotation_security_group = net->app_sg,
			.master_secret_description =
				"SoleMate database master user (administration and rotation only)",
			.single_az = !cfg->database_multi_az,
			.allow_deletion = !cfg->database_deletion_protection,
			/* a snapshot survives both a stack deletion and a replacement (FR-2.2) */
			.removal_policy = prod ? "Snapshot" : "Delete",
			/* backups in the DR region (every readiness but none) */
			.backup_replication_region = dr && dr->key ? dr->region : NULL,
			.backup_replication_key = dr ? dr->key : NULL,
			.backup_replication_days = dr ? dr->retention_days : 0},
		&db, dl);
	free(name);
	if (rc < 0)
		return -1;
	set_handles(out, &db);
	accept_finding(out->instance, "SM-RDS-011",
		       "5432 is kept: the port is not a secret, the isolated subnets and "
		       "the security group are what protect it");
	out->app_secret = app_user_secret(s, keys, out->master_secret, prod ? "Retain" : NULL);
	if (dr && dr->replicate_secrets)
		secret_add_replica(out->app_secret, dr->region, dr->key);
	/*
	 * Not at creation: the first rotation logs in as the user the secret
	 * names, which the schema migration creates (docs/deployment.md).
	 */
	rds_secret_attach_and_rotate(s, out->app_secret, &db, "PostgreSQLMultiUser",
				     out->master_secret, false);
	for (int i = 0; i < cfg->database_read_replicas && i < 5; i++) {
		char *id = xstrfmt("DatabaseReplica%d", i + 1);
		char *replica = instance_identifier(cfg, i + 1);
		out->replicas[out->replica_nr++] = rds_postgres_add_replica(s, id, &db, replica);
		free(replica);
		free(id);
	}
	add_backup(s, keys, st, dr, out, prod);
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
	return db->secret_region ? secret_arn_in(db->app_secret, db->secret_region)
				 : sm_ref(db->app_secret);
}

json_t *database_task_environment(const struct database *db)
{
	return ecs_environment((const struct ecs_variable[]){
		{"DB_HOST", sm_getatt(db->instance, "Endpoint.Address")},
		{"DB_READER_HOSTS", database_reader_hosts(db)},
		{"DB_PORT", sm_getatt(db->instance, "Endpoint.Port")},
		{"DB_NAME", json_string(DATABASE_NAME)},
		{0}});
}

json_t *database_task_secrets(const struct database *db)
{
	return ecs_secrets((const struct ecs_variable[]){
		{"DB_USER", ecs_secret_field(database_app_secret_arn(db), "username")},
		{"DB_PASSWORD", ecs_secret_field(database_app_secret_arn(db), "password")},
		{0}});
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
	struct rds_postgres db;
	memset(out, 0, sizeof(*out));
	char *base = instance_identifier(cfg, 0);
	char *name = xstrfmt("%s-dr", base);
	free(base);
	int rc = rds_postgres_cross_region_replica_new(
		s, "Database",
		&(struct rds_cross_region_replica_props){
			.identifier = name,
			.source_arn = rds_instance_arn(primary->instance, primary_region),
			.engine_version = cfg->database_engine_version,
			.instance_class = cfg->database_instance_class,
			.where = placement(cfg, net, keys),
			/* a standby, made Multi-AZ after promotion (docs/deployment.md) */
			.single_az = true,
			.allow_deletion = !cfg->database_deletion_protection,
			/* once promoted it holds the shop's data */
			.removal_policy = prod ? "Retain" : "Delete"},
		&db, dl);
	free(name);
	if (rc < 0)
		return -1;
	set_handles(out, &db);
	accept_finding(out->instance, "SM-RDS-011", "same port as the primary it replicates");
	accept_finding(out->instance, "SM-RDS-003",
		       "the standby's replica is Single-AZ until failover promotes it; the runbook "
		       "then makes it Multi-AZ (docs/deployment.md)");
	/* kept less than 7 days (none) and in no AWS Backup plan: two rules, one reason */
	for (int i = 0; i < 2; i++)
		accept_finding(
			out->instance, i ? "SM-RDS-012" : "SM-RDS-004",
			"a replica has no backups of its own; the primary's automated backups "
			"are replicated to this region and its AWS Backup recovery points "
			"copied here");
	accept_finding(out->instance, "SM-RDS-001",
		       "encrypted with KmsKeyId, a key of this region, as RDS requires for a "
		       "cross-region replica of an encrypted source; CloudFormation refuses "
		       "StorageEncrypted with SourceDBInstanceIdentifier");
	out->app_secret = primary->app_secret;
	out->master_secret = primary->master_secret;
	out->secret_region = cfg->region;
	return 0;
}
