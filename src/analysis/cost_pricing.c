/*
 * One pricing function per priced CloudFormation type; docs/cost.md lists
 * every rule and assumption used here: keep the two in step.
 */
#include "analysis/cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost_int.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* ---- networking -------------------------------------------------------- */

static void price_nat(struct est *e, const char *id, const char *type, const json_t *p)
{
	double hour = cost_price(e, "natGateway", "hour", NULL),
	       gb = cost_price(e, "natGateway", "gb", NULL);
	cost_add_line(e, id, type, "NAT gateway hours", H, "h", hour);
	/* without interface endpoints, their AWS API traffic takes the NAT route */
	double endpoint_gb = e->n.interface_endpoints ? 0 : e->u.endpoint_gb_per_month;
	double share = (e->u.nat_gb_per_month + endpoint_gb) / (e->n.nat ? e->n.nat : 1);
	struct cost_line *l = cost_add_line(e, id, type, "NAT data processed", share, "GB", gb);
	if (endpoint_gb > 0)
		line_note(l,
			  "usage.natGbPerMonth %g GB + usage.endpointGbPerMonth %g GB (no "
			  "interface endpoints) split over %d NAT gateway%s",
			  e->u.nat_gb_per_month, endpoint_gb, e->n.nat, e->n.nat == 1 ? "" : "s");
	else
		line_note(l, "usage.natGbPerMonth %g GB split over %d NAT gateway%s",
			  e->u.nat_gb_per_month, e->n.nat, e->n.nat == 1 ? "" : "s");
	(void)p;
}

static void price_eip(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l = cost_add_line(e, id, type, "public IPv4 address hours", H, "h",
					    cost_price(e, "publicIpv4", "hour", NULL));
	line_note(l, "every public IPv4 address is billed since February 2024");
	(void)p;
}

static void price_endpoint(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *kind = prop_str(p, "VpcEndpointType");
	if (!kind || strcmp(kind, "Interface")) {
		struct cost_line *l =
			cost_add_line(e, id, type, "gateway endpoint", 1, "endpoint", 0);
		line_note(l, "gateway endpoints (S3, DynamoDB) have no charge");
		return;
	}
	size_t azs = array_size(json_object_get(p, "SubnetIds"));
	if (!azs)
		azs = 1;
	struct cost_line *l =
		cost_add_line(e, id, type, "interface endpoint AZ hours", H * (double)azs, "h",
			      cost_price(e, "vpcEndpoint", "interfaceAzHour", NULL));
	line_formula(l, "730 h x %zu AZ%s x $%g/h", azs, azs == 1 ? "" : "s", l->unit_price);
	double share = e->u.endpoint_gb_per_month /
		       (e->n.interface_endpoints ? e->n.interface_endpoints : 1);
	l = cost_add_line(e, id, type, "interface endpoint data processed", share, "GB",
			  cost_price(e, "vpcEndpoint", "gb", NULL));
	line_note(l, "usage.endpointGbPerMonth %g GB split over %d interface endpoints",
		  e->u.endpoint_gb_per_month, e->n.interface_endpoints);
}

