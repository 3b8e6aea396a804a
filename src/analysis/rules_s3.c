/* check rules: S3 buckets and their policies. */
#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta s3_encryption = {
	"SM-S3-001",
	SM_SEV_ERROR,
	"Bucket without default encryption configured",
	"Objects at rest must be encrypted (PCI DSS 3.4); an explicit configuration documents "
	"which key protects them.",
	"Set BucketEncryption with SSE-KMS (or SSE-S3 where a service requires it).",
	"FSBP S3.4; PCI DSS 3.4; CIS 2.1.1",
	N3("S3BucketServerSideEncryptionEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_kms = {
	"SM-S3-002",
	SM_SEV_WARNING,
	"Bucket not encrypted with a KMS key",
	"SSE-KMS adds key policies, rotation and an audit trail of every decryption.",
	"Use SSEAlgorithm aws:kms with a customer managed key and BucketKeyEnabled.",
	"PCI DSS 3.5; NIST SC-28",
	N3("S3DefaultEncryptionKMS"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_public_block = {
	"SM-S3-003",
	SM_SEV_ERROR,
	"Bucket public access not fully blocked",
	"A single public ACL or policy exposes every object of the bucket to the internet.",
	"Set all four PublicAccessBlockConfiguration flags to true.",
	"FSBP S3.8; CIS 2.1.4; PCI DSS 1.2.1",
	"AwsSolutions-S2 " N3("S3BucketLevelPublicAccessProhibited"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_tls = {
	"SM-S3-004",
	SM_SEV_ERROR,
	"Bucket policy does not require TLS",
	"Without a deny on aws:SecureTransport false, clients may send data in clear text.",
	"Add a Deny statement for s3:* when aws:SecureTransport is false.",
	"FSBP S3.5; PCI DSS 4.1",
	"AwsSolutions-S10 " N3("S3BucketSSLRequestsOnly"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_versioning = {
	"SM-S3-005",
	SM_SEV_WARNING,
	"Bucket without versioning",
	"Versioning recovers objects deleted or overwritten by mistake or by an attacker.",
	"Set VersioningConfiguration.Status to Enabled (and expire old versions).",
	"FSBP S3.14; NIST CP-9",
	N3("S3BucketVersioningEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_logging = {
	"SM-S3-006",
	SM_SEV_WARNING,
	"Bucket without server access logging",
	"Access logs are how a data exposure is investigated (PCI DSS 10.2).",
	"Set LoggingConfiguration to a logs bucket.",
	"FSBP S3.9; PCI DSS 10.2; CIS 3.6",
	"AwsSolutions-S1 " N3("S3BucketLoggingEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta s3_acl = {
	"SM-S3-007", SM_SEV_ERROR, "Bucket grants a public canned ACL",
	"PublicRead and PublicReadWrite expose (or let anyone write) every object.",
	"Remove AccessControl; serve public content through CloudFront with OAC.",
	"FSBP S3.2; FSBP S3.3; PCI DSS 1.2.1", N3("S3BucketPublicReadProhibited"), NULL, NULL,
	/* nag_partial: cdk-nag's: a bucket without BlockPublicPolicy, or readable through its ACL;
	   this: an ACL that lets anyone write too */
	N3("S3BucketPublicReadProhibited")};
static const struct sm_rule_meta s3_policy_public = {
	"SM-S3-008", SM_SEV_ERROR, "Bucket policy allows anyone",
	"An Allow for Principal '*' without a condition makes the bucket public.",
	"Name the principals (a service with aws:SourceArn, a role) instead of '*'.",
	"FSBP S3.2; PCI DSS 1.2.1", N3("S3BucketPublicReadProhibited"), NULL, NULL,
	/* nag_partial: cdk-nag's: the bucket's public-access settings and ACL; this: a policy that
	   lets anyone act, writes included */
	N3("S3BucketPublicReadProhibited")};
static const struct sm_rule_meta s3_replication = {
	"SM-S3-009",
	SM_SEV_WARNING,
	"Production bucket without cross-region replication",
	"A copy in a second region keeps the data through a regional outage (disaster recovery).",
	"Add ReplicationConfiguration to a versioned, encrypted bucket in another region.",
	"NIST CP-6; PCI DSS 12.10.1",
	N3("S3BucketReplicationEnabled"),
	NULL,
	NULL,
	NULL};

static void s3_bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *enc =
		json_array_get(jget(p, "BucketEncryption.ServerSideEncryptionConfiguration"), 0);
	const char *alg = jstr(jget(enc, "ServerSideEncryptionByDefault.SSEAlgorithm"));
	if (!alg)
		check_report(c, &s3_encryption, id, "BucketEncryption",
			     "bucket '%s' has no default encryption configured", id);
	else if (strncmp(alg, "aws:kms", 7))
		check_report(c, &s3_kms, id, "BucketEncryption", "bucket '%s' uses %s, not KMS", id,
			     alg);
	const json_t *pab = json_object_get(p, "PublicAccessBlockConfiguration");
	if (!jtrue(json_object_get(pab, "BlockPublicAcls")) ||
	    !jtrue(json_object_get(pab, "BlockPublicPolicy")) ||
	    !jtrue(json_object_get(pab, "IgnorePublicAcls")) ||
	    !jtrue(json_object_get(pab, "RestrictPublicBuckets")))
		check_report(c, &s3_public_block, id, "PublicAccessBlockConfiguration",
			     "bucket '%s' does not block all public access", id);
	if (strcmp(jstr(jget(p, "VersioningConfiguration.Status")) ?: "", "Enabled"))
		check_report(c, &s3_versioning, id, "VersioningConfiguration",
			     "bucket '%s' is not versioned", id);
	if (!json_object_get(p, "LoggingConfiguration"))
		check_report(c, &s3_logging, id, NULL, "bucket '%s' has no server access logging",
			     id);
	const char *acl = jstr(json_object_get(p, "AccessControl"));
	if (acl && (!strcmp(acl, "PublicRead") || !strcmp(acl, "PublicReadWrite")))
		check_report(c, &s3_acl, id, "AccessControl", "bucket '%s' is %s", id, acl);
	if (c->production && !json_object_get(p, "ReplicationConfiguration"))
		check_report(c, &s3_replication, id, NULL, "bucket '%s' is not replicated", id);
	/* a TLS-only policy somewhere in the assembly */
	bool tls = false;
	const char *policy_id = NULL;
	struct sm_template *policy_t = NULL;
	size_t nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	for (size_t i = 0; !tls && i < nr; i++) {
		if (strcmp(refs[i].owner_type, "AWS::S3::BucketPolicy") ||
		    strcmp(refs[i].path, "Bucket"))
			continue;
		policy_id = refs[i].owner_id;
		policy_t = refs[i].owner;
		const json_t *pr =
			json_object_get(json_object_get(policy_t->tmpl, "Resources"), policy_id);
		size_t k;
		json_t *st;
		json_array_foreach (jget(pr, "Properties.PolicyDocument.Statement"), k, st) {
			if (!strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Deny") &&
			    jget(st, "Condition.Bool.aws:SecureTransport"))
				tls = true;
		}
	}
	if (!tls)
		check_report(c, &s3_tls, id, NULL, "bucket '%s' accepts requests without TLS", id);
	if (!tls && policy_id) {
		/* the policy is what must change: report it there (as cdk-nag does) */
		struct check_ctx sub = *c;
		sub.t = policy_t;
		check_report(&sub, &s3_tls, policy_id, "PolicyDocument",
			     "policy '%s' of bucket '%s' does not deny requests without TLS",
			     policy_id, id);
	}
	(void)r;
}

static void s3_policy(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *st;
	json_array_foreach (jget(p, "PolicyDocument.Statement"), i, st) {
		if (strcmp(jstr(json_object_get(st, "Effect")) ?: "", "Allow") ||
		    json_object_get(st, "Condition"))
			continue;
		const json_t *pr = json_object_get(st, "Principal");
		if ((json_is_string(pr) && !strcmp(jstr(pr), "*")) ||
		    !strcmp(jstr(json_object_get(pr, "AWS")) ?: "", "*"))
			check_report(c, &s3_policy_public, id, "PolicyDocument",
				     "statement %zu of '%s' allows Principal '*' unconditionally",
				     i, id);
	}
	(void)r;
}

const struct resource_rule check_rules_s3[] = {
	{&s3_encryption, "AWS::S3::Bucket", s3_bucket},
	{&s3_kms, "-", NULL},
	{&s3_public_block, "-", NULL},
	{&s3_tls, "-", NULL},
	{&s3_versioning, "-", NULL},
	{&s3_logging, "-", NULL},
	{&s3_acl, "-", NULL},
	{&s3_replication, "-", NULL},
	{&s3_policy_public, "AWS::S3::BucketPolicy", s3_policy},
	{NULL, NULL, NULL},
};
