/*
 * FR-6 monitoring: the alarm topic, alarms on the success metrics and on
 * every tier, a dashboard, X-Ray sampling, the budget and cost anomalies.
 */
#include "lib/monitoring.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/alarms.h"

static struct sm_resource *topic_new(struct sm_stack *s, const char *id,
				     const struct env_config *cfg, struct sm_resource *key)
{
	return alarm_topic_new(s, id, "SoleMate alarms", key, cfg->alarm_email);
}

struct sm_resource *monitoring_add_topic(struct sm_stack *data, const struct env_config *cfg,
					 const struct security_keys *keys)
{
	struct sm_resource *t = topic_new(data, "AlarmTopic", cfg, keys->logs_key);
	sm_stack_add_output(data, "AlarmTopicArn", sm_ref(t), "Where alarms are sent", NULL);
	return t;
}

/* FR-6.1, FR-6.4: the PRD's success metric (responses under 200 ms) and every tier */
static void service_alarms(struct sm_stack *s, struct sm_resource *topic, const struct compute *cp)
{
	alarms_for_load_balancer(
		s, "",
		&(struct load_balancer_alarm_props){.load_balancer = cp->alb,
						    .target_group = cp->target_group,
						    .latency_p95_seconds = 0.2,
						    .latency_description =
							    "p95 response time above 200 ms (PRD)"},
		topic);
	alarms_for_service(s, "Ecs", cp->cluster, cp->service, topic);
}

static void database_alarms(struct sm_stack *s, const struct env_config *cfg,
			    struct sm_resource *topic, const struct database *db)
{
	alarms_for_postgres(s, db->instance, cfg->database_instance_class, topic);
	for (int i = 0; i < db->replica_nr; i++) {
		char *id = xstrfmt("%sLagAlarm", sm_resource_id(db->replicas[i]));
		monitoring_add_replica_lag_alarm(s, id, db->replicas[i], topic);
		free(id);
	}
}

void monitoring_add_replica_lag_alarm(struct sm_stack *s, const char *id,
				      struct sm_resource *replica, struct sm_resource *topic)
{
	alarm_replica_lag(s, id, replica, MONITORING_REPLICA_LAG_SECONDS, topic);
}

/* CloudFront and its WAF publish metrics in us-east-1 only: alarms live there. */
static void edge_alarms(struct sm_stack *es, const struct env_config *cfg, const struct edge *e)
{
	struct sm_resource *topic = topic_new(es, "EdgeAlarmTopic", cfg, e->key);
	alarm_new(es, "Cdn5xxRateAlarm",
		  &(struct alarm_props){
			  "CloudFront 5xx error rate above 5 %", "AWS/CloudFront", "5xxErrorRate",
			  "Average", "GreaterThanThreshold", 5, 300, 2,
			  json_pack("[oo]",
				    alarm_dimension("DistributionId", sm_ref(e->distribution)),
				    alarm_dimension("Region", json_string("Global")))},
		  topic);
	char *metric = xstrfmt("%sCdn", cfg->stack_prefix);
	alarm_new(es, "CdnWafBlockedAlarm",
		  &(struct alarm_props){
			  "WAF blocking a spike of requests", "AWS/WAFV2", "BlockedRequests", "Sum",
			  "GreaterThanThreshold", 1000, 300, 1,
			  json_pack("[oo]", alarm_dimension("WebACL", json_string(metric)),
				    alarm_dimension("Rule", json_string("ALL")))},
		  topic);
	free(metric);
}

