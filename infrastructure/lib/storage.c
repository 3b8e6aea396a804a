/*
 * FR-3 storage: the static-assets bucket, the logs bucket and, in
 * production, the replica of the assets bucket in the DR region.
 */
#include "lib/storage.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/region.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

static json_t *assets_lifecycle(void)
{
	return json_pack("[{ss ss s{si}},{ss ss si},{ss ss s[{sssi}]}]",
			 /* FR-3.3: old versions go after 30 days, as the PRD's sample says */
			 "Id", "DeleteOldVersions", "Status", "Enabled",
			 "NoncurrentVersionExpiration", "NoncurrentDays", 30, "Id",
			 "AbortIncompleteUploads", "Status", "Enabled",
			 "AbortIncompleteMultipartUpload", 7, "Id", "TierRarelyUsedAssets",
			 "Status", "Enabled", "Transitions", "StorageClass", "INTELLIGENT_TIERING",
			 "TransitionInDays", 30);
}

/* AbortIncompleteMultipartUpload is an object, not a number. */
static void fix_abort_rule(json_t *rules)
{
	json_t *r = json_array_get(rules, 1);
	json_object_set_new(r, "AbortIncompleteMultipartUpload",
			    json_pack("{si}", "DaysAfterInitiation", 7));
}

void storage_add_logs_bucket(struct sm_stack *data, const struct env_config *cfg,
			     struct storage *out)
{
	bool prod = cfg->protect_data;
	struct bucket b;
	bucket_new(data, "LogsBucket",
		   &(struct bucket_props){
			   /*
			    * SSE-S3: ALB access logs do not support SSE-KMS, and
			    * CloudFront standard logs need ACLs (BucketOwnerPreferred).
			    */
			   .object_ownership = "BucketOwnerPreferred",
			   .lifecycle_rules =
				   json_pack("[{ss ss si s{si}}]", "Id", "ExpireLogs", "Status",
					     "Enabled", "ExpirationInDays", cfg->log_retention_days,
					     "NoncurrentVersionExpiration", "NoncurrentDays", 7),
			   .retain_policy = prod ? "Retain" : NULL},
		   &b);
	/*
	 * ALB access logs (ALB user guide, "Enable access logs", step 2): in the
	 * regions opened before August 2022 (us-east-1 among them) Elastic Load
	 * Balancing delivers as its own account of the region, elsewhere as the
	 * service principal. Without the right one, creating the load balancer
	 * with access logs on fails ("Access Denied for bucket").
	 */
	const char *elb = region_elb_log_account(cfg->region);
	json_t *principal =
		json_pack("{ss}", "Service", "logdelivery.elasticloadbalancing.amazonaws.com");
	if (elb) {
		char *root = xstrfmt("arn:${AWS::Partition}:iam::%s:root", elb);
		json_object_set_new(principal, "AWS", sm_fn_sub(root));
		free(root);
	}
	bucket_add_statement(&b,
			     json_pack("{ss ss so ss so}", "Sid", "AlbAccessLogs", "Effect",
				       "Allow", "Principal", principal, "Action", "s3:PutObject",
				       "Resource", bucket_objects_arn(b.bucket, "/alb/AWSLogs/*")));
	/* S3 server access logs of the assets bucket */
	bucket_add_statement(
		&b,
		json_pack("{ss ss s{ss} ss so s{s{so}}}", "Sid", "S3ServerAccessLogs", "Effect",
			  "Allow", "Principal", "Service", "logging.s3.amazonaws.com", "Action",
			  "s3:PutObject", "Resource", bucket_objects_arn(b.bucket, "/s3/*"),
			  "Condition", "StringEquals", "aws:SourceAccount", sm_aws_account_id()));
	nag_suppress(b.bucket, "this is the access-log bucket; logging it into itself would loop",
		     "AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled",
		     "PCI.DSS.321-S3BucketLoggingEnabled", "HIPAA.Security-S3BucketLoggingEnabled",
		     NULL);
	nag_suppress(b.bucket,
		     "ALB access logs can only be delivered to SSE-S3 buckets (ELB user guide, "
		     "access logs: bucket requirements)",
		     "NIST.800.53.R5-S3DefaultEncryptionKMS", "PCI.DSS.321-S3DefaultEncryptionKMS",
		     "HIPAA.Security-S3DefaultEncryptionKMS", NULL);
	nag_suppress(b.bucket,
		     "access logs stay in-region for their retention period; a replica would "
		     "double their cost without a recovery need",
		     "NIST.800.53.R5-S3BucketReplicationEnabled",
		     "PCI.DSS.321-S3BucketReplicationEnabled",
		     "HIPAA.Security-S3BucketReplicationEnabled", NULL);
	out->logs_bucket = b.bucket;
	json_t *rules = json_object_get(
		json_object_get(sm_resource_props(b.bucket), "LifecycleConfiguration"), "Rules");
	(void)rules;
}

