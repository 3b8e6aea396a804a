/*
 * The ECS constructs (ecs.h) alone in a scratch stack, as test_constructs.c
 * does for the others: the cluster, its EC2 capacity and providers, the
 * service and its scaling carry the defaults the header promises, a
 * weakening takes an explicit prop, and a required prop left unset fails
 * the synthesis with the key's name.
 */
#include <stdlib.h>
#include <string.h>

#include "constructs/ecs.h"
#include "constructs/iam.h"
#include "engine/engine.h"
#include "support/construct_fixture.h"
#include "support/test.h"

static struct sm_stack *stack;

static struct sm_resource *service_with(bool weakened)
{
	stack = cf_scratch();
	struct sm_resource *role = iam_role_new(stack, "Role", "ecs-tasks.amazonaws.com",
						json_pack("[o]", iam_allow(json_string("s3:GetObject"),
									   json_string("*"))),
						NULL);
	return ecs_service_new(
		stack, "Svc",
		&(struct ecs_service_props){.cluster = cf_any("Cluster", "AWS::ECS::Cluster"),
					    .task_definition = cf_any("Td", "AWS::ECS::TaskDefinition"),
					    .desired_count = 2,
					    .capacity_provider = json_string("FARGATE"),
					    .subnets = json_pack("[s]", "subnet-1"),
					    .security_group = cf_any("Sg", "AWS::EC2::SecurityGroup"),
					    .target_group = cf_any("Tg", "AWS::ElasticLoadBalancingV2::TargetGroup"),
					    .container_name = "app",
					    .container_port = 8080,
					    .depends_on = {cf_any("Listener", "AWS::ElasticLoadBalancingV2::Listener")},
					    .roles = {role},
					    .assign_public_ip = weakened,
					    .enable_execute_command = weakened});
}

TEST(ecs_service_defaults_are_the_secure_ones)
{
	service_with(false);
	CHECK(cf_has("Svc", "{\"NetworkConfiguration\":{\"AwsvpcConfiguration\":{\"AssignPublicIp\":"
			 "\"DISABLED\",\"Subnets\":[\"subnet-1\"]}},\"EnableExecuteCommand\":false,"
			 "\"DeploymentConfiguration\":{\"DeploymentCircuitBreaker\":{\"Enable\":true,"
			 "\"Rollback\":true},\"MinimumHealthyPercent\":100},"
			 "\"LoadBalancers\":[{\"ContainerName\":\"app\",\"ContainerPort\":8080}]}"));
	/* it waits for the listener and for its role's policy, not only the role */
	CHECK(cf_depends("Svc", "Listener"));
	CHECK(cf_depends("Svc", "RolePolicy"));
	service_with(true);
	CHECK(cf_has("Svc", "{\"NetworkConfiguration\":{\"AwsvpcConfiguration\":{\"AssignPublicIp\":"
			 "\"ENABLED\"}},\"EnableExecuteCommand\":true}"));
}

