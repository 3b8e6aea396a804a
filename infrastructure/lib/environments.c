/*
 * Environment configuration (the PRD's environments.ts, as data in
 * config/<env>.json). One table describes every key; loading, validation,
 * defaults, did-you-mean suggestions and config/schema.json come from it
 * (the loader that reads a document through a table is config_load.c, the
 * checks of single values config_checks.c, the account baseline's table
 * baseline_config.c).
 */
#include "lib/environments.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/xalloc.h"
#include "lib/config_int.h"

static const char *const dr_levels[] = {"none", "backup-restore", "pilot-light", "warm-standby",
					NULL};

const char *dr_readiness_name(enum dr_readiness r)
{
	return dr_levels[r];
}

int dr_readiness_parse(const char *name, enum dr_readiness *out)
{
	for (int i = 0; dr_levels[i]; i++)
		if (!strcmp(name, dr_levels[i])) {
			*out = (enum dr_readiness)i;
			return 0;
		}
	return -1;
}

bool env_dns_failover(const struct env_config *cfg)
{
	return cfg->hosted_zone_id && cfg->dr_readiness >= DR_PILOT_LIGHT;
}

static const char *const price_classes[] = {"PriceClass_100", "PriceClass_200", "PriceClass_All",
					    NULL};

#define OFF(f) offsetof(struct env_config, f)
#define UOFF(f) (offsetof(struct env_config, usage) + offsetof(struct env_usage, f))

