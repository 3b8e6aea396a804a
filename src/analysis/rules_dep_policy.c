/*
 * Deployability rules (SM-DEP-04x): policies that grant nothing, or not to
 * the service that needs the grant, so that the resource is refused or the
 * feature silently does nothing.
 */
#include <ctype.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_kms_context = DEP_RULE(
	"040", SM_SEV_ERROR,
	"KMS statement conditioned on an encryption context its action never carries",
	"kms:EncryptionContext:* and kms:EncryptionContextKeys only match requests that carry an "
	"encryption context (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, CreateGrant); for "
	"DescribeKey, GetKeyPolicy and the other operations the condition never holds, so the "
	"statement allows nothing for them.",
	"Move those actions to a statement without the encryption-context condition (scope it with "
	"aws:SourceArn or kms:ViaService instead).",
	"https://docs.aws.amazon.com/kms/latest/developerguide/"
	"conditions-kms.html#conditions-kms-encryption-context");
static const struct sm_rule_meta dep_topic_publisher = DEP_RULE(
	"041", SM_SEV_ERROR, "Topic policy allows no publish by the service that publishes to it",
	"A topic policy replaces the default one: a service (CloudWatch alarms, EventBridge, S3, "
	"Budgets, Cost Anomaly Detection) can publish only when the policy allows its principal "
	"sns:Publish; otherwise every notification is dropped.",
	"Add an Allow of sns:Publish for the service principal, scoped by aws:SourceArn or "
	"aws:SourceAccount.",
	"https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html");
static const struct sm_rule_meta dep_topic_key = DEP_RULE(
	"042", SM_SEV_ERROR, "Encrypted topic whose key the publishing service may not use",
	"A service publishing to a topic encrypted with a KMS key needs kms:GenerateDataKey* and "
	"kms:Decrypt in that key's policy (the AWS managed key alias/aws/sns allows no service); "
	"otherwise publishing fails with KMS access denied.",
	"Encrypt the topic with a customer managed key whose policy allows the service principal "
	"(or the service-linked role) kms:GenerateDataKey* and kms:Decrypt.",
	"https://docs.aws.amazon.com/sns/latest/dg/"
	"sns-key-management.html#compatibility-with-aws-services");
static const struct sm_rule_meta dep_queue_key = DEP_RULE(
	"085", SM_SEV_ERROR, "Encrypted queue whose key the sending service may not use",
	"A service that sends to a queue encrypted with a KMS key (EventBridge rule targets, S3 "
	"event notifications, SNS subscriptions) needs kms:GenerateDataKey* and kms:Decrypt in "
	"that key's policy for its service principal; the AWS managed key alias/aws/sqs allows "
	"no service. Without them every message is dropped (S3 refuses the notification "
	"configuration outright).",
	"Encrypt the queue with a customer managed key whose policy allows the service principal "
	"(events.amazonaws.com, s3.amazonaws.com, sns.amazonaws.com) kms:GenerateDataKey* and "
	"kms:Decrypt, scoped by aws:SourceArn; or use SSE-SQS.",
	"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
	"sqs-key-management.html#compatibility-with-aws-services");
static const struct sm_rule_meta dep_key_admin = DEP_RULE(
	"043", SM_SEV_ERROR, "KMS key policy no principal can administer",
	"CreateKey runs the key policy lockout safety check: a policy that does not let a "
	"principal "
	"call kms:PutKeyPolicy is refused (MalformedPolicyDocumentException), and with the check "
	"bypassed the key becomes unmanageable.",
	"Keep a statement allowing the account root (arn:aws:iam::ACCOUNT:root) kms:* so that IAM "
	"policies decide who administers the key.",
	"https://docs.aws.amazon.com/kms/latest/developerguide/"
	"key-policy-default.html#prevent-unmanageable-key");
static const struct sm_rule_meta dep_service_key = DEP_RULE(
	"044", SM_SEV_ERROR, "Service writes with a KMS key whose policy does not allow it",
	"CloudWatch Logs (a log group's KmsKeyId) and CloudTrail (the trail's KMSKeyId) use the "
	"key "
	"themselves: without an Allow for logs.REGION.amazonaws.com / cloudtrail.amazonaws.com in "
	"the key policy, CreateLogGroup and CreateTrail are refused.",
	"Allow the service principal kms:Encrypt*/GenerateDataKey* (and kms:Decrypt, "
	"kms:Describe*) "
	"in the key policy, scoped by the encryption context of the log group or trail.",
	"https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html");
