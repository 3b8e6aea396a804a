/*
 * The cost estimate, line by line against hand-computed values, on small
 * templates built in memory and a price file written by the test (so that a
 * refresh of data/prices does not move these figures).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/cost.h"
#include "support/test.h"

static char prices_dir[] = "/tmp/solemate-test-cost-XXXXXX";

static const char prices_json[] =
	"{\"region\":\"us-east-1\",\"currency\":\"USD\",\"date\":\"2026-12-03\","
	"\"source\":{\"note\":\"test fixture\"},"
	"\"natGateway\":{\"hour\":0.045,\"gb\":0.045},\"publicIpv4\":{\"hour\":0.005},"
	"\"applicationLoadBalancer\":{\"hour\":0.0225,\"lcuHour\":0.008},"
	"\"fargate\":{\"vcpuHour\":0.04048,\"gbHour\":0.004445},"
	"\"ec2\":{\"t3.small\":0.0208},\"ebs\":{\"gp3GbMonth\":0.08},"
	"\"rds\":{\"postgres\":{\"db.t3.small\":{\"hour\":0.036,\"vcpu\":2,\"memoryGiB\":2}},"
	"\"storageGbMonth\":{\"gp3\":0.115},\"backupGbMonth\":0.095,"
	"\"performanceInsightsFreeDays\":7,\"databaseInsightsVcpuHour\":0.0125},"
	"\"kms\":{\"keyMonth\":1},\"secretsManager\":{\"secretMonth\":0.4},"
	"\"cloudwatch\":{\"alarmMetricMonth\":0.1,\"logsIngestGb\":0.5,\"logsStorageGbMonth\":0.03}"
	","
	"\"vpcEndpoint\":{\"interfaceAzHour\":0.01,\"gb\":0.01},"
	"\"waf\":{\"webAclMonth\":5,\"ruleMonth\":1,\"millionRequests\":0.6}}";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	if (!mkdtemp(prices_dir))
		abort();
	char path[256];
	snprintf(path, sizeof(path), "%s/us-east-1.json", prices_dir);
	write_file(path, prices_json);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", prices_dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", prices_dir);
}

/* An environment config holding only what the estimate reads. */
static void test_config(struct sm_context *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->environment = "test";
	cfg->region = "us-east-1";
	cfg->monthly_budget = 100;
	cfg->usage.nat_gb_per_month = 100;
	cfg->usage.endpoint_gb_per_month = 20;
	cfg->usage.requests_per_month = 10e6;
	cfg->usage.log_gb_per_month = 10;
}

static void add_template(struct sm_assembly *a, const char *stack, const char *resources_json)
{
	json_error_t err;
	json_t *res = json_loads(resources_json, 0, &err);
	if (!res)
		printf("# bad test JSON: %s\n", err.text);
	sm_assembly_add(a, stack, stack, "us-east-1", json_pack("{so}", "Resources", res));
}

static const struct cost_line *line(const struct cost_report *r, const char *id,
				    const char *component)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->lines[i].logical_id, id) &&
		    !strcmp(r->lines[i].component, component))
			return &r->lines[i];
	printf("#   no line %s / %s\n", id, component);
	return NULL;
}

#define CHECK_MONEY(l, want) CHECK((l) && fabs((l)->monthly - (want)) < 0.001)

static const char network[] = "{\"Nat\":{\"Type\":\"AWS::EC2::NatGateway\",\"Properties\":{}},"
			      " \"Ip\":{\"Type\":\"AWS::EC2::EIP\",\"Properties\":{}},"
			      " \"Ep\":{\"Type\":\"AWS::EC2::VPCEndpoint\",\"Properties\":{"
			      "\"VpcEndpointType\":\"Interface\","
			      "   \"SubnetIds\":[\"a\",\"b\"]}},"
			      " \"S3\":{\"Type\":\"AWS::EC2::VPCEndpoint\",\"Properties\":{"
			      "\"VpcEndpointType\":\"Gateway\"}}}";

