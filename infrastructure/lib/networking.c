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
#include "constructs/network.h"

#define PORT_HTTPS 443
#define PORT_HTTP 80
#define CLOUDFRONT_PREFIX_LIST "com.amazonaws.global.cloudfront.origin-facing"
#define PORT_POSTGRES 5432
/* Linux and the AWS services pick ephemeral ports from 1024-65535. */
#define EPHEMERAL_FROM 1024
#define EPHEMERAL_TO 65535

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
	struct sm_resource *pub = n->nacl[VPC_TIER_PUBLIC] =
		nacl_new(s, "PublicNacl", v, VPC_TIER_PUBLIC);
	nacl_allow(s, pub, 100, false, PORT_HTTPS, PORT_HTTPS, any);
	nacl_allow(s, pub, 120, false, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_allow(s, pub, 100, true, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_allow(s, pub, 110, true, PORT_HTTPS, PORT_HTTPS, any);
	nacl_allow_tier(s, pub, 120, true, app, app, v, VPC_TIER_PRIVATE);
	/*
	 * A dual-stack public tier (the DR standby's): a custom network ACL
	 * denies what no entry allows, IPv6 included, and an IPv4 entry does not
	 * cover IPv6, so the load balancer's 443 and its answers need entries of
	 * their own (VPC user guide, "Network ACL rules"; ELB, "Dualstack
	 * requirements": the subnets' network ACLs must allow IPv6 traffic).
	 */
	if (v->ipv6_block) {
		nacl_allow(s, pub, 150, false, PORT_HTTPS, PORT_HTTPS, "::/0");
		nacl_allow(s, pub, 150, true, EPHEMERAL_FROM, EPHEMERAL_TO, "::/0");
	}
	/*
	 * The DR standby's load balancer is reached by visitors directly
	 * (add_security_groups): HTTP too, which its listener redirects to
	 * HTTPS as CloudFront does for the primary
	 */
	if (cfg->dr_standby) {
		nacl_allow(s, pub, 110, false, PORT_HTTP, PORT_HTTP, any);
		if (v->ipv6_block)
			nacl_allow(s, pub, 160, false, PORT_HTTP, PORT_HTTP, "::/0");
	}

	/* private: the tasks and instances, the interface endpoints */
	struct sm_resource *prv = n->nacl[VPC_TIER_PRIVATE] =
		nacl_new(s, "PrivateNacl", v, VPC_TIER_PRIVATE);
	nacl_allow_tier(s, prv, 100, false, app, app, v, VPC_TIER_PUBLIC);
	nacl_allow(s, prv, 110, false, PORT_HTTPS, PORT_HTTPS, v->cidr);
	nacl_allow(s, prv, 120, false, EPHEMERAL_FROM, EPHEMERAL_TO, any);
	nacl_allow(s, prv, 100, true, PORT_HTTPS, PORT_HTTPS, any);
	nacl_allow_tier(s, prv, 110, true, PORT_POSTGRES, PORT_POSTGRES, v, VPC_TIER_ISOLATED);
	nacl_allow(s, prv, 120, true, EPHEMERAL_FROM, EPHEMERAL_TO, v->cidr);

	/* isolated: the database; nothing from or to outside the VPC */
	struct sm_resource *iso = n->nacl[VPC_TIER_ISOLATED] =
		nacl_new(s, "IsolatedNacl", v, VPC_TIER_ISOLATED);
	nacl_allow_tier(s, iso, 100, false, PORT_POSTGRES, PORT_POSTGRES, v, VPC_TIER_PRIVATE);
	nacl_allow_tier(s, iso, 100, true, EPHEMERAL_FROM, EPHEMERAL_TO, v, VPC_TIER_PRIVATE);
	/* Multi-AZ replication and read replicas talk between the isolated subnets */
	nacl_allow_tier(s, iso, 200, false, -1, -1, v, VPC_TIER_ISOLATED);
	nacl_allow_tier(s, iso, 200, true, -1, -1, v, VPC_TIER_ISOLATED);
}

/*
 * The Edge stack's failover health check (OriginHealthCheck, edge.c) opens
 * HTTPS to origin.<domain>, this load balancer, from Route 53's health
 * checkers, which are not CloudFront: without a rule for them the check
 * fails, the calculated PrimaryHealthCheck with it, and Route 53 sends
 * every visitor to the standby for good. Their addresses are the
 * AWS-managed prefix list com.amazonaws.<region>.route53-healthchecks of the
 * load balancer's region (Route 53 developer guide, "Configuring router and
 * firewall rules for Amazon Route 53 health checks"; the check resolves the
 * name to an IPv4 address, so the IPv4 list is the one). It weighs 25, and
 * CloudFront's 55 already fills the first group's 60 inbound rules: a
 * second group on the load balancer, which takes up to 5 (VPC quotas,
 * "Security groups").
 */
static struct sm_resource *health_checkers_group(struct sm_stack *s, const struct env_config *cfg,
						 const struct vpc *v)
{
	char *name = xstrfmt("com.amazonaws.%s.route53-healthchecks", cfg->region);
	json_t *checkers = sm_stack_add_prefix_list_parameter(s, "Route53HealthCheckersPrefixList",
							      name, NULL);
	free(name);
	return security_group_new(
		s, "AlbHealthCheckSecurityGroup",
		&(struct security_group_props){
			.description = "Load balancer: HTTPS from the Route 53 health checkers "
				       "(DNS failover checks the origin)",
			.vpc = v,
			.ingress = sm_list(sg_tcp_prefix_list(
				checkers, PORT_HTTPS, "HTTPS from Route 53 health checkers"))});
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
	if (cfg->dr_standby) {
		/*
		 * The DR standby's load balancer is reached without CloudFront: the
		 * SECONDARY record of the Route 53 failover pair sends the shop's
		 * visitors to it directly when the primary path fails its health
		 * check, so HTTPS from CloudFront's prefix list alone would refuse
		 * every one of them. Its regional web ACL (IP reputation, managed
		 * rules, rate limit per client address) stands in front of it.
		 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html
		 * HTTP as well: its listener on 80 redirects to HTTPS, as
		 * CloudFront does before the failover (redirect-to-https); a group
		 * without it leaves http:// visitors waiting for a timeout.
		 */
		n->alb_sg = security_group_new(
			s, "AlbSecurityGroup",
			&(struct security_group_props){
				.description = "Load balancer of the DR standby: HTTPS from the "
					       "internet, which DNS failover sends to it directly",
				.vpc = v,
				.ingress = sm_list(
					sg_tcp_cidr("0.0.0.0/0", PORT_HTTPS,
						    "HTTPS from visitors after DNS failover"),
					sg_tcp_cidr("::/0", PORT_HTTPS,
						    "HTTPS from IPv6 visitors after DNS failover"),
					sg_tcp_cidr("0.0.0.0/0", PORT_HTTP,
						    "HTTP from visitors, redirected to HTTPS"),
					sg_tcp_cidr(
						"::/0", PORT_HTTP,
						"HTTP from IPv6 visitors, redirected to HTTPS"))});
		accept_finding(n->alb_sg, "SM-EC2-010",
			       "the DR standby is the SECONDARY of a Route 53 failover pair: "
			       "visitors reach its load balancer directly, on 443 and on 80 "
			       "(redirected to 443), through its regional web ACL");
	} else {
		json_t *cloudfront = sm_stack_add_prefix_list_parameter(
			s, "CloudFrontOriginFacingPrefixList", CLOUDFRONT_PREFIX_LIST,
			"ID of the managed prefix list " CLOUDFRONT_PREFIX_LIST
			" in this region (solemate deploy looks it up)");
		n->alb_sg = security_group_new(
			s, "AlbSecurityGroup",
			&(struct security_group_props){
				.description =
					"Load balancer: HTTPS from the CloudFront origin-facing "
					"servers only",
				.vpc = v,
				.ingress = sm_list(sg_tcp_prefix_list(cloudfront, PORT_HTTPS,
								      "HTTPS from CloudFront"))});
		if (env_dns_failover(cfg))
			n->alb_health_check_sg = health_checkers_group(s, cfg, v);
	}
	n->app_sg = security_group_new(
		s, "AppSecurityGroup",
		&(struct security_group_props){
			.description =
				"Application: the container port from the load balancer only",
			.vpc = v,
			.egress = sm_list(sg_tcp_cidr("0.0.0.0/0", PORT_HTTPS,
						      "HTTPS to AWS endpoints and external "
						      "APIs"))});
	n->db_sg = security_group_new(
		s, "DatabaseSecurityGroup",
		&(struct security_group_props){
			.description = "Database: PostgreSQL from the application only", .vpc = v});
	if (cfg->interface_endpoints) /* no endpoints, no group for them */
		n->endpoint_sg = security_group_new(
			s, "EndpointSecurityGroup",
			&(struct security_group_props){
				.description = "Interface endpoints: HTTPS from inside the VPC",
				.vpc = v,
				.ingress = sm_list(
					sg_tcp_cidr(v->cidr, PORT_HTTPS, "HTTPS from the VPC"))});
	security_group_connect(s, "AlbToApp", n->alb_sg, n->app_sg, cfg->container_port,
			       "Load balancer to the application");
	security_group_connect(s, "AppToDatabase", n->app_sg, n->db_sg, PORT_POSTGRES,
			       "Application to PostgreSQL");
}

/* The services the tasks and instances call, so that this traffic never crosses the NAT. */
static const char *const interface_endpoints[] = {
	"ecr.api",     "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages",
	"ec2messages", "sts",	  "xray", "monitoring",	    NULL};

static void add_endpoints(struct sm_stack *s, const struct env_config *cfg, struct networking *n)
{
	const struct vpc *v = &n->vpc;
	vpc_gateway_endpoint_new(s, "S3GatewayEndpoint", v, "s3");
	/* without them the private subnets reach the same APIs through the NAT route */
	for (int i = 0; cfg->interface_endpoints && interface_endpoints[i]; i++) {
		char *id = xstrfmt("%sEndpoint", interface_endpoints[i]);
		vpc_interface_endpoint_new(s, id, v, interface_endpoints[i], n->endpoint_sg);
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
					.nat_gateways = cfg->nat_gateways,
					/* the AAAA failover records reach the standby's ALB */
					.public_ipv6 = cfg->dr_standby},
		    &out->vpc, dl) < 0)
		return -1;
	/* the flow log and its log group hold data: they are in the data stack */
	accept_finding(out->vpc.vpc, "SM-EC2-008",
		       "the VPC's flow log (VpcFlowLog, ALL traffic) is defined in the "
		       "environment's Data stack, beside its encrypted log group");
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
	vpc_flow_log_new(
		data, "VpcFlowLog",
		&(struct flow_log_props){.vpc = &net->vpc,
					 .kms_key = keys->logs_key,
					 .retention_days = cfg->log_retention_days,
					 .retain_policy = cfg->protect_data ? "Retain" : NULL});
	return 0;
}
