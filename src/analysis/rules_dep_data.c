/*
 * Deployability rules (SM-DEP-064, 065, 067..069): what the data services
 * check at create time: RDS provisioned IOPS against the storage they come
 * with, the key of an encrypted read replica in another Region, SQS FIFO
 * names and dead-letter queues, DynamoDB billing modes and key attributes,
 * S3 bucket names.
 */
#include <stdio.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_rds_iops = DEP_RULE(
	"064", SM_SEV_ERROR, "RDS provisioned IOPS or throughput the storage type does not take",
	"CreateDBInstance refuses Iops that is not between 0.5 and 50 times the allocated storage "
	"(1 and 50 for SQL Server), Iops on gp2 or magnetic storage, Iops on gp3 below the "
	"storage threshold where gp3 gives a fixed 3,000 IOPS (400 GiB for Db2, MariaDB, MySQL "
	"and PostgreSQL, 200 GiB for Oracle), and StorageThroughput on anything but gp3.",
	"Keep Iops within 0.5-50 times AllocatedStorage on io1 (or use io2); on gp3 below the "
	"threshold drop Iops and StorageThroughput (the baseline is 3,000 IOPS and 125 MiB/s).",
	"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html");
static const struct sm_rule_meta dep_replica_key = DEP_RULE(
	"065", SM_SEV_ERROR, "Encrypted read replica in another Region without a key of its Region",
	"KMS keys belong to one Region: a read replica of an encrypted instance created in "
	"another Region must name a KMS key of the replica's Region in KmsKeyId, and RDS refuses "
	"it without one, or with a key of another Region; in the source's own Region the replica "
	"always uses the source's key, and a KmsKeyId there is refused "
	"(InvalidParameterCombination).",
	"Create a KMS key in the replica's Region (in the replica's stack) and set KmsKeyId to it; "
	"omit KmsKeyId on a replica in the source's Region.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
	"API_CreateDBInstanceReadReplica.html");
static const struct sm_rule_meta dep_sqs_fifo = DEP_RULE(
	"067", SM_SEV_ERROR, "FIFO queue name, or dead-letter queue of the other kind",
	"The name of a FIFO queue must end with .fifo, and only a FIFO queue's may (CreateQueue "
	"refuses either mismatch); the dead-letter queue of a FIFO queue must be a FIFO queue, "
	"and that of a standard queue a standard queue, or SQS refuses the redrive policy.",
	"Set FifoQueue: true exactly when QueueName ends with .fifo (or omit QueueName and let "
	"CloudFormation name it), and give each queue a dead-letter queue of its own kind.",
	"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
	"FIFO-queues.html");
static const struct sm_rule_meta dep_dynamodb = DEP_RULE(
	"068", SM_SEV_ERROR, "DynamoDB billing mode or attribute definitions the table refuses",
	"A table in PROVISIONED mode (the default) needs ProvisionedThroughput on the table and "
	"on each global secondary index, one in PAY_PER_REQUEST mode may have none; every "
	"attribute of a key schema must be defined in AttributeDefinitions, and every one defined "
	"must be a key of the table or an index (ValidationException: 'The number of attributes "
	"in key schema must match the number of attributes defined in attribute definitions').",
	"Set BillingMode: PAY_PER_REQUEST without ProvisionedThroughput, or give the table and "
	"each index ProvisionedThroughput; define exactly the key attributes.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-dynamodb-table.html");

static const struct sm_rule_meta dep_bucket_name = DEP_RULE(
	"069", SM_SEV_ERROR, "S3 bucket name S3 refuses",
	"Beyond its characters (3-63 lowercase letters, digits, dots and hyphens, starting and "
	"ending with a letter or digit), a general purpose bucket's name must not hold two "
	"adjacent periods, look like an IP address, start with xn--, sthree- or amzn-s3-demo-, "
	"or end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3; a bucket with Transfer "
	"Acceleration has no period in its name. CreateBucket answers InvalidBucketName.",
	"Choose a name that keeps these rules, or omit BucketName and let CloudFormation name "
	"the bucket.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html");

/* ---- SM-DEP-064: IOPS and storage ---- */

