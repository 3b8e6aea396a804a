/*
 * Deployability rules (SM-DEP-061..063): what one resource says of another
 * that the other contradicts: a security group rule naming a group of another
 * VPC, an origin access control on an S3 website endpoint, an alarm whose
 * dimensions its namespace does not have or whose value names no resource.
 */
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "analysis/refs.h"
#include "base/common.h"

static const struct sm_rule_meta dep_sg_other_vpc = DEP_RULE(
	"061", SM_SEV_ERROR, "Security group rule naming a group of another VPC without peering",
	"A rule may reference a security group of its own VPC, or of a peered VPC in the same "
	"Region over an active peering connection; EC2 refuses any other (InvalidGroup.NotFound "
	"or 'You have specified two resources that belong to different networks'), and never "
	"accepts a group of a peer VPC in another Region.",
	"Reference a group of the same VPC, peer the two VPCs (AWS::EC2::VPCPeeringConnection) "
	"in the same Region, or use the other VPC's CIDR block instead of its group.",
	"https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html");
static const struct sm_rule_meta dep_oac_website = DEP_RULE(
	"062", SM_SEV_ERROR, "Origin access control or identity on an S3 website endpoint origin",
	"CloudFront signs requests with origin access control (or an origin access identity) "
	"only for the S3 REST endpoint: an S3 website endpoint is a custom origin, which takes "
	"neither, so the distribution is refused or every request is denied.",
	"Use the bucket's RegionalDomainName (the REST endpoint) with the OAC, or keep the "
	"website endpoint as a custom origin (CustomOriginConfig, http-only) without OAC or OAI.",
	"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
	"private-content-restricting-access-to-s3.html");
static const struct sm_rule_meta dep_alarm_dimension = DEP_RULE(
	"063", SM_SEV_ERROR, "Alarm dimension its namespace does not have, or naming no resource",
	"A metric is identified by its namespace, name and exact dimensions: an alarm on a "
	"dimension the service never publishes, or on a value that is not the identifier the "
	"service uses (a load balancer's ARN where it publishes 'app/NAME/ID', a queue's URL "
	"where it publishes the name, a name no resource of the stacks has), watches a metric "
	"that does not exist and stays INSUFFICIENT_DATA: it never fires.",
	"Use the dimensions the service documents for the namespace, with the value it publishes "
	"(GetAtt LoadBalancerFullName, TargetGroupFullName, QueueName, TopicName; Ref of an "
	"instance, cluster, function or table).",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-properties-cloudwatch-alarm-dimension.html");

/* ---- SM-DEP-061: a rule's group and the group it names ---- */

/* Do two VpcId values (each from its stack) name the same VPC? 1 same, 0 not, -1 unknown. */
static int same_vpc(struct check_ctx *c, struct sm_template *at, const json_t *a,
		    struct sm_template *bt, const json_t *b)
{
	if (!a || !b)
		return -1;
	if (json_is_string(a) && json_is_string(b))
		return !strcmp(jstr(a), jstr(b));
	struct check_ctx x = *c, y = *c;
	x.t = at;
	y.t = bt;
	struct sm_template *aw, *bw;
	const char *aid = ref_target_any(&x, a, &aw), *bid = ref_target_any(&y, b, &bw);
	if (!aid || !bid || !sm_rref_resource((struct sm_rref){aw, aid}) ||
	    !sm_rref_resource((struct sm_rref){bw, bid}))
		return -1; /* a parameter, or one value a literal and the other a reference */
	return aw == bw && !strcmp(aid, bid);
}

/* Is there a peering connection between VPC values `a` and `b` (each seen from its stack)? */
static bool peered(struct check_ctx *c, struct sm_template *at, const json_t *a,
		   struct sm_template *bt, const json_t *b)
{
	size_t n;
	const struct typed_res *pcx = resources_of_type(c, "AWS::EC2::VPCPeeringConnection", &n);
	for (size_t i = 0; i < n; i++) {
		const json_t *v = jget(pcx[i].res, "Properties.VpcId"),
			     *p = jget(pcx[i].res, "Properties.PeerVpcId");
		if ((same_vpc(c, pcx[i].t, v, at, a) == 1 &&
		     same_vpc(c, pcx[i].t, p, bt, b) == 1) ||
		    (same_vpc(c, pcx[i].t, v, bt, b) == 1 && same_vpc(c, pcx[i].t, p, at, a) == 1))
			return true;
	}
	return false;
}

static bool same_region(const struct sm_template *a, const struct sm_template *b)
{
	return !a->region || !b->region || !strcmp(a->region, b->region);
}

/* One rule of group (gt, gid, group) that names `other` as its source or destination. */
static void sg_rule(struct check_ctx *c, const char *id, const char *prop, struct sm_template *gt,
		    const char *gid, const json_t *group, const json_t *rule, const char *other)
{
	if (json_object_get(rule, "SourceSecurityGroupOwnerId"))
		return; /* another account's group: only the account can tell */
	struct sm_template *ot;
	const char *oid;
	const json_t *og = resource_at(c, json_object_get(rule, other), &ot, &oid);
	if (!og || strcmp(res_type(og), "AWS::EC2::SecurityGroup"))
		return;
	const json_t *gv = jget(group, "Properties.VpcId"), *ov = jget(og, "Properties.VpcId");
	if (same_vpc(c, gt, gv, ot, ov) != 0)
		return;
	if (!same_region(gt, ot))
		check_report(c, &dep_sg_other_vpc, id, prop,
			     "security group '%s' names group '%s' of a VPC in %s, another Region: "
			     "no peering lets a rule reference it",
			     gid, oid, ot->region);
	else if (!peered(c, gt, gv, ot, ov))
		check_report(c, &dep_sg_other_vpc, id, prop,
			     "security group '%s' names group '%s', which belongs to another VPC, "
			     "and no peering connection joins the two VPCs",
			     gid, oid);
}

static void security_group(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *rule;
	json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, rule)
		sg_rule(c, id, "SecurityGroupIngress", c->t, id, r, rule, "SourceSecurityGroupId");
	json_array_foreach (json_object_get(p, "SecurityGroupEgress"), i, rule)
		sg_rule(c, id, "SecurityGroupEgress", c->t, id, r, rule,
			"DestinationSecurityGroupId");
}

