/*
 * Environment configuration (the PRD's environments.ts, as data in
 * config/<env>.json). One table describes every key; loading, validation,
 * defaults, did-you-mean suggestions and config/schema.json come from it.
 */
#include "lib/environments.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/pg_versions.h"
#include "base/strbuf.h"
#include "base/suggest.h"
#include "base/xalloc.h"

enum key_type { K_STRING, K_INT, K_BOOL, K_NUMBER };

struct ctx {
	const char *file;
	const char *text; /* source, for positions on the first error */
	size_t len;
	struct jio_posmap *pos;
	struct diag_list *dl;
	int errors;
	const char *const *sets; /* "key=value" overrides (--set), applied over the file */
	size_t set_nr;
};

typedef int (*check_fn)(struct ctx *c, const char *key, const char *value);

struct key_def {
	const char *name;
	enum key_type type;
	bool required;
	size_t offset;
	double min, max;	   /* K_INT, K_NUMBER */
	const char *def_str;	   /* default (K_STRING); NULL: none */
	double def_num;		   /* default (K_INT, K_NUMBER, K_BOOL) */
	check_fn check;		   /* K_STRING semantic check, or NULL */
	const char *const *values; /* allowed values (K_STRING), NULL-terminated */
	const char *description;
};

static void where(struct ctx *c, const char *path, int *line, int *col)
{
	*line = *col = 0;
	if (!c->pos) /* built only when there is an error to place */
		c->pos = jio_posmap_build(c->text, c->len);
	jio_posmap_lookup(c->pos, path, line, col);
}

__attribute__((format(printf, 3, 4))) static struct diag *error_at(struct ctx *c, const char *path,
								   const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	const char *file = c->file;
	struct strbuf from_set = STRBUF_INIT;
	line = col = 0;
	for (size_t i = 0; i < c->set_nr; i++) {
		size_t klen = strcspn(c->sets[i], "=");
		/* a value (or a member of one) given by --set is reported as such */
		if (!strncmp(c->sets[i], path, klen) && (!path[klen] || path[klen] == '.'))
			strbuf_addf(&from_set, "--set %s", c->sets[i]);
	}
	if (from_set.len)
		file = from_set.buf;
	else
		where(c, path, &line, &col);
	struct diag *d =
		diag_add(c->dl, DIAG_ERROR, file, line, col, path[0] ? path : NULL, "%s", sb.buf);
	strbuf_release(&from_set);
	strbuf_release(&sb);
	c->errors++;
	return d;
}

/* ---- semantic checks ---- */

static int check_cidr(struct ctx *c, const char *key, const char *v)
{
	uint32_t addr;
	int prefix;
	if (cidr_parse(v, &addr, &prefix) < 0) {
		struct diag *d = error_at(c, key, "'%s' is not an IPv4 CIDR block", v);
		diag_set_hint(d, "write it like 10.0.0.0/16");
		return -1;
	}
	if (prefix < 16 || prefix > 28) {
		struct diag *d = error_at(
			c, key, "VPC CIDR '%s' has prefix /%d; AWS allows /16 to /28", v, prefix);
		diag_set_hint(d, "use a /16 to /20 block");
		return -1;
	}
	unsigned mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
	if (addr & ~mask) {
		struct diag *d = error_at(c, key, "'%s' has host bits set", v);
		diag_set_hint(d, "the network address of that block is %u.%u.%u.%u/%d",
			      (addr & mask) >> 24, (addr & mask) >> 16 & 255,
			      (addr & mask) >> 8 & 255, addr & mask & 255, prefix);
		return -1;
	}
	return 0;
}

static int check_domain(struct ctx *c, const char *key, const char *v)
{
	size_t len = strlen(v), label = 0;
	int labels = 1;
	bool ok = len > 0 && len <= 253 && v[0] != '.' && v[0] != '-' && v[len - 1] != '.' &&
		  v[len - 1] != '-';
	for (size_t i = 0; ok && i < len; i++) {
		char ch = v[i];
		if (ch == '.') {
			if (label == 0 || v[i - 1] == '-' || v[i + 1] == '-')
				ok = false;
			label = 0;
			labels++;
		} else if (isalnum((unsigned char)ch) || ch == '-') {
			if (++label > 63)
				ok = false;
		} else {
			ok = false;
		}
	}
	if (!ok || labels < 2) {
		struct diag *d = error_at(c, key, "'%s' is not a domain name", v);
		diag_set_hint(d, "write a DNS name like shop.example.com (letters, digits, "
				 "hyphens, dots)");
		return -1;
	}
	return 0;
}

static bool is_region(const char *v)
{
	static const char *const regions[] = {
		"us-east-1",	  "us-east-2",	    "us-west-1",      "us-west-2",
		"ca-central-1",	  "ca-west-1",	    "eu-west-1",      "eu-west-2",
		"eu-west-3",	  "eu-central-1",   "eu-central-2",   "eu-north-1",
		"eu-south-1",	  "eu-south-2",	    "ap-south-1",     "ap-south-2",
		"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-east-1",
		"sa-east-1",	  "me-south-1",	    "me-central-1",   "af-south-1",
		"il-central-1",	  "mx-central-1",   "ap-southeast-5", "ap-southeast-7",
	};
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (!strcmp(v, regions[i]))
			return true;
	return false;
}

static int check_region(struct ctx *c, const char *key, const char *v)
{
	if (!is_region(v)) {
		struct diag *d = error_at(c, key, "'%s' is not an AWS region", v);
		diag_set_hint(d, "for example us-east-1, eu-west-1, ap-southeast-2");
		return -1;
	}
	return 0;
}

static int check_account(struct ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n == 12;
	for (size_t i = 0; ok && i < n; i++)
		ok = isdigit((unsigned char)v[i]);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not an AWS account ID", v);
		diag_set_hint(d, "an account ID is 12 digits, written as a string");
		return -1;
	}
	return 0;
}

/* arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME (IAM's ARN format) */
static int check_role_arn(struct ctx *c, const char *key, const char *v)
{
	static const char *const partitions[] = {
		"arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"};
	const char *p = NULL;
	for (size_t i = 0; i < 3 && !p; i++)
		if (!strncmp(v, partitions[i], strlen(partitions[i])))
			p = v + strlen(partitions[i]);
	bool ok = p != NULL;
	for (int i = 0; ok && i < 12; i++)
		ok = isdigit((unsigned char)p[i]);
	ok = ok && !strncmp(p + 12, ":role/", 6) && p[18] != '\0';
	for (const char *q = ok ? p + 18 : v; ok && *q; q++)
		ok = isalnum((unsigned char)*q) || strchr("+=,.@_-/", *q);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not an IAM role ARN", v);
		diag_set_hint(d, "arn:aws:iam::ACCOUNT:role/NAME");
		return -1;
	}
	return 0;
}

