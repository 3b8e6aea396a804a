/*
 * Availability (serial product of SLAs, redundancy across AZs capped at the
 * region-level SLA) and capacity (which limit binds first, what to change),
 * on templates built in memory with SLA and price files written by the test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/slo.h"
#include "support/assembly_fixture.h"
#include "support/slas_fixture.h"
#include "support/test.h"

static char dir[] = "/tmp/solemate-test-slo-XXXXXX";
static char slas[300], prices[300];

static const char prices_json[] =
	"{\"region\":\"us-east-1\",\"currency\":\"USD\",\"date\":\"2026-12-03\",\"source\":\"t\","
	"\"rds\":{\"postgres\":{"
	"\"db.t3.micro\":{\"hour\":0.018,\"vcpu\":2,\"memoryGiB\":1},"
	"\"db.t3.small\":{\"hour\":0.036,\"vcpu\":2,\"memoryGiB\":2},"
	"\"db.t3.large\":{\"hour\":0.145,\"vcpu\":2,\"memoryGiB\":8},"
	"\"db.m6g.large\":{\"hour\":0.159,\"vcpu\":2,\"memoryGiB\":8},"
	"\"db.r6g.large\":{\"hour\":0.225,\"vcpu\":2,\"memoryGiB\":16}}}}";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* The SoleMate request path; `db_class`, `multi_az`, `max_tasks`, `azs` vary. */
static void build(struct sm_assembly *a, const char *db_class, bool multi_az, int max_tasks,
		  int azs)
{
	char text[4096];
	snprintf(
		text, sizeof(text),
		"{\"Edge\":{\"Resources\":{"
		"  \"Cdn\":{\"Type\":\"AWS::CloudFront::Distribution\",\"Properties\":{"
		"    \"DistributionConfig\":{\"WebACLId\":{\"Fn::GetAtt\":[\"CdnAcl\",\"Arn\"]}}}},"
		"  "
		"\"CdnAcl\":{\"Type\":\"AWS::WAFv2::WebACL\",\"Properties\":{\"Scope\":"
		"\"CLOUDFRONT\"}}}},"
		" \"Compute\":{\"Resources\":{"
		"  \"Alb\":{\"Type\":\"AWS::ElasticLoadBalancingV2::LoadBalancer\",\"Properties\":{"
		"    \"Subnets\":[\"a\",\"b\"]}},"
		"  "
		"\"Acl\":{\"Type\":\"AWS::WAFv2::WebACL\",\"Properties\":{\"Scope\":\"REGIONAL\"}},"
		"  \"Assoc\":{\"Type\":\"AWS::WAFv2::WebACLAssociation\",\"Properties\":{}},"
		"  \"Service\":{\"Type\":\"AWS::ECS::Service\",\"Properties\":{\"DesiredCount\":3,"
		"    \"LoadBalancers\":[{}],\"NetworkConfiguration\":{\"AwsvpcConfiguration\":{"
		"    \"Subnets\":%s}}}},"
		"  "
		"\"Scaling\":{\"Type\":\"AWS::ApplicationAutoScaling::ScalableTarget\","
		"\"Properties\":{"
		"    \"ScalableDimension\":\"ecs:service:DesiredCount\",\"MaxCapacity\":%d}}}},"
		" \"Data\":{\"Resources\":{"
		"  "
		"\"Db\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{\"Engine\":\"postgres\","
		"    \"DBInstanceClass\":\"%s\",\"MultiAZ\":%s}},"
		"  \"Replica\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{"
		"    "
		"\"SourceDBInstanceIdentifier\":{\"Ref\":\"Db\"},\"DBInstanceClass\":\"db.t3."
		"micro\"}}}}}",
		azs == 1   ? "[\"a\"]"
		: azs == 3 ? "[\"a\",\"b\",\"c\"]"
			   : "[\"a\",\"b\"]",
		max_tasks, db_class, multi_az ? "true" : "false");
	test_assembly_from_json(a, text, "us-east-1");
}

