/*
 * Resources that hold data, with the secure defaults a security engineer
 * expects, which a caller must say explicitly to weaken:
 *
 *   kms_key_new      rotation on, key policy: the account administers it,
 *                    `service_statements` add the service principals that use it
 *   log_group_new    KMS-encrypted, retention set
 *   bucket_new       versioned, encrypted (KMS when a key is given, else
 *                    SSE-S3), all public access blocked, TLS-only policy,
 *                    server access logs when a target is given
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

struct bucket_props {
	const struct sm_resource *kms_key;	     /* NULL: SSE-S3 (AES256) */
	const struct sm_resource *access_log_bucket; /* NULL: no server access logs */
	const char *access_log_prefix;
	const char *object_ownership; /* default BucketOwnerEnforced */
	json_t *lifecycle_rules;      /* stolen; NULL: none */
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

#endif