static void replica_bucket(struct sm_stack *dr, const struct env_config *cfg, struct storage *out,
			   struct sm_resource **replica_key)
{
	*replica_key =
		kms_key_new(dr, "ReplicaKey", "SoleMate assets replica (DR)", NULL, "Retain");
	struct bucket b;
	bucket_new(dr, "AssetsReplicaBucket",
		   &(struct bucket_props){.kms_key = *replica_key,
					  .lifecycle_rules = assets_lifecycle(),
					  .retain_policy = "Retain"},
		   &b);
	fix_abort_rule(json_object_get(
		json_object_get(sm_resource_props(b.bucket), "LifecycleConfiguration"), "Rules"));
	nag_suppress(b.bucket,
		     "replica written only by S3 replication; its source bucket has server "
		     "access logs",
		     "AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled",
		     "PCI.DSS.321-S3BucketLoggingEnabled", "HIPAA.Security-S3BucketLoggingEnabled",
		     NULL);
	nag_suppress(b.bucket, "this bucket is the disaster-recovery replica itself",
		     "NIST.800.53.R5-S3BucketReplicationEnabled",
		     "PCI.DSS.321-S3BucketReplicationEnabled",
		     "HIPAA.Security-S3BucketReplicationEnabled", NULL);
	out->replica_bucket = b.bucket;
	sm_stack_add_output(dr, "ReplicaBucketName", sm_ref(b.bucket),
			    "Replica of the assets bucket", NULL);
	(void)cfg;
}

static struct sm_resource *replication_role(struct sm_stack *data, struct sm_resource *source,
					    const struct security_keys *keys,
					    struct sm_resource *replica,
					    struct sm_resource *replica_key)
{
	json_t *st = json_pack(
		"[o,o,o,o,o]",
		iam_allow(json_pack("[ss]", "s3:GetReplicationConfiguration", "s3:ListBucket"),
			  json_pack("[o]", sm_getatt(source, "Arn"))),
		iam_allow(json_pack("[sss]", "s3:GetObjectVersionForReplication",
				    "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"),
			  json_pack("[o]", bucket_objects_arn(source, "/*"))),
		iam_allow(json_pack("[sss]", "s3:ReplicateObject", "s3:ReplicateDelete",
				    "s3:ReplicateTags"),
			  json_pack("[o]", bucket_objects_arn(replica, "/*"))),
		iam_allow(json_pack("[s]", "kms:Decrypt"),
			  json_pack("[o]", sm_getatt(keys->data_key, "Arn"))),
		iam_allow(json_pack("[ss]", "kms:Encrypt", "kms:GenerateDataKey"),
			  json_pack("[o]", sm_getatt(replica_key, "Arn"))));
	/*
	 * The policy is its own resource: the bucket names the role, and the
	 * role's policy names the bucket, so inline they would form a cycle.
	 */
	struct sm_resource *role =
		iam_role_new(data, "AssetsReplicationRole", "s3.amazonaws.com", NULL, NULL);
	struct sm_resource *pol = sm_resource_new(
		data, "AssetsReplicationPolicy", "AWS::IAM::ManagedPolicy",
		json_pack("{so s[o]}", "PolicyDocument", iam_document(st), "Roles", sm_ref(role)));
	sm_resource_suppress(pol, "AwsSolutions-IAM5",
			     "replication acts on every object version of the source and replica "
			     "buckets: the object ARNs end in /*");
	return role;
}

