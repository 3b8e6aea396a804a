/*
 * A VPC with its subnets, route tables, internet gateway and NAT gateways,
 * in three tiers (the CDK's PUBLIC, PRIVATE_WITH_EGRESS, PRIVATE_ISOLATED):
 *
 *   public    route 0.0.0.0/0 -> internet gateway; no public IPs on launch
 *             unless `map_public_ip` (only the NAT gateways and the load
 *             balancer live here, and they get addresses without it)
 *   private   route 0.0.0.0/0 -> a NAT gateway (one per AZ, or shared)
 *   isolated  no route out of the VPC at all
 *
 * With `public_ipv6`, the public tier is dual-stack too: an Amazon-provided
 * IPv6 block on the VPC (<id>Ipv6CidrBlock, a /56), a /64 of it on each
 * public subnet, and ::/0 to the internet gateway in their route tables
 * (what a dual-stack load balancer needs of its subnets); the private and
 * isolated tiers stay IPv4 only.
 *
 * Subnet CIDRs are computed here, /subnet_mask each, tier after tier (as the
 * CDK does), so that templates carry literal CIDRs an analysis can read.
 * Logical IDs: <id>, <id>PublicSubnet1, <id>PublicSubnet1RouteTable, ...
 * The struct holds borrowed pointers into the stack (the app owns them).
 */
#ifndef SM_CONSTRUCT_VPC_H
#define SM_CONSTRUCT_VPC_H

#include "engine/engine.h"

#define VPC_MAX_AZS 3

enum vpc_tier { VPC_TIER_PUBLIC, VPC_TIER_PRIVATE, VPC_TIER_ISOLATED, VPC_TIER_COUNT };

struct vpc_props {
	const char *cidr;   /* required, e.g. "10.0.0.0/16" */
	int max_azs;	    /* 1..VPC_MAX_AZS; default 2 */
	int nat_gateways;   /* 0..max_azs; default 1 */
	int subnet_mask;    /* default 24 */
	bool map_public_ip; /* default false (secure) */
	bool public_ipv6;   /* default false: IPv4 only */
};

struct vpc_subnet {
	struct sm_resource *subnet;
	struct sm_resource *route_table;
	struct sm_resource *association;
	char cidr[20];
	int az; /* index into Fn::GetAZs */
};

struct vpc {
	struct sm_resource *vpc;
	struct sm_resource *igw;
	struct sm_resource *igw_attachment;
	struct sm_resource *ipv6_block; /* NULL unless public_ipv6 */
	struct sm_resource *nat[VPC_MAX_AZS];
	struct sm_resource *nat_eip[VPC_MAX_AZS];
	int az_nr;
	int nat_nr;
	struct vpc_subnet subnets[VPC_TIER_COUNT][VPC_MAX_AZS];
	char cidr[20];
};

/* 0, or -1 with a diagnostic (bad CIDR, too many subnets for the block). */
int vpc_new(struct sm_stack *stack, const char *id, const struct vpc_props *props, struct vpc *out,
	    struct diag_list *dl);
/* JSON array of Refs to the subnets of one tier (new reference). */
json_t *vpc_subnet_ids(const struct vpc *v, enum vpc_tier tier);
const char *vpc_tier_name(enum vpc_tier tier);

#endif
