/*
 * Deployability rules (SM-DEP-070..074): settings one service checks against
 * another, or against its own other settings, when CloudFormation creates
 * the resource: the names WAF logs to, S3 ACLs against Object Ownership and
 * Object Lock against versioning, an ElastiCache password without TLS, and
 * what a secret's rotation needs (the transform, a function Secrets Manager
 * may invoke).
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_waf_log_name = DEP_RULE(
	"070", SM_SEV_ERROR, "WAF logging destination not named aws-waf-logs-...",
	"AWS WAF logs only to a CloudWatch Logs log group, a Firehose delivery stream or an S3 "
	"bucket whose name starts with aws-waf-logs-: PutLoggingConfiguration refuses any other "
	"destination (WAFInvalidParameterException), and a destination without an explicit name "
	"gets one CloudFormation generates, which never starts so.",
	"Name the log group, delivery stream or bucket aws-waf-logs-SOMETHING (LogGroupName, "
	"DeliveryStreamName, BucketName).",
	"https://docs.aws.amazon.com/waf/latest/APIReference/API_LoggingConfiguration.html");
static const struct sm_rule_meta dep_bucket_acl = DEP_RULE(
	"071", SM_SEV_ERROR, "Canned ACL on a bucket whose ACLs are disabled",
	"With Object Ownership BucketOwnerEnforced (the default for new buckets since April 2023, "
	"when OwnershipControls is absent) ACLs are disabled: setting any ACL but private or "
	"bucket-owner-full-control fails with AccessControlListNotSupported ('The bucket does not "
	"allow ACLs'), so AccessControl LogDeliveryWrite, PublicRead and the others fail the "
	"bucket's CREATE.",
	"Drop AccessControl and grant with a bucket policy, or set OwnershipControls "
	"ObjectOwnership "
	"to BucketOwnerPreferred (or ObjectWriter) where ACLs are really needed.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
	"object-ownership-error-responses.html");
static const struct sm_rule_meta dep_object_lock = DEP_RULE(
	"072", SM_SEV_ERROR, "S3 Object Lock without versioning",
	"Object Lock works on versions: a bucket gets an Object Lock configuration only when it is "
	"created with Object Lock enabled (ObjectLockEnabled, which turns versioning on) or has "
	"versioning Enabled (InvalidBucketState otherwise), and versioning of a bucket with Object "
	"Lock cannot be suspended.",
	"Set ObjectLockEnabled: true on the bucket with its ObjectLockConfiguration (or "
	"VersioningConfiguration Status Enabled), and never Suspended on a locked bucket.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html");
static const struct sm_rule_meta dep_cache_auth = DEP_RULE(
	"073", SM_SEV_ERROR,
	"ElastiCache AuthToken without in-transit encryption, or not a valid token",
	"CreateReplicationGroup takes an AuthToken only on replication groups where "
	"TransitEncryptionEnabled is true; the token must be 16 to 128 printable characters "
	"(InvalidParameterValue / InvalidParameterCombination otherwise).",
	"Set TransitEncryptionEnabled: true with AuthToken (clients then connect with TLS), and "
	"take the token from Secrets Manager ({{resolve:secretsmanager:...}}).",
	"https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
	"API_CreateReplicationGroup.html");
static const struct sm_rule_meta dep_rotation = DEP_RULE(
	"074", SM_SEV_ERROR, "Secret rotation Secrets Manager cannot set up or run",
	"A RotationSchedule with HostedRotationLambda needs the template's Transform "
	"AWS::SecretsManager-2020-07-23 or -2024-09-16 (without it CloudFormation has no function "
	"to create), and takes no RotationLambdaARN beside it; a RotationSchedule naming its own "
	"function rotates the secret at once, so the function's resource policy must allow "
	"secretsmanager.amazonaws.com lambda:InvokeFunction before the schedule is created "
	"('Secrets Manager cannot invoke the specified Lambda function'). "
	"The schedule runs every 4 hours at the most and every 1000 days at the least (rate(N "
	"hours) from 4, rate(N days) and AutomaticallyAfterDays 1 to 1000: RotateSecret refuses "
	"the others); and a schedule of a secret whose SecretTargetAttachment the template "
	"declares "
	"rotates at once, before the attachment wrote the database's host and port into the secret "
	"unless it DependsOn the attachment (the rotation function finds no host and fails). A "
	"HostedRotationLambda of an alternating-users type (*MultiUser) without MasterSecretArn "
	"gives its function no GetSecretValue on the superuser's secret: every rotation fails.",
	"Add the transform, or give RotationLambdaARN only; add an AWS::Lambda::Permission for "
	"secretsmanager.amazonaws.com on the function and a DependsOn on it in the schedule; "
	"rotate between every 4 hours and every 1000 days; make the schedule DependsOn the "
	"secret's target attachment.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
	"aws-resource-secretsmanager-rotationschedule.html");

/* ---- SM-DEP-070: WAF log destinations ---- */

