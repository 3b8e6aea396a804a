/*
 * Deployability rules (SM-DEP-05x): values a service checks against each
 * other or against other resources at create time: address ranges,
 * capacity bounds, storage thresholds, Availability Zone coverage, DNS
 * attributes, health-check timings (names: rules_dep_names.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analysis/check_ctx.h"
#include "base/cidr.h"
#include "base/common.h"
#include "base/xalloc.h"

static const struct sm_rule_meta dep_subnet_range = DEP_RULE(
	"050", SM_SEV_ERROR, "Subnet CIDR outside its VPC or overlapping a sibling subnet",
	"CreateSubnet refuses a block that is not inside one of the VPC's CIDR blocks "
	"(InvalidSubnet.Range) or that overlaps another subnet of the VPC "
	"(InvalidSubnet.Conflict).",
	"Carve every subnet out of the VPC's CidrBlock (or a VPCCidrBlock associated with it, with "
	"a DependsOn on the association), each block disjoint from the others (Fn::Cidr does it).",
	"https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html");
static const struct sm_rule_meta dep_capacity_bounds = DEP_RULE(
	"051", SM_SEV_ERROR, "Capacity bounds out of order (minimum, desired, maximum)",
	"Auto Scaling refuses a group whose MinSize exceeds MaxSize or whose DesiredCapacity lies "
	"outside them (ValidationError); Application Auto Scaling refuses a scalable target whose "
	"MinCapacity exceeds MaxCapacity.",
	"Keep MinSize <= DesiredCapacity <= MaxSize (MinCapacity <= MaxCapacity); omit "
	"DesiredCapacity to start at MinSize.",
	"https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateAutoScalingGroup.html");
static const struct sm_rule_meta dep_endpoint_dns = DEP_RULE(
	"052", SM_SEV_ERROR, "Interface endpoint with private DNS in a VPC without DNS hostnames",
	"A private hosted zone for an interface endpoint needs the VPC attributes "
	"enableDnsHostnames and enableDnsSupport both true; CreateVpcEndpoint with "
	"PrivateDnsEnabled is refused otherwise (EnableDnsHostnames is false by default).",
	"Set EnableDnsHostnames and EnableDnsSupport to true on the VPC, or PrivateDnsEnabled "
	"false "
	"and call the endpoint by its own DNS names.",
	"https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html");
static const struct sm_rule_meta dep_max_storage = DEP_RULE(
	"053", SM_SEV_ERROR, "Storage autoscaling threshold not above the allocated storage",
	"RDS refuses a MaxAllocatedStorage less than 10% above AllocatedStorage ('Invalid max "
	"storage size for engine_name').",
	"Set MaxAllocatedStorage to at least 1.1x AllocatedStorage (AWS recommends 1.26x or "
	"more), "
	"or remove it to turn storage autoscaling off.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html");
static const struct sm_rule_meta dep_health_timing = DEP_RULE(
	"054", SM_SEV_ERROR, "Target group health check timeout not shorter than its interval",
	"Elastic Load Balancing refuses a health check whose HealthCheckTimeoutSeconds is not "
	"smaller than HealthCheckIntervalSeconds (ValidationError at CreateTargetGroup).",
	"Make the timeout shorter than the interval (the defaults are 5 s and 30 s).",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	"target-group-health-checks.html");
static const struct sm_rule_meta dep_az_coverage = DEP_RULE(
	"055", SM_SEV_ERROR, "Subnets in fewer than two Availability Zones where two are required",
	"A DB subnet group must cover at least two Availability Zones "
	"(DBSubnetGroupDoesNotCoverEnoughAZs), and an Application Load Balancer needs subnets in "
	"at least two (ValidationError: at least two subnets in two different Availability "
	"Zones).",
	"Give the subnet group or load balancer subnets of two or more Availability Zones.",
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
	"USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Subnets");
/* ---- SM-DEP-050: subnet ranges ---- */

/*
 * A block in CIDR notation as CloudFormation would compute it: a literal, or
 * {"Fn::Select": [i, {"Fn::Cidr": [BLOCK, count, bits]}]} whose BLOCK is a
 * literal or the VPC's CidrBlock attribute. 0 when known.
 */
