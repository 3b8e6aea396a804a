/*
 * The constructs that watch and connect (observe.h, alarms.h's helpers,
 * net.h), alone in a scratch stack, as test_constructs.c does for the
 * others: their defaults, and a required prop left unset failing the
 * synthesis with the key's name.
 */
#include <stdlib.h>
#include <string.h>

#include "constructs/alarms.h"
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
					    .priority = 1000,
					    .fixed_rate = 0.05,
					    .group_name = "shop-prod",
					    .filter = "fault = true"});
	CHECK(cf_has("TracingSamplingRule", "{\"SamplingRule\":{\"RuleName\":\"prod-default\","
					    "\"ReservoirSize\":1,\"ServiceName\":\"*\"}}"));
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

int main(void)
{
	RUN(dashboard_lays_widgets_out_two_to_a_row);
	RUN(budget_warns_on_actual_and_forecast);
	RUN(cost_anomalies_use_a_new_monitor_or_the_accounts);
	RUN(tracing_samples_and_groups);
	RUN(alarm_dimensions_pair_names_and_values);
	cf_release();
	return test_done();
}
