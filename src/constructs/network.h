/*
 * What a VPC (vpc.h) needs around it, with the defaults a network engineer
 * expects (the CDK's ec2.SecurityGroup, NetworkAcl, GatewayVpcEndpoint,
 * InterfaceVpcEndpoint and FlowLog):
 *
 *   security_group_new   no egress unless rules are given (the CDK's
 *                        allowAllOutbound: false, with its "disallow all
 *                        traffic" rule: a group with no rule allows all)
 *   security_group_connect  a TCP port from one group to another, as a
 *                        pair of rule resources (<id>Egress, <id>Ingress),
 *                        so that groups may refer to each other
 *   nacl_new             a network ACL for one tier's subnets, associated
 *                        with each (<id>Assoc1, ...); it allows nothing
 *                        until entries are added (nacl_allow)
 *   vpc_gateway_endpoint_new  a gateway endpoint on the route tables of the
 *                        private and isolated tiers
 *   vpc_interface_endpoint_new  an interface endpoint in the private
 *                        subnets, private DNS on, behind a security group
 *   vpc_flow_log_new     every packet of the VPC (ALL) to a KMS-encrypted
 *                        log group, by a role of its own with the least
 *                        permissions the VPC user guide lists
 *
 * Logical IDs come from the caller's `id`. Handles are borrowed.
 */
#ifndef SM_CONSTRUCT_NETWORK_H
#define SM_CONSTRUCT_NETWORK_H

#include "constructs/vpc.h"
#include "engine/engine.h"

/*
 * {"CidrIp": cidr, "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "Description"};
 * "CidrIpv6" for an IPv6 cidr (one with a ':')
 */
json_t *sg_tcp_cidr(const char *cidr, int port, const char *description);
/* The same from a prefix list (SourcePrefixListId: `list`, stolen). */
json_t *sg_tcp_prefix_list(json_t *list, int port, const char *description);

struct security_group_props {
	const char *description; /* required */
	const struct vpc *vpc;	 /* required */
	json_t *ingress;	 /* stolen; NULL: none */
	json_t *egress;		 /* stolen; NULL: no egress at all */
};
struct sm_resource *security_group_new(struct sm_stack *s, const char *id,
				       const struct security_group_props *props);
void security_group_connect(struct sm_stack *s, const char *id, const struct sm_resource *from,
			    const struct sm_resource *to, int port, const char *description);

struct sm_resource *nacl_new(struct sm_stack *s, const char *id, const struct vpc *v,
			     enum vpc_tier tier);
/*
 * Entry <acl>Ingress<number> or <acl>Egress<number>: TCP ports from-to, or all
 * traffic when from < 0; an IPv6 cidr (one with a ':') is an Ipv6CidrBlock entry.
 */
void nacl_allow(struct sm_stack *s, const struct sm_resource *acl, int number, bool egress,
		int from, int to, const char *cidr);
/* One entry per subnet of `tier`, numbered number, number + 1, ... */
void nacl_allow_tier(struct sm_stack *s, const struct sm_resource *acl, int number, bool egress,
		     int from, int to, const struct vpc *v, enum vpc_tier tier);

/* `service`: the name after "com.amazonaws.<region>.", e.g. "s3" */
struct sm_resource *vpc_gateway_endpoint_new(struct sm_stack *s, const char *id,
					     const struct vpc *v, const char *service);
struct sm_resource *vpc_interface_endpoint_new(struct sm_stack *s, const char *id,
					       const struct vpc *v, const char *service,
					       const struct sm_resource *security_group);

struct flow_log_props {
	const struct vpc *vpc;		   /* required */
	const struct sm_resource *kms_key; /* required: the log group's */
	int retention_days;		   /* required */
	const char *retain_policy;	   /* the log group's; NULL: none */
};
/* The flow log `id`, its log group <id>s and role <id>sRole (and its policy). */
struct sm_resource *vpc_flow_log_new(struct sm_stack *s, const char *id,
				     const struct flow_log_props *props);

#endif