static const struct sm_rule_meta dep_delivery_bucket = DEP_RULE(
	"045", SM_SEV_ERROR, "Delivery bucket the delivering service cannot write to",
	"CloudTrail checks its bucket's policy at CreateTrail "
	"(InsufficientS3BucketPolicyException); "
	"AWS Config writes with the recorder's role in the same account, or with its service "
	"principal when the bucket policy allows it (InsufficientDeliveryPolicyException); "
	"Elastic Load Balancing tests its access log bucket when access logs are enabled "
	"(Access Denied for bucket), writing as logdelivery.elasticloadbalancing.amazonaws.com "
	"or as the Region's Elastic Load Balancing account.",
	"Allow the service principal s3:GetBucketAcl on the bucket and s3:PutObject on "
	"AWSLogs/ACCOUNT/* (bucket-owner-full-control), or give the recorder's role s3:PutObject "
	"there; for load balancer access logs allow s3:PutObject to "
	"logdelivery.elasticloadbalancing.amazonaws.com or the Region's ELB account "
	"(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	"enable-access-logging.html).",
	"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
	"create-s3-bucket-policy-for-cloudtrail.html");

/* ---- policy documents ---- */

/* IAM's wildcard match of one action pattern ("sns:Pub*", "*") against an action, case-insensitive.
 */
bool iam_glob(const char *pat, const char *s)
{
	if (!*pat)
		return !*s;
	if (*pat == '*')
		return iam_glob(pat + 1, s) || (*s && iam_glob(pat, s + 1));
	return *s && (*pat == '?' || tolower((unsigned char)*pat) == tolower((unsigned char)*s)) &&
	       iam_glob(pat + 1, s + 1);
}

bool iam_actions_cover(const json_t *actions, const char *action)
{
	if (json_is_string(actions))
		return iam_glob(jstr(actions), action);
	size_t i;
	json_t *a;
	json_array_foreach (actions, i, a) {
		if (json_is_string(a) && iam_glob(jstr(a), action))
			return true;
	}
	return false;
}

static bool value_has(const json_t *v, const char *needle)
{
	if (json_is_string(v))
		return !strcmp(jstr(v), "*") || strstr(jstr(v), needle);
	if (json_is_object(v)) {
		const char *sub = jstr(json_object_get(v, "Fn::Sub"));
		if (sub)
			return strstr(sub, needle) != NULL;
		const json_t *join = json_object_get(v, "Fn::Join");
		if (join) {
			size_t i;
			json_t *x;
			json_array_foreach (json_array_get(join, 1), i, x) {
				if (json_is_string(x) && strstr(jstr(x), needle))
					return true;
			}
		}
		return false;
	}
	size_t i;
	json_t *x;
	json_array_foreach (v, i, x) {
		if (value_has(x, needle))
			return true;
	}
	return false;
}

/* Are the values (one or a list) all IAM ARNs, literal or built (no "*")? */
static bool iam_arns(const json_t *v)
{
	size_t i, n = json_is_array(v) ? json_array_size(v) : 1;
	for (i = 0; i < n; i++) {
		const json_t *x = json_is_array(v) ? json_array_get(v, i) : v;
		if ((json_is_string(x) && !strcmp(jstr(x), "*")) || !value_has(x, ":iam::"))
			return false;
	}
	return n > 0;
}

/* Does the condition pin the caller to IAM principals by aws:PrincipalArn (without IfExists)?
 * A service principal is none of them: with the key absent from its request, or an ARN that
 * is no role's, the statement does not apply to it (IAM, global condition keys). */
static bool pins_iam_principal(const json_t *cond)
{
	const char *op;
	json_t *keys;
	json_object_foreach ((json_t *)cond, op, keys) {
		if (strstr(op, "IfExists") || strstr(op, "Not") ||
		    (strncmp(op, "String", 6) && strncmp(op, "Arn", 3)))
			continue;
		const char *k;
		json_t *v;
		json_object_foreach (keys, k, v) {
			if (!strcasecmp(k, "aws:PrincipalArn") && iam_arns(v))
				return true;
		}
	}
	return false;
}

