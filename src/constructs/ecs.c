/* An ECS cluster, its capacity, a service and its autoscaling (ecs.h). */
#include "constructs/ecs.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"

struct sm_resource *ecs_cluster_new(struct sm_stack *s, const char *id,
				    const struct ecs_cluster_props *p)
{
	json_t *props = json_object();
	if (p->name)
		json_object_set_new(props, "ClusterName", p->name);
	json_object_set_new(props, "ClusterSettings",
			    json_pack("[{ssss}]", "Name", "containerInsights", "Value",
				      p->no_container_insights ? "disabled" : "enabled"));
	return sm_resource_new(s, id, "AWS::ECS::Cluster", props);
}

/*
 * /aws/ecs/containerinsights/<cluster>/performance (CloudWatch user guide,
 * "Container Insights performance log events for Amazon ECS")
 */
json_t *ecs_insights_log_group_name(const char *prefix)
{
	return sm_fn_join("", json_pack("[s s s o s]", "/aws/ecs/containerinsights/", prefix, "-",
					sm_stack_instance_id(), "/performance"));
}

static char *prefixed(const char *prefix, const char *name)
{
	return xstrfmt("%s%s", prefix, name);
}

static struct sm_resource *instance_role(struct sm_stack *s, const char *prefix)
{
	static const char *const managed[] = {"AmazonSSMManagedInstanceCore",
					      "service-role/AmazonEC2ContainerServiceforEC2Role",
					      NULL};
	char *id = prefixed(prefix, "InstanceRole");
	struct sm_resource *role = iam_role_new(s, id, "ec2.amazonaws.com", NULL, managed);
	free(id);
	/*
	 * cdk-nag's own: AwsSolutions-IAM4 flags any AWS managed policy, and no
	 * rule of ours does (SM-IAM-005 answers to it for AdministratorAccess only)
	 */
	nag_suppress(role,
		     "AWS's policies for Session Manager access (instead of SSH keys) "
		     "and for the ECS agent; AWS keeps them current with the agents",
		     "AwsSolutions-IAM4", NULL);
	return role;
}

static struct sm_resource *launch_template(struct sm_stack *s, const char *prefix,
					   const struct ecs_ec2_capacity_props *p,
					   struct sm_resource *profile)
{
	char *name = prefixed(prefix, "EcsOptimizedAmi");
	json_t *ami = sm_stack_add_parameter(
		s, name,
		json_pack("{ss ss ss}", "Type", "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
			  "Default", ECS_AMI_PARAMETER, "Description",
			  "ECS-optimised Amazon Linux 2023 AMI, from AWS's public SSM parameter"));
	free(name);
	json_t *user_data = sm_fn_base64(sm_fn_sub_vars(
		/*
		 * Register with the cluster (ECS developer guide, "Bootstrapping
		 * container instances with user data"); let the task execution role,
		 * not the instance role, write the tasks' logs ("Using the awslogs
		 * log driver", ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE).
		 */
		"#!/bin/bash\necho ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config\n"
		"echo ECS_ENABLE_CONTAINER_METADATA=true >> /etc/ecs/ecs.config\n"
		"echo ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true >> /etc/ecs/ecs.config\n",
		json_pack("{so}", "Cluster", sm_ref(p->cluster))));
	char *id = prefixed(prefix, "LaunchTemplate");
	struct sm_resource *lt = sm_resource_new(
		s, id, "AWS::EC2::LaunchTemplate",
		json_pack("{s{so ss s{so} s[o] s{ssss siss} s[{ss s{sisssbsosb}}] s{sb} so}}",
			  "LaunchTemplateData", "ImageId", ami, "InstanceType", p->instance_type,
			  "IamInstanceProfile", "Arn", sm_getatt(profile, "Arn"),
			  "SecurityGroupIds", sm_getatt(p->security_group, "GroupId"),
			  "MetadataOptions",
			  /* IMDSv2 only (FSBP EC2.8); hop limit 2 lets containers reach it */
			  "HttpTokens", "required", "HttpEndpoint", "enabled",
			  "HttpPutResponseHopLimit", 2, "InstanceMetadataTags", "disabled",
			  "BlockDeviceMappings", "DeviceName", "/dev/xvda", "Ebs", "VolumeSize",
			  p->volume_size_gb ? p->volume_size_gb : 30, "VolumeType", "gp3",
			  "Encrypted", 1,
			  /* the caller's key, not the account's EBS default: its policy must
			   * let the Auto Scaling service-linked role use it */
			  "KmsKeyId", sm_getatt(p->kms_key, "Arn"), "DeleteOnTermination", 1,
			  "Monitoring", "Enabled", 1, "UserData", user_data));
	free(id);
	return lt;
}

