/*
 * Deployability rules on sizes a service counts (SM-DEP-081, 083): the rules
 * of a security group as EC2 counts them against its quota (a prefix list
 * by its maximum entries), and the storage an RDS engine takes of each
 * storage type.
 */
#include <strings.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_sg_rules = DEP_RULE(
	"081", SM_SEV_ERROR, "Security group with more rules than its quota, prefix lists weighed",
	"A security group takes 60 inbound and 60 outbound rules by default, counted apart for "
	"IPv4 and IPv6; a rule that names a prefix list counts as the list's maximum entries (its "
	"weight: 55 for CloudFront's origin-facing list, 25 for Route 53 health checks, 1 for "
	"the S3 and DynamoDB gateway lists), a rule naming a security group as one of each "
	"family. The rule past the quota is refused (RulesPerSecurityGroupLimitExceeded) and the "
	"stack rolls back.",
	"Split the rules across two security groups (a resource takes up to five), use a "
	"smaller prefix list, or raise 'Inbound or outbound rules per security group' in Service "
	"Quotas for the account and Region before deploying (a raise lowers the groups allowed "
	"per network interface).",
	"https://docs.aws.amazon.com/vpc/latest/userguide/"
	"amazon-vpc-limits.html#vpc-limits-security-groups");
static const struct sm_rule_meta dep_rds_storage = DEP_RULE(
	"083", SM_SEV_ERROR, "RDS allocated storage the engine and storage type refuse",
	"CreateDBInstance takes AllocatedStorage of 20-65,536 GiB on gp2/gp3 and 100-65,536 GiB "
	"on io1/io2 for MariaDB, MySQL, Oracle and PostgreSQL (16,384 at most for SQL Server, "
	"40 at least for RDS Custom), 5-3,072 GiB on magnetic storage (10 for Oracle, 20-1,024 "
	"for SQL Server); Db2 takes neither gp2 nor magnetic storage; io1 and io2 need Iops. "
	"Anything else is refused (InvalidParameterValue / InvalidParameterCombination).",
	"Give AllocatedStorage within the range of the engine and StorageType (or change the "
	"storage type), and Iops with io1/io2.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html");

/* ---- SM-DEP-081: rules per security group ---- */

#define SG_RULES_QUOTA 60 /* the default of 'Inbound or outbound rules per security group' */

/* The AWS-managed prefix lists and their weights (VPC user guide, "AWS-managed prefix list
 * weights"): the part of the name after "com.amazonaws.REGION." or "com.amazonaws.global.". */
static const struct {
	const char *suffix;
	long weight;
} managed_lists[] = {
	{"cloudfront.origin-facing", 55},
	{"ipv6.cloudfront.origin-facing", 55},
	{"dynamodb", 1},
	{"ec2-instance-connect", 2},
	{"ipv6.ec2-instance-connect", 2},
	{"groundstation", 5},
	{"route53-healthchecks", 25},
	{"ipv6.route53-healthchecks", 25},
	{"s3", 1},
	{"s3express", 6},
	{"vpc-lattice", 10},
	{"ipv6.vpc-lattice", 10},
};

/* Rules counted for one direction, by family. */
struct sg_tally {
	long v4, v6;
	long weighed; /* how many come from prefix lists */
};

/* The weight of a managed list by name ("com.amazonaws.us-east-1.s3"), 0 unknown; *v6 set. */
static long managed_weight(const char *name, bool *v6)
{
	if (!name || strncmp(name, "com.amazonaws.", 14))
		return 0;
	const char *rest = strchr(name + 14, '.'); /* past the region or "global" */
	if (!rest)
		return 0;
	rest++;
	*v6 = !strncmp(rest, "ipv6.", 5);
	for (size_t i = 0; i < sizeof(managed_lists) / sizeof(managed_lists[0]); i++)
		if (!strcmp(rest, managed_lists[i].suffix))
			return managed_lists[i].weight;
	return 0;
}

