/*
 * Deployability rules (SM-DEP-088..091): what ECS refuses in a task
 * definition's containers or a service's placement, and EC2 capacity that
 * cannot serve its cluster: a capacity provider whose termination protection
 * the Auto Scaling group cannot honour, instances that register with
 * another cluster.
 */
#include <ctype.h>
#include <stdio.h>

#include "analysis/check_ctx.h"
#include "base/common.h"
#include "base/strbuf.h"

static const struct sm_rule_meta dep_containers = DEP_RULE(
	"088", SM_SEV_ERROR, "Container definitions ECS refuses to register",
	"RegisterTaskDefinition refuses a task without an essential container (Essential defaults "
	"to true), two containers of one name, a DependsOn naming no container of the task, a "
	"HostPort other than the ContainerPort in awsvpc or host network mode, and containers "
	"whose memory (Memory, or MemoryReservation) or CPU units pass the task's own Memory or "
	"Cpu (ClientException).",
	"Keep one container Essential, give each a name of its own and depend only on those, drop "
	"HostPort (or make it the ContainerPort) in awsvpc mode, and size the containers within "
	"the task.",
	"https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html");
static const struct sm_rule_meta dep_service_launch = DEP_RULE(
	"089", SM_SEV_ERROR, "ECS service placement or networking CreateService refuses",
	"CreateService takes a LaunchType or a CapacityProviderStrategy, never both; a service on "
	"Fargate (launch type FARGATE, or a strategy of FARGATE and FARGATE_SPOT only) takes no "
	"PlacementConstraints, PlacementStrategies nor the DAEMON scheduling strategy; a task in "
	"awsvpc network mode needs the service's NetworkConfiguration, and a task in another mode "
	"refuses one (InvalidParameterException).",
	"Drop LaunchType beside a capacity provider strategy, placement settings and DAEMON on "
	"Fargate, and give NetworkConfiguration.AwsvpcConfiguration exactly when the task is in "
	"awsvpc mode.",
	"https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html");
static const struct sm_rule_meta dep_termination = DEP_RULE(
	"090", SM_SEV_ERROR,
	"Capacity provider termination protection the Auto Scaling group cannot honour",
	"Managed termination protection needs managed scaling, and the Auto Scaling group and "
	"each of its instances protected from scale-in: CreateCapacityProvider refuses ENABLED on "
	"a group without NewInstancesProtectedFromScaleIn ('The managed termination protection "
	"setting for the capacity provider is invalid'), and without managed scaling the "
	"protection does not work.",
	"Set NewInstancesProtectedFromScaleIn: true on the Auto Scaling group and ManagedScaling "
	"Status ENABLED, or ManagedTerminationProtection DISABLED.",
	"https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
	"API_AutoScalingGroupProvider.html");
static const struct sm_rule_meta dep_ecs_cluster = DEP_RULE(
	"091", SM_SEV_ERROR, "EC2 capacity whose instances register with another cluster",
	"A container instance registers with the cluster its ECS agent reads from ECS_CLUSTER in "
	"/etc/ecs/ecs.config, which the launch template's user data writes; without it the agent "
	"registers with the cluster named default. The capacity provider's instances then serve "
	"another cluster: its tasks are never placed and managed scaling adds instances that never "
	"join.",
	"Write ECS_CLUSTER=<the cluster's name> to /etc/ecs/ecs.config in the launch template's "
	"UserData (Fn::Base64 of Fn::Sub with ${Cluster}).",
	"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
	"bootstrap_container_instance.html");

