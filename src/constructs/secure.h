/*
 * Resources that hold data, with the secure defaults a security engineer
 * expects, which a caller must say explicitly to weaken:
 *
 *   kms_key_new      rotation on, key policy: the account administers it,
 *                    `service_statements` add the service principals that use it
 *   log_group_new    KMS-encrypted, retention set
 *   bucket_new       versioned, encrypted (KMS when a key is given, else
 *                    SSE-S3), all public access blocked, TLS-only policy,
 *                    server access logs when a target is given, objects
 *                    owned by the bucket owner (ACLs off), lifecycle rules
 *                    from a table (the CDK's lifecycleRules)
 *   bucket_replicate S3 replication of every KMS-encrypted object to a
 *                    bucket in another region, by a role of its own whose
 *                    policy names the two buckets and keys only
 *
 * Stateful resources get DeletionPolicy/UpdateReplacePolicy `retain_policy`
 * ("Retain", "Snapshot" where supported, or NULL for CloudFormation's default).
 */
#ifndef SM_CONSTRUCT_SECURE_H
#define SM_CONSTRUCT_SECURE_H

#include "engine/engine.h"

/* DeletionPolicy and UpdateReplacePolicy `policy` on a stateful resource; NULL leaves the default.
 */
void secure_retain(struct sm_resource *r, const char *policy);

struct sm_resource *kms_key_new(struct sm_stack *s, const char *id, const char *description,
				json_t *service_statements, const char *retain_policy);

struct sm_resource *log_group_new(struct sm_stack *s, const char *id, json_t *name,
				  const struct sm_resource *kms_key, int retention_days,
				  const char *retain_policy);

/*
 * One lifecycle rule (the CDK's LifecycleRule), enabled. Its keys come out in
 * the order Id, Status, Prefix, Transitions, ExpirationInDays,
 * NoncurrentVersionExpiration, AbortIncompleteMultipartUpload. A rule
 * without an id fails the synthesis naming "Id".
 */
struct bucket_lifecycle_rule {
	const char *id;		   /* required */
	const char *prefix;	   /* NULL: every object */
	const char *transition_to; /* a storage class, after transition_days; NULL: none */
	int transition_days;
	int expiration_days;	   /* 0: current versions never expire */
	int noncurrent_days;	   /* 0: old versions kept */
	int abort_incomplete_days; /* 0: incomplete multipart uploads kept */
};

struct bucket_props {
	const struct sm_resource *kms_key;	     /* NULL: SSE-S3 (AES256) */
	const struct sm_resource *access_log_bucket; /* NULL: no server access logs */
	const char *access_log_prefix;
	const char *object_ownership; /* default BucketOwnerEnforced */
	/* NULL: none; else an array ended by a rule without id ({0}) */
	const struct bucket_lifecycle_rule *lifecycle;
	const char *retain_policy;
	/*
	 * NULL: the bucket policy beside the bucket. Else the stack it goes to:
	 * the one whose resources it names (a CloudFront distribution), so that
	 * the bucket's stack need not refer back to it.
	 */
	struct sm_stack *policy_stack;
};

struct bucket {
	struct sm_resource *bucket;
	struct sm_resource *policy;
	json_t *statements; /* borrowed: the policy's statements, to add to */
};

void bucket_new(struct sm_stack *s, const char *id, const struct bucket_props *props,
		struct bucket *out);
/* Append a statement (stolen) to the bucket's policy. */
void bucket_add_statement(struct bucket *b, json_t *statement);
/* "arn:...:s3:::bucket/<suffix>" as Fn::Join of the bucket's Arn. */
json_t *bucket_objects_arn(const struct sm_resource *bucket, const char *suffix);

/*
 * Allow `principal` (stolen) s3:PutObject on the objects `objects` (a suffix
 * of the bucket's ARN: "/alb/AWSLogs/" and a "*"), under `condition`
 * (stolen; may be NULL): a service that delivers logs into the bucket.
 */
void bucket_allow_delivery(struct bucket *b, const char *sid, json_t *principal,
			   const char *objects, json_t *condition);

struct bucket_replication_props {
	const char *rule_id;			   /* required: the replication rule's Id */
	const struct sm_resource *source_key;	   /* required: the bucket's own key */
	const struct sm_resource *destination;	   /* required: the replica bucket */
	const struct sm_resource *destination_key; /* required: the replica's key */
};

/*
 * Replicate the KMS-encrypted objects of `b` (its delete markers not) by a
 * role <stem>ReplicationRole that S3 assumes, with its permissions in
 * <stem>ReplicationPolicy (its own resource: the bucket names the role and
 * the policy names the bucket, so inline they would form a cycle); <stem>
 * is the bucket's ID without a trailing "Bucket". Returns the role.
 */
struct sm_resource *bucket_replicate(struct bucket *b,
				     const struct bucket_replication_props *props);

#endif