static void price_load_balancer(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *kind = prop_str(p, "Type");
	bool network = kind && !strcmp(kind, "network");
	const char *svc = network ? "networkLoadBalancer" : "applicationLoadBalancer";
	cost_add_line(e, id, type, network ? "NLB hours" : "ALB hours", H, "h",
		      cost_price(e, svc, "hour", NULL));
	double rps = e->u.requests_per_month / (e->n.albs ? e->n.albs : 1) / SECONDS_PER_MONTH;
	double lcu = rps / ALB_NEW_CONNECTIONS_PER_LCU;
	struct cost_line *l =
		cost_add_line(e, id, type, network ? "NLCU hours" : "LCU hours", lcu * H, "LCU-h",
			      cost_price(e, svc, network ? "nlcuHour" : "lcuHour", NULL));
	line_formula(l, "%.3g req/s / %g new connections per LCU x 730 h x $%g/LCU-h", rps,
		     ALB_NEW_CONNECTIONS_PER_LCU, l->unit_price);
	line_note(l, "usage.requestsPerMonth %g; one new connection per request (an upper bound)",
		  e->u.requests_per_month);
	const char *scheme = prop_str(p, "Scheme");
	if (!scheme || strcmp(scheme, "internal")) {
		size_t ips = array_size(json_object_get(p, "Subnets"));
		if (!ips)
			ips = array_size(json_object_get(p, "SubnetMappings"));
		if (!ips)
			ips = 2; /* a load balancer spans at least two AZs */
		l = cost_add_line(e, id, type, "public IPv4 address hours", H * (double)ips, "h",
				  cost_price(e, "publicIpv4", "hour", NULL));
		line_formula(l, "730 h x %zu addresses (one per AZ) x $%g/h", ips, l->unit_price);
	}
}

/* ---- compute ----------------------------------------------------------- */

/*
 * Fargate CPU as units ("256") or vCPU ("0.25 vCPU"), memory as MiB or
 * "0.5 GB": units / 1024, or the number before `unit` (0 when none), or
 * `fallback` when the value is neither.
 */
static double fargate_amount(const json_t *v, const char *unit, double fallback)
{
	double d;
	if (cost_jnum(v, &d))
		return d / 1024.0;
	const char *s = json_string_value(v);
	return s && strstr(s, unit) ? strtod(s, NULL) : fallback;
}

static double fargate_vcpu(const json_t *v)
{
	return fargate_amount(v, "vCPU", 0.25);
}

static double fargate_gb(const json_t *v)
{
	return fargate_amount(v, "GB", 0.5);
}

static bool service_on_fargate(const json_t *p)
{
	const char *lt = prop_str(p, "LaunchType");
	if (lt)
		return !strcmp(lt, "FARGATE");
	const json_t *cps = json_object_get(p, "CapacityProviderStrategy");
	size_t i;
	const json_t *s;
	json_array_foreach (cps, i, s) {
		const char *name = prop_str(s, "CapacityProvider");
		if (name && !strncmp(name, "FARGATE", 7))
			return true;
	}
	/* no launch type and no strategy: the cluster default, Fargate for our app */
	return !json_is_array(cps);
}

static void price_ecs_service(struct est *e, const char *id, const char *type, const json_t *p)
{
	if (!service_on_fargate(p))
		return; /* EC2 launch type: the instances are priced with their group */
	double count = prop_num(p, "DesiredCount", 1);
	const json_t *td = referred_props(e, json_object_get(p, "TaskDefinition"));
	double vcpu = fargate_vcpu(json_object_get(td, "Cpu"));
	double gb = fargate_gb(json_object_get(td, "Memory"));
	const char *arch = prop_str(json_object_get(td, "RuntimePlatform"), "CpuArchitecture");
	bool arm = arch && !strcmp(arch, "ARM64");
	struct cost_line *l =
		cost_add_line(e, id, type, "Fargate vCPU hours", count * vcpu * H, "vCPU-h",
			      cost_price(e, "fargate", arm ? "vcpuHourArm" : "vcpuHour", NULL));
	line_formula(l, "%g tasks x %g vCPU x 730 h x $%g/vCPU-h", count, vcpu, l->unit_price);
	line_note(l, "DesiredCount %g%s; autoscaling above it adds to this", count,
		  td ? "" : ", task size unknown (defaults 0.25 vCPU, 0.5 GB)");
	l = cost_add_line(e, id, type, "Fargate memory GB hours", count * gb * H, "GB-h",
			  cost_price(e, "fargate", arm ? "gbHourArm" : "gbHour", NULL));
	line_formula(l, "%g tasks x %g GB x 730 h x $%g/GB-h", count, gb, l->unit_price);
}