static const struct sm_rule_meta dep_health_port = DEP_RULE(
	"108", SM_SEV_ERROR,
	"Target group health check on a port the service's container does not map",
	"A target group checks each target on its HealthCheckPort (traffic-port by default, the "
	"port the target is registered on); an ECS service registers its tasks on the container "
	"port of its LoadBalancers entry, so a fixed HealthCheckPort that the container does not "
	"map is never answered: every target is unhealthy, ECS replaces the tasks in a loop and "
	"the deployment circuit breaker fails the stack.",
	"Leave HealthCheckPort at traffic-port, or set it to a port the container maps and "
	"answers health checks on.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	"target-group-health-checks.html");

/* ---- SM-DEP-088: container definitions ---- */

static bool essential(const json_t *ct)
{
	const json_t *e = json_object_get(ct, "Essential");
	return !e || jtrue(e);
}

static bool has_container(const json_t *cts, const char *name)
{
	size_t i;
	json_t *ct;
	json_array_foreach (cts, i, ct) {
		if (!strcmp(jstr(json_object_get(ct, "Name")) ?: "", name))
			return true;
	}
	return false;
}

/* The container's name and what it reserves (MemoryReservation, else Memory; -1 unknown). */
static long reserved_memory(const json_t *ct)
{
	long m = jnum(json_object_get(ct, "MemoryReservation"), -1);
	return m >= 0 ? m : jnum(json_object_get(ct, "Memory"), -1);
}

static void container_ports(struct check_ctx *c, const char *id, const char *name, const json_t *ct)
{
	size_t k;
	json_t *pm;
	json_array_foreach (json_object_get(ct, "PortMappings"), k, pm) {
		long host = jnum(json_object_get(pm, "HostPort"), -1);
		long port = jnum(json_object_get(pm, "ContainerPort"), -1);
		if (host >= 0 && port >= 0 && host != port)
			check_report(c, &dep_containers, id, "ContainerDefinitions",
				     "container '%s' of task definition '%s' maps host port %ld "
				     "to container port %ld in a network mode where they must be "
				     "equal",
				     name, id, host, port);
	}
}

static void task_definition(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *cts = json_object_get(p, "ContainerDefinitions");
	const char *mode = jstr(json_object_get(p, "NetworkMode"));
	bool same_ports =
		task_is_fargate(p) || (mode && (!strcmp(mode, "awsvpc") || !strcmp(mode, "host")));
	long task_mem = jnum(json_object_get(p, "Memory"), -1);
	long task_cpu = jnum(json_object_get(p, "Cpu"), -1);
	long mem = 0, cpu = 0;
	bool any_essential = false, known = json_is_array(cts);
	size_t i;
	json_t *ct;
	json_array_foreach (cts, i, ct) {
		const char *name = jstr(json_object_get(ct, "Name"));
		if (!name) {
			known = false; /* a container from an expression: judge no total */
			continue;
		}
		any_essential |= essential(ct);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(jstr(json_object_get(json_array_get(cts, j), "Name")) ?: "",
				    name))
				check_report(c, &dep_containers, id, "ContainerDefinitions",
					     "task definition '%s' has two containers named '%s'",
					     id, name);
		size_t k;
		json_t *d;
		json_array_foreach (json_object_get(ct, "DependsOn"), k, d) {
			const char *on = jstr(json_object_get(d, "ContainerName"));
			if (on && !has_container(cts, on))
				check_report(c, &dep_containers, id, "ContainerDefinitions",
					     "container '%s' of task definition '%s' depends on "
					     "'%s', which the task does not have",
					     name, id, on);
		}
		if (same_ports)
			container_ports(c, id, name, ct);
		long m = reserved_memory(ct), u = jnum(json_object_get(ct, "Cpu"), -1);
		if (task_mem > 0 && m > task_mem)
			check_report(c, &dep_containers, id, "ContainerDefinitions",
				     "container '%s' of task definition '%s' reserves %ld MiB, "
				     "above the task's %ld",
				     name, id, m, task_mem);
		mem = m < 0 || mem < 0 ? -1 : mem + m;
		cpu = u < 0 ? cpu : cpu + u;
	}
	if (known && json_array_size(cts) && !any_essential)
		check_report(c, &dep_containers, id, "ContainerDefinitions",
			     "task definition '%s' has no essential container", id);
	if (known && task_mem > 0 && mem > task_mem && json_array_size(cts) > 1)
		check_report(c, &dep_containers, id, "Memory",
			     "the containers of task definition '%s' reserve %ld MiB, above "
			     "the task's %ld",
			     id, mem, task_mem);
	if (known && task_cpu > 0 && cpu > task_cpu)
		check_report(c, &dep_containers, id, "Cpu",
			     "the containers of task definition '%s' ask for %ld CPU units, "
			     "above the task's %ld",
			     id, cpu, task_cpu);
	(void)r;
}

/* ---- SM-DEP-089: service launch and networking ---- */

/* Is `port` a port container `name` of the task maps (or unknown)? */
static bool maps_port(const json_t *tp, const char *name, long port)
{
	size_t i, k;
	json_t *ct, *pm;
	json_array_foreach (json_object_get(tp, "ContainerDefinitions"), i, ct) {
		if (strcmp(jstr(json_object_get(ct, "Name")) ?: "", name))
			continue;
		json_array_foreach (json_object_get(ct, "PortMappings"), k, pm) {
			long cp = jnum(json_object_get(pm, "ContainerPort"), -1);
			if (cp < 0 || cp == port)
				return true;
		}
		return false;
	}
	return true; /* no such container: SM-DEP-019 says so */
}

