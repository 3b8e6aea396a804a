/*
 * FR-5 security: KMS keys, application secret, regional WAF, CloudTrail and
 * AWS Config. See security.h.
 */
#include "lib/security.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"
#include "constructs/waf.h"

/* CloudWatch Logs may use a key for this account's log groups only (the encryption context). */
static json_t *logs_statement(void)
{
	return json_pack(
		"{ss ss s{so} s[sssss] ss s{s{so}}}", "Sid", "AllowCloudWatchLogs", "Effect",
		"Allow", "Principal", "Service", sm_fn_sub("logs.${AWS::Region}.amazonaws.com"),
		"Action", "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
		"kms:Describe*", "Resource", "*", "Condition", "ArnLike",
		"kms:EncryptionContext:aws:logs:arn",
		sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"));
}

int security_add_keys(struct sm_stack *data, const struct env_config *cfg,
		      struct security_keys *out, struct diag_list *dl)
{
	(void)dl;
	/*
	 * The data key encrypts the database, its secrets, backups and the assets
	 * bucket; CloudFront reads SSE-KMS objects through Origin Access Control
	 * only when the key lets it (CloudFront developer guide, "Restrict access
	 * to an Amazon S3 origin", SSE-KMS), and only our distribution may: its
	 * ARN. The key comes before the distribution (bucket -> key, distribution
	 * -> bucket), so the distribution's ID is a parameter that deploy looks
	 * up from the Edge stack's output: empty on the very first deploy (no
	 * distribution yet, no statement), and deploy runs this stack again once
	 * the Edge stack exists (the CDK's README asks for the same second step
	 * by hand, "Scoping down the key policy").
	 */
	char *edge = xstrfmt("%sEdge", cfg->stack_prefix);
	json_t *dist = sm_stack_add_lookup_parameter(
		data, "AssetsDistributionId",
		json_pack("{ss ss ss ss}", "Type", "String", "Default", "", "AllowedPattern",
			  "^[A-Z0-9]*$", "Description",
			  "ID of this environment's CloudFront distribution (deploy reads the Edge "
			  "stack's output DistributionId; empty before it exists)"),
		json_pack("{ss ss ss sb}", "lookup", "cloudformation:output", "stack", edge,
			  "output", "DistributionId", "optional", 1));
	free(edge);
	/* The condition is referred to by name in Fn::If below; drop the
	 * {"Condition": ...} reference the engine hands back. */
	json_decref(sm_stack_add_condition(data, "HasAssetsDistribution",
					   sm_fn_not(sm_fn_equals(dist, json_string("")))));
	json_t *data_st = json_pack(
		"[o]",
		sm_fn_if("HasAssetsDistribution",
			 json_pack("{ss ss s{ss} s[s] ss s{s{so}}}", "Sid",
				   "AllowCloudFrontOacRead", "Effect", "Allow", "Principal",
				   "Service", "cloudfront.amazonaws.com", "Action", "kms:Decrypt",
				   "Resource", "*", "Condition", "StringEquals", "AWS:SourceArn",
				   sm_fn_sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
					     "distribution/${AssetsDistributionId}")),
			 sm_no_value()));
	out->data_key =
		kms_key_new(data, "DataKey", "SoleMate data: database, secrets, backups, assets",
			    data_st, "Retain");
	/*
	 * The logs key is used by CloudWatch Logs (with the encryption context
	 * condition AWS documents) and by the alarm topic. A topic encrypted with
	 * a customer managed key takes messages only from publishers the key
	 * lets use it (SNS developer guide, "Configure AWS KMS permissions for
	 * AWS services"): CloudWatch alarms and Budgets as service principals;
	 * EC2 Auto Scaling publishes its notifications as its service-linked
	 * role, which holds no customer key by default (EC2 Auto Scaling user
	 * guide, "Required AWS KMS key policy"). That role is named through
	 * aws:PrincipalArn rather than as the Principal: KMS refuses a key policy
	 * whose principal does not exist yet, and a new account gets the role
	 * only with its first Auto Scaling group, which this key comes before.
	 */
	json_t *logs_st = json_pack(
		"[o,"
		" {ss ss s{s[sss]} s[ss] ss},"
		" {ss ss s{ss} s[ss] ss s{s{so so so}}}]",
		logs_statement(), "Sid", "AllowAlarmPublishers", "Effect", "Allow", "Principal",
		"Service", "cloudwatch.amazonaws.com", "budgets.amazonaws.com",
		"costalerts.amazonaws.com", "Action", "kms:Decrypt", "kms:GenerateDataKey*",
		"Resource", "*", "Sid", "AllowAutoScalingNotifications", "Effect", "Allow",
		"Principal", "AWS", "*", "Action", "kms:Decrypt", "kms:GenerateDataKey*",
		"Resource", "*", "Condition", "StringEquals", "aws:PrincipalArn",
		sm_fn_sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/"
			  "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"),
		"kms:CallerAccount", sm_aws_account_id(), "kms:ViaService",
		sm_fn_sub("sns.${AWS::Region}.amazonaws.com"));
	out->logs_key = kms_key_new(data, "LogsKey", "SoleMate logs and alarms", logs_st, "Retain");
	sm_stack_add_output(data, "DataKeyArn", sm_getatt(out->data_key, "Arn"),
			    "KMS key of the database, secrets, backups and assets", NULL);
	return 0;
}

