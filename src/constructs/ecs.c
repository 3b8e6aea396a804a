#include "constructs/ecs.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"

struct sm_resource *ecs_service_new(struct sm_stack *s, const char *id,
				    const struct ecs_service_props *p)
{
	struct sm_resource *svc = sm_resource_new(
		s, id, "AWS::ECS::Service",
		json_pack(
			"{so so si s[{sosisi}] s{si si s{sbsb}} s{s{ss so s[o]}} s[{ss si so}] si "
			"sb ss sb}",
			"Cluster", sm_ref(p->cluster), "TaskDefinition", sm_ref(p->task_definition),
			"DesiredCount", p->desired_count, "CapacityProviderStrategy",
			"CapacityProvider", p->capacity_provider, "Weight", 1, "Base",
			p->capacity_provider_base, "DeploymentConfiguration",
			"MinimumHealthyPercent", 100, "MaximumPercent", 200,
			"DeploymentCircuitBreaker", "Enable", 1, "Rollback", 1,
			"NetworkConfiguration", "AwsvpcConfiguration", "AssignPublicIp",
			p->assign_public_ip ? "ENABLED" : "DISABLED", "Subnets", p->subnets,
			"SecurityGroups", sm_getatt(p->security_group, "GroupId"), "LoadBalancers",
			"ContainerName", p->container_name, "ContainerPort", p->container_port,
			"TargetGroupArn", sm_ref(p->target_group), "HealthCheckGracePeriodSeconds",
			60, "EnableECSManagedTags", 1, "PropagateTags", "SERVICE",
			"EnableExecuteCommand", p->enable_execute_command));
	for (int i = 0; i < ECS_SERVICE_MAX_WAITS && p->depends_on[i]; i++)
		sm_resource_depends_on(svc, p->depends_on[i]);
	/*
	 * The service starts its tasks at once, and a task's start uses its
	 * execution role (image pull, awslogs, the Secrets its container
	 * names) and its role: with their policies still being attached, the
	 * first tasks fail and count against the circuit breaker (ECS
	 * developer guide, "Amazon ECS task execution IAM role"; the CDK makes
	 * a service depend on its task role's policy for the same reason).
	 */
	for (int i = 0; i < ECS_SERVICE_MAX_WAITS && p->roles[i]; i++)
		iam_role_wait_for(svc, p->roles[i]);
	return svc;
}

static struct sm_resource *tracking_policy(struct sm_stack *s, const char *prefix,
					   const char *suffix, const char *name,
					   const struct ecs_autoscaling_props *p,
					   struct sm_resource *target, json_t *config)
{
	char *id = xstrfmt("%s%s", prefix, suffix);
	json_object_set_new(config, "ScaleInCooldown",
			    json_integer(p->scale_in_cooldown ? p->scale_in_cooldown : 300));
	json_object_set_new(config, "ScaleOutCooldown",
			    json_integer(p->scale_out_cooldown ? p->scale_out_cooldown : 60));
	struct sm_resource *r = sm_resource_new(
		s, id, "AWS::ApplicationAutoScaling::ScalingPolicy",
		json_pack("{ss ss so so}", "PolicyName", name, "PolicyType",
			  "TargetTrackingScaling", "ScalingTargetId", sm_ref(target),
			  "TargetTrackingScalingPolicyConfiguration", config));
	free(id);
	return r;
}

static json_t *variables(const struct ecs_variable *vars, const char *value_key)
{
	json_t *list = json_array();
	for (const struct ecs_variable *v = vars; v->name; v++)
		json_array_append_new(list,
				      json_pack("{ss so}", "Name", v->name, value_key, v->value));
	return list;
}

json_t *ecs_environment(const struct ecs_variable *vars)
{
	return variables(vars, "Value");
}

json_t *ecs_secrets(const struct ecs_variable *vars)
{
	return variables(vars, "ValueFrom");
}

json_t *ecs_secret_field(json_t *secret_arn, const char *key)
{
	char *tail = xstrfmt(":%s::", key);
	json_t *v = sm_fn_join("", json_pack("[os]", secret_arn, tail));
	free(tail);
	return v;
}

json_t *ecs_service_scaling_resource_id(const struct sm_resource *cluster,
					const struct sm_resource *service)
{
	return sm_fn_join(
		"/", json_pack("[soo]", "service", sm_ref(cluster), sm_getatt(service, "Name")));
}

void ecs_service_autoscale(struct sm_stack *s, const char *prefix,
			   const struct ecs_autoscaling_props *p, struct ecs_autoscaling *out)
{
	char *id = xstrfmt("%sScalableTarget", prefix);
	json_t *resource_id = ecs_service_scaling_resource_id(p->cluster, p->service);
	out->scalable_target = sm_resource_new(
		s, id, "AWS::ApplicationAutoScaling::ScalableTarget",
		json_pack("{ss ss so si si}", "ServiceNamespace", "ecs", "ScalableDimension",
			  "ecs:service:DesiredCount", "ResourceId", resource_id, "MinCapacity",
			  p->min_capacity, "MaxCapacity", p->max_capacity));
	free(id);
	int cpu = p->cpu_target_percent ? p->cpu_target_percent : 60;
	char *name = xstrfmt("cpu-target-%d", cpu);
	out->cpu_policy = tracking_policy(
		s, prefix, "CpuScaling", name, p, out->scalable_target,
		json_pack("{sf s{ss}}", "TargetValue", (double)cpu, "PredefinedMetricSpecification",
			  "PredefinedMetricType", "ECSServiceAverageCPUUtilization"));
	free(name);
	out->request_policy = NULL;
	if (p->requests_per_target <= 0)
		return;
	json_t *label = sm_fn_join(
		"/", json_pack("[oo]", sm_getatt(p->load_balancer, "LoadBalancerFullName"),
			       sm_getatt(p->target_group, "TargetGroupFullName")));
	out->request_policy = tracking_policy(
		s, prefix, "RequestScaling", "requests-per-target", p, out->scalable_target,
		json_pack("{sf s{ssso}}", "TargetValue", p->requests_per_target,
			  "PredefinedMetricSpecification", "PredefinedMetricType",
			  "ALBRequestCountPerTarget", "ResourceLabel", label));
}