void ecs_ec2_capacity_new(struct sm_stack *s, const char *prefix,
			  const struct ecs_ec2_capacity_props *p, struct ecs_ec2_capacity *out)
{
	out->role = instance_role(s, prefix);
	char *id = prefixed(prefix, "InstanceProfile");
	out->instance_profile = sm_resource_new(s, id, "AWS::IAM::InstanceProfile",
						json_pack("{s[o]}", "Roles", sm_ref(out->role)));
	free(id);
	out->launch_template = launch_template(s, prefix, p, out->instance_profile);
	char *min = xstrfmt("%d", p->min_capacity), *max = xstrfmt("%d", p->max_capacity);
	id = prefixed(prefix, "AutoScalingGroup");
	out->group = sm_resource_new(
		s, id, "AWS::AutoScaling::AutoScalingGroup",
		json_pack("{so ss ss s{so so} ss si}", "VPCZoneIdentifier", p->subnets, "MinSize",
			  min, "MaxSize", max, "LaunchTemplate", "LaunchTemplateId",
			  sm_ref(out->launch_template), "Version",
			  sm_getatt(out->launch_template, "LatestVersionNumber"), "HealthCheckType",
			  "EC2", "HealthCheckGracePeriod", 120));
	free(id);
	free(min);
	free(max);
	if (p->notification_topic)
		sm_resource_set(out->group, "NotificationConfigurations",
				json_pack("[{so s[ssss]}]", "TopicARN",
					  sm_ref(p->notification_topic), "NotificationTypes",
					  "autoscaling:EC2_INSTANCE_LAUNCH",
					  "autoscaling:EC2_INSTANCE_TERMINATE",
					  "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
					  "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"));
	/*
	 * ECS tags the group of a capacity provider with AmazonECSManaged and
	 * its managed scaling relies on it; declared here, CloudFormation keeps
	 * it on updates and the instances launched before the capacity provider
	 * existed (MinSize above 0) carry it too, else "unexpected scaling
	 * behavior and metrics" (Terraform's aws_ecs_capacity_provider note;
	 * containers-roadmap#935, aws-cdk#20544). The stack's tags merge in.
	 */
	sm_resource_set(out->group, "Tags",
			json_pack("[{ss ss sb}]", "Key", "AmazonECSManaged", "Value", "true",
				  "PropagateAtLaunch", 1));
	id = prefixed(prefix, "Ec2CapacityProvider");
	out->provider = sm_resource_new(
		s, id, "AWS::ECS::CapacityProvider",
		json_pack("{s{so s{sssi} ss}}", "AutoScalingGroupProvider", "AutoScalingGroupArn",
			  sm_ref(out->group), "ManagedScaling", "Status", "ENABLED",
			  "TargetCapacity", 100, "ManagedTerminationProtection", "DISABLED"));
	free(id);
}

struct sm_resource *ecs_cluster_capacity_providers_new(struct sm_stack *s, const char *id,
						       const struct sm_resource *cluster,
						       const struct sm_resource *ec2_provider)
{
	json_t *providers = json_pack("[ss]", "FARGATE", "FARGATE_SPOT");
	if (ec2_provider)
		json_array_append_new(providers, sm_ref(ec2_provider));
	return sm_resource_new(s, id, "AWS::ECS::ClusterCapacityProviderAssociations",
			       json_pack("{so so s[{sssisi}]}", "Cluster", sm_ref(cluster),
					 "CapacityProviders", providers,
					 "DefaultCapacityProviderStrategy", "CapacityProvider",
					 "FARGATE", "Weight", 1, "Base", 0));
}

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
	if (p->spread_across_azs)
		sm_resource_set(svc, "PlacementStrategies",
				json_pack("[{ssss}]", "Type", "spread", "Field",
					  "attribute:ecs.availability-zone"));
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
