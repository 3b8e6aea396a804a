/*
 * FR-4 networking: VPC tiers, network ACLs per tier, security groups,
 * endpoints, flow logs. See networking.h.
 */
#include "lib/networking.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

#define PORT_HTTPS 443
#define CLOUDFRONT_PREFIX_LIST "com.amazonaws.global.cloudfront.origin-facing"
#define PORT_POSTGRES 5432
/* Linux and the AWS services pick ephemeral ports from 1024-65535. */
#define EPHEMERAL_FROM 1024
#define EPHEMERAL_TO 65535

struct nacl_rule {
	int number;
	bool egress;
	int from, to;	  /* TCP ports; from < 0 means all traffic */
	const char *cidr; /* NULL: use the rule's computed CIDR list */
};

static void nacl_entry(struct sm_stack *s, struct sm_resource *acl, const char *acl_id, int number,
		       bool egress, int from, int to, const char *cidr)
{
	char *id = xstrfmt("%s%s%d", acl_id, egress ? "Egress" : "Ingress", number);
	json_t *p = json_pack("{so si ss sb ss}", "NetworkAclId", sm_ref(acl), "RuleNumber", number,
			      "RuleAction", "allow", "Egress", egress, "CidrBlock", cidr);
	if (from < 0) {
		json_object_set_new(p, "Protocol", json_integer(-1));
	} else {
		json_object_set_new(p, "Protocol", json_integer(6));
		json_object_set_new(p, "PortRange", json_pack("{sisi}", "From", from, "To", to));
	}
	sm_resource_new(s, id, "AWS::EC2::NetworkAclEntry", p);
	free(id);
}

/* One entry per CIDR of a tier, numbered base, base+1, ... */
static void nacl_entries_to_tier(struct sm_stack *s, struct sm_resource *acl, const char *acl_id,
				 int base, bool egress, int from, int to, const struct vpc *v,
				 enum vpc_tier tier)
{
	for (int az = 0; az < v->az_nr; az++)
		nacl_entry(s, acl, acl_id, base + az, egress, from, to, v->subnets[tier][az].cidr);
}

static struct sm_resource *nacl_for_tier(struct sm_stack *s, const struct vpc *v,
					 enum vpc_tier tier)
{
	char *id = xstrfmt("%sNacl", vpc_tier_name(tier));
	struct sm_resource *acl = sm_resource_new(s, id, "AWS::EC2::NetworkAcl",
						  json_pack("{so}", "VpcId", sm_ref(v->vpc)));
	for (int az = 0; az < v->az_nr; az++) {
		char *aid = xstrfmt("%sAssoc%d", id, az + 1);
		sm_resource_new(s, aid, "AWS::EC2::SubnetNetworkAclAssociation",
				json_pack("{so so}", "NetworkAclId", sm_ref(acl), "SubnetId",
					  sm_ref(v->subnets[tier][az].subnet)));
		free(aid);
	}
	free(id);
	return acl;
}

/*
 * NACLs are stateless: every allowed flow needs its return traffic allowed
 * on the ephemeral ports, in the other direction.
 */
