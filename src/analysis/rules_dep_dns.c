/*
 * Deployability rule on Route 53 alias records (SM-DEP-082): the hosted zone
 * an alias target names must be the one of the target's kind (CloudFront's
 * one zone, a load balancer's canonical zone, its Region's S3 website zone),
 * and a CloudFront target cannot evaluate its health.
 */
#include <strings.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_alias = DEP_RULE(
	"082", SM_SEV_ERROR, "Route 53 alias target with the hosted zone of another kind of target",
	"An alias record names its target's DNS name and the hosted zone that name lives in: "
	"Z2FDTNDATAQYW2 for every CloudFront distribution, the load balancer's own "
	"CanonicalHostedZoneID (one per Region and load balancer type), the S3 website endpoint "
	"zone of the bucket's Region. Another zone is refused at ChangeResourceRecordSets "
	"(InvalidChangeBatch: 'Tried to create an alias that targets ..., and it does not "
	"exist'), and EvaluateTargetHealth cannot be true for a CloudFront distribution.",
	"Take HostedZoneId from the target itself (Fn::GetAtt LB.CanonicalHostedZoneID for the "
	"load balancer whose DNSName the record names), Z2FDTNDATAQYW2 for CloudFront with "
	"EvaluateTargetHealth false, or the S3 website zone of the bucket's Region.",
	"https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html");

#define CLOUDFRONT_ZONE "Z2FDTNDATAQYW2"

/* Route 53 zones of Application/Classic and Network Load Balancers by Region (the ELB
 * endpoints page of the AWS General Reference), and of S3 website endpoints (S3's page). */
static const struct {
	const char *region, *alb, *nlb, *s3_website;
} zones[] = {
	{"us-east-1", "Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI", "Z3AQBSTGFYJSTF"},
	{"us-east-2", "Z3AADJGX6KTTL2", "ZLMOA37VPKANP", "Z2O1EMRO9K5GLX"},
	{"us-west-1", "Z368ELLRRE2KJ0", "Z24FKFUX50B4VW", "Z2F56UZL2M1ACD"},
	{"us-west-2", "Z1H1FL5HABSF5", "Z18D5FSROUN65G", "Z3BJ6K6RIION7M"},
	{"ca-central-1", "ZQSVJUPU6J1EY", "Z2EPGBW3API2WT", "Z1QDHH18159H29"},
	{"eu-central-1", "Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90", "Z21DNDUVLTQW6Q"},
	{"eu-west-1", "Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F", "Z1BKCTXD74EZPE"},
	{"eu-west-2", "ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G", "Z3GKZC51ZF0DB4"},
	{"eu-west-3", "Z3Q77PNBQS71R4", "Z1CMS0P5QUZ6D5", "Z3R1K369G5AVDG"},
	{"eu-north-1", "Z23TAZ6LKFMNIO", "Z1UDT6IFJ4EJM", NULL},
	{"eu-south-1", "Z3ULH7SSC9OV64", "Z23146JA1KNAFP", NULL},
	{"ap-south-1", "ZP97RAFLXTNZK", "ZVDDRBQ08TROA", "Z11RGJOFQNVJUP"},
	{"ap-northeast-1", "Z14GRHDCWA56QT", "Z31USIVHYNEOWT", "Z2M4EHUR26P7ZW"},
	{"ap-northeast-2", "ZWKZPGTI48KDX", "ZIBE1TIR4HY56", "Z3W03O7B5YMIYP"},
	{"ap-northeast-3", "Z5LXEXXYW11ES", NULL, NULL},
	{"ap-southeast-1", "Z1LMS91P8CMLE5", "ZKVM4W9LS7TM", "Z3O0J2DXBE1FTB"},
	{"ap-southeast-2", "Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD", "Z1WCIGYICN2BYD"},
	{"ap-east-1", "Z3DQVH9N71FHZ0", "Z12Y7K3UBGUAD1", NULL},
	{"sa-east-1", "Z2P70J7HTTTPLU", "ZTK26PT1VY4CU", "Z7KQH4QJS55SO"},
	{"me-south-1", "ZS929ML54UICD", "Z3QSRYVP46NYYV", NULL},
	{"af-south-1", "Z268VQBMOI5EKX", "Z203XCE67M25HM", NULL},
};
#define NR_ZONES (sizeof(zones) / sizeof(zones[0]))

