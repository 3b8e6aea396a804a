/* Security groups, network ACLs, endpoints and flow logs (network.h). */
#include "constructs/network.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

#define PROTOCOL_TCP 6

json_t *sg_tcp_cidr(const char *cidr, int port, const char *description)
{
	return json_pack("{ss ss si si ss}", strchr(cidr, ':') ? "CidrIpv6" : "CidrIp", cidr,
			 "IpProtocol", "tcp", "FromPort", port, "ToPort", port, "Description",
			 description);
}

json_t *sg_tcp_prefix_list(json_t *list, int port, const char *description)
{
	return json_pack("{so ss si si ss}", "SourcePrefixListId", list, "IpProtocol", "tcp",
			 "FromPort", port, "ToPort", port, "Description", description);
}

/* The CDK's "disallow all egress" rule: an SG needs one rule to drop the default. */
static json_t *no_egress(void)
{
	return json_pack("[{ss ss ss si si}]", "CidrIp", "255.255.255.255/32", "Description",
			 "Disallow all traffic", "IpProtocol", "icmp", "FromPort", 252, "ToPort",
			 86);
}

struct sm_resource *security_group_new(struct sm_stack *s, const char *id,
				       const struct security_group_props *p)
{
	json_t *props = json_pack("{ss so}", "GroupDescription", p->description, "VpcId",
				  p->vpc ? sm_ref(p->vpc->vpc) : NULL);
	if (p->ingress)
		json_object_set_new(props, "SecurityGroupIngress", p->ingress);
	json_object_set_new(props, "SecurityGroupEgress", p->egress ? p->egress : no_egress());
	return sm_resource_new(s, id, "AWS::EC2::SecurityGroup", props);
}

void security_group_connect(struct sm_stack *s, const char *id, const struct sm_resource *from,
			    const struct sm_resource *to, int port, const char *description)
{
	char *eid = xstrfmt("%sEgress", id), *iid = xstrfmt("%sIngress", id);
	sm_resource_new(s, eid, "AWS::EC2::SecurityGroupEgress",
			json_pack("{so ss si si so ss}", "GroupId", sm_getatt(from, "GroupId"),
				  "IpProtocol", "tcp", "FromPort", port, "ToPort", port,
				  "DestinationSecurityGroupId", sm_getatt(to, "GroupId"),
				  "Description", description));
	sm_resource_new(s, iid, "AWS::EC2::SecurityGroupIngress",
			json_pack("{so ss si si so ss}", "GroupId", sm_getatt(to, "GroupId"),
				  "IpProtocol", "tcp", "FromPort", port, "ToPort", port,
				  "SourceSecurityGroupId", sm_getatt(from, "GroupId"),
				  "Description", description));
	free(eid);
	free(iid);
}

struct sm_resource *nacl_new(struct sm_stack *s, const char *id, const struct vpc *v,
			     enum vpc_tier tier)
{
	struct sm_resource *acl = sm_resource_new(s, id, "AWS::EC2::NetworkAcl",
						  json_pack("{so}", "VpcId", sm_ref(v->vpc)));
	for (int az = 0; az < v->az_nr; az++) {
		char *aid = xstrfmt("%sAssoc%d", id, az + 1);
		sm_resource_new(s, aid, "AWS::EC2::SubnetNetworkAclAssociation",
				json_pack("{so so}", "NetworkAclId", sm_ref(acl), "SubnetId",
					  sm_ref(v->subnets[tier][az].subnet)));
		free(aid);
	}
	return acl;
}

void nacl_allow(struct sm_stack *s, const struct sm_resource *acl, int number, bool egress,
		int from, int to, const char *cidr)
{
	char *id = xstrfmt("%s%s%d", sm_resource_id(acl), egress ? "Egress" : "Ingress", number);
	json_t *p = json_pack("{so si ss sb ss}", "NetworkAclId", sm_ref(acl), "RuleNumber", number,
			      "RuleAction", "allow", "Egress", egress,
			      strchr(cidr, ':') ? "Ipv6CidrBlock" : "CidrBlock", cidr);
	if (from < 0) {
		json_object_set_new(p, "Protocol", json_integer(-1));
	} else {
		json_object_set_new(p, "Protocol", json_integer(PROTOCOL_TCP));
		json_object_set_new(p, "PortRange", json_pack("{sisi}", "From", from, "To", to));
	}
	sm_resource_new(s, id, "AWS::EC2::NetworkAclEntry", p);
	free(id);
}