/* Does the statement's principal name the service (or the role/text `needle`), or everyone? */
static bool principal_has(const json_t *st, const char *needle)
{
	const json_t *p = json_object_get(st, "Principal");
	bool service = strstr(needle, "amazonaws.com") || needle[strlen(needle) - 1] == '.';
	if (service && pins_iam_principal(json_object_get(st, "Condition")))
		return false;
	if (json_is_string(p))
		return !strcmp(jstr(p), "*");
	return value_has(json_object_get(p, "Service"), needle) ||
	       value_has(json_object_get(p, "AWS"), needle);
}

static bool allowed(const json_t *st)
{
	return !strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow");
}

bool doc_allows(const json_t *doc, const char *needle, const char *action)
{
	size_t i;
	json_t *st;
	json_array_foreach (json_object_get(doc, "Statement"), i, st) {
		if (allowed(st) && principal_has(st, needle) &&
		    iam_actions_cover(json_object_get(st, "Action"), action))
			return true;
	}
	return false;
}

/* ---- SM-DEP-040, 043: key policies ---- */

static const char *const context_actions[] = {"kms:Encrypt",
					      "kms:Decrypt",
					      "kms:ReEncryptFrom",
					      "kms:ReEncryptTo",
					      "kms:GenerateDataKey",
					      "kms:GenerateDataKeyWithoutPlaintext",
					      "kms:GenerateDataKeyPair",
					      "kms:GenerateDataKeyPairWithoutPlaintext",
					      "kms:CreateGrant",
					      NULL};

static bool carries_context(const char *action)
{
	for (int i = 0; context_actions[i]; i++)
		if (iam_glob(action, context_actions[i]) && !strchr(action, '*'))
			return true;
	return false;
}

static bool context_condition(const json_t *cond)
{
	const char *op;
	json_t *keys;
	json_object_foreach ((json_t *)cond, op, keys) {
		const char *k;
		json_t *v;
		json_object_foreach (keys, k, v) {
			if (!strncasecmp(k, "kms:EncryptionContext:", 22) ||
			    !strcasecmp(k, "kms:EncryptionContextKeys"))
				return !strstr(op, "IfExists");
		}
	}
	return false;
}

static void key_policy(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *doc = json_object_get(p, "KeyPolicy");
	size_t i;
	json_t *st;
	json_array_foreach (json_object_get(doc, "Statement"), i, st) {
		if (!allowed(st) || !context_condition(json_object_get(st, "Condition")))
			continue;
		const json_t *acts = json_object_get(st, "Action");
		size_t k;
		json_t *a;
		json_t *one =
			json_is_string(acts) ? json_pack("[O]", acts) : json_incref((json_t *)acts);
		json_array_foreach (one, k, a) {
			const char *s = jstr(a);
			if (s && !strchr(s, '*') && !carries_context(s))
				check_report(c, &dep_kms_context, id, "KeyPolicy",
					     "statement %s of key '%s' allows %s only with an "
					     "encryption context, "
					     "which %s never carries",
					     jstr(json_object_get(st, "Sid")) ?: "?", id, s, s);
		}
		json_decref(one);
	}
	if (doc && json_is_array(json_object_get(doc, "Statement")) &&
	    !jtrue(json_object_get(p, "BypassPolicyLockoutSafetyCheck"))) {
		bool admin = false;
		json_array_foreach (json_object_get(doc, "Statement"), i, st) {
			admin |= allowed(st) &&
				 json_object_get(json_object_get(st, "Principal"), "AWS") &&
				 iam_actions_cover(json_object_get(st, "Action"),
						   "kms:PutKeyPolicy") &&
				 !json_object_get(st, "Condition");
			admin |= allowed(st) && json_is_string(json_object_get(st, "Principal")) &&
				 iam_actions_cover(json_object_get(st, "Action"),
						   "kms:PutKeyPolicy");
		}
		if (!admin)
			check_report(c, &dep_key_admin, id, "KeyPolicy",
				     "no statement of key '%s' lets an IAM principal call "
				     "kms:PutKeyPolicy",
				     id);
	}
	(void)r;
}

/* ---- SM-DEP-041, 042: topics and their publishers ---- */

struct publisher {
	const char *type;	   /* resource type that publishes */
	const char *prop;	   /* where it names the topic (arrays searched) */
	const char *principal;	   /* who publishes */
	const char *key_principal; /* who needs the key (NULL: same) */
};