static const char data[] =
	"{\"Db\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{\"Engine\":\"postgres\","
	"   \"DBInstanceClass\":\"db.t3.small\",\"MultiAZ\":true,\"AllocatedStorage\":\"20\","
	"   \"StorageType\":\"gp3\",\"ManageMasterUserPassword\":true}},"
	" \"Replica\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{"
	"   \"SourceDBInstanceIdentifier\":{\"Ref\":\"Db\"},\"DBInstanceClass\":\"db.t3.small\","
	"   \"EnablePerformanceInsights\":true,\"PerformanceInsightsRetentionPeriod\":7}},"
	" \"Key\":{\"Type\":\"AWS::KMS::Key\",\"Properties\":{}},"
	" \"Logs\":{\"Type\":\"AWS::Logs::LogGroup\",\"Properties\":{\"RetentionInDays\":365}}}";

static const char compute[] =
	"{\"Task\":{\"Type\":\"AWS::ECS::TaskDefinition\",\"Properties\":{\"Cpu\":\"256\","
	"   \"Memory\":\"512\"}},"
	" \"Service\":{\"Type\":\"AWS::ECS::Service\",\"Properties\":{\"DesiredCount\":3,"
	"   \"LaunchType\":\"FARGATE\",\"TaskDefinition\":{\"Ref\":\"Task\"}}},"
	" \"Lt\":{\"Type\":\"AWS::EC2::LaunchTemplate\",\"Properties\":{\"LaunchTemplateData\":{"
	"   \"InstanceType\":\"t3.small\",\"BlockDeviceMappings\":[{\"Ebs\":{\"VolumeSize\":30,"
	"   \"VolumeType\":\"gp3\"}}]}}},"
	" \"Asg\":{\"Type\":\"AWS::AutoScaling::AutoScalingGroup\",\"Properties\":{\"MinSize\":"
	"\"2\","
	"   \"LaunchTemplate\":{\"LaunchTemplateId\":{\"Ref\":\"Lt\"}}}},"
	" \"Acl\":{\"Type\":\"AWS::WAFv2::WebACL\",\"Properties\":{\"Scope\":\"REGIONAL\","
	"   \"Rules\":[{},{},{}]}},"
	" \"Alarm\":{\"Type\":\"AWS::CloudWatch::Alarm\",\"Properties\":{\"Period\":60}}}";

/* The three sample stacks priced with the test config, and what it owns. */
struct fx {
	struct sm_assembly a;
	struct sm_context cfg;
	struct cost_report r;
	struct diag_list dl;
	int rc;
};

static void fx_estimate(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	test_config(&f->cfg);
	sm_assembly_init(&f->a);
	add_template(&f->a, "Network", network);
	add_template(&f->a, "Data", data);
	add_template(&f->a, "Compute", compute);
	f->rc = cost_estimate(&f->a, &f->cfg, prices_dir, &f->r, &f->dl);
}

static void fx_release(struct fx *f)
{
	cost_report_release(&f->r);
	sm_assembly_release(&f->a);
	diag_list_release(&f->dl);
}

TEST(nat_gateway_for_730_hours)
{
	struct fx f;
	fx_estimate(&f);
	CHECK(f.rc == 0);
	const struct cost_line *l = line(&f.r, "Nat", "NAT gateway hours");
	CHECK_MONEY(l, 32.85); /* 730 h x $0.045 */
	CHECK(l && !strcmp(l->formula, "730 h x $0.045/h"));
	CHECK(l && l->quantity == 730 && !strcmp(l->stack, "Network"));
	CHECK_MONEY(line(&f.r, "Nat", "NAT data processed"), 4.50);	  /* 100 GB x 0.045 */
	CHECK_MONEY(line(&f.r, "Ip", "public IPv4 address hours"), 3.65); /* 730 x 0.005 */
	/* interface endpoint: 2 AZs x 730 h x 0.01; data 20 GB x 0.01 (one endpoint) */
	CHECK_MONEY(line(&f.r, "Ep", "interface endpoint AZ hours"), 14.60);
	CHECK_MONEY(line(&f.r, "Ep", "interface endpoint data processed"), 0.20);
	CHECK_MONEY(line(&f.r, "S3", "gateway endpoint"), 0);
	fx_release(&f);
}