static bool has_prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static void rds_iops(struct check_ctx *c, const char *id, const json_t *p)
{
	const char *engine = jstr(json_object_get(p, "Engine")) ?: "";
	if (has_prefix(engine, "aurora") || json_object_get(p, "DBClusterIdentifier"))
		return; /* Aurora's storage belongs to the cluster */
	const json_t *iv = json_object_get(p, "Iops");
	long iops = iv ? jnum(iv, -1) : -1,
	     storage = jnum(json_object_get(p, "AllocatedStorage"), -1);
	const char *type = jstr(json_object_get(p, "StorageType"));
	if (!type)
		type = iv ? "io1" : NULL; /* RDS's default when Iops is given */
	if (json_object_get(p, "StorageThroughput") && type && strcmp(type, "gp3")) {
		check_report(
			c, &dep_rds_iops, id, "StorageThroughput",
			"instance '%s' sets StorageThroughput on %s storage; only gp3 takes it", id,
			type);
		return;
	}
	if (!iv || !type)
		return;
	if (!strcmp(type, "gp2") || !strcmp(type, "standard")) {
		check_report(c, &dep_rds_iops, id, "Iops",
			     "instance '%s' sets Iops on %s storage, which takes none", id, type);
		return;
	}
	if (iops < 0 || storage < 0)
		return; /* a parameter or an expression */
	bool sqlserver = has_prefix(engine, "sqlserver");
	if (!strcmp(type, "gp3")) {
		long threshold = has_prefix(engine, "oracle") ? 200 : sqlserver ? 0 : 400;
		if (storage < threshold)
			check_report(
				c, &dep_rds_iops, id, "Iops",
				"instance '%s' sets Iops on %ld GiB of gp3: below %ld GiB, gp3 "
				"has a fixed 3,000 IOPS",
				id, storage, threshold);
		return;
	}
	if (strcmp(type, "io1"))
		return; /* io2 Block Express allows up to 1,000 IOPS per GiB */
	double lo = sqlserver ? 1.0 : 0.5, ratio = (double)iops / (double)(storage ? storage : 1);
	if (ratio < lo || ratio > 50.0)
		check_report(c, &dep_rds_iops, id, "Iops",
			     "instance '%s' asks %ld IOPS of %ld GiB of io1 (%.2f per GiB); RDS "
			     "accepts %g to 50 per GiB",
			     id, iops, storage, ratio, lo);
}

/* ---- SM-DEP-065: a replica's key ---- */

/* The Region an ARN-like text names after "arn:PARTITION:SERVICE:", or NULL (not a literal). */
static const char *arn_region(const char *s, char *buf, size_t n)
{
	const char *p = s ? strstr(s, "arn:") : NULL;
	for (int colons = 0; p && colons < 3; colons++)
		p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
	if (!p || *p == '$' || *p == ':')
		return NULL; /* ${AWS::Region}: the stack's own */
	size_t len = strcspn(p, ":");
	if (!len || len >= n)
		return NULL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

/* The literal text of a value: a string, a Sub's template, a Join's pieces, concatenated. */
static void literal_text(const json_t *v, char *buf, size_t n)
{
	size_t len = strlen(buf);
	if (json_is_string(v)) {
		snprintf(buf + len, n - len, "%s", jstr(v));
		return;
	}
	const json_t *sub = json_object_get(v, "Fn::Sub");
	if (sub) {
		literal_text(json_is_array(sub) ? json_array_get(sub, 0) : sub, buf, n);
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach (json_array_get(json_object_get(v, "Fn::Join"), 1), i, x) {
		if (json_is_string(x))
			literal_text(x, buf, n);
		else
			snprintf(buf + strlen(buf), n - strlen(buf), "${}");
	}
}

/* The DB instance of the assembly whose DBInstanceIdentifier the ARN text ends with. */
static const struct typed_res *instance_named(struct check_ctx *c, const char *arn)
{
	const char *db = arn ? strstr(arn, ":db:") : NULL;
	if (!db)
		return NULL;
	size_t n;
	const struct typed_res *rs = resources_of_type(c, "AWS::RDS::DBInstance", &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = jstr(jget(rs[i].res, "Properties.DBInstanceIdentifier"));
		if (name && !strcasecmp(name, db + 4))
			return &rs[i];
	}
	return NULL;
}

static void replica_key(struct check_ctx *c, const char *id, const json_t *p)
{
	const json_t *src = json_object_get(p, "SourceDBInstanceIdentifier");
	if (!src || !c->t->region)
		return;
	struct sm_template *st;
	const char *sid;
	const json_t *source = resource_at(c, src, &st, &sid);
	char text[512] = "", rbuf[64];
	const char *src_region = NULL;
	if (source) {
		src_region = st->region;
	} else {
		literal_text(src, text, sizeof(text));
		src_region = arn_region(text, rbuf, sizeof(rbuf));
		const struct typed_res *named = instance_named(c, text);
		if (named) {
			source = named->res;
			sid = named->id;
		}
	}
	if (!src_region)
		return;
	bool encrypted = jtrue(json_object_get(p, "StorageEncrypted")) ||
			 (source && jtrue(jget(source, "Properties.StorageEncrypted")));
	const json_t *kv = json_object_get(p, "KmsKeyId");
	if (!strcmp(src_region, c->t->region)) {
		if (kv && source)
			check_report(c, &dep_replica_key, id, "KmsKeyId",
				     "read replica '%s' sets KmsKeyId in its source's Region; it "
				     "always uses the key of '%s'",
				     id, sid);
		return;
	}
	if (!encrypted)
		return;
	if (!kv) {
		check_report(c, &dep_replica_key, id, "KmsKeyId",
			     "read replica '%s' in %s of encrypted '%s' in %s has no KmsKeyId of "
			     "its Region",
			     id, c->t->region, source ? sid : text, src_region);
		return;
	}
	struct sm_template *kt;
	const char *kid;
	char kbuf[512] = "", kr[64];
	const char *key_region = resource_at(c, kv, &kt, &kid) ? kt->region : NULL;
	if (!key_region) {
		literal_text(kv, kbuf, sizeof(kbuf));
		key_region = arn_region(kbuf, kr, sizeof(kr));
	}
	if (key_region && strcmp(key_region, c->t->region))
		check_report(c, &dep_replica_key, id, "KmsKeyId",
			     "read replica '%s' in %s is encrypted with a key of %s; KMS keys "
			     "belong to their Region",
			     id, c->t->region, key_region);
}

static void db_instance(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	rds_iops(c, id, p);
	replica_key(c, id, p);
	(void)r;
}

/* ---- SM-DEP-069: bucket names ---- */

/* Four dot-separated groups of 1-3 digits: S3 takes it for an IP address. */
static bool ip_like(const char *s)
{
	int groups = 0, digits = 0;
	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 3)
				return false;
		} else if (*s == '.' || !*s) {
			if (!digits)
				return false;
			groups++;
			digits = 0;
			if (!*s)
				return groups == 4;
		} else {
			return false;
		}
	}
}