static const struct publisher publishers[] = {
	{"AWS::CloudWatch::Alarm", "AlarmActions", "cloudwatch.amazonaws.com", NULL},
	{"AWS::CloudWatch::Alarm", "OKActions", "cloudwatch.amazonaws.com", NULL},
	{"AWS::CloudWatch::Alarm", "InsufficientDataActions", "cloudwatch.amazonaws.com", NULL},
	{"AWS::Events::Rule", "Targets", "events.amazonaws.com", NULL},
	{"AWS::S3::Bucket", "NotificationConfiguration", "s3.amazonaws.com", NULL},
	{"AWS::Budgets::Budget", "NotificationsWithSubscribers", "budgets.amazonaws.com", NULL},
	{"AWS::CE::AnomalySubscription", "Subscribers", "costalerts.amazonaws.com", NULL},
	{"AWS::CodeStarNotifications::NotificationRule", "Targets",
	 "codestar-notifications.amazonaws.com", NULL},
	/* Auto Scaling publishes with its service-linked role, which needs the key, not the topic
	   policy */
	{"AWS::AutoScaling::AutoScalingGroup", "NotificationConfigurations", NULL,
	 "AWSServiceRoleForAutoScaling"},
	{NULL, NULL, NULL, NULL},
};

/*
 * A topic or queue (`kind`) encrypted with key `kv`: `who` (a service principal, or the
 * text of a service-linked role) must be allowed kms:GenerateDataKey* and kms:Decrypt by
 * the key's policy when the key is one of the set; the AWS managed key (`managed`, e.g.
 * "alias/aws/sns") allows no service.
 */
static void destination_key(struct check_ctx *c, const struct sm_rule_meta *meta, const char *id,
			    const char *kind, const json_t *kv, const char *managed,
			    const char *who)
{
	if (!kv)
		return;
	const char *lit = jstr(kv);
	if (lit && strstr(lit, managed)) {
		check_report(
			c, meta, id, "KmsMasterKeyId",
			"%s '%s' is encrypted with the AWS managed key %s, which %s may not use",
			kind, id, managed, who);
		return;
	}
	const char *kid;
	const json_t *key = resource_at(c, kv, NULL, &kid);
	const json_t *doc = jget(key, "Properties.KeyPolicy");
	if (key && !strcmp(res_type(key), "AWS::KMS::Key") && doc &&
	    !(doc_allows(doc, who, "kms:GenerateDataKey") && doc_allows(doc, who, "kms:Decrypt")))
		check_report(c, meta, id, "KmsMasterKeyId",
			     "%s '%s' is encrypted with key '%s', whose policy does not allow %s "
			     "kms:GenerateDataKey* and kms:Decrypt",
			     kind, id, kid, who);
}

/* Does reference `r` name its target in the publisher's type and property? */
static bool under(const struct sm_ref *r, const struct publisher *pub)
{
	size_t n = strlen(pub->prop);
	return !strcmp(r->owner_type, pub->type) && !strncmp(r->path, pub->prop, n) &&
	       (!r->path[n] || r->path[n] == '.' || r->path[n] == '[');
}

static void topic(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *done[sizeof(publishers) / sizeof(publishers[0])];
	size_t done_nr = 0;
	for (int u = 0; publishers[u].type; u++) {
		const struct publisher *pub = &publishers[u];
		bool seen = false;
		for (size_t k = 0; k < done_nr; k++)
			seen |= !strcmp(done[k], pub->type);
		if (seen)
			continue; /* one finding per publishing type (alarm actions, OK actions,
				     ...) */
		/* publishers of any stack, through imports too (Targets[].Arn,
		 * Subscribers[].Address, ... searched) */
		bool found = false;
		size_t nr;
		const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
		for (size_t k = 0; k < nr && !found; k++)
			found = under(&refs[k], pub);
		if (!found)
			continue;
		done[done_nr++] = pub->type;
		if (pub->principal) {
			/* the topic's policies, when it has any (none: the default policy) */
			size_t np;
			const struct typed_res *tps =
				template_resources_of_type(c, c->t, "AWS::SNS::TopicPolicy", &np);
			bool has_policy = false, ok = false;
			for (size_t k = 0; k < np; k++) {
				const json_t *tp = tps[k].res;
				if (!value_refers(jget(tp, "Properties.Topics"), id))
					continue;
				has_policy = true;
				ok |= doc_allows(jget(tp, "Properties.PolicyDocument"),
						 pub->principal, "sns:Publish");
			}
			if (has_policy && !ok)
				check_report(c, &dep_topic_publisher, id, NULL,
					     "%s publishes to topic '%s' (%s), but no topic policy "
					     "allows %s "
					     "sns:Publish",
					     pub->type, id, pub->prop, pub->principal);
		}
		const char *who = pub->key_principal ? pub->key_principal : pub->principal;
		destination_key(c, &dep_topic_key, id, "topic",
				json_object_get(p, "KmsMasterKeyId"), "alias/aws/sns", who);
	}
	(void)r;
}

