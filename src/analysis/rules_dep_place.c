/*
 * Deployability rules (SM-DEP-101..106): where things are placed and how
 * they are counted: two subnets of one Availability Zone where one per zone
 * is taken, an internet-facing load balancer in subnets with no way out, an
 * Availability Zone of another Region, CloudFront behaviours that name no
 * origin or no cache settings, network ACL rule numbers given twice, more
 * managed policies on a role than IAM attaches, and scaling policies whose
 * metric is not of their target.
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_one_per_az = DEP_RULE(
	"101", SM_SEV_ERROR, "Two subnets of one Availability Zone where one per zone is taken",
	"A load balancer (Subnets or SubnetMappings) and an interface VPC endpoint (SubnetIds) "
	"take "
	"one subnet per Availability Zone: CreateLoadBalancer and CreateVpcEndpoint refuse two "
	"subnets of the same zone (ValidationError: 'A load balancer cannot be attached to "
	"multiple subnets in the same Availability Zone', InvalidParameter).",
	"Keep one subnet per Availability Zone in the list (the public subnet of each zone for an "
	"internet-facing load balancer).",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
	"API_CreateLoadBalancer.html");
static const struct sm_rule_meta dep_public_lb = DEP_RULE(
	"102", SM_SEV_ERROR,
	"Internet-facing load balancer in a subnet without a route to the internet",
	"An internet-facing load balancer answers clients from its nodes in the subnets it is "
	"given, which must be public: a subnet whose route table has no 0.0.0.0/0 route to an "
	"internet gateway drops the replies, so the load balancer is created and no client ever "
	"reaches it.",
	"Give an internet-facing load balancer the public subnets (a default route to the internet "
	"gateway), or make it internal.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/"
	"how-elastic-load-balancing-works.html#load-balancer-scheme");
static const struct sm_rule_meta dep_cf_behavior = DEP_RULE(
	"103", SM_SEV_ERROR, "CloudFront cache behaviour with no origin or no cache settings",
	"Each cache behaviour routes to the origin whose Id is its TargetOriginId, and needs a "
	"CachePolicyId or the legacy ForwardedValues: CreateDistribution refuses a behaviour "
	"naming "
	"no origin of the distribution (NoSuchOrigin) or giving neither (InvalidArgument).",
	"Set TargetOriginId to the Id of one of the distribution's Origins, and give the behaviour "
	"a CachePolicyId (a managed policy such as CachingOptimized, or your own).",
	"https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CacheBehavior.html");
static const struct sm_rule_meta dep_nacl_number = DEP_RULE(
	"104", SM_SEV_ERROR, "Two network ACL entries with one rule number and direction",
	"A network ACL holds one entry per rule number in each direction: CreateNetworkAclEntry "
	"refuses a second ingress (or egress) entry with the same RuleNumber in the same ACL "
	"(NetworkAclEntryAlreadyExists), whatever its ports or block.",
	"Give each entry of an ACL and direction its own RuleNumber (leave gaps, 100, 110, ...).",
	"https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html");
static const struct sm_rule_meta dep_foreign_az = DEP_RULE(
	"105", SM_SEV_ERROR, "Availability Zone of another Region than the stack's",
	"Availability Zones belong to a Region: a subnet, instance, volume or DB instance created "
	"in a stack of one Region refuses an AvailabilityZone of another (InvalidParameterValue: "
	"'Subnets can currently only be created in the following availability zones: ...').",
	"Pick the zone with Fn::Select over Fn::GetAZs (or an AvailabilityZoneId), or a literal "
	"zone of the stack's own Region.",
	"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
	"using-regions-availability-zones.html");
static const struct sm_rule_meta dep_policy_quota = DEP_RULE(
	"106", SM_SEV_WARNING, "Role with more managed policies than IAM attaches",
	"IAM attaches at most 10 managed policies to a role by default (a quota that can be raised "
	"to 20): the role's ManagedPolicyArns and the AWS::IAM::ManagedPolicy resources naming it "
	"in Roles count together, and the attachment past the quota fails "
	"(LimitExceeded: 'Cannot exceed quota for PoliciesPerRole: 10').",
	"Merge policies into fewer customer managed policies, or ask for the raised quota and "
	"record it.",
	"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html");

static const struct sm_rule_meta dep_cert_region = DEP_RULE(
	"109", SM_SEV_ERROR, "Load balancer certificate from another Region",
	"ACM certificates are regional: a load balancer's listener takes only certificates of its "
	"own Region, and CreateListener (or AddListenerCertificates) refuses an ARN of another "
	"(CertificateNotFound). A certificate used in several Regions is requested or imported in "
	"each of them.",
	"Request or import the certificate in the stack's Region and give its ARN (for a standby "
	"Region, the standby's own certificate).",
	"https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html");

/* ---- SM-DEP-101, 102: subnets of load balancers and endpoints ---- */

