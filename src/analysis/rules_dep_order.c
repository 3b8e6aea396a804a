/*
 * Deployability rules (SM-DEP-00x): a resource CloudFormation may create
 * before another it needs, because nothing (DependsOn, a reference) orders
 * them. CloudFormation creates resources in parallel unless ordered, so each
 * is an intermittent CREATE_FAILED.
 */
#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_capacity = DEP_RULE(
	"001", SM_SEV_ERROR, "ECS service uses capacity providers before the cluster has them",
	"CreateService answers InvalidParameterException (the capacity provider strategy names a "
	"capacity provider not associated with the cluster) when the service is created before "
	"AWS::ECS::ClusterCapacityProviderAssociations.",
	"Add the associations resource to the service's DependsOn (or set the providers in the "
	"cluster's own CapacityProviders).",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-ecs-clustercapacityproviderassociations.html");
static const struct sm_rule_meta dep_role_policy = DEP_RULE(
	"002", SM_SEV_ERROR, "Resource uses a role before the role's policy exists",
	"The service uses the role as soon as the resource exists (CloudTrail: "
	"InvalidCloudWatchLogsRoleArnException; RDS enhanced monitoring, CloudWatch Logs "
	"subscription filters: access denied; a VPC flow log: 'Access error'; an ECS service's "
	"first tasks cannot pull, log or read their secrets with the task execution role; an "
	"event source mapping polls with the function's role); a policy attached by a separate "
	"AWS::IAM::Policy, ManagedPolicy or RolePolicy may not be there yet.",
	"Add the policy resource to the DependsOn of the resource that uses the role, or put the "
	"policy inline in the role.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-attribute-dependson.html");
static const struct sm_rule_meta dep_recorder = DEP_RULE(
	"003", SM_SEV_ERROR, "AWS Config resource created before the configuration recorder",
	"Before you can create a delivery channel (or a Config rule), a configuration recorder "
	"must "
	"exist: PutDeliveryChannel answers NoAvailableConfigurationRecorderException.",
	"Add the AWS::Config::ConfigurationRecorder to the DependsOn of the delivery channel and "
	"of every Config rule.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-config-deliverychannel.html");
static const struct sm_rule_meta dep_igw = DEP_RULE(
	"004", SM_SEV_ERROR,
	"Route, NAT gateway or EIP created before the internet gateway is attached",
	"A route to an internet gateway, a public NAT gateway and an Elastic IP need the gateway "
	"attached to the VPC first; without a DependsOn on the AWS::EC2::VPCGatewayAttachment the "
	"create can fail (route: 'not attached to the VPC'; NAT gateway: 'has no Internet gateway "
	"attached').",
	"Add the VPCGatewayAttachment to the DependsOn of the route, the NAT gateway and the EIP.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-attribute-dependson.html");
static const struct sm_rule_meta dep_listener = DEP_RULE(
	"005", SM_SEV_ERROR,
	"ECS service created before its target group is attached to a load balancer",
	"CreateService answers 'The target group ... does not have an associated load balancer' "
	"when the listener (or listener rule) that forwards to the target group does not exist "
	"yet.",
	"Add the listener or listener rule that forwards to the target group to the service's "
	"DependsOn.",
	"https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
	"aws-resource-ecs-service.html");

/* Same cluster: both refer to the same resource, or carry the same literal. */
static bool same_target(struct check_ctx *c, const json_t *a, const json_t *b)
{
	struct sm_template *wa, *wb;
	const char *ia = ref_target_any(c, a, &wa), *ib = ref_target_any(c, b, &wb);
	if (ia && ib)
		return wa == wb && !strcmp(ia, ib);
	return json_is_string(a) && json_equal((json_t *)a, (json_t *)b);
}

