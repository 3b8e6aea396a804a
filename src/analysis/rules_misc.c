/* check rules: KMS, SNS, Secrets Manager, WAF, tags, resilience of stateful resources. */
#include "analysis/check_ctx.h"
#include "analysis/schema.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta kms_rotation = {
	"SM-KMS-001",
	SM_SEV_ERROR,
	"KMS key without automatic rotation",
	"Rotation limits how much data one key version protects (PCI DSS 3.6.4).",
	"Set EnableKeyRotation true.",
	"FSBP KMS.4; CIS 3.6; PCI DSS 3.6.4",
	"AwsSolutions-KMS5 " N3("KMSBackingKeyRotationEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta sns_kms = {
	"SM-SNS-001",
	SM_SEV_WARNING,
	"SNS topic not encrypted",
	"Alarm messages describe the infrastructure; encrypt them at rest.",
	"Set KmsMasterKeyId.",
	"FSBP SNS.1",
	"AwsSolutions-SNS2 " N3("SNSEncryptedKMS"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta sns_tls = {
	"SM-SNS-002",
	SM_SEV_WARNING,
	"SNS topic without a TLS-only policy",
	"Publishers should not be able to send over plain HTTP.",
	"Add a topic policy denying sns:Publish when aws:SecureTransport is false.",
	"PCI DSS 4.1",
	"AwsSolutions-SNS3",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta secret_kms = {
	"SM-SEC-001",
	SM_SEV_WARNING,
	"Secret encrypted with the AWS managed key",
	"A customer managed key lets the key policy decide who can decrypt the secret.",
	"Set KmsKeyId to a customer managed key.",
	"PCI DSS 3.5",
	N3("SecretsManagerUsingKMSKey"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta secret_rotation = {
	"SM-SEC-002",
	SM_SEV_WARNING,
	"Secret without rotation",
	"Credentials that never change stay valid after they leak.",
	"Add an AWS::SecretsManager::RotationSchedule (or let RDS manage the password).",
	"FSBP SecretsManager.1; PCI DSS 8.3.9",
	"AwsSolutions-SMG4 " N3("SecretsManagerRotationEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta waf_logging = {
	"SM-WAF-001",
	SM_SEV_WARNING,
	"WAF web ACL without logging",
	"WAF logs show which requests were blocked and why.",
	"Add an AWS::WAFv2::LoggingConfiguration.",
	"FSBP WAF.11; PCI DSS 10.2",
	N3("WAFv2LoggingEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta tags = {
	"SM-TAG-001",
	SM_SEV_WARNING,
	"Resource without the required tags",
	"Cost allocation and ownership need Project, Environment, ManagedBy, CostCenter and Owner.",
	"Tag every resource (solemate does it from the stack tags).",
	"AWS tagging best practices",
	NULL,
	"https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/"
	"tagging-best-practices.html",
	"solemate" /* house policy: other people's templates need not carry our tags */,
	NULL};
static const struct sm_rule_meta stateful_policy = {
	"SM-RES-001",
	SM_SEV_ERROR,
	"Production stateful resource deleted with its stack",
	"Without DeletionPolicy Retain or Snapshot, deleting or replacing the stack destroys the "
	"data.",
	"Set DeletionPolicy and UpdateReplacePolicy to Retain (Snapshot for databases).",
	"NIST CP-9; PCI DSS 12.10.1",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta prod_multi_az = {
	"SM-RES-002",
	SM_SEV_ERROR,
	"Production database in a single AZ",
	"The PRD's 99.9 % target cannot be met by a database that goes down with one AZ.",
	"Set MultiAZ true.",
	"FSBP RDS.5; NIST CP-10",
	"AwsSolutions-RDS3 " N3("RDSMultiAZSupport"),
	NULL,
	NULL,
	NULL};

static void kms_key(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *spec = jstr(json_object_get(p, "KeySpec"));
	if ((!spec || !strcmp(spec, "SYMMETRIC_DEFAULT")) &&
	    !jtrue(json_object_get(p, "EnableKeyRotation")))
		check_report(c, &kms_rotation, id, "EnableKeyRotation", "key '%s' is not rotated",
			     id);
	(void)r;
}

static void sns_topic(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!json_object_get(p, "KmsMasterKeyId"))
		check_report(c, &sns_kms, id, NULL, "topic '%s' is not encrypted", id);
	if (!referenced_by(c, c->t, id, "AWS::SNS::TopicPolicy", "Topics"))
		check_report(c, &sns_tls, id, NULL, "topic '%s' has no TLS-only policy", id);
	(void)r;
}

static void secret(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!json_object_get(p, "KmsKeyId"))
		check_report(c, &secret_kms, id, NULL, "secret '%s' uses the AWS managed key", id);
	if (!referenced_by(c, c->t, id, "AWS::SecretsManager::RotationSchedule", "SecretId"))
		check_report(c, &secret_rotation, id, NULL, "secret '%s' is never rotated", id);
	(void)r;
}

static void web_acl(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!referenced_by(c, c->t, id, "AWS::WAFv2::LoggingConfiguration", "ResourceArn"))
		check_report(c, &waf_logging, id, NULL, "web ACL '%s' does not log", id);
	(void)p;
	(void)r;
}

static void required_tags(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	static const char *const need[] = {"Project",	 "Environment", "ManagedBy",
					   "CostCenter", "Owner",	NULL};
	const json_t *t = json_object_get(p, "Tags");
	if (!json_is_array(t))
		return; /* only where the template tags at all (taggability needs the schema) */
	/* one pass over the tags, marking the ones needed (was a pass per needed tag) */
	unsigned found = 0;
	size_t k;
	json_t *x;
	json_array_foreach (t, k, x) {
		const char *key = jstr(json_object_get(x, "Key")) ?: "";
		for (int i = 0; need[i]; i++)
			if (!strcmp(key, need[i]))
				found |= 1u << i;
	}
	for (int i = 0; need[i]; i++) {
		if (!(found & (1u << i))) {
			check_report(c, &tags, id, "Tags", "'%s' has no %s tag", id, need[i]);
			return;
		}
	}
	(void)r;
}

static void stateful(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = jstr(json_object_get(r, "Type"));
	/* which types hold data: the registry schemas' isStateful, the one predicate diff and
	 * deploy use too (without the schema data the rule cannot tell, and says nothing) */
	if (!c->production || json_object_get(p, "SourceDBInstanceIdentifier") ||
	    !cfn_schema_is_stateful(check_schema(c), type))
		return;
	const char *dp = jstr(json_object_get(r, "DeletionPolicy")) ?: "Delete";
	const char *urp = jstr(json_object_get(r, "UpdateReplacePolicy")) ?: "Delete";
	if (!strcmp(dp, "Delete") || !strcmp(urp, "Delete"))
		check_report(c, &stateful_policy, id, NULL,
			     "%s '%s' has DeletionPolicy %s, UpdateReplacePolicy %s", type, id, dp,
			     urp);
	if (!strcmp(type, "AWS::RDS::DBInstance") && !jtrue(json_object_get(p, "MultiAZ")))
		check_report(c, &prod_multi_az, id, "MultiAZ",
			     "production database '%s' is single-AZ", id);
}

const struct resource_rule check_rules_misc[] = {
	{&kms_rotation, "AWS::KMS::Key", kms_key},
	{&sns_kms, "AWS::SNS::Topic", sns_topic},
	{&sns_tls, "-", NULL},
	{&secret_kms, "AWS::SecretsManager::Secret", secret},
	{&secret_rotation, "-", NULL},
	{&waf_logging, "AWS::WAFv2::WebACL", web_acl},
	{&tags, "*", required_tags},
	{&stateful_policy, "*", stateful},
	{&prod_multi_az, "-", NULL},
	{NULL, NULL, NULL},
};