static void price_ebs(struct est *e, const char *id, const char *type, double count,
		      const json_t *mappings)
{
	size_t i;
	const json_t *m;
	json_array_foreach (mappings, i, m) {
		const json_t *ebs = json_object_get(m, "Ebs");
		if (!ebs)
			continue;
		double size = prop_num(ebs, "VolumeSize", 8);
		const char *vt = prop_str(ebs, "VolumeType");
		char key[32];
		snprintf(key, sizeof(key), "%sGbMonth", vt ? vt : "gp3");
		struct cost_line *l = cost_add_line(e, id, type, "EBS storage", size * count,
						    "GB-month", cost_price(e, "ebs", key, NULL));
		line_formula(l, "%g instance%s x %g GB %s x $%g/GB-month", count,
			     count == 1 ? "" : "s", size, vt ? vt : "gp3", l->unit_price);
	}
}

static void price_instances(struct est *e, const char *id, const char *type, double count,
			    const char *itype, const json_t *mappings, const char *count_from)
{
	if (!itype) {
		struct cost_line *l = cost_add_line(e, id, type, "EC2 instance hours", 0, "h", 0);
		line_note(l, "instance type not stated in the template: not estimated");
		return;
	}
	struct cost_line *l = cost_add_line(e, id, type, "EC2 instance hours", count * H, "h",
					    cost_price(e, "ec2", itype, NULL));
	line_formula(l, "%g x %s x 730 h x $%g/h", count, itype, l->unit_price);
	if (count_from)
		line_note(l, "%s of the group (%g)", count_from, count);
	price_ebs(e, id, type, count, mappings);
}

static void price_asg(struct est *e, const char *id, const char *type, const json_t *p)
{
	bool desired = json_object_get(p, "DesiredCapacity") != NULL;
	double count = prop_num(p, "DesiredCapacity", prop_num(p, "MinSize", 0));
	const json_t *data = json_object_get(
		referred_props(e, json_object_get(json_object_get(p, "LaunchTemplate"),
						  "LaunchTemplateId")),
		"LaunchTemplateData");
	price_instances(e, id, type, count, prop_str(data, "InstanceType"),
			json_object_get(data, "BlockDeviceMappings"),
			desired ? "DesiredCapacity" : "MinSize");
}

static void price_instance(struct est *e, const char *id, const char *type, const json_t *p)
{
	price_instances(e, id, type, 1, prop_str(p, "InstanceType"),
			json_object_get(p, "BlockDeviceMappings"), NULL);
}

static void price_volume(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *vt = prop_str(p, "VolumeType");
	char key[32];
	snprintf(key, sizeof(key), "%sGbMonth", vt ? vt : "gp2");
	cost_add_line(e, id, type, "EBS storage", prop_num(p, "Size", 0), "GB-month",
		      cost_price(e, "ebs", key, NULL));
}

/* ---- database ---------------------------------------------------------- */

static bool find_primary_db(void *ctx, const struct sm_template *t, const char *id,
			    const char *type, const json_t *p)
{
	(void)t;
	(void)id;
	if (strcmp(type, "AWS::RDS::DBInstance") ||
	    json_object_get(p, "SourceDBInstanceIdentifier"))
		return false;
	*(const json_t **)ctx = p;
	return true;
}