static void usage(struct sm_context *cfg, double conn_per_task)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->environment = "test";
	cfg->region = "us-east-1";
	cfg->usage.rps_per_task = 100;
	cfg->usage.think_time_seconds = 10;
	cfg->usage.db_connections_per_task = conn_per_task;
	cfg->usage.target_concurrent_users = 50000;
}

/* One evaluation and everything it owns. */
struct fx {
	struct sm_assembly a;
	struct sm_context cfg;
	struct slo_report r;
	struct diag_list dl;
	int rc;
};

static void fx_eval(struct fx *f, const char *db_class, bool multi_az, int max_tasks, int azs,
		    double conn_per_task)
{
	memset(f, 0, sizeof(*f));
	build(&f->a, db_class, multi_az, max_tasks, azs);
	usage(&f->cfg, conn_per_task);
	f->rc = slo_evaluate(&f->a, &f->cfg, slas, prices, &f->r, &f->dl);
}

static void fx_release(struct fx *f)
{
	slo_report_release(&f->r);
	sm_assembly_release(&f->a);
	diag_list_release(&f->dl);
}

TEST(composite_is_the_serial_product)
{
	struct fx f;
	fx_eval(&f, "db.t3.small", true, 12, 2, 10);
	CHECK(f.rc == 0);
	const struct slo_availability *av = &f.r.availability;
	CHECK(av->nr == 6);
	/* ECS: 1-(1-0.995)^2 = 0.999975, capped at the region-level 0.9999 */
	double want = 0.999 * 0.9995 * 0.9999 * 0.9995 * 0.9999 * 0.9995;
	CHECK(fabs(av->composite - want) < 1e-12);
	CHECK(fabs(av->composite - 0.997303) < 1e-6);
	CHECK_CONTAINS(av->formula,
		       "0.999 x 0.9995 x 0.9999 x 0.9995 x 0.9999 x 0.9995 = 0.997303");
	CHECK(!av->meets);
	CHECK(av->missing == NULL); /* the whole request path is in the templates */
	CHECK(av->nr == 6 && !strcmp(av->components[1].resource, "Edge/CdnAcl"));
	CHECK(av->nr == 6 && av->components[4].redundancy == 2 &&
	      fabs(av->components[4].effective - 0.9999) < 1e-12);
	/* CloudFront alone equals the target: the advice says so */
	CHECK_CONTAINS(av->advice, "CloudFront's own SLA");
	fx_release(&f);
}

TEST(single_az_database_and_tasks)
{
	struct fx f;
	fx_eval(&f, "db.t3.micro", false, 4, 1, 10);
	CHECK(f.rc == 0);
	const struct slo_availability *av = &f.r.availability;
	double want = 0.999 * 0.9995 * 0.9999 * 0.9995 * 0.995 * 0.995;
	CHECK(fabs(av->composite - want) < 1e-12);
	CHECK_CONTAINS(av->advice, "set databaseMultiAz to true");
	CHECK_CONTAINS(av->advice, "two or more AZs");
	fx_release(&f);
}

TEST(tasks_bind_first)
{
	struct fx f;
	fx_eval(&f, "db.t3.small", true, 12, 2, 10);
	CHECK(f.rc == 0);
	const struct slo_capacity *c = &f.r.capacity;
	CHECK(c->known && c->max_tasks == 12 && c->desired_tasks == 3);
	CHECK(c->max_rps == 1200);
	CHECK(c->max_concurrent_users_tasks == 12000); /* 1200 req/s x 10 s */
	CHECK(c->db_max_connections == 225);	       /* 2 GiB / 9531392 */
	CHECK(c->db_connections_needed == 120);
	CHECK(c->max_concurrent_users_db == 22000); /* 22 tasks of 10 connections */
	CHECK(c->max_concurrent_users == 12000);
	CHECK_CONTAINS(c->binding_limit, "ECS autoscaling maximum");
	CHECK(!c->meets_target);
	/* 50 tasks are needed; 500 connections then exceed 225: db.t3.large (901) is the cheapest
	 */
	CHECK_CONTAINS(c->advice, "raise ecsMaxCapacity from 12 to 50");
	CHECK_CONTAINS(c->advice, "use databaseInstanceType db.t3.large (max_connections 901");
	fx_release(&f);
}