void security_replicate_secret(struct sm_resource *secret, const char *region,
			       struct sm_resource *key)
{
	sm_resource_set(
		secret, "ReplicaRegions",
		json_pack("[{ss so}]", "Region", region, "KmsKeyId", sm_getatt(key, "Arn")));
}

json_t *security_secret_arn_in(const struct sm_resource *secret, const char *region)
{
	/* arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX */
	return sm_fn_join(":", json_pack("[s o s s o s o]", "arn", sm_aws_partition(),
					 "secretsmanager", region, sm_aws_account_id(), "secret",
					 sm_fn_select(6, sm_fn_split(":", sm_ref(secret)))));
}

json_t *security_app_secret_arn(const struct security_secrets *secrets)
{
	return secrets->read_region
		       ? security_secret_arn_in(secrets->app_secret, secrets->read_region)
		       : sm_ref(secrets->app_secret);
}

int security_add_secrets(struct sm_stack *data, const struct env_config *cfg,
			 const struct security_keys *keys, struct security_secrets *out,
			 struct diag_list *dl)
{
	(void)dl;
	char *name = xstrfmt("solemate/%s/app", cfg->environment);
	out->app_secret = sm_resource_new(
		data, "AppSecret", "AWS::SecretsManager::Secret",
		json_pack("{ss ss so s{ss ss si sb}}", "Name", name, "Description",
			  "SoleMate application secrets (session signing key, API tokens)",
			  "KmsKeyId", sm_getatt(keys->data_key, "Arn"), "GenerateSecretString",
			  "SecretStringTemplate", "{}", "GenerateStringKey", "sessionKey",
			  "PasswordLength", 48, "ExcludePunctuation", 1));
	nag_suppress(out->app_secret,
		     "application-generated signing key: rotated by the release process "
		     "(a new deploy), not by a rotation Lambda the app cannot follow",
		     "AwsSolutions-SMG4", "NIST.800.53.R5-SecretsManagerRotationEnabled",
		     "PCI.DSS.321-SecretsManagerRotationEnabled",
		     "HIPAA.Security-SecretsManagerRotationEnabled", NULL);
	/* production's signing key outlives its stack, as the data it signed does */
	secure_retain(out->app_secret, cfg->protect_data ? "Retain" : NULL);
	free(name);
	return 0;
}

/*
 * FR-5.4: CloudFront's web ACL (CdnWebAcl, which sees the viewer's own
 * address) or the load balancer's (AlbWebAcl, whose clients come through
 * CloudFront).
 */