/* arn:aws:acm:REGION:ACCOUNT:certificate/ID */
static int check_acm_arn(struct ctx *c, const char *key, const char *v)
{
	const char *p = v;
	static const char *const partitions[] = {
		"arn:aws:acm:", "arn:aws-cn:acm:", "arn:aws-us-gov:acm:"};
	size_t plen = 0;
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(v, partitions[i], strlen(partitions[i])))
			plen = strlen(partitions[i]);
	bool ok = plen > 0;
	char region[32] = "";
	if (ok) {
		p = v + plen;
		const char *colon = strchr(p, ':');
		ok = colon && (size_t)(colon - p) < sizeof(region);
		if (ok) {
			memcpy(region, p, (size_t)(colon - p));
			region[colon - p] = '\0';
			ok = is_region(region);
			p = colon + 1;
		}
	}
	if (ok) {
		for (int i = 0; i < 12; i++)
			ok = ok && isdigit((unsigned char)p[i]);
		ok = ok && !strncmp(p + 12, ":certificate/", 13) && p[25] != '\0';
		for (const char *q = ok ? p + 25 : p; ok && *q; q++)
			ok = isalnum((unsigned char)*q) || *q == '-';
	}
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not an ACM certificate ARN", v);
		diag_set_hint(d, "arn:aws:acm:us-east-1:123456789012:certificate/<id>");
		return -1;
	}
	if (!strcmp(key, "certificateArn") && strcmp(region, "us-east-1")) {
		struct diag *d = error_at(
			c, key, "CloudFront needs its certificate in us-east-1, not %s", region);
		diag_set_hint(d, "request or import the certificate in us-east-1");
		return -1;
	}
	return 0;
}

/*
 * RDS for PostgreSQL instance classes (AWS "Supported DB engines for DB
 * instance classes", 2026). "t3.micro" (the PRD's spelling) means db.t3.micro.
 */
static const char *const rds_families[] = {
	"t3",  "t4g", "m5",  "m5d",  "m6g", "m6gd", "m6i", "m6id", "m7g", "m7i", "m8g", "r5",
	"r5b", "r5d", "r6g", "r6gd", "r6i", "r6id", "r7g", "r7i",  "r8g", "x2g", NULL};
static const char *const rds_sizes[] = {"micro",    "small",	"medium",   "large",	"xlarge",
					"2xlarge",  "4xlarge",	"8xlarge",  "12xlarge", "16xlarge",
					"24xlarge", "32xlarge", "48xlarge", NULL};

static bool rds_class_known(const char *cls)
{
	const char *dot = strchr(cls, '.');
	if (!dot)
		return false;
	bool fam = false, size = false;
	for (int i = 0; rds_families[i]; i++)
		if (strlen(rds_families[i]) == (size_t)(dot - cls) &&
		    !strncmp(cls, rds_families[i], (size_t)(dot - cls)))
			fam = true;
	for (int i = 0; rds_sizes[i]; i++)
		if (!strcmp(dot + 1, rds_sizes[i]))
			size = true;
	/* burstable classes stop at 2xlarge; micro/small exist only for t* */
	if (fam && cls[0] != 't' && (!strcmp(dot + 1, "micro") || !strcmp(dot + 1, "small")))
		return false;
	return fam && size;
}

static int check_db_class(struct ctx *c, const char *key, const char *v)
{
	const char *cls = !strncmp(v, "db.", 3) ? v + 3 : v;
	if (!rds_class_known(cls)) {
		struct diag *d =
			error_at(c, key, "'%s' is not an RDS for PostgreSQL instance class", v);
		diag_set_hint(d, "for example t3.micro, t4g.small, m6g.large, r6g.xlarge");
		return -1;
	}
	return 0;
}

static int check_engine_version(struct ctx *c, const char *key, const char *v)
{
	int major, minor, n = 0;
	if (sscanf(v, "%d.%d%n", &major, &minor, &n) != 2 || (size_t)n != strlen(v) ||
	    !isdigit((unsigned char)v[0])) {
		struct diag *d = error_at(c, key, "'%s' is not a PostgreSQL version", v);
		diag_set_hint(d, "write MAJOR.MINOR, for example 16.11");
		return -1;
	}
	return 0;
}

/*
 * RDS refuses to create instances on versions past their standard support
 * (and on some minors a month before it ends): the version must be one the
 * dated calendar file lists as supported today. Without the key, the file's
 * default. The parameter group family follows the major (database.c).
 */
static void check_engine_support(struct ctx *c, struct env_config *cfg)
{
	static const char key[] = "databaseEngineVersion";
	struct pg_versions pv;
	char today[11];
	if (pg_versions_load(NULL, &pv, c->dl) < 0) {
		c->errors++;
		return;
	}
	pg_versions_today(today);
	if (!cfg->database_engine_version)
		cfg->database_engine_version = xstrdup(pg_versions_default(&pv));
	const char *v = cfg->database_engine_version;
	struct pg_verdict verdict;
	pg_versions_check(&pv, v, today, &verdict);
	struct diag *d = NULL;
	switch (verdict.support) {
	case PG_SUPPORTED:
		break;
	case PG_MALFORMED: /* check_engine_version refused it already */
		break;
	case PG_MAJOR_ENDED:
		d = error_at(c, key, "RDS standard support for PostgreSQL %d ended on %s",
			     verdict.major, verdict.ended);
		break;
	case PG_MINOR_ENDED:
		if (verdict.ended && strcmp(today, verdict.ended) >= 0)
			d = error_at(c, key,
				     "RDS standard support for PostgreSQL %s ended on %s%s%s%s", v,
				     verdict.ended,
				     verdict.no_new_from ? " (no new instances since " : "",
				     verdict.no_new_from ? verdict.no_new_from : "",
				     verdict.no_new_from ? ")" : "");
		else
			d = error_at(c, key,
				     "RDS creates no new instances on PostgreSQL %s since %s (its "
				     "standard support ends on %s)",
				     v, verdict.no_new_from, verdict.ended ? verdict.ended : "?");
		break;
	case PG_UNKNOWN_MAJOR:
	case PG_UNKNOWN_MINOR:
		d = error_at(c, key,
			     "PostgreSQL %s is not a version %s (dated %s) lists as supported", v,
			     pv.path, pg_versions_date(&pv));
		break;
	}
	if (d) {
		char *same = pg_versions_supported(&pv, today, verdict.major);
		char *all = pg_versions_supported(&pv, today, 0);
		if (*same)
			diag_set_hint(d, "use %s (same major), or one of: %s (%s, dated %s)", same,
				      all, pv.path, pg_versions_date(&pv));
		else
			diag_set_hint(d, "use one of: %s (%s, dated %s)", all, pv.path,
				      pg_versions_date(&pv));
		free(same);
		free(all);
	}
	pg_versions_free(&pv);
}

static int check_email(struct ctx *c, const char *key, const char *v)
{
	const char *at = strchr(v, '@');
	bool ok = at && at != v && !strchr(at + 1, '@') && strlen(v) <= 254;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("@.-_+", *p);
	if (ok) {
		struct ctx quiet = *c;
		struct diag_list tmp = DIAG_LIST_INIT;
		quiet.dl = &tmp;
		ok = check_domain(&quiet, key, at + 1) == 0;
		diag_list_release(&tmp);
		/* the quiet copy may have built the position map: keep it, or free it */
		if (!c->pos)
			c->pos = quiet.pos;
		else if (quiet.pos != c->pos)
			jio_posmap_free(quiet.pos);
	}
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not an e-mail address", v);
		diag_set_hint(d, "ops@example.com");
		return -1;
	}
	return 0;
}

/* Tag values: the characters AWS accepts in tags, so nothing else leaks in. */
static int check_tag_text(struct ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 256;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr(" _.:/=+-@", *p);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a valid AWS tag value", v);
		diag_set_hint(d, "1 to 256 of: letters, digits, spaces and _ . : / = + - @");
		return -1;
	}
	return 0;
}

