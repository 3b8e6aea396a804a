/*
 * Deployability rules (SM-DEP-096..100): values a service refuses or that
 * cannot work once one setting is read against another: S3 lifecycle days,
 * alarm periods, listener and target group protocols against the load
 * balancer's type, an instance type against its image's architecture, a KMS
 * key of the wrong kind for the service that encrypts with it.
 */
#include <stdio.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_lifecycle = DEP_RULE(
	"096", SM_SEV_ERROR, "S3 lifecycle rule S3 refuses",
	"PutBucketLifecycleConfiguration refuses a transition to STANDARD_IA or ONEZONE_IA less "
	"than 30 days after creation (or after an object becomes noncurrent), and an expiration "
	"that is not later than a transition of the same rule ('Days' in the Expiration action "
	"must be greater than 'Days' in the Transition action), or after 0 days ('Days' in the "
	"Expiration action and NoncurrentDays must be positive integers): the bucket's CREATE "
	"fails.",
	"Transition to the infrequent-access classes at 30 days or more, and expire objects after "
	"their last transition (or drop the transition), after 1 day at the least.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
	"lifecycle-transition-general-considerations.html");
static const struct sm_rule_meta dep_alarm_period = DEP_RULE(
	"097", SM_SEV_ERROR, "Alarm period or evaluation CloudWatch refuses",
	"PutMetricAlarm takes a Period of 10, 20, 30 or a multiple of 60 seconds, at most "
	"EvaluationPeriods datapoints to alarm, and an evaluation (Period x EvaluationPeriods) of "
	"at most one day for periods under an hour and seven days otherwise (ValidationError).",
	"Use a period of 60 seconds or a multiple of it (10, 20 or 30 only for high-resolution "
	"metrics), DatapointsToAlarm no larger than EvaluationPeriods, and fewer periods.",
	"https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html");
static const struct sm_rule_meta dep_lb_protocol = DEP_RULE(
	"098", SM_SEV_ERROR, "Listener or target group protocol the load balancer type refuses",
	"An Application Load Balancer listens with HTTP or HTTPS and forwards to target groups of "
	"protocol HTTP or HTTPS, whose health checks use HTTP or HTTPS; a Network Load Balancer "
	"listens and forwards with TCP, TLS, UDP or TCP_UDP. CreateListener and CreateTargetGroup "
	"refuse any other pairing (ValidationError, IncompatibleProtocols).",
	"Match the listener's Protocol to the load balancer's Type, the forwarded target group's "
	"Protocol to the listener's family, and use HealthCheckProtocol HTTP or HTTPS on an HTTP "
	"target group.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
	"API_CreateListener.html");
static const struct sm_rule_meta dep_arch = DEP_RULE(
	"099", SM_SEV_ERROR, "Instance type of another architecture than its image",
	"An AMI is built for one architecture: Graviton instance types (a 'g' after the "
	"generation: t4g, m7g, c6gn; and a1) run arm64 images only, the others x86_64 images. "
	"RunInstances refuses the pair ('The architecture arm64 of the specified instance type "
	"does not match the architecture x86_64 of the specified AMI'), so an Auto Scaling group "
	"never reaches its capacity and its stack fails to stabilize.",
	"Take the image of the instance type's architecture (for the ECS-optimized AMI, "
	"/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id on Graviton), "
	"or an instance type of the image's.",
	"https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html");
static const struct sm_rule_meta dep_key_spec = DEP_RULE(
	"100", SM_SEV_ERROR,
	"Asymmetric or HMAC KMS key where a symmetric encryption key is needed",
	"AWS services that encrypt your data (S3, EBS, RDS, CloudWatch Logs, SNS, SQS, Secrets "
	"Manager, ...) take only symmetric encryption KMS keys (KeySpec SYMMETRIC_DEFAULT, "
	"KeyUsage "
	"ENCRYPT_DECRYPT): the resource naming an RSA, ECC or HMAC key fails at create; and "
	"automatic rotation is only for symmetric encryption keys (CreateKey with "
	"EnableKeyRotation refuses the others).",
	"Give the service a symmetric encryption key, keep asymmetric and HMAC keys for signing "
	"and MACs, and drop EnableKeyRotation from them.",
	"https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html");