static const struct key_def keys[] = {
	{"environment", K_STRING, true, OFF(environment), 0, 0, NULL, 0, cfg_check_environment,
	 NULL,
	 "Environment name; becomes part of stack and resource names. Lower-case letters, "
	 "digits and hyphens, a hyphen followed by a letter (one name, one set of stacks)."},
	{"account", K_STRING, false, OFF(account), 0, 0, NULL, 0, cfg_check_account, NULL,
	 "AWS account ID (12 digits). Omit for environment-agnostic stacks."},
	{"accountId", K_STRING, true, OFF(account_id), 0, 0, NULL, 0, cfg_check_account, NULL,
	 "AWS account the environment lives in (12 digits, a string). deploy, destroy and "
	 "bootstrap ask STS GetCallerIdentity first and refuse credentials of another "
	 "account."},
	{"cloudFormationRoleArn", K_STRING, false, OFF(cloudformation_role_arn), 0, 0, NULL, 0,
	 cfg_check_role_arn, NULL,
	 "IAM role CloudFormation assumes to change the stacks (RoleARN of CreateChangeSet and "
	 "DeleteStack), so that deployers need only pass it. In accountId's account."},
	{"region", K_STRING, true, OFF(region), 0, 0, NULL, 0, cfg_check_region, NULL,
	 "AWS region of the environment."},
	{"drRegion", K_STRING, false, OFF(dr_region), 0, 0, NULL, 0, cfg_check_region, NULL,
	 "Disaster-recovery region: the replica of the assets bucket, and what drReadiness "
	 "keeps there. Default us-west-2 when drReadiness is not none; with none, only the "
	 "assets replica, and only when set."},
	{"drReadiness", K_STRING, false, OFF(dr_readiness_name), 0, 0, "none", 0, NULL, dr_levels,
	 "What drRegion holds to survive the loss of the primary region: none; backup-restore "
	 "(database backups and snapshot copies in drRegion, RPO minutes, RTO hours); "
	 "pilot-light (an encrypted cross-region read replica, network, standby service at 0 "
	 "tasks; RTO tens of minutes); warm-standby (the same with drStandbyTasks running; "
	 "RTO minutes). docs/infrastructure.md, Disaster recovery."},
	{"drVpcCidr", K_STRING, false, OFF(dr_vpc_cidr), 0, 0, "10.2.0.0/16", 0, cfg_check_cidr,
	 NULL,
	 "IPv4 CIDR block of the standby's VPC in drRegion (pilot-light, warm-standby); must "
	 "not overlap vpcCidr, so that the two can be peered."},
	{"drStandbyTasks", K_INT, false, OFF(dr_standby_tasks), 1, 1000, NULL, 2, NULL, NULL,
	 "Application tasks the warm standby keeps running in drRegion (one per AZ at least); "
	 "failover scales it to ecsDesiredCount."},
	{"drAlbCertificateArn", K_STRING, false, OFF(dr_alb_certificate_arn), 0, 0, NULL, 0,
	 cfg_check_acm_arn, NULL,
	 "ACM certificate in drRegion for the standby's load balancer (pilot-light, "
	 "warm-standby), covering domainName; required without hostedZoneId (with it, a "
	 "DNS-validated certificate is created). Deploy refuses a placeholder."},
	{"vpcCidr", K_STRING, true, OFF(vpc_cidr), 0, 0, NULL, 0, cfg_check_cidr, NULL,
	 "IPv4 CIDR block of the VPC; must hold 3 tiers x maxAzs subnets of /24."},
	{"maxAzs", K_INT, false, OFF(max_azs), 2, 3, NULL, 2, NULL, NULL,
	 "Availability zones the VPC spans (2 or 3)."},
	{"natGateways", K_INT, false, OFF(nat_gateways), 1, 3, NULL, 1, NULL, NULL,
	 "NAT gateways: 1 (cheaper) up to one per AZ (no single point of failure)."},
	{"interfaceEndpoints", K_BOOL, false, OFF(interface_endpoints), 0, 0, NULL, 1, NULL, NULL,
	 "Interface VPC endpoints for the AWS APIs the tasks call (ECR, Logs, Secrets "
	 "Manager, SSM, STS, X-Ray, CloudWatch); false: that traffic takes the NAT route "
	 "(about $14.60 a month less per endpoint in two AZs; docs/cost.md)."},
	{"databaseInstanceType", K_STRING, true, OFF(database_instance_type), 0, 0, NULL, 0,
	 cfg_check_db_class, NULL, "RDS instance class, e.g. t3.micro (db. prefix optional)."},
	{"databaseEngineVersion", K_STRING, false, OFF(database_engine_version), 0, 0, NULL, 0,
	 cfg_check_engine_version, NULL,
	 "PostgreSQL engine version MAJOR.MINOR, one RDS still supports by the dated "
	 "data/rds-postgres-versions.json (default: that file's default)."},
	{"databaseAllocatedStorage", K_INT, false, OFF(database_allocated_storage), 20, 65536, NULL,
	 20, NULL, NULL, "Initial storage in GiB (gp3)."},
	{"databaseMaxAllocatedStorage", K_INT, false, OFF(database_max_allocated_storage), 21,
	 65536, NULL, 100, NULL, NULL, "Upper limit of storage autoscaling in GiB."},
	{"databaseMultiAz", K_BOOL, false, OFF(database_multi_az), 0, 0, NULL, 1, NULL, NULL,
	 "Standby in a second AZ with automatic failover."},
	{"databaseBackupRetentionDays", K_INT, false, OFF(database_backup_retention_days), 1, 35,
	 NULL, 7, NULL, NULL, "Automated backup retention in days."},
	{"databaseReadReplicas", K_INT, false, OFF(database_read_replicas), 0, 5, NULL, 0, NULL,
	 NULL, "Read replicas for read scaling."},
	{"databaseDeletionProtection", K_BOOL, false, OFF(database_deletion_protection), 0, 0, NULL,
	 1, NULL, NULL, "Refuse to delete the database instance."},
	{"ecsDesiredCount", K_INT, true, OFF(ecs_desired_count), 1, 1000, NULL, 0, NULL, NULL,
	 "Application tasks running normally."},
	{"ecsMinCapacity", K_INT, false, OFF(ecs_min_capacity), 1, 1000, NULL, 0, NULL, NULL,
	 "Autoscaling minimum (default: ecsDesiredCount)."},
	{"ecsMaxCapacity", K_INT, false, OFF(ecs_max_capacity), 1, 1000, NULL, 0, NULL, NULL,
	 "Autoscaling maximum (default: 4 x ecsDesiredCount)."},
	/*
	 * The default image starts under the task's settings: NGINX's
	 * unprivileged build listens on 8080, runs as uid 101, keeps its pid and
	 * temporary files under /tmp (a volume here) and ships curl (its
	 * Dockerfile, github.com/nginxinc/docker-nginx-unprivileged).
	 */
	{"containerImage", K_STRING, false, OFF(container_image), 0, 0,
	 "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine", 0, cfg_check_image, NULL,
	 "Application container image. It runs with a read-only root file system; /tmp and "
	 "/var/cache/nginx are writable volumes."},
	{"containerUser", K_STRING, false, OFF(container_user), 0, 0, "101:101", 0,
	 cfg_check_container_user, NULL,
	 "User the application runs as, UID[:GID] (not root); the default image's nginx user."},
	{"healthCheckCommand", K_STRING, false, OFF(health_check_command), 0, 0, NULL, 0,
	 cfg_check_health_command, NULL,
	 "Shell command, run inside the container, that exits 0 when the application is "
	 "healthy (default: curl of containerPort and healthCheckPath; the image must "
	 "contain the program it runs)."},
	{"containerPort", K_INT, false, OFF(container_port), 1, 65535, NULL, 8080, NULL, NULL,
	 "Port the application listens on."},
	{"taskCpu", K_INT, false, OFF(task_cpu), 256, 16384, NULL, 256, NULL, NULL,
	 "Fargate task CPU units (256, 512, 1024, ...)."},
	{"taskMemory", K_INT, false, OFF(task_memory), 512, 122880, NULL, 512, NULL, NULL,
	 "Fargate task memory in MiB."},
	{"healthCheckPath", K_STRING, false, OFF(health_check_path), 0, 0, "/", 0, cfg_check_path,
	 NULL,
	 "HTTP path the application answers 200 on, for the load balancer's and the "
	 "container's health checks."},
	{"ec2InstanceType", K_STRING, false, OFF(ec2_instance_type), 0, 0, "t3.small", 0,
	 cfg_check_ec2_type, NULL, "Instance type of the ECS EC2 capacity."},
	{"ec2MinCapacity", K_INT, false, OFF(ec2_min_capacity), 0, 100, NULL, 1, NULL, NULL,
	 "Auto Scaling group minimum."},
	{"ec2MaxCapacity", K_INT, false, OFF(ec2_max_capacity), 1, 100, NULL, 2, NULL, NULL,
	 "Auto Scaling group maximum."},
	{"domainName", K_STRING, true, OFF(domain_name), 0, 0, NULL, 0, cfg_check_domain, NULL,
	 "Public domain name served by CloudFront."},
	{"certificateArn", K_STRING, false, OFF(certificate_arn), 0, 0, NULL, 0, cfg_check_acm_arn,
	 NULL,
	 "ACM certificate in us-east-1 for CloudFront; required without hostedZoneId (with "
	 "it, DNS-validated certificates are created). Deploy refuses a placeholder."},
	{"albCertificateArn", K_STRING, false, OFF(alb_certificate_arn), 0, 0, NULL, 0,
	 cfg_check_acm_arn, NULL,
	 "ACM certificate in the environment's region for the load balancer (default: "
	 "certificateArn, which must then be in that region)."},
	{"hostedZoneId", K_STRING, false, OFF(hosted_zone_id), 0, 0, NULL, 0, cfg_check_hosted_zone,
	 NULL,
	 "Route 53 hosted zone of domainName; when set, DNS-validated ACM certificates and "
	 "alias records are created (certificateArn and albCertificateArn are then unused)."},
	{"alarmEmail", K_STRING, true, OFF(alarm_email), 0, 0, NULL, 0, cfg_check_email, NULL,
	 "Where alarms and budget alerts are sent."},
	{"monthlyBudget", K_NUMBER, true, OFF(monthly_budget), 1, 1e7, NULL, 0, NULL, NULL,
	 "Monthly cost budget in USD."},
	{"logRetentionDays", K_INT, false, OFF(log_retention_days), 1, 3653, NULL, 90, NULL, NULL,
	 "Retention of every CloudWatch log group, in days (a value CloudWatch accepts)."},
	{"cloudFrontPriceClass", K_STRING, false, OFF(cloudfront_price_class), 0, 0,
	 "PriceClass_100", 0, NULL, price_classes, "CloudFront price class."},
	{"owner", K_STRING, true, OFF(owner), 0, 0, NULL, 0, cfg_check_tag_text, NULL,
	 "Owner tag."},
	{"costCenter", K_STRING, true, OFF(cost_center), 0, 0, NULL, 0, cfg_check_tag_text, NULL,
	 "CostCenter tag."},
	{"project", K_STRING, false, OFF(project), 0, 0, "SoleMate", 0, cfg_check_tag_text, NULL,
	 "Project tag."},
};

