/*
 * Deployability rules (SM-DEP-01x): combinations of properties a service
 * refuses at create time, whatever the order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"
#include "base/pg_versions.h"
#include "base/xalloc.h"

static const struct sm_rule_meta dep_replica_secret = DEP_RULE(
	"010", SM_SEV_ERROR, "Read replica of a source whose master password RDS manages",
	"RDS does not create read replicas when the source DB instance manages its master user "
	"password in Secrets Manager (ManageMasterUserPassword): the replica fails at CREATE.",
	"Keep the master password in a secret of your own (AWS::SecretsManager::Secret with "
	"GenerateSecretString, rotated by a RotationSchedule) referenced by "
	"{{resolve:secretsmanager:...}}, "
	"or drop the replica.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
	"rds-secrets-manager.html#rds-secrets-manager-limitations");
static const struct sm_rule_meta dep_multiaz_az = DEP_RULE(
	"011", SM_SEV_ERROR, "Multi-AZ DB instance with a fixed Availability Zone",
	"CreateDBInstance answers InvalidParameterCombination: AvailabilityZone can't be set when "
	"MultiAZ is true (RDS picks the AZs).",
	"Remove AvailabilityZone, or set MultiAZ false.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-availabilityzone");
static const struct sm_rule_meta dep_fargate_size = DEP_RULE(
	"012", SM_SEV_ERROR, "Fargate task CPU and memory not a supported pair",
	"RegisterTaskDefinition answers ClientException \"Invalid 'cpu' setting for task\" (\"No "
	"Fargate configuration exists for given values\") for any other CPU/memory combination.",
	"Use a pair from the table: 256 with 512-2048 MiB, 512 with 1024-4096, 1024 with "
	"2048-8192, "
	"2048 with 4096-16384 (1 GiB steps), 4096 with 8192-30720 (1 GiB steps), 8192 with "
	"16384-61440 (4 GiB steps), 16384 with 32768-122880 (8 GiB steps).",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html");
static const struct sm_rule_meta dep_pi_retention = DEP_RULE(
	"013", SM_SEV_ERROR, "Performance Insights retention period RDS does not accept",
	"RDS accepts 7, a multiple of 31 up to 713 (months), or 731 days; any other value (94, 30, "
	"365) is refused at create.",
	"Use 7 (free tier), 31*N for N months (N 1-23), or 731.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-performanceinsightsretentionperiod");
static const struct sm_rule_meta dep_replica_backups = DEP_RULE(
	"014", SM_SEV_ERROR, "Read replica of a source without automated backups",
	"A read replica needs automatic backups on its source (BackupRetentionPeriod above 0); "
	"otherwise CreateDBInstanceReadReplica is refused.",
	"Set the source's BackupRetentionPeriod to 1 or more (7+ for PITR).",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Create.html");
static const struct sm_rule_meta dep_monitoring = DEP_RULE(
	"015", SM_SEV_ERROR, "Enhanced monitoring interval without a role, or not an allowed value",
	"RDS refuses a MonitoringInterval above 0 without MonitoringRoleArn, and any interval "
	"other "
	"than 0, 1, 5, 10, 15, 30 or 60 seconds.",
	"Set MonitoringRoleArn to a role trusted by monitoring.rds.amazonaws.com with "
	"AmazonRDSEnhancedMonitoringRole, and an allowed interval.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-monitoringinterval");
static const struct sm_rule_meta dep_target_type = DEP_RULE(
	"016", SM_SEV_ERROR, "awsvpc ECS service behind a target group of type instance",
	"Tasks in awsvpc network mode (every Fargate task) register by IP address: CreateService "
	"answers that the target group's target type instance is incompatible with awsvpc.",
	"Set the target group's TargetType to ip.",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html");
static const struct sm_rule_meta dep_fargate_mode = DEP_RULE(
	"017", SM_SEV_ERROR, "Fargate task definition not in awsvpc network mode",
	"Fargate runs only tasks in awsvpc network mode; RegisterTaskDefinition refuses another "
	"NetworkMode for FARGATE compatibility.",
	"Set NetworkMode to awsvpc.",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html");
static const struct sm_rule_meta dep_https_cert = DEP_RULE(
	"018", SM_SEV_ERROR, "HTTPS or TLS listener without a certificate",
	"CreateListener answers CertificateNotFound / ValidationError: a secure listener needs a "
	"default certificate.",
	"Set Certificates to an ACM certificate of the listener's region.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	"create-https-listener.html");
static const struct sm_rule_meta dep_container_port = DEP_RULE(
	"019", SM_SEV_ERROR, "Load-balanced container port the container does not map",
	"CreateService refuses a LoadBalancers entry whose ContainerName/ContainerPort is not a "
	"port mapping of that container in the task definition; a port mapped to another port "
	"than the application listens on leaves every health check failing.",
	"Make ContainerName and ContainerPort name a container and one of its PortMappings.",
	"https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html");

static const struct sm_rule_meta dep_engine_version = DEP_RULE(
	"020", SM_SEV_ERROR, "PostgreSQL engine version RDS no longer creates",
	"RDS refuses CreateDBInstance on a minor version past its end of standard support or its "
	"'no new instances' date (AWS Health notices; release calendar), and a major version past "
	"standard support runs only under paid Extended Support.",
	"Use a supported minor of the same major (the data file data/rds-postgres-versions.json "
	"lists them, dated), or omit the minor to let RDS pick the default.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/"
	"postgresql-release-calendar.html");

/* The dated versions file, read once a process (NULL when it cannot be read: the rule is skipped).
 */