static void price_rds(struct est *e, const char *id, const char *type, const json_t *p)
{
	bool replica = json_object_get(p, "SourceDBInstanceIdentifier") != NULL;
	const json_t *src = referred_props(e, json_object_get(p, "SourceDBInstanceIdentifier"));
	/*
	 * A source in another region (a cross-region replica names it by ARN,
	 * here a parameter) is the assembly's primary instance, when it has one
	 */
	if (replica && !src)
		cost_each_resource(e->a, find_primary_db, &src);
	const json_t *base = src ? src : p; /* a replica's storage is its source's */
	const char *engine =
		prop_str(p, "Engine") ? prop_str(p, "Engine") : prop_str(base, "Engine");
	const char *cls = prop_str(p, "DBInstanceClass") ? prop_str(p, "DBInstanceClass")
							 : prop_str(base, "DBInstanceClass");
	bool maz = prop_bool(p, "MultiAZ", false);
	double copies = maz ? 2 : 1;
	const char *role = replica ? "read replica" : maz ? "Multi-AZ" : "Single-AZ";

	if (!engine || strcmp(engine, "postgres")) {
		diag_add(e->dl, DIAG_WARNING, e->t->file, 0, 0, id,
			 "engine '%s' of %s is not priced (only postgres)", engine ? engine : "?",
			 id);
		return;
	}
	if (!cls) {
		diag_add(e->dl, DIAG_WARNING, e->t->file, 0, 0, id, "%s has no DBInstanceClass",
			 id);
		return;
	}
	struct cost_line *l = cost_add_line(e, id, type, "DB instance hours", copies * H, "h",
					    cost_price(e, "rds", "postgres", cls));
	line_formula(l, "730 h x %g (%s) x %s $%g/h", copies, role, cls, l->unit_price);

	double gb = prop_num(base, "AllocatedStorage", 20);
	const char *st = prop_str(base, "StorageType") ? prop_str(base, "StorageType") : "gp2";
	l = cost_add_line(e, id, type, "DB storage", gb * copies, "GB-month",
			  cost_price(e, "rds", "storageGbMonth", st));
	line_formula(l, "%g GB %s x %g (%s) x $%g/GB-month", gb, st, copies, role, l->unit_price);
	double iops = prop_num(base, "Iops", 0);
	if (iops > 0 && strncmp(st, "io", 2) == 0)
		cost_add_line(e, id, type, "DB provisioned IOPS", iops * copies, "IOPS-month",
			      cost_price(e, "rds", "provisionedIopsMonth", NULL));
	if (prop_bool(p, "EnablePerformanceInsights", false)) {
		double days = prop_num(p, "PerformanceInsightsRetentionPeriod", 7);
		double free_days = cost_price(e, "rds", "performanceInsightsFreeDays", NULL);
		const json_t *c = json_object_get(
			json_object_get(json_object_get(e->pb ? e->pb->doc : NULL, "rds"),
					"postgres"),
			cls);
		double vcpu = prop_num(c, "vcpu", 2);
		if (days <= free_days) {
			l = cost_add_line(e, id, type, "Performance Insights", 0, "vCPU-h", 0);
			line_note(l, "%g days of retention: within the free tier", days);
		} else {
			l = cost_add_line(e, id, type, "Performance Insights (Database Insights)",
					  vcpu * H, "vCPU-h",
					  cost_price(e, "rds", "databaseInsightsVcpuHour", NULL));
			line_formula(l, "%g vCPU x 730 h x $%g/vCPU-h (retention %g days)", vcpu,
				     l->unit_price, days);
		}
	}
	if (replica)
		return;
	l = cost_add_line(e, id, type, "backup storage beyond the free allowance",
			  e->u.db_backup_gb, "GB-month",
			  cost_price(e, "rds", "backupGbMonth", NULL));
	line_note(l, "usage.dbBackupGb; automated backups up to the DB's storage are free");
	if (prop_bool(p, "ManageMasterUserPassword", false)) {
		l = cost_add_line(e, id, type, "managed master user secret", 1, "secret-month",
				  cost_price(e, "secretsManager", "secretMonth", NULL));
		line_note(l, "ManageMasterUserPassword keeps the password in Secrets Manager");
	}
}

static bool add_primary_storage(void *ctx, const struct sm_template *t, const char *id,
				const char *type, const json_t *p)
{
	if (!strcmp(type, "AWS::RDS::DBInstance") &&
	    !json_object_get(p, "SourceDBInstanceIdentifier"))
		*(double *)ctx += prop_num(p, "AllocatedStorage", 20);
	(void)t;
	(void)id;
	return false;
}