/* "staging" -> "SolemateStaging", "prod-eu" -> "SolemateProdEu": a hyphen upper-cases what follows
 */
static char *stack_prefix_of(const char *environment)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "Solemate");
	bool up = true;
	for (const char *p = environment; *p; p++) {
		if (*p == '-') {
			up = true;
			continue;
		}
		strbuf_addch(&sb, up ? (char)toupper((unsigned char)*p) : *p);
		up = false;
	}
	return strbuf_detach(&sb, NULL);
}

static int check_environment(struct ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 20 && islower((unsigned char)v[0]);
	for (const char *p = v; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-';
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a valid environment name", v);
		diag_set_hint(d, "1 to 20 lower-case letters, digits or hyphens, starting with "
				 "a letter (it becomes part of stack and bucket names)");
		return -1;
	}
	/*
	 * Names must map one-to-one to stack names (issue 19): the hyphen only
	 * marks an upper-case letter, so one before a digit, at the end or
	 * doubled vanishes, and 'production-' would deploy over production's
	 * stacks. Such names are refused, naming the one they alias.
	 */
	struct strbuf alias = STRBUF_INIT;
	for (const char *p = v; *p; p++)
		if (*p != '-' || islower((unsigned char)p[1]))
			strbuf_addch(&alias, *p);
	int ret = 0;
	if (strcmp(alias.buf, v)) {
		char *prefix = stack_prefix_of(v);
		struct diag *d =
			error_at(c, key,
				 "'%s' names its stacks %s, as '%s' does: two environments "
				 "would share (and overwrite) the same stacks",
				 v, prefix, alias.buf);
		diag_set_hint(d,
			      "a hyphen must be followed by a letter: name it '%s' if that "
			      "environment is meant, or choose a name of its own",
			      alias.buf);
		free(prefix);
		ret = -1;
	}
	strbuf_release(&alias);
	return ret;
}

static int check_image(struct ctx *c, const char *key, const char *v)
{
	bool ok = *v && strlen(v) <= 255;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("./:_-@", *p);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a container image reference", v);
		diag_set_hint(d, "REPOSITORY[:TAG] or REPOSITORY@sha256:DIGEST");
		return -1;
	}
	return 0;
}

static int check_path(struct ctx *c, const char *key, const char *v)
{
	bool ok = v[0] == '/' && strlen(v) <= 1024;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("/-._~%!$&'()*+,;=:@?", *p);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not an HTTP path", v);
		diag_set_hint(d, "start with '/', for example /health");
		return -1;
	}
	return 0;
}

static int check_container_user(struct ctx *c, const char *key, const char *v)
{
	const char *colon = strchr(v, ':');
	size_t uid_len = colon ? (size_t)(colon - v) : strlen(v);
	bool ok = uid_len >= 1 && uid_len <= 10 && strlen(v) <= 21 && (!colon || colon[1]);
	for (const char *p = v; ok && *p; p++)
		ok = isdigit((unsigned char)*p) || (p == colon);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a numeric UID[:GID]", v);
		diag_set_hint(d, "for example 101:101 (the nginx user of nginx-unprivileged)");
		return -1;
	}
	if (strtol(v, NULL, 10) == 0) {
		struct diag *d = error_at(c, key, "'%s' runs the application as root", v);
		diag_set_hint(d, "use the non-root user the image is built for, e.g. 101:101");
		return -1;
	}
	return 0;
}

static int check_health_command(struct ctx *c, const char *key, const char *v)
{
	bool ok = *v && strlen(v) <= 1024;
	for (const char *p = v; ok && *p; p++)
		ok = isprint((unsigned char)*p);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a one-line shell command", v);
		diag_set_hint(d, "1 to 1024 printable characters, for example "
				 "curl -fsS -o /dev/null http://localhost:8080/ || exit 1");
		return -1;
	}
	return 0;
}

static int check_hosted_zone(struct ctx *c, const char *key, const char *v)
{
	bool ok = v[0] == 'Z' && strlen(v) <= 32;
	for (const char *p = v; ok && *p; p++)
		ok = isupper((unsigned char)*p) || isdigit((unsigned char)*p);
	if (!ok) {
		struct diag *d = error_at(c, key, "'%s' is not a Route 53 hosted zone ID", v);
		diag_set_hint(d, "like Z0123456789ABCDEFGHIJ");
		return -1;
	}
	return 0;
}

