/* check rules: security groups, instances, launch templates, VPCs. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

#define N3(r) "NIST.800.53.R5-" r " PCI.DSS.321-" r " HIPAA.Security-" r

static const struct sm_rule_meta sg_world = {
	"SM-EC2-001", SM_SEV_ERROR,
	"Security group open to the internet on a port other than 80/443",
	"Every port open to 0.0.0.0/0 is attack surface; only a load balancer's HTTP(S) needs it.",
	"Restrict the source to a security group or a known CIDR.",
	"FSBP EC2.18; FSBP EC2.19; PCI DSS 1.2.1; CIS 5.2",
	"AwsSolutions-EC23 " N3("EC2RestrictedCommonPorts"), NULL, NULL,
	/* nag_partial: EC23: any open port, 80/443 too; RestrictedCommonPorts: six ports; this:
	   every port but 80/443 */
	"AwsSolutions-EC23 " N3("EC2RestrictedCommonPorts")};
static const struct sm_rule_meta sg_admin = {
	"SM-EC2-002", SM_SEV_ERROR, "SSH or RDP open to the internet",
	"Remote administration ports open to the world are scanned and brute-forced constantly.",
	"Use Session Manager (SSM) instead of SSH; close 22 and 3389.",
	"FSBP EC2.13; FSBP EC2.14; CIS 5.2; CIS 5.3; PCI DSS 1.2.1", N3("EC2RestrictedSSH"), NULL,
	NULL,
	/* nag_partial: EC2RestrictedSSH: port 22 only; this: RDP's 3389 too */
	N3("EC2RestrictedSSH")};
