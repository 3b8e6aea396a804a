/*
 * Watching a running system and what it costs (the CDK's cloudwatch.Dashboard,
 * budgets.CfnBudget, ce.CfnAnomalyMonitor/CfnAnomalySubscription and
 * xray.CfnSamplingRule/CfnGroup), with the defaults an operator expects:
 *
 *   dashboard_new     metric widgets from a table, two to a row (12 x 6
 *                     each), in the stack's region; ${Name} in a widget's
 *                     metrics is filled by Fn::Sub from `vars`
 *   budget_monthly_new  a monthly cost budget that e-mails when the actual
 *                     spend passes 80 % and when the forecast passes 100 %
 *   cost_anomaly_alerts_new  a daily e-mail of cost anomalies above a total
 *                     impact, from an AWS services monitor (<id>Monitor, one
 *                     per account) or the account's own
 *   tracing_new       an X-Ray sampling rule for every request (a reservoir
 *                     of one a second, then a fixed rate) and a group with
 *                     X-Ray Insights on for the traces a filter selects
 *
 * Logical IDs come from the caller's `id`. Handles are borrowed.
 */
#ifndef SM_CONSTRUCT_OBSERVE_H
#define SM_CONSTRUCT_OBSERVE_H

#include "engine/engine.h"

struct dashboard_widget {
	const char *title;	 /* required */
	const char *stat;	 /* required: "Sum", "Average", "p95" */
	int period;		 /* required: seconds */
	const char *metrics;	 /* required: the "metrics" array, JSON text */
	const char *annotations; /* the "annotations" object, JSON text; NULL: none */
};

/* `widgets` ends with one without title ({0}); `vars` (stolen) fills ${Name}. */
struct sm_resource *dashboard_new(struct sm_stack *s, const char *id, const char *name,
				  const struct dashboard_widget *widgets, json_t *vars);

struct budget_props {
	const char *name;	     /* required */
	double monthly_usd;	     /* required */
	const char *email;	     /* required: who is told */
	const char *cost_filter_tag; /* "user:KEY$VALUE": only those costs; NULL: all */
};
struct sm_resource *budget_monthly_new(struct sm_stack *s, const char *id,
				       const struct budget_props *props);

struct cost_anomaly_props {
	const char *monitor_arn;       /* the account's monitor; NULL: a new one */
	const char *monitor_name;      /* required without monitor_arn */
	const char *subscription_name; /* required */
	const char *email;	       /* required */
	double threshold_usd;	       /* required: total impact worth an e-mail */
};
/* <id>Monitor (unless monitor_arn), <id>Subscription */
struct sm_resource *cost_anomaly_alerts_new(struct sm_stack *s, const char *id,
					    const struct cost_anomaly_props *props);

struct tracing_props {
	const char *rule_name; /* required */
	/*
	 * required: the name the application's segments carry (X-Ray
	 * SamplingRule ServiceName); a rule is the account's and Region's,
	 * so "*" would sample every other application there too
	 */
	const char *service_name;
	int priority;		/* required: 1..9999, lower first */
	double fixed_rate;	/* required: the share of requests after the reservoir */
	const char *group_name; /* required */
	const char *filter;	/* required: the group's FilterExpression */
};
/* <id>SamplingRule, <id>Group */
void tracing_new(struct sm_stack *s, const char *id, const struct tracing_props *props);

#endif