enum target_kind { T_NONE, T_CLOUDFRONT, T_ALB, T_NLB, T_S3_WEBSITE };

static const char *const kind_names[] = {"?", "a CloudFront distribution",
					 "an Application or Classic Load Balancer",
					 "a Network Load Balancer", "an S3 website endpoint"};

static const char *zone_of(enum target_kind k, const char *region)
{
	for (size_t i = 0; region && i < NR_ZONES; i++)
		if (!strcmp(zones[i].region, region))
			return k == T_ALB   ? zones[i].alb
			       : k == T_NLB ? zones[i].nlb
					    : zones[i].s3_website;
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcasecmp(s + n - k, suffix);
}

/* The label of `dns` just before `tail` ("x.us-east-1.elb.amazonaws.com": us-east-1), in buf. */
static const char *region_before(const char *dns, const char *tail, char *buf, size_t size)
{
	const char *end = strstr(dns, tail), *start = end;
	while (start && start > dns && start[-1] != '.')
		start--;
	if (!start || start == end || (size_t)(end - start) >= size)
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return buf;
}

/* The kind of target whose zone `zone` is in some Region of the table, T_NONE if none. */
static enum target_kind kind_of_zone(const char *zone)
{
	if (!strcmp(zone, CLOUDFRONT_ZONE))
		return T_CLOUDFRONT;
	for (size_t i = 0; i < NR_ZONES; i++) {
		if (!strcmp(zone, zones[i].alb))
			return T_ALB;
		if (zones[i].nlb && !strcmp(zone, zones[i].nlb))
			return T_NLB;
		if (zones[i].s3_website && !strcmp(zone, zones[i].s3_website))
			return T_S3_WEBSITE;
	}
	return T_NONE;
}

/* What a literal DNS name (or the text of an Fn::Sub) points at, and its Region. */
static enum target_kind literal_kind(struct check_ctx *c, const char *dns, char *region,
				     size_t size)
{
	char tmp[256];
	size_t n = strlen(dns);
	if (n >= sizeof(tmp))
		return T_NONE;
	memcpy(tmp, dns, n + 1);
	if (n && tmp[n - 1] == '.')
		tmp[n - 1] = '\0'; /* the root label */
	const char *here = c->t->region ? c->t->region : "";
	if (ends_with(tmp, ".cloudfront.net"))
		return T_CLOUDFRONT;
	if (strstr(tmp, "s3-website")) {
		const char *p = strstr(tmp, "s3-website") + 10; /* "-REGION." or ".REGION." */
		if (!strncmp(p + 1, "${AWS::Region}", 14)) {
			snprintf(region, size, "%s", here);
		} else {
			size_t k = strcspn(p + 1, ".");
			if (k >= size)
				return T_NONE;
			memcpy(region, p + 1, k);
			region[k] = '\0';
		}
		return T_S3_WEBSITE;
	}
	if (ends_with(tmp, ".elb.amazonaws.com")) {
		if (strstr(tmp, "${AWS::Region}.elb."))
			snprintf(region, size, "%s", here);
		else if (!region_before(tmp, ".elb.amazonaws.com", region, size))
			return T_NONE;
		return T_ALB;
	}
	if (strstr(tmp, ".elb.") && ends_with(tmp, ".amazonaws.com")) {
		const char *p = strstr(tmp, ".elb.") + 5;
		size_t k = strcspn(p, ".");
		if (k >= size)
			return T_NONE;
		memcpy(region, p, k);
		region[k] = '\0';
		return T_NLB;
	}
	return T_NONE;
}