static void price_backup_plan(struct est *e, const char *id, const char *type, const json_t *p)
{
	/* one full snapshot of every primary DB instance of the environment */
	double gb = 0;
	cost_each_resource(e->a, add_primary_storage, &gb);
	struct cost_line *l =
		cost_add_line(e, id, type, "backup vault storage (RDS snapshots)", gb, "GB-month",
			      cost_price(e, "backup", "rdsSnapshotGbMonth", NULL));
	line_note(l, "one full snapshot of each primary DB instance's allocated storage; daily "
		     "incrementals assumed small");
	(void)p;
}

/* ---- storage and edge -------------------------------------------------- */

static void price_bucket(struct est *e, const char *id, const char *type, const json_t *p)
{
	double share = e->u.s3_storage_gb / (e->n.buckets ? e->n.buckets : 1);
	struct cost_line *l = cost_add_line(e, id, type, "S3 Standard storage", share, "GB-month",
					    cost_price(e, "s3", "standardGbMonth", NULL));
	line_note(l, "usage.s3StorageGb %g GB split over %d buckets", e->u.s3_storage_gb,
		  e->n.buckets);
	if (cost_is_cdn_origin(e, id)) {
		double miss = 1.0 - e->u.cdn_cache_hit_ratio;
		double gets = e->u.cdn_requests_per_month * miss /
			      (e->n.distributions ? e->n.distributions : 1) / 1000.0;
		l = cost_add_line(e, id, type, "S3 GET requests (CloudFront misses)", gets,
				  "1k requests", cost_price(e, "s3", "getPer1000", NULL));
		line_note(l, "usage.cdnRequestsPerMonth x (1 - usage.cdnCacheHitRatio %g)",
			  e->u.cdn_cache_hit_ratio);
	}
	(void)p;
}

static void price_distribution(struct est *e, const char *id, const char *type, const json_t *p)
{
	const json_t *dc = json_object_get(p, "DistributionConfig");
	int n = e->n.distributions ? e->n.distributions : 1;
	struct cost_line *l = cost_add_line(e, id, type, "CloudFront data transfer out",
					    e->u.cdn_gb_per_month / n, "GB",
					    cost_price(e, "cloudfront", "gbOut", NULL));
	line_note(l, "usage.cdnGbPerMonth; first-tier United States price (%s changes little)",
		  prop_str(dc, "PriceClass") ? prop_str(dc, "PriceClass") : "PriceClass_All");
	const char *vpp =
		prop_str(json_object_get(dc, "DefaultCacheBehavior"), "ViewerProtocolPolicy");
	bool https = !vpp || strcmp(vpp, "allow-all");
	l = cost_add_line(e, id, type,
			  https ? "CloudFront HTTPS requests" : "CloudFront HTTP requests",
			  e->u.cdn_requests_per_month / n / 10000.0, "10k requests",
			  cost_price(e, "cloudfront", https ? "httpsPer10k" : "httpPer10k", NULL));
	line_note(l, "usage.cdnRequestsPerMonth %g; the always-free tier is not subtracted",
		  e->u.cdn_requests_per_month);
}

static void price_web_acl(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *scope = prop_str(p, "Scope");
	bool cdn = scope && !strcmp(scope, "CLOUDFRONT");
	cost_add_line(e, id, type, "web ACL", 1, "ACL-month",
		      cost_price(e, "waf", "webAclMonth", NULL));
	double rules = (double)array_size(json_object_get(p, "Rules"));
	struct cost_line *l = cost_add_line(e, id, type, "WAF rules", rules, "rule-month",
					    cost_price(e, "waf", "ruleMonth", NULL));
	line_note(l, "each rule and managed rule group is one rule");
	double req =
		cdn ? e->u.cdn_requests_per_month / (e->n.waf_cloudfront ? e->n.waf_cloudfront : 1)
		    : e->u.requests_per_month / (e->n.waf_regional ? e->n.waf_regional : 1);
	l = cost_add_line(e, id, type, "WAF requests", req / 1e6, "1M requests",
			  cost_price(e, "waf", "millionRequests", NULL));
	line_note(l, "%s",
		  cdn ? "usage.cdnRequestsPerMonth (CloudFront scope)"
		      : "usage.requestsPerMonth (regional scope)");
}