static void sg_ingress(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	struct sm_template *gt;
	const char *gid;
	const json_t *g = resource_at(c, json_object_get(p, "GroupId"), &gt, &gid);
	if (g && !strcmp(res_type(g), "AWS::EC2::SecurityGroup"))
		sg_rule(c, id, "SourceSecurityGroupId", gt, gid, g, p, "SourceSecurityGroupId");
	(void)r;
}

static void sg_egress(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	struct sm_template *gt;
	const char *gid;
	const json_t *g = resource_at(c, json_object_get(p, "GroupId"), &gt, &gid);
	if (g && !strcmp(res_type(g), "AWS::EC2::SecurityGroup"))
		sg_rule(c, id, "DestinationSecurityGroupId", gt, gid, g, p,
			"DestinationSecurityGroupId");
	(void)r;
}

/* ---- SM-DEP-062: access control on a website endpoint ---- */

/* Does a value hold `needle` in a string, or a GetAtt of attribute `attr`, anywhere inside? */
static bool mentions(const json_t *v, const char *needle, const char *attr)
{
	if (json_is_string(v))
		return strstr(jstr(v), needle) != NULL;
	const json_t *ga = json_object_get(v, "Fn::GetAtt");
	if (ga && ((json_is_array(ga) && !strcmp(jstr(json_array_get(ga, 1)) ?: "", attr)) ||
		   (json_is_string(ga) && strstr(jstr(ga), attr))))
		return true;
	const char *k;
	json_t *x;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach ((json_t *)v, k, x) {
			if (mentions(x, needle, attr))
				return true;
		}
	}
	json_array_foreach (v, i, x) {
		if (mentions(x, needle, attr))
			return true;
	}
	return false;
}

/* The value an export or a value stands for, following Fn::ImportValue (for what it mentions). */
static const json_t *exported(struct check_ctx *c, const json_t *v)
{
	struct sm_template *t = c->t;
	const json_t *e = sm_follow_imports(c->a, &t, v);
	return e ? e : v;
}

static void distribution(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t i;
	json_t *o;
	json_array_foreach (jget(p, "DistributionConfig.Origins"), i, o) {
		const json_t *dn = exported(c, json_object_get(o, "DomainName"));
		if (!mentions(dn, ".s3-website", "WebsiteURL"))
			continue;
		const json_t *oac = json_object_get(o, "OriginAccessControlId");
		const char *oai = jstr(jget(o, "S3OriginConfig.OriginAccessIdentity"));
		const char *what = oac && (!json_is_string(oac) || *jstr(oac))
					   ? "an origin access control"
				   : oai && *oai ? "an origin access identity"
						 : NULL;
		if (what)
			check_report(c, &dep_oac_website, id, "DistributionConfig.Origins",
				     "origin '%s' of distribution '%s' is an S3 website endpoint "
				     "with %s, which only the S3 REST endpoint takes",
				     jstr(json_object_get(o, "Id")) ?: "?", id, what);
	}
	(void)r;
}