TEST(database_binds_first)
{
	struct fx f;
	fx_eval(&f, "db.t3.micro", true, 12, 2, 20);
	CHECK(f.rc == 0);
	const struct slo_capacity *c = &f.r.capacity;
	CHECK(c->db_max_connections == 112);	   /* 1 GiB / 9531392 */
	CHECK(c->max_concurrent_users_db == 5000); /* floor(112 / 20) = 5 tasks */
	CHECK(c->max_concurrent_users == 5000);
	CHECK_CONTAINS(c->binding_limit, "database max_connections (112 on db.t3.micro");
	CHECK(!c->meets_target);
	fx_release(&f);
}

TEST(target_met)
{
	struct fx f;
	fx_eval(&f, "db.r6g.large", true, 60, 3, 10);
	CHECK(f.rc == 0);
	CHECK(f.r.capacity.meets_target && f.r.capacity.max_concurrent_users == 60000);
	CHECK(f.r.capacity.advice == NULL);
	json_t *j = slo_report_json(&f.r);
	CHECK(json_is_true(json_object_get(json_object_get(j, "capacity"), "meetsTarget")));
	CHECK(json_number_value(json_object_get(json_object_get(j, "availability"), "composite")) ==
	      f.r.availability.composite);
	json_decref(j);
	fx_release(&f);
}

/* Production's sizing (issue 18): 60 tasks, db.m6g.large, 10 connections a task. */
TEST(production_sizing_by_hand)
{
	struct fx f;
	fx_eval(&f, "db.m6g.large", true, 60, 2, 10);
	CHECK(f.rc == 0);
	const struct slo_capacity *c = &f.r.capacity;
	CHECK(c->max_rps == 6000);			/* 60 tasks x 100 req/s */
	CHECK(c->max_concurrent_users_tasks == 60000); /* 6000 req/s x 10 s */
	/* 8 GiB = 8589934592 B / 9531392 = 901.2 -> 901 connections */
	CHECK(c->db_max_connections == 901);
	CHECK(c->db_connections_needed == 600);	     /* 60 x 10, under 80 %: 720 */
	CHECK(c->max_concurrent_users_db == 90000); /* floor(901/10) = 90 tasks x 1000 */
	CHECK(c->max_concurrent_users == 60000);
	CHECK_CONTAINS(c->binding_limit, "ECS autoscaling maximum (60 tasks");
	CHECK(c->meets_target && c->advice == NULL);
	fx_release(&f);
	/* at 50 tasks and 18 connections a task the database binds: floor(901/18) = 50 */
	fx_eval(&f, "db.m6g.large", true, 60, 2, 18);
	CHECK(f.r.capacity.max_concurrent_users == 50000 && f.r.capacity.meets_target);
	CHECK_CONTAINS(f.r.capacity.binding_limit, "database max_connections (901");
	fx_release(&f);
}

static const json_t *tier_named(const json_t *tiers, const char *name)
{
	size_t i;
	json_t *x;
	json_array_foreach (tiers, i, x)
		if (!strcmp(json_string_value(json_object_get(x, "tier")), name))
			return x;
	return NULL;
}

static double limit_of(const json_t *tiers, const char *name)
{
	const json_t *l = json_object_get(tier_named(tiers, name), "limitUsers");
	return json_is_number(l) ? json_number_value(l) : -1;
}