static const struct sm_rule_meta dep_scaling_metric = DEP_RULE(
	"107", SM_SEV_ERROR,
	"Scaling target or policy of a metric or dimension its service has not",
	"Application Auto Scaling takes a ScalableDimension of the target's own ServiceNamespace "
	"(ecs:service:DesiredCount for ecs), and a target tracking policy on "
	"ALBRequestCountPerTarget "
	"names the load balancer and target group in ResourceLabel, which no other predefined "
	"metric takes: RegisterScalableTarget and PutScalingPolicy refuse the others "
	"(ValidationException).",
	"Give the dimension of the namespace, and ResourceLabel "
	"(app/<load balancer>/<id>/targetgroup/<name>/<id>) exactly with ALBRequestCountPerTarget.",
	"https://docs.aws.amazon.com/autoscaling/application/APIReference/"
	"API_PredefinedMetricSpecification.html");
static const struct sm_rule_meta dep_backup_lifecycle = DEP_RULE(
	"110", SM_SEV_ERROR, "AWS Backup lifecycle AWS Backup refuses",
	"Backups moved to cold storage stay there 90 days at least, so a lifecycle's "
	"DeleteAfterDays must be 90 days greater than its MoveToColdStorageAfterDays (of a plan's "
	"rule or of a copy action): CreateBackupPlan refuses the plan and the stack's CREATE "
	"fails.",
	"Keep the recovery points at least 90 days past their move to cold storage, or do not "
	"move them.",
	"https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html");

static const struct sm_rule_meta dep_matcher = DEP_RULE(
	"111", SM_SEV_ERROR, "Target group health check codes the load balancer type refuses",
	"A target group's Matcher HttpCode takes codes from 200 to 499 behind an Application Load "
	"Balancer (HTTP or HTTPS target groups) and from 200 to 599 for a Network Load Balancer's "
	"HTTP health checks; gRPC target groups take GrpcCode 0 to 99. CreateTargetGroup refuses "
	"other codes (ValidationError).",
	"Keep the success codes within the range of the target group's kind (200-499 for an ALB), "
	"as single codes, a comma-separated list or a range.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html");

/* ---- SM-DEP-096: lifecycle ---- */

static bool infrequent(const char *cls)
{
	return cls && (!strcmp(cls, "STANDARD_IA") || !strcmp(cls, "ONEZONE_IA"));
}

/* The days of each transition in list `key` of rule `r`: the smallest to IA (*ia) and the
 * largest of all (*last); -1 when none. */
static void transitions(const json_t *r, const char *list, const char *one, const char *days,
			long *ia, long *last)
{
	*ia = *last = -1;
	const json_t *single = json_object_get(r, one);
	const json_t *all = json_object_get(r, list);
	size_t i, n = json_array_size(all) + (single != NULL);
	for (i = 0; i < n; i++) {
		const json_t *t = i < json_array_size(all) ? json_array_get(all, i) : single;
		long d = jnum(json_object_get(t, days), -1);
		if (d < 0)
			continue;
		if (infrequent(jstr(json_object_get(t, "StorageClass"))) && (*ia < 0 || d < *ia))
			*ia = d;
		if (d > *last)
			*last = d;
	}
}

static void bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *res)
{
	size_t i;
	json_t *r;
	json_array_foreach (jget(p, "LifecycleConfiguration.Rules"), i, r) {
		const char *rid = jstr(json_object_get(r, "Id")) ?: "(no Id)";
		long ia, last, nia, nlast;
		transitions(r, "Transitions", "Transition", "TransitionInDays", &ia, &last);
		transitions(r, "NoncurrentVersionTransitions", "NoncurrentVersionTransition",
			    "TransitionInDays", &nia, &nlast);
		if ((ia >= 0 && ia < 30) || (nia >= 0 && nia < 30))
			check_report(c, &dep_lifecycle, id, "LifecycleConfiguration",
				     "bucket '%s', lifecycle rule '%s': a transition to an "
				     "infrequent-access class after %ld days (30 at least)",
				     id, rid, ia >= 0 && ia < 30 ? ia : nia);
		long exp = jnum(json_object_get(r, "ExpirationInDays"), -1);
		long nexp = jnum(jget(r, "NoncurrentVersionExpiration.NoncurrentDays"),
				 jnum(json_object_get(r, "NoncurrentVersionExpirationInDays"), -1));
		if (!exp || !nexp)
			check_report(c, &dep_lifecycle, id, "LifecycleConfiguration",
				     "bucket '%s', lifecycle rule '%s': %s expire after 0 days (1 "
				     "at least)",
				     id, rid, exp ? "noncurrent versions" : "objects");
		if ((exp >= 0 && last >= 0 && exp <= last) ||
		    (nexp >= 0 && nlast >= 0 && nexp <= nlast))
			check_report(c, &dep_lifecycle, id, "LifecycleConfiguration",
				     "bucket '%s', lifecycle rule '%s': objects expire after %ld "
				     "days, not after their last transition (%ld days)",
				     id, rid, exp >= 0 && exp <= last ? exp : nexp,
				     exp >= 0 && exp <= last ? last : nlast);
	}
	(void)res;
}