/* Why S3 refuses `name`, or NULL. */
static const char *bad_bucket_name(const char *name, bool accelerated)
{
	static const char *const prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-", NULL};
	static const char *const suffixes[] = {"-s3alias", "--ol-s3",	 ".mrap",
					       "--x-s3",   "--table-s3", NULL};
	size_t n = strlen(name);
	if (n < 3 || n > 63)
		return "is not 3 to 63 characters long";
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-'))
			return "holds a character other than lowercase letters, digits, '.' and "
			       "'-'";
	if (name[0] == '.' || name[0] == '-' || name[n - 1] == '.' || name[n - 1] == '-')
		return "does not begin and end with a letter or digit";
	if (strstr(name, ".."))
		return "holds two adjacent periods";
	if (ip_like(name))
		return "is formatted as an IP address";
	for (int i = 0; prefixes[i]; i++)
		if (has_prefix(name, prefixes[i]))
			return "starts with a prefix S3 reserves";
	for (int i = 0; suffixes[i]; i++)
		if (ends_with(name, suffixes[i]))
			return "ends with a suffix S3 reserves for access points and other bucket "
			       "kinds";
	if (accelerated && strchr(name, '.'))
		return "holds a period, which Transfer Acceleration does not take";
	return NULL;
}

static void bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *name = jstr(json_object_get(p, "BucketName"));
	bool accelerated = !strcmp(
		jstr(jget(p, "AccelerateConfiguration.AccelerationStatus")) ?: "", "Enabled");
	const char *why = name ? bad_bucket_name(name, accelerated) : NULL;
	if (why)
		check_report(c, &dep_bucket_name, id, "BucketName", "bucket name '%s' %s", name,
			     why);
	(void)r;
}

/* ---- SM-DEP-067: FIFO queues ---- */

static void queue(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	bool fifo = jtrue(json_object_get(p, "FifoQueue"));
	const char *name = jstr(json_object_get(p, "QueueName"));
	if (name && fifo != ends_with(name, ".fifo"))
		check_report(c, &dep_sqs_fifo, id, "QueueName",
			     fifo ? "FIFO queue '%s' is named '%s', without the .fifo suffix"
				  : "standard queue '%s' is named '%s'; only a FIFO queue's name "
				    "ends with .fifo",
			     id, name);
	const char *did;
	const json_t *dlq =
		resource_at(c, jget(p, "RedrivePolicy.deadLetterTargetArn"), NULL, &did);
	if (dlq && !strcmp(res_type(dlq), "AWS::SQS::Queue") &&
	    jtrue(jget(dlq, "Properties.FifoQueue")) != fifo)
		check_report(c, &dep_sqs_fifo, id, "RedrivePolicy",
			     "%s queue '%s' sends its dead letters to '%s', a %s queue",
			     fifo ? "FIFO" : "standard", id, did, fifo ? "standard" : "FIFO");
	(void)r;
}