static void health_ports(struct check_ctx *c, const char *id, const json_t *p, const json_t *tp)
{
	size_t i;
	json_t *lb;
	json_array_foreach (json_object_get(p, "LoadBalancers"), i, lb) {
		const char *tgid, *name = jstr(json_object_get(lb, "ContainerName"));
		const json_t *tg =
			resource_at(c, json_object_get(lb, "TargetGroupArn"), NULL, &tgid);
		long port = jnum(jget(tg, "Properties.HealthCheckPort"), -1);
		if (name && port >= 0 && !maps_port(tp, name, port))
			check_report(
				c, &dep_health_port, id, "LoadBalancers",
				"service '%s' registers container '%s' with target group '%s', "
				"which checks health on port %ld, a port the container does not "
				"map",
				id, name, tgid, port);
	}
}

/* Does the service run on Fargate only (launch type, or a strategy of Fargate providers)? */
static bool service_on_fargate(const json_t *p)
{
	const char *lt = jstr(json_object_get(p, "LaunchType"));
	if (lt)
		return !strcmp(lt, "FARGATE");
	const json_t *cps = json_object_get(p, "CapacityProviderStrategy");
	size_t i;
	json_t *s;
	json_array_foreach (cps, i, s) {
		const char *n = jstr(json_object_get(s, "CapacityProvider"));
		if (!n || (strcmp(n, "FARGATE") && strcmp(n, "FARGATE_SPOT")))
			return false;
	}
	return json_array_size(cps) > 0;
}

static void service(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (json_object_get(p, "LaunchType") &&
	    json_array_size(json_object_get(p, "CapacityProviderStrategy")))
		check_report(c, &dep_service_launch, id, "LaunchType",
			     "service '%s' gives both LaunchType and CapacityProviderStrategy", id);
	if (service_on_fargate(p)) {
		static const char *const placement[] = {"PlacementConstraints",
							"PlacementStrategies"};
		for (size_t k = 0; k < 2; k++)
			if (json_array_size(json_object_get(p, placement[k])))
				check_report(c, &dep_service_launch, id, placement[k],
					     "service '%s' runs on Fargate and gives %s", id,
					     placement[k]);
		if (!strcmp(jstr(json_object_get(p, "SchedulingStrategy")) ?: "", "DAEMON"))
			check_report(c, &dep_service_launch, id, "SchedulingStrategy",
				     "service '%s' runs on Fargate with the DAEMON strategy", id);
	}
	const char *tid;
	const json_t *task = resource_at(c, json_object_get(p, "TaskDefinition"), NULL, &tid);
	if (!task || strcmp(res_type(task), "AWS::ECS::TaskDefinition"))
		return;
	const json_t *tp = json_object_get(task, "Properties");
	health_ports(c, id, p, tp);
	const json_t *mode = json_object_get(tp, "NetworkMode");
	if (mode && !json_is_string(mode))
		return; /* chosen by an expression */
	bool awsvpc = !strcmp(jstr(mode) ?: "bridge", "awsvpc");
	bool net = json_object_get(p, "NetworkConfiguration") != NULL;
	if (awsvpc && !net)
		check_report(c, &dep_service_launch, id, "NetworkConfiguration",
			     "service '%s' runs task definition '%s' (awsvpc) without "
			     "NetworkConfiguration",
			     id, tid);
	else if (!awsvpc && net)
		check_report(c, &dep_service_launch, id, "NetworkConfiguration",
			     "service '%s' gives NetworkConfiguration for task definition '%s', "
			     "whose network mode is %s",
			     id, tid, jstr(mode) ?: "bridge (the default)");
	(void)r;
}

/* ---- SM-DEP-090, 091: EC2 capacity providers ---- */

/* Every literal string of `v` appended to `out` (the text user data is made of), not the
 * names a Ref, GetAtt or import holds. */
static void text_of(const json_t *v, struct strbuf *out)
{
	if (json_is_string(v)) {
		strbuf_addstr(out, jstr(v));
		strbuf_addch(out, '\n');
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x)
			text_of(x, out);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			if (strcmp(k, "Ref") && strcmp(k, "Fn::GetAtt") &&
			    strcmp(k, "Fn::ImportValue"))
				text_of(x, out);
		}
	}
}

/* The cluster (logical ID in c->t) a capacity provider is associated with, or NULL. */
static const char *cluster_of(struct check_ctx *c, const char *cp)
{
	static const char *const owners[][2] = {
		{"AWS::ECS::ClusterCapacityProviderAssociations", "CapacityProviders"},
		{"AWS::ECS::Cluster", "CapacityProviders"},
	};
	for (size_t k = 0; k < 2; k++) {
		size_t nr;
		const struct typed_res *rs = resources_of_type(c, owners[k][0], &nr);
		for (size_t i = 0; i < nr; i++) {
			if (rs[i].t != c->t)
				continue;
			const json_t *p = json_object_get(rs[i].res, "Properties");
			size_t j;
			json_t *x;
			json_array_foreach (json_object_get(p, owners[k][1]), j, x) {
				if (!value_refers(x, cp))
					continue;
				return k ? rs[i].id : ref_target(json_object_get(p, "Cluster"));
			}
		}
	}
	return NULL;
}

