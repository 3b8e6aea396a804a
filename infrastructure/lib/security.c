/*
 * FR-5 security: KMS keys, application secret, regional WAF, CloudTrail and
 * AWS Config. See security.h.
 */
#include "lib/security.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/audit.h"
#include "constructs/dns.h"
#include "constructs/iam.h"
#include "constructs/secure.h"
#include "constructs/waf.h"

/* EC2 Auto Scaling's service-linked role (the one its groups use unless told another) */
static json_t *autoscaling_role_arn(void)
{
	return sm_fn_sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/"
			 "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling");
}

/* aws:PrincipalArn is Auto Scaling's role, of this account (see the logs key below for why) */
static json_t *autoscaling_role_condition(void)
{
	return iam_condition("StringEquals", "aws:PrincipalArn", autoscaling_role_arn(),
			     "kms:CallerAccount", sm_aws_account_id(), NULL);
}

/*
 * The Auto Scaling group launches its instances as its service-linked role,
 * which holds no customer managed key: the key policy must let it use the
 * key and create grants for the volumes (EC2 Auto Scaling user guide,
 * "Required AWS KMS key policy for use with encrypted volumes", its two
 * statements). Appended to `st`.
 */
static void add_autoscaling_volume_statements(json_t *st)
{
	json_array_append_new(
		st, iam_statement(&(struct iam_statement_props){
			    .sid = "AllowAutoScalingEncryptedVolumes",
			    .principal = iam_any_principal(),
			    .action = sm_strings("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
						 "kms:GenerateDataKey*", "kms:DescribeKey", NULL),
			    .resource = json_string("*"),
			    .condition = autoscaling_role_condition()}));
	json_array_append_new(st, iam_statement(&(struct iam_statement_props){
					  .sid = "AllowAutoScalingVolumeGrants",
					  .principal = iam_any_principal(),
					  .action = json_string("kms:CreateGrant"),
					  .resource = json_string("*"),
					  .condition = iam_condition_and(
						  autoscaling_role_condition(),
						  iam_condition("Bool", "kms:GrantIsForAWSResource",
								json_true(), NULL))}));
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
	json_t *dist = sm_stack_add_output_parameter(
		data, "AssetsDistributionId", edge, "DistributionId", "^[A-Z0-9]*$",
		"ID of this environment's CloudFront distribution (deploy reads the Edge "
		"stack's output DistributionId; empty before it exists)");
	free(edge);
	/* The condition is referred to by name in Fn::If below; drop the
	 * {"Condition": ...} reference the engine hands back. */
	json_decref(sm_stack_add_condition(data, "HasAssetsDistribution",
					   sm_fn_not(sm_fn_equals(dist, json_string("")))));
	json_t *oac_read = iam_statement(&(struct iam_statement_props){
		.sid = "AllowCloudFrontOacRead",
		.principal = iam_service("cloudfront.amazonaws.com"),
		.action = sm_strings("kms:Decrypt", NULL),
		.resource = json_string("*"),
		.condition =
			iam_condition("StringEquals", "AWS:SourceArn",
				      sm_fn_sub("arn:${AWS::Partition}:cloudfront::${AWS::"
						"AccountId}:distribution/${AssetsDistributionId}"),
				      NULL)});
	json_t *data_st = sm_list(sm_fn_if("HasAssetsDistribution", oac_read, sm_no_value()));
	/* the EC2 capacity's root volumes: compute.c's launch template names this key */
	add_autoscaling_volume_statements(data_st);
	out->data_key = kms_key_new(
		data, "DataKey", "SoleMate data: database, secrets, backups, assets, EC2 volumes",
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
	json_t *alarm_publishers = iam_statement(&(struct iam_statement_props){
		.sid = "AllowAlarmPublishers",
		.principal = iam_services("cloudwatch.amazonaws.com", "budgets.amazonaws.com",
					  "costalerts.amazonaws.com", NULL),
		.action = sm_strings("kms:Decrypt", "kms:GenerateDataKey*", NULL),
		.resource = json_string("*")});
	json_t *autoscaling = iam_statement(&(struct iam_statement_props){
		.sid = "AllowAutoScalingNotifications",
		.principal = iam_any_principal(),
		.action = sm_strings("kms:Decrypt", "kms:GenerateDataKey*", NULL),
		.resource = json_string("*"),
		.condition =
			iam_condition("StringEquals", "aws:PrincipalArn", autoscaling_role_arn(),
				      "kms:CallerAccount", sm_aws_account_id(), "kms:ViaService",
				      sm_fn_sub("sns.${AWS::Region}.amazonaws.com"), NULL)});
	json_t *logs_st = sm_list(kms_logs_statement(), alarm_publishers, autoscaling);
	out->logs_key = kms_key_new(data, "LogsKey", "SoleMate logs and alarms", logs_st, "Retain");
	sm_stack_add_output(data, "DataKeyArn", sm_getatt(out->data_key, "Arn"),
			    "KMS key of the database, secrets, backups and assets", NULL);
	return 0;
}

json_t *security_app_secret_arn(const struct security_secrets *secrets)
{
	return secrets->read_region ? secret_arn_in(secrets->app_secret, secrets->read_region)
				    : sm_ref(secrets->app_secret);
}

int security_add_secrets(struct sm_stack *data, const struct env_config *cfg,
			 const struct security_keys *keys, struct security_secrets *out,
			 struct diag_list *dl)
{
	(void)dl;
	/* kept in production with its stack's ID in the name: the next stack of the name needs
	 * another (SM-DEP-080) */
	char *name = xstrfmt("solemate/%s/app", cfg->environment);
	out->app_secret = secret_new(
		data, "AppSecret",
		&(struct secret_props){
			.name = name,
			.description =
				"SoleMate application secrets (session signing key, API tokens)",
			.kms_key = keys->data_key,
			.generate_key = "sessionKey",
			.length = 48,
			.exclude_punctuation = true,
			.name_per_stack = true,
			/* production's signing key outlives its stack, as the data it signed does
			 */
			.retain_policy = cfg->protect_data ? "Retain" : NULL});
	accept_finding(out->app_secret, "SM-SEC-002",
		       "application-generated signing key: rotated by the release process "
		       "(a new deploy), not by a rotation Lambda the app cannot follow");
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
	int rc =
		waf_web_acl_new(stack, id,
				&(struct waf_web_acl_props){
					.cloudfront = cloudfront,
					/* the DR standby's visitors come directly (DNS failover) */
					.behind_cloudfront = !cloudfront && !cfg->dr_standby,
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

/* The trail's name: the key and bucket policies name its ARN (aws:SourceArn). */
#define TRAIL_NAME "solemate-audit"

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
	accept_finding(
		audit.bucket, "SM-S3-006",
		"the audit bucket receives CloudTrail and Config deliveries only; CloudTrail "
		"records every access to it");
	accept_finding(audit.bucket, "SM-S3-002",
		       "CloudTrail encrypts its log files with the trail's KMS key (KMSKeyId); "
		       "Config snapshots hold resource configuration, no customer data");
	accept_finding(audit.bucket, "SM-S3-009",
		       "the audit trail is append-only (versioned, lifecycle to Glacier) in the "
		       "account's home region; a second copy is the organization trail's job");
	/*
	 * The trail is multi-region: the home region's baseline makes it, and
	 * CloudTrail replicates it into every other region as a shadow trail of
	 * the same name, so a second region's baseline neither needs nor could
	 * create its own (CreateTrail: TrailAlreadyExistsException).
	 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-create-trail.html
	 */
	if (cfg->home) {
		/* the audit key: the trail's log files and its CloudWatch Logs group */
		json_t *key_st = cloudtrail_key_statements(TRAIL_NAME);
		json_array_insert_new(key_st, 0, kms_logs_statement());
		cloudtrail_new(
			baseline, "Trail",
			&(struct cloudtrail_props){
				.name = TRAIL_NAME,
				.bucket = &audit,
				.prefix = "cloudtrail",
				.kms_key = kms_key_new(baseline, "AuditKey",
						       "SoleMate account audit trail and its logs",
						       key_st, "Retain"),
				.log_retention_days = cfg->log_retention_days});
	}
	/*
	 * A region holds one recorder and one delivery channel
	 * (PutConfigurationRecorder, PutDeliveryChannel); with the account's
	 * own, the rules evaluate with it. PutConfigRule needs one to exist
	 * (NoAvailableConfigurationRecorderException): preflight checks that it
	 * does.
	 */
	struct config_recorder rec;
	bool own_recorder = strcmp(cfg->config_recorder, "existing") != 0;
	if (own_recorder)
		config_recorder_new(baseline, "Config",
				    &(struct config_recorder_props){.bucket = &audit,
								    .prefix = "config",
								    .regional_only = !cfg->home},
				    &rec);
	/*
	 * CLOUDFRONT_VIEWER_POLICY_HTTPS is "only available in US East (N.
	 * Virginia)": elsewhere PutConfigRule has no such managed rule.
	 * https://docs.aws.amazon.com/config/latest/developerguide/cloudfront-viewer-policy-https.html
	 */
	const char *rules[sizeof(config_rules) / sizeof(config_rules[0])];
	size_t n = 0;
	for (size_t i = 0; config_rules[i]; i++)
		if (strcmp(config_rules[i], "CLOUDFRONT_VIEWER_POLICY_HTTPS") ||
		    !strcmp(cfg->region, "us-east-1"))
			rules[n++] = config_rules[i];
	rules[n] = NULL;
	config_managed_rules_new(baseline, "ConfigRule", "solemate-", rules,
				 own_recorder ? &rec : NULL);
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
	struct sm_resource *cert = dns_certificate_new(
		s, "AlbCertificate",
		&(struct dns_certificate_props){.domain = cfg->domain_name,
						.alternative_name = wildcard,
						.hosted_zone_id = cfg->hosted_zone_id});
	free(wildcard);
	return sm_ref(cert);
}