void nacl_allow_tier(struct sm_stack *s, const struct sm_resource *acl, int number, bool egress,
		     int from, int to, const struct vpc *v, enum vpc_tier tier)
{
	for (int az = 0; az < v->az_nr; az++)
		nacl_allow(s, acl, number + az, egress, from, to, v->subnets[tier][az].cidr);
}

static json_t *service_name(const char *service)
{
	char *fmt = xstrfmt("com.amazonaws.${AWS::Region}.%s", service);
	json_t *name = sm_fn_sub(fmt);
	free(fmt);
	return name;
}

struct sm_resource *vpc_gateway_endpoint_new(struct sm_stack *s, const char *id,
					     const struct vpc *v, const char *service)
{
	json_t *rts = json_array();
	for (int t = VPC_TIER_PRIVATE; t <= VPC_TIER_ISOLATED; t++)
		for (int az = 0; az < v->az_nr; az++)
			json_array_append_new(rts, sm_ref(v->subnets[t][az].route_table));
	return sm_resource_new(s, id, "AWS::EC2::VPCEndpoint",
			       json_pack("{so so ss so}", "ServiceName", service_name(service),
					 "VpcId", sm_ref(v->vpc), "VpcEndpointType", "Gateway",
					 "RouteTableIds", rts));
}

struct sm_resource *vpc_interface_endpoint_new(struct sm_stack *s, const char *id,
					       const struct vpc *v, const char *service,
					       const struct sm_resource *security_group)
{
	return sm_resource_new(s, id, "AWS::EC2::VPCEndpoint",
			       json_pack("{so so ss sb so s[o]}", "ServiceName",
					 service_name(service), "VpcId", sm_ref(v->vpc),
					 "VpcEndpointType", "Interface", "PrivateDnsEnabled", 1,
					 "SubnetIds", vpc_subnet_ids(v, VPC_TIER_PRIVATE),
					 "SecurityGroupIds", sm_getatt(security_group, "GroupId")));
}

struct sm_resource *vpc_flow_log_new(struct sm_stack *s, const char *id,
				     const struct flow_log_props *p)
{
	char *lg_id = xstrfmt("%ss", id);
	char *role_id = xstrfmt("%ssRole", id);
	struct sm_resource *lg =
		log_group_new(s, lg_id, NULL, p->kms_key, p->retention_days, p->retain_policy);
	/*
	 * The permissions the VPC user guide lists as the least a flow log's
	 * role needs ("IAM role for publishing flow logs to CloudWatch Logs"),
	 * on our group; but logs:CreateLogGroup (the group exists) and
	 * logs:DescribeLogGroups, which lists the region's groups and takes no
	 * narrower resource than all of them.
	 */
	struct sm_resource *role = iam_role_new(
		s, role_id, "vpc-flow-logs.amazonaws.com",
		json_pack("[oo]",
			  iam_allow(sm_strings("logs:CreateLogStream", "logs:PutLogEvents",
					       "logs:DescribeLogStreams", NULL),
				    json_pack("[o]", sm_getatt(lg, "Arn"))),
			  iam_allow(sm_strings("logs:DescribeLogGroups", NULL),
				    json_pack("[o]",
					      sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::"
							"Region}:${AWS::AccountId}:log-group:*")))),
		NULL);
	free(lg_id);
	free(role_id);
	/* log_group_new takes a NULL key for "no KMS"; here it is required: fail naming it */
	if (!p->kms_key)
		sm_resource_set(lg, "KmsKeyId", json_pack("{so}", "KmsKeyId", (json_t *)NULL));
	accept_finding(role, "SM-IAM-002",
		       "logs:DescribeLogGroups, which the VPC user guide lists among a flow log "
		       "role's least permissions, lists the region's log groups and takes no "
		       "narrower resource");
	struct sm_resource *fl = sm_resource_new(
		s, id, "AWS::EC2::FlowLog",
		json_pack("{so ss ss ss so so}", "ResourceId", p->vpc ? sm_ref(p->vpc->vpc) : NULL,
			  "ResourceType", "VPC", "TrafficType", "ALL", "LogDestinationType",
			  "cloud-watch-logs", "LogGroupName", sm_ref(lg),
			  "DeliverLogsPermissionArn", sm_getatt(role, "Arn")));
	/*
	 * A flow log delivers with its role from the moment it exists; a role
	 * whose policy is not attached yet gives "Access error" and delivery
	 * FAILED (EC2 API reference, FlowLog, deliverLogsErrorMessage; VPC user
	 * guide, "IAM role for publishing flow logs to CloudWatch Logs").
	 */
	iam_role_wait_for(fl, role);
	return fl;
}