/*
 * issue 18: each tier's limit and which binds, by hand. Production: 60 tasks x
 * 100 x 10 = 60,000 (binds); the writer db.m6g.large 901 / 10 = 90 tasks =
 * 90,000; the replica (db.t3.micro here: 1 GiB, 112 connections) serves no
 * reads with dbReplicaConnectionsPerTask 0, and binds at floor(112 / 20) = 5
 * tasks = 5,000 users with a read pool of 20.
 */
TEST(each_tier_and_which_binds)
{
	struct fx f;
	fx_eval(&f, "db.m6g.large", true, 60, 2, 10);
	const json_t *t = f.r.capacity.tiers;
	CHECK(json_array_size(t) == 3);
	CHECK(limit_of(t, "ECS tasks") == 60000 && limit_of(t, "database writer") == 90000);
	CHECK(json_is_true(json_object_get(tier_named(t, "ECS tasks"), "binds")));
	CHECK(!json_is_true(json_object_get(tier_named(t, "database writer"), "binds")));
	CHECK(limit_of(t, "read replicas") < 0);
	CHECK_CONTAINS(json_string_value(json_object_get(tier_named(t, "read replicas"), "basis")),
		       "floor(1 x 112 / 10) = 11 tasks' read pools");
	CHECK_CONTAINS(json_string_value(json_object_get(tier_named(t, "database writer"), "basis")),
		       "the full fleet holds 600 (67 %)");
	fx_release(&f);
	memset(&f, 0, sizeof(f));
	build(&f.a, "db.m6g.large", true, 60, 2);
	usage(&f.cfg, 10);
	f.cfg.usage.db_replica_connections_per_task = 20;
	CHECK(slo_evaluate(&f.a, &f.cfg, slas, prices, &f.r, &f.dl) == 0);
	t = f.r.capacity.tiers;
	CHECK(limit_of(t, "read replicas") == 5000);
	CHECK(json_is_true(json_object_get(tier_named(t, "read replicas"), "binds")));
	CHECK(!json_is_true(json_object_get(tier_named(t, "ECS tasks"), "binds")));
	CHECK(f.r.capacity.max_concurrent_users == 5000 && !f.r.capacity.meets_target);
	CHECK_CONTAINS(f.r.capacity.binding_limit, "read replicas");
	fx_release(&f);
}

static const json_t *check_named(const json_t *list, const char *name)
{
	size_t i;
	json_t *x;
	json_array_foreach (list, i, x)
		if (!strcmp(json_string_value(json_object_get(x, "check")), name))
			return x;
	return NULL;
}

/* The alarms and scaling policies of a Monitoring stack against the sizes. */
static void add_monitoring(struct sm_assembly *a, double conns, double per_minute, double cpu,
			   double cpu_alarm)
{
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"Conns\":{\"Type\":\"AWS::CloudWatch::Alarm\",\"Properties\":{\"Namespace\":"
		 "\"AWS/RDS\",\"MetricName\":\"DatabaseConnections\",\"Threshold\":%g}},"
		 "\"Cpu\":{\"Type\":\"AWS::CloudWatch::Alarm\",\"Properties\":{\"Namespace\":"
		 "\"AWS/ECS\",\"MetricName\":\"CPUUtilization\",\"Threshold\":%g}},"
		 "\"Req\":{\"Type\":\"AWS::ApplicationAutoScaling::ScalingPolicy\",\"Properties\":{"
		 "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":%g,"
		 "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":"
		 "\"ALBRequestCountPerTarget\"}}}},"
		 "\"CpuScaling\":{\"Type\":\"AWS::ApplicationAutoScaling::ScalingPolicy\","
		 "\"Properties\":{\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":%g,"
		 "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":"
		 "\"ECSServiceAverageCPUUtilization\"}}}}}",
		 conns, cpu_alarm, per_minute, cpu);
	sm_assembly_add(a, "Monitoring", "Monitoring", "us-east-1",
			json_pack("{so}", "Resources", json_loads(text, 0, NULL)));
}