static void one_per_az(struct check_ctx *c, const char *id, const char *prop, const json_t *subnets,
		       const char *member)
{
	char twice[48];
	if (subnet_az_count(c, subnets, member, twice, sizeof(twice)) > 0 && twice[0])
		check_report(c, &dep_one_per_az, id, prop,
			     "'%s' has two subnets in Availability Zone %s", id, twice);
}

static void public_subnets(struct check_ctx *c, const char *id, const json_t *subnets,
			   const char *member)
{
	size_t i;
	json_t *x;
	json_array_foreach (subnets, i, x) {
		struct sm_template *st;
		const char *sid;
		const json_t *v = member ? json_object_get(x, member) : x;
		const json_t *s = resource_at(c, v, &st, &sid);
		if (!s || strcmp(res_type(s), "AWS::EC2::Subnet") || subnet_routes_out(c, st, sid))
			continue;
		check_report(c, &dep_public_lb, id, member ? "SubnetMappings" : "Subnets",
			     "internet-facing load balancer '%s' is in subnet '%s', whose route "
			     "table has no 0.0.0.0/0 route to an internet gateway",
			     id, sid);
	}
}

static void load_balancer(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *list = json_object_get(p, "Subnets");
	const char *prop = "Subnets", *member = NULL;
	if (!list) {
		list = json_object_get(p, "SubnetMappings");
		prop = "SubnetMappings";
		member = "SubnetId";
	}
	one_per_az(c, id, prop, list, member);
	if (!strcmp(jstr(json_object_get(p, "Scheme")) ?: "internet-facing", "internet-facing"))
		public_subnets(c, id, list, member);
	(void)r;
}

static void endpoint(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!strcmp(jstr(json_object_get(p, "VpcEndpointType")) ?: "Gateway", "Interface"))
		one_per_az(c, id, "SubnetIds", json_object_get(p, "SubnetIds"), NULL);
	(void)r;
}

/* ---- SM-DEP-103: CloudFront behaviours ---- */

static void behaviour(struct check_ctx *c, const char *id, const json_t *cfg, const json_t *b,
		      const char *where)
{
	const char *target = jstr(json_object_get(b, "TargetOriginId"));
	bool found = !target;
	size_t i;
	json_t *o;
	json_array_foreach (json_object_get(cfg, "Origins"), i, o) {
		const json_t *oid = json_object_get(o, "Id");
		found |= !json_is_string(oid) || (target && !strcmp(jstr(oid), target));
	}
	found |= !json_is_array(json_object_get(cfg, "Origins"));
	if (!found)
		check_report(c, &dep_cf_behavior, id, "DistributionConfig",
			     "distribution '%s': %s routes to origin '%s', which it does not have",
			     id, where, target);
	if (!json_object_get(b, "CachePolicyId") && !json_object_get(b, "ForwardedValues"))
		check_report(c, &dep_cf_behavior, id, "DistributionConfig",
			     "distribution '%s': %s has neither CachePolicyId nor ForwardedValues",
			     id, where);
}

static void distribution(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *cfg = json_object_get(p, "DistributionConfig");
	const json_t *def = json_object_get(cfg, "DefaultCacheBehavior");
	if (def)
		behaviour(c, id, cfg, def, "the default cache behaviour");
	size_t i;
	json_t *b;
	json_array_foreach (json_object_get(cfg, "CacheBehaviors"), i, b) {
		char where[96];
		snprintf(where, sizeof(where), "the cache behaviour of '%s'",
			 jstr(json_object_get(b, "PathPattern")) ?: "?");
		behaviour(c, id, cfg, b, where);
	}
	(void)r;
}

/* ---- SM-DEP-104: network ACL rule numbers ---- */