struct sm_resource *security_add_web_acl(struct sm_stack *stack, const struct env_config *cfg,
					 const struct sm_resource *logs_key, bool cloudfront,
					 struct diag_list *dl)
{
	struct waf_web_acl acl;
	const char *tier = cloudfront ? "Cdn" : "Alb";
	char *id = xstrfmt("%sWebAcl", tier);
	char *metric = xstrfmt("%s%s", cfg->stack_prefix, tier);
	char *logs =
		xstrfmt(WAF_LOG_GROUP_PREFIX "%s-%s", cfg->environment, cloudfront ? "cdn" : "alb");
	int rc = waf_web_acl_new(stack, id,
				 &(struct waf_web_acl_props){
					 .cloudfront = cloudfront,
					 .behind_cloudfront = !cloudfront,
					 .metric_name = metric,
					 .log_group_name = logs,
					 .logs_key = logs_key,
					 .log_retention_days = cfg->log_retention_days,
					 /* production keeps its request logs with the stack gone */
					 .log_retain_policy = cfg->protect_data ? "Retain" : NULL},
				 &acl, dl);
	free(logs);
	free(metric);
	free(id);
	return rc < 0 ? NULL : acl.acl;
}

struct sm_resource *security_add_regional_waf(struct sm_stack *stack, const struct env_config *cfg,
					      const struct security_keys *keys,
					      struct diag_list *dl)
{
	return security_add_web_acl(stack, cfg, keys->logs_key, false, dl);
}

/* The trail's name and ARN: the key and bucket policies name it (aws:SourceArn). */
#define TRAIL_NAME "solemate-audit"
#define TRAIL_ARN                                                                                  \
	"arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/" TRAIL_NAME

/*
 * The audit key: the trail's log files and its CloudWatch Logs group. Per
 * "Configure AWS KMS key policies for CloudTrail" (CloudTrail user guide):
 * GenerateDataKey* under the trail's encryption context, and DescribeKey,
 * which carries no encryption context, with aws:SourceArn only.
 */
static struct sm_resource *audit_key(struct sm_stack *b)
{
	json_t *st = json_pack(
		"[o,"
		" {ss ss s{ss} ss ss s{s{so} s{so}}},"
		" {ss ss s{ss} ss ss s{s{so}}}]",
		logs_statement(), "Sid", "AllowCloudTrailEncrypt", "Effect", "Allow", "Principal",
		"Service", "cloudtrail.amazonaws.com", "Action", "kms:GenerateDataKey*", "Resource",
		"*", "Condition", "StringLike", "kms:EncryptionContext:aws:cloudtrail:arn",
		sm_fn_sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*"),
		"StringEquals", "aws:SourceArn", sm_fn_sub(TRAIL_ARN), "Sid",
		"AllowCloudTrailDescribeKey", "Effect", "Allow", "Principal", "Service",
		"cloudtrail.amazonaws.com", "Action", "kms:DescribeKey", "Resource", "*",
		"Condition", "StringEquals", "aws:SourceArn", sm_fn_sub(TRAIL_ARN));
	return kms_key_new(b, "AuditKey", "SoleMate account audit trail and its logs", st,
			   "Retain");
}

