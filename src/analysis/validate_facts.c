/*
 * validate: facts about particular services that CloudFormation or the
 * service refuses at deploy, beyond the registry schemas:
 * - DynamoDB: AttributeDefinitions name exactly the attributes of the table's
 *   and its indexes' key schemas
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html#cfn-dynamodb-table-attributedefinitions);
 * - Lambda: a runtime past its "block function create" date cannot create a
 *   function, one past its deprecation date is a warning
 *   (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html; dates
 *   as of the table below);
 * - Route 53: A records hold IPv4 addresses, AAAA records IPv6 addresses, a
 *   CNAME one value, TXT strings of at most 255 characters between quotes, MX
 *   "priority host"
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html);
 * - Backup: a recovery point moved to cold storage stays there at least 90
 *   days (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html);
 * - EC2 security group rules: for TCP and UDP, FromPort and ToPort are ports
 *   0-65535 with FromPort <= ToPort
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-security-group-ingress.html);
 * - CloudFront alternate domain names: lowercase DNS names, a wildcard only
 *   as the whole first label
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements);
 * - CodeBuild: a project's ServiceRole given by name (a Ref to an
 *   AWS::IAM::Role) is looked up as arn:...:role/NAME, without the role's
 *   Path, so a role with a Path other than "/" is not found: use its Arn
 *   (https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html#CodeBuild-CreateProject-request-serviceRole,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns);
 * - ElastiCache: a replication group whose parameter group sets
 *   cluster-enabled "yes" needs AutomaticFailoverEnabled true, and automatic
 *   failover needs at least two cache clusters (NumCacheClusters, default 1)
 *   unless the group is laid out in node groups (NumNodeGroups,
 *   NodeGroupConfiguration)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html#cfn-elasticache-replicationgroup-automaticfailoverenabled,
 *   #cfn-elasticache-replicationgroup-numcacheclusters); checked in every
 *   combination of conditions the template can take (cfn_eval.h);
 * - RDS: a DB instance's Engine is one RDS creates (CreateDBInstance's valid
 *   values, compared without case as RDS does; "aurora", the retired Aurora
 *   MySQL 1 name, let through for older templates)
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
 */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analysis/cfn_eval.h"
#include "base/cidr.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* ---- DynamoDB ---- */

static void key_names(const json_t *keys, json_t *out)
{
	size_t i;
	json_t *k;
	json_array_foreach (keys, i, k) {
		const char *n = json_string_value(json_object_get(k, "AttributeName"));
		if (n)
			json_object_set_new(out, n, json_true());
	}
}

static bool literal_list(const json_t *v)
{
	size_t i;
	json_t *x;
	if (!json_is_array(v))
		return false;
	json_array_foreach (v, i, x) {
		if (vd_is_intrinsic(x))
			return false;
	}
	return true;
}