static void nacl(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	struct entry {
		const char *id;
		long num;
		bool egress;
	} seen[64];
	size_t nr, n = 0;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	const json_t *res = json_object_get(c->t->tmpl, "Resources");
	for (size_t i = 0; i < nr && n < sizeof(seen) / sizeof(seen[0]); i++) {
		if (refs[i].owner != c->t || strcmp(refs[i].path, "NetworkAclId") ||
		    strcmp(refs[i].owner_type, "AWS::EC2::NetworkAclEntry"))
			continue;
		const json_t *e =
			json_object_get(json_object_get(res, refs[i].owner_id), "Properties");
		struct entry x = {refs[i].owner_id, jnum(json_object_get(e, "RuleNumber"), -1),
				  jtrue(json_object_get(e, "Egress"))};
		for (size_t j = 0; j < n && x.num >= 0; j++) {
			if (seen[j].num != x.num || seen[j].egress != x.egress)
				continue;
			check_report(c, &dep_nacl_number, x.id, "RuleNumber",
				     "network ACL '%s' has %s rule %ld twice ('%s' and '%s')", id,
				     x.egress ? "egress" : "ingress", x.num, seen[j].id, x.id);
			break;
		}
		seen[n++] = x;
	}
	(void)p;
	(void)r;
}

/* ---- SM-DEP-105: zones of another Region ---- */

static void zone(struct check_ctx *c, const char *id, const char *prop, const json_t *v)
{
	const char *region = c->t->region, *az = jstr(v);
	size_t n = region ? strlen(region) : 0;
	if (!az || !n)
		return;
	if (!strncmp(az, region, n) && ((az[n] >= 'a' && az[n] <= 'z') || az[n] == '-'))
		return;
	check_report(c, &dep_foreign_az, id, prop,
		     "'%s' is in Availability Zone %s, and its stack in Region %s", id, az, region);
}

static void zoned(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	zone(c, id, "AvailabilityZone", json_object_get(p, "AvailabilityZone"));
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(p, "AvailabilityZones"), i, x)
		zone(c, id, "AvailabilityZones", x);
	(void)r;
}

/* ---- SM-DEP-109: certificates of another Region ---- */

static void certificates(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *region = c->t->region;
	size_t i, n = region ? strlen(region) : 0;
	json_t *cert;
	json_array_foreach (json_object_get(p, "Certificates"), i, cert) {
		const char *arn = jstr(json_object_get(cert, "CertificateArn"));
		const char *at = arn && !strncmp(arn, "arn:", 4) ? strstr(arn, ":acm:") : NULL;
		if (!at || !n)
			continue;
		at += strlen(":acm:");
		if (!strncmp(at, region, n) && at[n] == ':')
			continue;
		check_report(c, &dep_cert_region, id, "Certificates",
			     "'%s' in Region %s uses certificate %s of another Region", id, region,
			     arn);
	}
	(void)r;
}

/*
 * ---- SM-DEP-106: managed policies per role ----
 * A warning, not an error: the quota of 10 can be raised to 20 (IAM quotas
 * page; AWS re:Post "iam-increase-policy-size"), which the template alone
 * cannot tell.
 */

static void role(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t n = json_array_size(json_object_get(p, "ManagedPolicyArns")), nr;
	const struct sm_ref *refs = sm_assembly_referrers(c->a, c->t, id, &nr);
	for (size_t i = 0; i < nr; i++)
		n += !strcmp(refs[i].owner_type, "AWS::IAM::ManagedPolicy") &&
		     !strcmp(refs[i].path, "Roles");
	if (n > 10)
		check_report(
			c, &dep_policy_quota, id, "ManagedPolicyArns",
			"role '%s' has %zu managed policies attached: IAM refuses more than 10 "
			"unless the account's quota was raised (20 at most)%s",
			id, n, n > 20 ? ", and more than 20 in any account" : "");
	(void)r;
}

const struct resource_rule check_rules_dep_place[] = {
	{&dep_one_per_az, "AWS::ElasticLoadBalancingV2::LoadBalancer", load_balancer},
	{&dep_one_per_az, "AWS::EC2::VPCEndpoint", endpoint},
	{&dep_public_lb, "-", NULL},
	{&dep_cf_behavior, "AWS::CloudFront::Distribution", distribution},
	{&dep_nacl_number, "AWS::EC2::NetworkAcl", nacl},
	{&dep_foreign_az, "AWS::EC2::Subnet", zoned},
	{&dep_foreign_az, "AWS::EC2::Instance", zoned},
	{&dep_foreign_az, "AWS::EC2::Volume", zoned},
	{&dep_foreign_az, "AWS::RDS::DBInstance", zoned},
	{&dep_foreign_az, "AWS::RDS::DBCluster", zoned},
	{&dep_foreign_az, "AWS::AutoScaling::AutoScalingGroup", zoned},
	{&dep_policy_quota, "AWS::IAM::Role", role},
	{&dep_cert_region, "AWS::ElasticLoadBalancingV2::Listener", certificates},
	{&dep_cert_region, "AWS::ElasticLoadBalancingV2::ListenerCertificate", certificates},
	{NULL, NULL, NULL},
};