static void add_nacls(struct sm_stack *s, const struct env_config *cfg, struct networking *n)
{
	const struct vpc *v = &n->vpc;
	const char *any = "0.0.0.0/0";
	int app = cfg->container_port;

	/*
	 * public: the load balancer and the NAT gateways. Inbound 443 only: the
	 * load balancer's group admits CloudFront's origin-facing servers on 443
	 * and nothing on 80 (its prefix list weighs 55 of the group's 60 rules),
	 * so a NACL rule for 80 would open the subnet to a port no one may use
	 * (VPC user guide, "Control subnet traffic with network ACLs": the rules
	 * a subnet needs are the traffic it serves and its return traffic).
	 */
	struct sm_resource *pub = n->nacl[VPC_TIER_PUBLIC] = nacl_for_tier(s, v, VPC_TIER_PUBLIC);
	nacl_entry(s, pub, "PublicNacl", 100, false, PORT_HTTPS, PORT_HTTPS, any);
	nacl_entry(s, pub, "PublicNacl", 120, false, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_entry(s, pub, "PublicNacl", 100, true, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_entry(s, pub, "PublicNacl", 110, true, PORT_HTTPS, PORT_HTTPS, any);
	nacl_entries_to_tier(s, pub, "PublicNacl", 120, true, app, app, v, VPC_TIER_PRIVATE);

	/* private: the tasks and instances, the interface endpoints */
	struct sm_resource *prv = n->nacl[VPC_TIER_PRIVATE] = nacl_for_tier(s, v, VPC_TIER_PRIVATE);
	nacl_entries_to_tier(s, prv, "PrivateNacl", 100, false, app, app, v, VPC_TIER_PUBLIC);
	nacl_entry(s, prv, "PrivateNacl", 110, false, PORT_HTTPS, PORT_HTTPS, v->cidr);
	nacl_entry(s, prv, "PrivateNacl", 120, false, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_entry(s, prv, "PrivateNacl", 100, true, PORT_HTTPS, PORT_HTTPS, any);
	nacl_entries_to_tier(s, prv, "PrivateNacl", 110, true, PORT_POSTGRES, PORT_POSTGRES, v,
			     VPC_TIER_ISOLATED);
	nacl_entry(s, prv, "PrivateNacl", 120, true, EPHEMERAL_FROM, EPHEMERAL_TO, v->cidr);

	/* isolated: the database; nothing from or to outside the VPC */
	struct sm_resource *iso = n->nacl[VPC_TIER_ISOLATED] =
		nacl_for_tier(s, v, VPC_TIER_ISOLATED);
	nacl_entries_to_tier(s, iso, "IsolatedNacl", 100, false, PORT_POSTGRES, PORT_POSTGRES, v,
			     VPC_TIER_PRIVATE);
	nacl_entries_to_tier(s, iso, "IsolatedNacl", 100, true, EPHEMERAL_FROM, EPHEMERAL_TO, v,
			     VPC_TIER_PRIVATE);
	/* Multi-AZ replication and read replicas talk between the isolated subnets */
	nacl_entries_to_tier(s, iso, "IsolatedNacl", 200, false, -1, -1, v, VPC_TIER_ISOLATED);
	nacl_entries_to_tier(s, iso, "IsolatedNacl", 200, true, -1, -1, v, VPC_TIER_ISOLATED);
}

/* The CDK's "disallow all egress" rule: an SG needs one rule to drop the default. */
static json_t *no_egress(void)
{
	return json_pack("[{ss ss ss si si}]", "CidrIp", "255.255.255.255/32", "Description",
			 "Disallow all traffic", "IpProtocol", "icmp", "FromPort", 252, "ToPort",
			 86);
}

static struct sm_resource *sg_new(struct sm_stack *s, const char *id, const char *desc,
				  const struct vpc *v, json_t *ingress, json_t *egress)
{
	json_t *p = json_pack("{ss so}", "GroupDescription", desc, "VpcId", sm_ref(v->vpc));
	if (ingress)
		json_object_set_new(p, "SecurityGroupIngress", ingress);
	json_object_set_new(p, "SecurityGroupEgress", egress ? egress : no_egress());
	return sm_resource_new(s, id, "AWS::EC2::SecurityGroup", p);
}

/* A rule between two groups, as its own resource so that groups can refer to each other. */
static void sg_link(struct sm_stack *s, const char *id, struct sm_resource *from,
		    struct sm_resource *to, int port, const char *desc)
{
	char *eid = xstrfmt("%sEgress", id), *iid = xstrfmt("%sIngress", id);
	sm_resource_new(s, eid, "AWS::EC2::SecurityGroupEgress",
			json_pack("{so ss si si so ss}", "GroupId", sm_getatt(from, "GroupId"),
				  "IpProtocol", "tcp", "FromPort", port, "ToPort", port,
				  "DestinationSecurityGroupId", sm_getatt(to, "GroupId"),
				  "Description", desc));
	sm_resource_new(s, iid, "AWS::EC2::SecurityGroupIngress",
			json_pack("{so ss si si so ss}", "GroupId", sm_getatt(to, "GroupId"),
				  "IpProtocol", "tcp", "FromPort", port, "ToPort", port,
				  "SourceSecurityGroupId", sm_getatt(from, "GroupId"),
				  "Description", desc));
	free(eid);
	free(iid);
}

static void add_security_groups(struct sm_stack *s, const struct env_config *cfg,
				struct networking *n)
{
	const struct vpc *v = &n->vpc;
	/*
	 * Only CloudFront reaches the load balancer (https-only to the origin):
	 * its origin-facing servers are the AWS-managed prefix list
	 * CLOUDFRONT_PREFIX_LIST, whose ID differs per region, so `deploy` looks
	 * it up (DescribeManagedPrefixLists) and passes it as a parameter. The
	 * list weighs 55 rules against the quota of 60 inbound rules per group:
	 * one rule (443) fits, a second (80) would not, and CloudFront never
	 * uses 80 to this origin.
	 */
	json_t *cloudfront = sm_stack_add_lookup_parameter(
		s, "CloudFrontOriginFacingPrefixList",
		json_pack("{ss ss ss}", "Type", "String", "AllowedPattern", "^pl-[0-9a-f]+$",
			  "Description",
			  "ID of the managed prefix list " CLOUDFRONT_PREFIX_LIST
			  " in this region (solemate deploy looks it up)"),
		json_pack("{ss ss}", "lookup", "ec2:managed-prefix-list", "name",
			  CLOUDFRONT_PREFIX_LIST));
	n->alb_sg = sg_new(s, "AlbSecurityGroup",
			   "Load balancer: HTTPS from the CloudFront origin-facing servers only", v,
			   json_pack("[{so ss si si ss}]", "SourcePrefixListId", cloudfront,
				     "IpProtocol", "tcp", "FromPort", PORT_HTTPS, "ToPort",
				     PORT_HTTPS, "Description", "HTTPS from CloudFront"),
			   NULL);
	n->app_sg = sg_new(s, "AppSecurityGroup",
			   "Application: the container port from the load balancer only", v, NULL,
			   json_pack("[{ss ss si si ss}]", "CidrIp", "0.0.0.0/0", "IpProtocol",
				     "tcp", "FromPort", PORT_HTTPS, "ToPort", PORT_HTTPS,
				     "Description", "HTTPS to AWS endpoints and external APIs"));
	n->db_sg = sg_new(s, "DatabaseSecurityGroup",
			  "Database: PostgreSQL from the application only", v, NULL, NULL);
	if (cfg->interface_endpoints) /* no endpoints, no group for them */
		n->endpoint_sg =
			sg_new(s, "EndpointSecurityGroup",
			       "Interface endpoints: HTTPS from inside the VPC", v,
			       json_pack("[{ss ss si si ss}]", "CidrIp", v->cidr, "IpProtocol",
					 "tcp", "FromPort", PORT_HTTPS, "ToPort", PORT_HTTPS,
					 "Description", "HTTPS from the VPC"),
			       NULL);
	sg_link(s, "AlbToApp", n->alb_sg, n->app_sg, cfg->container_port,
		"Load balancer to the application");
	sg_link(s, "AppToDatabase", n->app_sg, n->db_sg, PORT_POSTGRES,
		"Application to PostgreSQL");
}

/* The services the tasks and instances call, so that this traffic never crosses the NAT. */
static const char *const interface_endpoints[] = {
	"ecr.api",     "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages",
	"ec2messages", "sts",	  "xray", "monitoring",	    NULL};

static void add_endpoints(struct sm_stack *s, const struct env_config *cfg, struct networking *n)
{
	const struct vpc *v = &n->vpc;
	json_t *rts = json_array();
	for (int t = VPC_TIER_PRIVATE; t <= VPC_TIER_ISOLATED; t++)
		for (int az = 0; az < v->az_nr; az++)
			json_array_append_new(rts, sm_ref(v->subnets[t][az].route_table));
	sm_resource_new(s, "S3GatewayEndpoint", "AWS::EC2::VPCEndpoint",
			json_pack("{so so ss so}", "ServiceName",
				  sm_fn_sub("com.amazonaws.${AWS::Region}.s3"), "VpcId",
				  sm_ref(v->vpc), "VpcEndpointType", "Gateway", "RouteTableIds",
				  rts));
	/* without them the private subnets reach the same APIs through the NAT route */
	for (int i = 0; cfg->interface_endpoints && interface_endpoints[i]; i++) {
		char *svc = xstrfmt("com.amazonaws.${AWS::Region}.%s", interface_endpoints[i]);
		char *id = xstrfmt("%sEndpoint", interface_endpoints[i]);
		sm_resource_new(s, id, "AWS::EC2::VPCEndpoint",
				json_pack("{so so ss sb so s[o]}", "ServiceName", sm_fn_sub(svc),
					  "VpcId", sm_ref(v->vpc), "VpcEndpointType", "Interface",
					  "PrivateDnsEnabled", 1, "SubnetIds",
					  vpc_subnet_ids(v, VPC_TIER_PRIVATE), "SecurityGroupIds",
					  sm_getatt(n->endpoint_sg, "GroupId")));
		free(svc);
		free(id);
	}
}

int networking_build(struct sm_stack *stack, const struct env_config *cfg, struct networking *out,
		     struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	if (vpc_new(stack, "Vpc",
		    &(struct vpc_props){.cidr = cfg->vpc_cidr,
					.max_azs = cfg->max_azs,
					.nat_gateways = cfg->nat_gateways},
		    &out->vpc, dl) < 0)
		return -1;
	/* the flow log and its log group hold data: they are in the data stack */
	nag_suppress(out->vpc.vpc,
		     "the VPC's flow log (VpcFlowLog, ALL traffic) is defined in the "
		     "environment's Data stack, beside its encrypted log group",
		     "AwsSolutions-VPC7", "NIST.800.53.R5-VPCFlowLogsEnabled",
		     "PCI.DSS.321-VPCFlowLogsEnabled", "HIPAA.Security-VPCFlowLogsEnabled", NULL);
	add_nacls(stack, cfg, out);
	add_security_groups(stack, cfg, out);
	add_endpoints(stack, cfg, out);
	sm_stack_add_output(stack, "VpcId", sm_ref(out->vpc.vpc), "The VPC", NULL);
	return 0;
}

int networking_add_flow_logs(struct sm_stack *data, const struct env_config *cfg,
			     const struct networking *net, const struct security_keys *keys,
			     struct diag_list *dl)
{
	(void)dl;
	struct sm_resource *lg =
		log_group_new(data, "VpcFlowLogs", NULL, keys->logs_key, cfg->log_retention_days,
			      cfg->protect_data ? "Retain" : NULL);
	/*
	 * The permissions the VPC user guide lists as the least a flow log's
	 * role needs ("IAM role for publishing flow logs to CloudWatch Logs"),
	 * on our group; but logs:CreateLogGroup (the group exists) and
	 * logs:DescribeLogGroups, which lists the region's groups and takes no
	 * narrower resource than all of them.
	 */
	struct sm_resource *role = iam_role_new(
		data, "VpcFlowLogsRole", "vpc-flow-logs.amazonaws.com",
		json_pack("[oo]",
			  iam_allow(json_pack("[sss]", "logs:CreateLogStream", "logs:PutLogEvents",
					      "logs:DescribeLogStreams"),
				    json_pack("[o]", sm_getatt(lg, "Arn"))),
			  iam_allow(json_pack("[s]", "logs:DescribeLogGroups"),
				    json_pack("[o]",
					      sm_fn_sub("arn:${AWS::Partition}:logs:${AWS::"
							"Region}:${AWS::AccountId}:log-group:*")))),
		NULL);
	nag_suppress(role,
		     "logs:DescribeLogGroups, which the VPC user guide lists among a flow log "
		     "role's least permissions, lists the region's log groups and takes no "
		     "narrower resource",
		     "AwsSolutions-IAM5", NULL);
	struct sm_resource *fl = sm_resource_new(
		data, "VpcFlowLog", "AWS::EC2::FlowLog",
		json_pack("{so ss ss ss so so}", "ResourceId", sm_ref(net->vpc.vpc), "ResourceType",
			  "VPC", "TrafficType", "ALL", "LogDestinationType", "cloud-watch-logs",
			  "LogGroupName", sm_ref(lg), "DeliverLogsPermissionArn",
			  sm_getatt(role, "Arn")));
	/*
	 * A flow log delivers with its role from the moment it exists; a role
	 * whose policy is not attached yet gives "Access error" and delivery
	 * FAILED (EC2 API reference, FlowLog, deliverLogsErrorMessage; VPC user
	 * guide, "IAM role for publishing flow logs to CloudWatch Logs").
	 */
	iam_role_wait_for(fl, role);
	return 0;
}