/* Without interface endpoints their API traffic is NAT data processed. */
TEST(without_interface_endpoints_their_traffic_is_nat_data)
{
	struct sm_context cfg;
	struct cost_report r;
	struct sm_assembly a;
	struct diag_list dl = DIAG_LIST_INIT;
	test_config(&cfg);
	sm_assembly_init(&a);
	add_template(&a, "Network",
		     "{\"Nat\":{\"Type\":\"AWS::EC2::NatGateway\",\"Properties\":{}},"
		     " \"S3\":{\"Type\":\"AWS::EC2::VPCEndpoint\",\"Properties\":{"
		     "\"VpcEndpointType\":\"Gateway\"}}}");
	CHECK(cost_estimate(&a, &cfg, prices_dir, &r, &dl) == 0);
	/* (100 GB NAT + 20 GB endpoint traffic) x $0.045 = 5.40 */
	const struct cost_line *l = line(&r, "Nat", "NAT data processed");
	CHECK_MONEY(l, 5.40);
	CHECK(l && l->note && strstr(l->note, "endpointGbPerMonth 20 GB"));
	cost_report_release(&r);
	sm_assembly_release(&a);
	diag_list_release(&dl);
}

TEST(rds_multi_az_doubles_hours_and_storage)
{
	struct fx f;
	fx_estimate(&f);
	CHECK(f.rc == 0);
	const struct cost_line *l = line(&f.r, "Db", "DB instance hours");
	CHECK_MONEY(l, 52.56); /* 730 x 0.036 x 2 */
	CHECK(l && l->quantity == 1460);
	CHECK_MONEY(line(&f.r, "Db", "DB storage"), 4.60); /* 20 GB x 2 x 0.115 */
	CHECK_MONEY(line(&f.r, "Db", "managed master user secret"), 0.40);
	/* the replica is Single-AZ and takes its storage from its source */
	CHECK_MONEY(line(&f.r, "Replica", "DB instance hours"), 26.28);
	CHECK_MONEY(line(&f.r, "Replica", "DB storage"), 2.30);
	CHECK_MONEY(line(&f.r, "Replica", "Performance Insights"), 0); /* 7 days: free */
	fx_release(&f);
}

