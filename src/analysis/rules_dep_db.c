/*
 * Deployability rules (SM-DEP-092..094): what RDS checks of a DB instance or
 * cluster against what it names: the parameter group's family against the
 * engine and version, the backup window against the maintenance window, and
 * the password a secret generates against the engine's rules.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_pg_family = DEP_RULE(
	"092", SM_SEV_ERROR, "DB parameter group of another engine or major version",
	"A DB parameter group belongs to one family (postgres16, mysql8.0, aurora-postgresql15, "
	"oracle-ee-19, sqlserver-se-15.0) and applies only to an instance or cluster of that "
	"engine and version: CreateDBInstance and CreateDBCluster answer "
	"InvalidParameterCombination "
	"('The parameter group ... with DBParameterGroupFamily postgres15 cannot be used for this "
	"instance. Please use a Parameter Group with DBParameterGroupFamily postgres16').",
	"Give the parameter group the Family of the engine and major version the instance runs, "
	"and replace it with a new group when the major version changes.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/parameter-groups-overview.html");
static const struct sm_rule_meta dep_windows = DEP_RULE(
	"093", SM_SEV_ERROR, "RDS backup or maintenance window RDS refuses",
	"The daily PreferredBackupWindow (hh24:mi-hh24:mi, UTC) and the weekly "
	"PreferredMaintenanceWindow (ddd:hh24:mi-ddd:hh24:mi) must each last at least 30 minutes "
	"and must not overlap: CreateDBInstance and CreateDBCluster refuse them otherwise "
	"(InvalidParameterValue / InvalidParameterCombination).",
	"Give each window 30 minutes or more, and put the backup window outside the maintenance "
	"window on every day of the week (for example backup 03:00-04:00, maintenance "
	"sun:04:30-sun:05:30).",
	"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html");
static const struct sm_rule_meta dep_password = DEP_RULE(
	"094", SM_SEV_ERROR, "Master password a secret generates that RDS refuses",
	"RDS takes a master password of printable ASCII without '/', '\"' and '@' (for Oracle also "
	"without '&' and \"'\"), of 8-128 characters for PostgreSQL and SQL Server, 8-41 for "
	"MySQL, "
	"MariaDB and DB clusters, 8-30 for Oracle. A secret's GenerateSecretString draws from "
	"every "
	"printable character unless told otherwise, and makes 32 characters by default: the "
	"instance fails at CREATE whenever the draw holds a refused character "
	"(InvalidParameterValue: 'The parameter MasterUserPassword is not a valid password'), or "
	"always when the length is out of range.",
	"Set ExcludeCharacters to at least '/@\"' (and \"&'\" for Oracle), or ExcludePunctuation "
	"true, and a PasswordLength the engine takes; or let RDS manage the password "
	"(ManageMasterUserPassword).",
	"https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html");

/* The instance's or cluster's engine and version, from its source or cluster if not its own. */
static void engine_of(struct check_ctx *c, const json_t *p, const char **engine,
		      const char **version)
{
	*engine = jstr(json_object_get(p, "Engine"));
	*version = jstr(json_object_get(p, "EngineVersion"));
	static const char *const from[] = {"SourceDBInstanceIdentifier", "DBClusterIdentifier"};
	for (size_t k = 0; k < 2 && (!*engine || !*version); k++) {
		const json_t *src = resource_at(c, json_object_get(p, from[k]), NULL, NULL);
		const json_t *sp = json_object_get(src, "Properties");
		if (!*engine)
			*engine = jstr(json_object_get(sp, "Engine"));
		if (!*version)
			*version = jstr(json_object_get(sp, "EngineVersion"));
	}
}

/* ---- SM-DEP-092: parameter group family ---- */

/* Do the numbers of `fam` ("16", "8.0", "15.0") begin `version` ("16.11", "15.00.4316")? */
static bool family_fits(const char *fam, const char *version)
{
	while (*fam) {
		char *fe, *ve;
		if (!isdigit((unsigned char)*fam) || !isdigit((unsigned char)*version))
			return false;
		long a = strtol(fam, &fe, 10), b = strtol(version, &ve, 10);
		if (a != b)
			return false;
		if (!*fe)
			return true;
		if (*fe != '.' || *ve != '.')
			return false;
		fam = fe + 1;
		version = ve + 1;
	}
	return true;
}

