#include "constructs/vpc.h"
#include "constructs/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/common.h"
#include "base/xalloc.h"

static const char *const tier_names[] = {"Public", "Private", "Isolated"};

const char *vpc_tier_name(enum vpc_tier tier)
{
	return tier_names[tier];
}

static void format_cidr(char *buf, size_t len, unsigned addr, int prefix)
{
	snprintf(buf, len, "%u.%u.%u.%u/%d", addr >> 24, addr >> 16 & 255, addr >> 8 & 255,
		 addr & 255, prefix);
}

static json_t *az_of(int index)
{
	return sm_fn_select(index, sm_fn_getazs(""));
}

static json_t *name_tag(const char *stack, const char *suffix)
{
	char *name = xstrfmt("%s/%s", stack, suffix);
	json_t *t = json_pack("[{ssss}]", "Key", "Name", "Value", name);
	free(name);
	return t;
}

static void add_subnet(struct sm_stack *s, const char *id, struct vpc *v, enum vpc_tier tier,
		       int az, const struct vpc_props *p)
{
	struct vpc_subnet *sn = &v->subnets[tier][az];
	char *sid = xstrfmt("%s%sSubnet%d", id, tier_names[tier], az + 1);
	char *rtid = xstrfmt("%sRouteTable", sid);
	char *asid = xstrfmt("%sRouteTableAssociation", sid);
	char *label = xstrfmt("%s/%sSubnet%d", id, tier_names[tier], az + 1);

	sn->az = az;
	sn->subnet = sm_resource_new(s, sid, "AWS::EC2::Subnet",
				     json_pack("{so ss so sb so}", "VpcId", sm_ref(v->vpc),
					       "CidrBlock", sn->cidr, "AvailabilityZone", az_of(az),
					       "MapPublicIpOnLaunch",
					       tier == VPC_TIER_PUBLIC && p->map_public_ip, "Tags",
					       name_tag(sm_stack_name(s), label)));
	if (tier == VPC_TIER_PUBLIC && v->ipv6_block) {
		/*
		 * The az-th /64 of the VPC's block (Fn::Cidr's cidrBits are the
		 * host bits: 128 - 64), once the block is associated: nothing the
		 * subnet references says so (Fn::Cidr, "Creating an IPv6 enabled VPC")
		 */
		sm_resource_set(
			sn->subnet, "Ipv6CidrBlock",
			sm_fn_select(
				az, sm_fn_cidr(sm_fn_select(0, sm_getatt(v->vpc, "Ipv6CidrBlocks")),
					       p->max_azs, 64)));
		sm_resource_depends_on(sn->subnet, v->ipv6_block);
	}
	sn->route_table = sm_resource_new(s, rtid, "AWS::EC2::RouteTable",
					  json_pack("{so so}", "VpcId", sm_ref(v->vpc), "Tags",
						    name_tag(sm_stack_name(s), label)));
	sn->association =
		sm_resource_new(s, asid, "AWS::EC2::SubnetRouteTableAssociation",
				json_pack("{so so}", "RouteTableId", sm_ref(sn->route_table),
					  "SubnetId", sm_ref(sn->subnet)));
	free(sid);
	free(rtid);
	free(asid);
	free(label);
}

/* The public subnet's default route (IPv4, or IPv6: ::/0) to the internet gateway. */
static void internet_route(struct sm_stack *s, const char *id, const struct vpc *v, int az,
			   bool ipv6)
{
	char *lid = xstrfmt("%sPublicSubnet%d%sDefaultRoute", id, az + 1, ipv6 ? "Ipv6" : "");
	struct sm_resource *r = sm_resource_new(
		s, lid, "AWS::EC2::Route",
		json_pack("{so ss so}", "RouteTableId",
			  sm_ref(v->subnets[VPC_TIER_PUBLIC][az].route_table),
			  ipv6 ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock",
			  ipv6 ? "::/0" : "0.0.0.0/0", "GatewayId", sm_ref(v->igw)));
	/* the route is refused until the gateway is attached to the VPC */
	sm_resource_depends_on(r, v->igw_attachment);
	accept_finding(r, "SM-EC2-011",
		       "the public tier's default route to the internet gateway is what "
		       "makes it public; only what must face the internet lives there");
	free(lid);
}

int vpc_new(struct sm_stack *s, const char *id, const struct vpc_props *props, struct vpc *out,
	    struct diag_list *dl)
{
	struct vpc_props p = *props;
	unsigned addr;
	int prefix;