/* The kind of target a resource is, from its type (and a load balancer's Type). */
static enum target_kind resource_kind(const json_t *res)
{
	const char *type = res_type(res);
	if (!strcmp(type, "AWS::CloudFront::Distribution"))
		return T_CLOUDFRONT;
	if (!strcmp(type, "AWS::ElasticLoadBalancing::LoadBalancer"))
		return T_ALB;
	if (!strcmp(type, "AWS::ElasticLoadBalancingV2::LoadBalancer")) {
		const char *lb = jstr(jget(res, "Properties.Type")) ?: "application";
		return !strcmp(lb, "network") ? T_NLB : !strcmp(lb, "application") ? T_ALB : T_NONE;
	}
	return T_NONE;
}

static void alias(struct check_ctx *c, const char *id, const json_t *at, const char *prop)
{
	const json_t *dns = json_object_get(at, "DNSName"),
		     *zone = json_object_get(at, "HostedZoneId");
	if (!dns)
		return;
	char region[32] = "";
	enum target_kind kind = T_NONE;
	struct sm_rref target = sm_resolve(c->a, c->t, dns);
	const json_t *tres = sm_rref_resource(target);
	if (tres) {
		kind = resource_kind(tres);
		if (target.t->region)
			snprintf(region, sizeof(region), "%s", target.t->region);
	} else {
		const json_t *sub = json_object_get(dns, "Fn::Sub");
		const char *text = jstr(dns) ?: jstr(sub) ?: jstr(json_array_get(sub, 0));
		if (text)
			kind = literal_kind(c, text, region, sizeof(region));
	}
	if (kind == T_NONE)
		return;
	if (kind == T_CLOUDFRONT && jtrue(json_object_get(at, "EvaluateTargetHealth")))
		check_report(
			c, &dep_alias, id, prop,
			"alias '%s' targets a CloudFront distribution with EvaluateTargetHealth "
			"true, which Route 53 refuses",
			id);
	const char *lit = jstr(zone);
	struct sm_rref zt = lit ? (struct sm_rref){c->t, NULL} : sm_resolve(c->a, c->t, zone);
	const json_t *zres = sm_rref_resource(zt);
	const char *want = kind == T_CLOUDFRONT ? CLOUDFRONT_ZONE : zone_of(kind, region);
	if (zres) {
		/* a zone read from a resource: the target's own load balancer, nothing else */
		if (kind == T_CLOUDFRONT || !sm_rref_same(zt, target))
			check_report(c, &dep_alias, id, prop,
				     "alias '%s' targets %s%s%s%s but takes its HostedZoneId from "
				     "'%s'",
				     id, kind_names[kind], target.id ? " '" : "",
				     target.id ? target.id : "", target.id ? "'" : "", zt.id);
		return;
	}
	if (!lit)
		return; /* a parameter, a mapping: not judged */
	/* the Region unknown (or not in the table): a zone of another kind of target is wrong */
	enum target_kind zk = kind_of_zone(lit);
	bool wrong = want ? strcmp(lit, want) != 0 : zk != T_NONE && zk != kind;
	if (wrong)
		check_report(c, &dep_alias, id, prop,
			     "alias '%s' targets %s%s%s with HostedZoneId %s, not %s", id,
			     kind_names[kind], *region ? " in " : "", region, lit,
			     want ? want : "the zone of its Region");
}

static void record_set(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *at = json_object_get(p, "AliasTarget");
	if (at)
		alias(c, id, at, "AliasTarget");
	(void)r;
}

static void record_set_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *rs;
	json_array_foreach (json_object_get(p, "RecordSets"), i, rs) {
		const json_t *at = json_object_get(rs, "AliasTarget");
		if (at)
			alias(c, id, at, "RecordSets");
	}
	(void)r;
}

const struct resource_rule check_rules_dep_dns[] = {
	{&dep_alias, "AWS::Route53::RecordSet", record_set},
	{&dep_alias, "AWS::Route53::RecordSetGroup", record_set_group},
	{NULL, NULL, NULL},
};