#define WAF_LOGS "aws-waf-logs-"

/*
 * The text `v` begins with, as far as the template fixes it, in buf: a
 * string whole (*whole true), the text of an Fn::Sub before its first ${,
 * the leading literal parts of an Fn::Join. NULL when nothing is known.
 */
static const char *literal_head(const json_t *v, char *buf, size_t n, bool *whole)
{
	*whole = false;
	if (json_is_string(v)) {
		*whole = true;
		snprintf(buf, n, "%s", jstr(v));
		return buf;
	}
	const json_t *sub = json_object_get(v, "Fn::Sub");
	if (json_is_array(sub))
		sub = json_array_get(sub, 0);
	if (json_is_string(sub)) {
		const char *s = jstr(sub), *end = strstr(s, "${");
		*whole = !end;
		snprintf(buf, n, "%.*s", (int)(end ? (size_t)(end - s) : strlen(s)), s);
		return buf;
	}
	const json_t *join = json_object_get(v, "Fn::Join");
	const char *delim = jstr(json_array_get(join, 0));
	if (!delim || !json_is_array(json_array_get(join, 1)))
		return NULL;
	size_t len = 0, i;
	json_t *part;
	buf[0] = '\0';
	*whole = true;
	json_array_foreach (json_array_get(join, 1), i, part) {
		if (!json_is_string(part)) {
			*whole = false;
			break;
		}
		int w = snprintf(buf + len, n - len, "%s%s", i ? delim : "", jstr(part));
		len = w < 0 || (size_t)w >= n - len ? n - 1 : len + (size_t)w;
	}
	return buf;
}

/* May a name beginning with `head` (all of it when `whole`) start with aws-waf-logs-? */
static bool may_be_waf_name(const char *head, bool whole)
{
	size_t n = strlen(head), k = strlen(WAF_LOGS);
	if (n >= k)
		return !strncmp(head, WAF_LOGS, k);
	return !whole && !strncmp(WAF_LOGS, head, n);
}

/* The name inside a destination ARN's known head (log group, delivery stream, bucket), or NULL. */
static const char *name_in_arn(const char *arn)
{
	static const char *const marks[] = {":log-group:", ":deliverystream/", ":s3:::", NULL};
	for (int i = 0; marks[i]; i++) {
		const char *m = strstr(arn, marks[i]);
		if (m)
			return m + strlen(marks[i]);
	}
	return NULL;
}

static void waf_logging(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	static const char *const named[][2] = {
		{"AWS::Logs::LogGroup", "LogGroupName"},
		{"AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName"},
		{"AWS::S3::Bucket", "BucketName"},
	};
	size_t i;
	json_t *d;
	json_array_foreach (json_object_get(p, "LogDestinationConfigs"), i, d) {
		char buf[256];
		bool whole;
		const char *did, *head = NULL;
		const json_t *dest = resource_at(c, d, NULL, &did);
		if (dest) {
			const char *prop = NULL;
			for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
				if (!strcmp(res_type(dest), named[k][0]))
					prop = named[k][1];
			const json_t *name =
				prop ? jget(json_object_get(dest, "Properties"), prop) : NULL;
			if (prop && !name) {
				check_report(
					c, &dep_waf_log_name, id, "LogDestinationConfigs",
					"web ACL logging '%s' sends to '%s', which has no %s: the "
					"name CloudFormation generates does not start "
					"with " WAF_LOGS,
					id, did, prop);
				continue;
			}
			head = name ? literal_head(name, buf, sizeof(buf), &whole) : NULL;
		} else if ((head = literal_head(d, buf, sizeof(buf), &whole))) {
			const char *nm = name_in_arn(head);
			if (!nm)
				continue;
			memmove(buf, nm, strlen(nm) + 1);
			head = buf;
			did = jstr(d) ? jstr(d) : "an ARN";
		}
		if (head && !may_be_waf_name(head, whole))
			check_report(
				c, &dep_waf_log_name, id, "LogDestinationConfigs",
				"web ACL logging '%s' sends to '%s', named '%s%s', not " WAF_LOGS
				"...",
				id, did, head, whole ? "" : "...");
	}
	(void)r;
}