TEST(compute_waf_logs_and_total)
{
	struct fx f;
	fx_estimate(&f);
	CHECK(f.rc == 0);
	/* 3 tasks x 0.25 vCPU x 730 h x 0.04048 = 22.1628; 3 x 0.5 GB x 730 x 0.004445 = 4.867 */
	CHECK_MONEY(line(&f.r, "Service", "Fargate vCPU hours"), 22.16);
	CHECK_MONEY(line(&f.r, "Service", "Fargate memory GB hours"), 4.87);
	/* ASG MinSize 2: 2 x 730 x 0.0208 = 30.368; EBS 2 x 30 GB x 0.08 */
	CHECK_MONEY(line(&f.r, "Asg", "EC2 instance hours"), 30.37);
	CHECK_MONEY(line(&f.r, "Asg", "EBS storage"), 4.80);
	CHECK_MONEY(line(&f.r, "Acl", "web ACL"), 5.00);
	CHECK_MONEY(line(&f.r, "Acl", "WAF rules"), 3.00);
	CHECK_MONEY(line(&f.r, "Acl", "WAF requests"), 6.00); /* 10M requests x 0.60 */
	CHECK_MONEY(line(&f.r, "Alarm", "alarm metrics"), 0.10);
	/* one log group: 10 GB x 0.5; stored 365 days = 12 months x 10 GB x 0.03 */
	CHECK_MONEY(line(&f.r, "Logs", "logs ingested"), 5.00);
	CHECK_MONEY(line(&f.r, "Logs", "logs stored"), 3.60);
	CHECK_MONEY(line(&f.r, "Key", "KMS key"), 1.00);

	double sum = 0, stacks = 0;
	for (size_t i = 0; i < f.r.nr; i++)
		sum += f.r.lines[i].monthly;
	for (size_t i = 0; i < f.r.stacks_nr; i++)
		stacks += f.r.stacks[i].monthly;
	CHECK(fabs(f.r.total - sum) < 0.005);
	CHECK(fabs(f.r.total - stacks) < 0.005);
	CHECK(f.r.stacks_nr == 3 && !strcmp(f.r.stacks[0].name, "Network"));
	CHECK(f.r.total > 100 && cost_over_budget(&f.r)); /* the test budget is 100 */
	CHECK_STR(f.r.currency, "USD");
	CHECK(f.r.prices_nr == 1 && !strcmp(f.r.prices[0].date, "2026-12-03"));

	json_t *j = cost_report_json(&f.r);
	CHECK(fabs(json_number_value(json_object_get(j, "monthlyTotal")) - f.r.total) < 1e-9);
	CHECK(json_array_size(json_object_get(j, "lines")) == f.r.nr);
	CHECK(json_is_true(json_object_get(json_object_get(j, "budget"), "overBudget")));
	CHECK_STR(json_string_value(json_object_get(j, "priceDate")), "2026-12-03");
	json_decref(j);
	fx_release(&f);
}

TEST(against_shows_the_difference)
{
	struct sm_assembly a, b;
	struct sm_context cfg;
	struct cost_report before = COST_REPORT_INIT, after = COST_REPORT_INIT;
	struct cost_diff d = COST_DIFF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	test_config(&cfg);
	cfg.usage.endpoint_gb_per_month = 0; /* no endpoint traffic moved onto the NAT */
	sm_assembly_init(&a);
	add_template(&a, "Network", "{\"Nat\":{\"Type\":\"AWS::EC2::NatGateway\"}}");
	sm_assembly_init(&b);
	add_template(&b, "Network",
		     "{\"Nat\":{\"Type\":\"AWS::EC2::NatGateway\"},"
		     " \"Nat2\":{\"Type\":\"AWS::EC2::NatGateway\"}}");
	CHECK(cost_estimate(&a, &cfg, prices_dir, &before, &dl) == 0);
	CHECK(cost_estimate(&b, &cfg, prices_dir, &after, &dl) == 0);
	cost_compare(&before, &after, &d);
	/* a second gateway: +32.85 hours; the 100 GB are split, so data moves 4.50 -> 2.25 + 2.25
	 */
	CHECK(fabs(d.delta_total - 32.85) < 0.001);
	bool new_hours = false, data_halved = false;
	for (size_t i = 0; i < d.nr; i++) {
		if (!strcmp(d.items[i].logical_id, "Nat2") &&
		    !strcmp(d.items[i].component, "NAT gateway hours"))
			new_hours =
				d.items[i].before == 0 && fabs(d.items[i].delta - 32.85) < 0.001;
		if (!strcmp(d.items[i].logical_id, "Nat") &&
		    !strcmp(d.items[i].component, "NAT data processed"))
			data_halved = fabs(d.items[i].delta + 2.25) < 0.001;
	}
	CHECK(new_hours);
	CHECK(data_halved);
	cost_diff_release(&d);
	cost_report_release(&before);
	cost_report_release(&after);
	sm_assembly_release(&a);
	sm_assembly_release(&b);
	diag_list_release(&dl);
}