static void check_dynamodb(struct vctx *c, const json_t *props, const char *path)
{
	const json_t *defs = json_object_get(props, "AttributeDefinitions");
	const char *idx_props[] = {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"};
	if (!literal_list(defs) || !literal_list(json_object_get(props, "KeySchema")))
		return;
	json_t *used = json_object();
	key_names(json_object_get(props, "KeySchema"), used);
	for (size_t i = 0; i < 2; i++) {
		const json_t *idx = json_object_get(props, idx_props[i]);
		size_t j;
		json_t *x;
		if (idx && !literal_list(idx))
			goto out;
		json_array_foreach (idx, j, x) {
			if (!literal_list(json_object_get(x, "KeySchema")))
				goto out;
			key_names(json_object_get(x, "KeySchema"), used);
		}
	}
	size_t i;
	json_t *d;
	json_t *defined = json_object();
	json_array_foreach (defs, i, d) {
		const char *n = json_string_value(json_object_get(d, "AttributeName"));
		if (!n)
			continue;
		json_object_set_new(defined, n, json_true());
		if (!json_object_get(used, n))
			vd_report(c, DIAG_ERROR, path,
				  "attribute '%s' is defined but in no key schema: "
				  "AttributeDefinitions holds only key attributes",
				  n);
	}
	const char *k;
	json_t *x;
	json_object_foreach (used, k, x) {
		if (!json_object_get(defined, k))
			vd_report(c, DIAG_ERROR, path,
				  "key attribute '%s' is not in AttributeDefinitions", k);
	}
	json_decref(defined);
out:
	json_decref(used);
}

/* ---- Lambda runtimes ---- */

static const struct runtime {
	const char *name, *deprecated, *create_block, *successor;
} runtimes[] = {
	{"dotnet6", "2024-12-20", "2026-06-01", "dotnet9"},
	{"dotnet8", "2026-11-10", "2026-12-10", "dotnet9"},
	{"dotnetcore1.0", "2019-06-27", "2019-06-30", "dotnet9"},
	{"dotnetcore2.0", "2019-05-30", "2019-04-30", "dotnet9"},
	{"dotnetcore2.1", "2022-01-05", "2022-01-05", "dotnet9"},
	{"dotnetcore3.1", "2023-04-03", "2023-04-03", "dotnet9"},
	{"go1.x", "2024-01-08", "2024-02-08", "provided.al2023"},
	{"java11", "2026-06-30", "2026-07-31", "java25"},
	{"java17", "2026-06-30", "2026-07-31", "java25"},
	{"java21", "2029-06-30", "2029-07-31", "java25"},
	{"java25", "2029-06-30", "2029-07-31", ""},
	{"java8", "2024-01-08", "2024-02-08", "java25"},
	{"java8.al2", "2026-06-30", "2026-07-31", "java25"},
	{"nodejs", "2016-08-30", "2016-09-30", "nodejs24.x"},
	{"nodejs10.x", "2021-07-30", "2021-07-30", "nodejs24.x"},
	{"nodejs12.x", "2023-03-31", "2023-03-31", "nodejs24.x"},
	{"nodejs14.x", "2023-12-04", "2024-01-09", "nodejs24.x"},
	{"nodejs16.x", "2024-06-12", "2026-06-01", "nodejs24.x"},
	{"nodejs18.x", "2025-09-01", "2026-06-01", "nodejs24.x"},
	{"nodejs20.x", "2026-04-30", "2026-06-01", "nodejs24.x"},
	{"nodejs22.x", "2027-04-30", "2027-06-01", "nodejs24.x"},
	{"nodejs24.x", "2028-04-30", "2028-06-01", ""},
	{"nodejs4.3", "2020-03-05", "2020-02-03", "nodejs24.x"},
	{"nodejs4.3-edge", "2020-03-05", "2019-03-31", "nodejs24.x"},
	{"nodejs6.10", "2019-08-12", "2019-07-12", "nodejs24.x"},
	{"nodejs8.10", "2020-03-06", "2020-02-04", "nodejs24.x"},
	{"provided", "2024-01-08", "2024-02-08", "provided.al2023"},
	{"provided.al2", "2026-06-30", "2026-07-31", "provided.al2023"},
	{"provided.al2023", "2029-06-30", "2029-07-31", ""},
	{"python2.7", "2021-07-15", "2021-07-15", "python3.14"},
	{"python3.10", "2026-06-30", "2026-07-31", "python3.14"},
	{"python3.11", "2026-06-30", "2026-07-31", "python3.14"},
	{"python3.12", "2028-10-31", "2028-11-30", "python3.14"},
	{"python3.13", "2029-06-30", "2029-07-31", "python3.14"},
	{"python3.14", "2029-06-30", "2029-07-31", ""},
	{"python3.6", "2022-07-18", "2022-07-18", "python3.14"},
	{"python3.7", "2023-12-04", "2024-01-09", "python3.14"},
	{"python3.8", "2024-10-14", "2026-06-01", "python3.14"},
	{"python3.9", "2025-12-15", "2026-06-01", "python3.14"},
	{"ruby2.5", "2021-07-30", "2021-07-30", "ruby3.4"},
	{"ruby2.7", "2023-12-07", "2024-01-09", "ruby3.4"},
	{"ruby3.2", "2026-03-31", "2026-06-01", "ruby3.4"},
	{"ruby3.3", "2027-03-31", "2027-04-30", "ruby3.4"},
	{"ruby3.4", "2028-03-31", "2028-04-30", ""},
};

/*
 * The runtime `rt` of a function at `path` (its Properties); `from_globals`
 * when the SAM function takes it from Globals.Function: the finding is then
 * on the function's properties, which hold no Runtime.
 */
void vd_check_runtime(struct vctx *c, const char *rt, struct strbuf *path, bool from_globals)
{
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
		const struct runtime *r = &runtimes[i];
		if (strcmp(rt, r->name))
			continue;
		size_t base = path->len;
		const char *from = from_globals ? " (from Globals.Function)" : "";
		if (!from_globals)
			strbuf_addstr(path, ".Runtime");
		if (strcmp(today, r->create_block) >= 0) {
			struct diag *d =
				vd_report(c, DIAG_ERROR, path->buf,
					  "runtime '%s'%s is deprecated: Lambda creates no "
					  "function with it since %s",
					  rt, from, r->create_block);
			if (*r->successor)
				diag_set_hint(d, "use %s", r->successor);
		} else if (strcmp(today, r->deprecated) >= 0) {
			struct diag *d =
				vd_report(c, DIAG_WARNING, path->buf,
					  "runtime '%s'%s is deprecated since %s; creating "
					  "functions stops on %s",
					  rt, from, r->deprecated, r->create_block);
			if (*r->successor)
				diag_set_hint(d, "use %s", r->successor);
		}
		strbuf_setlen(path, base);
		return;
	}
}

