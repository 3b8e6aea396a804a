/* The account's audit record: CloudTrail and AWS Config (audit.h). */
#include "constructs/audit.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"

json_t *cloudtrail_arn(const char *name)
{
	char *fmt = xstrfmt(
		"arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/%s", name);
	json_t *arn = sm_fn_sub(fmt);
	free(fmt);
	return arn;
}

/*
 * Per "Configure AWS KMS key policies for CloudTrail" (CloudTrail user
 * guide): GenerateDataKey* under the trail's encryption context, and
 * DescribeKey, which carries no encryption context, with aws:SourceArn only.
 */
json_t *cloudtrail_key_statements(const char *name)
{
	json_t *encrypt = iam_statement(&(struct iam_statement_props){
		.sid = "AllowCloudTrailEncrypt",
		.principal = iam_service("cloudtrail.amazonaws.com"),
		.action = json_string("kms:GenerateDataKey*"),
		.resource = json_string("*"),
		.condition = iam_condition_and(
			iam_condition(
				"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn",
				sm_fn_sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:"
					  "trail/*"),
				NULL),
			iam_condition("StringEquals", "aws:SourceArn", cloudtrail_arn(name),
				      NULL))});
	json_t *describe = iam_statement(&(struct iam_statement_props){
		.sid = "AllowCloudTrailDescribeKey",
		.principal = iam_service("cloudtrail.amazonaws.com"),
		.action = json_string("kms:DescribeKey"),
		.resource = json_string("*"),
		.condition = iam_condition("StringEquals", "aws:SourceArn", cloudtrail_arn(name),
					   NULL)});
	return json_pack("[oo]", encrypt, describe);
}

/* CloudTrail checks the bucket's ACL, then writes as this trail only (CloudTrail user guide). */
static void cloudtrail_bucket_statements(struct bucket *b, const char *name, const char *prefix)
{
	bucket_add_statement(b, iam_statement(&(struct iam_statement_props){
					.sid = "CloudTrailAclCheck",
					.principal = iam_service("cloudtrail.amazonaws.com"),
					.action = json_string("s3:GetBucketAcl"),
					.resource = sm_getatt(b->bucket, "Arn"),
					.condition = iam_condition("StringEquals", "aws:SourceArn",
								   cloudtrail_arn(name), NULL)}));
	char *objects = xstrfmt("/%s/AWSLogs/*", prefix);
	bucket_allow_delivery(b, "CloudTrailWrite", iam_service("cloudtrail.amazonaws.com"),
			      objects,
			      iam_condition("StringEquals", "s3:x-amz-acl",
					    json_string("bucket-owner-full-control"),
					    "aws:SourceArn", cloudtrail_arn(name), NULL));
	free(objects);
}

struct sm_resource *cloudtrail_new(struct sm_stack *s, const char *id,
				   const struct cloudtrail_props *p)
{
	cloudtrail_bucket_statements(p->bucket, p->name, p->prefix);
	char *lg_id = xstrfmt("%sLogs", id);
	char *role_id = xstrfmt("%sLogsRole", id);
	struct sm_resource *lg =
		log_group_new(s, lg_id, NULL, p->kms_key, p->log_retention_days, "Retain");
	struct sm_resource *role = iam_role_new(
		s, role_id, "cloudtrail.amazonaws.com",
		json_pack("[o]",
			  iam_allow(sm_strings("logs:CreateLogStream", "logs:PutLogEvents", NULL),
				    json_pack("[o]",
					      sm_fn_join("", json_pack("[os]", sm_getatt(lg, "Arn"),
								       ""))))),
		NULL);
	free(lg_id);
	free(role_id);
	struct sm_resource *trail = sm_resource_new(
		s, id, "AWS::CloudTrail::Trail",
		json_pack("{ss sb so ss sb sb sb so so so}", "TrailName", p->name, "IsLogging", 1,
			  "S3BucketName", sm_ref(p->bucket->bucket), "S3KeyPrefix", p->prefix,
			  "IsMultiRegionTrail", 1, "IncludeGlobalServiceEvents", 1,
			  "EnableLogFileValidation", 1, "KMSKeyId", sm_getatt(p->kms_key, "Arn"),
			  "CloudWatchLogsLogGroupArn", sm_getatt(lg, "Arn"),
			  "CloudWatchLogsRoleArn", sm_getatt(role, "Arn")));
	sm_resource_depends_on(trail, p->bucket->policy);
	/* CloudTrail checks at creation that the role can write to the log group */
	iam_role_wait_for(trail, role);
	return trail;
}

/*
 * AWS Config delivers with the recorder's role in the same account
 * ("Permissions for the IAM role assigned to AWS Config": s3:PutObject under
 * the prefix with bucket-owner-full-control, s3:GetBucketAcl, and
 * s3:ListBucket for the existence check). The bucket policy also grants
 * the service principal, limited to this account (aws:SourceAccount), as
 * "Permissions for the Amazon S3 bucket for the AWS Config delivery
 * channel" shows.
 */