static const struct sm_rule_meta sg_web_not_lb = {
	"SM-EC2-003",
	SM_SEV_WARNING,
	"Security group open to the internet on 80/443 but not used by a load balancer",
	"Only the load balancer should take traffic from the internet; instances behind it should "
	"not.",
	"Open 80/443 to the world only on the load balancer's group.",
	"FSBP EC2.18; PCI DSS 1.3.1",
	"AwsSolutions-EC23",
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta imdsv2 = {
	"SM-EC2-004",
	SM_SEV_ERROR,
	"Instance metadata service v1 allowed",
	"IMDSv1 lets an SSRF bug read the instance role's credentials.",
	"Set MetadataOptions.HttpTokens to required.",
	"FSBP EC2.8; NIST AC-6",
	N3("EC2IMDSv2Enabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta ssh_key = {
	"SM-EC2-005",
	SM_SEV_WARNING,
	"Instance with an SSH key pair",
	"Long-lived SSH keys are shared and rarely rotated; Session Manager is audited.",
	"Remove KeyName; grant AmazonSSMManagedInstanceCore to the instance role.",
	"CIS 5.x; PCI DSS 8.2",
	NULL,
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta ebs_encryption = {
	"SM-EC2-006",
	SM_SEV_ERROR,
	"EBS volume not encrypted",
	"Instance volumes hold application data, logs and secrets in memory dumps.",
	"Set Encrypted true on every block device mapping and volume.",
	"FSBP EC2.3; FSBP EC2.7; PCI DSS 3.4",
	N3("EC2EBSVolumeEncrypted"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta public_ip = {
	"SM-EC2-007",
	SM_SEV_WARNING,
	"Instances or subnets assign public IP addresses",
	"A public address makes an instance reachable from the internet if a rule allows it.",
	"Keep instances in private subnets; set MapPublicIpOnLaunch/AssociatePublicIpAddress "
	"false.",
	"FSBP EC2.9; FSBP EC2.15; PCI DSS 1.3.6",
	N3("EC2InstanceNoPublicIp") " " N3("VPCSubnetAutoAssignPublicIpDisabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta flow_logs = {
	"SM-EC2-008",
	SM_SEV_ERROR,
	"VPC without flow logs",
	"Flow logs are the record of who talked to what, needed to investigate an intrusion.",
	"Add an AWS::EC2::FlowLog (TrafficType ALL) for the VPC.",
	"FSBP EC2.6; CIS 3.9; PCI DSS 10.2",
	"AwsSolutions-VPC7 " N3("VPCFlowLogsEnabled"),
	NULL,
	NULL,
	NULL};
static const struct sm_rule_meta nacl_open = {
	"SM-EC2-009",
	SM_SEV_WARNING,
	"Network ACL allows all traffic from the internet",
	"An allow-all NACL entry removes the network's second layer of defence.",
	"Allow only the ports each tier needs, plus ephemeral ports for return traffic.",
	"FSBP EC2.21; PCI DSS 1.2.1",
	NULL,
	NULL,
	NULL,
	NULL};

static const struct sm_rule_meta lb_world = {
	"SM-EC2-010", SM_SEV_INFO, "Load balancer open to the internet on 80/443",
	"Expected for a public entry point; listed so that every internet-facing port is reviewed.",
	"Keep it to the load balancer, behind WAF; redirect 80 to 443.", "PCI DSS 1.3.1",
	"AwsSolutions-EC23 " N3("EC2RestrictedCommonPorts"), NULL, NULL,
	/* nag_partial: RestrictedCommonPorts: six other ports, never 80/443 */
	N3("EC2RestrictedCommonPorts")};
static const struct sm_rule_meta igw_route = {
	"SM-EC2-011",
	SM_SEV_INFO,
	"Route to the internet gateway",
	"A default route to the internet gateway makes a subnet public; only what must face the "
	"internet belongs there.",
	"Keep application and data tiers in subnets routed through NAT or not routed out at all.",
	"PCI DSS 1.3.1",
	N3("VPCNoUnrestrictedRouteToIGW"),
	NULL,
	NULL,
	NULL};

static long port_of(const json_t *v, long dflt)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_string(v))
		return strtol(jstr(v), NULL, 10);
	return dflt;
}

static bool covers(long from, long to, long port)
{
	return from == -1 || (from <= port && port <= to);
}

/*
 * IpProtocol as EC2 reads it: a name or an IANA number; -1 (or "all") is every
 * protocol and port. For ICMP (1) and ICMPv6 (58) FromPort/ToPort are the type
 * and code, not ports. Returns the name to print, and sets *ports when the rule
 * has a port range.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-securitygroup-ingress.html
 */
static const char *protocol_name(const json_t *v, bool *ports, bool *all)
{
	char buf[16];
	const char *s = jstr(v);
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		s = buf;
	}
	*ports = false;
	*all = false;
	if (!s || !strcmp(s, "-1") || !strcasecmp(s, "all")) {
		*all = true;
		return "all traffic";
	}
	if (!strcasecmp(s, "tcp") || !strcmp(s, "6")) {
		*ports = true;
		return "tcp";
	}
	if (!strcasecmp(s, "udp") || !strcmp(s, "17")) {
		*ports = true;
		return "udp";
	}
	if (!strcasecmp(s, "icmp") || !strcmp(s, "1"))
		return "icmp";
	if (!strcasecmp(s, "icmpv6") || !strcmp(s, "58"))
		return "icmpv6";
	return "another protocol";
}

static void check_ingress(struct check_ctx *c, const char *sg_id, const char *report_id,
			  const json_t *rule, const char *prop)
{
	const char *cidr = jstr(json_object_get(rule, "CidrIp"));
	if (!cidr)
		cidr = jstr(json_object_get(rule, "CidrIpv6"));
	if (!is_world(cidr))
		return;
	bool ports, all;
	const char *proto = protocol_name(json_object_get(rule, "IpProtocol"), &ports, &all);
	if (!ports && !all)
		return; /* ICMP's type/code or a portless protocol: not an open port */
	long from = port_of(json_object_get(rule, "FromPort"), -1);
	long to = port_of(json_object_get(rule, "ToPort"), from);
	if (all)
		from = to = -1;
	if (covers(from, to, 22) || covers(from, to, 3389)) {
		check_report(c, &sg_admin, report_id, prop, "'%s' allows %s from %s to port %s",
			     sg_id, proto, cidr, covers(from, to, 22) ? "22 (SSH)" : "3389 (RDP)");
		return;
	}
	if (from != -1 && (from == 80 || from == 443) && to == from) {
		if (!referenced_by(c, c->t, sg_id, "AWS::ElasticLoadBalancingV2::LoadBalancer",
				   "SecurityGroups") &&
		    !referenced_by(c, c->t, sg_id, "AWS::ElasticLoadBalancing::LoadBalancer",
				   "SecurityGroups"))
			check_report(c, &sg_web_not_lb, report_id, prop,
				     "'%s' takes port %ld from the internet but no load balancer "
				     "uses it",
				     sg_id, from);
		else
			check_report(c, &lb_world, report_id, prop,
				     "load balancer group '%s' takes port %ld from the internet",
				     sg_id, from);
		return;
	}
	check_report(c, &sg_world, report_id, prop, "'%s' allows %s ports %ld-%ld from %s", sg_id,
		     proto, from, to, cidr);
}

static void security_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *rule;
	json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, rule) {
		check_ingress(c, id, id, rule, "SecurityGroupIngress");
	}
	(void)r;
}

static void ingress_resource(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	struct sm_template *where;
	const char *sg = ref_target_any(c, json_object_get(p, "GroupId"), &where);
	check_ingress(c, sg ? sg : id, id, p, NULL);
	(void)r;
}

static void metadata_and_disks(struct check_ctx *c, const char *id, const json_t *data,
			       const char *prefix)
{
	char prop[96];
	if (strcmp(jstr(jget(data, "MetadataOptions.HttpTokens")) ?: "", "required")) {
		snprintf(prop, sizeof(prop), "%sMetadataOptions", prefix);
		check_report(c, &imdsv2, id, prop, "'%s' does not require IMDSv2 (HttpTokens)", id);
	}
	if (json_object_get(data, "KeyName")) {
		snprintf(prop, sizeof(prop), "%sKeyName", prefix);
		check_report(c, &ssh_key, id, prop, "'%s' has an SSH key pair", id);
	}
	size_t i;
	json_t *bd;
	json_array_foreach (json_object_get(data, "BlockDeviceMappings"), i, bd) {
		const json_t *ebs = json_object_get(bd, "Ebs");
		if (ebs && !jtrue(json_object_get(ebs, "Encrypted"))) {
			snprintf(prop, sizeof(prop), "%sBlockDeviceMappings", prefix);
			check_report(c, &ebs_encryption, id, prop,
				     "'%s' has an unencrypted volume (%s)", id,
				     jstr(json_object_get(bd, "DeviceName")) ?: "?");
		}
	}
	json_t *ni;
	json_array_foreach (json_object_get(data, "NetworkInterfaces"), i, ni) {
		if (jtrue(json_object_get(ni, "AssociatePublicIpAddress")))
			check_report(c, &public_ip, id, NULL, "'%s' associates a public IP address",
				     id);
	}
}

static void launch_template(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	metadata_and_disks(c, id, json_object_get(p, "LaunchTemplateData"), "LaunchTemplateData.");
	(void)r;
}

static void instance(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	/* an instance may take its metadata options from a launch template */
	if (json_object_get(p, "LaunchTemplate")) {
		if (json_object_get(p, "KeyName"))
			check_report(c, &ssh_key, id, "KeyName", "'%s' has an SSH key pair", id);
		return;
	}
	metadata_and_disks(c, id, p, "");
	(void)r;
}

static void volume(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!jtrue(json_object_get(p, "Encrypted")))
		check_report(c, &ebs_encryption, id, "Encrypted", "volume '%s' is not encrypted",
			     id);
	(void)r;
}