static int check_ec2_type(struct ctx *c, const char *key, const char *v)
{
	const char *dot = strchr(v, '.');
	bool ok = dot && dot != v && dot[1];
	for (const char *p = v; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' ||
		     *p == '-';
	if (!ok || strncmp(v, "db.", 3) == 0) {
		struct diag *d = error_at(c, key, "'%s' is not an EC2 instance type", v);
		diag_set_hint(d, "for example t3.small, m6i.large");
		return -1;
	}
	return 0;
}

static const char *const price_classes[] = {"PriceClass_100", "PriceClass_200", "PriceClass_All",
					    NULL};

#define OFF(f) offsetof(struct env_config, f)
#define UOFF(f) (offsetof(struct env_config, usage) + offsetof(struct env_usage, f))

static const struct key_def keys[] = {
	{"environment", K_STRING, true, OFF(environment), 0, 0, NULL, 0, check_environment, NULL,
	 "Environment name; becomes part of stack and resource names. Lower-case letters, "
	 "digits and hyphens, a hyphen followed by a letter (one name, one set of stacks)."},
	{"account", K_STRING, false, OFF(account), 0, 0, NULL, 0, check_account, NULL,
	 "AWS account ID (12 digits). Omit for environment-agnostic stacks."},
	{"accountId", K_STRING, true, OFF(account_id), 0, 0, NULL, 0, check_account, NULL,
	 "AWS account the environment lives in (12 digits, a string). deploy, destroy and "
	 "bootstrap ask STS GetCallerIdentity first and refuse credentials of another "
	 "account."},
	{"cloudFormationRoleArn", K_STRING, false, OFF(cloudformation_role_arn), 0, 0, NULL, 0,
	 check_role_arn, NULL,
	 "IAM role CloudFormation assumes to change the stacks (RoleARN of CreateChangeSet and "
	 "DeleteStack), so that deployers need only pass it. In accountId's account."},
	{"region", K_STRING, true, OFF(region), 0, 0, NULL, 0, check_region, NULL,
	 "AWS region of the environment."},
	{"drRegion", K_STRING, false, OFF(dr_region), 0, 0, NULL, 0, check_region, NULL,
	 "Second region for the replicated copy of the assets bucket (disaster recovery)."},
	{"vpcCidr", K_STRING, true, OFF(vpc_cidr), 0, 0, NULL, 0, check_cidr, NULL,
	 "IPv4 CIDR block of the VPC; must hold 3 tiers x maxAzs subnets of /24."},
	{"maxAzs", K_INT, false, OFF(max_azs), 2, 3, NULL, 2, NULL, NULL,
	 "Availability zones the VPC spans (2 or 3)."},
	{"natGateways", K_INT, false, OFF(nat_gateways), 1, 3, NULL, 1, NULL, NULL,
	 "NAT gateways: 1 (cheaper) up to one per AZ (no single point of failure)."},
	{"interfaceEndpoints", K_BOOL, false, OFF(interface_endpoints), 0, 0, NULL, 1, NULL, NULL,
	 "Interface VPC endpoints for the AWS APIs the tasks call (ECR, Logs, Secrets "
	 "Manager, SSM, STS, X-Ray, CloudWatch); false: that traffic takes the NAT route "
	 "(about $14.60 a month less per endpoint in two AZs; docs/cost.md)."},
	{"databaseInstanceType", K_STRING, true, OFF(database_instance_type), 0, 0, NULL, 0,
	 check_db_class, NULL, "RDS instance class, e.g. t3.micro (db. prefix optional)."},
	{"databaseEngineVersion", K_STRING, false, OFF(database_engine_version), 0, 0, NULL, 0,
	 check_engine_version, NULL,
	 "PostgreSQL engine version MAJOR.MINOR, one RDS still supports by the dated "
	 "data/rds-postgres-versions.json (default: that file's default)."},
	{"databaseAllocatedStorage", K_INT, false, OFF(database_allocated_storage), 20, 65536, NULL,
	 20, NULL, NULL, "Initial storage in GiB (gp3)."},
	{"databaseMaxAllocatedStorage", K_INT, false, OFF(database_max_allocated_storage), 21,
	 65536, NULL, 100, NULL, NULL, "Upper limit of storage autoscaling in GiB."},
	{"databaseMultiAz", K_BOOL, false, OFF(database_multi_az), 0, 0, NULL, 1, NULL, NULL,
	 "Standby in a second AZ with automatic failover."},
	{"databaseBackupRetentionDays", K_INT, false, OFF(database_backup_retention_days), 1, 35,
	 NULL, 7, NULL, NULL, "Automated backup retention in days."},
	{"databaseReadReplicas", K_INT, false, OFF(database_read_replicas), 0, 5, NULL, 0, NULL,
	 NULL, "Read replicas for read scaling."},
	{"databaseDeletionProtection", K_BOOL, false, OFF(database_deletion_protection), 0, 0, NULL,
	 1, NULL, NULL, "Refuse to delete the database instance."},
	{"ecsDesiredCount", K_INT, true, OFF(ecs_desired_count), 1, 1000, NULL, 0, NULL, NULL,
	 "Application tasks running normally."},
	{"ecsMinCapacity", K_INT, false, OFF(ecs_min_capacity), 1, 1000, NULL, 0, NULL, NULL,
	 "Autoscaling minimum (default: ecsDesiredCount)."},
	{"ecsMaxCapacity", K_INT, false, OFF(ecs_max_capacity), 1, 1000, NULL, 0, NULL, NULL,
	 "Autoscaling maximum (default: 4 x ecsDesiredCount)."},
	/*
	 * The default image starts under the task's settings: NGINX's
	 * unprivileged build listens on 8080, runs as uid 101, keeps its pid and
	 * temporary files under /tmp (a volume here) and ships curl (its
	 * Dockerfile, github.com/nginxinc/docker-nginx-unprivileged).
	 */
	{"containerImage", K_STRING, false, OFF(container_image), 0, 0,
	 "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine", 0, check_image, NULL,
	 "Application container image. It runs with a read-only root file system; /tmp and "
	 "/var/cache/nginx are writable volumes."},
	{"containerUser", K_STRING, false, OFF(container_user), 0, 0, "101:101", 0,
	 check_container_user, NULL,
	 "User the application runs as, UID[:GID] (not root); the default image's nginx user."},
	{"healthCheckCommand", K_STRING, false, OFF(health_check_command), 0, 0, NULL, 0,
	 check_health_command, NULL,
	 "Shell command, run inside the container, that exits 0 when the application is "
	 "healthy (default: curl of containerPort and healthCheckPath; the image must "
	 "contain the program it runs)."},
	{"containerPort", K_INT, false, OFF(container_port), 1, 65535, NULL, 8080, NULL, NULL,
	 "Port the application listens on."},
	{"taskCpu", K_INT, false, OFF(task_cpu), 256, 16384, NULL, 256, NULL, NULL,
	 "Fargate task CPU units (256, 512, 1024, ...)."},
	{"taskMemory", K_INT, false, OFF(task_memory), 512, 122880, NULL, 512, NULL, NULL,
	 "Fargate task memory in MiB."},
	{"healthCheckPath", K_STRING, false, OFF(health_check_path), 0, 0, "/", 0, check_path, NULL,
	 "HTTP path the application answers 200 on, for the load balancer's and the "
	 "container's health checks."},
	{"ec2InstanceType", K_STRING, false, OFF(ec2_instance_type), 0, 0, "t3.small", 0,
	 check_ec2_type, NULL, "Instance type of the ECS EC2 capacity."},
	{"ec2MinCapacity", K_INT, false, OFF(ec2_min_capacity), 0, 100, NULL, 1, NULL, NULL,
	 "Auto Scaling group minimum."},
	{"ec2MaxCapacity", K_INT, false, OFF(ec2_max_capacity), 1, 100, NULL, 2, NULL, NULL,
	 "Auto Scaling group maximum."},
	{"domainName", K_STRING, true, OFF(domain_name), 0, 0, NULL, 0, check_domain, NULL,
	 "Public domain name served by CloudFront."},
	{"certificateArn", K_STRING, false, OFF(certificate_arn), 0, 0, NULL, 0, check_acm_arn,
	 NULL,
	 "ACM certificate in us-east-1 for CloudFront; required without hostedZoneId (with "
	 "it, DNS-validated certificates are created). Deploy refuses a placeholder."},
	{"albCertificateArn", K_STRING, false, OFF(alb_certificate_arn), 0, 0, NULL, 0,
	 check_acm_arn, NULL,
	 "ACM certificate in the environment's region for the load balancer (default: "
	 "certificateArn, which must then be in that region)."},
	{"hostedZoneId", K_STRING, false, OFF(hosted_zone_id), 0, 0, NULL, 0, check_hosted_zone,
	 NULL,
	 "Route 53 hosted zone of domainName; when set, DNS-validated ACM certificates and "
	 "alias records are created (certificateArn and albCertificateArn are then unused)."},
	{"alarmEmail", K_STRING, true, OFF(alarm_email), 0, 0, NULL, 0, check_email, NULL,
	 "Where alarms and budget alerts are sent."},
	{"monthlyBudget", K_NUMBER, true, OFF(monthly_budget), 1, 1e7, NULL, 0, NULL, NULL,
	 "Monthly cost budget in USD."},
	{"logRetentionDays", K_INT, false, OFF(log_retention_days), 1, 3653, NULL, 90, NULL, NULL,
	 "Retention of every CloudWatch log group, in days (a value CloudWatch accepts)."},
	{"cloudFrontPriceClass", K_STRING, false, OFF(cloudfront_price_class), 0, 0,
	 "PriceClass_100", 0, NULL, price_classes, "CloudFront price class."},
	{"owner", K_STRING, true, OFF(owner), 0, 0, NULL, 0, check_tag_text, NULL, "Owner tag."},
	{"costCenter", K_STRING, true, OFF(cost_center), 0, 0, NULL, 0, check_tag_text, NULL,
	 "CostCenter tag."},
	{"project", K_STRING, false, OFF(project), 0, 0, "SoleMate", 0, check_tag_text, NULL,
	 "Project tag."},
};

static const struct key_def usage_keys[] = {
	{"requestsPerMonth", K_NUMBER, false, UOFF(requests_per_month), 0, 1e13, NULL, 30e6, NULL,
	 NULL, "HTTP requests a month reaching the load balancer."},
	{"cdnGbPerMonth", K_NUMBER, false, UOFF(cdn_gb_per_month), 0, 1e9, NULL, 500, NULL, NULL,
	 "GB a month served by CloudFront."},
	{"cdnRequestsPerMonth", K_NUMBER, false, UOFF(cdn_requests_per_month), 0, 1e13, NULL, 50e6,
	 NULL, NULL, "Requests a month to CloudFront."},
	{"natGbPerMonth", K_NUMBER, false, UOFF(nat_gb_per_month), 0, 1e9, NULL, 50, NULL, NULL,
	 "GB a month through the NAT gateways."},
	{"logGbPerMonth", K_NUMBER, false, UOFF(log_gb_per_month), 0, 1e9, NULL, 20, NULL, NULL,
	 "GB of logs ingested a month."},
	{"s3StorageGb", K_NUMBER, false, UOFF(s3_storage_gb), 0, 1e9, NULL, 50, NULL, NULL,
	 "GB stored in S3."},
	{"dbBackupGb", K_NUMBER, false, UOFF(db_backup_gb), 0, 1e9, NULL, 0, NULL, NULL,
	 "Backup storage beyond the free allowance, GB."},
	{"endpointGbPerMonth", K_NUMBER, false, UOFF(endpoint_gb_per_month), 0, 1e9, NULL, 20, NULL,
	 NULL, "GB a month through interface endpoints."},
	{"configItemsPerMonth", K_NUMBER, false, UOFF(config_items_per_month), 0, 1e12, NULL, 2000,
	 NULL, NULL, "AWS Config configuration items recorded a month."},
	{"xrayTracesPerMonth", K_NUMBER, false, UOFF(xray_traces_per_month), 0, 1e13, NULL, 1e6,
	 NULL, NULL, "X-Ray traces recorded a month."},
	{"rpsPerTask", K_NUMBER, false, UOFF(rps_per_task), 1, 1e6, NULL, 100, NULL, NULL,
	 "Capacity model: requests a second one task serves within 200 ms. Source: an "
	 "assumption for the 0.25 vCPU task (docs/cost.md, Capacity); replace it with a load "
	 "test's measured figure."},
	{"dbConnectionsPerTask", K_NUMBER, false, UOFF(db_connections_per_task), 1, 10000, NULL, 10,
	 NULL, NULL,
	 "Capacity model: database connections each task's pool holds. Source: the "
	 "application's pool size (docs/cost.md, Capacity)."},
	{"thinkTimeSeconds", K_NUMBER, false, UOFF(think_time_seconds), 0.1, 3600, NULL, 10, NULL,
	 NULL,
	 "Capacity model: seconds between two requests of one user (Little's law: users = "
	 "req/s x think time). Source: an assumption for browsing (docs/cost.md, Capacity)."},
	{"targetConcurrentUsers", K_NUMBER, false, UOFF(target_concurrent_users), 1, 1e9, NULL,
	 50000, NULL, NULL,
	 "Capacity model: concurrent users the design must carry. Source: the PRD's "
	 "success metrics (50,000)."},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define NUSAGE (sizeof(usage_keys) / sizeof(usage_keys[0]))

static const char *closest_key(const struct key_def *defs, size_t n, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(name, defs[i].name);
		if (d < best_d) {
			best_d = d;
			best = defs[i].name;
		}
	}
	return best && suggest_close_enough(best_d, name) ? best : NULL;
}

static const char *type_name(enum key_type t)
{
	switch (t) {
	case K_STRING:
		return "a string";
	case K_INT:
		return "an integer";
	case K_BOOL:
		return "true or false";
	default:
		return "a number";
	}
}

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static void set_default(const struct key_def *k, void *base)
{
	char *field = (char *)base + k->offset;
	switch (k->type) {
	case K_STRING:
		*(char **)field = k->def_str ? xstrdup(k->def_str) : NULL;
		break;
	case K_INT:
		*(int *)field = (int)k->def_num;
		break;
	case K_BOOL:
		*(bool *)field = k->def_num != 0;
		break;
	case K_NUMBER:
		*(double *)field = k->def_num;
		break;
	}
}

static void load_value(struct ctx *c, const struct key_def *k, const json_t *v, void *base,
		       const char *path)
{
	char *field = (char *)base + k->offset;
	bool ok;

	switch (k->type) {
	case K_STRING:
		ok = json_is_string(v);
		break;
	case K_INT:
		ok = json_is_integer(v);
		break;
	case K_BOOL:
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_is_number(v);
		break;
	}
	if (!ok) {
		struct diag *d = error_at(c, path, "'%s' must be %s, not %s", k->name,
					  type_name(k->type), json_type_name(v));
		if (k->type == K_INT && json_is_string(v))
			diag_set_hint(d, "write the number without quotes");
		else if (k->type == K_STRING && !json_is_string(v))
			diag_set_hint(d, "put the value in double quotes");
		return;
	}
	switch (k->type) {
	case K_STRING: {
		const char *s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) {
			error_at(c, path, "'%s' contains a NUL character", k->name);
			return;
		}
		if (k->values) {
			bool found = false;
			struct strbuf all = STRBUF_INIT;
			for (int i = 0; k->values[i]; i++) {
				found |= !strcmp(s, k->values[i]);
				strbuf_addf(&all, "%s%s", i ? ", " : "", k->values[i]);
			}
			if (!found) {
				struct diag *d = error_at(c, path,
							  "'%s' is not one of the values "
							  "'%s' accepts",
							  s, k->name);
				diag_set_hint(d, "one of: %s", all.buf);
				strbuf_release(&all);
				return;
			}
			strbuf_release(&all);
		}
		if (k->check && k->check(c, path, s) < 0)
			return;
		free(*(char **)field);
		*(char **)field = xstrdup(s);
		break;
	}
	case K_INT: {
		json_int_t n = json_integer_value(v);
		if ((double)n < k->min || (double)n > k->max) {
			error_at(c, path,
				 "'%s' is %" JSON_INTEGER_FORMAT
				 "; it must be between %.0f and %.0f",
				 k->name, n, k->min, k->max);
			return;
		}
		*(int *)field = (int)n;
		break;
	}
	case K_BOOL:
		*(bool *)field = json_is_true(v);
		break;
	case K_NUMBER: {
		double d = json_number_value(v);
		if (!isfinite(d) || d < k->min || d > k->max) {
			error_at(c, path, "'%s' is %g; it must be between %g and %g", k->name, d,
				 k->min, k->max);
			return;
		}
		*(double *)field = d;
		break;
	}
	}
}