	memset(out, 0, sizeof(*out));
	if (!p.max_azs)
		p.max_azs = 2;
	if (!p.subnet_mask)
		p.subnet_mask = 24;
	if (!p.cidr || cidr_parse(p.cidr, &addr, &prefix) < 0) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, id, "VPC CIDR '%s' is not valid",
			 p.cidr ? p.cidr : "(none)");
		return -1;
	}
	if (p.max_azs < 1 || p.max_azs > VPC_MAX_AZS || p.nat_gateways < 0 ||
	    p.nat_gateways > p.max_azs) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, id,
			 "a VPC takes 1 to %d AZs and at most one NAT gateway per AZ", VPC_MAX_AZS);
		return -1;
	}
	int needed = VPC_TIER_COUNT * p.max_azs;
	unsigned long capacity = p.subnet_mask >= prefix ? 1ul << (p.subnet_mask - prefix) : 0;
	if ((unsigned long)needed > capacity) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, id,
			 "VPC CIDR %s holds %lu subnets of /%d; %d are needed", p.cidr, capacity,
			 p.subnet_mask, needed);
		return -1;
	}
	out->az_nr = p.max_azs;
	out->nat_nr = p.nat_gateways;
	snprintf(out->cidr, sizeof(out->cidr), "%s", p.cidr);

	char *lid;
	out->vpc = sm_resource_new(s, id, "AWS::EC2::VPC",
				   json_pack("{ss sb sb ss so}", "CidrBlock", p.cidr,
					     "EnableDnsHostnames", 1, "EnableDnsSupport", 1,
					     "InstanceTenancy", "default", "Tags",
					     name_tag(sm_stack_name(s), id)));

	if (p.public_ipv6) {
		lid = xstrfmt("%sIpv6CidrBlock", id);
		out->ipv6_block = sm_resource_new(s, lid, "AWS::EC2::VPCCidrBlock",
						  json_pack("{so sb}", "VpcId", sm_ref(out->vpc),
							    "AmazonProvidedIpv6CidrBlock", 1));
		free(lid);
	}
	unsigned step = 1u << (32 - p.subnet_mask);
	unsigned next = addr;
	for (int t = 0; t < VPC_TIER_COUNT; t++) {
		for (int az = 0; az < p.max_azs; az++) {
			format_cidr(out->subnets[t][az].cidr, sizeof(out->subnets[t][az].cidr),
				    next, p.subnet_mask);
			next += step;
			add_subnet(s, id, out, (enum vpc_tier)t, az, &p);
		}
	}

	lid = xstrfmt("%sIGW", id);
	out->igw = sm_resource_new(s, lid, "AWS::EC2::InternetGateway",
				   json_pack("{so}", "Tags", name_tag(sm_stack_name(s), id)));
	free(lid);
	lid = xstrfmt("%sVPCGW", id);
	out->igw_attachment = sm_resource_new(s, lid, "AWS::EC2::VPCGatewayAttachment",
					      json_pack("{so so}", "VpcId", sm_ref(out->vpc),
							"InternetGatewayId", sm_ref(out->igw)));
	free(lid);

	for (int az = 0; az < p.max_azs; az++) {
		internet_route(s, id, out, az, false);
		if (out->ipv6_block)
			internet_route(s, id, out, az, true);
	}
	for (int n = 0; n < p.nat_gateways; n++) {
		struct vpc_subnet *pub = &out->subnets[VPC_TIER_PUBLIC][n];
		char *label = xstrfmt("%s/PublicSubnet%d", id, n + 1);
		lid = xstrfmt("%sPublicSubnet%dEIP", id, n + 1);
		out->nat_eip[n] = sm_resource_new(s, lid, "AWS::EC2::EIP",
						  json_pack("{ss so}", "Domain", "vpc", "Tags",
							    name_tag(sm_stack_name(s), label)));
		free(lid);
		/*
		 * An EIP and a public NAT gateway need the internet gateway
		 * attached first (AWS::EC2::EIP, Domain; "When a DependsOn
		 * attribute is required"); nothing they reference says so.
		 */
		sm_resource_depends_on(out->nat_eip[n], out->igw_attachment);
		lid = xstrfmt("%sPublicSubnet%dNATGateway", id, n + 1);
		out->nat[n] = sm_resource_new(s, lid, "AWS::EC2::NatGateway",
					      json_pack("{so so so}", "SubnetId",
							sm_ref(pub->subnet), "AllocationId",
							sm_getatt(out->nat_eip[n], "AllocationId"),
							"Tags", name_tag(sm_stack_name(s), label)));
		sm_resource_depends_on(out->nat[n], pub->route_table);
		sm_resource_depends_on(out->nat[n], pub->association);
		sm_resource_depends_on(out->nat[n], out->igw_attachment);
		free(lid);
		free(label);
	}
	if (p.nat_gateways > 0) {
		for (int az = 0; az < p.max_azs; az++) {
			struct vpc_subnet *priv = &out->subnets[VPC_TIER_PRIVATE][az];
			/* with fewer NATs than AZs, AZs share them round-robin */
			struct sm_resource *nat = out->nat[az % p.nat_gateways];
			lid = xstrfmt("%sPrivateSubnet%dDefaultRoute", id, az + 1);
			sm_resource_new(s, lid, "AWS::EC2::Route",
					json_pack("{so ss so}", "RouteTableId",
						  sm_ref(priv->route_table), "DestinationCidrBlock",
						  "0.0.0.0/0", "NatGatewayId", sm_ref(nat)));
			free(lid);
		}
	}
	return 0;
}

json_t *vpc_subnet_ids(const struct vpc *v, enum vpc_tier tier)
{
	json_t *a = json_array();
	for (int az = 0; az < v->az_nr; az++)
		json_array_append_new(a, sm_ref(v->subnets[tier][az].subnet));
	return a;
}