/* ---- SM-DEP-063: alarm dimensions ---- */

/*
 * The dimensions each namespace publishes (the "Dimensions" section of each
 * service's CloudWatch metrics page), and for those naming one resource, its
 * type, the attribute whose value the service publishes ("Ref" for Ref) and
 * the property holding an explicit name.
 */
struct dim_spec {
	const char *name, *type, *attr, *name_prop;
};
struct ns_spec {
	const char *ns;
	struct dim_spec dims[10];
};
#define DIM(n)                                                                                     \
	{                                                                                          \
		n, NULL, NULL, NULL                                                                \
	}
static const struct ns_spec namespaces[] = {
	{"AWS/RDS",
	 {{"DBInstanceIdentifier", "AWS::RDS::DBInstance", "Ref", "DBInstanceIdentifier"},
	  {"DBClusterIdentifier", "AWS::RDS::DBCluster", "Ref", "DBClusterIdentifier"},
	  DIM("DatabaseClass"),
	  DIM("EngineName"),
	  DIM("SourceRegion"),
	  DIM("Role"),
	  {"DbClusterIdentifier", "AWS::RDS::DBCluster", "Ref", "DBClusterIdentifier"}}},
	{"AWS/ApplicationELB",
	 {{"LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName",
	   NULL},
	  {"TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName", NULL},
	  DIM("AvailabilityZone")}},
	{"AWS/NetworkELB",
	 {{"LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName",
	   NULL},
	  {"TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName", NULL},
	  DIM("AvailabilityZone")}},
	{"AWS/ECS",
	 {{"ClusterName", "AWS::ECS::Cluster", "Ref", "ClusterName"},
	  {"ServiceName", "AWS::ECS::Service", "Name", "ServiceName"}}},
	{"AWS/Lambda",
	 {{"FunctionName", "AWS::Lambda::Function", "Ref", "FunctionName"},
	  DIM("Resource"),
	  DIM("ExecutedVersion")}},
	{"AWS/SQS", {{"QueueName", "AWS::SQS::Queue", "QueueName", "QueueName"}}},
	{"AWS/SNS",
	 {{"TopicName", "AWS::SNS::Topic", "TopicName", "TopicName"},
	  DIM("Application"),
	  DIM("Platform"),
	  DIM("Country"),
	  DIM("SMSType")}},
	{"AWS/DynamoDB",
	 {{"TableName", "AWS::DynamoDB::Table", "Ref", "TableName"},
	  DIM("GlobalSecondaryIndexName"),
	  DIM("Operation"),
	  DIM("OperationType"),
	  DIM("ReceivingRegion"),
	  DIM("StreamLabel"),
	  DIM("Verb")}},
	{"AWS/CloudFront",
	 {{"DistributionId", "AWS::CloudFront::Distribution", "Ref", NULL}, DIM("Region")}},
	{"AWS/NATGateway", {{"NatGatewayId", "AWS::EC2::NatGateway", "Ref", NULL}}},
	{"AWS/EC2",
	 {{"InstanceId", "AWS::EC2::Instance", "Ref", NULL},
	  {"AutoScalingGroupName", "AWS::AutoScaling::AutoScalingGroup", "Ref",
	   "AutoScalingGroupName"},
	  DIM("ImageId"),
	  DIM("InstanceType")}},
	{"AWS/AutoScaling",
	 {{"AutoScalingGroupName", "AWS::AutoScaling::AutoScalingGroup", "Ref",
	   "AutoScalingGroupName"}}},
	{NULL, {DIM(NULL)}},
};

#undef DIM