static int block_of(struct check_ctx *c, const json_t *v, uint32_t *addr, int *prefix)
{
	if (json_is_string(v))
		return cidr_parse(jstr(v), addr, prefix);
	const json_t *sel = json_object_get(v, "Fn::Select");
	const json_t *fc = json_object_get(json_array_get(sel, 1), "Fn::Cidr");
	long idx = jnum(json_array_get(sel, 0), -1);
	long count = jnum(json_array_get(fc, 1), -1), bits = jnum(json_array_get(fc, 2), -1);
	if (!fc || idx < 0 || idx >= count || bits < 0 || bits > 32)
		return -1;
	const json_t *base = json_array_get(fc, 0);
	if (!json_is_string(base)) {
		const json_t *vpc = resource_at(c, base, NULL, NULL);
		base = jget(vpc, "Properties.CidrBlock");
	}
	int bp;
	if (cidr_parse(jstr(base), addr, &bp) < 0 || 32 - bits < bp)
		return -1;
	*addr += (uint32_t)idx << bits; /* bits < 32 here: bp >= 0 */
	*prefix = 32 - (int)bits;
	return 0;
}

/* Is [a/ap] inside one of the VPC's blocks? -1 when a block is unknown. */
static int inside_vpc(struct check_ctx *c, const json_t *vpc, const char *vpc_id, uint32_t a,
		      int ap)
{
	uint32_t b;
	int bp;
	if (block_of(c, jget(vpc, "Properties.CidrBlock"), &b, &bp) < 0)
		return -1;
	if (bp <= ap && cidr_overlap(a, ap, b, bp))
		return 1;
	size_t n;
	const struct typed_res *blocks =
		template_resources_of_type(c, c->t, "AWS::EC2::VPCCidrBlock", &n);
	for (size_t k = 0; k < n; k++) {
		const json_t *r = blocks[k].res;
		if (!value_refers(jget(r, "Properties.VpcId"), vpc_id))
			continue;
		if (!jget(r, "Properties.CidrBlock") && !jget(r, "Properties.Ipv4IpamPoolId"))
			continue; /* an IPv6 block */
		if (block_of(c, jget(r, "Properties.CidrBlock"), &b, &bp) < 0)
			return -1;
		if (bp <= ap && cidr_overlap(a, ap, b, bp))
			return 1;
	}
	return 0;
}