/* ---- Route 53 ---- */

static bool valid_mx(const char *s)
{
	char *end;
	long prio = strtol(s, &end, 10);
	if (end == s || prio < 0 || prio > 65535 || *end != ' ')
		return false;
	while (*end == ' ')
		end++;
	return *end != '\0' && !strchr(end, ' ');
}

/* Each TXT string between quotes, at most 255 characters. */
static bool valid_txt(const char *s)
{
	const char *p = s;
	if (*p != '"')
		return false;
	while (*p) {
		if (*p != '"')
			return false;
		size_t n = 0;
		for (p++; *p && *p != '"'; p++, n++)
			if (*p == '\\' && p[1])
				p++;
		if (*p != '"' || n > 255)
			return false;
		p++;
		while (*p == ' ')
			p++;
	}
	return true;
}

static void check_record_set(struct vctx *c, const json_t *rs, struct strbuf *path)
{
	const char *type = json_string_value(json_object_get(rs, "Type"));
	const json_t *recs = json_object_get(rs, "ResourceRecords");
	size_t base = path->len, i;
	json_t *r;
	if (!type || !json_is_array(recs))
		return;
	strbuf_addstr(path, ".ResourceRecords");
	if (!strcmp(type, "CNAME") && json_array_size(recs) > 1)
		vd_report(c, DIAG_ERROR, path->buf, "a CNAME record set holds one value, not %zu",
			  json_array_size(recs));
	size_t lbase = path->len;
	json_array_foreach (recs, i, r) {
		const char *v = json_string_value(r);
		uint32_t v4;
		uint8_t v6[16];
		const char *want = NULL;
		if (!v)
			continue;
		if (!strcmp(type, "A") && ipv4_parse(v, &v4) < 0)
			want = "an IPv4 address";
		else if (!strcmp(type, "AAAA") && ipv6_parse(v, v6) < 0)
			want = "an IPv6 address";
		else if (!strcmp(type, "MX") && !valid_mx(v))
			want = "\"priority host\" (10 mail.example.com)";
		else if (!strcmp(type, "TXT") && !valid_txt(v))
			want = "strings in double quotes of at most 255 characters each";
		if (want) {
			vd_path_index(path, i);
			vd_report(c, DIAG_ERROR, path->buf, "'%.60s' in a %s record: expected %s",
				  v, type, want);
			strbuf_setlen(path, lbase);
		}
	}
	strbuf_setlen(path, base);
}