static void config_bucket_statements(struct bucket *b, const char *prefix)
{
	bucket_add_statement(b,
			     iam_statement(&(struct iam_statement_props){
				     .sid = "ConfigAclCheck",
				     .principal = iam_service("config.amazonaws.com"),
				     .action = sm_strings("s3:GetBucketAcl", "s3:ListBucket", NULL),
				     .resource = sm_getatt(b->bucket, "Arn"),
				     .condition = iam_condition("StringEquals", "aws:SourceAccount",
								sm_aws_account_id(), NULL)}));
	char *objects = xstrfmt("/%s/AWSLogs/*", prefix);
	bucket_allow_delivery(b, "ConfigWrite", iam_service("config.amazonaws.com"), objects,
			      iam_condition("StringEquals", "s3:x-amz-acl",
					    json_string("bucket-owner-full-control"),
					    "aws:SourceAccount", sm_aws_account_id(), NULL));
	free(objects);
}

static json_t *config_delivery_statements(const struct bucket *b, const char *prefix)
{
	char *fmt = xstrfmt("${Bucket}/%s/AWSLogs/${AWS::AccountId}/*", prefix);
	json_t *objects =
		sm_fn_sub_vars(fmt, json_pack("{so}", "Bucket", sm_getatt(b->bucket, "Arn")));
	free(fmt);
	return json_pack(
		"[o o]",
		iam_allow_if(sm_strings("s3:PutObject", NULL), json_pack("[o]", objects),
			     iam_condition("StringEquals", "s3:x-amz-acl",
					   json_string("bucket-owner-full-control"), NULL)),
		iam_allow(sm_strings("s3:GetBucketAcl", "s3:ListBucket", NULL),
			  json_pack("[o]", sm_getatt(b->bucket, "Arn"))));
}

void config_recorder_new(struct sm_stack *s, const char *id, const struct config_recorder_props *p,
			 struct config_recorder *out)
{
	config_bucket_statements(p->bucket, p->prefix);
	static const char *const managed[] = {"service-role/AWS_ConfigRole", NULL};
	char *rid = xstrfmt("%sRole", id);
	out->role = iam_role_new(s, rid, "config.amazonaws.com",
				 config_delivery_statements(p->bucket, p->prefix), managed);
	free(rid);
	/*
	 * cdk-nag's own: AwsSolutions-IAM4 flags any AWS managed policy, and no
	 * rule of ours does (SM-IAM-005 answers to it for AdministratorAccess only)
	 */
	nag_suppress(out->role,
		     "AWS_ConfigRole is the policy AWS maintains for the Config recorder to read "
		     "every supported resource type; a hand-written copy would fall behind",
		     "AwsSolutions-IAM4", NULL);
	accept_finding(
		out->role, "SM-IAM-002",
		"AWS Config names the history and snapshot objects it delivers; the wildcard "
		"covers only config/AWSLogs/<this account>/ of the audit bucket");
	char *rec = xstrfmt("%sRecorder", id);
	out->recorder = sm_resource_new(
		s, rec, "AWS::Config::ConfigurationRecorder",
		json_pack("{so s{sbsb}}", "RoleARN", sm_getatt(out->role, "Arn"), "RecordingGroup",
			  "AllSupported", 1, "IncludeGlobalResourceTypes", !p->regional_only));
	free(rec);
	char *ch = xstrfmt("%sDeliveryChannel", id);
	out->channel =
		sm_resource_new(s, ch, "AWS::Config::DeliveryChannel",
				json_pack("{so ss}", "S3BucketName", sm_ref(p->bucket->bucket),
					  "S3KeyPrefix", p->prefix));
	free(ch);
	/*
	 * PutDeliveryChannel: "Before you can create a delivery channel, you must
	 * create a configuration recorder"; it checks that the bucket accepts the
	 * role's writes (InsufficientDeliveryPolicyException otherwise).
	 */
	sm_resource_depends_on(out->channel, out->recorder);
	sm_resource_depends_on(out->channel, p->bucket->policy);
	iam_role_wait_for(out->channel, out->role);
}

void config_managed_rules_new(struct sm_stack *s, const char *id_prefix, const char *name_prefix,
			      const char *const *identifiers,
			      const struct config_recorder *recorder)
{
	for (int i = 0; identifiers[i]; i++) {
		char *id = xstrfmt("%s%d", id_prefix, i + 1);
		char *name = xstrfmt("%s%s", name_prefix, identifiers[i]);
		for (char *p = name + strlen(name_prefix); *p; p++)
			*p = *p == '_' ? '-' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		struct sm_resource *r = sm_resource_new(
			s, id, "AWS::Config::ConfigRule",
			json_pack("{ss s{ssss}}", "ConfigRuleName", name, "Source", "Owner", "AWS",
				  "SourceIdentifier", identifiers[i]));
		/* rules evaluate only once the recorder runs */
		if (recorder) {
			sm_resource_depends_on(r, recorder->recorder);
			sm_resource_depends_on(r, recorder->channel);
		}
		free(id);
		free(name);
	}
}
