/*
 * Deployability rules (SM-DEP-075, 076): what S3 checks of the destinations
 * a bucket notifies when CloudFormation sets its notification configuration,
 * and what CloudWatch checks of an alarm's statistic.
 */
#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_notify_dest = DEP_RULE(
	"075", SM_SEV_ERROR, "Bucket notification to a destination S3 may not send to, or not yet",
	"S3 validates every destination when the notification configuration is set: the queue's "
	"policy must allow s3.amazonaws.com sqs:SendMessage, the function's resource policy "
	"lambda:InvokeFunction, the topic's policy sns:Publish, or the bucket's CREATE fails with "
	"'Unable to validate the following destination configurations'; the policy or permission "
	"must exist before the bucket, so the bucket needs a DependsOn on it.",
	"Add an AWS::SQS::QueuePolicy / AWS::Lambda::Permission / AWS::SNS::TopicPolicy for "
	"s3.amazonaws.com (scoped with aws:SourceArn or SourceArn), and a DependsOn on it in the "
	"bucket.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
	"grant-destinations-permissions-to-s3.html");
static const struct sm_rule_meta dep_alarm_stat = DEP_RULE(
	"076", SM_SEV_ERROR, "Alarm statistic CloudWatch refuses",
	"PutMetricAlarm takes exactly one of Statistic and ExtendedStatistic for a single metric, "
	"and none of MetricName, Namespace, Dimensions, Period, Statistic and ExtendedStatistic "
	"beside Metrics (ValidationError).",
	"Give Statistic (Average, Sum, ...) or ExtendedStatistic (p99, ...), not both; with "
	"Metrics, put the statistic in each MetricStat.",
	"https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html");

/* ---- SM-DEP-075: notification destinations ---- */

static const struct destination {
	const char *list, *key;	 /* NotificationConfiguration.<list>[].<key> */
	const char *type;	 /* the destination's resource type */
	const char *policy_type; /* what grants S3 the right */
	const char *policy_path; /* where it names the destination */
	const char *action;
} destinations[] = {
	{"QueueConfigurations", "Queue", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "Queues",
	 "sqs:SendMessage"},
	{"LambdaConfigurations", "Function", "AWS::Lambda::Function", "AWS::Lambda::Permission",
	 "FunctionName", "lambda:InvokeFunction"},
	{"TopicConfigurations", "Topic", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "Topics",
	 "sns:Publish"},
};

/* Does the policy or permission `g` let S3 do `d->action`? */
static bool grants_s3(const struct destination *d, const json_t *g)
{
	const json_t *p = json_object_get(g, "Properties");
	if (strcmp(d->policy_type, "AWS::Lambda::Permission"))
		return doc_allows(json_object_get(p, "PolicyDocument"), "s3.amazonaws.com",
				  d->action);
	const char *pr = jstr(json_object_get(p, "Principal"));
	const char *act = jstr(json_object_get(p, "Action"));
	return pr && (!strcmp(pr, "s3.amazonaws.com") || !strcmp(pr, "*")) && act &&
	       iam_glob(act, d->action);
}

static void notify_dest(struct check_ctx *c, const char *id, const struct destination *d,
			const json_t *target)
{
	struct sm_rref r = sm_resolve(c->a, c->t, target);
	const json_t *res = sm_rref_resource(r);
	if (!res || strcmp(res_type(res), d->type))
		return;
	size_t nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, r.t, r.id, &nr);
	const char *grant = NULL;
	bool any = false;
	for (size_t i = 0; i < nr && !grant; i++) {
		if (strcmp(refs[i].owner_type, d->policy_type) ||
		    strcmp(refs[i].path, d->policy_path))
			continue;
		any = true;
		const json_t *g = json_object_get(json_object_get(refs[i].owner->tmpl, "Resources"),
						  refs[i].owner_id);
		if (!grants_s3(d, g))
			continue;
		grant = refs[i].owner_id;
		if (refs[i].owner == c->t && !depends_on(c, id, grant))
			check_report(c, &dep_notify_dest, id, "NotificationConfiguration",
				     "bucket '%s' may be created before '%s' lets S3 send to '%s' "
				     "(add DependsOn)",
				     id, grant, r.id);
	}
	/* a topic whose policy exists and allows S3 nothing is SM-DEP-041's */
	if (!grant && !(any && !strcmp(d->type, "AWS::SNS::Topic")))
		check_report(c, &dep_notify_dest, id, "NotificationConfiguration",
			     "bucket '%s' notifies %s '%s', and no %s allows s3.amazonaws.com %s",
			     id, d->key, r.id, d->policy_type, d->action);
}

static void bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *nc = json_object_get(p, "NotificationConfiguration");
	if (!nc)
		return;
	for (size_t k = 0; k < sizeof(destinations) / sizeof(destinations[0]); k++) {
		size_t i;
		json_t *e;
		json_array_foreach (json_object_get(nc, destinations[k].list), i, e)
			notify_dest(c, id, &destinations[k],
				    json_object_get(e, destinations[k].key));
	}
	(void)r;
}

/* ---- SM-DEP-076: alarm statistics ---- */

static void alarm(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	static const char *const single[] = {"MetricName", "Namespace", "Dimensions",
					     "Period",	   "Statistic", "ExtendedStatistic",
					     NULL};
	bool stat = json_object_get(p, "Statistic") != NULL;
	bool ext = json_object_get(p, "ExtendedStatistic") != NULL;
	if (json_object_get(p, "Metrics")) {
		for (int i = 0; single[i]; i++)
			if (json_object_get(p, single[i]))
				check_report(c, &dep_alarm_stat, id, single[i],
					     "alarm '%s' gives %s beside Metrics", id, single[i]);
	} else if (stat == ext) {
		check_report(c, &dep_alarm_stat, id, stat ? "ExtendedStatistic" : "Statistic",
			     stat ? "alarm '%s' gives both Statistic and ExtendedStatistic"
				  : "alarm '%s' gives neither Statistic nor ExtendedStatistic",
			     id);
	}
	(void)r;
}

const struct resource_rule check_rules_dep_notify[] = {
	{&dep_notify_dest, "AWS::S3::Bucket", bucket},
	{&dep_alarm_stat, "AWS::CloudWatch::Alarm", alarm},
	{NULL, NULL, NULL},
};
