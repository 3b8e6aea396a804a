/*
 * The constructs that watch and connect (observe.h, alarms.h's helpers,
 * net.h), alone in a scratch stack, as test_constructs.c does for the
 * others: their defaults, and a required prop left unset failing the
 * synthesis with the key's name.
 */
#include <stdlib.h>
#include <string.h>

#include "constructs/alarms.h"
#include "constructs/network.h"
#include "constructs/observe.h"
#include "engine/engine.h"
#include "support/construct_fixture.h"
#include "support/test.h"

static struct sm_stack *stack;

/* The Fn::Sub text of the dashboard `id`'s body. */
static const char *dashboard_body(const char *id)
{
	const json_t *sub = json_object_get(
		json_object_get(json_object_get(cf_resource(id), "Properties"), "DashboardBody"),
		"Fn::Sub");
	return json_string_value(json_array_get(sub, 0));
}

TEST(dashboard_lays_widgets_out_two_to_a_row)
{
	stack = cf_scratch();
	static const struct dashboard_widget widgets[] = {
		{.title = "A", .stat = "Sum", .period = 60, .metrics = "[[\"NS\",\"M\",\"D\",\"${X}\"]]"},
		{.title = "B",
		 .stat = "p95",
		 .period = 60,
		 .metrics = "[]",
		 .annotations = "{\"horizontal\":[]}"},
		{.title = "C", .stat = "Average", .period = 300, .metrics = "[]"},
		{0}};
	dashboard_new(stack, "Board", "shop-overview", widgets,
		      json_pack("{ss}", "X", "value"));
	const char *body = dashboard_body("Board");
	json_t *parsed = json_loads(body ? body : "", 0, NULL);
	CHECK(parsed != NULL); /* the body is JSON (CloudWatch refuses anything else) */
	json_t *w = json_object_get(parsed, "widgets");
	CHECK(json_array_size(w) == 3);
	CHECK(json_integer_value(json_object_get(json_array_get(w, 1), "x")) == 12);
	CHECK(json_integer_value(json_object_get(json_array_get(w, 2), "y")) == 6);
	CHECK(json_object_get(json_object_get(json_array_get(w, 1), "properties"), "annotations"));
	CHECK_CONTAINS(body, "\"region\":\"${AWS::Region}\"");
	json_decref(parsed);
	CHECK(cf_has("Board", "{\"DashboardName\":\"shop-overview\"}"));
}

TEST(budget_warns_on_actual_and_forecast)
{
	stack = cf_scratch();
	budget_monthly_new(stack, "Budget",
			   &(struct budget_props){.name = "shop-monthly",
						  .monthly_usd = 500,
						  .email = "ops@shop.example",
						  .cost_filter_tag = "user:Environment$prod"});
	CHECK(cf_has("Budget",
		     "{\"Budget\":{\"BudgetType\":\"COST\",\"TimeUnit\":\"MONTHLY\",\"BudgetLimit\":{"
		     "\"Amount\":500.0,\"Unit\":\"USD\"},\"CostFilters\":{\"TagKeyValue\":["
		     "\"user:Environment$prod\"]}},\"NotificationsWithSubscribers\":["
		     "{\"Notification\":{\"NotificationType\":\"ACTUAL\",\"Threshold\":80.0},"
		     "\"Subscribers\":[{\"Address\":\"ops@shop.example\"}]},"
		     "{\"Notification\":{\"NotificationType\":\"FORECASTED\",\"Threshold\":100.0}}]}"));
	stack = cf_scratch();
	budget_monthly_new(stack, "Budget",
			   &(struct budget_props){.name = "shop-monthly", .monthly_usd = 500});
	CHECK(cf_fails_naming("[0].Address"));
}

/* Cost anomaly alerts of `monitor_arn` (NULL: a new monitor) in a new scratch stack. */
static void anomaly_alerts(const char *monitor_arn)
{
	stack = cf_scratch();
	cost_anomaly_alerts_new(stack, "Anomaly",
				&(struct cost_anomaly_props){.monitor_arn = monitor_arn,
							     .monitor_name = "shop-services",
							     .subscription_name = "shop-anomalies",
							     .email = "ops@shop.example",
							     .threshold_usd = 100});
}

