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

/* FR-3.3: old versions go after 30 days, as the PRD's sample says */
static const struct bucket_lifecycle_rule assets_lifecycle[] = {
	{.id = "DeleteOldVersions", .noncurrent_days = 30},
	{.id = "AbortIncompleteUploads", .abort_incomplete_days = 7},
	{.id = "TierRarelyUsedAssets",
	 .transition_to = "INTELLIGENT_TIERING",
	 .transition_days = 30},
	{0}};

void storage_add_logs_bucket(struct sm_stack *data, const struct env_config *cfg,
			     struct storage *out)
{
	bool prod = cfg->protect_data;
	struct bucket b;
	/*
	 * SSE-S3: ALB access logs do not support SSE-KMS, and CloudFront
	 * standard logs need ACLs (BucketOwnerPreferred).
	 */
	struct bucket_lifecycle_rule rules[] = {{.id = "ExpireLogs",
						 .expiration_days = cfg->log_retention_days,
						 .noncurrent_days = 7},
						{0}};
	bucket_new(data, "LogsBucket",
		   &(struct bucket_props){.object_ownership = "BucketOwnerPreferred",
					  .lifecycle = rules,
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
	json_t *principal = iam_service("logdelivery.elasticloadbalancing.amazonaws.com");
	if (elb) {
		char *root = xstrfmt("arn:${AWS::Partition}:iam::%s:root", elb);
		json_object_set_new(principal, "AWS", sm_fn_sub(root));
		free(root);
	}
	bucket_allow_delivery(&b, "AlbAccessLogs", principal, "/alb/AWSLogs/*", NULL);
	/* S3 server access logs of the assets bucket */
	bucket_allow_delivery(
		&b, "S3ServerAccessLogs", iam_service("logging.s3.amazonaws.com"), "/s3/*",
		iam_condition("StringEquals", "aws:SourceAccount", sm_aws_account_id(), NULL));
	accept_finding(b.bucket, "SM-S3-006",
		       "this is the access-log bucket; logging it into itself would loop");
	accept_finding(b.bucket, "SM-S3-002",
		       "ALB access logs can only be delivered to SSE-S3 buckets (ELB user guide, "
		       "access logs: bucket requirements)");
	accept_finding(b.bucket, "SM-S3-009",
		       "access logs stay in-region for their retention period; a replica would "
		       "double their cost without a recovery need");
	out->logs_bucket = b.bucket;
}

static void replica_bucket(struct sm_stack *dr, const struct env_config *cfg, struct storage *out,
			   struct sm_resource **replica_key)
{
	*replica_key =
		kms_key_new(dr, "ReplicaKey", "SoleMate assets replica (DR)", NULL, "Retain");
	struct bucket b;
	bucket_new(dr, "AssetsReplicaBucket",
		   &(struct bucket_props){.kms_key = *replica_key,
					  .lifecycle = assets_lifecycle,
					  .retain_policy = "Retain"},
		   &b);
	accept_finding(b.bucket, "SM-S3-006",
		       "replica written only by S3 replication; its source bucket has server "
		       "access logs");
	accept_finding(b.bucket, "SM-S3-009",
		       "this bucket is the disaster-recovery replica itself");
	out->replica_bucket = b.bucket;
	sm_stack_add_output(dr, "ReplicaBucketName", sm_ref(b.bucket),
			    "Replica of the assets bucket", NULL);
	(void)cfg;
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
					  .lifecycle = assets_lifecycle,
					  .retain_policy = prod ? "Retain" : NULL,
					  /*
					   * CloudFront reads through Origin Access Control, and the
					   * policy names our distribution only (edge.c adds that
					   * statement): it lives beside the distribution, which
					   * comes after this stack, as the CDK places it.
					   */
					  .policy_stack = assets_policy_stack},
		   &b);
	if (assets_policy_stack && assets_policy_stack != data)
		accept_finding(b.bucket, "SM-S3-004",
			       "the bucket's policy (TLS only, read by our CloudFront distribution "
			       "only) is AssetsBucketPolicy beside the distribution, in the stack "
			       "that comes after this one");
	if (out->replica_bucket)
		bucket_replicate(
			&b, &(struct bucket_replication_props){.rule_id = "ReplicateToDr",
							       .source_key = keys->data_key,
							       .destination = out->replica_bucket,
							       .destination_key = replica_key});
	out->assets_bucket = b.bucket;
	out->assets_policy = b.policy;
	out->assets_statements = b.statements;
	sm_stack_add_output(data, "AssetsBucketName", sm_ref(b.bucket), "Static assets bucket",
			    NULL);
	sm_stack_add_output(data, "LogsBucketName", sm_ref(out->logs_bucket),
			    "Access logs of the load balancer, CloudFront and S3", NULL);
	return 0;
}
