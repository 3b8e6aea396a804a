/* Dashboards, budgets, cost anomalies and tracing (observe.h). */
#include "constructs/observe.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* Two widgets to a row, each half the dashboard's 24 columns wide. */
#define DASHBOARD_WIDGET_WIDTH 12
#define DASHBOARD_WIDGET_HEIGHT 6

struct sm_resource *dashboard_new(struct sm_stack *s, const char *id, const char *name,
				  const struct dashboard_widget *widgets, json_t *vars)
{
	struct strbuf body = STRBUF_INIT;
	strbuf_add(&body, "{\"widgets\":[", 12);
	for (int i = 0; widgets[i].title; i++) {
		const struct dashboard_widget *w = &widgets[i];
		strbuf_addf(&body,
			    "%s{\"type\":\"metric\",\"x\":%d,\"y\":%d,\"width\":%d,\"height\":%d,"
			    "\"properties\":{\"title\":\"%s\",\"region\":\"${AWS::Region}\","
			    "\"stat\":\"%s\",\"period\":%d,\"metrics\":%s",
			    i ? "," : "", i % 2 * DASHBOARD_WIDGET_WIDTH,
			    i / 2 * DASHBOARD_WIDGET_HEIGHT, DASHBOARD_WIDGET_WIDTH,
			    DASHBOARD_WIDGET_HEIGHT, w->title, w->stat, w->period, w->metrics);
		if (w->annotations)
			strbuf_addf(&body, ",\"annotations\":%s", w->annotations);
		strbuf_add(&body, "}}", 2);
	}
	strbuf_add(&body, "]}", 2);
	struct sm_resource *r =
		sm_resource_new(s, id, "AWS::CloudWatch::Dashboard",
				json_pack("{ss so}", "DashboardName", name, "DashboardBody",
					  sm_fn_sub_vars(body.buf, vars)));
	strbuf_release(&body);
	return r;
}

static json_t *budget_notification(const char *type, double percent, json_t *subscribers)
{
	return json_pack("{s{ss ss ss sf} so}", "Notification", "NotificationType", type,
			 "ComparisonOperator", "GREATER_THAN", "ThresholdType", "PERCENTAGE",
			 "Threshold", percent, "Subscribers", subscribers);
}

struct sm_resource *budget_monthly_new(struct sm_stack *s, const char *id,
				       const struct budget_props *p)
{
	json_t *subs = json_pack("[{ssss}]", "SubscriptionType", "EMAIL", "Address", p->email);
	json_t *budget = json_pack("{ss ss ss s{sfss}}", "BudgetName", p->name, "BudgetType",
				   "COST", "TimeUnit", "MONTHLY", "BudgetLimit", "Amount",
				   p->monthly_usd, "Unit", "USD");
	/*
	 * "user:KEY$VALUE" is the Budgets filter of a user-defined cost
	 * allocation tag, which counts only once the tag is activated in the
	 * Billing console.
	 */
	if (p->cost_filter_tag)
		json_object_set_new(budget, "CostFilters",
				    json_pack("{s[s]}", "TagKeyValue", p->cost_filter_tag));
	json_t *notes = json_pack("[o o]", budget_notification("ACTUAL", 80.0, json_incref(subs)),
				  budget_notification("FORECASTED", 100.0, json_incref(subs)));
	json_decref(subs);
	return sm_resource_new(
		s, id, "AWS::Budgets::Budget",
		json_pack("{so so}", "Budget", budget, "NotificationsWithSubscribers", notes));
}

struct sm_resource *cost_anomaly_alerts_new(struct sm_stack *s, const char *id,
					    const struct cost_anomaly_props *p)
{
	json_t *monitor;
	if (p->monitor_arn) {
		monitor = json_string(p->monitor_arn);
	} else {
		char *mid = xstrfmt("%sMonitor", id);
		struct sm_resource *mon = sm_resource_new(
			s, mid, "AWS::CE::AnomalyMonitor",
			json_pack("{ss ss ss}", "MonitorName", p->monitor_name, "MonitorType",
				  "DIMENSIONAL", "MonitorDimension", "SERVICE"));
		free(mid);
		monitor = sm_ref(mon);
	}
	char *threshold =
		xstrfmt("{\"Dimensions\":{\"Key\":\"ANOMALY_TOTAL_IMPACT_ABSOLUTE\","
			"\"Values\":[\"%g\"],\"MatchOptions\":[\"GREATER_THAN_OR_EQUAL\"]}}",
			p->threshold_usd);
	char *sid = xstrfmt("%sSubscription", id);
	struct sm_resource *sub = sm_resource_new(
		s, sid, "AWS::CE::AnomalySubscription",
		json_pack("{ss ss s[o] s[{ssss}] ss}", "SubscriptionName", p->subscription_name,
			  "Frequency", "DAILY", "MonitorArnList", monitor, "Subscribers", "Type",
			  "EMAIL", "Address", p->email, "ThresholdExpression", threshold));
	free(sid);
	free(threshold);
	return sub;
}

void tracing_new(struct sm_stack *s, const char *id, const struct tracing_props *p)
{
	char *rid = xstrfmt("%sSamplingRule", id);
	sm_resource_new(s, rid, "AWS::XRay::SamplingRule",
			json_pack("{s{ss si sf si ss ss ss ss ss ss si}}", "SamplingRule",
				  "RuleName", p->rule_name, "Priority", p->priority, "FixedRate",
				  p->fixed_rate, "ReservoirSize", 1, "ServiceName", p->service_name,
				  "ServiceType", "*", "Host", "*", "HTTPMethod", "*", "URLPath",
				  "*", "ResourceARN", "*", "Version", 1));
	free(rid);
	char *gid = xstrfmt("%sGroup", id);
	sm_resource_new(s, gid, "AWS::XRay::Group",
			json_pack("{ss ss s{sb}}", "GroupName", p->group_name, "FilterExpression",
				  p->filter, "InsightsConfiguration", "InsightsEnabled", 1));
	free(gid);
}
