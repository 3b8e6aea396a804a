/* check rules: CloudWatch Logs and CloudTrail. */
#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta log_retention = {
	"SM-LOG-001",
	SM_SEV_WARNING,
	"Log group without retention",
	"Without retention logs are kept (and paid for) forever, or deleted by hand too early.",
	"Set RetentionInDays (PCI DSS asks for a year of audit logs).",
	"PCI DSS 10.5.1",
	N3("CloudWatchLogGroupRetentionPeriod"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta log_kms = {
	"SM-LOG-002",
	SM_SEV_WARNING,
	"Log group not encrypted with a KMS key",
	"Logs carry request data and identifiers; a customer key controls who can read them.",
	"Set KmsKeyId to a key whose policy allows logs.<region>.amazonaws.com.",
	"PCI DSS 3.4; NIST SC-28",
	N3("CloudWatchLogGroupEncrypted"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta trail = {
	"SM-LOG-003", SM_SEV_ERROR, "CloudTrail trail not validated, multi-region and encrypted",
	"Audit logs must cover every region, be tamper-evident and encrypted (CIS 3.1-3.7).",
	"Set IsMultiRegionTrail, EnableLogFileValidation and KMSKeyId.",
	"FSBP CloudTrail.1; FSBP CloudTrail.2; FSBP CloudTrail.4; CIS 3.1; CIS 3.2; CIS 3.7; PCI "
	"DSS 10.5",
	N3("CloudTrailLogFileValidationEnabled") " " N3("CloudTrailEncryptionEnabled"), NULL, NULL,
	/* nag_partial: each: one of the three settings this rule asks for */
	N3("CloudTrailLogFileValidationEnabled") " " N3("CloudTrailEncryptionEnabled")};
static const struct sm_rule_meta trail_cw = {
	"SM-LOG-004",
	SM_SEV_WARNING,
	"CloudTrail trail not delivered to CloudWatch Logs",
	"Metric filters and alarms on API activity need the trail in CloudWatch Logs.",
	"Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.",
	"CIS 3.4; FSBP CloudTrail.5",
	N3("CloudTrailCloudWatchLogsEnabled"),
	NULL,
	NULL,
	NULL};

static void log_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!json_object_get(p, "RetentionInDays"))
		check_report(c, &log_retention, id, NULL, "log group '%s' keeps logs forever", id);
	if (!json_object_get(p, "KmsKeyId"))
		check_report(c, &log_kms, id, NULL, "log group '%s' is not KMS-encrypted", id);
	(void)r;
}

static void cloudtrail(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *missing = !jtrue(json_object_get(p, "EnableLogFileValidation"))
				      ? "log file validation"
			      : !jtrue(json_object_get(p, "IsMultiRegionTrail")) ? "multi-region"
			      : !json_object_get(p, "KMSKeyId")			 ? "KMS encryption"
										 : NULL;
	if (missing)
		check_report(c, &trail, id, NULL, "trail '%s' lacks %s", id, missing);
	if (!json_object_get(p, "CloudWatchLogsLogGroupArn"))
		check_report(c, &trail_cw, id, NULL,
			     "trail '%s' is not delivered to CloudWatch Logs", id);
	(void)r;
}

const struct resource_rule check_rules_logs[] = {
	{&log_retention, "AWS::Logs::LogGroup", log_group},
	{&log_kms, "-", NULL},
	{&trail, "AWS::CloudTrail::Trail", cloudtrail},
	{&trail_cw, "-", NULL},
	{NULL, NULL, NULL},
};