/* ---- security, monitoring, audit --------------------------------------- */

static void price_alarm(struct est *e, const char *id, const char *type, const json_t *p)
{
	const json_t *metrics = json_object_get(p, "Metrics");
	double n = 0, period = prop_num(p, "Period", 60);
	size_t i;
	const json_t *m;
	json_array_foreach (metrics, i, m) {
		const json_t *ms = json_object_get(m, "MetricStat");
		if (ms) {
			n++;
			period = prop_num(ms, "Period", period);
		}
	}
	if (!json_is_array(metrics))
		n = 1;
	bool high = period < 60;
	struct cost_line *l = cost_add_line(
		e, id, type, high ? "high-resolution alarm metrics" : "alarm metrics", n,
		"metric-month",
		cost_price(e, "cloudwatch",
			   high ? "highResolutionAlarmMetricMonth" : "alarmMetricMonth", NULL));
	if (json_is_array(metrics))
		line_note(l, "metric math alarm: billed per metric it reads");
}

static void price_log_group(struct est *e, const char *id, const char *type, const json_t *p)
{
	double share = e->u.log_gb_per_month / (e->n.log_groups ? e->n.log_groups : 1);
	struct cost_line *l = cost_add_line(e, id, type, "logs ingested", share, "GB",
					    cost_price(e, "cloudwatch", "logsIngestGb", NULL));
	line_note(l, "usage.logGbPerMonth %g GB split over %d log groups", e->u.log_gb_per_month,
		  e->n.log_groups);
	double days = prop_num(p, "RetentionInDays", 0);
	double months = days > 0 ? days / DAYS_PER_MONTH : LOG_NEVER_EXPIRES_MONTHS;
	l = cost_add_line(e, id, type, "logs stored", share * months, "GB-month",
			  cost_price(e, "cloudwatch", "logsStorageGbMonth", NULL));
	line_formula(l, "%.4g GB/month x %.3g months retained x $%g/GB-month", share, months,
		     l->unit_price);
	line_note(l, days > 0 ? "steady state: a retention period's worth of ingestion"
			      : "never expires: counted at a year's ingestion");
}

static void price_trail(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l =
		cost_add_line(e, id, type, "management events (first copy)", 1, "trail-month",
			      cost_price(e, "cloudtrail", "managementEventsFirstCopy", NULL));
	line_note(l, "the first copy of management events is free; data events are not "
		     "estimated (no usage assumption)");
	(void)p;
}

static void price_recorder(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l = cost_add_line(e, id, type, "configuration items recorded",
					    e->u.config_items_per_month, "item",
					    cost_price(e, "config", "configurationItem", NULL));
	line_note(l, "usage.configItemsPerMonth");
	(void)p;
}

static double runs_per_month(const char *freq)
{
	static const struct {
		const char *name;
		double hours;
	} f[] = {{"One_Hour", 1},
		 {"Three_Hours", 3},
		 {"Six_Hours", 6},
		 {"Twelve_Hours", 12},
		 {"TwentyFour_Hours", 24}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(freq, f[i].name))
			return H / f[i].hours;
	return H / 24;
}

static void price_config_rule(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *freq = prop_str(p, "MaximumExecutionFrequency");
	double evals = freq ? runs_per_month(freq) : e->u.config_items_per_month;
	struct cost_line *l = cost_add_line(e, id, type, "rule evaluations", evals, "evaluation",
					    cost_price(e, "config", "ruleEvaluation", NULL));
	if (freq)
		line_note(l, "periodic (%s): one evaluation a run", freq);
	else
		line_note(l,
			  "change-triggered: each recorded item evaluated once (an upper bound)");
}