static void dashboard(struct sm_stack *s, const struct env_config *cfg, const struct compute *cp,
		      const struct database *db)
{
	/* CloudWatch dashboard body; ${...} are filled by Fn::Sub */
	const char *body =
		"{\"widgets\":["
		"{\"type\":\"metric\",\"x\":0,\"y\":0,\"width\":12,\"height\":6,\"properties\":{"
		"\"title\":\"Requests and errors\",\"region\":\"${AWS::Region}\",\"stat\":\"Sum\","
		"\"period\":60,\"metrics\":["
		"[\"AWS/ApplicationELB\",\"RequestCount\",\"LoadBalancer\",\"${Alb}\"],"
		"[\".\",\"HTTPCode_ELB_5XX_Count\",\".\",\".\"],"
		"[\".\",\"HTTPCode_Target_5XX_Count\",\".\",\".\"]]}},"
		"{\"type\":\"metric\",\"x\":12,\"y\":0,\"width\":12,\"height\":6,\"properties\":{"
		"\"title\":\"p95 response time (target 200 ms)\",\"region\":\"${AWS::Region}\","
		"\"stat\":\"p95\",\"period\":60,\"metrics\":["
		"[\"AWS/ApplicationELB\",\"TargetResponseTime\",\"LoadBalancer\",\"${Alb}\"]],"
		"\"annotations\":{\"horizontal\":[{\"value\":0.2,\"label\":\"200 ms\"}]}}},"
		"{\"type\":\"metric\",\"x\":0,\"y\":6,\"width\":12,\"height\":6,\"properties\":{"
		"\"title\":\"Application CPU and memory\",\"region\":\"${AWS::Region}\","
		"\"stat\":\"Average\",\"period\":60,\"metrics\":["
		"[\"AWS/ECS\",\"CPUUtilization\",\"ClusterName\",\"${Cluster}\",\"ServiceName\","
		"\"${Service}\"],[\".\",\"MemoryUtilization\",\".\",\".\",\".\",\".\"]]}},"
		"{\"type\":\"metric\",\"x\":12,\"y\":6,\"width\":12,\"height\":6,\"properties\":{"
		"\"title\":\"Database\",\"region\":\"${AWS::Region}\",\"stat\":\"Average\","
		"\"period\":300,\"metrics\":["
		"[\"AWS/RDS\",\"CPUUtilization\",\"DBInstanceIdentifier\",\"${Db}\"],"
		"[\".\",\"DatabaseConnections\",\".\",\".\"],"
		"[\".\",\"FreeStorageSpace\",\".\",\".\",{\"yAxis\":\"right\"}]]}}"
		"]}";
	char *name = xstrfmt("%s-overview", cfg->stack_prefix);
	sm_resource_new(
		s, "Dashboard", "AWS::CloudWatch::Dashboard",
		json_pack("{ss so}", "DashboardName", name, "DashboardBody",
			  sm_fn_sub_vars(body, json_pack("{so so so so}", "Alb",
							 sm_getatt(cp->alb, "LoadBalancerFullName"),
							 "Cluster", sm_ref(cp->cluster), "Service",
							 sm_getatt(cp->service, "Name"), "Db",
							 sm_ref(db->instance)))));
	free(name);
}

static void tracing(struct sm_stack *s, const struct env_config *cfg)
{
	char *rule = xstrfmt("%s-default", cfg->environment);
	sm_resource_new(s, "TracingSamplingRule", "AWS::XRay::SamplingRule",
			json_pack("{s{ss si sf si ss ss ss ss ss ss si}}", "SamplingRule",
				  "RuleName", rule, "Priority", 1000, "FixedRate", 0.05,
				  "ReservoirSize", 1, "ServiceName", "*", "ServiceType", "*",
				  "Host", "*", "HTTPMethod", "*", "URLPath", "*", "ResourceARN",
				  "*", "Version", 1));
	char *group = xstrfmt("solemate-%s", cfg->environment);
	sm_resource_new(s, "TracingGroup", "AWS::XRay::Group",
			json_pack("{ss ss s{sb}}", "GroupName", group, "FilterExpression",
				  "responsetime > 0.2 OR fault = true", "InsightsConfiguration",
				  "InsightsEnabled", 1));
	free(rule);
	free(group);
}