static void audit_trail(struct sm_stack *b, const struct baseline_config *cfg,
			struct sm_resource *key, struct bucket *audit)
{
	bucket_add_statement(audit,
			     json_pack("{ss ss s{ss} ss so s{s{so}}}", "Sid", "CloudTrailAclCheck",
				       "Effect", "Allow", "Principal", "Service",
				       "cloudtrail.amazonaws.com", "Action", "s3:GetBucketAcl",
				       "Resource", sm_getatt(audit->bucket, "Arn"), "Condition",
				       "StringEquals", "aws:SourceArn", sm_fn_sub(TRAIL_ARN)));
	bucket_add_statement(
		audit,
		json_pack("{ss ss s{ss} ss so s{s{ss so}}}", "Sid", "CloudTrailWrite", "Effect",
			  "Allow", "Principal", "Service", "cloudtrail.amazonaws.com", "Action",
			  "s3:PutObject", "Resource",
			  bucket_objects_arn(audit->bucket, "/cloudtrail/AWSLogs/*"), "Condition",
			  "StringEquals", "s3:x-amz-acl", "bucket-owner-full-control",
			  "aws:SourceArn", sm_fn_sub(TRAIL_ARN)));
	struct sm_resource *lg =
		log_group_new(b, "TrailLogs", NULL, key, cfg->log_retention_days, "Retain");
	struct sm_resource *role = iam_role_new(
		b, "TrailLogsRole", "cloudtrail.amazonaws.com",
		json_pack("[o]",
			  iam_allow(json_pack("[ss]", "logs:CreateLogStream", "logs:PutLogEvents"),
				    json_pack("[o]",
					      sm_fn_join("", json_pack("[os]", sm_getatt(lg, "Arn"),
								       ""))))),
		NULL);
	struct sm_resource *trail = sm_resource_new(
		b, "Trail", "AWS::CloudTrail::Trail",
		json_pack("{ss sb so ss sb sb sb so so so}", "TrailName", TRAIL_NAME, "IsLogging",
			  1, "S3BucketName", sm_ref(audit->bucket), "S3KeyPrefix", "cloudtrail",
			  "IsMultiRegionTrail", 1, "IncludeGlobalServiceEvents", 1,
			  "EnableLogFileValidation", 1, "KMSKeyId", sm_getatt(key, "Arn"),
			  "CloudWatchLogsLogGroupArn", sm_getatt(lg, "Arn"),
			  "CloudWatchLogsRoleArn", sm_getatt(role, "Arn")));
	sm_resource_depends_on(trail, audit->policy);
	/* CloudTrail checks at creation that the role can write to the log group */
	iam_role_wait_for(trail, role);
}

/* AWS Config managed rules that watch what this design sets (FR-5.6). */
static const char *const config_rules[] = {"S3_BUCKET_SSL_REQUESTS_ONLY",
					   "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
					   "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
					   "S3_BUCKET_VERSIONING_ENABLED",
					   "RDS_STORAGE_ENCRYPTED",
					   "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
					   "RDS_INSTANCE_DELETION_PROTECTION_ENABLED",
					   "RDS_MULTI_AZ_SUPPORT",
					   "INCOMING_SSH_DISABLED",
					   "EC2_IMDSV2_CHECK",
					   "CLOUD_TRAIL_ENABLED",
					   "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
					   "VPC_FLOW_LOGS_ENABLED",
					   "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
					   "ALB_WAF_ENABLED",
					   "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
					   "ENCRYPTED_VOLUMES",
					   "IAM_ROOT_ACCESS_KEY_CHECK",
					   "CLOUDFRONT_VIEWER_POLICY_HTTPS",
					   "ELB_LOGGING_ENABLED",
					   NULL};

/*
 * AWS Config delivers with the recorder's role in the same account
 * ("Permissions for the IAM role assigned to AWS Config": s3:PutObject under
 * the prefix with bucket-owner-full-control, s3:GetBucketAcl, and
 * s3:ListBucket for the existence check). The bucket policy also grants
 * the service principal, limited to this account (aws:SourceAccount), as
 * "Permissions for the Amazon S3 bucket for the AWS Config delivery
 * channel" shows.
 */
static void add_config_rules(struct sm_stack *b, struct sm_resource *rec, struct sm_resource *ch);