/* ---- Backup ---- */

static void check_backup_plan(struct vctx *c, const json_t *props, struct strbuf *path)
{
	const json_t *rules =
		json_object_get(json_object_get(props, "BackupPlan"), "BackupPlanRule");
	size_t i, base = path->len;
	json_t *r;
	json_array_foreach (rules, i, r) {
		const json_t *lc = json_object_get(r, "Lifecycle");
		double del, cold;
		if (vd_number(json_object_get(lc, "DeleteAfterDays"), &del) &&
		    vd_number(json_object_get(lc, "MoveToColdStorageAfterDays"), &cold) &&
		    del < cold + 90) {
			strbuf_addf(path,
				    ".BackupPlan.BackupPlanRule[%zu].Lifecycle.DeleteAfterDays", i);
			vd_report(c, DIAG_ERROR, path->buf,
				  "DeleteAfterDays %g must be at least 90 days after "
				  "MoveToColdStorageAfterDays %g",
				  del, cold);
			strbuf_setlen(path, base);
		}
	}
}

/* ---- security group port ranges ---- */

static void check_port_range(struct vctx *c, const json_t *rule, const char *path)
{
	const char *proto = json_string_value(json_object_get(rule, "IpProtocol"));
	double from, to;
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "6") &&
		       strcmp(proto, "17")))
		return;
	if (!vd_number(json_object_get(rule, "FromPort"), &from) ||
	    !vd_number(json_object_get(rule, "ToPort"), &to))
		return;
	if (from < 0 || to > 65535 || from > to)
		vd_report(c, DIAG_ERROR, path,
			  "port range %g-%g: %s needs 0 <= FromPort <= ToPort <= 65535", from, to,
			  proto);
}

static void check_security_group(struct vctx *c, const char *type, const json_t *props,
				 struct strbuf *path)
{
	if (strcmp(type, "AWS::EC2::SecurityGroup")) {
		check_port_range(c, props, path->buf);
		return;
	}
	static const char *const lists[] = {"SecurityGroupIngress", "SecurityGroupEgress"};
	size_t base = path->len;
	for (size_t k = 0; k < 2; k++) {
		size_t i;
		json_t *r;
		json_array_foreach (json_object_get(props, lists[k]), i, r) {
			strbuf_addf(path, ".%s[%zu]", lists[k], i);
			check_port_range(c, r, path->buf);
			strbuf_setlen(path, base);
		}
	}
}

/* ---- CloudFront alternate domain names ---- */

static bool alias_ok(const char *s)
{
	size_t n = strlen(s), labels = 0;
	if (!n || n > 253)
		return false;
	const char *last = s;
	for (const char *p = s; *p;) {
		size_t l = strcspn(p, ".");
		bool wildcard = p == s && l == 1 && *p == '*';
		if (!l || l > 63 || (!wildcard && (p[0] == '-' || p[l - 1] == '-')))
			return false;
		for (size_t i = 0; i < l && !wildcard; i++)
			if (!islower((unsigned char)p[i]) && !isdigit((unsigned char)p[i]) &&
			    p[i] != '-')
				return false;
		last = p;
		labels++;
		p += l;
		if (*p == '.' && !*++p)
			return false; /* a final dot */
	}
	/* the last label (top-level domain) has two characters or more */
	return labels >= 2 && strcspn(last, ".") >= 2;
}