/*
 * What a prefix-list rule weighs: an AWS::EC2::PrefixList of the set by its
 * MaxEntries and AddressFamily, a parameter `deploy` fills with a managed
 * list's ID by that list's weight. 0 when the template does not say (a
 * literal pl- ID, a parameter of the user's).
 */
static long prefix_list_weight(struct check_ctx *c, const json_t *v, bool *v6)
{
	struct sm_rref r = sm_resolve(c->a, c->t, v);
	if (!r.id)
		return 0;
	const json_t *res = sm_rref_resource(r);
	if (res) {
		if (strcmp(res_type(res), "AWS::EC2::PrefixList"))
			return 0;
		const json_t *p = sm_rref_props(r);
		*v6 = !strcasecmp(jstr(json_object_get(p, "AddressFamily")) ?: "", "IPv6");
		long max = jnum(json_object_get(p, "MaxEntries"), 0);
		return max > 0 ? max : 0;
	}
	size_t i;
	const json_t *l;
	json_array_foreach (r.t->lookups, i, l) {
		if (!strcmp(jstr(json_object_get(l, "parameter")) ?: "", r.id) &&
		    !strcmp(jstr(json_object_get(l, "lookup")) ?: "", "ec2:managed-prefix-list"))
			return managed_weight(jstr(json_object_get(l, "name")), v6);
	}
	return 0;
}

/* Count one rule (an inline entry, or a standalone rule's Properties). */
static void tally_rule(struct check_ctx *c, const json_t *e, bool ingress, struct sg_tally *t)
{
	if (json_object_get(e, "CidrIp")) {
		t->v4++;
		return;
	}
	if (json_object_get(e, "CidrIpv6")) {
		t->v6++;
		return;
	}
	const json_t *pl =
		json_object_get(e, ingress ? "SourcePrefixListId" : "DestinationPrefixListId");
	bool v6 = false;
	long w = pl ? prefix_list_weight(c, pl, &v6) : 0;
	if (w) {
		*(v6 ? &t->v6 : &t->v4) += w;
		t->weighed++;
		return;
	}
	/* a group, or a list the template does not say: one rule of each family */
	t->v4++;
	t->v6++;
}

static void report_tally(struct check_ctx *c, const char *id, const struct sg_tally *t,
			 const char *dir, const char *prop)
{
	if (t->v4 <= SG_RULES_QUOTA && t->v6 <= SG_RULES_QUOTA)
		return;
	bool four = t->v4 > SG_RULES_QUOTA;
	check_report(c, &dep_sg_rules, id, prop,
		     "security group '%s' has %ld %s %s rules as EC2 counts them (%ld of its rules "
		     "name prefix lists, each counted as its maximum entries), over the default "
		     "quota of %d",
		     id, four ? t->v4 : t->v6, dir, four ? "IPv4" : "IPv6", t->weighed,
		     SG_RULES_QUOTA);
}

static void security_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	struct sg_tally in = {0, 0, 0}, out = {0, 0, 0};
	size_t i, nr;
	json_t *e;
	json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, e)
		tally_rule(c, e, true, &in);
	const json_t *egress = json_object_get(p, "SecurityGroupEgress");
	json_array_foreach (egress, i, e)
		tally_rule(c, e, false, &out);
	if (!egress)
		out.v4++; /* EC2's own allow-all IPv4 egress rule */
	/* the standalone rules of the set that add to this group (GroupId) */
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	for (i = 0; i < nr; i++) {
		bool ing = !strcmp(refs[i].owner_type, "AWS::EC2::SecurityGroupIngress");
		if ((!ing && strcmp(refs[i].owner_type, "AWS::EC2::SecurityGroupEgress")) ||
		    strcmp(refs[i].path, "GroupId"))
			continue;
		const json_t *o = json_object_get(json_object_get(refs[i].owner->tmpl, "Resources"),
						  refs[i].owner_id);
		tally_rule(c, json_object_get(o, "Properties"), ing, ing ? &in : &out);
	}
	report_tally(c, id, &in, "inbound", "SecurityGroupIngress");
	report_tally(c, id, &out, "outbound", "SecurityGroupEgress");
	(void)r;
}