/*
 * Production's thresholds, by hand: the connections alarm at 720 = 80 % of 901,
 * above the 600 of 60 tasks; 4,200 requests a minute = 70 req/s a task, under
 * rpsPerTask 100; CPU target 60 % under the alarm's 80 %; 50 tasks needed for
 * 50,000 users at 1,000 a task, under the maximum 60. Then each broken.
 */
TEST(thresholds_follow_the_sizes)
{
	struct fx f;
	memset(&f, 0, sizeof(f));
	build(&f.a, "db.m6g.large", true, 60, 2);
	add_monitoring(&f.a, 720, 4200, 60, 80);
	usage(&f.cfg, 10);
	CHECK(slo_evaluate(&f.a, &f.cfg, slas, prices, &f.r, &f.dl) == 0);
	const json_t *t = f.r.capacity.thresholds;
	static const char *const names[] = {"database connections alarm", "request target tracking",
					    "CPU target tracking", "autoscaling maximum"};
	for (int i = 0; i < 4; i++) {
		const json_t *x = check_named(t, names[i]);
		CHECK(x && json_is_true(json_object_get(x, "follows")));
		if (!x || !json_is_true(json_object_get(x, "follows")))
			printf("# %s: %s\n", names[i],
			       x ? json_string_value(json_object_get(x, "basis")) : "missing");
	}
	CHECK(json_number_value(json_object_get(check_named(t, names[0]), "value")) == 720);
	CHECK_CONTAINS(json_string_value(json_object_get(check_named(t, names[1]), "basis")),
		       "70.0 req/s a task, 70 % of rpsPerTask 100");
	fx_release(&f);
	/* the PRD's db.t3.small: 225 connections; the alarm at 180 fires at 60 tasks' 600 */
	memset(&f, 0, sizeof(f));
	build(&f.a, "db.t3.small", true, 60, 2);
	add_monitoring(&f.a, 180, 7200, 85, 80);
	usage(&f.cfg, 10);
	CHECK(slo_evaluate(&f.a, &f.cfg, slas, prices, &f.r, &f.dl) == 0);
	t = f.r.capacity.thresholds;
	CHECK(!json_is_true(json_object_get(check_named(t, names[0]), "follows")));
	CHECK_CONTAINS(json_string_value(json_object_get(check_named(t, names[0]), "basis")),
		       "it fires at the planned peak");
	/* 7,200 a minute = 120 req/s: past rpsPerTask; CPU target 85 % above the alarm */
	CHECK(!json_is_true(json_object_get(check_named(t, names[1]), "follows")));
	CHECK(!json_is_true(json_object_get(check_named(t, names[2]), "follows")));
	fx_release(&f);
	fx_eval(&f, "db.m6g.large", true, 12, 2, 10);
	CHECK(!json_is_true(json_object_get(check_named(f.r.capacity.thresholds, names[3]),
					    "follows")));
	fx_release(&f);
}

TEST(max_connections_formula)
{
	CHECK(slo_pg_max_connections(1) == 112);
	CHECK(slo_pg_max_connections(2) == 225);
	CHECK(slo_pg_max_connections(16) == 1802);
	CHECK(slo_pg_max_connections(512) == 5000); /* LEAST(..., 5000) */
}

TEST(bad_data_files)
{
	struct sm_assembly a;
	struct sm_context cfg;
	struct slo_report r = SLO_REPORT_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	build(&a, "db.m9.huge", true, 12, 2);
	usage(&cfg, 10);
	CHECK(slo_evaluate(&a, &cfg, slas, prices, &r, &dl) == -1);
	CHECK(dl.nr >= 1 && strstr(dl.items[dl.nr - 1].message, "db.m9.huge"));
	diag_list_release(&dl);
	char bad[320];
	snprintf(bad, sizeof(bad), "%s/bad-slas.json", dir);
	write_file(bad, "{\"services\":{\"cloudfront\":{\"sla\":99.9}}}");
	CHECK(slo_evaluate(&a, &cfg, bad, prices, &r, &dl) == -1);
	CHECK(dl.nr >= 1 && strstr(dl.items[0].message, "services.cloudfront"));
	diag_list_release(&dl);
	sm_assembly_release(&a);
}