static void subnet(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	uint32_t a;
	int ap;
	const char *vpc_id = ref_target(json_object_get(p, "VpcId"));
	const json_t *vpc = vpc_id ? json_object_get(c->resources, vpc_id) : NULL;
	if (!vpc || strcmp(res_type(vpc), "AWS::EC2::VPC") ||
	    block_of(c, json_object_get(p, "CidrBlock"), &a, &ap) < 0)
		return;
	char here[20];
	snprintf(here, sizeof(here), "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		 a & 255, ap);
	if (inside_vpc(c, vpc, vpc_id, a, ap) == 0)
		check_report(c, &dep_subnet_range, id, "CidrBlock",
			     "subnet '%s' (%s) is not inside any CIDR block of VPC '%s'", id, here,
			     vpc_id);
	/* each overlapping pair once, on the subnet whose ID sorts last */
	size_t n;
	const struct typed_res *subnets =
		template_resources_of_type(c, c->t, "AWS::EC2::Subnet", &n);
	for (size_t k = 0; k < n; k++) {
		const char *oid = subnets[k].id;
		const json_t *o = subnets[k].res;
		uint32_t b;
		int bp;
		if (strcmp(oid, id) >= 0 ||
		    strcmp(ref_target(jget(o, "Properties.VpcId")) ?: "", vpc_id) ||
		    block_of(c, jget(o, "Properties.CidrBlock"), &b, &bp) < 0)
			continue;
		if (cidr_overlap(a, ap, b, bp))
			check_report(c, &dep_subnet_range, id, "CidrBlock",
				     "subnet '%s' (%s) overlaps subnet '%s' (%s) of VPC '%s'", id,
				     here, oid, jstr(jget(o, "Properties.CidrBlock")) ?: "Fn::Cidr",
				     vpc_id);
	}
	(void)r;
}

/* ---- SM-DEP-051: capacity bounds ---- */

static void capacity(struct check_ctx *c, const char *id, const json_t *p, const char *min_k,
		     const char *max_k, const char *desired_k)
{
	long min = jnum(json_object_get(p, min_k), -1), max = jnum(json_object_get(p, max_k), -1);
	long desired = desired_k ? jnum(json_object_get(p, desired_k), -1) : -1;
	if (min >= 0 && max >= 0 && min > max)
		check_report(c, &dep_capacity_bounds, id, min_k, "'%s' has %s %ld above %s %ld", id,
			     min_k, min, max_k, max);
	else if (desired >= 0 && ((min >= 0 && desired < min) || (max >= 0 && desired > max)))
		check_report(c, &dep_capacity_bounds, id, desired_k,
			     "'%s' has %s %ld outside %s %ld and %s %ld", id, desired_k, desired,
			     min_k, min, max_k, max);
}

static void asg(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	capacity(c, id, p, "MinSize", "MaxSize", "DesiredCapacity");
	(void)r;
}

static void scalable_target(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	capacity(c, id, p, "MinCapacity", "MaxCapacity", NULL);
	(void)r;
}

/* ---- SM-DEP-052: endpoint private DNS ---- */

static void endpoint(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (strcmp(jstr(json_object_get(p, "VpcEndpointType")) ?: "Gateway", "Interface") ||
	    !jtrue(json_object_get(p, "PrivateDnsEnabled")))
		return;
	const char *vid;
	const json_t *vpc = resource_at(c, json_object_get(p, "VpcId"), NULL, &vid);
	if (!vpc || strcmp(res_type(vpc), "AWS::EC2::VPC"))
		return;
	const json_t *hn = jget(vpc, "Properties.EnableDnsHostnames"),
		     *sup = jget(vpc, "Properties.EnableDnsSupport");
	/* only literals decide: a parameter or condition that stayed unresolved is let through */
	bool no_hostnames =
		!hn || json_is_false(hn) || (json_is_string(hn) && !strcmp(jstr(hn), "false"));
	bool no_support =
		json_is_false(sup) || (json_is_string(sup) && !strcmp(jstr(sup), "false"));
	if (no_hostnames || no_support)
		check_report(c, &dep_endpoint_dns, id, "PrivateDnsEnabled",
			     "interface endpoint '%s' enables private DNS in VPC '%s', whose %s %s",
			     id, vid, no_hostnames ? "EnableDnsHostnames" : "EnableDnsSupport",
			     (no_hostnames ? hn : sup) ? "is false" : "is not set (false)");
	(void)r;
}

/* ---- SM-DEP-053: storage autoscaling ---- */

static void db_storage(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	long alloc = jnum(json_object_get(p, "AllocatedStorage"), -1);
	long max = jnum(json_object_get(p, "MaxAllocatedStorage"), -1);
	/* 10 * max < 11 * alloc: max below 110% of alloc, in integers */
	if (alloc > 0 && max > 0 && 10 * max < 11 * alloc)
		check_report(c, &dep_max_storage, id, "MaxAllocatedStorage",
			     "'%s' has MaxAllocatedStorage %ld GiB for %ld GiB allocated (at least "
			     "%ld needed)",
			     id, max, alloc, (11 * alloc + 9) / 10);
	(void)r;
}

/* ---- SM-DEP-054: health check timings ---- */

static void target_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *tv = json_object_get(p, "HealthCheckTimeoutSeconds"),
		     *iv = json_object_get(p, "HealthCheckIntervalSeconds");
	long timeout = jnum(tv, -1), interval = jnum(iv, -1);
	if (!tv && !iv)
		return;
	/* the defaults: 30 s interval (35 s for Lambda targets); 5 s timeout (6 s for HTTPS, 30 s
	 * for Lambda) */
	bool lambda = !strcmp(jstr(json_object_get(p, "TargetType")) ?: "", "lambda");
	if (!tv)
		timeout = lambda ? 30 : 5;
	if (!iv)
		interval = lambda ? 35 : 30;
	if (timeout >= 0 && interval >= 0 && timeout >= interval)
		check_report(c, &dep_health_timing, id,
			     tv ? "HealthCheckTimeoutSeconds" : "HealthCheckIntervalSeconds",
			     "target group '%s' waits %ld s for a health check sent every %ld s",
			     id, timeout, interval);
	(void)r;
}