static const struct pg_versions *versions(struct check_ctx *c)
{
	struct check_run *run = c->run;
	if (!run->versions_state) {
		struct diag_list dl = DIAG_LIST_INIT;
		run->versions = pg_versions_shared(&dl);
		run->versions_state = run->versions ? 1 : -1;
		diag_list_release(&dl);
	}
	return run->versions;
}

static void engine_version(struct check_ctx *c, const char *id, const json_t *p)
{
	const char *engine = jstr(json_object_get(p, "Engine")) ?: "";
	const char *ver = jstr(json_object_get(p, "EngineVersion"));
	const struct pg_versions *v = versions(c);
	if (strcmp(engine, "postgres") || !ver || !strchr(ver, '.') || !v)
		return;
	char today[11];
	struct pg_verdict verdict;
	pg_versions_today(today);
	pg_versions_check(v, ver, today, &verdict);
	if (verdict.support != PG_MINOR_ENDED && verdict.support != PG_MAJOR_ENDED &&
	    verdict.support != PG_UNKNOWN_MINOR)
		return;
	char *use = pg_versions_supported(v, today,
					  verdict.support == PG_MAJOR_ENDED ? 0 : verdict.major);
	if (verdict.support == PG_UNKNOWN_MINOR)
		check_report(
			c, &dep_engine_version, id, "EngineVersion",
			"'%s' asks for PostgreSQL %s, which %s (%s) does not list as orderable; "
			"supported: %s",
			id, ver, "data/rds-postgres-versions.json", pg_versions_date(v), use);
	else
		check_report(c, &dep_engine_version, id, "EngineVersion",
			     "'%s' asks for PostgreSQL %s: RDS %s since %s; supported: %s", id, ver,
			     verdict.support == PG_MAJOR_ENDED ? "ended its standard support"
							       : "creates no new instances of it",
			     verdict.no_new_from ? verdict.no_new_from
			     : verdict.ended	 ? verdict.ended
						 : "?",
			     use);
	free(use);
}

static const json_t *source_instance(struct check_ctx *c, const json_t *p, const char **sid)
{
	const json_t *src =
		resource_at(c, json_object_get(p, "SourceDBInstanceIdentifier"), NULL, sid);
	return src && !strcmp(res_type(src), "AWS::RDS::DBInstance") ? src : NULL;
}