int storage_build(struct sm_stack *data, struct sm_stack *dr, struct sm_stack *assets_policy_stack,
		  const struct env_config *cfg, const struct security_keys *keys,
		  struct storage *out, struct diag_list *dl)
{
	(void)dl;
	bool prod = cfg->protect_data;
	memset(out, 0, sizeof(*out));
	storage_add_logs_bucket(data, cfg, out);

	struct sm_resource *replica_key = NULL;
	if (dr)
		replica_bucket(dr, cfg, out, &replica_key);

	struct bucket b;
	bucket_new(data, "AssetsBucket",
		   &(struct bucket_props){.kms_key = keys->data_key,
					  .access_log_bucket = out->logs_bucket,
					  .access_log_prefix = "s3/assets/",
					  .lifecycle_rules = assets_lifecycle(),
					  .retain_policy = prod ? "Retain" : NULL,
					  /*
					   * CloudFront reads through Origin Access Control, and the
					   * policy names our distribution only (edge.c adds that
					   * statement): it lives beside the distribution, which
					   * comes after this stack, as the CDK places it.
					   */
					  .policy_stack = assets_policy_stack},
		   &b);
	fix_abort_rule(json_object_get(
		json_object_get(sm_resource_props(b.bucket), "LifecycleConfiguration"), "Rules"));
	if (assets_policy_stack && assets_policy_stack != data)
		nag_suppress(b.bucket,
			     "the bucket's policy (TLS only, read by our CloudFront distribution "
			     "only) is AssetsBucketPolicy beside the distribution, in the stack "
			     "that comes after this one",
			     "AwsSolutions-S10", "NIST.800.53.R5-S3BucketSSLRequestsOnly",
			     "PCI.DSS.321-S3BucketSSLRequestsOnly",
			     "HIPAA.Security-S3BucketSSLRequestsOnly", NULL);
	if (out->replica_bucket) {
		struct sm_resource *role =
			replication_role(data, b.bucket, keys, out->replica_bucket, replica_key);
		sm_resource_set(
			b.bucket, "ReplicationConfiguration",
			json_pack("{so s[{ss ss si s{} s{s{ss}} s{so s{so} s{ss}}}]}", "Role",
				  sm_getatt(role, "Arn"), "Rules", "Id", "ReplicateToDr", "Status",
				  "Enabled", "Priority", 1, "Filter", "SourceSelectionCriteria",
				  "SseKmsEncryptedObjects", "Status", "Enabled", "Destination",
				  "Bucket", sm_getatt(out->replica_bucket, "Arn"),
				  "EncryptionConfiguration", "ReplicaKmsKeyID",
				  sm_getatt(replica_key, "Arn"), "ReplicationTime", "Status",
				  "Disabled"));
		/* DeleteMarkerReplication is required with Filter (schema V2 rules) */
		json_t *rule =
			json_array_get(json_object_get(json_object_get(sm_resource_props(b.bucket),
								       "ReplicationConfiguration"),
						       "Rules"),
				       0);
		json_object_set_new(rule, "DeleteMarkerReplication",
				    json_pack("{ss}", "Status", "Disabled"));
		json_object_del(json_object_get(rule, "Destination"), "ReplicationTime");
	}
	out->assets_bucket = b.bucket;
	out->assets_policy = b.policy;
	out->assets_statements = b.statements;
	sm_stack_add_output(data, "AssetsBucketName", sm_ref(b.bucket), "Static assets bucket",
			    NULL);
	sm_stack_add_output(data, "LogsBucketName", sm_ref(out->logs_bucket),
			    "Access logs of the load balancer, CloudFront and S3", NULL);
	return 0;
}