/* ---- SM-DEP-083: allocated storage ---- */

/* GiB ranges of one engine family: general purpose, provisioned IOPS, magnetic (0: refused). */
static const struct storage_range {
	const char *prefix; /* of the Engine value, case-insensitive */
	long gp_min, gp_max, io_min, io_max, mag_min, mag_max;
	bool gp2; /* takes gp2 (Db2 takes gp3 only) */
} storage_ranges[] = {
	{"custom-sqlserver", 40, 16384, 40, 16384, 0, 0, true},
	{"custom-oracle", 40, 65536, 40, 65536, 0, 0, true},
	{"db2", 20, 65536, 100, 65536, 0, 0, false},
	{"mariadb", 20, 65536, 100, 65536, 5, 3072, true},
	{"mysql", 20, 65536, 100, 65536, 5, 3072, true},
	{"oracle", 20, 65536, 100, 65536, 10, 3072, true},
	{"postgres", 20, 65536, 100, 65536, 5, 3072, true},
	{"sqlserver", 20, 16384, 100, 16384, 20, 1024, true},
};

static void db_instance(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *engine = jstr(json_object_get(p, "Engine"));
	/* Aurora's storage is the cluster's; a replica or a restore takes its source's */
	if (!engine || !strncasecmp(engine, "aurora", 6) ||
	    json_object_get(p, "DBClusterIdentifier") ||
	    json_object_get(p, "SourceDBInstanceIdentifier") ||
	    json_object_get(p, "SourceDBClusterIdentifier") ||
	    json_object_get(p, "DBSnapshotIdentifier") ||
	    json_object_get(p, "SourceDBInstanceAutomatedBackupsArn"))
		return;
	const struct storage_range *e = NULL;
	for (size_t i = 0; i < sizeof(storage_ranges) / sizeof(storage_ranges[0]) && !e; i++)
		if (!strncasecmp(engine, storage_ranges[i].prefix,
				 strlen(storage_ranges[i].prefix)))
			e = &storage_ranges[i];
	if (!e)
		return;
	const json_t *tv = json_object_get(p, "StorageType");
	const bool iops = json_object_get(p, "Iops") != NULL;
	const char *type = tv ? jstr(tv) : iops ? "io1" : "gp3"; /* CreateDBInstance's default */
	if (!type)
		return; /* an expression */
	bool gp = !strcasecmp(type, "gp2") || !strcasecmp(type, "gp3");
	bool io = !strcasecmp(type, "io1") || !strcasecmp(type, "io2");
	bool mag = !strcasecmp(type, "standard");
	if ((!e->gp2 && !strcasecmp(type, "gp2")) || (mag && !e->mag_max)) {
		check_report(c, &dep_rds_storage, id, "StorageType",
			     "instance '%s' (%s) asks for %s storage, which the engine does not "
			     "take",
			     id, engine, type);
		return;
	}
	if (io && !iops)
		check_report(c, &dep_rds_storage, id, "StorageType",
			     "instance '%s' asks for %s storage without Iops", id, type);
	long gib = jnum(json_object_get(p, "AllocatedStorage"), -1);
	if (gib < 0 || !(gp || io || mag))
		return; /* a parameter, an expression; an unknown type is validate's */
	long lo = gp ? e->gp_min : io ? e->io_min : e->mag_min;
	long hi = gp ? e->gp_max : io ? e->io_max : e->mag_max;
	if (gib < lo || gib > hi)
		check_report(c, &dep_rds_storage, id, "AllocatedStorage",
			     "instance '%s' (%s) allocates %ld GiB of %s storage; the engine takes "
			     "%ld-%ld GiB there",
			     id, engine, gib, type, lo, hi);
	(void)r;
}

const struct resource_rule check_rules_dep_quota[] = {
	{&dep_sg_rules, "AWS::EC2::SecurityGroup", security_group},
	{&dep_rds_storage, "AWS::RDS::DBInstance", db_instance},
	{NULL, NULL, NULL},
};