static void rds_combos(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *sid = NULL;
	const json_t *src = source_instance(c, p, &sid);
	engine_version(c, id, p);
	if (src && jtrue(jget(src, "Properties.ManageMasterUserPassword")))
		check_report(c, &dep_replica_secret, id, "SourceDBInstanceIdentifier",
			     "read replica '%s' of '%s': RDS refuses replicas of a source with "
			     "ManageMasterUserPassword",
			     id, sid);
	if (src && jget(src, "Properties.BackupRetentionPeriod") &&
	    jnum(jget(src, "Properties.BackupRetentionPeriod"), 1) == 0)
		check_report(c, &dep_replica_backups, id, "SourceDBInstanceIdentifier",
			     "read replica '%s' of '%s', whose BackupRetentionPeriod is 0", id,
			     sid);
	if (jtrue(json_object_get(p, "MultiAZ")) && jstr(json_object_get(p, "AvailabilityZone")))
		check_report(c, &dep_multiaz_az, id, "AvailabilityZone",
			     "'%s' sets MultiAZ and AvailabilityZone %s together", id,
			     jstr(json_object_get(p, "AvailabilityZone")));
	const json_t *pi = json_object_get(p, "PerformanceInsightsRetentionPeriod");
	long days = jnum(pi, 7);
	if (pi && !(days == 7 || days == 731 || (days % 31 == 0 && days >= 31 && days <= 713)))
		check_report(c, &dep_pi_retention, id, "PerformanceInsightsRetentionPeriod",
			     "'%s' keeps Performance Insights %ld days", id, days);
	const json_t *mi = json_object_get(p, "MonitoringInterval");
	long interval = jnum(mi, 0);
	if (mi && interval != 0 && interval != 1 && interval != 5 && interval != 10 &&
	    interval != 15 && interval != 30 && interval != 60)
		check_report(c, &dep_monitoring, id, "MonitoringInterval",
			     "'%s' has MonitoringInterval %ld (allowed: 0, 1, 5, 10, 15, 30, 60)",
			     id, interval);
	else if (interval > 0 && !json_object_get(p, "MonitoringRoleArn"))
		check_report(c, &dep_monitoring, id, "MonitoringInterval",
			     "'%s' has MonitoringInterval %ld but no MonitoringRoleArn", id,
			     interval);
	(void)r;
}

/* "1024", "1 vCPU", ".5 vcpu" -> CPU units; "2048", "2 GB", "2GB" -> MiB. -1 when unreadable. */
static long size_of(const json_t *v, const char *unit_word, long unit)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	const char *s = jstr(v);
	if (!s)
		return -1;
	char *end;
	double d = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s)
		return -1;
	if (!*end)
		return (long)d;
	return strncasecmp(end, unit_word, strlen(unit_word)) ? -1 : (long)(d * (double)unit);
}

static bool fargate_pair(long cpu, long mem)
{
	switch (cpu) {
	case 256:
		return mem == 512 || mem == 1024 || mem == 2048;
	case 512:
		return mem >= 1024 && mem <= 4096 && mem % 1024 == 0;
	case 1024:
		return mem >= 2048 && mem <= 8192 && mem % 1024 == 0;
	case 2048:
		return mem >= 4096 && mem <= 16384 && mem % 1024 == 0;
	case 4096:
		return mem >= 8192 && mem <= 30720 && mem % 1024 == 0;
	case 8192:
		return mem >= 16384 && mem <= 61440 && mem % 4096 == 0;
	case 16384:
		return mem >= 32768 && mem <= 122880 && mem % 8192 == 0;
	}
	return false;
}

bool task_is_fargate(const json_t *p)
{
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(p, "RequiresCompatibilities"), i, x) {
		if (!strcmp(jstr(x) ?: "", "FARGATE"))
			return true;
	}
	return false;
}

static void task_combos(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!task_is_fargate(p))
		return;
	const json_t *cv = json_object_get(p, "Cpu"), *mv = json_object_get(p, "Memory");
	long cpu = size_of(cv, "vcpu", 1024), mem = size_of(mv, "gb", 1024);
	if ((cv && cpu < 0) || (mv && mem < 0))
		return; /* not a literal (a parameter without default, an expression) */
	if (!cv || !mv || !fargate_pair(cpu, mem))
		check_report(c, &dep_fargate_size, id, cv ? "Cpu" : NULL,
			     "Fargate task '%s' asks for %ld CPU units with %ld MiB", id, cpu, mem);
	if (strcmp(jstr(json_object_get(p, "NetworkMode")) ?: "", "awsvpc"))
		check_report(c, &dep_fargate_mode, id, "NetworkMode",
			     "Fargate task '%s' has NetworkMode %s", id,
			     jstr(json_object_get(p, "NetworkMode")) ?: "(default bridge)");
	(void)r;
}