static void user_data(struct check_ctx *c, const char *id, const char *cluster, const char *asg_id,
		      const json_t *asg)
{
	const json_t *spec = jget(asg, "Properties.LaunchTemplate");
	if (!spec)
		spec = jget(asg, "Properties.MixedInstancesPolicy.LaunchTemplate."
				 "LaunchTemplateSpecification");
	const char *ltid;
	const json_t *lt = resource_at(c, json_object_get(spec, "LaunchTemplateId"), NULL, &ltid);
	if (!lt || strcmp(res_type(lt), "AWS::EC2::LaunchTemplate"))
		return;
	const json_t *ud = jget(lt, "Properties.LaunchTemplateData.UserData");
	if (!ud) {
		check_report(c, &dep_ecs_cluster, id, "AutoScalingGroupProvider",
			     "capacity provider '%s' of cluster '%s' launches from '%s', whose "
			     "instances have no user data: they register with the cluster named "
			     "default",
			     id, cluster, ltid);
		return;
	}
	struct strbuf text = STRBUF_INIT;
	text_of(ud, &text);
	const char *name =
		jstr(jget(json_object_get(json_object_get(c->resources, cluster), "Properties"),
			  "ClusterName"));
	const char *set = strstr(text.buf, "ECS_CLUSTER=");
	const char *val = set ? set + strlen("ECS_CLUSTER=") : NULL;
	/* ${X}: the cluster's name substituted; a literal must be the cluster's own name */
	bool named = val && (!strncmp(val, "${", 2) ||
			     (name && !strncmp(val, name, strlen(name)) &&
			      !isalnum((unsigned char)val[strlen(name)]) &&
			      val[strlen(name)] != '-' && val[strlen(name)] != '_'));
	size_t blank = strspn(text.buf, " \n");
	bool unknown = !set && !text.buf[blank]; /* user data from a parameter or an import */
	if (!named && !unknown)
		check_report(c, &dep_ecs_cluster, id, "AutoScalingGroupProvider",
			     "capacity provider '%s' of cluster '%s' launches from '%s' (for "
			     "'%s'), whose user data %s",
			     id, cluster, ltid, asg_id,
			     set ? "names another cluster in ECS_CLUSTER"
				 : "sets no ECS_CLUSTER: its instances register with the "
				   "cluster named default");
	strbuf_release(&text);
}

static void capacity_provider(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *prov = json_object_get(p, "AutoScalingGroupProvider");
	const char *asg_id;
	const json_t *asg =
		resource_at(c, json_object_get(prov, "AutoScalingGroupArn"), NULL, &asg_id);
	if (!asg || strcmp(res_type(asg), "AWS::AutoScaling::AutoScalingGroup"))
		return;
	if (!strcmp(jstr(json_object_get(prov, "ManagedTerminationProtection")) ?: "", "ENABLED")) {
		if (!jtrue(jget(asg, "Properties.NewInstancesProtectedFromScaleIn")))
			check_report(c, &dep_termination, id,
				     "AutoScalingGroupProvider.ManagedTerminationProtection",
				     "capacity provider '%s' enables managed termination "
				     "protection, and its Auto Scaling group '%s' does not "
				     "protect new instances from scale-in",
				     id, asg_id);
		if (strcmp(jstr(jget(prov, "ManagedScaling.Status")) ?: "", "ENABLED"))
			check_report(c, &dep_termination, id,
				     "AutoScalingGroupProvider.ManagedTerminationProtection",
				     "capacity provider '%s' enables managed termination "
				     "protection without managed scaling",
				     id);
	}
	const char *cluster = cluster_of(c, id);
	if (cluster)
		user_data(c, id, cluster, asg_id, asg);
	(void)r;
}

const struct resource_rule check_rules_dep_task[] = {
	{&dep_containers, "AWS::ECS::TaskDefinition", task_definition},
	{&dep_service_launch, "AWS::ECS::Service", service},
	{&dep_termination, "AWS::ECS::CapacityProvider", capacity_provider},
	{&dep_ecs_cluster, "-", NULL},
	{&dep_health_port, "-", NULL},
	{NULL, NULL, NULL},
};
