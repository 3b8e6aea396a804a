#include "constructs/secure.h"

#include <stdlib.h>
#include <string.h>

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

json_t *kms_logs_statement(void)
{
	return iam_statement(&(struct iam_statement_props){
		.sid = "AllowCloudWatchLogs",
		.principal = iam_regional_service("logs"),
		.action = sm_strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*",
				     "kms:GenerateDataKey*", "kms:Describe*", NULL),
		.resource = json_string("*"),
		.condition = iam_condition(
			"ArnLike", "kms:EncryptionContext:aws:logs:arn",
			sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"),
			NULL)});
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

struct sm_resource *secret_new(struct sm_stack *s, const char *id, const struct secret_props *p)
{
	struct sm_resource *secret = sm_resource_new(
		s, id, "AWS::SecretsManager::Secret",
		json_pack("{so ss so s{ss ss si sb}}", "Name",
			  p->name_per_stack ? sm_stack_unique_name(p->name) : json_string(p->name),
			  "Description", p->description, "KmsKeyId", sm_getatt(p->kms_key, "Arn"),
			  "GenerateSecretString", "SecretStringTemplate", "{}", "GenerateStringKey",
			  p->generate_key, "PasswordLength", p->length, "ExcludePunctuation",
			  p->exclude_punctuation));
	secure_retain(secret, p->retain_policy);
	return secret;
}

void secret_add_replica(struct sm_resource *secret, const char *region,
			const struct sm_resource *key)
{
	sm_resource_set(
		secret, "ReplicaRegions",
		json_pack("[{ss so}]", "Region", region, "KmsKeyId", sm_getatt(key, "Arn")));
}

json_t *secret_arn_in(const struct sm_resource *secret, const char *region)
{
	/* arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX */
	return sm_fn_join(":", json_pack("[s o s s o s o]", "arn", sm_aws_partition(),
					 "secretsmanager", region, sm_aws_account_id(), "secret",
					 sm_fn_select(6, sm_fn_split(":", sm_ref(secret)))));
}

json_t *bucket_objects_arn(const struct sm_resource *bucket, const char *suffix)
{
	return sm_fn_join("", json_pack("[os]", sm_getatt(bucket, "Arn"), suffix));
}

static json_t *lifecycle_rule(const struct bucket_lifecycle_rule *r)
{
	json_t *rule = json_pack("{ss ss}", "Id", r->id, "Status", "Enabled");
	if (!r->id)
		return rule; /* the failed pack, which names "Id" */
	if (r->prefix)
		json_object_set_new(rule, "Prefix", json_string(r->prefix));
	if (r->transition_to)
		json_object_set_new(rule, "Transitions",
				    json_pack("[{ss si}]", "StorageClass", r->transition_to,
					      "TransitionInDays", r->transition_days));
	if (r->expiration_days)
		json_object_set_new(rule, "ExpirationInDays", json_integer(r->expiration_days));
	if (r->noncurrent_days)
		json_object_set_new(rule, "NoncurrentVersionExpiration",
				    json_pack("{si}", "NoncurrentDays", r->noncurrent_days));
	if (r->abort_incomplete_days)
		json_object_set_new(
			rule, "AbortIncompleteMultipartUpload",
			json_pack("{si}", "DaysAfterInitiation", r->abort_incomplete_days));
	return rule;
}

static json_t *lifecycle_rules(const struct bucket_lifecycle_rule *rules)
{
	json_t *list = json_array();
	/* the table ends with a rule of no id and no action: {0} */
	for (const struct bucket_lifecycle_rule *r = rules;
	     r->id || r->prefix || r->transition_to || r->expiration_days || r->noncurrent_days ||
	     r->abort_incomplete_days;
	     r++)
		json_array_append_new(list, lifecycle_rule(r));
	return json_pack("{so}", "Rules", list);
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
	if (p->lifecycle)
		json_object_set_new(props, "LifecycleConfiguration", lifecycle_rules(p->lifecycle));
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

void bucket_allow_delivery(struct bucket *b, const char *sid, json_t *principal,
			   const char *objects, json_t *condition)
{
	bucket_add_statement(b, iam_statement(&(struct iam_statement_props){
					.sid = sid,
					.principal = principal,
					.action = json_string("s3:PutObject"),
					.resource = bucket_objects_arn(b->bucket, objects),
					.condition = condition}));
}

static json_t *arns(const struct sm_resource *r)
{
	return json_pack("[o]", sm_getatt(r, "Arn"));
}

static json_t *objects(const struct sm_resource *bucket)
{
	return json_pack("[o]", bucket_objects_arn(bucket, "/*"));
}

/* The replication role's permissions (S3 user guide, "Setting up permissions" for replication) */
static json_t *replication_statements(const struct sm_resource *source,
				      const struct bucket_replication_props *p)
{
	return json_pack(
		"[o,o,o,o,o]",
		iam_allow(sm_strings("s3:GetReplicationConfiguration", "s3:ListBucket", NULL),
			  arns(source)),
		iam_allow(sm_strings("s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
				     "s3:GetObjectVersionTagging", NULL),
			  objects(source)),
		iam_allow(sm_strings("s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
				     NULL),
			  objects(p->destination)),
		iam_allow(sm_strings("kms:Decrypt", NULL), arns(p->source_key)),
		iam_allow(sm_strings("kms:Encrypt", "kms:GenerateDataKey", NULL),
			  arns(p->destination_key)));
}

struct sm_resource *bucket_replicate(struct bucket *b, const struct bucket_replication_props *p)
{
	struct sm_stack *s = sm_resource_stack(b->bucket);
	const char *id = sm_resource_id(b->bucket);
	size_t stem = strlen(id);
	if (stem > strlen("Bucket") && !strcmp(id + stem - strlen("Bucket"), "Bucket"))
		stem -= strlen("Bucket");
	char *role_id = xstrfmt("%.*sReplicationRole", (int)stem, id);
	char *policy_id = xstrfmt("%.*sReplicationPolicy", (int)stem, id);
	struct sm_resource *role = iam_role_new(s, role_id, "s3.amazonaws.com", NULL, NULL);
	struct sm_resource *pol =
		sm_resource_new(s, policy_id, "AWS::IAM::ManagedPolicy",
				json_pack("{so s[o]}", "PolicyDocument",
					  iam_document(replication_statements(b->bucket, p)),
					  "Roles", sm_ref(role)));
	accept_finding(pol, "SM-IAM-002",
		       "replication acts on every object version of the source and replica "
		       "buckets: the object ARNs end in /*");
	free(role_id);
	free(policy_id);
	/*
	 * Schema V2 rules (a Filter): DeleteMarkerReplication is required; the
	 * objects are SSE-KMS, so only those encrypted with a key replicate, and
	 * with the replica's key.
	 */
	sm_resource_set(b->bucket, "ReplicationConfiguration",
			json_pack("{so s[{ss ss si s{} s{s{ss}} s{so s{so}} s{ss}}]}", "Role",
				  sm_getatt(role, "Arn"), "Rules", "Id", p->rule_id, "Status",
				  "Enabled", "Priority", 1, "Filter", "SourceSelectionCriteria",
				  "SseKmsEncryptedObjects", "Status", "Enabled", "Destination",
				  "Bucket", sm_getatt(p->destination, "Arn"),
				  "EncryptionConfiguration", "ReplicaKmsKeyID",
				  sm_getatt(p->destination_key, "Arn"), "DeleteMarkerReplication",
				  "Status", "Disabled"));
	return role;
}