static void check_aliases(struct vctx *c, const json_t *props, struct strbuf *path)
{
	const json_t *aliases =
		json_object_get(json_object_get(props, "DistributionConfig"), "Aliases");
	size_t i, base = path->len;
	json_t *a;
	json_array_foreach (aliases, i, a) {
		const char *s = json_string_value(a);
		if (!s || strstr(s, "{{resolve:") || alias_ok(s))
			continue; /* a dynamic reference is resolved at deploy */
		strbuf_addf(path, ".DistributionConfig.Aliases[%zu]", i);
		struct diag *d =
			vd_report(c, DIAG_ERROR, path->buf,
				  "'%s' is not an alternate domain name CloudFront takes", s);
		diag_set_hint(d, "a lowercase DNS name (letters, digits, '-' inside labels), a "
				 "wildcard only as the first label: *.example.com");
		strbuf_setlen(path, base);
	}
}

/* ---- CodeBuild service role by name ---- */

static void check_codebuild_role(struct vctx *c, const json_t *props, struct strbuf *path)
{
	const char *role =
		json_string_value(json_object_get(json_object_get(props, "ServiceRole"), "Ref"));
	const json_t *res = role ? json_object_get(c->resources, role) : NULL;
	const char *rpath =
		json_string_value(json_object_get(json_object_get(res, "Properties"), "Path"));
	if (!rpath || !strcmp(rpath, "/") ||
	    strcmp(json_string_value(json_object_get(res, "Type")) ?: "", "AWS::IAM::Role"))
		return;
	size_t base = path->len;
	strbuf_addstr(path, ".ServiceRole");
	struct diag *d = vd_report(c, DIAG_ERROR, path->buf,
				   "Ref %s gives the role's name, which CodeBuild looks up without "
				   "its Path '%s': the role is not found",
				   role, rpath);
	diag_set_hint(d, "use !GetAtt %s.Arn", role);
	strbuf_setlen(path, base);
}

/* ---- RDS engines ---- */

static void check_rds_engine(struct vctx *c, const json_t *props, struct strbuf *path)
{
	static const char *const engines[] = {
		"aurora",
		"aurora-mysql",
		"aurora-postgresql",
		"custom-oracle-ee",
		"custom-oracle-ee-cdb",
		"custom-oracle-se2",
		"custom-oracle-se2-cdb",
		"custom-sqlserver-ee",
		"custom-sqlserver-se",
		"custom-sqlserver-web",
		"custom-sqlserver-dev",
		"db2-ae",
		"db2-se",
		"mariadb",
		"mysql",
		"oracle-ee",
		"oracle-ee-cdb",
		"oracle-se2",
		"oracle-se2-cdb",
		"postgres",
		"sqlserver-ee",
		"sqlserver-se",
		"sqlserver-ex",
		"sqlserver-web",
	};
	const char *e = json_string_value(json_object_get(props, "Engine"));
	if (!e || strstr(e, "{{resolve:"))
		return;
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (!strcasecmp(e, engines[i]))
			return;
	size_t base = path->len;
	strbuf_addstr(path, ".Engine");
	struct diag *d =
		vd_report(c, DIAG_ERROR, path->buf, "'%s' is not an engine RDS creates", e);
	diag_set_hint(d, "one of mysql, postgres, mariadb, aurora-mysql, aurora-postgresql, "
			 "oracle-*, sqlserver-*, db2-*, custom-*");
	strbuf_setlen(path, base);
}