/* The resource a value stands for and the attribute it takes of it ("Ref" for Ref). */
static const char *value_attr(struct check_ctx *c, const json_t *v, struct sm_template **t,
			      const char **id)
{
	struct check_ctx x = *c;
	if (!(v = sm_follow_imports(c->a, &x.t, v)))
		return NULL;
	const json_t *ga = json_object_get(v, "Fn::GetAtt");
	const char *attr = json_is_object(v) && json_object_get(v, "Ref") ? "Ref"
			   : json_is_array(ga) ? jstr(json_array_get(ga, 1))
			   : json_is_string(ga) && strchr(jstr(ga), '.') ? strchr(jstr(ga), '.') + 1
									 : NULL;
	if (!attr || !resource_at(&x, v, t, id))
		return NULL;
	return attr;
}

/* Does a resource of the dimension's type in the assembly carry this explicit name? */
static bool named(struct check_ctx *c, const struct dim_spec *d, const char *value, size_t *nr)
{
	const struct typed_res *rs = resources_of_type(c, d->type, nr);
	for (size_t i = 0; i < *nr; i++) {
		const char *n = jstr(
			json_object_get(json_object_get(rs[i].res, "Properties"), d->name_prop));
		if (n && !strcmp(n, value))
			return true;
	}
	return false;
}

static void dimension(struct check_ctx *c, const char *id, const char *prop, const char *ns,
		      const struct ns_spec *spec, const json_t *dim)
{
	const char *name = jstr(json_object_get(dim, "Name"));
	if (!name)
		return;
	const struct dim_spec *d = NULL;
	for (int i = 0; i < 10 && spec->dims[i].name; i++)
		if (!strcmp(spec->dims[i].name, name))
			d = &spec->dims[i];
	if (!d) {
		check_report(c, &dep_alarm_dimension, id, prop,
			     "alarm '%s' watches %s with dimension %s, which that namespace does "
			     "not publish",
			     id, ns, name);
		return;
	}
	if (!d->type)
		return;
	const json_t *v = json_object_get(dim, "Value");
	struct sm_template *t;
	const char *rid;
	const char *attr = value_attr(c, v, &t, &rid);
	if (attr) {
		const json_t *r = sm_rref_resource((struct sm_rref){t, rid});
		if (strcmp(res_type(r), d->type))
			check_report(c, &dep_alarm_dimension, id, prop,
				     "alarm '%s': dimension %s names '%s', a %s, not a %s", id,
				     name, rid, res_type(r), d->type);
		else if (strcmp(attr, d->attr))
			check_report(c, &dep_alarm_dimension, id, prop,
				     "alarm '%s': dimension %s takes %s of '%s', which %s does not "
				     "publish (it publishes %s%s)",
				     id, name, strcmp(attr, "Ref") ? attr : "the Ref", rid, ns,
				     strcmp(d->attr, "Ref") ? "GetAtt " : "its Ref",
				     strcmp(d->attr, "Ref") ? d->attr : "");
		return;
	}
	size_t nr;
	if (d->name_prop && json_is_string(v) && !named(c, d, jstr(v), &nr) && nr)
		check_report(c, &dep_alarm_dimension, id, prop,
			     "alarm '%s': dimension %s is '%s', which no %s of these stacks is "
			     "named",
			     id, name, jstr(v), d->type);
}

static void metric(struct check_ctx *c, const char *id, const char *prop, const json_t *m)
{
	const char *ns = jstr(json_object_get(m, "Namespace"));
	if (!ns)
		return;
	const struct ns_spec *spec = NULL;
	for (int i = 0; namespaces[i].ns; i++)
		if (!strcmp(namespaces[i].ns, ns))
			spec = &namespaces[i];
	if (!spec)
		return; /* a namespace we hold no list for (custom metrics among them) */
	size_t i;
	json_t *dim;
	json_array_foreach (json_object_get(m, "Dimensions"), i, dim)
		dimension(c, id, prop, ns, spec, dim);
}

static void alarm(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	metric(c, id, "Dimensions", p);
	size_t i;
	json_t *q;
	json_array_foreach (json_object_get(p, "Metrics"), i, q)
		metric(c, id, "Metrics", jget(q, "MetricStat.Metric"));
	(void)r;
}

const struct resource_rule check_rules_dep_wire[] = {
	{&dep_sg_other_vpc, "AWS::EC2::SecurityGroup", security_group},
	{&dep_sg_other_vpc, "AWS::EC2::SecurityGroupIngress", sg_ingress},
	{&dep_sg_other_vpc, "AWS::EC2::SecurityGroupEgress", sg_egress},
	{&dep_oac_website, "AWS::CloudFront::Distribution", distribution},
	{&dep_alarm_dimension, "AWS::CloudWatch::Alarm", alarm},
	{NULL, NULL, NULL},
};