static const struct key_def usage_keys[] = {
	{"requestsPerMonth", K_NUMBER, false, UOFF(requests_per_month), 0, 1e13, NULL, 30e6, NULL,
	 NULL, "HTTP requests a month reaching the load balancer."},
	{"cdnGbPerMonth", K_NUMBER, false, UOFF(cdn_gb_per_month), 0, 1e9, NULL, 500, NULL, NULL,
	 "GB a month served by CloudFront."},
	{"cdnRequestsPerMonth", K_NUMBER, false, UOFF(cdn_requests_per_month), 0, 1e13, NULL, 50e6,
	 NULL, NULL, "Requests a month to CloudFront."},
	{"cdnCacheHitRatio", K_NUMBER, false, UOFF(cdn_cache_hit_ratio), 0, 1, NULL, 0.9, NULL,
	 NULL,
	 "Share of CloudFront requests answered from its edge caches (the cache hit ratio): the "
	 "rest reach the origins (S3 GET requests in the estimate; the latency section of the "
	 "report). Source: an assumption for static assets under the managed CachingOptimized "
	 "policy; CloudFront's cache statistics report measures it "
	 "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
	 "ConfiguringCaching.html)."},
	{"natGbPerMonth", K_NUMBER, false, UOFF(nat_gb_per_month), 0, 1e9, NULL, 50, NULL, NULL,
	 "GB a month through the NAT gateways."},
	{"logGbPerMonth", K_NUMBER, false, UOFF(log_gb_per_month), 0, 1e9, NULL, 20, NULL, NULL,
	 "GB of logs ingested a month."},
	{"s3StorageGb", K_NUMBER, false, UOFF(s3_storage_gb), 0, 1e9, NULL, 50, NULL, NULL,
	 "GB stored in S3."},
	{"dbBackupGb", K_NUMBER, false, UOFF(db_backup_gb), 0, 1e9, NULL, 0, NULL, NULL,
	 "Backup storage beyond the free allowance, GB."},
	{"endpointGbPerMonth", K_NUMBER, false, UOFF(endpoint_gb_per_month), 0, 1e9, NULL, 20, NULL,
	 NULL, "GB a month through interface endpoints."},
	{"configItemsPerMonth", K_NUMBER, false, UOFF(config_items_per_month), 0, 1e12, NULL, 2000,
	 NULL, NULL, "AWS Config configuration items recorded a month."},
	{"xrayTracesPerMonth", K_NUMBER, false, UOFF(xray_traces_per_month), 0, 1e13, NULL, 1e6,
	 NULL, NULL, "X-Ray traces recorded a month."},
	{"rpsPerTask", K_NUMBER, false, UOFF(rps_per_task), 1, 1e6, NULL, 100, NULL, NULL,
	 "Capacity model: requests a second one task serves within 200 ms. Source: an "
	 "assumption for the 0.25 vCPU task (docs/cost.md, Capacity); replace it with a load "
	 "test's measured figure."},
	{"dbConnectionsPerTask", K_NUMBER, false, UOFF(db_connections_per_task), 1, 10000, NULL, 10,
	 NULL, NULL,
	 "Capacity model: database connections each task's pool holds. Source: the "
	 "application's pool size (docs/cost.md, Capacity)."},
	{"dbReplicaConnectionsPerTask", K_NUMBER, false, UOFF(db_replica_connections_per_task), 0,
	 10000, NULL, 0, NULL, NULL,
	 "Capacity model: connections each task's read pool holds, spread over the read replicas "
	 "in the primary's region (reads sent to the replicas); 0: every query goes to the "
	 "writer. Source: the application's read pool size (docs/cost.md, Capacity)."},
	{"thinkTimeSeconds", K_NUMBER, false, UOFF(think_time_seconds), 0.1, 3600, NULL, 10, NULL,
	 NULL,
	 "Capacity model: seconds between two requests of one user (Little's law: users = "
	 "req/s x think time). Source: an assumption for browsing (docs/cost.md, Capacity)."},
	{"targetConcurrentUsers", K_NUMBER, false, UOFF(target_concurrent_users), 1, 1e9, NULL,
	 50000, NULL, NULL,
	 "Capacity model: concurrent users the design must carry. Source: the PRD's "
	 "success metrics (50,000)."},
	{"outagesPerMonth", K_NUMBER, false, UOFF(outages_per_month), 0, 1000, NULL, 1, NULL, NULL,
	 "Availability model: outages a month the SLAs' monthly allowance comes in; each costs the "
	 "failover time before the second path serves. Source: an assumption (1: the allowance as "
	 "one outage; raise it to be pessimistic; docs/cost.md, Availability)."},
	{"failoverDetectionMinutes", K_NUMBER, false, UOFF(failover_detection_minutes), 0, 10000,
	 NULL, 15, NULL, NULL,
	 "Availability model: minutes from an outage to the decision to fail over when no Route 53 "
	 "health check does it (no hostedZoneId): the alarm's evaluation and the operator's "
	 "response. Source: an assumption for an on-call rota (docs/cost.md, Availability)."},
	{"replicaPromotionMinutes", K_NUMBER, false, UOFF(replica_promotion_minutes), 0, 10000,
	 NULL, 5, NULL, NULL,
	 "Availability model: minutes RDS takes to promote the cross-region replica to a writer. "
	 "Source: an assumption for 'a few minutes' (RDS user guide, promoting a read replica; "
	 "docs/cost.md, Availability)."},
	{"standbyScaleMinutes", K_NUMBER, false, UOFF(standby_scale_minutes), 0, 10000, NULL, 5,
	 NULL, NULL,
	 "Availability model: minutes the pilot-light service takes from 0 tasks to serving "
	 "(Fargate task start, target registration, health checks). Source: an assumption "
	 "(docs/cost.md, Availability)."},
	{"restoreMinutes", K_NUMBER, false, UOFF(restore_minutes), 0, 100000, NULL, 240, NULL, NULL,
	 "Availability model: minutes to restore the database from the replicated backups and "
	 "deploy the stacks in drRegion (backup-restore). Source: an assumption, hours "
	 "(docs/cost.md, Availability)."},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define NUSAGE (sizeof(usage_keys) / sizeof(usage_keys[0]))

static const struct key_table usage_table = {usage_keys, NUSAGE, "schema.json", NULL};
static const struct key_table env_table = {keys, NKEYS, "schema.json", &usage_table};

bool cfg_is_env_key(const char *name, size_t len)
{
	if ((len == 5 && !strncmp(name, "usage", 5)) ||
	    (len == 11 && !strncmp(name, "acceptances", 11)))
		return true;
	for (size_t k = 0; k < NKEYS; k++)
		if (strlen(keys[k].name) == len && !strncmp(keys[k].name, name, len))
			return true;
	return false;
}
/* Checks that relate several keys. */
static bool cidrs_overlap(const char *a, const char *b)
{
	uint32_t x, y;
	int px, py;
	if (cidr_parse(a, &x, &px) < 0 || cidr_parse(b, &y, &py) < 0)
		return false;
	int p = px < py ? px : py;
	uint32_t mask = p ? 0xffffffffu << (32 - p) : 0;
	return (x & mask) == (y & mask);
}

/*
 * The disaster-recovery keys: a readiness needs a second region (us-west-2
 * unless drRegion says otherwise), distinct from the primary; the standby
 * needs a certificate in its region and a VPC that does not overlap the
 * primary's.
 */
static void check_dr(struct cfg_ctx *c, struct env_config *cfg)
{
	if (dr_readiness_parse(cfg->dr_readiness_name, &cfg->dr_readiness) < 0)
		return; /* refused by the key's list of values already */
	if (cfg->dr_readiness != DR_NONE && !cfg->dr_region)
		cfg->dr_region = xstrdup("us-west-2");
	if (cfg->dr_region && cfg->region && !strcmp(cfg->dr_region, cfg->region)) {
		struct diag *d = cfg_error_at(c, "drRegion",
					      "drRegion must differ from region (%s)", cfg->region);
		diag_set_hint(d, "a disaster-recovery copy in the same region shares its fate; "
				 "use another region, e.g. us-west-2");
	}
	if (cfg->dr_readiness >= DR_PILOT_LIGHT && !cfg->hosted_zone_id &&
	    !cfg->dr_alb_certificate_arn) {
		struct diag *d =
			cfg_error_at(c, "drReadiness",
				     "drReadiness %s needs a certificate for the standby's "
				     "load balancer in %s: set drAlbCertificateArn (or "
				     "hostedZoneId)",
				     cfg->dr_readiness_name, cfg->dr_region);
		diag_set_hint(d,
			      "an ACM certificate serves in its own region only; request one "
			      "for domainName in %s",
			      cfg->dr_region);
	}
	if (cfg->dr_alb_certificate_arn && cfg->dr_region) {
		char *needle = xstrfmt(":acm:%s:", cfg->dr_region);
		if (!strstr(cfg->dr_alb_certificate_arn, needle))
			cfg_error_at(c, "drAlbCertificateArn", "drAlbCertificateArn must be in %s",
				     cfg->dr_region);
		free(needle);
	}
	if (cfg->dr_readiness >= DR_PILOT_LIGHT && cfg->vpc_cidr && cfg->dr_vpc_cidr &&
	    cidrs_overlap(cfg->vpc_cidr, cfg->dr_vpc_cidr)) {
		struct diag *d = cfg_error_at(c, "drVpcCidr", "drVpcCidr %s overlaps vpcCidr %s",
					      cfg->dr_vpc_cidr, cfg->vpc_cidr);
		diag_set_hint(d, "give the standby's VPC a block of its own, e.g. 10.2.0.0/16");
	}
}

static void cross_checks(struct cfg_ctx *c, struct env_config *cfg)
{
	cfg_check_engine_support(c, cfg);
	if (cfg->nat_gateways > cfg->max_azs)
		cfg_error_at(c, "natGateways", "natGateways is %d but the VPC spans %d AZs",
			     cfg->nat_gateways, cfg->max_azs);
	if (cfg->vpc_cidr) {
		uint32_t addr;
		int prefix;
		if (cidr_parse(cfg->vpc_cidr, &addr, &prefix) == 0) {
			int subnets = 3 * cfg->max_azs, bits = 0;
			while ((1 << bits) < subnets)
				bits++;
			if (prefix + bits > 24) {
				struct diag *d = cfg_error_at(
					c, "vpcCidr",
					"VPC CIDR '%s' is too small: %d subnets of /24 (3 "
					"tiers x %d "
					"AZs) need a /%d or larger",
					cfg->vpc_cidr, subnets, cfg->max_azs, 24 - bits);
				diag_set_hint(d, "use a /16 such as 10.0.0.0/16");
			}
		}
	}
	if (!cfg->ecs_min_capacity)
		cfg->ecs_min_capacity = cfg->ecs_desired_count;
	if (!cfg->ecs_max_capacity)
		cfg->ecs_max_capacity = 4 * cfg->ecs_desired_count;
	if (cfg->ecs_desired_count && (cfg->ecs_min_capacity > cfg->ecs_desired_count ||
				       cfg->ecs_max_capacity < cfg->ecs_desired_count))
		cfg_error_at(
			c, "ecsDesiredCount",
			"ecsDesiredCount %d is outside ecsMinCapacity..ecsMaxCapacity (%d..%d)",
			cfg->ecs_desired_count, cfg->ecs_min_capacity, cfg->ecs_max_capacity);
	if (cfg->ec2_min_capacity > cfg->ec2_max_capacity)
		cfg_error_at(c, "ec2MinCapacity", "ec2MinCapacity %d is above ec2MaxCapacity %d",
			     cfg->ec2_min_capacity, cfg->ec2_max_capacity);
	if (cfg->database_max_allocated_storage <= cfg->database_allocated_storage)
		cfg_error_at(
			c, "databaseMaxAllocatedStorage",
			"databaseMaxAllocatedStorage (%d) must be above databaseAllocatedStorage "
			"(%d)",
			cfg->database_max_allocated_storage, cfg->database_allocated_storage);
	/* Fargate's valid CPU/memory pairs (AWS ECS developer guide, task size). */
	int cpu = cfg->task_cpu, mem = cfg->task_memory;
	bool fargate_ok = (cpu == 256 && (mem == 512 || mem == 1024 || mem == 2048)) ||
			  (cpu == 512 && mem >= 1024 && mem <= 4096 && mem % 1024 == 0) ||
			  (cpu == 1024 && mem >= 2048 && mem <= 8192 && mem % 1024 == 0) ||
			  (cpu == 2048 && mem >= 4096 && mem <= 16384 && mem % 1024 == 0) ||
			  (cpu == 4096 && mem >= 8192 && mem <= 30720 && mem % 1024 == 0) ||
			  (cpu == 8192 && mem >= 16384 && mem <= 61440 && mem % 4096 == 0) ||
			  (cpu == 16384 && mem >= 32768 && mem <= 122880 && mem % 8192 == 0);
	if (!fargate_ok) {
		struct diag *d = cfg_error_at(
			c, "taskMemory", "Fargate has no task size of %d CPU units with %d MiB",
			cpu, mem);
		diag_set_hint(d, "256 CPU takes 512, 1024 or 2048 MiB; 512 CPU 1-4 GiB; 1024 CPU "
				 "2-8 GiB");
	}
	cfg_check_retention(c, cfg->log_retention_days);
	check_dr(c, cfg);
	if (cfg->account && cfg->account_id && strcmp(cfg->account, cfg->account_id))
		cfg_error_at(c, "account", "account %s differs from accountId %s", cfg->account,
			     cfg->account_id);
	if (cfg->cloudformation_role_arn && cfg->account_id &&
	    !strstr(cfg->cloudformation_role_arn, cfg->account_id)) {
		struct diag *d =
			cfg_error_at(c, "cloudFormationRoleArn",
				     "the role is not in account %s (accountId)", cfg->account_id);
		diag_set_hint(d, "CloudFormation's service role must be in the stacks' account");
	}
	if (!cfg->hosted_zone_id && !cfg->certificate_arn) {
		struct diag *d = cfg_error_at(c, "certificateArn",
					      "missing required key 'certificateArn' (there is no "
					      "hostedZoneId to validate certificates of our own)");
		diag_set_hint(d, "set certificateArn to an ACM certificate in us-east-1, or "
				 "hostedZoneId to the Route 53 zone of domainName");
	}
	if (!cfg->hosted_zone_id && cfg->region && cfg->certificate_arn &&
	    !cfg->alb_certificate_arn && !strstr(cfg->certificate_arn, cfg->region)) {
		struct diag *d =
			cfg_error_at(c, "certificateArn",
				     "the load balancer in %s cannot use a certificate from "
				     "another region",
				     cfg->region);
		diag_set_hint(d, "set albCertificateArn to a certificate in %s", cfg->region);
	}
	if (!cfg->hosted_zone_id && cfg->alb_certificate_arn && cfg->region) {
		char *needle = xstrfmt(":acm:%s:", cfg->region);
		if (!strstr(cfg->alb_certificate_arn, needle))
			cfg_error_at(c, "albCertificateArn", "albCertificateArn must be in %s",
				     cfg->region);
		free(needle);
	}
}

static void derive(struct env_config *cfg)
{
	const char *t = cfg->database_instance_type;
	cfg->database_instance_class = !strncmp(t, "db.", 3) ? xstrdup(t) : xstrfmt("db.%s", t);
	cfg->protect_data = cfg->database_deletion_protection;
	cfg->stack_prefix = cfg_stack_prefix_of(cfg->environment);
}

int env_config_parse_with(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct env_config *cfg, struct diag_list *dl)
{
	struct cfg_ctx c = {
		.file = file, .text = text, .len = len, .dl = dl, .sets = sets, .set_nr = set_nr};
	json_t *root;

	memset(cfg, 0, sizeof(*cfg));
	root = cfg_load_root(file, text, len, sets, set_nr, dl);
	if (!root)
		return -1;
	cfg->file = xstrdup(file);
	/* usage has defaults even when the file has no "usage" object */
	for (size_t i = 0; i < NUSAGE; i++)
		cfg_set_default(&usage_keys[i], cfg);
	/* not a key of the table: a list of objects, read by acceptances.c */
	json_t *acceptances = json_object_get(root, "acceptances");
	if (acceptances) {
		json_incref(acceptances);
		json_object_del(root, "acceptances");
		cfg_load_acceptances(&c, acceptances, cfg);
		json_decref(acceptances);
	}
	cfg_load_object(&c, root, &env_table, cfg, NULL);
	if (!c.errors)
		cross_checks(&c, cfg);
	jio_posmap_free(c.pos);
	json_decref(root);
	if (c.errors) {
		env_config_release(cfg);
		return -1;
	}
	derive(cfg);
	return 0;
}

int env_config_parse(const char *file, const char *text, size_t len, struct env_config *cfg,
		     struct diag_list *dl)
{
	return env_config_parse_with(file, text, len, NULL, 0, cfg, dl);
}

int env_config_load_with(const char *path, const char *const *sets, size_t set_nr,
			 struct env_config *cfg, struct diag_list *dl)
{
	size_t len;
	char *text = fs_read_file(path, &len, dl);
	memset(cfg, 0, sizeof(*cfg));
	if (!text)
		return -1;
	int r = env_config_parse_with(path, text, len, sets, set_nr, cfg, dl);
	free(text);
	return r;
}

int env_config_load(const char *path, struct env_config *cfg, struct diag_list *dl)
{
	return env_config_load_with(path, NULL, 0, cfg, dl);
}

void env_config_release(struct env_config *cfg)
{
	cfg_release_strings(keys, NKEYS, cfg);
	cfg_release_acceptances(cfg);
	free(cfg->file);
	free(cfg->database_instance_class);
	free(cfg->stack_prefix);
	memset(cfg, 0, sizeof(*cfg));
}

json_t *env_config_json_schema(void)
{
	json_t *required = json_array();
	json_t *props = cfg_schema_props(keys, NKEYS, required);
	json_object_set_new(props, "$schema", json_pack("{ss}", "type", "string"));
	json_object_set_new(props, "usage",
			    json_pack("{ss ss so sb}", "type", "object", "description",
				      "Usage and capacity assumptions for cost and capacity "
				      "estimates (documented defaults).",
				      "properties", cfg_schema_props(usage_keys, NUSAGE, NULL),
				      "additionalProperties", 0));
	json_object_set_new(props, "acceptances", cfg_acceptances_schema());
	return cfg_schema_document("https://solemate.dev/config.schema.json",
				   "solemate environment configuration", props, required);
}

/* ---- deployable? ---- */

/* ACM certificate IDs are UUIDs (ACM API, CertificateArn / RequestCertificate) */
static bool acm_arn_is_real(const char *arn)
{
	const char *id = strstr(arn, ":certificate/");
	if (!id)
		return false;
	id += strlen(":certificate/");
	static const int groups[] = {8, 4, 4, 4, 12};
	for (size_t g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, id++)
			if (!isdigit((unsigned char)*id) && !(*id >= 'a' && *id <= 'f'))
				return false;
		if (*id != (g < 4 ? '-' : '\0'))
			return false;
		id++;
	}
	return true;
}