static void audit_config(struct sm_stack *b, struct bucket *audit, bool create_recorder)
{
	if (!create_recorder) {
		/*
		 * A region holds one recorder and one delivery channel
		 * (PutConfigurationRecorder, PutDeliveryChannel); with the
		 * account's own, the rules evaluate with it. PutConfigRule needs
		 * one to exist (NoAvailableConfigurationRecorderException):
		 * preflight checks that it does.
		 */
		add_config_rules(b, NULL, NULL);
		return;
	}
	json_t *account = sm_aws_account_id();
	bucket_add_statement(audit,
			     json_pack("{ss ss s{ss} s[ss] so s{s{sO}}}", "Sid", "ConfigAclCheck",
				       "Effect", "Allow", "Principal", "Service",
				       "config.amazonaws.com", "Action", "s3:GetBucketAcl",
				       "s3:ListBucket", "Resource", sm_getatt(audit->bucket, "Arn"),
				       "Condition", "StringEquals", "aws:SourceAccount", account));
	bucket_add_statement(audit,
			     json_pack("{ss ss s{ss} ss so s{s{ss sO}}}", "Sid", "ConfigWrite",
				       "Effect", "Allow", "Principal", "Service",
				       "config.amazonaws.com", "Action", "s3:PutObject", "Resource",
				       bucket_objects_arn(audit->bucket, "/config/AWSLogs/*"),
				       "Condition", "StringEquals", "s3:x-amz-acl",
				       "bucket-owner-full-control", "aws:SourceAccount", account));
	json_decref(account);
	json_t *objects =
		sm_fn_sub_vars("${Bucket}/config/AWSLogs/${AWS::AccountId}/*",
			       json_pack("{so}", "Bucket", sm_getatt(audit->bucket, "Arn")));
	json_t *delivery =
		json_pack("[o o]",
			  iam_allow_if(json_pack("[s]", "s3:PutObject"), json_pack("[o]", objects),
				       json_pack("{s{ss}}", "StringEquals", "s3:x-amz-acl",
						 "bucket-owner-full-control")),
			  iam_allow(json_pack("[ss]", "s3:GetBucketAcl", "s3:ListBucket"),
				    json_pack("[o]", sm_getatt(audit->bucket, "Arn"))));
	static const char *const managed[] = {"service-role/AWS_ConfigRole", NULL};
	struct sm_resource *role =
		iam_role_new(b, "ConfigRole", "config.amazonaws.com", delivery, managed);
	nag_suppress(role,
		     "AWS_ConfigRole is the policy AWS maintains for the Config recorder to read "
		     "every supported resource type; a hand-written copy would fall behind",
		     "AwsSolutions-IAM4", NULL);
	nag_suppress(role,
		     "AWS Config names the history and snapshot objects it delivers; the wildcard "
		     "covers only config/AWSLogs/<this account>/ of the audit bucket",
		     "AwsSolutions-IAM5", NULL);
	struct sm_resource *rec = sm_resource_new(
		b, "ConfigRecorder", "AWS::Config::ConfigurationRecorder",
		json_pack("{so s{sbsb}}", "RoleARN", sm_getatt(role, "Arn"), "RecordingGroup",
			  "AllSupported", 1, "IncludeGlobalResourceTypes", 1));
	struct sm_resource *ch =
		sm_resource_new(b, "ConfigDeliveryChannel", "AWS::Config::DeliveryChannel",
				json_pack("{so ss}", "S3BucketName", sm_ref(audit->bucket),
					  "S3KeyPrefix", "config"));
	/*
	 * PutDeliveryChannel: "Before you can create a delivery channel, you must
	 * create a configuration recorder"; it checks that the bucket accepts the
	 * role's writes (InsufficientDeliveryPolicyException otherwise).
	 */
	sm_resource_depends_on(ch, rec);
	sm_resource_depends_on(ch, audit->policy);
	iam_role_wait_for(ch, role);
	add_config_rules(b, rec, ch);
}