void vd_check_facts(struct vctx *c, const char *type, const json_t *props, struct strbuf *path)
{
	if (!strcmp(type, "AWS::RDS::DBInstance"))
		check_rds_engine(c, props, path);
	else if (!strcmp(type, "AWS::CloudFront::Distribution"))
		check_aliases(c, props, path);
	else if (!strcmp(type, "AWS::CodeBuild::Project"))
		check_codebuild_role(c, props, path);
	else if (!strcmp(type, "AWS::EC2::SecurityGroup") ||
		 !strcmp(type, "AWS::EC2::SecurityGroupIngress") ||
		 !strcmp(type, "AWS::EC2::SecurityGroupEgress"))
		check_security_group(c, type, props, path);
	else if (!strcmp(type, "AWS::DynamoDB::Table") ||
		 !strcmp(type, "AWS::DynamoDB::GlobalTable"))
		check_dynamodb(c, props, path->buf);
	else if (!strcmp(type, "AWS::Lambda::Function") ||
		 !strcmp(type, "AWS::Serverless::Function")) {
		const char *rt = json_string_value(json_object_get(props, "Runtime"));
		if (rt)
			vd_check_runtime(c, rt, path, false);
	} else if (!strcmp(type, "AWS::Route53::RecordSet"))
		check_record_set(c, props, path);
	else if (!strcmp(type, "AWS::Route53::RecordSetGroup")) {
		size_t i, base = path->len;
		json_t *rs;
		json_array_foreach (json_object_get(props, "RecordSets"), i, rs) {
			strbuf_addf(path, ".RecordSets[%zu]", i);
			check_record_set(c, rs, path);
			strbuf_setlen(path, base);
		}
	} else if (!strcmp(type, "AWS::Backup::BackupPlan"))
		check_backup_plan(c, props, path);
}

/* ---- ElastiCache cluster mode ---- */

static bool has_replication_group(const json_t *resources)
{
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)resources, id, r) {
		if (!strcmp(json_string_value(json_object_get(r, "Type")) ?: "",
			    "AWS::ElastiCache::ReplicationGroup") &&
		    json_object_get(json_object_get(r, "Properties"), "CacheParameterGroupName"))
			return true;
	}
	return false;
}

static bool is_false(const json_t *v)
{
	return json_is_false(v) ||
	       (json_is_string(v) && !strcasecmp(json_string_value(v), "false"));
}

/* Report once per resource and property across the worlds. */
static void report_once(struct vctx *c, json_t *done, const char *id, const char *prop,
			const char *branch, const char *pg, const char *needs)
{
	/* an absent property: at the Properties that lack it */
	char *path = prop ? xstrfmt("Resources.%s.Properties.%s", id, prop)
			  : xstrfmt("Resources.%s.Properties", id);
	if (!json_object_get(done, path)) {
		json_object_set_new(done, path, json_true());
		struct diag *d =
			vd_report(c, DIAG_ERROR, path,
				  "parameter group %s enables cluster mode, %s", pg, needs);
		if (branch)
			diag_set_hint(d, "when %s", branch);
	}
	free(path);
}

static void check_cluster_mode(struct vctx *c, const struct cfn_world *w, json_t *done)
{
	const json_t *resources = json_object_get(w->tmpl, "Resources");
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)resources, id, r) {
		const json_t *p = json_object_get(r, "Properties");
		const char *pg = json_string_value(
			json_object_get(json_object_get(p, "CacheParameterGroupName"), "Ref"));
		if (!pg || strcmp(json_string_value(json_object_get(r, "Type")) ?: "",
				  "AWS::ElastiCache::ReplicationGroup"))
			continue;
		const json_t *group = json_object_get(resources, pg);
		const char *mode = json_string_value(json_object_get(
			json_object_get(json_object_get(group, "Properties"), "Properties"),
			"cluster-enabled"));
		if (!mode || strcasecmp(mode, "yes"))
			continue;
		const char *branch =
			w->branches ? json_string_value(json_object_get(w->branches, id)) : NULL;
		if (is_false(json_object_get(p, "AutomaticFailoverEnabled")))
			report_once(c, done, id, "AutomaticFailoverEnabled", branch, pg,
				    "which needs AutomaticFailoverEnabled true");
		double n = 1;
		const json_t *ncc = json_object_get(p, "NumCacheClusters");
		if (json_object_get(p, "NumNodeGroups") ||
		    json_object_get(p, "NodeGroupConfiguration") || (ncc && !vd_number(ncc, &n)))
			continue;
		if (n < 2)
			report_once(
				c, done, id, ncc ? "NumCacheClusters" : NULL, branch, pg,
				"whose automatic failover needs NumCacheClusters of 2 or more (or "
				"NumNodeGroups)");
	}
}

