#include "constructs/secure.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"

void secure_retain(struct sm_resource *r, const char *policy)
{
	if (!policy)
		return;
	sm_resource_set_deletion_policy(r, policy);
	sm_resource_set_update_replace_policy(r, policy);
}

struct sm_resource *kms_key_new(struct sm_stack *s, const char *id, const char *description,
				json_t *service_statements, const char *retain_policy)
{
	/* The account root keeps administration so that IAM policies can grant use. */
	json_t *st = json_pack("[{ss s{so} ss ss}]", "Effect", "Allow", "Principal", "AWS",
			       iam_account_root(), "Action", "kms:*", "Resource", "*");
	if (service_statements)
		json_array_extend(st, service_statements);
	json_decref(service_statements);
	struct sm_resource *k = sm_resource_new(
		s, id, "AWS::KMS::Key",
		json_pack("{ss sb sb so}", "Description", description, "EnableKeyRotation", 1,
			  "Enabled", 1, "KeyPolicy", iam_document(st)));
	/* Retain: deleting a key makes everything encrypted with it unreadable. */
	secure_retain(k, retain_policy ? retain_policy : "Retain");
	return k;
}

struct sm_resource *log_group_new(struct sm_stack *s, const char *id, json_t *name,
				  const struct sm_resource *kms_key, int retention_days,
				  const char *retain_policy)
{
	json_t *props = json_pack("{sI}", "RetentionInDays", (json_int_t)retention_days);
	if (name)
		json_object_set_new(props, "LogGroupName", name);
	if (kms_key)
		json_object_set_new(props, "KmsKeyId", sm_getatt(kms_key, "Arn"));
	struct sm_resource *lg = sm_resource_new(s, id, "AWS::Logs::LogGroup", props);
	secure_retain(lg, retain_policy);
	return lg;
}

json_t *bucket_objects_arn(const struct sm_resource *bucket, const char *suffix)
{
	return sm_fn_join("", json_pack("[os]", sm_getatt(bucket, "Arn"), suffix));
}

void bucket_new(struct sm_stack *s, const char *id, const struct bucket_props *p,
		struct bucket *out)
{
	json_t *sse = p->kms_key ? json_pack("{s{ssso}sb}", "ServerSideEncryptionByDefault",
					     "SSEAlgorithm", "aws:kms", "KMSMasterKeyID",
					     sm_getatt(p->kms_key, "Arn"), "BucketKeyEnabled", 1)
				 : json_pack("{s{ss}}", "ServerSideEncryptionByDefault",
					     "SSEAlgorithm", "AES256");
	json_t *props = json_pack(
		"{s{s[o]} s{sbsbsbsb} s{ss} s{s[{ss}]}}", "BucketEncryption",
		"ServerSideEncryptionConfiguration", sse, "PublicAccessBlockConfiguration",
		"BlockPublicAcls", 1, "BlockPublicPolicy", 1, "IgnorePublicAcls", 1,
		"RestrictPublicBuckets", 1, "VersioningConfiguration", "Status", "Enabled",
		"OwnershipControls", "Rules", "ObjectOwnership",
		p->object_ownership ? p->object_ownership : "BucketOwnerEnforced");
	if (p->access_log_bucket)
		json_object_set_new(props, "LoggingConfiguration",
				    json_pack("{so ss}", "DestinationBucketName",
					      sm_ref(p->access_log_bucket), "LogFilePrefix",
					      p->access_log_prefix ? p->access_log_prefix : ""));
	if (p->lifecycle_rules)
		json_object_set_new(props, "LifecycleConfiguration",
				    json_pack("{so}", "Rules", p->lifecycle_rules));
	out->bucket = sm_resource_new(s, id, "AWS::S3::Bucket", props);
	secure_retain(out->bucket, p->retain_policy);

	/* Deny every request that does not use TLS (FSBP S3.5, PCI DSS 4.1). */
	out->statements =
		json_pack("[{ss ss s{ss} s[s] s[oo] s{s{ss}}}]", "Sid", "DenyInsecureTransport",
			  "Effect", "Deny", "Principal", "AWS", "*", "Action", "s3:*", "Resource",
			  sm_getatt(out->bucket, "Arn"), bucket_objects_arn(out->bucket, "/*"),
			  "Condition", "Bool", "aws:SecureTransport", "false");
	char *pid = xstrfmt("%sPolicy", id);
	out->policy = sm_resource_new(
		p->policy_stack ? p->policy_stack : s, pid, "AWS::S3::BucketPolicy",
		json_pack("{so s{ss sO}}", "Bucket", sm_ref(out->bucket), "PolicyDocument",
			  "Version", "2012-10-17", "Statement", out->statements));
	free(pid);
	json_decref(out->statements); /* the policy holds it; we keep a borrowed pointer */
}

void bucket_add_statement(struct bucket *b, json_t *statement)
{
	json_array_append_new(b->statements, statement);
}