/* ---- SM-DEP-071, 072: bucket ACLs and Object Lock ---- */

static void bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *acl = jstr(json_object_get(p, "AccessControl"));
	if (acl && strcmp(acl, "Private") && strcmp(acl, "BucketOwnerFullControl") &&
	    bucket_acls_disabled(r))
		check_report(c, &dep_bucket_acl, id, "AccessControl",
			     "bucket '%s' sets AccessControl %s, and its ACLs are disabled "
			     "(ObjectOwnership BucketOwnerEnforced%s)",
			     id, acl,
			     jget(p, "OwnershipControls") ? ""
							  : ", the default without "
							    "OwnershipControls");
	const char *vs = jstr(jget(p, "VersioningConfiguration.Status"));
	bool lock = jtrue(json_object_get(p, "ObjectLockEnabled"));
	const json_t *cfg = json_object_get(p, "ObjectLockConfiguration");
	if (cfg && !lock && strcmp(vs ?: "", "Enabled") &&
	    (json_object_get(cfg, "Rule") ||
	     !strcmp(jstr(json_object_get(cfg, "ObjectLockEnabled")) ?: "", "Enabled")))
		check_report(c, &dep_object_lock, id, "ObjectLockConfiguration",
			     "bucket '%s' has an ObjectLockConfiguration, but neither "
			     "ObjectLockEnabled nor versioning",
			     id);
	if ((lock || cfg) && vs && !strcmp(vs, "Suspended"))
		check_report(c, &dep_object_lock, id, "VersioningConfiguration",
			     "bucket '%s' uses Object Lock with versioning Suspended", id);
}

/* ---- SM-DEP-073: ElastiCache AUTH ---- */

static void replication_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *tok = json_object_get(p, "AuthToken");
	if (!tok || json_is_null(tok))
		return;
	const json_t *tls = json_object_get(p, "TransitEncryptionEnabled");
	if (!jtrue(tls) && !json_is_object(tls)) /* an expression: not judged */
		check_report(c, &dep_cache_auth, id, "AuthToken",
			     "replication group '%s' has an AuthToken without "
			     "TransitEncryptionEnabled: true",
			     id);
	const char *s = jstr(tok);
	if (!s || strstr(s, "{{resolve:"))
		return;
	size_t n = strlen(s);
	bool printable = true;
	for (const char *q = s; *q; q++)
		printable &= *q > ' ' && *q < 127 && *q != '@' && *q != '"' && *q != '/';
	if (n < 16 || n > 128 || !printable)
		check_report(c, &dep_cache_auth, id, "AuthToken",
			     "replication group '%s' has an AuthToken of %zu characters%s (16 to "
			     "128 printable, without @, \" and /)",
			     id, n, printable ? "" : " holding a character AUTH refuses");
}

/* ---- SM-DEP-074: secret rotation ---- */

static bool has_transform(const json_t *tmpl)
{
	const json_t *t = json_object_get(tmpl, "Transform");
	json_t *one = json_is_string(t) ? json_pack("[O]", t) : json_incref((json_t *)t);
	size_t i;
	json_t *x;
	bool found = false;
	json_array_foreach (one, i, x) {
		found |= !strncmp(jstr(x) ?: "", "AWS::SecretsManager-", 20);
	}
	json_decref(one);
	return found;
}

/* Does the permission's Principal let Secrets Manager invoke the function? */
static bool lets_secretsmanager(const json_t *perm)
{
	const char *pr = jstr(jget(perm, "Properties.Principal"));
	const char *act = jstr(jget(perm, "Properties.Action"));
	return pr && (!strcmp(pr, "secretsmanager.amazonaws.com") || !strcmp(pr, "*")) && act &&
	       iam_glob(act, "lambda:InvokeFunction");
}

