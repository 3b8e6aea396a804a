/*
 * CloudWatch alarms, one at a time or as the set a kind of resource needs,
 * each sending to a topic when it fires and when it clears, missing data
 * not breaching (a quiet service is not an outage):
 *
 *   alarms_for_load_balancer  load balancer and target 5xx (10 a minute for
 *                             5 minutes), p95 response time above a target,
 *                             any unhealthy target (3 minutes)
 *   alarms_for_service        an ECS service's CPU and memory above 80 %
 *   alarms_for_postgres       CPU above 80 %, free storage below 2 GiB,
 *                             connections above 80 % of max_connections
 *   alarm_replica_lag         a read replica too far behind its source
 *   alarm_topic_new           where they go: an SNS topic encrypted with a
 *                             customer key, TLS-only, that CloudWatch may
 *                             publish to for this account's alarms only, and
 *                             an e-mail subscription
 *
 * Logical IDs: `prefix` and the alarm's name (below). Handles are borrowed.
 */
#ifndef SM_CONSTRUCT_ALARMS_H
#define SM_CONSTRUCT_ALARMS_H

#include "engine/engine.h"

struct alarm_props {
	const char *description; /* required */
	const char *ns;		 /* required: "AWS/RDS" */
	const char *metric;	 /* required */
	const char *statistic;	 /* required: "Sum", "Average", ..., or a percentile "p95" */
	const char *comparison;	 /* required: "GreaterThanThreshold", ... */
	double threshold;
	int period;		/* seconds; required */
	int evaluation_periods; /* required */
	json_t *dimensions;	/* stolen: [{"Name", "Value"}] (alarm_dimension) */
};

struct sm_resource *alarm_new(struct sm_stack *s, const char *id, const struct alarm_props *props,
			      const struct sm_resource *topic);
/* {"Name": name, "Value": value} (value stolen) */
json_t *alarm_dimension(const char *name, json_t *value);
/* [alarm_dimension(name, value), ...] of the (name, value) pairs up to a NULL name */
json_t *alarm_dimensions(const char *name, ...) __attribute__((sentinel));

/* <prefix>Alb5xxAlarm, <prefix>Target5xxAlarm, <prefix>LatencyP95Alarm, <prefix>UnhealthyHostsAlarm
 */
struct load_balancer_alarm_props {
	const struct sm_resource *load_balancer; /* required */
	const struct sm_resource *target_group;	 /* required */
	double latency_p95_seconds;		 /* required: the response time target */
	const char *latency_description;	 /* required */
};
void alarms_for_load_balancer(struct sm_stack *s, const char *prefix,
			      const struct load_balancer_alarm_props *props,
			      const struct sm_resource *topic);

/* <prefix>CpuAlarm, <prefix>MemoryAlarm */
void alarms_for_service(struct sm_stack *s, const char *prefix, const struct sm_resource *cluster,
			const struct sm_resource *service, const struct sm_resource *topic);

/* <instance>CpuAlarm, <instance>StorageAlarm, <instance>ConnectionsAlarm; `instance_class` sizes
 * max_connections */
void alarms_for_postgres(struct sm_stack *s, const struct sm_resource *instance,
			 const char *instance_class, const struct sm_resource *topic);

/* `id`: ReplicaLag (seconds, the maximum of a minute) above `seconds` for 5 minutes */
struct sm_resource *alarm_replica_lag(struct sm_stack *s, const char *id,
				      const struct sm_resource *replica, int seconds,
				      const struct sm_resource *topic);

/* <id>, its policy <id>Policy, its subscription <id>Email (confirmed by the recipient) */
struct sm_resource *alarm_topic_new(struct sm_stack *s, const char *id, const char *display_name,
				    const struct sm_resource *kms_key, const char *email);

#endif
