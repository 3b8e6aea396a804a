#include "constructs/alarms.h"

#include <stdarg.h>
#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"

struct sm_resource *alarm_new(struct sm_stack *s, const char *id, const struct alarm_props *a,
			      const struct sm_resource *topic)
{
	json_t *p = json_pack("{ss ss ss so ss sf si si s[o] s[o] ss}", "AlarmDescription",
			      a->description, "Namespace", a->ns, "MetricName", a->metric,
			      "Dimensions", a->dimensions, "ComparisonOperator", a->comparison,
			      "Threshold", a->threshold, "Period", a->period, "EvaluationPeriods",
			      a->evaluation_periods, "AlarmActions", sm_ref(topic), "OKActions",
			      sm_ref(topic), "TreatMissingData", "notBreaching");
	/* a percentile is an extended statistic (CloudWatch API, PutMetricAlarm) */
	json_object_set_new(p, a->statistic[0] == 'p' ? "ExtendedStatistic" : "Statistic",
			    json_string(a->statistic));
	return sm_resource_new(s, id, "AWS::CloudWatch::Alarm", p);
}

json_t *alarm_dimension(const char *name, json_t *value)
{
	return json_pack("{ss so}", "Name", name, "Value", value);
}

json_t *alarm_dimensions(const char *name, ...)
{
	json_t *list = json_array();
	va_list ap;
	va_start(ap, name);
	for (const char *n = name; n; n = va_arg(ap, const char *))
		json_array_append_new(list, alarm_dimension(n, va_arg(ap, json_t *)));
	va_end(ap);
	return list;
}

static void named(struct sm_stack *s, const char *prefix, const char *name,
		  const struct alarm_props *a, const struct sm_resource *topic)
{
	char *id = xstrfmt("%s%s", prefix, name);
	alarm_new(s, id, a, topic);
	free(id);
}

static json_t *lb_dimensions(const struct sm_resource *lb, const struct sm_resource *tg)
{
	json_t *d = json_pack(
		"[o]", alarm_dimension("LoadBalancer", sm_getatt(lb, "LoadBalancerFullName")));
	if (tg)
		json_array_append_new(
			d, alarm_dimension("TargetGroup", sm_getatt(tg, "TargetGroupFullName")));
	return d;
}

void alarms_for_load_balancer(struct sm_stack *s, const char *prefix,
			      const struct load_balancer_alarm_props *p,
			      const struct sm_resource *topic)
{
	const struct sm_resource *lb = p->load_balancer;
	named(s, prefix, "Alb5xxAlarm",
	      &(struct alarm_props){
		      "Load balancer 5xx responses", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
		      "Sum", "GreaterThanOrEqualToThreshold", 10, 60, 5, lb_dimensions(lb, NULL)},
	      topic);
	named(s, prefix, "Target5xxAlarm",
	      &(struct alarm_props){"Application 5xx responses", "AWS/ApplicationELB",
				    "HTTPCode_Target_5XX_Count", "Sum",
				    "GreaterThanOrEqualToThreshold", 10, 60, 5,
				    lb_dimensions(lb, NULL)},
	      topic);
	named(s, prefix, "LatencyP95Alarm",
	      &(struct alarm_props){p->latency_description, "AWS/ApplicationELB",
				    "TargetResponseTime", "p95", "GreaterThanThreshold",
				    p->latency_p95_seconds, 60, 5, lb_dimensions(lb, NULL)},
	      topic);
	named(s, prefix, "UnhealthyHostsAlarm",
	      &(struct alarm_props){"Unhealthy application targets", "AWS/ApplicationELB",
				    "UnHealthyHostCount", "Maximum",
				    "GreaterThanOrEqualToThreshold", 1, 60, 3,
				    lb_dimensions(lb, p->target_group)},
	      topic);
}

static json_t *service_dimensions(const struct sm_resource *cluster,
				  const struct sm_resource *service)
{
	return json_pack("[oo]", alarm_dimension("ClusterName", sm_ref(cluster)),
			 alarm_dimension("ServiceName", sm_getatt(service, "Name")));
}

void alarms_for_service(struct sm_stack *s, const char *prefix, const struct sm_resource *cluster,
			const struct sm_resource *service, const struct sm_resource *topic)
{
	named(s, prefix, "CpuAlarm",
	      &(struct alarm_props){"Application CPU above 80 %", "AWS/ECS", "CPUUtilization",
				    "Average", "GreaterThanThreshold", 80, 60, 5,
				    service_dimensions(cluster, service)},
	      topic);
	named(s, prefix, "MemoryAlarm",
	      &(struct alarm_props){"Application memory above 80 %", "AWS/ECS", "MemoryUtilization",
				    "Average", "GreaterThanThreshold", 80, 60, 5,
				    service_dimensions(cluster, service)},
	      topic);
}

