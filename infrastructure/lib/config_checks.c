/* The semantic checks of configuration values (config_int.h). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/common.h"
#include "base/pg_versions.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "lib/config_int.h"

int cfg_check_cidr(struct cfg_ctx *c, const char *key, const char *v)
{
	uint32_t addr;
	int prefix;
	if (cidr_parse(v, &addr, &prefix) < 0) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an IPv4 CIDR block", v);
		diag_set_hint(d, "write it like 10.0.0.0/16");
		return -1;
	}
	if (prefix < 16 || prefix > 28) {
		struct diag *d = cfg_error_at(
			c, key, "VPC CIDR '%s' has prefix /%d; AWS allows /16 to /28", v, prefix);
		diag_set_hint(d, "use a /16 to /20 block");
		return -1;
	}
	unsigned mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
	if (addr & ~mask) {
		struct diag *d = cfg_error_at(c, key, "'%s' has host bits set", v);
		diag_set_hint(d, "the network address of that block is %u.%u.%u.%u/%d",
			      (addr & mask) >> 24, (addr & mask) >> 16 & 255,
			      (addr & mask) >> 8 & 255, addr & mask & 255, prefix);
		return -1;
	}
	return 0;
}

int cfg_check_domain(struct cfg_ctx *c, const char *key, const char *v)
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
		struct diag *d = cfg_error_at(c, key, "'%s' is not a domain name", v);
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

int cfg_check_region(struct cfg_ctx *c, const char *key, const char *v)
{
	if (!is_region(v)) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an AWS region", v);
		diag_set_hint(d, "for example us-east-1, eu-west-1, ap-southeast-2");
		return -1;
	}
	return 0;
}

int cfg_check_account(struct cfg_ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n == 12;
	for (size_t i = 0; ok && i < n; i++)
		ok = isdigit((unsigned char)v[i]);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an AWS account ID", v);
		diag_set_hint(d, "an account ID is 12 digits, written as a string");
		return -1;
	}
	return 0;
}

/*
 * The ARN of a global resource, "arn:PARTITION:SERVICE::ACCOUNT:KIND/NAME"
 * (no region), whose NAME is made of alphanumerics and `extra`.
 */
static bool global_arn_ok(const char *v, const char *service, const char *kind, const char *extra)
{
	static const char *const partitions[] = {"arn:aws:", "arn:aws-cn:", "arn:aws-us-gov:"};
	const char *p = NULL;
	for (size_t i = 0; i < 3 && !p; i++)
		if (!strncmp(v, partitions[i], strlen(partitions[i])))
			p = v + strlen(partitions[i]);
	size_t sl = strlen(service), kl = strlen(kind);
	bool ok = p && !strncmp(p, service, sl) && !strncmp(p + sl, "::", 2);
	p = ok ? p + sl + 2 : NULL;
	for (int i = 0; ok && i < 12; i++)
		ok = isdigit((unsigned char)p[i]);
	ok = ok && p[12] == ':' && !strncmp(p + 13, kind, kl) && p[13 + kl] == '/' &&
	     p[14 + kl] != '\0';
	for (const char *q = ok ? p + 14 + kl : v; ok && *q; q++)
		ok = isalnum((unsigned char)*q) || strchr(extra, *q);
	return ok;
}

/* arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME (IAM's ARN format) */
int cfg_check_role_arn(struct cfg_ctx *c, const char *key, const char *v)
{
	if (!global_arn_ok(v, "iam", "role", "+=,.@_-/")) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an IAM role ARN", v);
		diag_set_hint(d, "arn:aws:iam::ACCOUNT:role/NAME");
		return -1;
	}
	return 0;
}

/* arn:aws:ce::ACCOUNT:anomalymonitor/ID (Cost Explorer API, AnomalyMonitor.MonitorArn) */
int cfg_check_anomaly_monitor_arn(struct cfg_ctx *c, const char *key, const char *v)
{
	if (!global_arn_ok(v, "ce", "anomalymonitor", "-")) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an anomaly monitor ARN", v);
		diag_set_hint(d, "arn:aws:ce::ACCOUNT:anomalymonitor/ID (aws ce "
				 "get-anomaly-monitors lists them)");
		return -1;
	}
	return 0;
}