TEST(cost_anomalies_use_a_new_monitor_or_the_accounts)
{
	anomaly_alerts(NULL);
	CHECK(cf_has("AnomalyMonitor", "{\"MonitorType\":\"DIMENSIONAL\",\"MonitorDimension\":"
				       "\"SERVICE\"}"));
	CHECK(cf_has("AnomalySubscription",
		     "{\"Frequency\":\"DAILY\",\"MonitorArnList\":[{\"Ref\":\"AnomalyMonitor\"}],"
		     "\"ThresholdExpression\":\"{\\\"Dimensions\\\":{\\\"Key\\\":\\\"ANOMALY_TOTAL_"
		     "IMPACT_ABSOLUTE\\\",\\\"Values\\\":[\\\"100\\\"],\\\"MatchOptions\\\":[\\\"GREATER_"
		     "THAN_OR_EQUAL\\\"]}}\"}"));
	anomaly_alerts("arn:aws:ce::1:anomalymonitor/m");
	CHECK(cf_resource("AnomalyMonitor") == NULL);
	CHECK(cf_has("AnomalySubscription",
		     "{\"MonitorArnList\":[\"arn:aws:ce::1:anomalymonitor/m\"]}"));
}

TEST(tracing_samples_and_groups)
{
	stack = cf_scratch();
	tracing_new(stack, "Tracing",
		    &(struct tracing_props){.rule_name = "prod-default",
					    .service_name = "shop-prod",
					    .priority = 1000,
					    .fixed_rate = 0.05,
					    .group_name = "shop-prod",
					    .filter = "fault = true"});
	CHECK(cf_has("TracingSamplingRule", "{\"SamplingRule\":{\"RuleName\":\"prod-default\","
					    "\"ReservoirSize\":1,\"ServiceName\":\"shop-prod\"}}"));
	CHECK(cf_has("TracingGroup", "{\"FilterExpression\":\"fault = true\","
				     "\"InsightsConfiguration\":{\"InsightsEnabled\":true}}"));
	stack = cf_scratch();
	tracing_new(stack, "Tracing",
		    &(struct tracing_props){.priority = 1000, .fixed_rate = 0.05, .filter = "x"});
	CHECK(cf_fails_naming("RuleName"));
}

TEST(alarm_dimensions_pair_names_and_values)
{
	json_t *d = alarm_dimensions("A", json_string("1"), "B", json_string("2"), NULL);
	json_t *want = json_loads("[{\"Name\":\"A\",\"Value\":\"1\"},{\"Name\":\"B\",\"Value\":\"2\"}]",
				  0, NULL);
	CHECK(json_equal(d, want));
	json_decref(d);
	json_decref(want);
}

static struct vpc vpc;

/* A scratch stack holding a two-AZ VPC (10.0.0.0/16). */
static void with_vpc(void)
{
	stack = cf_scratch();
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(vpc_new(stack, "Vpc", &(struct vpc_props){.cidr = "10.0.0.0/16", .max_azs = 2},
		      &vpc, &dl) == 0);
	diag_list_release(&dl);
}

TEST(security_groups_allow_no_egress_unless_told)
{
	with_vpc();
	struct sm_resource *a = security_group_new(
		stack, "A",
		&(struct security_group_props){
			.description = "front",
			.vpc = &vpc,
			.ingress = json_pack("[o]", sg_tcp_cidr("10.0.0.0/16", 443, "https"))});
	struct sm_resource *b = security_group_new(
		stack, "B", &(struct security_group_props){.description = "back", .vpc = &vpc});
	security_group_connect(stack, "AToB", a, b, 8080, "front to back");
	/* a group with no egress rule allows all: the CDK's rule that matches nothing */
	CHECK(cf_has("B", "{\"SecurityGroupEgress\":[{\"CidrIp\":\"255.255.255.255/32\","
			  "\"IpProtocol\":\"icmp\",\"FromPort\":252,\"ToPort\":86}]}"));
	CHECK(!json_object_get(json_object_get(cf_resource("B"), "Properties"),
			       "SecurityGroupIngress"));
	CHECK(cf_has("A", "{\"SecurityGroupIngress\":[{\"CidrIp\":\"10.0.0.0/16\",\"FromPort\":443,"
			  "\"ToPort\":443,\"IpProtocol\":\"tcp\"}]}"));
	CHECK(cf_has("AToBEgress", "{\"GroupId\":{\"Fn::GetAtt\":[\"A\",\"GroupId\"]},\"FromPort\":"
				   "8080,\"DestinationSecurityGroupId\":{\"Fn::GetAtt\":[\"B\","
				   "\"GroupId\"]}}"));
	CHECK(cf_has("AToBIngress", "{\"GroupId\":{\"Fn::GetAtt\":[\"B\",\"GroupId\"]},\"ToPort\":"
				    "8080,\"SourceSecurityGroupId\":{\"Fn::GetAtt\":[\"A\","
				    "\"GroupId\"]}}"));
	stack = cf_scratch();
	security_group_new(stack, "C", &(struct security_group_props){.description = "no vpc"});
	CHECK(cf_fails_naming("'VpcId'"));
}