static void ecs_service_order(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *strategy = json_object_get(p, "CapacityProviderStrategy");
	if (json_array_size(strategy)) {
		const json_t *cluster = resource_at(c, json_object_get(p, "Cluster"), NULL, NULL);
		bool own = json_array_size(jget(cluster, "Properties.CapacityProviders")) > 0;
		size_t na;
		const struct typed_res *assoc = template_resources_of_type(
			c, c->t, "AWS::ECS::ClusterCapacityProviderAssociations", &na);
		bool any = false;
		for (size_t k = 0; k < na; k++) {
			const char *aid = assoc[k].id;
			if (!same_target(c, jget(assoc[k].res, "Properties.Cluster"),
					 json_object_get(p, "Cluster")))
				continue;
			any = true;
			if (!depends_on(c, id, aid))
				check_report(
					c, &dep_capacity, id, "CapacityProviderStrategy",
					"service '%s' uses a capacity provider strategy but may be "
					"created "
					"before '%s' associates the providers with its cluster",
					id, aid);
		}
		if (!any && !own && cluster)
			check_report(c, &dep_capacity, id, "CapacityProviderStrategy",
				     "service '%s' uses a capacity provider strategy but no "
				     "capacity provider "
				     "is associated with its cluster",
				     id);
	}
	/* the target groups the service registers into must already sit behind a listener */
	size_t i;
	json_t *lb;
	json_array_foreach (json_object_get(p, "LoadBalancers"), i, lb) {
		const char *tg;
		struct sm_template *where;
		if (!resource_at(c, json_object_get(lb, "TargetGroupArn"), &where, &tg) ||
		    where != c->t)
			continue;
		static const char *const listeners[] = {"AWS::ElasticLoadBalancingV2::Listener",
							"AWS::ElasticLoadBalancingV2::ListenerRule",
							NULL};
		struct typed_iter li;
		bool ordered = false, forwarded = false;
		for (const struct typed_res *x = typed_iter_first(&li, c, c->t, listeners); x;
		     x = typed_iter_next(&li)) {
			const char *lid = x->id;
			const json_t *l = x->res;
			if (value_refers(jget(l, "Properties.DefaultActions"), tg) ||
			    value_refers(jget(l, "Properties.Actions"), tg)) {
				forwarded = true;
				ordered |= depends_on(c, id, lid);
			}
		}
		if (forwarded && !ordered)
			check_report(c, &dep_listener, id, "LoadBalancers",
				     "service '%s' registers into '%s' but may be created before "
				     "the listener "
				     "that forwards to it",
				     id, tg);
	}
	(void)r;
}

struct role_use {
	const char *type;
	/*
	 * The property holding the role; "A>B": property A names another
	 * resource of the template, whose property B holds it (what the service
	 * runs, with that resource's role, as soon as it exists).
	 */
	const char *path;
};

/*
 * Resources a service starts working with as soon as they exist, with the
 * role's permissions: CloudTrail checks its CloudWatch Logs role at
 * CreateTrail; RDS starts enhanced monitoring, a flow log starts delivering
 * ("Access error" in its deliverLogsErrorMessage), a subscription filter
 * tests delivery, an ECS service starts tasks that pull their image, open
 * their log stream and fetch their secrets with the task execution role
 * (and run with the task role), an event source mapping starts polling with
 * the function's execution role.
 */
static const struct role_use role_uses[] = {
	{"AWS::CloudTrail::Trail", "CloudWatchLogsRoleArn"},
	{"AWS::RDS::DBInstance", "MonitoringRoleArn"},
	{"AWS::Logs::SubscriptionFilter", "RoleArn"},
	{"AWS::EC2::FlowLog", "DeliverLogsPermissionArn"},
	{"AWS::ECS::Service", "Role"},
	{"AWS::ECS::Service", "TaskDefinition>ExecutionRoleArn"},
	{"AWS::ECS::Service", "TaskDefinition>TaskRoleArn"},
	{"AWS::Lambda::EventSourceMapping", "FunctionName>Role"},
	{NULL, NULL},
};

/* Does policy resource `pol` (Policy, ManagedPolicy: Roles; RolePolicy: RoleName) attach to `role`?
 */
static bool policy_attaches(struct check_ctx *c, const json_t *pol, const char *role)
{
	struct sm_template *w;
	const char *rid;
	if (!strcmp(res_type(pol), "AWS::IAM::RolePolicy")) {
		rid = ref_target_any(c, jget(pol, "Properties.RoleName"), &w);
		return rid && w == c->t && !strcmp(rid, role);
	}
	size_t i;
	json_t *x;
	json_array_foreach (jget(pol, "Properties.Roles"), i, x) {
		rid = ref_target_any(c, x, &w);
		if (rid && w == c->t && !strcmp(rid, role))
			return true;
	}
	return false;
}

/* The role of this template that `props` uses through `path` (role_use), its logical ID. */
static const char *role_used(struct check_ctx *c, const json_t *props, const char *path)
{
	const char *hop = strchr(path, '>');
	char first[64];
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(path, ">"), path);
	struct sm_template *where;
	const char *id;
	const json_t *r = resource_at(c, json_object_get(props, first), &where, &id);
	if (!r || where != c->t)
		return NULL;
	if (hop)
		return role_used(c, json_object_get(r, "Properties"), hop + 1);
	return strcmp(res_type(r), "AWS::IAM::Role") ? NULL : id;
}