static void subnet(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (jtrue(json_object_get(p, "MapPublicIpOnLaunch")))
		check_report(c, &public_ip, id, "MapPublicIpOnLaunch",
			     "subnet '%s' gives every instance a public IP", id);
	(void)r;
}

static void vpc(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!referenced_by(c, c->t, id, "AWS::EC2::FlowLog", "ResourceId"))
		check_report(c, &flow_logs, id, NULL, "no flow log records the traffic of VPC '%s'",
			     id);
	(void)p;
	(void)r;
}

static void route(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (is_world(jstr(json_object_get(p, "DestinationCidrBlock"))) &&
	    json_object_get(p, "GatewayId"))
		check_report(c, &igw_route, id, "GatewayId",
			     "route '%s' sends 0.0.0.0/0 to an internet gateway", id);
	(void)r;
}

static void nacl_entry(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (jtrue(json_object_get(p, "Egress")) ||
	    strcmp(jstr(json_object_get(p, "RuleAction")) ?: "", "allow"))
		return;
	long proto = port_of(json_object_get(p, "Protocol"), 0);
	if (is_world(jstr(json_object_get(p, "CidrBlock"))) && proto == -1)
		check_report(c, &nacl_open, id, NULL, "'%s' allows all protocols from the internet",
			     id);
	(void)r;
}

const struct resource_rule check_rules_ec2[] = {
	{&sg_world, "AWS::EC2::SecurityGroup", security_group},
	{&sg_admin, "AWS::EC2::SecurityGroupIngress", ingress_resource},
	{&sg_web_not_lb, "-", NULL},
	{&imdsv2, "AWS::EC2::LaunchTemplate", launch_template},
	{&ssh_key, "AWS::EC2::Instance", instance},
	{&ebs_encryption, "AWS::EC2::Volume", volume},
	{&public_ip, "AWS::EC2::Subnet", subnet},
	{&flow_logs, "AWS::EC2::VPC", vpc},
	{&nacl_open, "AWS::EC2::NetworkAclEntry", nacl_entry},
	{&lb_world, "-", NULL},
	{&igw_route, "AWS::EC2::Route", route},
	{NULL, NULL, NULL},
};