/* ---- SM-DEP-085: queues and their senders ---- */

/* Who sends to a queue it is named in, by the referrer's type and where it names it. */
static const struct publisher queue_senders[] = {
	{"AWS::Events::Rule", "Targets", "events.amazonaws.com", NULL},
	{"AWS::S3::Bucket", "NotificationConfiguration", "s3.amazonaws.com", NULL},
	{"AWS::SNS::Subscription", "Endpoint", "sns.amazonaws.com", NULL},
	{"AWS::SNS::Topic", "Subscription", "sns.amazonaws.com", NULL},
	{NULL, NULL, NULL, NULL},
};

static void queue(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *kv = json_object_get(p, "KmsMasterKeyId");
	if (!kv)
		return;
	size_t nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	bool done[sizeof(queue_senders) / sizeof(queue_senders[0])] = {false};
	for (size_t i = 0; i < nr; i++)
		for (int u = 0; queue_senders[u].type; u++) {
			const struct publisher *s = &queue_senders[u];
			if (done[u] || !under(&refs[i], s))
				continue;
			/* one finding per sending service */
			for (int k = 0; queue_senders[k].type; k++)
				done[k] |= !strcmp(queue_senders[k].principal, s->principal);
			destination_key(c, &dep_queue_key, id, "queue", kv, "alias/aws/sqs",
					s->principal);
		}
	(void)r;
}

/* ---- SM-DEP-044: keys used by the service itself ---- */

static void check_service_key(struct check_ctx *c, const char *id, const json_t *kv,
			      const char *prop, const char *principal)
{
	const char *kid;
	const json_t *key = resource_at(c, kv, NULL, &kid);
	const json_t *doc = jget(key, "Properties.KeyPolicy");
	if (!key || strcmp(res_type(key), "AWS::KMS::Key") || !doc)
		return;
	if (!doc_allows(doc, principal, "kms:GenerateDataKey") &&
	    !doc_allows(doc, principal, "kms:Encrypt"))
		check_report(c, &dep_service_key, id, prop,
			     "'%s' uses key '%s', whose policy does not allow %s to use it", id,
			     kid, principal);
}

static void log_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	check_service_key(c, id, json_object_get(p, "KmsKeyId"), "KmsKeyId", "logs.");
	(void)r;
}

/* ---- SM-DEP-045: delivery buckets ---- */

static const json_t *bucket_policy_doc(struct check_ctx *c, const char *bucket,
				       struct sm_template *bt)
{
	size_t n;
	const struct typed_res *pols = resources_of_type(c, "AWS::S3::BucketPolicy", &n);
	for (size_t i = 0; i < n; i++) {
		struct check_ctx sub = *c;
		sub.t = pols[i].t;
		struct sm_template *w;
		const char *b = ref_target_any(&sub, jget(pols[i].res, "Properties.Bucket"), &w);
		if (b && w == bt && !strcmp(b, bucket))
			return jget(pols[i].res, "Properties.PolicyDocument");
	}
	return NULL;
}