static void budget(struct sm_stack *s, const struct env_config *cfg)
{
	char *name = xstrfmt("%s-monthly", cfg->stack_prefix);
	json_t *subs =
		json_pack("[{ssss}]", "SubscriptionType", "EMAIL", "Address", cfg->alarm_email);
	struct sm_resource *budget = sm_resource_new(
		s, "MonthlyBudget", "AWS::Budgets::Budget",
		json_pack("{s{ss ss ss s{sfss}} s[{s{sssssssf}sO},{s{sssssssf}so}]}", "Budget",
			  "BudgetName", name, "BudgetType", "COST", "TimeUnit", "MONTHLY",
			  "BudgetLimit", "Amount", cfg->monthly_budget, "Unit", "USD",
			  "NotificationsWithSubscribers", "Notification", "NotificationType",
			  "ACTUAL", "ComparisonOperator", "GREATER_THAN", "ThresholdType",
			  "PERCENTAGE", "Threshold", 80.0, "Subscribers", subs, "Notification",
			  "NotificationType", "FORECASTED", "ComparisonOperator", "GREATER_THAN",
			  "ThresholdType", "PERCENTAGE", "Threshold", 100.0, "Subscribers", subs));
	/*
	 * Only this environment's costs: those tagged Environment=<env> (the
	 * engine tags every resource). "user:KEY$VALUE" is the Budgets filter of
	 * a user-defined cost allocation tag, which counts only once the tag is
	 * activated in the Billing console (docs/infrastructure.md).
	 */
	char *tag = xstrfmt("user:Environment$%s", cfg->environment);
	json_object_set_new(json_object_get(sm_resource_props(budget), "Budget"), "CostFilters",
			    json_pack("{s[s]}", "TagKeyValue", tag));
	free(tag);
	free(name);
}

void monitoring_add_cost_anomalies(struct sm_stack *baseline, const struct baseline_config *cfg)
{
	/*
	 * An account holds one AWS services (DIMENSIONAL/SERVICE) monitor (AWS
	 * Cost Anomaly Detection FAQs: "up to one AWS Service Monitor"): it lives
	 * in the baseline, or, when the account has one already, the baseline
	 * subscribes to that one (costAnomalyMonitorArn).
	 */
	json_t *monitor;
	if (cfg->cost_anomaly_monitor_arn) {
		monitor = json_string(cfg->cost_anomaly_monitor_arn);
	} else {
		struct sm_resource *mon = sm_resource_new(
			baseline, "CostAnomalyMonitor", "AWS::CE::AnomalyMonitor",
			json_pack("{ss ss ss}", "MonitorName", "solemate-services", "MonitorType",
				  "DIMENSIONAL", "MonitorDimension", "SERVICE"));
		monitor = sm_ref(mon);
	}
	char *threshold =
		xstrfmt("{\"Dimensions\":{\"Key\":\"ANOMALY_TOTAL_IMPACT_ABSOLUTE\","
			"\"Values\":[\"%g\"],\"MatchOptions\":[\"GREATER_THAN_OR_EQUAL\"]}}",
			cfg->anomaly_threshold_usd);
	sm_resource_new(baseline, "CostAnomalySubscription", "AWS::CE::AnomalySubscription",
			json_pack("{ss ss s[o] s[{ssss}] ss}", "SubscriptionName",
				  "solemate-anomalies", "Frequency", "DAILY", "MonitorArnList",
				  monitor, "Subscribers", "Type", "EMAIL", "Address",
				  cfg->alarm_email, "ThresholdExpression", threshold));
	free(threshold);
}

int monitoring_build(struct sm_stack *s, struct sm_stack *edge_stack, const struct env_config *cfg,
		     const struct security_keys *keys, struct sm_resource *topic,
		     const struct compute *cp, const struct database *db, const struct edge *edge,
		     struct diag_list *dl)
{
	(void)keys;
	(void)dl;
	service_alarms(s, topic, cp);
	database_alarms(s, cfg, topic, db);
	if (edge->distribution)
		edge_alarms(edge_stack, cfg, edge);
	dashboard(s, cfg, cp, db);
	tracing(s, cfg);
	budget(s, cfg);
	return 0;
}
