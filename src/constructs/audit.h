/*
 * The account's audit record, with the secure defaults a security engineer
 * expects (the CDK's cloudtrail.Trail and config.ManagedRule):
 *
 *   cloudtrail_new   a trail of every region and the global services, its
 *                    log files validated (digest files) and encrypted with
 *                    the given key, delivered to a bucket whose policy lets
 *                    CloudTrail write for this trail only (aws:SourceArn),
 *                    and copied to a KMS-encrypted CloudWatch Logs group
 *                    (<id>Logs) by a role of its own (<id>LogsRole) that may
 *                    write to that group only; it waits for both policies
 *   cloudtrail_key_statements  what the trail's KMS key must allow
 *                    CloudTrail ("Configure AWS KMS key policies for
 *                    CloudTrail"), for kms_key_new
 *   config_recorder_new  AWS Config recording every supported resource type,
 *                    global ones included, delivered to a bucket under a
 *                    prefix, by a role (<id>Role) with AWS_ConfigRole and a
 *                    delivery policy on that prefix of this account only
 *   config_managed_rules_new  AWS managed Config rules, one resource each
 *
 * Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_AUDIT_H
#define SM_CONSTRUCT_AUDIT_H

#include "constructs/secure.h"
#include "engine/engine.h"

/* "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/<name>" (Fn::Sub) */
json_t *cloudtrail_arn(const char *name);

/* The key policy statements CloudTrail needs of the key of trail `name` (a new array). */
json_t *cloudtrail_key_statements(const char *name);

struct cloudtrail_props {
	const char *name;		   /* required: TrailName (policies name its ARN) */
	struct bucket *bucket;		   /* required: the log files' bucket (statements added) */
	const char *prefix;		   /* required: S3KeyPrefix, e.g. "cloudtrail" */
	const struct sm_resource *kms_key; /* required: log files and the log group */
	int log_retention_days;		   /* required: the CloudWatch Logs copy */
};

/* The trail `id`, <id>Logs, <id>LogsRole (and its policy). */
struct sm_resource *cloudtrail_new(struct sm_stack *s, const char *id,
				   const struct cloudtrail_props *props);

struct config_recorder_props {
	struct bucket *bucket; /* required: the delivery channel's (statements added) */
	const char *prefix;    /* required: S3KeyPrefix, e.g. "config" */
	/*
	 * false: global (IAM) resources are recorded too; true: only this
	 * region's, for every region but the one that records them (AWS Config
	 * records a global resource once per region that asks, in duplicate).
	 */
	bool regional_only;
};

struct config_recorder {
	struct sm_resource *role;
	struct sm_resource *recorder;
	struct sm_resource *channel;
};

/* <id>Role, <id>Recorder, <id>DeliveryChannel */
void config_recorder_new(struct sm_stack *s, const char *id,
			 const struct config_recorder_props *props, struct config_recorder *out);

/*
 * One AWS::Config::ConfigRule <id_prefix>1, 2, ... per identifier of
 * `identifiers` (NULL-terminated: "S3_BUCKET_SSL_REQUESTS_ONLY"), named
 * <name_prefix> and the identifier in lower case with dashes. `recorder`:
 * the rules wait for it and its channel (they evaluate only once it runs);
 * NULL: the account's own recorder.
 */
void config_managed_rules_new(struct sm_stack *s, const char *id_prefix, const char *name_prefix,
			      const char *const *identifiers,
			      const struct config_recorder *recorder);

#endif