void vd_check_elasticache(struct vctx *c)
{
	if (!has_replication_group(c->resources))
		return;
	size_t n;
	const struct cfn_world *w = vd_worlds(c, &n);
	json_t *done = json_object();
	for (size_t i = 0; i < n; i++)
		check_cluster_mode(c, &w[i], done);
	json_decref(done);
}

/*
 * Two resources of one type whose primary identifier (the registry schema's
 * primaryIdentifier, when the template sets every part of it: key "pi" of
 * the schema data) has the same values name one physical resource: "the
 * value of this property must be unique for each resource of that type in a
 * given AWS account and AWS Region"
 * (https://docs.aws.amazon.com/cloudcontrolapi/latest/userguide/resource-identifier.html).
 * The same literal or the same intrinsic function (!Ref AWS::StackName twice)
 * is the same value. A resource with a Condition, or a value chosen by
 * Fn::If, may not exist together with the other: not compared.
 */
struct vd_named {
	const char *id, *type;
	const json_t *pi, *props;
};

static int named_cmp(const void *a, const void *b)
{
	const struct vd_named *x = a, *y = b;
	int d = strcmp(x->type, y->type);
	return d ? d : strcmp(x->id, y->id);
}

/* Whether every part of the identifier `pi` is set in `props`, none by Fn::If. */
static bool names_all(const json_t *pi, const json_t *props)
{
	size_t i;
	json_t *k;
	json_array_foreach (pi, i, k) {
		const json_t *v = json_object_get(props, json_string_value(k));
		if (!v || (json_is_object(v) && json_object_get(v, "Fn::If")))
			return false;
	}
	return true;
}

static bool same_names(const json_t *pi, const json_t *a, const json_t *b)
{
	size_t i;
	json_t *k;
	json_array_foreach (pi, i, k) {
		const char *n = json_string_value(k);
		if (!json_equal(json_object_get(a, n), json_object_get(b, n)))
			return false;
	}
	return true;
}

void vd_note_named(struct vctx *c, const char *id, const char *type, const json_t *sch,
		   const json_t *r, const json_t *props)
{
	const json_t *pi = json_object_get(sch, "pi");
	if (!json_array_size(pi) || !json_is_object(props) || !names_all(pi, props) ||
	    json_object_get(r, "Condition"))
		return;
	if (c->named_nr == c->named_cap) {
		c->named_cap = c->named_cap ? 2 * c->named_cap : 32;
		c->named = xrealloc(c->named, c->named_cap * sizeof(*c->named));
	}
	c->named[c->named_nr++] = (struct vd_named){id, type, pi, props};
}

void vd_check_unique_ids(struct vctx *c)
{
	struct vd_named *v = c->named;
	size_t nr = c->named_nr;
	if (nr > 1)
		qsort(v, nr, sizeof(*v), named_cmp);
	for (size_t i = 1; i < nr; i++)
		for (size_t j = i; j-- > 0 && !strcmp(v[j].type, v[i].type);) {
			if (!same_names(v[i].pi, v[i].props, v[j].props))
				continue;
			struct strbuf p = STRBUF_INIT;
			strbuf_addf(&p, "Resources.%s.Properties", v[i].id);
			vd_path_key(&p, json_string_value(json_array_get(v[i].pi, 0)));
			struct diag *d = vd_report(
				c, DIAG_ERROR, p.buf,
				"%s '%s' has the same %s as '%s': both would name one %s",
				v[i].type, v[i].id,
				json_array_size(v[i].pi) > 1 ? "identifying properties" : "name",
				v[j].id, v[i].type);
			diag_set_hint(d, "give each resource its own value (or leave it out and "
					 "let CloudFormation name it)");
			strbuf_release(&p);
			break;
		}
	free(c->named);
	c->named = NULL;
	c->named_nr = c->named_cap = 0;
}