/* ---- SM-DEP-110: AWS Backup lifecycles ---- */

static void backup_lifecycle(struct check_ctx *c, const char *id, const char *rule,
			     const json_t *lc)
{
	long cold = jnum(json_object_get(lc, "MoveToColdStorageAfterDays"), -1);
	long del = jnum(json_object_get(lc, "DeleteAfterDays"), -1);
	if (cold >= 0 && del >= 0 && del < cold + 90)
		check_report(c, &dep_backup_lifecycle, id, "BackupPlan",
			     "backup plan '%s', rule '%s': recovery points deleted after %ld days, "
			     "moved to cold storage after %ld (90 days there at least)",
			     id, rule, del, cold);
}

static void backup_plan(struct check_ctx *c, const char *id, const json_t *p, const json_t *res)
{
	size_t i;
	json_t *r;
	json_array_foreach (jget(p, "BackupPlan.BackupPlanRule"), i, r) {
		const char *name = jstr(json_object_get(r, "RuleName")) ?: "(no RuleName)";
		backup_lifecycle(c, id, name, json_object_get(r, "Lifecycle"));
		size_t k;
		json_t *copy;
		json_array_foreach (json_object_get(r, "CopyActions"), k, copy) {
			backup_lifecycle(c, id, name, json_object_get(copy, "Lifecycle"));
		}
	}
	(void)res;
}

/* ---- SM-DEP-097: alarm periods ---- */

static void period_fits(struct check_ctx *c, const char *id, long period, long evals,
			const char *where)
{
	if (period <= 0)
		return;
	if (period != 10 && period != 20 && period != 30 && period % 60)
		check_report(c, &dep_alarm_period, id, where,
			     "alarm '%s' has a period of %ld seconds", id, period);
	long limit = period < 3600 ? 86400 : 604800;
	if (evals > 0 && period * evals > limit)
		check_report(c, &dep_alarm_period, id, "EvaluationPeriods",
			     "alarm '%s' evaluates %ld periods of %ld seconds, past %s", id, evals,
			     period, limit == 86400 ? "one day" : "seven days");
}

static void alarm(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	long evals = jnum(json_object_get(p, "EvaluationPeriods"), -1);
	long dta = jnum(json_object_get(p, "DatapointsToAlarm"), -1);
	if (dta > 0 && evals > 0 && dta > evals)
		check_report(c, &dep_alarm_period, id, "DatapointsToAlarm",
			     "alarm '%s' needs %ld datapoints out of %ld evaluation periods", id,
			     dta, evals);
	period_fits(c, id, jnum(json_object_get(p, "Period"), -1), evals, "Period");
	size_t i;
	json_t *m;
	json_array_foreach (json_object_get(p, "Metrics"), i, m) {
		long pm =
			jnum(jget(m, "MetricStat.Period"), jnum(json_object_get(m, "Period"), -1));
		period_fits(c, id, pm, evals, "Metrics");
	}
	(void)r;
}

/* ---- SM-DEP-098: load balancer protocols ---- */

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static const char *const web[] = {"HTTP", "HTTPS", NULL};
static const char *const transport[] = {"TCP", "TLS", "UDP", "TCP_UDP", NULL};

/* Is every code of `codes` ("200", "200,202", "200-299") within lo..hi? */
static bool codes_within(const char *codes, long lo, long hi)
{
	const char *q = codes;
	while (*q) {
		char *end;
		long v = strtol(q, &end, 10);
		if (end == q || v < lo || v > hi)
			return false;
		q = end;
		if (*q == ',' || *q == '-')
			q++;
		else if (*q)
			return false;
	}
	return q != codes;
}