/* The schedule's frequency, and its order after the secret's target attachment. */
static void rotation_schedule(struct check_ctx *c, const char *id, const json_t *p)
{
	const char *expr = jstr(jget(p, "RotationRules.ScheduleExpression"));
	long n = 0, days = jnum(jget(p, "RotationRules.AutomaticallyAfterDays"), -1);
	char *unit = NULL;
	if (expr && !strncmp(expr, "rate(", 5)) {
		n = strtol(expr + 5, &unit, 10);
		while (*unit == ' ')
			unit++;
		if (!strncmp(unit, "hour", 4) && n < 4)
			check_report(
				c, &dep_rotation, id, "RotationRules",
				"rotation schedule '%s' rotates every %ld hour%s (every 4 hours "
				"at the most)",
				id, n, n == 1 ? "" : "s");
		else if (!strncmp(unit, "day", 3))
			days = n;
	}
	if (days == 0 || days > 1000)
		check_report(c, &dep_rotation, id, "RotationRules",
			     "rotation schedule '%s' rotates every %ld days (1 to 1000)", id, days);
	const char *secret = ref_target(json_object_get(p, "SecretId"));
	size_t na;
	const struct typed_res *as = template_resources_of_type(
		c, c->t, "AWS::SecretsManager::SecretTargetAttachment", &na);
	for (size_t i = 0; secret && i < na; i++) {
		const char *s = ref_target(jget(as[i].res, "Properties.SecretId"));
		if (s && !strcmp(s, secret) && !depends_on(c, id, as[i].id))
			check_report(c, &dep_rotation, id, "SecretId",
				     "rotation schedule '%s' may rotate secret '%s' before target "
				     "attachment '%s' writes the database's host into it",
				     id, secret, as[i].id);
	}
}

static void rotation(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *arn = json_object_get(p, "RotationLambdaARN");
	rotation_schedule(c, id, p);
	if (json_object_get(p, "HostedRotationLambda")) {
		if (!has_transform(c->t->tmpl))
			check_report(
				c, &dep_rotation, id, "HostedRotationLambda",
				"rotation schedule '%s' uses HostedRotationLambda in a template "
				"without the AWS::SecretsManager transform",
				id);
		const char *type = jstr(jget(p, "HostedRotationLambda.RotationType"));
		size_t tl = type ? strlen(type) : 0;
		if (tl > 9 && !strcmp(type + tl - 9, "MultiUser") &&
		    !jget(p, "HostedRotationLambda.MasterSecretArn"))
			check_report(c, &dep_rotation, id, "HostedRotationLambda",
				     "rotation schedule '%s' rotates with %s (alternating users) "
				     "without MasterSecretArn",
				     id, type);
		if (arn)
			check_report(c, &dep_rotation, id, "RotationLambdaARN",
				     "rotation schedule '%s' gives both HostedRotationLambda and "
				     "RotationLambdaARN",
				     id);
		return;
	}
	struct sm_rref fn = sm_resolve(c->a, c->t, arn);
	const json_t *f = sm_rref_resource(fn);
	if (!f || strcmp(res_type(f), "AWS::Lambda::Function"))
		return;
	size_t nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, fn.t, fn.id, &nr);
	const char *perm = NULL;
	for (size_t i = 0; i < nr && !perm; i++) {
		const json_t *pr = json_object_get(
			json_object_get(refs[i].owner->tmpl, "Resources"), refs[i].owner_id);
		if (!strcmp(refs[i].owner_type, "AWS::Lambda::Permission") &&
		    !strcmp(refs[i].path, "FunctionName") && lets_secretsmanager(pr))
			perm = refs[i].owner_id;
		if (perm && refs[i].owner == c->t && !depends_on(c, id, perm))
			check_report(c, &dep_rotation, id, "RotationLambdaARN",
				     "rotation schedule '%s' may be created before permission '%s' "
				     "lets Secrets Manager invoke function '%s'",
				     id, perm, fn.id);
	}
	if (!perm)
		check_report(c, &dep_rotation, id, "RotationLambdaARN",
			     "rotation schedule '%s' uses function '%s', and no "
			     "AWS::Lambda::Permission lets secretsmanager.amazonaws.com invoke it",
			     id, fn.id);
	(void)r;
}

const struct resource_rule check_rules_dep_svc[] = {
	{&dep_waf_log_name, "AWS::WAFv2::LoggingConfiguration", waf_logging},
	{&dep_bucket_acl, "AWS::S3::Bucket", bucket},
	{&dep_object_lock, "-", NULL},
	{&dep_cache_auth, "AWS::ElastiCache::ReplicationGroup", replication_group},
	{&dep_rotation, "AWS::SecretsManager::RotationSchedule", rotation},
	{NULL, NULL, NULL},
};