/* arn:aws:acm:REGION:ACCOUNT:certificate/ID */
int cfg_check_acm_arn(struct cfg_ctx *c, const char *key, const char *v)
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
		struct diag *d = cfg_error_at(c, key, "'%s' is not an ACM certificate ARN", v);
		diag_set_hint(d, "arn:aws:acm:us-east-1:123456789012:certificate/<id>");
		return -1;
	}
	if (!strcmp(key, "certificateArn") && strcmp(region, "us-east-1")) {
		struct diag *d = cfg_error_at(
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

int cfg_check_db_class(struct cfg_ctx *c, const char *key, const char *v)
{
	const char *cls = !strncmp(v, "db.", 3) ? v + 3 : v;
	if (!rds_class_known(cls)) {
		struct diag *d =
			cfg_error_at(c, key, "'%s' is not an RDS for PostgreSQL instance class", v);
		diag_set_hint(d, "for example t3.micro, t4g.small, m6g.large, r6g.xlarge");
		return -1;
	}
	return 0;
}

int cfg_check_engine_version(struct cfg_ctx *c, const char *key, const char *v)
{
	int major, minor;
	if (pg_version_parse(v, &major, &minor) < 0) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a PostgreSQL version", v);
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
void cfg_check_engine_support(struct cfg_ctx *c, struct env_config *cfg)
{
	static const char key[] = "databaseEngineVersion";
	char today[11];
	const struct pg_versions *pv = pg_versions_shared(c->dl);
	if (!pv) {
		c->errors++;
		return;
	}
	pg_versions_today(today);
	if (!cfg->database_engine_version)
		cfg->database_engine_version = xstrdup(pg_versions_default(pv));
	const char *v = cfg->database_engine_version;
	struct pg_verdict verdict;
	pg_versions_check(pv, v, today, &verdict);
	struct diag *d = NULL;
	switch (verdict.support) {
	case PG_SUPPORTED:
	case PG_MALFORMED: /* cfg_check_engine_version refused it already */
		break;
	case PG_MAJOR_ENDED:
		d = cfg_error_at(c, key, "RDS standard support for PostgreSQL %d ended on %s",
				 verdict.major, verdict.ended);
		break;
	case PG_MINOR_ENDED:
		if (verdict.ended && strcmp(today, verdict.ended) >= 0)
			d = cfg_error_at(c, key,
					 "RDS standard support for PostgreSQL %s ended on %s%s%s%s",
					 v, verdict.ended,
					 verdict.no_new_from ? " (no new instances since " : "",
					 verdict.no_new_from ? verdict.no_new_from : "",
					 verdict.no_new_from ? ")" : "");
		else
			d = cfg_error_at(
				c, key,
				"RDS creates no new instances on PostgreSQL %s since %s (its "
				"standard support ends on %s)",
				v, verdict.no_new_from, verdict.ended ? verdict.ended : "?");
		break;
	case PG_UNKNOWN_MAJOR:
	case PG_UNKNOWN_MINOR:
		d = cfg_error_at(c, key,
				 "PostgreSQL %s is not a version %s (dated %s) lists as supported",
				 v, pv->path, pg_versions_date(pv));
		break;
	}
	if (d) {
		char *same = pg_versions_supported(pv, today, verdict.major);
		char *all = pg_versions_supported(pv, today, 0);
		if (*same)
			diag_set_hint(d, "use %s (same major), or one of: %s (%s, dated %s)", same,
				      all, pv->path, pg_versions_date(pv));
		else
			diag_set_hint(d, "use one of: %s (%s, dated %s)", all, pv->path,
				      pg_versions_date(pv));
		free(same);
		free(all);
	}
}

int cfg_check_email(struct cfg_ctx *c, const char *key, const char *v)
{
	const char *at = strchr(v, '@');
	bool ok = at && at != v && !strchr(at + 1, '@') && strlen(v) <= 254;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("@.-_+", *p);
	if (ok) {
		struct cfg_ctx quiet = *c;
		struct diag_list tmp = DIAG_LIST_INIT;
		quiet.dl = &tmp;
		ok = cfg_check_domain(&quiet, key, at + 1) == 0;
		diag_list_release(&tmp);
		/* the quiet copy may have built the position map: keep it, or free it */
		if (!c->pos)
			c->pos = quiet.pos;
		else if (quiet.pos != c->pos)
			jio_posmap_free(quiet.pos);
	}
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an e-mail address", v);
		diag_set_hint(d, "ops@example.com");
		return -1;
	}
	return 0;
}

/* Tag values: the characters AWS accepts in tags, so nothing else leaks in. */
int cfg_check_tag_text(struct cfg_ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 256;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr(" _.:/=+-@", *p);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a valid AWS tag value", v);
		diag_set_hint(d, "1 to 256 of: letters, digits, spaces and _ . : / = + - @");
		return -1;
	}
	return 0;
}

/* "staging" -> "SolemateStaging", "prod-eu" -> "SolemateProdEu": a hyphen upper-cases what follows
 */
char *cfg_stack_prefix_of(const char *environment)
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

int cfg_check_environment(struct cfg_ctx *c, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 20 && islower((unsigned char)v[0]);
	for (const char *p = v; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-';
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a valid environment name", v);
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
		char *prefix = cfg_stack_prefix_of(v);
		struct diag *d =
			cfg_error_at(c, key,
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

int cfg_check_image(struct cfg_ctx *c, const char *key, const char *v)
{
	bool ok = *v && strlen(v) <= 255;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("./:_-@", *p);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a container image reference", v);
		diag_set_hint(d, "REPOSITORY[:TAG] or REPOSITORY@sha256:DIGEST");
		return -1;
	}
	return 0;
}

int cfg_check_path(struct cfg_ctx *c, const char *key, const char *v)
{
	bool ok = v[0] == '/' && strlen(v) <= 1024;
	for (const char *p = v; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("/-._~%!$&'()*+,;=:@?", *p);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an HTTP path", v);
		diag_set_hint(d, "start with '/', for example /health");
		return -1;
	}
	return 0;
}

int cfg_check_container_user(struct cfg_ctx *c, const char *key, const char *v)
{
	const char *colon = strchr(v, ':');
	size_t uid_len = colon ? (size_t)(colon - v) : strlen(v);
	bool ok = uid_len >= 1 && uid_len <= 10 && strlen(v) <= 21 && (!colon || colon[1]);
	for (const char *p = v; ok && *p; p++)
		ok = isdigit((unsigned char)*p) || (p == colon);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a numeric UID[:GID]", v);
		diag_set_hint(d, "for example 101:101 (the nginx user of nginx-unprivileged)");
		return -1;
	}
	if (strtol(v, NULL, 10) == 0) {
		struct diag *d = cfg_error_at(c, key, "'%s' runs the application as root", v);
		diag_set_hint(d, "use the non-root user the image is built for, e.g. 101:101");
		return -1;
	}
	return 0;
}

int cfg_check_health_command(struct cfg_ctx *c, const char *key, const char *v)
{
	bool ok = *v && strlen(v) <= 1024;
	for (const char *p = v; ok && *p; p++)
		ok = isprint((unsigned char)*p);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a one-line shell command", v);
		diag_set_hint(d, "1 to 1024 printable characters, for example "
				 "curl -fsS -o /dev/null http://localhost:8080/ || exit 1");
		return -1;
	}
	return 0;
}

int cfg_check_hosted_zone(struct cfg_ctx *c, const char *key, const char *v)
{
	bool ok = v[0] == 'Z' && strlen(v) <= 32;
	for (const char *p = v; ok && *p; p++)
		ok = isupper((unsigned char)*p) || isdigit((unsigned char)*p);
	if (!ok) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not a Route 53 hosted zone ID", v);
		diag_set_hint(d, "like Z0123456789ABCDEFGHIJ");
		return -1;
	}
	return 0;
}

int cfg_check_ec2_type(struct cfg_ctx *c, const char *key, const char *v)
{
	const char *dot = strchr(v, '.');
	bool ok = dot && dot != v && dot[1];
	for (const char *p = v; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' ||
		     *p == '-';
	if (!ok || strncmp(v, "db.", 3) == 0) {
		struct diag *d = cfg_error_at(c, key, "'%s' is not an EC2 instance type", v);
		diag_set_hint(d, "for example t3.small, m6i.large");
		return -1;
	}
	return 0;
}

/* The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
void cfg_check_retention(struct cfg_ctx *c, int days)
{
	static const int retention[] = {1,    3,    5,	  7,	14,   30,  60,	90,
					120,  150,  180,  365,	400,  545, 731, 1096,
					1827, 2192, 2557, 2922, 3288, 3653};
	bool ret_ok = false;
	for (size_t i = 0; i < sizeof(retention) / sizeof(retention[0]); i++)
		ret_ok |= retention[i] == days;
	if (!ret_ok) {
		struct diag *d = cfg_error_at(c, "logRetentionDays",
					      "CloudWatch Logs has no retention of %d days", days);
		diag_set_hint(d, "one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, "
				 "545, 731, 1096, 1827, ..., 3653");
	}
}