static void target_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *proto = jstr(json_object_get(p, "Protocol"));
	const char *hc = jstr(json_object_get(p, "HealthCheckProtocol"));
	if (proto && hc && one_of(proto, web) && !one_of(hc, web))
		check_report(c, &dep_lb_protocol, id, "HealthCheckProtocol",
			     "target group '%s' (%s) checks health with %s", id, proto, hc);
	const char *http = jstr(jget(p, "Matcher.HttpCode"));
	const char *grpc = jstr(jget(p, "Matcher.GrpcCode"));
	bool alb = proto && one_of(proto, web);
	if (http && proto && !codes_within(http, 200, alb ? 499 : 599))
		check_report(c, &dep_matcher, id, "Matcher",
			     "target group '%s' (%s, %s) counts %s as healthy (%s)", id, proto,
			     alb ? "Application Load Balancer" : "Network Load Balancer", http,
			     alb ? "200-499" : "200-599");
	if (grpc && !codes_within(grpc, 0, 99))
		check_report(c, &dep_matcher, id, "Matcher",
			     "target group '%s' counts gRPC code %s as healthy (0-99)", id, grpc);
	(void)r;
}

static void forwards(struct check_ctx *c, const char *id, const char *proto,
		     const char *const *family, const json_t *action)
{
	const json_t *tgs[8];
	size_t n = 0, i;
	json_t *x;
	if (json_object_get(action, "TargetGroupArn"))
		tgs[n++] = json_object_get(action, "TargetGroupArn");
	json_array_foreach (jget(action, "ForwardConfig.TargetGroups"), i, x) {
		if (n < sizeof(tgs) / sizeof(tgs[0]))
			tgs[n++] = json_object_get(x, "TargetGroupArn");
	}
	for (i = 0; i < n; i++) {
		const char *tid;
		const json_t *tg = resource_at(c, tgs[i], NULL, &tid);
		const char *tp = jstr(jget(tg, "Properties.Protocol"));
		if (tp && !one_of(tp, family))
			check_report(c, &dep_lb_protocol, id, "DefaultActions",
				     "%s listener '%s' forwards to target group '%s' of protocol "
				     "%s",
				     proto, id, tid, tp);
	}
}

static void listener(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *lbid;
	const json_t *lb = resource_at(c, json_object_get(p, "LoadBalancerArn"), NULL, &lbid);
	const char *proto = jstr(json_object_get(p, "Protocol"));
	if (!lb || !proto || strcmp(res_type(lb), "AWS::ElasticLoadBalancingV2::LoadBalancer"))
		return;
	const char *type = jstr(jget(lb, "Properties.Type")) ?: "application";
	const char *const *family = !strcmp(type, "application") ? web
				    : !strcmp(type, "network")	 ? transport
								 : NULL;
	if (!family)
		return;
	if (!one_of(proto, family)) {
		check_report(c, &dep_lb_protocol, id, "Protocol",
			     "listener '%s' of %s load balancer '%s' has protocol %s", id, type,
			     lbid, proto);
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "DefaultActions"), i, a)
		forwards(c, id, proto, family, a);
	(void)r;
}

/* ---- SM-DEP-099: architectures ---- */

/* "arm64", "x86_64", or NULL when the instance type does not say. */
static const char *type_arch(const char *t)
{
	const char *dot = strchr(t, '.');
	if (!dot || strchr(t, '-'))
		return NULL; /* u-6tb1.metal and the like */
	if (!strncmp(t, "a1.", 3))
		return "arm64";
	const char *s = t;
	while (s < dot && *s >= 'a' && *s <= 'z')
		s++;
	if (s == t || s == dot || *s < '0' || *s > '9')
		return NULL;
	while (s < dot && *s >= '0' && *s <= '9')
		s++;
	if (!strncmp(t, "mac", 3))
		return NULL;
	for (; s < dot; s++)
		if (*s == 'g')
			return "arm64";
	return "x86_64";
}

/* The architecture an image's name or SSM parameter path says, or NULL. */
static const char *image_arch(const char *name)
{
	if (strstr(name, "arm64") || strstr(name, "aarch64"))
		return "arm64";
	if (strstr(name, "x86_64") || strstr(name, "amd64"))
		return "x86_64";
	/* the ECS-optimized and Amazon Linux parameters name arm64 and leave x86_64 unsaid */
	if (strstr(name, "/aws/service/ecs/optimized-ami/") && !strstr(name, "/gpu/") &&
	    !strstr(name, "/inf/") && !strstr(name, "/neuron/"))
		return "x86_64";
	return NULL;
}