static void load_object(struct ctx *c, const json_t *obj, const struct key_def *defs, size_t n,
			void *base, const char *prefix)
{
	const char *name;
	json_t *v;

	for (size_t i = 0; i < n; i++)
		set_default(&defs[i], base);
	json_object_foreach ((json_t *)obj, name, v) {
		char *path = prefix ? xstrfmt("%s.%s", prefix, name) : xstrdup(name);
		const struct key_def *k = NULL;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(defs[i].name, name))
				k = &defs[i];
		if (!prefix && defs == keys && !strcmp(name, "usage")) {
			if (!json_is_object(v))
				error_at(c, path, "'usage' must be an object, not %s",
					 json_type_name(v));
			else
				load_object(c, v, usage_keys, NUSAGE, base, "usage");
		} else if (!strcmp(name, "$schema") && !prefix) {
			/* editors' pointer to config/schema.json */
		} else if (!k) {
			struct diag *d = error_at(c, path, "unknown key '%s'", name);
			const char *s = closest_key(defs, n, name);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			else
				diag_set_hint(d, "see config/%s for the keys",
					      defs == keys ? "schema.json"
							   : "baseline.schema.json");
		} else {
			load_value(c, k, v, base, path);
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++) {
		if (defs[i].required && !json_object_get(obj, defs[i].name)) {
			struct diag *d = diag_add(c->dl, DIAG_ERROR, c->file, 0, 0, NULL,
						  "missing required key '%s'", defs[i].name);
			diag_set_hint(d, "%s", defs[i].description);
			c->errors++;
		}
	}
}