/* ---- SM-DEP-068: DynamoDB tables ---- */

/* Is attribute `name` a key of the table or of one of its indexes? */
static bool is_key(const json_t *p, const char *name)
{
	static const char *const lists[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
	size_t i, k;
	json_t *e, *ix;
	json_array_foreach (json_object_get(p, "KeySchema"), i, e) {
		if (!strcmp(jstr(json_object_get(e, "AttributeName")) ?: "", name))
			return true;
	}
	for (int l = 0; l < 2; l++)
		json_array_foreach (json_object_get(p, lists[l]), k, ix) {
			json_array_foreach (json_object_get(ix, "KeySchema"), i, e) {
				if (!strcmp(jstr(json_object_get(e, "AttributeName")) ?: "", name))
					return true;
			}
		}
	return false;
}

static bool is_defined(const json_t *p, const char *name)
{
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "AttributeDefinitions"), i, a) {
		if (!strcmp(jstr(json_object_get(a, "AttributeName")) ?: "", name))
			return true;
	}
	return false;
}

static void undefined_keys(struct check_ctx *c, const char *id, const json_t *p,
			   const json_t *schema, const char *where)
{
	size_t i;
	json_t *e;
	json_array_foreach (schema, i, e) {
		const char *n = jstr(json_object_get(e, "AttributeName"));
		if (n && !is_defined(p, n))
			check_report(c, &dep_dynamodb, id, "AttributeDefinitions",
				     "table '%s': key attribute '%s' of %s is not in "
				     "AttributeDefinitions",
				     id, n, where);
	}
}

static void table(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *bm = json_object_get(p, "BillingMode");
	const char *mode = jstr(bm);
	bool on_demand = mode && !strcmp(mode, "PAY_PER_REQUEST");
	bool decided = !bm || mode; /* not an expression we do not evaluate */
	if (decided && on_demand != !json_object_get(p, "ProvisionedThroughput"))
		check_report(c, &dep_dynamodb, id, "ProvisionedThroughput",
			     on_demand ? "table '%s' is PAY_PER_REQUEST and sets "
					 "ProvisionedThroughput"
				       : "table '%s' is PROVISIONED without ProvisionedThroughput",
			     id);
	size_t i;
	json_t *ix;
	json_array_foreach (json_object_get(p, "GlobalSecondaryIndexes"), i, ix) {
		const char *name = jstr(json_object_get(ix, "IndexName")) ?: "?";
		if (decided && on_demand != !json_object_get(ix, "ProvisionedThroughput"))
			check_report(
				c, &dep_dynamodb, id, "GlobalSecondaryIndexes",
				on_demand ? "table '%s' is PAY_PER_REQUEST and its index '%s' "
					    "sets ProvisionedThroughput"
					  : "table '%s' is PROVISIONED and its index '%s' has no "
					    "ProvisionedThroughput",
				id, name);
		undefined_keys(c, id, p, json_object_get(ix, "KeySchema"), name);
	}
	json_array_foreach (json_object_get(p, "LocalSecondaryIndexes"), i, ix)
		undefined_keys(c, id, p, json_object_get(ix, "KeySchema"),
			       jstr(json_object_get(ix, "IndexName")) ?: "?");
	undefined_keys(c, id, p, json_object_get(p, "KeySchema"), "the table");
	json_t *a;
	json_array_foreach (json_object_get(p, "AttributeDefinitions"), i, a) {
		const char *n = jstr(json_object_get(a, "AttributeName"));
		if (n && !is_key(p, n))
			check_report(c, &dep_dynamodb, id, "AttributeDefinitions",
				     "table '%s' defines attribute '%s', which no key schema uses",
				     id, n);
	}
	(void)r;
}

const struct resource_rule check_rules_dep_data[] = {
	{&dep_rds_iops, "AWS::RDS::DBInstance", db_instance},
	{&dep_replica_key, "-", NULL},
	{&dep_sqs_fifo, "AWS::SQS::Queue", queue},
	{&dep_dynamodb, "AWS::DynamoDB::Table", table},
	{&dep_bucket_name, "AWS::S3::Bucket", bucket},
	{NULL, NULL, NULL},
};