static void family(struct check_ctx *c, const char *id, const char *prop, const json_t *group,
		   const char *engine, const char *version)
{
	const char *gid;
	const json_t *pg = resource_at(c, group, NULL, &gid);
	const char *fam = jstr(jget(pg, "Properties.Family"));
	if (!fam || !engine)
		return;
	size_t n = strlen(engine);
	const char *rest = !strncasecmp(fam, engine, n) ? fam + n + (fam[n] == '-') : NULL;
	bool major_only = rest && version && !strchr(rest, '.') && !strchr(version, '.');
	if (rest && (!version || major_only || family_fits(rest, version)))
		return; /* an unknown version: any family of the engine may fit */
	check_report(c, &dep_pg_family, id, prop,
		     "'%s' runs %s %s, and its parameter group '%s' is of family %s", id, engine,
		     version ? version : "(the default version)", gid, fam);
}

/* ---- SM-DEP-093: windows ---- */

/* "hh:mi" at s into minutes of the day; -1 when not one. */
static int hhmi(const char *s)
{
	if (strlen(s) < 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* "ddd:hh:mi" into minutes of the week (monday 0); -1 when not one. */
static int week_minute(const char *s)
{
	static const char days[] = "montuewedthufrisatsun";
	for (int d = 0; d < 7; d++)
		if (!strncasecmp(s, days + 3 * d, 3) && s[3] == ':') {
			int m = hhmi(s + 4);
			return m < 0 ? -1 : d * 1440 + m;
		}
	return -1;
}

#define WEEK (7 * 1440)

static void windows(struct check_ctx *c, const char *id, const json_t *p)
{
	const char *bw = jstr(json_object_get(p, "PreferredBackupWindow"));
	const char *mw = jstr(json_object_get(p, "PreferredMaintenanceWindow"));
	int bs = bw && strlen(bw) == 11 && bw[5] == '-' ? hhmi(bw) : -1;
	int be = bs >= 0 ? hhmi(bw + 6) : -1;
	const char *dash = mw ? strchr(mw, '-') : NULL;
	int ms = dash && dash - mw == 9 ? week_minute(mw) : -1;
	int me = ms >= 0 ? week_minute(dash + 1) : -1;
	int blen = be >= 0 ? (be - bs + 1440) % 1440 : -1;
	int mlen = me >= 0 ? (me - ms + WEEK) % WEEK : -1;
	if (blen >= 0 && blen < 30)
		check_report(c, &dep_windows, id, "PreferredBackupWindow",
			     "'%s' has a backup window of %d minutes (%s)", id, blen, bw);
	if (mlen >= 0 && mlen < 30)
		check_report(c, &dep_windows, id, "PreferredMaintenanceWindow",
			     "'%s' has a maintenance window of %d minutes (%s)", id, mlen, mw);
	if (blen <= 0 || mlen <= 0)
		return;
	/* the backup window recurs every day: does one day's overlap the weekly window? */
	for (int d = 0; d < 7; d++) {
		int start = d * 1440 + bs;
		int into = (start - ms + WEEK) % WEEK, back = (ms - start + WEEK) % WEEK;
		if (into < mlen || back < blen) {
			check_report(c, &dep_windows, id, "PreferredBackupWindow",
				     "'%s' has backup window %s inside or across its maintenance "
				     "window %s",
				     id, bw, mw);
			return;
		}
	}
}

/* ---- SM-DEP-094: generated master passwords ---- */

/* The secret a {{resolve:secretsmanager:...}} value names through a reference, or NULL. */
static const json_t *secret_in(struct check_ctx *c, const json_t *v, const char **sid)
{
	const json_t *r = resource_at(c, v, NULL, sid);
	if (r)
		return strcmp(res_type(r), "AWS::SecretsManager::Secret") ? NULL : r;
	const char *sub = jstr(json_object_get(v, "Fn::Sub"));
	if (!sub)
		sub = jstr(json_array_get(json_object_get(v, "Fn::Sub"), 0));
	for (const char *s = sub ? strstr(sub, "${") : NULL; s; s = strstr(s + 2, "${")) {
		char name[256];
		size_t n = strcspn(s + 2, "}.");
		if (n >= sizeof(name))
			continue;
		memcpy(name, s + 2, n);
		name[n] = '\0';
		const json_t *x = json_object_get(c->resources, name);
		if (x && !strcmp(res_type(x), "AWS::SecretsManager::Secret")) {
			*sid = json_object_iter_key(
				json_object_iter_at((json_t *)c->resources, name));
			return x;
		}
	}
	size_t i;
	json_t *part;
	json_array_foreach (json_array_get(json_object_get(v, "Fn::Join"), 1), i, part) {
		const json_t *x = secret_in(c, part, sid);
		if (x)
			return x;
	}
	return NULL;
}

static bool excludes(const json_t *gen, const char *chars)
{
	if (jtrue(json_object_get(gen, "ExcludePunctuation")))
		return true;
	const char *ex = jstr(json_object_get(gen, "ExcludeCharacters")) ?: "";
	for (const char *ch = chars; *ch; ch++)
		if (!strchr(ex, *ch))
			return false;
	return true;
}

static void password(struct check_ctx *c, const char *id, const json_t *p, const char *engine,
		     bool cluster)
{
	const json_t *pw = json_object_get(p, "MasterUserPassword");
	const char *sid = NULL;
	const json_t *secret = pw ? secret_in(c, pw, &sid) : NULL;
	const json_t *gen = jget(secret, "Properties.GenerateSecretString");
	if (!gen || !engine)
		return;
	bool oracle =
		!strncasecmp(engine, "oracle", 6) || !strncasecmp(engine, "custom-oracle", 13);
	long max = 128;
	if (cluster || !strncasecmp(engine, "mysql", 5) || !strncasecmp(engine, "mariadb", 7) ||
	    !strncasecmp(engine, "aurora", 6))
		max = 41;
	else if (oracle)
		max = 30;
	else if (!strncasecmp(engine, "db2", 3))
		max = 255;
	const char *refused = oracle ? "/\"@&'" : "/\"@";
	long len = jnum(json_object_get(gen, "PasswordLength"), 32);
	if (!excludes(gen, refused))
		check_report(c, &dep_password, id, "MasterUserPassword",
			     "'%s' (%s) takes its master password from secret '%s', whose "
			     "GenerateSecretString may draw %s",
			     id, engine, sid, oracle ? "/ \" @ & or '" : "/ \" or @");
	if (json_object_get(gen, "PasswordLength") &&
	    !json_is_integer(json_object_get(gen, "PasswordLength")) && len == 32)
		return; /* a length from an expression */
	if (len < 8 || len > max)
		check_report(c, &dep_password, id, "MasterUserPassword",
			     "'%s' (%s) takes its master password from secret '%s', which "
			     "generates %ld characters (8-%ld taken)",
			     id, engine, sid, len, max);
}

static void db_instance(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *engine, *version;
	engine_of(c, p, &engine, &version);
	const json_t *group = json_object_get(p, "DBParameterGroupName");
	if (group)
		family(c, id, "DBParameterGroupName", group, engine, version);
	if (!json_object_get(p, "DBClusterIdentifier")) {
		windows(c, id, p);
		password(c, id, p, engine, false);
	}
	(void)r;
}

static void db_cluster(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *engine = jstr(json_object_get(p, "Engine"));
	const char *version = jstr(json_object_get(p, "EngineVersion"));
	const json_t *group = json_object_get(p, "DBClusterParameterGroupName");
	if (group)
		family(c, id, "DBClusterParameterGroupName", group, engine, version);
	windows(c, id, p);
	password(c, id, p, engine, true);
	(void)r;
}

const struct resource_rule check_rules_dep_db[] = {
	{&dep_pg_family, "AWS::RDS::DBInstance", db_instance},
	{&dep_windows, "-", NULL},
	{&dep_password, "-", NULL},
	{&dep_pg_family, "AWS::RDS::DBCluster", db_cluster},
	{NULL, NULL, NULL},
};