/* The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
static void check_retention(struct ctx *c, int days)
{
	static const int retention[] = {1,    3,    5,	  7,	14,   30,  60,	90,
					120,  150,  180,  365,	400,  545, 731, 1096,
					1827, 2192, 2557, 2922, 3288, 3653};
	bool ret_ok = false;
	for (size_t i = 0; i < sizeof(retention) / sizeof(retention[0]); i++)
		ret_ok |= retention[i] == days;
	if (!ret_ok) {
		struct diag *d = error_at(c, "logRetentionDays",
					  "CloudWatch Logs has no retention of %d days", days);
		diag_set_hint(d, "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
				 "545, 731, 1096, 1827, ..., 3653");
	}
}

/* Checks that relate several keys. */
static void cross_checks(struct ctx *c, struct env_config *cfg)
{
	check_engine_support(c, cfg);
	if (cfg->nat_gateways > cfg->max_azs)
		error_at(c, "natGateways", "natGateways is %d but the VPC spans %d AZs",
			 cfg->nat_gateways, cfg->max_azs);
	if (cfg->vpc_cidr) {
		uint32_t addr;
		int prefix;
		if (cidr_parse(cfg->vpc_cidr, &addr, &prefix) == 0) {
			int subnets = 3 * cfg->max_azs, bits = 0;
			while ((1 << bits) < subnets)
				bits++;
			if (prefix + bits > 24) {
				struct diag *d =
					error_at(c, "vpcCidr",
						 "VPC CIDR '%s' is too small: %d subnets of /24 (3 "
						 "tiers x %d "
						 "AZs) need a /%d or larger",
						 cfg->vpc_cidr, subnets, cfg->max_azs, 24 - bits);
				diag_set_hint(d, "use a /16 such as 10.0.0.0/16");
			}
		}
	}
	if (!cfg->ecs_min_capacity)
		cfg->ecs_min_capacity = cfg->ecs_desired_count;
	if (!cfg->ecs_max_capacity)
		cfg->ecs_max_capacity = 4 * cfg->ecs_desired_count;
	if (cfg->ecs_desired_count && (cfg->ecs_min_capacity > cfg->ecs_desired_count ||
				       cfg->ecs_max_capacity < cfg->ecs_desired_count))
		error_at(c, "ecsDesiredCount",
			 "ecsDesiredCount %d is outside ecsMinCapacity..ecsMaxCapacity (%d..%d)",
			 cfg->ecs_desired_count, cfg->ecs_min_capacity, cfg->ecs_max_capacity);
	if (cfg->ec2_min_capacity > cfg->ec2_max_capacity)
		error_at(c, "ec2MinCapacity", "ec2MinCapacity %d is above ec2MaxCapacity %d",
			 cfg->ec2_min_capacity, cfg->ec2_max_capacity);
	if (cfg->database_max_allocated_storage <= cfg->database_allocated_storage)
		error_at(c, "databaseMaxAllocatedStorage",
			 "databaseMaxAllocatedStorage (%d) must be above databaseAllocatedStorage "
			 "(%d)",
			 cfg->database_max_allocated_storage, cfg->database_allocated_storage);
	/* Fargate's valid CPU/memory pairs (AWS ECS developer guide, task size). */
	int cpu = cfg->task_cpu, mem = cfg->task_memory;
	bool fargate_ok = (cpu == 256 && (mem == 512 || mem == 1024 || mem == 2048)) ||
			  (cpu == 512 && mem >= 1024 && mem <= 4096 && mem % 1024 == 0) ||
			  (cpu == 1024 && mem >= 2048 && mem <= 8192 && mem % 1024 == 0) ||
			  (cpu == 2048 && mem >= 4096 && mem <= 16384 && mem % 1024 == 0) ||
			  (cpu == 4096 && mem >= 8192 && mem <= 30720 && mem % 1024 == 0) ||
			  (cpu == 8192 && mem >= 16384 && mem <= 61440 && mem % 4096 == 0) ||
			  (cpu == 16384 && mem >= 32768 && mem <= 122880 && mem % 8192 == 0);
	if (!fargate_ok) {
		struct diag *d =
			error_at(c, "taskMemory",
				 "Fargate has no task size of %d CPU units with %d MiB", cpu, mem);
		diag_set_hint(d, "256 CPU takes 512, 1024 or 2048 MiB; 512 CPU 1-4 GiB; 1024 CPU "
				 "2-8 GiB");
	}
	check_retention(c, cfg->log_retention_days);
	if (cfg->dr_region && cfg->region && !strcmp(cfg->dr_region, cfg->region))
		error_at(c, "drRegion", "drRegion must differ from region (%s)", cfg->region);
	if (cfg->account && cfg->account_id && strcmp(cfg->account, cfg->account_id))
		error_at(c, "account", "account %s differs from accountId %s", cfg->account,
			 cfg->account_id);
	if (cfg->cloudformation_role_arn && cfg->account_id &&
	    !strstr(cfg->cloudformation_role_arn, cfg->account_id)) {
		struct diag *d =
			error_at(c, "cloudFormationRoleArn",
				 "the role is not in account %s (accountId)", cfg->account_id);
		diag_set_hint(d, "CloudFormation's service role must be in the stacks' account");
	}
	if (!cfg->hosted_zone_id && !cfg->certificate_arn) {
		struct diag *d = error_at(c, "certificateArn",
					  "missing required key 'certificateArn' (there is no "
					  "hostedZoneId to validate certificates of our own)");
		diag_set_hint(d, "set certificateArn to an ACM certificate in us-east-1, or "
				 "hostedZoneId to the Route 53 zone of domainName");
	}
	if (!cfg->hosted_zone_id && cfg->region && cfg->certificate_arn &&
	    !cfg->alb_certificate_arn && !strstr(cfg->certificate_arn, cfg->region)) {
		struct diag *d = error_at(c, "certificateArn",
					  "the load balancer in %s cannot use a certificate from "
					  "another region",
					  cfg->region);
		diag_set_hint(d, "set albCertificateArn to a certificate in %s", cfg->region);
	}
	if (!cfg->hosted_zone_id && cfg->alb_certificate_arn && cfg->region) {
		char *needle = xstrfmt(":acm:%s:", cfg->region);
		if (!strstr(cfg->alb_certificate_arn, needle))
			error_at(c, "albCertificateArn", "albCertificateArn must be in %s",
				 cfg->region);
		free(needle);
	}
}

static void derive(struct env_config *cfg)
{
	const char *t = cfg->database_instance_type;
	cfg->database_instance_class = !strncmp(t, "db.", 3) ? xstrdup(t) : xstrfmt("db.%s", t);
	cfg->protect_data = cfg->database_deletion_protection;
	cfg->stack_prefix = stack_prefix_of(cfg->environment);
}

