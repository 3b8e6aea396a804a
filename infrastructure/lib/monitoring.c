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
#include "constructs/observe.h"

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
	/*
	 * ECS publishes CPUUtilization and MemoryUtilization per service
	 * (ClusterName, ServiceName): the tasks on the Auto Scaling group's
	 * instances are another service, which the Fargate one's alarms do
	 * not see (ECS developer guide, "Amazon ECS CloudWatch metrics").
	 */
	if (cp->ec2_service)
		alarms_for_service(s, "Ec2Service", cp->cluster, cp->ec2_service, topic);
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
		  &(struct alarm_props){"CloudFront 5xx error rate above 5 %", "AWS/CloudFront",
					"5xxErrorRate", "Average", "GreaterThanThreshold", 5, 300,
					2,
					alarm_dimensions("DistributionId", sm_ref(e->distribution),
							 "Region", json_string("Global"), NULL)},
		  topic);
	char *metric = xstrfmt("%sCdn", cfg->stack_prefix);
	alarm_new(es, "CdnWafBlockedAlarm",
		  &(struct alarm_props){"WAF blocking a spike of requests", "AWS/WAFV2",
					"BlockedRequests", "Sum", "GreaterThanThreshold", 1000, 300,
					1,
					alarm_dimensions("WebACL", json_string(metric), "Rule",
							 json_string("ALL"), NULL)},
		  topic);
	free(metric);
	/*
	 * Route 53 fails the shop over to the DR region when the primary's
	 * calculated check turns unhealthy (edge.c): say so. Its metric,
	 * HealthCheckStatus (1 healthy, 0 unhealthy, per HealthCheckId), is
	 * published in us-east-1 only (Route 53 developer guide, "Monitoring
	 * health checks using CloudWatch"), which is where this stack lives.
	 */
	if (e->failover_check)
		alarm_new(
			es, "FailoverAlarm",
			&(struct alarm_props){
				"Primary path unhealthy: Route 53 answers with the DR standby",
				"AWS/Route53", "HealthCheckStatus", "Minimum", "LessThanThreshold",
				1, 60, 1,
				alarm_dimensions("HealthCheckId", sm_ref(e->failover_check), NULL)},
			topic);
}

/* FR-6.2: the success metrics and every tier on one page; ${...} are filled by Fn::Sub */
static const struct dashboard_widget overview[] = {
	{.title = "Requests and errors",
	 .stat = "Sum",
	 .period = 60,
	 .metrics = "[[\"AWS/ApplicationELB\",\"RequestCount\",\"LoadBalancer\",\"${Alb}\"],"
		    "[\".\",\"HTTPCode_ELB_5XX_Count\",\".\",\".\"],"
		    "[\".\",\"HTTPCode_Target_5XX_Count\",\".\",\".\"]]"},
	{.title = "p95 response time (target 200 ms)",
	 .stat = "p95",
	 .period = 60,
	 .metrics = "[[\"AWS/ApplicationELB\",\"TargetResponseTime\",\"LoadBalancer\",\"${Alb}\"]]",
	 .annotations = "{\"horizontal\":[{\"value\":0.2,\"label\":\"200 ms\"}]}"},
	{.title = "Application CPU and memory",
	 .stat = "Average",
	 .period = 60,
	 .metrics =
		 "[[\"AWS/ECS\",\"CPUUtilization\",\"ClusterName\",\"${Cluster}\",\"ServiceName\","
		 "\"${Service}\"],[\".\",\"MemoryUtilization\",\".\",\".\",\".\",\".\"]]"},
	{.title = "Database",
	 .stat = "Average",
	 .period = 300,
	 .metrics = "[[\"AWS/RDS\",\"CPUUtilization\",\"DBInstanceIdentifier\",\"${Db}\"],"
		    "[\".\",\"DatabaseConnections\",\".\",\".\"],"
		    "[\".\",\"FreeStorageSpace\",\".\",\".\",{\"yAxis\":\"right\"}]]"},
	{0}};

static void dashboard(struct sm_stack *s, const struct env_config *cfg, const struct compute *cp,
		      const struct database *db)
{
	char *name = xstrfmt("%s-overview", cfg->stack_prefix);
	dashboard_new(s, "Dashboard", name, overview,
		      sm_object("Alb", sm_getatt(cp->alb, "LoadBalancerFullName"), "Cluster",
				sm_ref(cp->cluster), "Service", sm_getatt(cp->service, "Name"),
				"Db", sm_ref(db->instance), NULL));
	free(name);
}

void monitoring_add_tracing(struct sm_stack *s, const struct env_config *cfg)
{
	char *rule = xstrfmt("%s-default", cfg->environment);
	char *group = compute_tracing_name(cfg);
	/*
	 * the group is the Region's, as the rule is: without service(...) it
	 * gathered every application's slow and failed traces (X-Ray developer
	 * guide, "Using filter expressions", complex keywords)
	 */
	char *filter = xstrfmt("service(\"%s\") { responsetime > 0.2 OR fault = true }", group);
	/* 5 % of requests after the first of each second; the group gathers the slow and failed */
	tracing_new(s, "Tracing",
		    &(struct tracing_props){.rule_name = rule,
					    .service_name = group,
					    .priority = 1000,
					    .fixed_rate = 0.05,
					    .group_name = group,
					    .filter = filter});
	free(filter);
	free(rule);
	free(group);
}

static void budget(struct sm_stack *s, const struct env_config *cfg)
{
	char *name = xstrfmt("%s-monthly", cfg->stack_prefix);
	/*
	 * Only this environment's costs: those tagged Environment=<env> (the
	 * engine tags every resource), once the tag is activated as a cost
	 * allocation tag in the Billing console (docs/infrastructure.md).
	 */
	char *tag = xstrfmt("user:Environment$%s", cfg->environment);
	budget_monthly_new(s, "MonthlyBudget",
			   &(struct budget_props){.name = name,
						  .monthly_usd = cfg->monthly_budget,
						  .email = cfg->alarm_email,
						  .cost_filter_tag = tag});
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
	cost_anomaly_alerts_new(
		baseline, "CostAnomaly",
		&(struct cost_anomaly_props){.monitor_arn = cfg->cost_anomaly_monitor_arn,
					     .monitor_name = "solemate-services",
					     .subscription_name = "solemate-anomalies",
					     .email = cfg->alarm_email,
					     .threshold_usd = cfg->anomaly_threshold_usd});
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
	monitoring_add_tracing(s, cfg);
	budget(s, cfg);
	return 0;
}