/* ---- SM-DEP-055: Availability Zone coverage ---- */

/* A key naming the subnet's AZ ("us-east-1a", "id:use1-az1", "select:0"); NULL when unknown. */
static const char *subnet_az_key(struct check_ctx *c, const json_t *subnet_ref, char *buf, size_t n)
{
	const json_t *s = resource_at(c, subnet_ref, NULL, NULL);
	if (!s || strcmp(res_type(s), "AWS::EC2::Subnet"))
		return NULL;
	const json_t *az = jget(s, "Properties.AvailabilityZone");
	if (json_is_string(az))
		return jstr(az);
	const char *azid = jstr(jget(s, "Properties.AvailabilityZoneId"));
	if (azid) {
		snprintf(buf, n, "id:%s", azid);
		return buf;
	}
	const json_t *sel = json_object_get(az, "Fn::Select");
	long i = jnum(json_array_get(sel, 0), -1);
	if (i < 0 || !json_object_get(json_array_get(sel, 1), "Fn::GetAZs"))
		return NULL;
	snprintf(buf, n, "select:%ld", i);
	return buf;
}

int subnet_az_count(struct check_ctx *c, const json_t *subnets, const char *member, char *twice,
		    size_t n)
{
	char keys[16][48];
	int nr = 0;
	size_t i;
	json_t *x;
	if (twice && n)
		twice[0] = '\0';
	json_array_foreach (subnets, i, x) {
		char buf[48];
		const char *k =
			subnet_az_key(c, member ? json_object_get(x, member) : x, buf, sizeof(buf));
		if (!k)
			return -1;
		bool seen = false;
		for (int j = 0; j < nr; j++)
			seen |= !strcmp(keys[j], k);
		if (seen && twice && n && !twice[0])
			snprintf(twice, n, "%s", k);
		if (!seen && nr < 16)
			snprintf(keys[nr++], sizeof(keys[0]), "%s", k);
	}
	return nr;
}

static void db_subnet_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *list = json_object_get(p, "SubnetIds");
	int n = json_is_array(list) ? subnet_az_count(c, list, NULL, NULL, 0) : -1;
	if (n >= 0 && n < 2)
		check_report(c, &dep_az_coverage, id, "SubnetIds",
			     "DB subnet group '%s' covers %d Availability Zone%s", id, n,
			     n == 1 ? "" : "s");
	(void)r;
}

static void load_balancer(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (strcmp(jstr(json_object_get(p, "Type")) ?: "application", "application"))
		return; /* network and gateway load balancers run in one AZ */
	const json_t *list = json_object_get(p, "Subnets");
	int n = json_is_array(list) ? subnet_az_count(c, list, NULL, NULL, 0) : -1;
	const char *prop = "Subnets";
	if (!list) {
		list = json_object_get(p, "SubnetMappings");
		n = json_is_array(list) ? subnet_az_count(c, list, "SubnetId", NULL, 0) : -1;
		prop = "SubnetMappings";
	}
	if (n >= 0 && n < 2)
		check_report(c, &dep_az_coverage, id, prop,
			     "Application Load Balancer '%s' has subnets in %d Availability Zone%s",
			     id, n, n == 1 ? "" : "s");
	(void)r;
}

const struct resource_rule check_rules_dep_limits[] = {
	{&dep_subnet_range, "AWS::EC2::Subnet", subnet},
	{&dep_capacity_bounds, "AWS::AutoScaling::AutoScalingGroup", asg},
	{&dep_capacity_bounds, "AWS::ApplicationAutoScaling::ScalableTarget", scalable_target},
	{&dep_endpoint_dns, "AWS::EC2::VPCEndpoint", endpoint},
	{&dep_max_storage, "AWS::RDS::DBInstance", db_storage},
	{&dep_health_timing, "AWS::ElasticLoadBalancingV2::TargetGroup", target_group},
	{&dep_az_coverage, "AWS::RDS::DBSubnetGroup", db_subnet_group},
	{&dep_az_coverage, "AWS::ElasticLoadBalancingV2::LoadBalancer", load_balancer},
	{NULL, NULL, NULL},
};