/*
 * Apply "a.b=value" over the document: the value is read as JSON when it is
 * one (numbers, true/false, quoted strings, objects), else taken as a string,
 * so that `--set ecsMaxCapacity=40` and `--set domainName=shop.example` both
 * do what they say. Intermediate objects are created. 0, or -1 + diag.
 */
static int apply_set(json_t *root, const char *set, struct diag_list *dl)
{
	const char *eq = strchr(set, '=');
	if (!eq || eq == set) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, "--set", 0, 0, NULL, "'%s' is not key=value", set);
		diag_set_hint(
			d,
			"e.g. --set ecsMaxCapacity=40 or --set usage.requestsPerUserPerMinute=6");
		return -1;
	}
	char *key = xstrndup(set, (size_t)(eq - set));
	json_t *value = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	if (!value)
		value = json_string(eq + 1);
	if (!value) { /* not valid UTF-8 */
		diag_add(dl, DIAG_ERROR, "--set", 0, 0, key, "the value is not valid UTF-8");
		free(key);
		return -1;
	}
	json_t *obj = root;
	char *part = key;
	for (char *dot; (dot = strchr(part, '.')); part = dot + 1) {
		*dot = '\0';
		json_t *next = json_object_get(obj, part);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, part, next);
		}
		obj = next;
	}
	json_object_set_new(obj, part, value);
	free(key);
	return 0;
}

/*
 * The configuration's top-level object, the `--set` overrides applied (new
 * reference), or NULL with diagnostics. JSON or YAML by the file's
 * extension (auto-detected otherwise): the same keys, the same positions in
 * errors; a .json file gets JSON's errors, not YAML's.
 */
static json_t *load_root(const char *file, const char *text, size_t len, const char *const *sets,
			 size_t set_nr, struct diag_list *dl)
{
	json_t *root;
	size_t flen = strlen(file);
	if ((flen > 5 && !strcmp(file + flen - 5, ".yaml")) ||
	    (flen > 4 && !strcmp(file + flen - 4, ".yml")))
		root = jio_load_yaml(file, text, len, dl);
	else if (flen > 5 && !strcmp(file + flen - 5, ".json"))
		root = jio_load_json(file, text, len, dl);
	else
		root = jio_load_auto(file, text, len, dl);
	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		diag_add(dl, DIAG_ERROR, file, 1, 1, NULL,
			 "the configuration must be a JSON object, not %s", json_type_name(root));
		json_decref(root);
		return NULL;
	}
	for (size_t i = 0; i < set_nr; i++) {
		if (apply_set(root, sets[i], dl) < 0) {
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

int env_config_parse_with(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct env_config *cfg, struct diag_list *dl)
{
	struct ctx c = {
		.file = file, .text = text, .len = len, .dl = dl, .sets = sets, .set_nr = set_nr};
	json_t *root;

	memset(cfg, 0, sizeof(*cfg));
	root = load_root(file, text, len, sets, set_nr, dl);
	if (!root)
		return -1;
	cfg->file = xstrdup(file);
	/* usage has defaults even when the file has no "usage" object */
	for (size_t i = 0; i < NUSAGE; i++)
		set_default(&usage_keys[i], cfg);
	load_object(&c, root, keys, NKEYS, cfg, NULL);
	if (!c.errors)
		cross_checks(&c, cfg);
	jio_posmap_free(c.pos);
	json_decref(root);
	if (c.errors) {
		env_config_release(cfg);
		return -1;
	}
	derive(cfg);
	return 0;
}

int env_config_parse(const char *file, const char *text, size_t len, struct env_config *cfg,
		     struct diag_list *dl)
{
	return env_config_parse_with(file, text, len, NULL, 0, cfg, dl);
}

int env_config_load_with(const char *path, const char *const *sets, size_t set_nr,
			 struct env_config *cfg, struct diag_list *dl)
{
	size_t len;
	char *text = fs_read_file(path, &len, dl);
	memset(cfg, 0, sizeof(*cfg));
	if (!text)
		return -1;
	int r = env_config_parse_with(path, text, len, sets, set_nr, cfg, dl);
	free(text);
	return r;
}

int env_config_load(const char *path, struct env_config *cfg, struct diag_list *dl)
{
	return env_config_load_with(path, NULL, 0, cfg, dl);
}

static void release_strings(const struct key_def *defs, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		if (defs[i].type != K_STRING)
			continue;
		char **f = (char **)((char *)base + defs[i].offset);
		free(*f);
		*f = NULL;
	}
}

void env_config_release(struct env_config *cfg)
{
	release_strings(keys, NKEYS, cfg);
	free(cfg->file);
	free(cfg->database_instance_class);
	free(cfg->stack_prefix);
	memset(cfg, 0, sizeof(*cfg));
}

static json_t *schema_props(const struct key_def *defs, size_t n, json_t *required)
{
	json_t *props = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct key_def *k = &defs[i];
		static const char *const jt[] = {"string", "integer", "boolean", "number"};
		json_t *p =
			json_pack("{ss ss}", "type", jt[k->type], "description", k->description);
		if (k->type == K_INT || k->type == K_NUMBER) {
			json_object_set_new(p, "minimum", json_real(k->min));
			json_object_set_new(p, "maximum", json_real(k->max));
		}
		if (k->values) {
			json_t *e = json_array();
			for (int j = 0; k->values[j]; j++)
				json_array_append_new(e, json_string(k->values[j]));
			json_object_set_new(p, "enum", e);
		}
		if (k->type == K_STRING && k->def_str)
			json_object_set_new(p, "default", json_string(k->def_str));
		else if (k->type == K_BOOL)
			json_object_set_new(p, "default", json_boolean(k->def_num != 0));
		else if (k->type != K_STRING && k->def_num)
			json_object_set_new(p, "default", json_real(k->def_num));
		json_object_set_new(props, k->name, p);
		if (k->required && required)
			json_array_append_new(required, json_string(k->name));
	}
	return props;
}

/* A JSON Schema of a configuration file; `props` and `required` are stolen. */
static json_t *schema_document(const char *id, const char *title, json_t *props, json_t *required)
{
	return json_pack("{ss ss ss ss so so sb}", "$schema",
			 "https://json-schema.org/draft/2020-12/schema", "$id", id, "title", title,
			 "type", "object", "properties", props, "required", required,
			 "additionalProperties", 0);
}

json_t *env_config_json_schema(void)
{
	json_t *required = json_array();
	json_t *props = schema_props(keys, NKEYS, required);
	json_object_set_new(props, "$schema", json_pack("{ss}", "type", "string"));
	json_object_set_new(props, "usage",
			    json_pack("{ss ss so sb}", "type", "object", "description",
				      "Usage and capacity assumptions for cost and capacity "
				      "estimates (documented defaults).",
				      "properties", schema_props(usage_keys, NUSAGE, NULL),
				      "additionalProperties", 0));
	return schema_document("https://solemate.dev/config.schema.json",
			       "solemate environment configuration", props, required);
}

/* ---- the account baseline ---- */

#define BOFF(f) offsetof(struct baseline_config, f)

static const char *const baseline_kinds[] = {"accountBaseline", NULL};