TEST(missing_or_bad_price_file_is_an_error)
{
	struct sm_assembly a;
	struct cost_report r = COST_REPORT_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	sm_assembly_init(&a);
	sm_assembly_add(&a, "x", "Far", "eu-north-1",
			json_pack("{s{s{ss}}}", "Resources", "Key", "Type", "AWS::KMS::Key"));
	CHECK(cost_estimate(&a, NULL, prices_dir, &r, &dl) == -1);
	CHECK(dl.nr >= 1 && dl.items[0].file && strstr(dl.items[0].file, "eu-north-1.json"));
	CHECK(dl.nr >= 1 && strstr(dl.items[0].message, "no price file for region 'eu-north-1'"));
	CHECK(r.nr == 0 && r.lines == NULL); /* released on failure */
	diag_list_release(&dl);
	sm_assembly_release(&a);

	char path[300];
	snprintf(path, sizeof(path), "%s/eu-north-1.json", prices_dir);
	write_file(path, "{\"region\":\"eu-north-1\",\"currency\":\"USD\",\"source\":\"x\"}");
	sm_assembly_init(&a);
	sm_assembly_add(&a, "x", "Far", "eu-north-1",
			json_pack("{s{s{ss}}}", "Resources", "Key", "Type", "AWS::KMS::Key"));
	CHECK(cost_estimate(&a, NULL, prices_dir, &r, &dl) == -1);
	CHECK(dl.nr >= 1 && strstr(dl.items[0].message, "'date'"));
	diag_list_release(&dl);
	sm_assembly_release(&a);
	unlink(path);
}

TEST(missing_class_names_the_key)
{
	struct sm_assembly a;
	struct cost_report r = COST_REPORT_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	sm_assembly_init(&a);
	add_template(&a, "Data",
		     "{\"Db\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{\"Engine\":"
		     "\"postgres\",\"DBInstanceClass\":\"db.x2g.16xlarge\"}}}");
	CHECK(cost_estimate(&a, NULL, prices_dir, &r, &dl) == -1);
	bool named = false;
	for (size_t i = 0; i < dl.nr; i++)
		named |= strstr(dl.items[i].message, "rds.postgres.db.x2g.16xlarge") != NULL;
	CHECK(named);
	diag_list_release(&dl);
	sm_assembly_release(&a);
}

TEST(defaults_come_from_the_analysis_table)
{
	struct sm_usage u = sm_usage_defaults;
	/* the documented defaults (analysis/context.c; test_config checks the config's agree) */
	CHECK(u.requests_per_month == 30e6);
	CHECK(u.nat_gb_per_month == 50);
	CHECK(u.rps_per_task == 100);
	CHECK(u.think_time_seconds == 10);
	CHECK(u.target_concurrent_users == 50000);

	struct sm_assembly a;
	struct cost_report r = COST_REPORT_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	sm_assembly_init(&a);
	add_template(&a, "Network", "{\"Nat\":{\"Type\":\"AWS::EC2::NatGateway\"}}");
	CHECK(cost_estimate(&a, NULL, prices_dir, &r, &dl) == 0);
	CHECK(r.usage_defaults && r.budget == 0 && !cost_over_budget(&r) && !r.environment);
	/* default (50 GB + 20 GB of endpoint traffic: no interface endpoints) x 0.045 */
	CHECK_MONEY(line(&r, "Nat", "NAT data processed"), 3.15);
	cost_report_release(&r);
	sm_assembly_release(&a);
	diag_list_release(&dl);
}

int main(void)
{
	setup();
	RUN(nat_gateway_for_730_hours);
	RUN(without_interface_endpoints_their_traffic_is_nat_data);
	RUN(rds_multi_az_doubles_hours_and_storage);
	RUN(compute_waf_logs_and_total);
	RUN(against_shows_the_difference);
	RUN(missing_or_bad_price_file_is_an_error);
	RUN(missing_class_names_the_key);
	RUN(defaults_come_from_the_analysis_table);
	teardown();
	return test_done();
}