/*
 * issue 18: the availability with a second path, per readiness level, against
 * figures computed by hand: primary 0.9973 is 0.0027 x 43,800 = 118.26
 * minutes down a month; a standby up 0.9943 covers what is left after the
 * failover time, (118.26 - rto) x 0.9943.
 */
TEST(availability_with_a_second_path_per_readiness_level)
{
	struct sm_usage u = sm_usage_defaults; /* 15 min to decide, 5 to promote, 5 to scale */
	/* failover times: by an operator, and by Route 53 (3 x 30 s + 60 s TTL) */
	CHECK(slo_dr_rto_minutes(SLO_DR_NONE, false, &u) < 0);
	CHECK(fabs(slo_dr_rto_minutes(SLO_DR_BACKUP_RESTORE, false, &u) - 240) < 1e-9);
	CHECK(fabs(slo_dr_rto_minutes(SLO_DR_PILOT_LIGHT, false, &u) - 25) < 1e-9);
	CHECK(fabs(slo_dr_rto_minutes(SLO_DR_WARM_STANDBY, false, &u) - 20) < 1e-9);
	CHECK(fabs(slo_dr_rto_minutes(SLO_DR_WARM_STANDBY, true, &u) - 7.5) < 1e-9);
	CHECK(fabs(slo_dr_rto_minutes(SLO_DR_PILOT_LIGHT, true, &u) - 12.5) < 1e-9);
	/* RPO: nothing outside the region; logs every 5 min; the replica's 30 s lag alarm */
	CHECK(slo_dr_rpo_minutes(SLO_DR_NONE) < 0);
	CHECK(slo_dr_rpo_minutes(SLO_DR_BACKUP_RESTORE) == 5);
	CHECK(slo_dr_rpo_minutes(SLO_DR_WARM_STANDBY) == 0.5);
	/* warm standby, operator: 1 - (118.26 - 98.26 x 0.9943) / 43800 */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 20, 1) - 0.9995305917351598) < 1e-12);
	/* pilot light, operator: 1 - (118.26 - 93.26 x 0.9943) / 43800 */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 25, 1) - 0.9994170871689497) < 1e-12);
	/* warm standby, Route 53: 1 - (118.26 - 110.76 x 0.9943) / 43800 */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 7.5, 1) - 0.9998143531506849) < 1e-12);
	/* no failover time: the parallel formula 1 - (1 - a)(1 - b) */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 0, 1) - 0.99998461) < 1e-12);
	/* backup-restore's 240 min exceed the 118 the SLAs allow: it covers nothing */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 240, 1) - 0.9973) < 1e-12);
	/* more outages, each paying the failover time: 3 x 20 min */
	CHECK(fabs(slo_failover_composite(0.9973, 0.9943, 20, 3) -
		   (1 - (118.26 - 58.26 * 0.9943) / 43800)) < 1e-9);
}

int main(void)
{
	if (!mkdtemp(dir))
		abort();
	snprintf(slas, sizeof(slas), "%s/slas.json", dir);
	snprintf(prices, sizeof(prices), "%s/us-east-1.json", dir);
	write_file(slas, test_slas_json);
	write_file(prices, prices_json);
	prices[strlen(dir)] = '\0'; /* the directory of the price file */
	RUN(composite_is_the_serial_product);
	RUN(availability_with_a_second_path_per_readiness_level);
	RUN(single_az_database_and_tasks);
	RUN(tasks_bind_first);
	RUN(database_binds_first);
	RUN(target_met);
	RUN(production_sizing_by_hand);
	RUN(each_tier_and_which_binds);
	RUN(thresholds_follow_the_sizes);
	RUN(max_connections_formula);
	RUN(bad_data_files);
	char cmd[340];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return test_done();
}