static bool role_can_put(struct check_ctx *c, const char *role)
{
	const json_t *rr = json_object_get(c->resources, role);
	size_t i;
	json_t *pol;
	json_array_foreach (jget(rr, "Properties.Policies"), i, pol) {
		size_t k;
		json_t *st;
		json_array_foreach (jget(pol, "PolicyDocument.Statement"), k, st) {
			if (allowed(st) &&
			    iam_actions_cover(json_object_get(st, "Action"), "s3:PutObject"))
				return true;
		}
	}
	static const char *const policies[] = {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", NULL};
	struct typed_iter pi;
	for (const struct typed_res *x = typed_iter_first(&pi, c, c->t, policies); x;
	     x = typed_iter_next(&pi)) {
		const char *pid = x->id;
		const json_t *pr = x->res;
		if (!value_refers(jget(pr, "Properties.Roles"), role) &&
		    !value_refers(jget(rr, "Properties.ManagedPolicyArns"), pid))
			continue;
		size_t k;
		json_t *st;
		json_array_foreach (jget(pr, "Properties.PolicyDocument.Statement"), k, st) {
			if (allowed(st) &&
			    iam_actions_cover(json_object_get(st, "Action"), "s3:PutObject"))
				return true;
		}
	}
	return false;
}

static void delivery(struct check_ctx *c, const char *id, const json_t *p, const char *prop,
		     const char *principal, const char *role)
{
	struct sm_template *bt;
	const char *bid;
	const json_t *b = resource_at(c, json_object_get(p, prop), &bt, &bid);
	if (!b || strcmp(res_type(b), "AWS::S3::Bucket"))
		return;
	struct check_ctx sub = *c;
	sub.t = bt;
	const json_t *doc = bucket_policy_doc(&sub, bid, bt);
	if (doc_allows(doc, principal, "s3:PutObject") || (role && role_can_put(c, role)))
		return;
	check_report(c, &dep_delivery_bucket, id, prop,
		     "'%s' delivers to bucket '%s', but neither its bucket policy allows %s "
		     "s3:PutObject%s",
		     id, bid, principal, role ? " nor the recorder's role has s3:PutObject" : "");
}

static void trail(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	delivery(c, id, p, "S3BucketName", "cloudtrail.amazonaws.com", NULL);
	check_service_key(c, id, json_object_get(p, "KMSKeyId"), "KMSKeyId",
			  "cloudtrail.amazonaws.com");
	(void)r;
}

static void delivery_channel(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	/* the recorder's role, when the template has one recorder */
	const char *role = NULL;
	size_t n;
	const struct typed_res *recs =
		template_resources_of_type(c, c->t, "AWS::Config::ConfigurationRecorder", &n);
	for (size_t k = 0; k < n; k++)
		role = ref_target(jget(recs[k].res, "Properties.RoleARN"));
	delivery(c, id, p, "S3BucketName", "config.amazonaws.com", role ? role : "");
	(void)r;
}

static void load_balancer(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *on = NULL, *to = NULL;
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "LoadBalancerAttributes"), i, a) {
		const char *k = jstr(json_object_get(a, "Key")) ?: "";
		if (!strcmp(k, "access_logs.s3.enabled"))
			on = json_object_get(a, "Value");
		else if (!strcmp(k, "access_logs.s3.bucket"))
			to = a;
	}
	if (!to || strcmp(jstr(on) ?: "", "true"))
		return;
	struct sm_template *bt;
	const char *bid;
	const json_t *b = resource_at(c, json_object_get(to, "Value"), &bt, &bid);
	if (!b || strcmp(res_type(b), "AWS::S3::Bucket"))
		return;
	struct check_ctx sub = *c;
	sub.t = bt;
	const json_t *doc = bucket_policy_doc(&sub, bid, bt);
	/* the service principal, or an account's root (the Region's ELB account) */
	if (doc_allows(doc, "logdelivery.elasticloadbalancing.amazonaws.com", "s3:PutObject") ||
	    doc_allows(doc, ":root", "s3:PutObject"))
		return;
	check_report(c, &dep_delivery_bucket, id, "LoadBalancerAttributes",
		     "'%s' writes access logs to bucket '%s', whose policy allows neither "
		     "logdelivery.elasticloadbalancing.amazonaws.com nor an ELB account "
		     "s3:PutObject",
		     id, bid);
	(void)r;
}

const struct resource_rule check_rules_dep_policy[] = {
	{&dep_kms_context, "AWS::KMS::Key", key_policy},
	{&dep_key_admin, "-", NULL},
	{&dep_topic_publisher, "AWS::SNS::Topic", topic},
	{&dep_topic_key, "-", NULL},
	{&dep_queue_key, "AWS::SQS::Queue", queue},
	{&dep_service_key, "AWS::Logs::LogGroup", log_group},
	{&dep_delivery_bucket, "AWS::CloudTrail::Trail", trail},
	{&dep_delivery_bucket, "AWS::Config::DeliveryChannel", delivery_channel},
	{&dep_delivery_bucket, "AWS::ElasticLoadBalancingV2::LoadBalancer", load_balancer},
	{NULL, NULL, NULL},
};