static void price_sampling_rule(struct est *e, const char *id, const char *type, const json_t *p)
{
	if (e->n.xray_charged)
		return; /* traces are counted once per environment */
	e->n.xray_charged = true;
	double free_traces = cost_price(e, "xray", "freeTracesPerMonth", NULL);
	double billable = e->u.xray_traces_per_month - free_traces;
	if (billable < 0)
		billable = 0;
	struct cost_line *l =
		cost_add_line(e, id, type, "X-Ray traces recorded", billable / 1e6, "1M traces",
			      cost_price(e, "xray", "millionTraces", NULL));
	line_formula(l, "(%g - %g free) traces / 1M x $%g/1M", e->u.xray_traces_per_month,
		     free_traces, l->unit_price);
	line_note(l, "usage.xrayTracesPerMonth");
	(void)p;
}

static void price_free(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *what = !strcmp(type, "AWS::SNS::Topic") ? "SNS topic" : "budget";
	struct cost_line *l = cost_add_line(e, id, type, what, 1, "month", 0);
	line_note(l, "%s",
		  !strcmp(type, "AWS::SNS::Topic")
			  ? "no fixed charge; alarm notifications stay within the free tier"
			  : "the first two budgets of an account are free");
	(void)p;
}

typedef void (*price_fn)(struct est *, const char *, const char *, const json_t *);

static const struct {
	const char *type;
	price_fn fn;
} handlers[] = {
	{"AWS::EC2::NatGateway", price_nat},
	{"AWS::EC2::EIP", price_eip},
	{"AWS::EC2::VPCEndpoint", price_endpoint},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", price_load_balancer},
	{"AWS::ECS::Service", price_ecs_service},
	{"AWS::AutoScaling::AutoScalingGroup", price_asg},
	{"AWS::EC2::Instance", price_instance},
	{"AWS::EC2::Volume", price_volume},
	{"AWS::RDS::DBInstance", price_rds},
	{"AWS::Backup::BackupPlan", price_backup_plan},
	{"AWS::S3::Bucket", price_bucket},
	{"AWS::CloudFront::Distribution", price_distribution},
	{"AWS::WAFv2::WebACL", price_web_acl},
	{"AWS::CloudWatch::Alarm", price_alarm},
	{"AWS::Logs::LogGroup", price_log_group},
	{"AWS::CloudTrail::Trail", price_trail},
	{"AWS::Config::ConfigurationRecorder", price_recorder},
	{"AWS::Config::ConfigRule", price_config_rule},
	{"AWS::XRay::SamplingRule", price_sampling_rule},
	{"AWS::SNS::Topic", price_free},
	{"AWS::Budgets::Budget", price_free},
};

/* Resources billed a fixed fee a month, whatever their properties. */
static const struct {
	const char *type, *component, *unit, *k1, *k2;
} flat_fees[] = {
	{"AWS::KMS::Key", "KMS key", "key-month", "kms", "keyMonth"},
	{"AWS::SecretsManager::Secret", "secret", "secret-month", "secretsManager", "secretMonth"},
	{"AWS::CloudWatch::CompositeAlarm", "composite alarm", "alarm-month", "cloudwatch",
	 "compositeAlarmMonth"},
	{"AWS::CloudWatch::Dashboard", "dashboard", "dashboard-month", "cloudwatch",
	 "dashboardMonth"},
};

void cost_price_resource(struct est *e, const char *logical_id, const char *type,
			 const json_t *props)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (!strcmp(type, handlers[i].type))
			handlers[i].fn(e, logical_id, type, props);
	for (size_t i = 0; i < sizeof(flat_fees) / sizeof(flat_fees[0]); i++)
		if (!strcmp(type, flat_fees[i].type))
			cost_add_line(e, logical_id, type, flat_fees[i].component, 1,
				      flat_fees[i].unit,
				      cost_price(e, flat_fees[i].k1, flat_fees[i].k2, NULL));
}