/*
 * max_connections of RDS for PostgreSQL: LEAST(DBInstanceClassMemory/9531392,
 * 5000) (RDS user guide, "Maximum number of database connections"), from the
 * class's memory: 1 GiB for .micro, doubling with each size, twice that for
 * the memory-optimised db.r classes.
 */
static double postgres_max_connections(const char *cls)
{
	static const struct {
		const char *size;
		double gib;
	} sizes[] = {{".micro", 1},   {".small", 2},	{".medium", 4},	 {".large", 8},
		     {".xlarge", 16}, {".2xlarge", 32}, {".4xlarge", 64}};
	double gib = 128;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (strstr(cls, sizes[i].size) &&
		    strlen(strstr(cls, sizes[i].size)) == strlen(sizes[i].size))
			gib = sizes[i].gib;
	if (strncmp(cls, "db.r", 4) == 0)
		gib *= 2;
	double n = gib * 1073741824.0 / 9531392.0;
	return n < 5000 ? n : 5000;
}

static json_t *instance_dimensions(const struct sm_resource *instance)
{
	return json_pack("[o]", alarm_dimension("DBInstanceIdentifier", sm_ref(instance)));
}

void alarms_for_postgres(struct sm_stack *s, const struct sm_resource *instance,
			 const char *instance_class, const struct sm_resource *topic)
{
	const char *id = sm_resource_id(instance);
	named(s, id, "CpuAlarm",
	      &(struct alarm_props){"Database CPU above 80 %", "AWS/RDS", "CPUUtilization",
				    "Average", "GreaterThanThreshold", 80, 300, 3,
				    instance_dimensions(instance)},
	      topic);
	named(s, id, "StorageAlarm",
	      &(struct alarm_props){"Database free storage below 2 GiB", "AWS/RDS",
				    "FreeStorageSpace", "Minimum", "LessThanThreshold",
				    2147483648.0, 300, 1, instance_dimensions(instance)},
	      topic);
	named(s, id, "ConnectionsAlarm",
	      &(struct alarm_props){"Database connections above 80 % of max_connections", "AWS/RDS",
				    "DatabaseConnections", "Maximum", "GreaterThanThreshold",
				    (double)(long)(0.8 * postgres_max_connections(instance_class)),
				    300, 2, instance_dimensions(instance)},
	      topic);
}

struct sm_resource *alarm_replica_lag(struct sm_stack *s, const char *id,
				      const struct sm_resource *replica, int seconds,
				      const struct sm_resource *topic)
{
	char *what = xstrfmt("Read replica more than %d s behind", seconds);
	struct sm_resource *r =
		alarm_new(s, id,
			  &(struct alarm_props){what, "AWS/RDS", "ReplicaLag", "Maximum",
						"GreaterThanThreshold", seconds, 60, 5,
						instance_dimensions(replica)},
			  topic);
	free(what);
	return r;
}

struct sm_resource *alarm_topic_new(struct sm_stack *s, const char *id, const char *display_name,
				    const struct sm_resource *kms_key, const char *email)
{
	struct sm_resource *t =
		sm_resource_new(s, id, "AWS::SNS::Topic",
				json_pack("{so ss}", "KmsMasterKeyId", sm_getatt(kms_key, "Arn"),
					  "DisplayName", display_name));
	char *pid = xstrfmt("%sPolicy", id), *sid = xstrfmt("%sEmail", id);
	/*
	 * A topic policy replaces SNS's default one: CloudWatch may publish only
	 * when it allows cloudwatch.amazonaws.com, for this account's alarms
	 * (CloudWatch user guide, "Using Amazon SNS topics for alarm actions";
	 * aws:SourceArn and aws:SourceAccount against the confused deputy).
	 */
	sm_resource_new(s, pid, "AWS::SNS::TopicPolicy",
			json_pack("{s[o] s{ss s[{ss ss s{ss} ss so s{s{ss}}},"
				  "{ss ss s{ss} ss so s{s{so} s{so}}}]}}",
				  "Topics", sm_ref(t), "PolicyDocument", "Version", "2012-10-17",
				  "Statement", "Sid", "DenyInsecureTransport", "Effect", "Deny",
				  "Principal", "AWS", "*", "Action", "sns:Publish", "Resource",
				  sm_ref(t), "Condition", "Bool", "aws:SecureTransport", "false",
				  "Sid", "AllowCloudWatchAlarms", "Effect", "Allow", "Principal",
				  "Service", "cloudwatch.amazonaws.com", "Action", "sns:Publish",
				  "Resource", sm_ref(t), "Condition", "ArnLike", "aws:SourceArn",
				  sm_fn_sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:"
					    "${AWS::AccountId}:alarm:*"),
				  "StringEquals", "aws:SourceAccount", sm_aws_account_id()));
	sm_resource_new(s, sid, "AWS::SNS::Subscription",
			json_pack("{so ss ss}", "TopicArn", sm_ref(t), "Protocol", "email",
				  "Endpoint", email));
	free(pid);
	free(sid);
	return t;
}