static void launch_template(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *d = json_object_get(p, "LaunchTemplateData");
	const char *it = jstr(json_object_get(d, "InstanceType"));
	const json_t *img = json_object_get(d, "ImageId");
	const char *pname = ref_target(img);
	const char *text = jstr(img);
	if (pname) {
		const json_t *par =
			json_object_get(json_object_get(c->t->tmpl, "Parameters"), pname);
		if (strstr(jstr(json_object_get(par, "Type")) ?: "", "AWS::SSM::Parameter::Value"))
			text = jstr(json_object_get(par, "Default"));
	}
	if (text && !strncmp(text, "{{resolve:ssm:", 14))
		text += 14;
	const char *ta = it ? type_arch(it) : NULL, *ia = text ? image_arch(text) : NULL;
	if (ta && ia && strcmp(ta, ia))
		check_report(c, &dep_arch, id, "LaunchTemplateData.InstanceType",
			     "launch template '%s' runs %s (%s) from image %s (%s)", id, it, ta,
			     text, ia);
	(void)r;
}

/* ---- SM-DEP-100: key specs ---- */

/* Is `key` a KMS key of the set made for something else than symmetric encryption? */
static const char *odd_key(const json_t *key)
{
	const json_t *kp = json_object_get(key, "Properties");
	const char *spec = jstr(json_object_get(kp, "KeySpec"));
	const char *use = jstr(json_object_get(kp, "KeyUsage"));
	if (spec && strcmp(spec, "SYMMETRIC_DEFAULT"))
		return spec;
	if (use && strcmp(use, "ENCRYPT_DECRYPT"))
		return use;
	return NULL;
}

static void kms_key(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *what = odd_key(r);
	if (what && jtrue(json_object_get(p, "EnableKeyRotation")))
		check_report(c, &dep_key_spec, id, "EnableKeyRotation",
			     "key '%s' (%s) enables automatic rotation", id, what);
	if (!what)
		return;
	size_t nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	for (size_t i = 0; i < nr; i++) {
		const char *path = refs[i].path;
		const char *last = strrchr(path, '.');
		last = last ? last + 1 : path;
		if (!strcasestr(last, "KmsKey") && !strcasestr(last, "KmsMasterKey"))
			continue; /* an alias, a policy: not a key to encrypt with */
		check_report(c, &dep_key_spec, id, "KeySpec",
			     "key '%s' (%s) encrypts for %s '%s' (%s)", id, what,
			     refs[i].owner_type, refs[i].owner_id, path);
	}
}

/* ---- SM-DEP-107: scaling metrics ---- */

static void scalable_target(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *ns = jstr(json_object_get(p, "ServiceNamespace"));
	const char *dim = jstr(json_object_get(p, "ScalableDimension"));
	size_t n = ns ? strlen(ns) : 0;
	if (ns && dim && (strncmp(dim, ns, n) || dim[n] != ':'))
		check_report(c, &dep_scaling_metric, id, "ScalableDimension",
			     "scalable target '%s' of namespace %s scales %s", id, ns, dim);
	(void)r;
}

static void scaling_policy(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *spec =
		jget(p, "TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification");
	const char *type = jstr(json_object_get(spec, "PredefinedMetricType"));
	bool label = json_object_get(spec, "ResourceLabel") != NULL;
	if (!type)
		return;
	bool alb = !strcmp(type, "ALBRequestCountPerTarget");
	if (alb != label)
		check_report(c, &dep_scaling_metric, id, "TargetTrackingScalingPolicyConfiguration",
			     alb ? "scaling policy '%s' tracks %s without ResourceLabel"
				 : "scaling policy '%s' tracks %s and gives ResourceLabel",
			     id, type);
	(void)r;
}

const struct resource_rule check_rules_dep_fit[] = {
	{&dep_lifecycle, "AWS::S3::Bucket", bucket},
	{&dep_alarm_period, "AWS::CloudWatch::Alarm", alarm},
	{&dep_lb_protocol, "AWS::ElasticLoadBalancingV2::Listener", listener},
	{&dep_lb_protocol, "AWS::ElasticLoadBalancingV2::TargetGroup", target_group},
	{&dep_matcher, "-", NULL},
	{&dep_arch, "AWS::EC2::LaunchTemplate", launch_template},
	{&dep_key_spec, "AWS::KMS::Key", kms_key},
	{&dep_scaling_metric, "AWS::ApplicationAutoScaling::ScalableTarget", scalable_target},
	{&dep_scaling_metric, "AWS::ApplicationAutoScaling::ScalingPolicy", scaling_policy},
	{&dep_backup_lifecycle, "AWS::Backup::BackupPlan", backup_plan},
	{NULL, NULL, NULL},
};