/* `rec` and `ch`: the recorder and channel the rules wait for, or NULL (the account's). */
static void add_config_rules(struct sm_stack *b, struct sm_resource *rec, struct sm_resource *ch)
{
	for (int i = 0; config_rules[i]; i++) {
		char *id = xstrfmt("ConfigRule%d", i + 1);
		char *name = xstrfmt("solemate-%s", config_rules[i]);
		for (char *p = name; *p; p++)
			*p = *p == '_' ? '-' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		struct sm_resource *r = sm_resource_new(
			b, id, "AWS::Config::ConfigRule",
			json_pack("{ss s{ssss}}", "ConfigRuleName", name, "Source", "Owner", "AWS",
				  "SourceIdentifier", config_rules[i]));
		/* rules evaluate only once the recorder runs */
		if (rec)
			sm_resource_depends_on(r, rec);
		if (ch)
			sm_resource_depends_on(r, ch);
		free(id);
		free(name);
	}
}

int security_add_audit(struct sm_stack *baseline, const struct baseline_config *cfg,
		       struct diag_list *dl)
{
	(void)dl;
	struct bucket audit;
	bucket_new(baseline, "AuditBucket",
		   &(struct bucket_props){.object_ownership = "BucketOwnerPreferred",
					  .lifecycle =
						  (const struct bucket_lifecycle_rule[]){
							  {.id = "ArchiveThenExpire",
							   .transition_to = "GLACIER",
							   .transition_days = 90,
							   .expiration_days = 2555},
							  {0}},
					  .retain_policy = "Retain"},
		   &audit);
	nag_suppress(audit.bucket,
		     "the audit bucket receives CloudTrail and Config deliveries only; CloudTrail "
		     "records every access to it",
		     "AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled",
		     "PCI.DSS.321-S3BucketLoggingEnabled", "HIPAA.Security-S3BucketLoggingEnabled",
		     NULL);
	nag_suppress(audit.bucket,
		     "CloudTrail encrypts its log files with the trail's KMS key (KMSKeyId); "
		     "Config snapshots hold resource configuration, no customer data",
		     "NIST.800.53.R5-S3DefaultEncryptionKMS", "PCI.DSS.321-S3DefaultEncryptionKMS",
		     "HIPAA.Security-S3DefaultEncryptionKMS", NULL);
	nag_suppress(audit.bucket,
		     "the audit trail is append-only (versioned, lifecycle to Glacier) in the "
		     "account's home region; a second copy is the organization trail's job",
		     "NIST.800.53.R5-S3BucketReplicationEnabled",
		     "PCI.DSS.321-S3BucketReplicationEnabled",
		     "HIPAA.Security-S3BucketReplicationEnabled", NULL);
	audit_trail(baseline, cfg, audit_key(baseline), &audit);
	audit_config(baseline, &audit, strcmp(cfg->config_recorder, "existing") != 0);
	sm_stack_add_output(baseline, "AuditBucketName", sm_ref(audit.bucket),
			    "Bucket of CloudTrail and AWS Config deliveries", NULL);
	return 0;
}

/*
 * FR-5.3, the load balancer's certificate (in the environment's region: a
 * certificate serves only in its own region). With a hosted zone, one of our
 * own, DNS-validated through the zone and renewed by ACM, for the domain and
 * any one-label name under it (the name CloudFront reaches the load balancer
 * by, among them); otherwise the one the configuration names.
 */
json_t *security_alb_certificate(struct sm_stack *s, const struct env_config *cfg)
{
	if (!cfg->hosted_zone_id)
		return json_string(cfg->alb_certificate_arn ? cfg->alb_certificate_arn
							    : cfg->certificate_arn);
	char *wildcard = xstrfmt("*.%s", cfg->domain_name);
	struct sm_resource *cert = sm_resource_new(
		s, "AlbCertificate", "AWS::CertificateManager::Certificate",
		json_pack("{ss s[s] ss s[{ssss},{ssss}]}", "DomainName", cfg->domain_name,
			  "SubjectAlternativeNames", wildcard, "ValidationMethod", "DNS",
			  "DomainValidationOptions", "DomainName", cfg->domain_name, "HostedZoneId",
			  cfg->hosted_zone_id, "DomainName", wildcard, "HostedZoneId",
			  cfg->hosted_zone_id));
	free(wildcard);
	return sm_ref(cert);
}