static const json_t *container_named(const json_t *task, const char *name)
{
	size_t i;
	json_t *ct;
	json_array_foreach (jget(task, "Properties.ContainerDefinitions"), i, ct) {
		if (!strcmp(jstr(json_object_get(ct, "Name")) ?: "", name))
			return ct;
	}
	return NULL;
}

static void service_combos(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *tid;
	const json_t *task = resource_at(c, json_object_get(p, "TaskDefinition"), NULL, &tid);
	if (!task || strcmp(res_type(task), "AWS::ECS::TaskDefinition"))
		return;
	bool awsvpc = !strcmp(jstr(jget(task, "Properties.NetworkMode")) ?: "", "awsvpc") ||
		      task_is_fargate(json_object_get(task, "Properties"));
	size_t i;
	json_t *lb;
	json_array_foreach (json_object_get(p, "LoadBalancers"), i, lb) {
		const char *tgid;
		const json_t *tg =
			resource_at(c, json_object_get(lb, "TargetGroupArn"), NULL, &tgid);
		if (awsvpc && tg &&
		    strcmp(jstr(jget(tg, "Properties.TargetType")) ?: "instance", "ip"))
			check_report(c, &dep_target_type, id, "LoadBalancers",
				     "service '%s' runs awsvpc tasks behind '%s', whose TargetType "
				     "is %s",
				     id, tgid,
				     jstr(jget(tg, "Properties.TargetType"))
					     ?: "instance (default)");
		const char *cname = jstr(json_object_get(lb, "ContainerName"));
		const json_t *cport = json_object_get(lb, "ContainerPort");
		if (!cname || !cport || jnum(cport, -1) < 0)
			continue;
		const json_t *ct = container_named(task, cname);
		bool mapped = false;
		size_t k;
		json_t *pm;
		json_array_foreach (json_object_get(ct, "PortMappings"), k, pm) {
			mapped |= jnum(json_object_get(pm, "ContainerPort"), -2) == jnum(cport, -1);
		}
		if (!ct)
			check_report(c, &dep_container_port, id, "LoadBalancers",
				     "service '%s' balances to container '%s', which task "
				     "definition '%s' "
				     "does not have",
				     id, cname, tid);
		else if (!mapped)
			check_report(c, &dep_container_port, id, "LoadBalancers",
				     "service '%s' balances to port %ld of container '%s', which "
				     "maps no such "
				     "port",
				     id, jnum(cport, -1), cname);
	}
	(void)r;
}

static void listener_combos(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *proto = jstr(json_object_get(p, "Protocol")) ?: "";
	if ((!strcmp(proto, "HTTPS") || !strcmp(proto, "TLS")) &&
	    !json_array_size(json_object_get(p, "Certificates")))
		check_report(c, &dep_https_cert, id, "Certificates",
			     "%s listener '%s' has no certificate", proto, id);
	(void)r;
}

const struct resource_rule check_rules_dep_combo[] = {
	{&dep_replica_secret, "AWS::RDS::DBInstance", rds_combos},
	{&dep_multiaz_az, "-", NULL},
	{&dep_engine_version, "-", NULL},
	{&dep_pi_retention, "-", NULL},
	{&dep_replica_backups, "-", NULL},
	{&dep_monitoring, "-", NULL},
	{&dep_fargate_size, "AWS::ECS::TaskDefinition", task_combos},
	{&dep_fargate_mode, "-", NULL},
	{&dep_target_type, "AWS::ECS::Service", service_combos},
	{&dep_container_port, "-", NULL},
	{&dep_https_cert, "AWS::ElasticLoadBalancingV2::Listener", listener_combos},
	{NULL, NULL, NULL},
};