static void role_policy_order(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = res_type(r);
	for (int u = 0; role_uses[u].type; u++) {
		if (strcmp(type, role_uses[u].type))
			continue;
		const char *role = role_used(c, p, role_uses[u].path);
		if (!role)
			continue;
		char prop[64]; /* where the finding points: the resource's own property */
		snprintf(prop, sizeof(prop), "%.*s", (int)strcspn(role_uses[u].path, ">"),
			 role_uses[u].path);
		static const char *const policies[] = {"AWS::IAM::Policy",
						       "AWS::IAM::ManagedPolicy",
						       "AWS::IAM::RolePolicy", NULL};
		struct typed_iter pi;
		for (const struct typed_res *x = typed_iter_first(&pi, c, c->t, policies); x;
		     x = typed_iter_next(&pi)) {
			const char *pid = x->id;
			if (policy_attaches(c, x->res, role) && !depends_on(c, id, pid))
				check_report(c, &dep_role_policy, id, prop,
					     "'%s' uses role '%s' (%s) but may be created before "
					     "'%s' gives the "
					     "role its permissions",
					     id, role, role_uses[u].path, pid);
		}
	}
}

static void config_order(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	size_t n;
	const struct typed_res *recs =
		template_resources_of_type(c, c->t, "AWS::Config::ConfigurationRecorder", &n);
	for (size_t k = 0; k < n; k++) {
		const char *rid = recs[k].id;
		if (!depends_on(c, id, rid))
			check_report(
				c, &dep_recorder, id, NULL,
				"%s '%s' may be created before the configuration recorder '%s'",
				res_type(r), id, rid);
	}
	(void)p;
}

static bool attaches_gateway(struct check_ctx *c, const json_t *att, const json_t *gw)
{
	return same_target(c, jget(att, "Properties.InternetGatewayId"), gw);
}

static void igw_order(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *type = res_type(r);
	const json_t *gw = json_object_get(p, "GatewayId");
	if (!strcmp(type, "AWS::EC2::Route")) {
		const json_t *g = resource_at(c, gw, NULL, NULL);
		if (!g || strcmp(res_type(g), "AWS::EC2::InternetGateway"))
			return;
	} else if (!strcmp(type, "AWS::EC2::NatGateway")) {
		if (!strcmp(jstr(json_object_get(p, "ConnectivityType")) ?: "public", "private"))
			return;
		gw = NULL; /* any attachment of the template */
	} else if (!strcmp(type, "AWS::EC2::EIP")) {
		/* an EIP for the VPC: "you must declare a dependency on the VPC-gateway attachment"
		 */
		if (strcmp(jstr(json_object_get(p, "Domain")) ?: "", "vpc"))
			return;
		gw = NULL;
	} else {
		return;
	}
	size_t n;
	const struct typed_res *atts =
		template_resources_of_type(c, c->t, "AWS::EC2::VPCGatewayAttachment", &n);
	for (size_t k = 0; k < n; k++) {
		const char *aid = atts[k].id;
		const json_t *att = atts[k].res;
		if (!jget(att, "Properties.InternetGatewayId") ||
		    (gw && !attaches_gateway(c, att, gw)))
			continue;
		if (!depends_on(c, id, aid))
			check_report(
				c, &dep_igw, id, NULL,
				"%s '%s' may be created before '%s' attaches the internet gateway",
				!strcmp(type, "AWS::EC2::Route") ? "route"
				: !strcmp(type, "AWS::EC2::EIP") ? "Elastic IP"
								 : "NAT gateway",
				id, aid);
	}
}

const struct resource_rule check_rules_dep_order[] = {
	{&dep_capacity, "AWS::ECS::Service", ecs_service_order},
	{&dep_role_policy, "*", role_policy_order},
	{&dep_recorder, "AWS::Config::DeliveryChannel", config_order},
	{&dep_recorder, "AWS::Config::ConfigRule", config_order},
	{&dep_recorder, "AWS::Config::ConformancePack", config_order},
	{&dep_igw, "AWS::EC2::Route", igw_order},
	{&dep_igw, "AWS::EC2::NatGateway", igw_order},
	{&dep_igw, "AWS::EC2::EIP", igw_order},
	{&dep_listener, "-", NULL},
	{NULL, NULL, NULL},
};