TEST(nacl_covers_its_tier_and_allows_only_its_entries)
{
	with_vpc();
	struct sm_resource *acl = nacl_new(stack, "PrivateNacl", &vpc, VPC_TIER_PRIVATE);
	nacl_allow(stack, acl, 100, false, 443, 443, "10.0.0.0/16");
	nacl_allow_tier(stack, acl, 200, true, -1, -1, &vpc, VPC_TIER_ISOLATED);
	CHECK(cf_has("PrivateNaclAssoc1", "{\"SubnetId\":{\"Ref\":\"VpcPrivateSubnet1\"}}"));
	CHECK(cf_has("PrivateNaclAssoc2", "{\"SubnetId\":{\"Ref\":\"VpcPrivateSubnet2\"}}"));
	CHECK(cf_has("PrivateNaclIngress100",
		     "{\"RuleNumber\":100,\"RuleAction\":\"allow\",\"Egress\":false,\"Protocol\":6,"
		     "\"PortRange\":{\"From\":443,\"To\":443}}"));
	/* all traffic: no ports; one entry per isolated subnet (10.0.4.0/24, 10.0.5.0/24) */
	CHECK(cf_has("PrivateNaclEgress200",
		     "{\"Egress\":true,\"Protocol\":-1,\"CidrBlock\":\"10.0.4.0/24\"}"));
	CHECK(cf_has("PrivateNaclEgress201", "{\"CidrBlock\":\"10.0.5.0/24\"}"));
	CHECK(!json_object_get(json_object_get(cf_resource("PrivateNaclEgress200"), "Properties"),
			       "PortRange"));
}

TEST(endpoints_keep_traffic_inside_the_vpc)
{
	with_vpc();
	struct sm_resource *sg = security_group_new(
		stack, "Sg", &(struct security_group_props){.description = "endpoints", .vpc = &vpc});
	vpc_gateway_endpoint_new(stack, "S3", &vpc, "s3");
	vpc_interface_endpoint_new(stack, "Logs", &vpc, "logs", sg);
	CHECK(cf_has("S3", "{\"VpcEndpointType\":\"Gateway\",\"ServiceName\":{\"Fn::Sub\":"
			   "\"com.amazonaws.${AWS::Region}.s3\"}}"));
	const json_t *rts =
		json_object_get(json_object_get(cf_resource("S3"), "Properties"), "RouteTableIds");
	CHECK(json_array_size(rts) == 4); /* private and isolated, two AZs */
	CHECK(cf_has("Logs", "{\"VpcEndpointType\":\"Interface\",\"PrivateDnsEnabled\":true,"
			     "\"SubnetIds\":[{\"Ref\":\"VpcPrivateSubnet1\"},{\"Ref\":"
			     "\"VpcPrivateSubnet2\"}],\"SecurityGroupIds\":[{\"Fn::GetAtt\":[\"Sg\","
			     "\"GroupId\"]}]}"));
}

TEST(flow_log_records_all_traffic_encrypted)
{
	with_vpc();
	struct sm_resource *key = cf_any("Key", "AWS::KMS::Key");
	vpc_flow_log_new(stack, "FlowLog",
			 &(struct flow_log_props){.vpc = &vpc, .kms_key = key, .retention_days = 90});
	CHECK(cf_has("FlowLog", "{\"ResourceId\":{\"Ref\":\"Vpc\"},\"ResourceType\":\"VPC\","
				"\"TrafficType\":\"ALL\",\"LogGroupName\":{\"Ref\":\"FlowLogs\"},"
				"\"DeliverLogsPermissionArn\":{\"Fn::GetAtt\":[\"FlowLogsRole\","
				"\"Arn\"]}}"));
	CHECK(cf_has("FlowLogs", "{\"RetentionInDays\":90,\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\","
				 "\"Arn\"]}}"));
	/* it delivers with the role as soon as it exists: after the role's policy */
	CHECK(cf_depends("FlowLog", "FlowLogsRolePolicy"));
	with_vpc();
	vpc_flow_log_new(stack, "FlowLog",
			 &(struct flow_log_props){.vpc = &vpc, .retention_days = 90});
	CHECK(cf_fails_naming("'KmsKeyId'"));
}

int main(void)
{
	RUN(dashboard_lays_widgets_out_two_to_a_row);
	RUN(budget_warns_on_actual_and_forecast);
	RUN(cost_anomalies_use_a_new_monitor_or_the_accounts);
	RUN(tracing_samples_and_groups);
	RUN(alarm_dimensions_pair_names_and_values);
	RUN(security_groups_allow_no_egress_unless_told);
	RUN(nacl_covers_its_tier_and_allows_only_its_entries);
	RUN(endpoints_keep_traffic_inside_the_vpc);
	RUN(flow_log_records_all_traffic_encrypted);
	cf_release();
	return test_done();
}