TEST(ecs_autoscaling_tracks_cpu_and_requests)
{
	struct sm_resource *svc = service_with(false);
	struct ecs_autoscaling a;
	ecs_service_autoscale(stack, "App",
			      &(struct ecs_autoscaling_props){
				      .cluster = sm_stack_find_resource(stack, "Cluster"),
				      .service = svc,
				      .min_capacity = 2,
				      .max_capacity = 10},
			      &a);
	CHECK(a.request_policy == NULL);
	CHECK(cf_has("AppScalableTarget", "{\"MinCapacity\":2,\"MaxCapacity\":10,"
				       "\"ScalableDimension\":\"ecs:service:DesiredCount\"}"));
	CHECK(cf_has("AppCpuScaling", "{\"PolicyName\":\"cpu-target-60\","
				   "\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":60.0,"
				   "\"ScaleInCooldown\":300,\"ScaleOutCooldown\":60}}"));
	ecs_service_autoscale(stack, "More",
			      &(struct ecs_autoscaling_props){
				      .cluster = sm_stack_find_resource(stack, "Cluster"),
				      .service = svc,
				      .min_capacity = 1,
				      .max_capacity = 4,
				      .requests_per_target = 500,
				      .load_balancer = cf_any("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
				      .target_group = sm_stack_find_resource(stack, "Tg")},
			      &a);
	CHECK(a.request_policy != NULL);
	CHECK(cf_has("MoreRequestScaling",
		  "{\"TargetTrackingScalingPolicyConfiguration\":{\"TargetValue\":500.0,"
		  "\"PredefinedMetricSpecification\":{\"PredefinedMetricType\":"
		  "\"ALBRequestCountPerTarget\"}}}"));
}

TEST(ecs_service_spreads_across_zones_only_when_asked)
{
	service_with(false);
	CHECK(!json_object_get(json_object_get(cf_resource("Svc"), "Properties"),
			       "PlacementStrategies"));
	struct sm_resource *svc = ecs_service_new(
		stack, "Spread",
		&(struct ecs_service_props){.cluster = sm_stack_find_resource(stack, "Cluster"),
					    .task_definition = sm_stack_find_resource(stack, "Td"),
					    .capacity_provider = json_string("FARGATE"),
					    .subnets = json_pack("[s]", "subnet-1"),
					    .security_group = sm_stack_find_resource(stack, "Sg"),
					    .target_group = sm_stack_find_resource(stack, "Tg"),
					    .container_name = "app",
					    .container_port = 8080,
					    .spread_across_azs = true});
	CHECK(svc != NULL);
	CHECK(cf_has("Spread", "{\"PlacementStrategies\":[{\"Type\":\"spread\","
			       "\"Field\":\"attribute:ecs.availability-zone\"}]}"));
}

TEST(ecs_cluster_has_container_insights_unless_told_not_to)
{
	stack = cf_scratch();
	ecs_cluster_new(stack, "Named", &(struct ecs_cluster_props){.name = json_string("shop")});
	ecs_cluster_new(stack, "Anonymous", &(struct ecs_cluster_props){0});
	ecs_cluster_new(stack, "Dark", &(struct ecs_cluster_props){.no_container_insights = true});
	CHECK(cf_has("Named", "{\"ClusterName\":\"shop\",\"ClusterSettings\":[{\"Name\":"
			      "\"containerInsights\",\"Value\":\"enabled\"}]}"));
	CHECK(cf_has("Anonymous", "{\"ClusterSettings\":[{\"Value\":\"enabled\"}]}"));
	CHECK(!json_object_get(json_object_get(cf_resource("Anonymous"), "Properties"),
			       "ClusterName"));
	CHECK(cf_has("Dark", "{\"ClusterSettings\":[{\"Value\":\"disabled\"}]}"));
	/* the group Container Insights writes to for a cluster sm_stack_unique_name("shop") */
	json_t *name = ecs_insights_log_group_name("shop");
	char *text = json_dumps(name, JSON_COMPACT);
	CHECK_CONTAINS(text, "\"/aws/ecs/containerinsights/\",\"shop\",\"-\"");
	CHECK_CONTAINS(text, "\"/performance\"");
	free(text);
	json_decref(name);
}

/* EC2 capacity <prefix>... in the current scratch stack, with t3.small in two subnets */
static void ec2_capacity(const char *prefix, const struct sm_resource *cluster,
			 const struct sm_resource *key, const struct sm_resource *topic,
			 struct ecs_ec2_capacity *out)
{
	ecs_ec2_capacity_new(stack, prefix,
			     &(struct ecs_ec2_capacity_props){
				     .cluster = cluster,
				     .instance_type = "t3.small",
				     .subnets = json_pack("[ss]", "subnet-1", "subnet-2"),
				     .security_group = cf_any(prefix[0] ? "WebSg" : "Sg",
							      "AWS::EC2::SecurityGroup"),
				     .kms_key = key,
				     .min_capacity = 1,
				     .max_capacity = 3,
				     .notification_topic = topic},
			     out);
}

TEST(ecs_ec2_capacity_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	struct sm_resource *cluster = cf_any("Cluster", "AWS::ECS::Cluster");
	struct sm_resource *key = cf_any("Key", "AWS::KMS::Key");
	struct ecs_ec2_capacity c;
	ec2_capacity("", cluster, key, cf_any("Topic", "AWS::SNS::Topic"), &c);
	CHECK(c.role && c.instance_profile && c.launch_template && c.group && c.provider);
	CHECK_STR(sm_resource_id(c.provider), "Ec2CapacityProvider");
	/* IMDSv2 only, the root volume encrypted with the caller's key, no SSH key */
	CHECK(cf_has("LaunchTemplate",
		     "{\"LaunchTemplateData\":{\"ImageId\":{\"Ref\":\"EcsOptimizedAmi\"},"
		     "\"InstanceType\":\"t3.small\","
		     "\"MetadataOptions\":{\"HttpTokens\":\"required\",\"HttpEndpoint\":\"enabled\"},"
		     "\"BlockDeviceMappings\":[{\"Ebs\":{\"VolumeSize\":30,\"VolumeType\":\"gp3\","
		     "\"Encrypted\":true,\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},"
		     "\"DeleteOnTermination\":true}}],\"Monitoring\":{\"Enabled\":true}}}"));
	const json_t *data = json_object_get(
		json_object_get(cf_resource("LaunchTemplate"), "Properties"), "LaunchTemplateData");
	CHECK(!json_object_get(data, "KeyName"));
	char *user_data = json_dumps(json_object_get(data, "UserData"), JSON_COMPACT);
	CHECK_CONTAINS(user_data, "ECS_CLUSTER=${Cluster}");
	CHECK_CONTAINS(user_data, "{\"Cluster\":{\"Ref\":\"Cluster\"}}");
	free(user_data);
	const json_t *ami = json_object_get(json_object_get(cf_resolved(), "Parameters"),
					    "EcsOptimizedAmi");
	CHECK_STR(json_string_value(json_object_get(ami, "Default")), ECS_AMI_PARAMETER);
	CHECK(cf_has("InstanceRole", "{\"ManagedPolicyArns\":[{\"Fn::Sub\":"
				     "\"arn:${AWS::Partition}:iam::aws:policy/"
				     "AmazonSSMManagedInstanceCore\"}]}"));
	CHECK(cf_has("InstanceProfile", "{\"Roles\":[{\"Ref\":\"InstanceRole\"}]}"));
	CHECK(cf_has("AutoScalingGroup",
		     "{\"VPCZoneIdentifier\":[\"subnet-1\",\"subnet-2\"],\"MinSize\":\"1\","
		     "\"MaxSize\":\"3\",\"LaunchTemplate\":{\"LaunchTemplateId\":{\"Ref\":"
		     "\"LaunchTemplate\"}},\"NotificationConfigurations\":[{\"TopicARN\":{\"Ref\":"
		     "\"Topic\"},\"NotificationTypes\":[\"autoscaling:EC2_INSTANCE_LAUNCH\"]}]}"));
	CHECK(cf_has("Ec2CapacityProvider",
		     "{\"AutoScalingGroupProvider\":{\"AutoScalingGroupArn\":{\"Ref\":"
		     "\"AutoScalingGroup\"},\"ManagedScaling\":{\"Status\":\"ENABLED\"}}}"));
	/* a second set, prefixed, without a topic: no notifications */
	ec2_capacity("Web", cluster, key, NULL, &c);
	CHECK(cf_has("WebLaunchTemplate",
		     "{\"LaunchTemplateData\":{\"ImageId\":{\"Ref\":\"WebEcsOptimizedAmi\"}}}"));
	CHECK(!json_object_get(json_object_get(cf_resource("WebAutoScalingGroup"), "Properties"),
			       "NotificationConfigurations"));
}

TEST(ecs_ec2_capacity_without_a_key_or_cluster_fails_naming_it)
{
	struct ecs_ec2_capacity c;
	stack = cf_scratch();
	ec2_capacity("", cf_any("Cluster", "AWS::ECS::Cluster"), NULL, NULL, &c);
	CHECK(cf_fails_naming("KmsKeyId"));
	stack = cf_scratch();
	ec2_capacity("", NULL, cf_any("Key", "AWS::KMS::Key"), NULL, &c);
	CHECK(cf_fails_naming("Cluster"));
}

TEST(ecs_cluster_capacity_providers_default_to_fargate)
{
	stack = cf_scratch();
	struct sm_resource *cluster = cf_any("Cluster", "AWS::ECS::Cluster");
	ecs_cluster_capacity_providers_new(stack, "WithEc2", cluster,
					   cf_any("Cp", "AWS::ECS::CapacityProvider"));
	ecs_cluster_capacity_providers_new(stack, "FargateOnly", cluster, NULL);
	CHECK(cf_has("WithEc2", "{\"Cluster\":{\"Ref\":\"Cluster\"},\"CapacityProviders\":["
				"\"FARGATE\",\"FARGATE_SPOT\",{\"Ref\":\"Cp\"}],"
				"\"DefaultCapacityProviderStrategy\":[{\"CapacityProvider\":"
				"\"FARGATE\",\"Weight\":1,\"Base\":0}]}"));
	CHECK(json_array_size(json_object_get(
		      json_object_get(cf_resource("FargateOnly"), "Properties"),
		      "CapacityProviders")) == 2);
}

/* Td in the scratch stack: `app` and a sidecar writing to Logs (made before). */
static void task(struct ecs_container_props app, const struct ecs_mount *writable, int cpu)
{
	struct sm_resource *lg = sm_stack_find_resource(stack, "Logs");
	ecs_task_definition_new(
		stack, "Td",
		&(struct ecs_task_definition_props){
			.family = "shop",
			.cpu = cpu,
			.memory = 512,
			.execution_role = cf_any("ExecRole", "AWS::IAM::Role"),
			.task_role = cf_any("AppRole", "AWS::IAM::Role"),
			.containers = {app,
				       {.name = "sidecar",
					.image = "side:1",
					.user = "1337",
					.sidecar = true,
					.log_group = lg,
					.log_prefix = "side"}},
			.writable_paths = writable,
			.init_image = "busybox:1"});
}

static struct ecs_container_props app_container(void)
{
	return (struct ecs_container_props){
		.name = "app",
		.image = "app:1",
		.user = "101:101",
		.port = 8080,
		.health_check = "true",
		.log_group = sm_stack_find_resource(stack, "Logs"),
		.log_prefix = "app",
		.secrets = ecs_secrets(
			(const struct ecs_variable[]){{"KEY", json_string("arn:secret")}, {0}}),
		.environment = ecs_environment(
			(const struct ecs_variable[]){{"MODE", json_string("shop")}, {0}})};
}

/* Container `i` of the task definition Td. */
static const json_t *container_at(size_t i)
{
	return json_array_get(
		json_object_get(json_object_get(cf_resource("Td"), "Properties"),
				"ContainerDefinitions"),
		i);
}

TEST(ecs_task_definition_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	cf_any("Logs", "AWS::Logs::LogGroup");
	task(app_container(), NULL, 256);
	CHECK(cf_has("Td", "{\"Family\":\"shop\",\"RequiresCompatibilities\":[\"FARGATE\"],"
			   "\"NetworkMode\":\"awsvpc\",\"Cpu\":\"256\",\"Memory\":\"512\","
			   "\"ExecutionRoleArn\":{\"Fn::GetAtt\":[\"ExecRole\",\"Arn\"]},"
			   "\"TaskRoleArn\":{\"Fn::GetAtt\":[\"AppRole\",\"Arn\"]},"
			   "\"RuntimePlatform\":{\"OperatingSystemFamily\":\"LINUX\"}}"));
	CHECK(json_array_size(json_object_get(json_object_get(cf_resource("Td"), "Properties"),
					      "RequiresCompatibilities")) == 1);
	const json_t *app = container_at(0), *side = container_at(1);
	char *text = json_dumps(app, JSON_COMPACT);
	CHECK_STR(text,
		  "{\"Name\":\"app\",\"Image\":\"app:1\",\"Essential\":true,\"PortMappings\":[{"
		  "\"ContainerPort\":8080,\"Protocol\":\"tcp\"}],\"ReadonlyRootFilesystem\":true,"
		  "\"User\":\"101:101\",\"HealthCheck\":{\"Command\":[\"CMD-SHELL\",\"true\"],"
		  "\"Interval\":15,\"Timeout\":5,\"Retries\":3,\"StartPeriod\":30},"
		  "\"LogConfiguration\":{\"LogDriver\":\"awslogs\",\"Options\":{\"awslogs-group\":"
		  "{\"Ref\":\"Logs\"},\"awslogs-region\":{\"Ref\":\"AWS::Region\"},"
		  "\"awslogs-stream-prefix\":\"app\"}},\"Secrets\":[{\"Name\":\"KEY\","
		  "\"ValueFrom\":\"arn:secret\"}],\"Environment\":[{\"Name\":\"MODE\","
		  "\"Value\":\"shop\"}]}");
	free(text);
	/* a sidecar: not essential, still read-only, no port, check or variables */
	text = json_dumps(side, JSON_COMPACT);
	CHECK_CONTAINS(text, "\"Essential\":false,\"ReadonlyRootFilesystem\":true,\"User\":\"1337\"");
	CHECK(!strstr(text, "PortMappings") && !strstr(text, "HealthCheck") &&
	      !strstr(text, "Secrets"));
	free(text);
	CHECK(container_at(2) == NULL);
	CHECK(!json_object_get(json_object_get(cf_resource("Td"), "Properties"), "Volumes"));
}

TEST(ecs_task_definition_hands_writable_paths_to_the_app)
{
	stack = cf_scratch();
	static const struct ecs_mount paths[] = {{"tmp", "/tmp"}, {"cache", "/var/cache"}, {0}};
	cf_any("Logs", "AWS::Logs::LogGroup");
	struct ecs_container_props app = app_container();
	app.writable_root = true; /* the weakening prop */
	json_decref(app.secrets);
	json_decref(app.environment);
	app.secrets = app.environment = NULL;
	task(app, paths, 256);
	CHECK(cf_has("Td", "{\"Volumes\":[{\"Name\":\"tmp\"},{\"Name\":\"cache\"}]}"));
	const json_t *a = container_at(0), *init = container_at(2);
	CHECK(json_is_false(json_object_get(a, "ReadonlyRootFilesystem")));
	char *text = json_dumps(a, JSON_COMPACT);
	CHECK_CONTAINS(text, "\"MountPoints\":[{\"SourceVolume\":\"tmp\",\"ContainerPath\":"
			     "\"/tmp\"},{\"SourceVolume\":\"cache\",\"ContainerPath\":\"/var/cache\"}],"
			     "\"DependsOn\":[{\"ContainerName\":\"" ECS_INIT_CONTAINER
			     "\",\"Condition\":\"SUCCESS\"}]");
	free(text);
	/* the init step: root, read-only root, not essential, chown to the app's user */
	text = json_dumps(init, JSON_COMPACT);
	CHECK_STR(text, "{\"Name\":\"" ECS_INIT_CONTAINER "\",\"Image\":\"busybox:1\","
			"\"Essential\":false,\"User\":\"0\",\"ReadonlyRootFilesystem\":true,"
			"\"Command\":[\"chown\",\"101:101\",\"/tmp\",\"/var/cache\"],"
			"\"MountPoints\":[{\"SourceVolume\":\"tmp\",\"ContainerPath\":\"/tmp\"},"
			"{\"SourceVolume\":\"cache\",\"ContainerPath\":\"/var/cache\"}],"
			"\"LogConfiguration\":{\"LogDriver\":\"awslogs\",\"Options\":{"
			"\"awslogs-group\":{\"Ref\":\"Logs\"},\"awslogs-region\":{\"Ref\":"
			"\"AWS::Region\"},\"awslogs-stream-prefix\":\"init\"}}}");
	free(text);
}

TEST(ecs_task_definition_without_a_required_prop_fails_naming_it)
{
	stack = cf_scratch();
	cf_any("Logs", "AWS::Logs::LogGroup");
	struct ecs_container_props app = app_container();
	app.user = NULL;
	task(app, NULL, 256);
	CHECK(cf_fails_naming("'User'"));
	stack = cf_scratch();
	cf_any("Logs", "AWS::Logs::LogGroup");
	task(app_container(), NULL, 0);
	CHECK(cf_fails_naming("'Cpu'"));
	stack = cf_scratch();
	cf_any("Logs", "AWS::Logs::LogGroup");
	app = app_container();
	app.log_group = NULL;
	task(app, NULL, 256);
	CHECK(cf_fails_naming("awslogs-group"));
}

TEST(ecs_execution_role_may_start_the_tasks_and_no_more)
{
	stack = cf_scratch();
	ecs_execution_role_new(stack, "Exec",
			       &(struct ecs_execution_role_props){
				       .log_group = cf_any("Logs", "AWS::Logs::LogGroup"),
				       .secrets = sm_list(sm_ref(cf_any("Db", "AWS::SecretsManager::Secret"))),
				       .kms_key = cf_any("Key", "AWS::KMS::Key")});
	ecs_execution_role_new(stack, "Bare",
			       &(struct ecs_execution_role_props){
				       .log_group = sm_stack_find_resource(stack, "Logs")});
	CHECK(cf_has("Exec", "{\"AssumeRolePolicyDocument\":{\"Statement\":[{\"Principal\":{"
			     "\"Service\":\"ecs-tasks.amazonaws.com\"}}]}}"));
	CHECK(cf_has("ExecPolicy",
		     "{\"PolicyDocument\":{\"Statement\":["
		     "{\"Action\":[\"ecr:GetAuthorizationToken\"],\"Resource\":\"*\"},"
		     "{\"Resource\":[{\"Fn::Sub\":\"arn:${AWS::Partition}:ecr:${AWS::Region}:"
		     "${AWS::AccountId}:repository/*\"}]},"
		     "{\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],"
		     "\"Resource\":[{\"Fn::GetAtt\":[\"Logs\",\"Arn\"]}]},"
		     "{\"Action\":[\"secretsmanager:GetSecretValue\"],\"Resource\":[{\"Ref\":\"Db\"}]},"
		     "{\"Action\":[\"kms:Decrypt\"],\"Resource\":[{\"Fn::GetAtt\":[\"Key\",\"Arn\"]}]}"
		     "]},\"Roles\":[{\"Ref\":\"Exec\"}]}"));
	/* no secrets, no key: no statement for them */
	CHECK(json_array_size(json_object_get(
		      json_object_get(json_object_get(cf_resource("BarePolicy"), "Properties"),
				      "PolicyDocument"),
		      "Statement")) == 3);
	/* the one '*' is accepted with its reason, on the role and on its policy */
	char *meta = json_dumps(json_object_get(cf_resource("ExecPolicy"), "Metadata"), JSON_COMPACT);
	CHECK_CONTAINS(meta, "\"SM-IAM-002\"");
	CHECK_CONTAINS(meta, "AwsSolutions-IAM5");
	free(meta);
	/* without its log group it fails; a list item that could not be built is named */
	stack = cf_scratch();
	ecs_execution_role_new(stack, "Exec", &(struct ecs_execution_role_props){0});
	CHECK(cf_fails_naming("'[0]'"));
}

int main(void)
{
	RUN(ecs_service_defaults_are_the_secure_ones);
	RUN(ecs_autoscaling_tracks_cpu_and_requests);
	RUN(ecs_service_spreads_across_zones_only_when_asked);
	RUN(ecs_cluster_has_container_insights_unless_told_not_to);
	RUN(ecs_ec2_capacity_defaults_are_the_secure_ones);
	RUN(ecs_ec2_capacity_without_a_key_or_cluster_fails_naming_it);
	RUN(ecs_cluster_capacity_providers_default_to_fargate);
	RUN(ecs_task_definition_defaults_are_the_secure_ones);
	RUN(ecs_task_definition_hands_writable_paths_to_the_app);
	RUN(ecs_task_definition_without_a_required_prop_fails_naming_it);
	RUN(ecs_execution_role_may_start_the_tasks_and_no_more);
	cf_release();
	return test_done();
}