static const struct key_def baseline_keys[] = {
	{"kind", K_STRING, true, BOFF(kind), 0, 0, NULL, 0, NULL, baseline_kinds,
	 "What the file configures: the account baseline, the resources an AWS account holds "
	 "once per region (AWS Config recorder and delivery channel, the CloudTrail trail, "
	 "the cost anomaly monitor). Deployed once per account and region, apart from every "
	 "environment."},
	{"accountId", K_STRING, true, BOFF(account_id), 0, 0, NULL, 0, check_account, NULL,
	 "AWS account ID (12 digits) the baseline is for; part of its stack's name."},
	{"region", K_STRING, true, BOFF(region), 0, 0, NULL, 0, check_region, NULL,
	 "Region of the baseline (AWS Config records per region; the trail covers all)."},
	{"alarmEmail", K_STRING, true, BOFF(alarm_email), 0, 0, NULL, 0, check_email, NULL,
	 "Where cost anomaly alerts are sent."},
	{"logRetentionDays", K_INT, false, BOFF(log_retention_days), 1, 3653, NULL, 365, NULL, NULL,
	 "Retention of the trail's CloudWatch Logs group, in days (PCI DSS 10.5.1: a "
	 "year)."},
	{"anomalyThresholdUsd", K_NUMBER, false, BOFF(anomaly_threshold_usd), 1, 1e7, NULL, 100,
	 NULL, NULL, "Total impact in USD from which a cost anomaly is e-mailed."},
	{"owner", K_STRING, true, BOFF(owner), 0, 0, NULL, 0, check_tag_text, NULL, "Owner tag."},
	{"costCenter", K_STRING, true, BOFF(cost_center), 0, 0, NULL, 0, check_tag_text, NULL,
	 "CostCenter tag."},
	{"project", K_STRING, false, BOFF(project), 0, 0, "SoleMate", 0, check_tag_text, NULL,
	 "Project tag."},
};

#define NBASELINE (sizeof(baseline_keys) / sizeof(baseline_keys[0]))

int config_kind_of(const char *file, const char *text, size_t len, enum config_kind *kind,
		   struct diag_list *dl)
{
	json_t *root = load_root(file, text, len, NULL, 0, dl);
	if (!root)
		return -1;
	const json_t *k = json_object_get(root, "kind");
	int ret = 0;
	*kind = CONFIG_ENVIRONMENT;
	if (k && json_is_string(k) && !strcmp(json_string_value(k), "accountBaseline")) {
		*kind = CONFIG_BASELINE;
	} else if (k) {
		struct ctx c = {.file = file, .text = text, .len = len, .dl = dl};
		struct diag *d = error_at(&c, "kind", "'kind' must be \"accountBaseline\"");
		diag_set_hint(d, "leave 'kind' out for an environment's configuration");
		jio_posmap_free(c.pos);
		ret = -1;
	}
	json_decref(root);
	return ret;
}

int baseline_config_parse(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct baseline_config *cfg, struct diag_list *dl)
{
	/*
	 * --set applies over every configuration read (--env all): an
	 * environment's key is not the baseline's to take, and is left out
	 */
	const char **mine = xcalloc(set_nr ? set_nr : 1, sizeof(*mine));
	size_t mine_nr = 0;
	for (size_t i = 0; i < set_nr; i++) {
		size_t klen = strcspn(sets[i], "=.");
		bool env_key = klen == 5 && !strncmp(sets[i], "usage", 5);
		for (size_t k = 0; k < NKEYS && !env_key; k++)
			env_key = strlen(keys[k].name) == klen &&
				  !strncmp(keys[k].name, sets[i], klen);
		for (size_t k = 0; k < NBASELINE && env_key; k++)
			env_key = !(strlen(baseline_keys[k].name) == klen &&
				    !strncmp(baseline_keys[k].name, sets[i], klen));
		if (!env_key)
			mine[mine_nr++] = sets[i];
	}
	struct ctx c = {
		.file = file, .text = text, .len = len, .dl = dl, .sets = mine, .set_nr = mine_nr};

	memset(cfg, 0, sizeof(*cfg));
	json_t *root = load_root(file, text, len, mine, mine_nr, dl);
	if (!root) {
		free(mine);
		return -1;
	}
	cfg->file = xstrdup(file);
	load_object(&c, root, baseline_keys, NBASELINE, cfg, NULL);
	if (!c.errors)
		check_retention(&c, cfg->log_retention_days);
	jio_posmap_free(c.pos);
	json_decref(root);
	free(mine);
	if (c.errors) {
		baseline_config_release(cfg);
		return -1;
	}
	/* CloudFormation stack names: [A-Za-z][-A-Za-z0-9]*, which both parts keep */
	cfg->stack_name = xstrfmt("SolemateBaseline-%s-%s", cfg->account_id, cfg->region);
	return 0;
}

void baseline_config_release(struct baseline_config *cfg)
{
	release_strings(baseline_keys, NBASELINE, cfg);
	free(cfg->file);
	free(cfg->stack_name);
	memset(cfg, 0, sizeof(*cfg));
}

json_t *baseline_config_json_schema(void)
{
	json_t *required = json_array();
	json_t *props = schema_props(baseline_keys, NBASELINE, required);
	json_object_set_new(props, "$schema", json_pack("{ss}", "type", "string"));
	return schema_document("https://solemate.dev/baseline.schema.json",
			       "solemate account baseline configuration", props, required);
}

/* ---- deployable? ---- */

/* ACM certificate IDs are UUIDs (ACM API, CertificateArn / RequestCertificate) */
static bool acm_arn_is_real(const char *arn)
{
	const char *id = strstr(arn, ":certificate/");
	if (!id)
		return false;
	id += strlen(":certificate/");
	static const int groups[] = {8, 4, 4, 4, 12};
	for (size_t g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, id++)
			if (!isdigit((unsigned char)*id) && !(*id >= 'a' && *id <= 'f'))
				return false;
		if (*id != (g < 4 ? '-' : '\0'))
			return false;
		id++;
	}
	return true;
}

static void placeholder_error(const struct env_config *cfg, const char *key, const char *arn,
			      const char *region, struct diag_list *dl)
{
	int line = 0, col = 0;
	size_t len;
	struct diag_list quiet = DIAG_LIST_INIT;
	char *text = fs_read_file(cfg->file, &len, &quiet);
	if (text) {
		struct jio_posmap *pm = jio_posmap_build(text, len);
		jio_posmap_lookup(pm, key, &line, &col);
		jio_posmap_free(pm);
	}
	free(text);
	diag_list_release(&quiet);
	struct diag *d = diag_add(dl, DIAG_ERROR, cfg->file, line, col, key,
				  "'%s' is not the ARN of a certificate ACM issued (its ID is not "
				  "a UUID): a placeholder cannot reach CloudFormation",
				  arn);
	diag_set_hint(d,
		      "request or import the certificate in %s (aws acm request-certificate "
		      "--region %s --domain-name %s --validation-method DNS) and put its ARN "
		      "here, or set hostedZoneId to have DNS-validated certificates created",
		      region, region, cfg->domain_name);
}

int env_config_check_deployable(const struct env_config *cfg, struct diag_list *dl)
{
	int errors = 0;
	if (cfg->hosted_zone_id) /* the certificates are created and validated through it */
		return 0;
	if (cfg->certificate_arn && !acm_arn_is_real(cfg->certificate_arn)) {
		placeholder_error(cfg, "certificateArn", cfg->certificate_arn, "us-east-1", dl);
		errors++;
	}
	if (cfg->alb_certificate_arn && !acm_arn_is_real(cfg->alb_certificate_arn)) {
		placeholder_error(cfg, "albCertificateArn", cfg->alb_certificate_arn, cfg->region,
				  dl);
		errors++;
	}
	return errors ? -1 : 0;
}