static void placeholder_error(const struct env_config *cfg, const char *key, const char *arn,
			      const char *region, struct diag_list *dl)
{
	int line = 0, col = 0;
	size_t len;
	struct diag_list quiet = DIAG_LIST_INIT;
	char *text = fs_read_file(cfg->file, &len, &quiet);
	if (text) {
		struct jio_posmap *pm = jio_posmap_build(text, len);
		jio_posmap_lookup(pm, key, &line, &col);
		jio_posmap_free(pm);
	}
	free(text);
	diag_list_release(&quiet);
	struct diag *d = diag_add(dl, DIAG_ERROR, cfg->file, line, col, key,
				  "'%s' is not the ARN of a certificate ACM issued (its ID is not "
				  "a UUID): a placeholder cannot reach CloudFormation",
				  arn);
	diag_set_hint(d,
		      "request or import the certificate in %s (aws acm request-certificate "
		      "--region %s --domain-name %s --validation-method DNS) and put its ARN "
		      "here, or set hostedZoneId to have DNS-validated certificates created",
		      region, region, cfg->domain_name);
}

int env_config_check_deployable(const struct env_config *cfg, struct diag_list *dl)
{
	int errors = 0;
	if (cfg->hosted_zone_id) /* the certificates are created and validated through it */
		return 0;
	if (cfg->certificate_arn && !acm_arn_is_real(cfg->certificate_arn)) {
		placeholder_error(cfg, "certificateArn", cfg->certificate_arn, "us-east-1", dl);
		errors++;
	}
	if (cfg->alb_certificate_arn && !acm_arn_is_real(cfg->alb_certificate_arn)) {
		placeholder_error(cfg, "albCertificateArn", cfg->alb_certificate_arn, cfg->region,
				  dl);
		errors++;
	}
	if (cfg->dr_readiness >= DR_PILOT_LIGHT && cfg->dr_alb_certificate_arn &&
	    !acm_arn_is_real(cfg->dr_alb_certificate_arn)) {
		placeholder_error(cfg, "drAlbCertificateArn", cfg->dr_alb_certificate_arn,
				  cfg->dr_region, dl);
		errors++;
	}
	return errors ? -1 : 0;
}
