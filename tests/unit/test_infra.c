/*
 * The SoleMate infrastructure, FR by FR, in the style of the CDK assertions
 * library: synthesize an environment in memory, then look for resources of a
 * type whose properties contain a pattern (tests/unit/support/test.h,
 * support/infra_fixture.h). Here FR-1 compute, FR-2 database, FR-3 storage
 * and disaster recovery; FR-4 and FR-5 and the account baseline in
 * test_infra_security.c; FR-6 and what holds for every resource in
 * test_infra_ops.c.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "analysis/schema.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "lib/environments.h"
#include "lifecycle/failover.h"
#include "lib/solemate_stack.h"
#include "support/infra_fixture.h"
#include "support/test.h"

/* ---- FR-1 compute ---- */
TEST(fr_1_1_ec2_instances_for_the_backend)
{
	CHECK(HAS(staging, "Compute", "AWS::EC2::LaunchTemplate",
		  "{\"LaunchTemplateData\":{\"MetadataOptions\":{\"HttpTokens\":\"required\"},"
		  "\"BlockDeviceMappings\":[{\"Ebs\":{\"Encrypted\":true,\"VolumeType\":\"gp3\"}}]}}"));
	const json_t *lt = resource(staging, "Compute", "LaunchTemplate");
	CHECK(!json_object_get(json_object_get(json_object_get(lt, "Properties"), "LaunchTemplateData"),
			       "KeyName"));
	CHECK(json_object_get(json_object_get(T(staging, "Compute"), "Parameters"), "EcsOptimizedAmi"));
}
/*
 * Review item b: with EBS encryption by default on a customer managed key in the account,
 * Encrypted: true alone takes that key, which the Auto Scaling role may not use: the volumes
 * name our data key, whose policy lets the role use it and create grants for them
 */
TEST(ec2_volumes_use_our_key_which_auto_scaling_may_use)
{
	struct sm_app *apps[] = {staging, production, production};
	const char *stacks[][2] = {{"Compute", "Data"}, {"Compute", "Data"}, {"DrStandby", "Dr"}};
	for (int i = 0; i < 3; i++) {
		char *arn = xstrfmt("Solemate%s%s:ExportsOutputFnGetAttDataKeyArn", i ? "Production" : "Staging",
				    stacks[i][1]);
		char *pattern = xstrfmt("{\"LaunchTemplateData\":{\"BlockDeviceMappings\":[{\"Ebs\":"
					"{\"Encrypted\":true,\"KmsKeyId\":{\"Fn::ImportValue\":\"%s\"}}}]}}", arn);
		CHECK(HAS(apps[i], stacks[i][0], "AWS::EC2::LaunchTemplate", pattern));
		free(pattern);
		free(arn);
		const json_t *policy = json_object_get(json_object_get(resource(apps[i], stacks[i][1], "DataKey"),
								       "Properties"), "KeyPolicy");
		const char *role = "{\"aws:PrincipalArn\":{\"Fn::Sub\":\"arn:${AWS::Partition}:iam::"
				   "${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/"
				   "AWSServiceRoleForAutoScaling\"},\"kms:CallerAccount\":{\"Ref\":\"AWS::AccountId\"}}";
		char *use = xstrfmt("{\"Statement\":[{},{},{\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\","
				    "\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],"
				    "\"Condition\":{\"StringEquals\":%s}},{\"Action\":\"kms:CreateGrant\","
				    "\"Condition\":{\"StringEquals\":%s,"
				    "\"Bool\":{\"kms:GrantIsForAWSResource\":true}}}]}", role, role);
		CHECK(subset_of(use, policy));
		free(use);
	}
}
/* issue 12 #13: the Auto Scaling group's instances run part of the application */
TEST(fr_1_1_the_ec2_instances_host_application_tasks)
{
	struct sm_app *apps[] = { staging, production };
	for (int i = 0; i < 2; i++) {
		const json_t *svc = resource(apps[i], "Compute", "Ec2Service");
		CHECK(svc != NULL);
		CHECK(HAS(apps[i], "Compute", "AWS::ECS::Service",
			  "{\"CapacityProviderStrategy\":[{\"CapacityProvider\":{\"Ref\":\"Ec2CapacityProvider\"}}],"
			  "\"LoadBalancers\":[{\"ContainerName\":\"app\",\"TargetGroupArn\":{\"Ref\":\"TargetGroup\"}}],"
			  "\"TaskDefinition\":{\"Ref\":\"TaskDefinition\"},\"DesiredCount\":1}"));
		/* the capacity provider is the Auto Scaling group's, associated with the cluster */
		CHECK(HAS(apps[i], "Compute", "AWS::ECS::CapacityProvider",
			  "{\"AutoScalingGroupProvider\":{\"AutoScalingGroupArn\":{\"Ref\":\"AutoScalingGroup\"}}}"));
		CHECK(HAS(apps[i], "Compute", "AWS::ECS::ClusterCapacityProviderAssociations",
			  "{\"CapacityProviders\":[\"FARGATE\",\"FARGATE_SPOT\",{\"Ref\":\"Ec2CapacityProvider\"}]}"));
		/* the task definition runs on both */
		CHECK(HAS(apps[i], "Compute", "AWS::ECS::TaskDefinition",
			  "{\"RequiresCompatibilities\":[\"FARGATE\",\"EC2\"],\"NetworkMode\":\"awsvpc\"}"));
		/* both services wait for the association (else: provider not associated) */
		const char *services[] = { "Service", "Ec2Service" };
		for (int k = 0; k < 2; k++) {
			const json_t *deps = json_object_get(resource(apps[i], "Compute", services[k]), "DependsOn");
			bool found = false;
			size_t j;
			json_t *d;
			json_array_foreach(deps, j, d)
				found |= !strcmp(json_string_value(d), "ClusterCapacityProviders");
			CHECK(found);
		}
	}
	/* the instances join this cluster (ECS agent configuration in the user data) */
	char *ud = json_dumps(json_object_get(json_object_get(json_object_get(resource(staging, "Compute",
		"LaunchTemplate"), "Properties"), "LaunchTemplateData"), "UserData"), 0);
	CHECK(ud && strstr(ud, "ECS_CLUSTER=${Cluster}") && strstr(ud, "/etc/ecs/ecs.config"));
	free(ud);
}
TEST(capacity_provider_group_declares_the_amazon_ecs_managed_tag)
{
	/* ECS managed scaling keys on it; the instances launched at creation carry it */
	struct sm_app *apps[] = { staging, production };
	for (int i = 0; i < 2; i++) {
		CHECK(HAS(apps[i], "Compute", "AWS::AutoScaling::AutoScalingGroup",
			  "{\"Tags\":[{\"Key\":\"AmazonECSManaged\",\"Value\":\"true\","
			  "\"PropagateAtLaunch\":true}]}"));
		/* the stack's tags are still there beside it */
		const json_t *tags = json_object_get(json_object_get(resource(apps[i], "Compute", "AutoScalingGroup"), "Properties"), "Tags");
		bool project = false;
		size_t j;
		json_t *t;
		json_array_foreach(tags, j, t)
			project |= !strcmp(json_string_value(json_object_get(t, "Key")) ?: "", "Project") &&
				   json_is_true(json_object_get(t, "PropagateAtLaunch"));
		CHECK(project);
	}
}
TEST(the_ec2_service_has_cpu_and_memory_alarms_of_its_own)
{
	/* ECS publishes per service: the Fargate service's alarms do not see the EC2 one */
	struct sm_app *apps[] = { staging, production };
	const char *metrics[] = { "CPUUtilization", "MemoryUtilization" };
	for (int i = 0; i < 2; i++)
		for (int m = 0; m < 2; m++) {
			char *pattern = xstrfmt("{\"Namespace\":\"AWS/ECS\",\"MetricName\":\"%s\","
						"\"Dimensions\":[{\"Name\":\"ClusterName\"},{\"Name\":"
						"\"ServiceName\",\"Value\":{\"Fn::ImportValue\":"
						"\"Solemate%sCompute:ExportsOutputFnGetAttEc2ServiceName\"}}]}",
						metrics[m], i ? "Production" : "Staging");
			CHECK(HAS(apps[i], "Monitoring", "AWS::CloudWatch::Alarm", pattern));
			free(pattern);
		}
}
TEST(the_sampling_rule_matches_this_environment_s_service_only)
{
	/* a rule is the account's and Region's: "*" would sample every other application */
	struct sm_app *apps[] = { staging, production };
	const char *names[] = { "solemate-staging", "solemate-production" };
	for (int i = 0; i < 2; i++) {
		char *rule = xstrfmt("{\"SamplingRule\":{\"ServiceName\":\"%s\"}}", names[i]);
		CHECK(HAS(apps[i], "Monitoring", "AWS::XRay::SamplingRule", rule));
		free(rule);
		/* the application's segments carry that name */
		const json_t *env = json_object_get(json_array_get(json_object_get(json_object_get(
			resource(apps[i], "Compute", "TaskDefinition"), "Properties"), "ContainerDefinitions"), 0),
			"Environment");
		bool named = false;
		size_t j;
		json_t *v;
		json_array_foreach(env, j, v)
			named |= !strcmp(json_string_value(json_object_get(v, "Name")) ?: "", "AWS_XRAY_TRACING_NAME") &&
				 !strcmp(json_string_value(json_object_get(v, "Value")) ?: "", names[i]);
		CHECK(named);
		/*
		 * the group gathers this service's slow and failed requests only: a
		 * group is the Region's too, and a bare "responsetime > 0.2" matched
		 * every application's traces (X-Ray developer guide, filter
		 * expressions: service("name") { ... })
		 */
		char *group = xstrfmt("{\"GroupName\":\"%s\",\"FilterExpression\":"
				      "\"service(\\\"%s\\\") { responsetime > 0.2 OR fault = true }\"}",
				      names[i], names[i]);
		CHECK(HAS(apps[i], "Monitoring", "AWS::XRay::Group", group));
		free(group);
	}
	/*
	 * rules and groups are the Region's (a rule's ARN names it): the warm
	 * standby runs the application in drRegion, where without its own rule
	 * the account's Default there decides, whatever it has been set to
	 */
	const char *stacks[] = {"Monitoring", "DrStandby"};
	for (size_t k = 0; k < sizeof stacks / sizeof *stacks; k++) {
		CHECK(HAS(production, stacks[k], "AWS::XRay::SamplingRule",
			  "{\"SamplingRule\":{\"ServiceName\":\"solemate-production\","
			  "\"ReservoirSize\":1}}"));
		CHECK(tmpl_count_resources(T(production, stacks[k]), "AWS::XRay::Group") == 1);
	}
	CHECK(json_equal(resource(production, "DrStandby", "TracingGroup"),
			 resource(production, "Monitoring", "TracingGroup")));
}
TEST(fr_1_2_ecs_cluster_and_fargate_service)
{
	CHECK(HAS(staging, "Compute", "AWS::ECS::Cluster",
		  "{\"ClusterSettings\":[{\"Name\":\"containerInsights\",\"Value\":\"enabled\"}]}"));
	CHECK(HAS(staging, "Compute", "AWS::ECS::Service",
		  "{\"DesiredCount\":1,\"DeploymentConfiguration\":{\"MinimumHealthyPercent\":100,"
		  "\"DeploymentCircuitBreaker\":{\"Enable\":true,\"Rollback\":true}},"
		  "\"NetworkConfiguration\":{\"AwsvpcConfiguration\":{\"AssignPublicIp\":\"DISABLED\"}}}"));
	CHECK(HAS(production, "Compute", "AWS::ECS::Service", "{\"DesiredCount\":3}"));
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"ContainerDefinitions\":[{\"Name\":\"app\",\"ReadonlyRootFilesystem\":true,"
		  "\"User\":\"101:101\"},{\"Name\":\"xray-daemon\"}]}"));
}
/* issue 12 #4: the default application starts, and stays healthy, under the settings used */
TEST(the_application_container_can_start_and_pass_its_health_checks)
{
	const json_t *td = json_object_get(resource(staging, "Compute", "TaskDefinition"), "Properties");
	const json_t *app = json_array_get(json_object_get(td, "ContainerDefinitions"), 0);
	/* an image built to run unprivileged on 8080, as its own non-root user */
	CHECK_STR(json_string_value(json_object_get(app, "Image")),
		  "public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine");
	CHECK_STR(json_string_value(json_object_get(app, "User")), "101:101");
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"ContainerDefinitions\":[{\"PortMappings\":[{\"ContainerPort\":8080}]}]}"));
	/* a health check with a program the image has, on a path it serves */
	const char *cmd = json_string_value(
		json_array_get(json_object_get(json_object_get(app, "HealthCheck"), "Command"), 1));
	CHECK(cmd && !strncmp(cmd, "curl ", 5) && strstr(cmd, "http://localhost:8080/ ") && !strstr(cmd, "wget"));
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::TargetGroup",
		  "{\"Port\":8080,\"HealthCheckPath\":\"/\"}"));
	/* what it writes under its read-only root: bind-mount volumes (no tmpfs on Fargate) */
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"Volumes\":[{\"Name\":\"tmp\"},{\"Name\":\"nginx-cache\"}],"
		  "\"ContainerDefinitions\":[{\"MountPoints\":[{\"ContainerPath\":\"/tmp\"},"
		  "{\"ContainerPath\":\"/var/cache/nginx\"}],\"DependsOn\":[{\"ContainerName\":"
		  "\"volume-permissions\",\"Condition\":\"SUCCESS\"}]}]}"));
	CHECK(!json_object_get(app, "LinuxParameters"));
	/* Fargate makes those volumes root-owned 0755: handed to the app's user first */
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"ContainerDefinitions\":[{},{},{\"Name\":\"volume-permissions\",\"Essential\":false,"
		  "\"Command\":[\"chown\",\"101:101\",\"/tmp\",\"/var/cache/nginx\"]}]}"));
	/* and each of these is a key of the configuration */
	struct sm_app *own = build("tests/fixtures/config/good/staging-own-app.json");
	const json_t *own_app = json_array_get(json_object_get(json_object_get(
		resource(own, "Compute", "TaskDefinition"), "Properties"), "ContainerDefinitions"), 0);
	CHECK_STR(json_string_value(json_object_get(own_app, "Image")), "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.2");
	CHECK_STR(json_string_value(json_object_get(own_app, "User")), "1000:1000");
	CHECK_STR(json_string_value(json_array_get(json_object_get(json_object_get(own_app, "HealthCheck"), "Command"), 1)),
		  "/app/healthcheck --port 9000");
	CHECK(HAS(own, "Compute", "AWS::ElasticLoadBalancingV2::TargetGroup",
		  "{\"Port\":9000,\"HealthCheckPath\":\"/healthz\"}"));
	sm_app_free(own);
}
TEST(fr_1_3_auto_scaling)
{
	CHECK(HAS(staging, "Compute", "AWS::AutoScaling::AutoScalingGroup", "{\"MinSize\":\"1\"}"));
	CHECK(HAS(staging, "Compute", "AWS::ECS::CapacityProvider",
		  "{\"AutoScalingGroupProvider\":{\"ManagedScaling\":{\"Status\":\"ENABLED\"}}}"));
	CHECK(HAS(production, "Compute", "AWS::ApplicationAutoScaling::ScalableTarget",
		  "{\"MinCapacity\":3,\"MaxCapacity\":60}")); /* 50,000 users (issue 18) */
	CHECK(HAS(staging, "Compute", "AWS::ApplicationAutoScaling::ScalingPolicy",
		  "{\"TargetTrackingScalingPolicyConfiguration\":{\"PredefinedMetricSpecification\":"
		  "{\"PredefinedMetricType\":\"ALBRequestCountPerTarget\"}}}"));
	CHECK(HAS(staging, "Compute", "AWS::ApplicationAutoScaling::ScalingPolicy",
		  "{\"TargetTrackingScalingPolicyConfiguration\":{\"PredefinedMetricSpecification\":"
		  "{\"PredefinedMetricType\":\"ECSServiceAverageCPUUtilization\"}}}"));
}
TEST(fr_1_4_load_balancer_distributes_traffic)
{
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		  "{\"Scheme\":\"internet-facing\",\"Type\":\"application\"}"));
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::TargetGroup",
		  "{\"TargetType\":\"ip\",\"HealthCheckPath\":\"/\"}"));
}
TEST(fr_1_5_tls_termination)
{
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::Listener",
		  "{\"Port\":443,\"Protocol\":\"HTTPS\",\"SslPolicy\":\"ELBSecurityPolicy-TLS13-1-2-2021-06\","
		  "\"Certificates\":[{\"CertificateArn\":\"arn:aws:acm:us-east-1:123456789012:certificate/staging-cert\"}]}"));
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::Listener",
		  "{\"Port\":80,\"DefaultActions\":[{\"Type\":\"redirect\",\"RedirectConfig\":{\"Protocol\":\"HTTPS\"}}]}"));
	CHECK(HAS(production, "Compute", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		  "{\"LoadBalancerAttributes\":[{\"Key\":\"routing.http.drop_invalid_header_fields.enabled\","
		  "\"Value\":\"true\"},{},{},{},{\"Key\":\"deletion_protection.enabled\",\"Value\":\"true\"}]}"));
	CHECK(HAS(staging, "Compute", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		  "{\"LoadBalancerAttributes\":[{},{},{},{},{\"Key\":\"deletion_protection.enabled\",\"Value\":\"false\"}]}"));
}
TEST(fr_1_6_health_checks_and_monitoring)
{
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"ContainerDefinitions\":[{\"HealthCheck\":{\"Retries\":3}}]}"));
	CHECK(HAS(staging, "Monitoring", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"UnHealthyHostCount\"}"));
}

/* ---- FR-2 database ---- */
TEST(fr_2_1_postgresql_multi_az_in_production)
{
	CHECK(HAS(production, "Data", "AWS::RDS::DBInstance",
		  "{\"Engine\":\"postgres\",\"MultiAZ\":true,\"DBInstanceClass\":\"db.m6g.large\"}"));
	CHECK(HAS(staging, "Data", "AWS::RDS::DBInstance",
		  "{\"Engine\":\"postgres\",\"MultiAZ\":false,\"DBInstanceClass\":\"db.t3.micro\"}"));
	/* and the matcher can say no */
	CHECK(!HAS(staging, "Data", "AWS::RDS::DBInstance", "{\"MultiAZ\":true}"));
	CHECK(!HAS(staging, "Data", "AWS::RDS::DBInstance", "{\"Engine\":\"mysql\"}"));
}
TEST(fr_2_2_backup_and_recovery)
{
	CHECK(HAS(staging, "Data", "AWS::RDS::DBInstance", "{\"BackupRetentionPeriod\":7,\"CopyTagsToSnapshot\":true}"));
	CHECK(HAS(production, "Data", "AWS::RDS::DBInstance", "{\"BackupRetentionPeriod\":30,\"DeletionProtection\":true}"));
	CHECK_STR(json_string_value(json_object_get(resource(production, "Data", "Database"), "DeletionPolicy")),
		  "Snapshot");
	CHECK_STR(json_string_value(json_object_get(resource(production, "Data", "Database"), "UpdateReplacePolicy")),
		  "Snapshot");
	CHECK(COUNT(production, "Data", "AWS::Backup::BackupPlan") == 1);
	CHECK(COUNT(production, "Data", "AWS::Backup::BackupSelection") == 1);
}

/*
 * A retained vault outlives its stack, and its name is unique in the account
 * and region (CreateBackupVault): a fixed name made staging, destroyed and
 * deployed again, fail at CREATE. The name carries the stack ID's first
 * group and stays within the API's 50 characters.
 */
TEST(a_rebuilt_environment_gets_a_vault_of_its_own)
{
	struct sm_app *apps[] = {staging, production};
	for (int a = 0; a < 2; a++) {
		const json_t *vault = resource(apps[a], "Data", "BackupVault");
		CHECK_STR(json_string_value(json_object_get(vault, "DeletionPolicy")), "Retain");
		char *name = json_dumps(
			json_object_get(json_object_get(vault, "Properties"), "BackupVaultName"),
			JSON_ENCODE_ANY | JSON_COMPACT);
		CHECK(name && strstr(name, "{\"Ref\":\"AWS::StackId\"}") &&
		      strstr(name, "{\"Ref\":\"AWS::StackName\"}"));
		free(name);
		const char *stack = NULL;
		for (size_t i = 0; i < sm_app_stack_count(apps[a]); i++) {
			const char *n = sm_stack_name(sm_app_stack_at(apps[a], i));
			if (strstr(n, "Data"))
				stack = n;
		}
		CHECK(stack && strlen(stack) + strlen("-vault-") + 8 <= 50);
	}
}
TEST(fr_2_3_encryption_at_rest_and_in_transit)
{
	CHECK(HAS(staging, "Data", "AWS::RDS::DBInstance",
		  "{\"StorageEncrypted\":true,\"EnableIAMDatabaseAuthentication\":true}"));
	CHECK(HAS(staging, "Data", "AWS::RDS::DBParameterGroup", "{\"Parameters\":{\"rds.force_ssl\":\"1\"}}"));
	/* the password is never in the template: a dynamic reference to the secret */
	const json_t *db = json_object_get(resource(staging, "Data", "Database"), "Properties");
	CHECK(subset_of("{\"Fn::Join\":[\"\",[\"{{resolve:secretsmanager:\",{\"Ref\":"
				     "\"DatabaseMasterSecret\"},\":SecretString:password::}}\"]]}",
			  json_object_get(db, "MasterUserPassword")));
}

/* issue 12 item 2: a read replica's source may not have ManageMasterUserPassword */
TEST(master_credentials_allow_read_replicas_and_rotate)
{
	for (int e = 0; e < 2; e++) {
		struct sm_app *app = e ? production : staging;
		const json_t *db = json_object_get(resource(app, "Data", "Database"), "Properties");
		CHECK(!json_object_get(db, "ManageMasterUserPassword"));
		CHECK(!json_object_get(db, "MasterUserSecret"));
		CHECK_STR(json_string_value(json_object_get(db, "MasterUsername")), "solemate");
		CHECK(HAS(app, "Data", "AWS::SecretsManager::Secret",
			  "{\"GenerateSecretString\":{\"SecretStringTemplate\":\"{\\\"username\\\":\\\"solemate\\\"}\","
			  "\"GenerateStringKey\":\"password\"}}"));
		CHECK(HAS(app, "Data", "AWS::SecretsManager::SecretTargetAttachment",
			  "{\"SecretId\":{\"Ref\":\"DatabaseMasterSecret\"},\"TargetId\":{\"Ref\":\"Database\"},"
			  "\"TargetType\":\"AWS::RDS::DBInstance\"}"));
		CHECK(HAS(app, "Data", "AWS::SecretsManager::RotationSchedule",
			  "{\"SecretId\":{\"Ref\":\"DatabaseMasterSecret\"},\"HostedRotationLambda\":"
			  "{\"RotationType\":\"PostgreSQLSingleUser\"},\"RotationRules\":"
			  "{\"ScheduleExpression\":\"rate(30 days)\"}}"));
		const json_t *rot = resource(app, "Data", "DatabaseMasterSecretRotation");
		CHECK_STR(json_string_value(json_array_get(json_object_get(rot, "DependsOn"), 0)),
			  "DatabaseMasterSecretAttachment");
		CHECK_STR(json_string_value(json_object_get(T(app, "Data"), "Transform")),
			  "AWS::SecretsManager-2024-09-16");
	}
	/* FR-2.6 still holds next to it */
	CHECK(HAS(production, "Data", "AWS::RDS::DBInstance", "{\"SourceDBInstanceIdentifier\":{\"Ref\":\"Database\"}}"));
}

/* issue 12 item 11: the task knows where the database is and logs in as its own user */
TEST(application_reaches_the_database_with_its_own_rotating_user)
{
	const json_t *td = json_object_get(resource(production, "Compute", "TaskDefinition"), "Properties");
	const json_t *app = json_array_get(json_object_get(td, "ContainerDefinitions"), 0);
	CHECK(subset_of(
		"[{\"Name\":\"DB_HOST\",\"Value\":{\"Fn::ImportValue\":\"SolemateProductionData:ExportsOutputFnGetAttDatabaseEndpointAddress\"}},"
		"{\"Name\":\"DB_READER_HOSTS\",\"Value\":{\"Fn::Join\":[\",\",[{\"Fn::ImportValue\":"
		"\"SolemateProductionData:ExportsOutputFnGetAttDatabaseReplica1EndpointAddress\"}]]}},"
		"{\"Name\":\"DB_PORT\"},{\"Name\":\"DB_NAME\",\"Value\":\"solemate\"}]",
		json_object_get(app, "Environment")));
	CHECK(subset_of(
		"[{\"Name\":\"DB_USER\",\"ValueFrom\":{\"Fn::Join\":[\"\",[{\"Fn::ImportValue\":"
		"\"SolemateProductionData:ExportsOutputRefDatabaseAppSecret\"},\":username::\"]]}},"
		"{\"Name\":\"DB_PASSWORD\",\"ValueFrom\":{\"Fn::Join\":[\"\",[{\"Fn::ImportValue\":"
		"\"SolemateProductionData:ExportsOutputRefDatabaseAppSecret\"},\":password::\"]]}}]",
		json_object_get(app, "Secrets")));
	/* without replicas, reads go to the writer */
	const json_t *sapp = json_array_get(json_object_get(json_object_get(resource(staging, "Compute",
		"TaskDefinition"), "Properties"), "ContainerDefinitions"), 0);
	CHECK(subset_of("[{},{\"Name\":\"DB_READER_HOSTS\",\"Value\":{\"Fn::ImportValue\":"
				     "\"SolemateStagingData:ExportsOutputFnGetAttDatabaseEndpointAddress\"}}]",
			  json_object_get(sapp, "Environment")));
	/* the master's secret is nowhere in the application's stack */
	char *text = json_dumps(T(production, "Compute"), 0);
	CHECK(text && !strstr(text, "DatabaseMasterSecret") && !strstr(text, "MasterUserSecret"));
	free(text);
	/* the execution role reads exactly the secrets the task is given */
	CHECK(HAS(production, "Compute", "AWS::IAM::ManagedPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{},{},{},{\"Action\":[\"secretsmanager:GetSecretValue\"],"
		  "\"Resource\":[{\"Fn::ImportValue\":\"SolemateProductionData:ExportsOutputRefDatabaseAppSecret\"},"
		  "{\"Fn::ImportValue\":\"SolemateProductionData:ExportsOutputRefAppSecret\"}]}]}}"));
	/* alternating users, which keeps a running task's credentials valid through a rotation */
	CHECK(HAS(production, "Data", "AWS::SecretsManager::RotationSchedule",
		  "{\"SecretId\":{\"Ref\":\"DatabaseAppSecret\"},\"HostedRotationLambda\":"
		  "{\"RotationType\":\"PostgreSQLMultiUser\",\"MasterSecretArn\":{\"Ref\":\"DatabaseMasterSecret\"}},"
		  "\"RotateImmediatelyOnUpdate\":false}"));
	CHECK(HAS(production, "Data", "AWS::SecretsManager::SecretTargetAttachment",
		  "{\"SecretId\":{\"Ref\":\"DatabaseAppSecret\"},\"TargetId\":{\"Ref\":\"Database\"}}"));
}

/* issue 12 item 15: the log groups RDS would create, declared with retention and KMS, first */
TEST(rds_log_export_groups_are_declared_before_the_instances)
{
	const char *ids[] = { "Database", "DatabaseReplica1" };
	const char *names[] = { "solemate-production", "solemate-production-replica-1" };
	for (int i = 0; i < 2; i++) {
		const json_t *db = resource(production, "Data", ids[i]);
		/* unique per stack: the groups outlive it in production (SM-DEP-080) */
		char *name = unique_name(names[i]);
		CHECK(subset_of(name, json_object_get(json_object_get(db, "Properties"), "DBInstanceIdentifier")));
		const char *logs[] = { "postgresql", "upgrade" };
		for (int l = 0; l < 2; l++) {
			char *pattern = xstrfmt("{\"LogGroupName\":{\"Fn::Join\":[\"\",[\"/aws/rds/instance/\",%s,\"/%s\"]]},"
						"\"RetentionInDays\":365,"
						"\"KmsKeyId\":{\"Fn::GetAtt\":[\"LogsKey\",\"Arn\"]}}", name, logs[l]);
			const char *lg = tmpl_find_resource(T(production, "Data"), "AWS::Logs::LogGroup", pattern);
			CHECK(lg != NULL);
			bool first = false;
			size_t k;
			json_t *d;
			json_array_foreach(json_object_get(db, "DependsOn"), k, d)
				first |= lg && !strcmp(json_string_value(d), lg);
			CHECK(first);
			free(pattern);
		}
		free(name);
	}
	/* unique per environment */
	char *name = unique_name("solemate-staging");
	CHECK(subset_of(name, json_object_get(json_object_get(resource(staging, "Data", "Database"),
			"Properties"), "DBInstanceIdentifier")));
	free(name);
}
TEST(fr_2_4_monitoring_and_alerting)
{
	CHECK(HAS(staging, "Data", "AWS::RDS::DBInstance", "{\"MonitoringInterval\":60,"
		  "\"EnableCloudwatchLogsExports\":[\"postgresql\",\"upgrade\"]}"));
	CHECK(HAS(staging, "Monitoring", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"FreeStorageSpace\"}"));
	CHECK(HAS(staging, "Monitoring", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"DatabaseConnections\"}"));
}
TEST(fr_2_5_parameter_groups_and_security_groups)
{
	CHECK(HAS(staging, "Data", "AWS::RDS::DBParameterGroup", "{\"Family\":\"postgres16\"}"));
	CHECK(HAS(staging, "Data", "AWS::RDS::DBInstance", "{\"EngineVersion\":\"16.11\"}"));
	/* the family follows the major version (issue 12, item 1) */
	struct sm_app *pg17 = build("tests/fixtures/config/good/staging-postgres17.json");
	CHECK(HAS(pg17, "Data", "AWS::RDS::DBParameterGroup", "{\"Family\":\"postgres17\"}"));
	CHECK(HAS(pg17, "Data", "AWS::RDS::DBInstance", "{\"EngineVersion\":\"17.7\"}"));
	sm_app_free(pg17);
	CHECK(HAS(staging, "Network", "AWS::EC2::SecurityGroupIngress",
		  "{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432}"));
}
TEST(fr_2_6_read_replicas)
{
	CHECK(COUNT(staging, "Data", "AWS::RDS::DBInstance") == 1);
	CHECK(COUNT(production, "Data", "AWS::RDS::DBInstance") == 2);
	CHECK(HAS(production, "Data", "AWS::RDS::DBInstance", "{\"SourceDBInstanceIdentifier\":{\"Ref\":\"Database\"}}"));
	CHECK(HAS(production, "Monitoring", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"ReplicaLag\"}"));
}

/* ---- FR-3 storage ---- */
TEST(fr_3_1_assets_bucket)
{
	CHECK(resource(staging, "Data", "AssetsBucket") != NULL);
}
TEST(fr_3_2_policies_and_access_controls)
{
	CHECK(HAS(staging, "Data", "AWS::S3::Bucket",
		  "{\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,\"BlockPublicPolicy\":true,"
		  "\"IgnorePublicAcls\":true,\"RestrictPublicBuckets\":true}}"));
	CHECK(HAS(staging, "Data", "AWS::S3::BucketPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{\"Effect\":\"Deny\",\"Condition\":{\"Bool\":"
		  "{\"aws:SecureTransport\":\"false\"}}}]}}"));
}
TEST(fr_3_3_versioning_and_lifecycle)
{
	CHECK(HAS(staging, "Data", "AWS::S3::Bucket",
		  "{\"VersioningConfiguration\":{\"Status\":\"Enabled\"},\"LifecycleConfiguration\":"
		  "{\"Rules\":[{\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":30}},"
		  "{\"AbortIncompleteMultipartUpload\":{\"DaysAfterInitiation\":7}}]}}"));
}
TEST(fr_3_4_encryption)
{
	CHECK(HAS(staging, "Data", "AWS::S3::Bucket",
		  "{\"BucketEncryption\":{\"ServerSideEncryptionConfiguration\":[{\"ServerSideEncryptionByDefault\":"
		  "{\"SSEAlgorithm\":\"aws:kms\"},\"BucketKeyEnabled\":true}]}}"));
}
TEST(fr_3_5_cloudfront_cdn)
{
	CHECK(HAS(staging, "Edge", "AWS::CloudFront::Distribution",
		  "{\"DistributionConfig\":{\"Aliases\":[\"staging.solemate.com\",\"www.staging.solemate.com\"],"
		  "\"DefaultCacheBehavior\":{\"ViewerProtocolPolicy\":\"redirect-to-https\"},"
		  "\"ViewerCertificate\":{\"MinimumProtocolVersion\":\"TLSv1.2_2021\"},\"HttpVersion\":\"http2and3\"}}"));
	CHECK(HAS(production, "Edge", "AWS::CloudFront::Distribution",
		  "{\"DistributionConfig\":{\"PriceClass\":\"PriceClass_All\",\"CacheBehaviors\":[{\"PathPattern\":\"/api/*\"}]}}"));
	CHECK(COUNT(staging, "Edge", "AWS::CloudFront::OriginAccessControl") == 1);
	CHECK(HAS(staging, "Edge", "AWS::CloudFront::ResponseHeadersPolicy",
		  "{\"ResponseHeadersPolicyConfig\":{\"SecurityHeadersConfig\":{\"StrictTransportSecurity\":{\"Preload\":true}}}}"));
}
TEST(fr_3_6_backup_and_disaster_recovery)
{
	CHECK(T(staging, "Dr") == NULL);
	CHECK(COUNT(production, "Dr", "AWS::S3::Bucket") == 1);
	CHECK(HAS(production, "Data", "AWS::S3::Bucket",
		  "{\"ReplicationConfiguration\":{\"Rules\":[{\"Status\":\"Enabled\"}]}}"));
	CHECK_STR(json_string_value(json_object_get(resource(production, "Data", "AssetsBucket"), "DeletionPolicy")),
		  "Retain");
}

/* issue 18: what each drReadiness puts in the DR region, and in which order */

/* the DR metadata entry the manifest records for `stack`, or NULL */
static json_t *dr_metadata(struct sm_app *app, const char *stack)
{
	json_t *m = sm_app_manifest(app, SM_FORMAT_JSON);
	char *key = xstrfmt("/%s", stack);
	json_t *entries = json_object_get(
		json_object_get(json_object_get(json_object_get(m, "artifacts"), stack), "metadata"),
		key);
	free(key);
	json_t *found = NULL, *e;
	size_t i;
	json_array_foreach (entries, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "type")), "solemate:disaster-recovery"))
			found = json_deep_copy(json_object_get(e, "data"));
	json_decref(m);
	return found;
}

TEST(dr_backup_restore_copies_backups_to_the_dr_region)
{
	const char *br[] = {"drReadiness=backup-restore"};
	struct sm_app *a = build_with("config/production.json", br, 1);
	CHECK(T(a, "DrStandby") == NULL);
	CHECK(COUNT(a, "Dr", "AWS::Backup::BackupVault") == 1);
	CHECK(COUNT(a, "Dr", "AWS::KMS::Key") == 3); /* replica bucket's, data, logs */
	/* RDS replicates snapshots and logs there, encrypted with that region's key */
	CHECK(HAS(a, "Data", "AWS::RDS::DBInstance",
		  "{\"AutomaticBackupReplicationRegion\":\"us-west-2\","
		  "\"AutomaticBackupReplicationKmsKeyId\":{\"Ref\":\"CrossRegionSolemateProductionDrDataKeyArn\"}}"));
	/* and AWS Backup copies each recovery point to the DR vault */
	CHECK(HAS(a, "Data", "AWS::Backup::BackupPlan",
		  "{\"BackupPlan\":{\"BackupPlanRule\":[{\"CopyActions\":[{\"DestinationBackupVaultArn\":"
		  "{\"Ref\":\"CrossRegionSolemateProductionDrBackupVaultBackupVaultArn\"}}]}]}}"));
	CHECK(stack_follows(a, "SolemateProductionData", "SolemateProductionDr"));
	/* no secret replicas: nothing runs there to read them */
	CHECK(!HAS(a, "Data", "AWS::SecretsManager::Secret", "{\"ReplicaRegions\":[{}]}"));
	json_t *md = dr_metadata(a, "SolemateProductionDr");
	CHECK(md && subset_of("{\"environment\":\"production\",\"role\":\"foundation\","
			      "\"readiness\":\"backup-restore\",\"drRegion\":\"us-west-2\"}", md));
	json_decref(md);
	sm_app_free(a);
	/* none: production's Dr stack keeps only the assets replica, as before */
	const char *none[] = {"drReadiness=none"};
	a = build_with("config/production.json", none, 1);
	CHECK(COUNT(a, "Dr", "AWS::KMS::Key") == 1 && COUNT(a, "Dr", "AWS::Backup::BackupVault") == 0);
	CHECK(!HAS(a, "Data", "AWS::RDS::DBInstance", "{\"AutomaticBackupReplicationRegion\":\"us-west-2\"}"));
	CHECK(dr_metadata(a, "SolemateProductionDr") == NULL);
	sm_app_free(a);
}

TEST(dr_standby_replicates_the_database_across_regions)
{
	/* production ships warm-standby */
	struct sm_app *a = production;
	const struct sm_stack *st = sm_app_find_stack(a, "SolemateProductionDrStandby");
	CHECK(st && !strcmp(sm_stack_region(st), "us-west-2"));
	/* after Data (the source must exist), after Dr (its keys) */
	CHECK(stack_follows(a, "SolemateProductionDrStandby", "SolemateProductionData"));
	CHECK(stack_follows(a, "SolemateProductionDrStandby", "SolemateProductionDr"));
	/* the source is named by ARN (another region), the key is the DR region's */
	const json_t *rep = json_object_get(resource(a, "DrStandby", "DatabaseReplica"), "Properties");
	CHECK(subset_of("{\"SourceDBInstanceIdentifier\":{\"Fn::Join\":[\":\",[\"arn\",{\"Ref\":\"AWS::Partition\"},"
			"\"rds\",\"us-east-1\",{\"Ref\":\"AWS::AccountId\"},\"db\",{\"Ref\":\"CrossRegionSolemateProductionDataDatabase\"}]]},"
			"\"DBSubnetGroupName\":{\"Ref\":\"DatabaseSubnetGroup\"},"
			"\"MultiAZ\":false}", rep));
	char *dr_name = unique_name("solemate-production-dr");
	CHECK(subset_of(dr_name, json_object_get(rep, "DBInstanceIdentifier")));
	free(dr_name);
	const json_t *kms = json_object_get(rep, "KmsKeyId");
	CHECK(kms && json_object_get(kms, "Fn::ImportValue")); /* from Dr, same region */
	const json_t *outs = json_object_get(json_object_get(T(a, "Data"), "Outputs"),
					     "CrossRegionOutputRefDatabase");
	CHECK(subset_of("{\"Value\":{\"Ref\":\"Database\"}}", outs));
	CHECK_STR(json_string_value(json_object_get(resource(a, "DrStandby", "DatabaseReplica"), "DeletionPolicy")), "Retain");
	/* the standby reads the database secrets' replicas in its own region */
	CHECK(HAS(a, "Data", "AWS::SecretsManager::Secret",
		  "{\"ReplicaRegions\":[{\"Region\":\"us-west-2\"}]}"));
	char *td = json_dumps(json_object_get(resource(a, "DrStandby", "TaskDefinition"), "Properties"), JSON_COMPACT);
	CHECK(td && strstr(td, "\"secretsmanager\",\"us-west-2\""));
	free(td);
	/* the warm standby runs drStandbyTasks; failover scales it to ecsDesiredCount */
	CHECK(HAS(a, "DrStandby", "AWS::ECS::Service", "{\"DesiredCount\":2}"));
	CHECK_STR(json_string_value(output(a, "DrStandby", "StandbyDesiredCount")), "2");
	CHECK_STR(json_string_value(output(a, "DrStandby", "StandbyDesiredCountActive")), "3");
	CHECK(subset_of("{\"Ref\":\"DatabaseReplica\"}", output(a, "DrStandby", "ReplicaDbInstanceIdentifier")));
	CHECK(subset_of("{\"Fn::GetAtt\":[\"DatabaseReplica\",\"DBInstanceArn\"]}", output(a, "DrStandby", "ReplicaDbInstanceArn")));
	CHECK(subset_of("{\"Ref\":\"Cluster\"}", output(a, "DrStandby", "StandbyClusterName")));
	CHECK(subset_of("{\"Fn::GetAtt\":[\"Service\",\"Name\"]}", output(a, "DrStandby", "StandbyServiceName")));
	CHECK(output(a, "DrStandby", "FailoverHostedZoneId") == NULL); /* no zone in production.json */
	/* its own VPC, and no record that would collide with the primary's */
	CHECK(HAS(a, "DrStandby", "AWS::EC2::VPC", "{\"CidrBlock\":\"10.2.0.0/16\"}"));
	CHECK(COUNT(a, "DrStandby", "AWS::Route53::RecordSet") == 0);
	CHECK(COUNT(a, "DrStandby", "AWS::EC2::NatGateway") == 1);
	json_t *md = dr_metadata(a, "SolemateProductionDrStandby");
	CHECK(md && subset_of("{\"environment\":\"production\",\"role\":\"standby\","
			      "\"readiness\":\"warm-standby\",\"primaryRegion\":\"us-east-1\"}", md));
	json_decref(md);
	/* pilot-light: the same, with the service at 0 tasks */
	const char *pl[] = {"drReadiness=pilot-light"};
	struct sm_app *p = build_with("config/production.json", pl, 1);
	CHECK(HAS(p, "DrStandby", "AWS::ECS::Service", "{\"DesiredCount\":0}"));
	CHECK(HAS(p, "DrStandby", "AWS::ApplicationAutoScaling::ScalableTarget", "{\"MinCapacity\":0,\"MaxCapacity\":60}"));
	CHECK_STR(json_string_value(output(p, "DrStandby", "StandbyDesiredCount")), "0");
	sm_app_free(p);
}

TEST(dr_failover_records_with_a_hosted_zone)
{
	const char *ws[] = {"drReadiness=warm-standby"};
	struct sm_app *z = build_with("tests/fixtures/config/good/production-with-zone.json", ws, 1);
	/* PRIMARY: CloudFront, healthy while both it and the primary region's app answer */
	CHECK(HAS(z, "Edge", "AWS::Route53::RecordSet",
		  "{\"Name\":\"solemate.com\",\"Type\":\"A\",\"Failover\":\"PRIMARY\","
		  "\"SetIdentifier\":\"primary\",\"HealthCheckId\":{\"Ref\":\"PrimaryHealthCheck\"}}"));
	CHECK(HAS(z, "Edge", "AWS::Route53::HealthCheck",
		  "{\"HealthCheckConfig\":{\"Type\":\"CALCULATED\",\"HealthThreshold\":2}}"));
	CHECK(HAS(z, "Edge", "AWS::Route53::HealthCheck",
		  "{\"HealthCheckConfig\":{\"Type\":\"HTTPS\",\"FullyQualifiedDomainName\":\"origin.solemate.com\"}}"));
	/* SECONDARY: the standby's load balancer, bypassing CloudFront */
	CHECK(HAS(z, "DrStandby", "AWS::Route53::RecordSet",
		  "{\"Name\":\"solemate.com\",\"Type\":\"A\",\"Failover\":\"SECONDARY\","
		  "\"AliasTarget\":{\"DNSName\":{\"Fn::Join\":[\"\",[\"dualstack.\","
		  "{\"Fn::GetAtt\":[\"LoadBalancer\",\"DNSName\"]}]]}}}"));
	/*
	 * which visitors then reach directly: its group admits HTTPS from
	 * anywhere (CloudFront's prefix list alone would refuse them all), and
	 * its web ACL limits the rate per client address, not per X-Forwarded-For,
	 * which a direct client writes itself
	 */
	const json_t *in = json_object_get(
		json_object_get(resource(z, "DrStandby", "AlbSecurityGroup"), "Properties"),
		"SecurityGroupIngress");
	CHECK(json_array_size(in) == 4);
	CHECK(subset_of("{\"CidrIp\":\"0.0.0.0/0\",\"IpProtocol\":\"tcp\",\"FromPort\":443,"
			"\"ToPort\":443}",
			json_array_get(in, 0)));
	CHECK(subset_of("{\"CidrIpv6\":\"::/0\",\"IpProtocol\":\"tcp\",\"FromPort\":443,"
			"\"ToPort\":443}",
			json_array_get(in, 1)));
	/*
	 * and HTTP, which its listener on 80 redirects to HTTPS, as CloudFront
	 * does for the primary (ViewerProtocolPolicy redirect-to-https): a
	 * visitor who types the bare name after the failover reached a group
	 * that dropped port 80 and waited for a timeout. Its public network ACL
	 * lets 80 in too, IPv4 and IPv6 (the answers leave on the ephemeral
	 * ports, already allowed)
	 */
	for (size_t k = 2; k < 4; k++)
		CHECK(json_integer_value(json_object_get(json_array_get(in, k), "FromPort")) == 80 &&
		      json_integer_value(json_object_get(json_array_get(in, k), "ToPort")) == 80);
	CHECK(HAS(z, "DrStandby", "AWS::ElasticLoadBalancingV2::Listener",
		  "{\"Port\":80,\"DefaultActions\":[{\"Type\":\"redirect\"}]}"));
	static const char *const anywhere[] = {"\"CidrBlock\":\"0.0.0.0/0\"", "\"Ipv6CidrBlock\":\"::/0\""};
	for (size_t k = 0; k < 2; k++) {
		char *entry = xstrfmt("{\"NetworkAclId\":{\"Ref\":\"PublicNacl\"},\"Egress\":false,%s,"
				      "\"PortRange\":{\"From\":80,\"To\":80},\"RuleAction\":\"allow\"}",
				      anywhere[k]);
		CHECK(HAS(z, "DrStandby", "AWS::EC2::NetworkAclEntry", entry));
		free(entry);
	}
	/* the primary's public tier stays closed to 80: only CloudFront reaches it, on 443 */
	CHECK(!HAS(z, "Network", "AWS::EC2::NetworkAclEntry", "{\"PortRange\":{\"From\":80}}"));
	CHECK(!json_object_get(json_object_get(T(z, "DrStandby"), "Parameters"),
			       "CloudFrontOriginFacingPrefixList"));
	char *acl = json_dumps(resource(z, "DrStandby", "AlbWebAcl"), JSON_COMPACT);
	CHECK(acl && strstr(acl, "\"AggregateKeyType\":\"IP\"") &&
	      !strstr(acl, "FORWARDED_IP"));
	free(acl);
	/* the primary's load balancer still hears CloudFront only */
	CHECK(subset_of("[{\"SourcePrefixListId\":{\"Ref\":\"CloudFrontOriginFacingPrefixList\"}}]",
			json_object_get(json_object_get(resource(z, "Network", "AlbSecurityGroup"),
							"Properties"),
					"SecurityGroupIngress")));
	/* the primary's origin record stays the primary's alone */
	CHECK(!HAS(z, "DrStandby", "AWS::Route53::RecordSet", "{\"Name\":\"origin.solemate.com\"}"));
	CHECK(HAS(z, "DrStandby", "AWS::CertificateManager::Certificate", "{\"DomainName\":\"solemate.com\"}"));
	CHECK_STR(json_string_value(output(z, "DrStandby", "FailoverHostedZoneId")), "Z0123456789ABCDEFGHIJ");
	CHECK_STR(json_string_value(output(z, "DrStandby", "FailoverRecordName")), "solemate.com");
	/* the contract solemate failover reads (lifecycle/failover.h): every output it
	 * names, under that name, in the stack named by its suffix */
	const char *contract[] = {FAILOVER_OUTPUT_REPLICA, FAILOVER_OUTPUT_CLUSTER,
				  FAILOVER_OUTPUT_SERVICE, FAILOVER_OUTPUT_ACTIVE,
				  FAILOVER_OUTPUT_ZONE,	   FAILOVER_OUTPUT_RECORD};
	for (size_t i = 0; i < sizeof contract / sizeof *contract; i++)
		CHECK(output(z, FAILOVER_STACK_SUFFIX, contract[i]) != NULL);
	sm_app_free(z);
}

/*
 * The failover health check reaches the primary's load balancer: Route 53's
 * health checkers open HTTPS to origin.<domain> (OriginHealthCheck), and the
 * load balancer admitted CloudFront's prefix list only, so the calculated
 * check was never healthy and Route 53 answered with the standby for good.
 * A second group admits com.amazonaws.<region>.route53-healthchecks (weight
 * 25: CloudFront's 55 leaves 5 of the first group's 60), only while the
 * check exists.
 */
static const json_t *ingress_of(struct sm_app *a, const char *stack, const char *id)
{
	return json_object_get(json_object_get(resource(a, stack, id), "Properties"),
			       "SecurityGroupIngress");
}
TEST(failover_health_checkers_reach_the_primary_load_balancer)
{
	const char *ws[] = {"drReadiness=warm-standby"};
	struct sm_app *z = build_with("tests/fixtures/config/good/production-with-zone.json", ws, 1);
	const json_t *in = ingress_of(z, "Network", "AlbHealthCheckSecurityGroup");
	CHECK(json_array_size(in) == 1);
	CHECK(subset_of("{\"SourcePrefixListId\":{\"Ref\":\"Route53HealthCheckersPrefixList\"},"
			"\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443}",
			json_array_get(in, 0)));
	/* both groups on the primary's load balancer, each within its 60 rules */
	const json_t *groups = json_object_get(
		json_object_get(resource(z, "Compute", "LoadBalancer"), "Properties"), "SecurityGroups");
	char *g = json_dumps(groups, JSON_COMPACT);
	CHECK(json_array_size(groups) == 2 && g && strstr(g, "AlbSecurityGroup") &&
	      strstr(g, "AlbHealthCheckSecurityGroup"));
	free(g);
	CHECK(json_array_size(ingress_of(z, "Network", "AlbSecurityGroup")) == 1);
	/* deploy looks the list up in the load balancer's region */
	json_t *m = sm_app_manifest(z, SM_FORMAT_JSON);
	char *text = json_dumps(m, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "\"name\": \"com.amazonaws.us-east-1.route53-healthchecks\"") &&
	      strstr(text, "\"parameter\": \"Route53HealthCheckersPrefixList\""));
	free(text);
	json_decref(m);
	/* the check it serves: HTTPS (IPv4, resolved from the name) to origin.<domain> */
	CHECK(HAS(z, "Edge", "AWS::Route53::HealthCheck",
		  "{\"HealthCheckConfig\":{\"Type\":\"HTTPS\",\"Port\":443,"
		  "\"FullyQualifiedDomainName\":\"origin.solemate.com\"}}"));
	/* the standby's load balancer is checked by alias target health, not by Route 53's checkers */
	CHECK(resource(z, "DrStandby", "AlbHealthCheckSecurityGroup") == NULL);
	sm_app_free(z);
	/* no failover check, no group: no zone (production.json), or no standby (backup-restore) */
	CHECK(resource(production, "Network", "AlbHealthCheckSecurityGroup") == NULL);
	CHECK(json_array_size(json_object_get(
		      json_object_get(resource(production, "Compute", "LoadBalancer"), "Properties"),
		      "SecurityGroups")) == 1);
	const char *br[] = {"drReadiness=backup-restore"};
	struct sm_app *b = build_with("tests/fixtures/config/good/production-with-zone.json", br, 1);
	CHECK(resource(b, "Network", "AlbHealthCheckSecurityGroup") == NULL);
	CHECK(!HAS(b, "Edge", "AWS::Route53::HealthCheck", "{}"));
	CHECK(!json_object_get(json_object_get(T(b, "Network"), "Parameters"),
			       "Route53HealthCheckersPrefixList"));
	sm_app_free(b);
}

/*
 * A failover is told to the operators: Route 53 moves every visitor to the
 * standby when PrimaryHealthCheck turns unhealthy, and nothing said so. Its
 * metric (AWS/Route53 HealthCheckStatus, 1 healthy, 0 not, per HealthCheckId)
 * exists in us-east-1 only (Route 53 developer guide, "Monitoring health
 * checks using CloudWatch"), so the alarm lives in the Edge stack, there,
 * and sends to that stack's topic, to which the ops address subscribes.
 */
/*
 * Route 53 refuses a failover record beside a plain record of the same name
 * and type ("You can't create non-failover records that have the same values
 * for Name and Type as failover records"). On a zone deployed with plain
 * AAAA aliases of CloudFront (before they failed over), the standby stack
 * (wave 2) created its SECONDARY AAAA records before the Edge stack (wave 3)
 * made the plain ones PRIMARY: refused, and the deploy failed. The standby
 * now follows the Edge stack whenever it holds SECONDARY records.
 */
TEST(secondary_records_are_added_after_the_primary_ones)
{
	const char *ws[] = {"drReadiness=warm-standby"};
	struct sm_app *z = build_with("tests/fixtures/config/good/production-with-zone.json", ws, 1);
	CHECK(stack_follows(z, "SolemateProdzoneDrStandby", "SolemateProdzoneEdge"));
	/* and so deploy's waves put the Edge stack first */
	json_t *m = sm_app_manifest(z, SM_FORMAT_JSON);
	const json_t *deps = json_object_get(
		json_object_get(json_object_get(m, "artifacts"), "SolemateProdzoneDrStandby"),
		"dependencies");
	char *d = json_dumps(deps, JSON_ENCODE_ANY);
	CHECK(d && strstr(d, "\"SolemateProdzoneEdge\""));
	free(d);
	json_decref(m);
	sm_app_free(z);
	/* without failover records the standby need not wait for CloudFront */
	CHECK(!stack_follows(production, "SolemateProductionDrStandby", "SolemateProductionEdge"));
}

TEST(a_dns_failover_alarms_the_operators)
{
	const char *ws[] = {"drReadiness=warm-standby"};
	struct sm_app *z = build_with("tests/fixtures/config/good/production-with-zone.json", ws, 1);
	CHECK_STR(sm_stack_region(sm_app_find_stack(z, "SolemateProdzoneEdge")), "us-east-1");
	CHECK(HAS(z, "Edge", "AWS::CloudWatch::Alarm",
		  "{\"Namespace\":\"AWS/Route53\",\"MetricName\":\"HealthCheckStatus\","
		  "\"Dimensions\":[{\"Name\":\"HealthCheckId\",\"Value\":{\"Ref\":\"PrimaryHealthCheck\"}}],"
		  "\"Statistic\":\"Minimum\",\"ComparisonOperator\":\"LessThanThreshold\","
		  "\"Threshold\":1.0,\"Period\":60,\"EvaluationPeriods\":1,"
		  "\"AlarmActions\":[{\"Ref\":\"EdgeAlarmTopic\"}],\"OKActions\":[{\"Ref\":\"EdgeAlarmTopic\"}]}"));
	CHECK(HAS(z, "Edge", "AWS::SNS::Subscription",
		  "{\"Protocol\":\"email\",\"Endpoint\":\"ops@solemate.com\","
		  "\"TopicArn\":{\"Ref\":\"EdgeAlarmTopic\"}}"));
	sm_app_free(z);
	/* no failover, no alarm on a health check */
	const char *br[] = {"drReadiness=backup-restore"};
	struct sm_app *b = build_with("tests/fixtures/config/good/production-with-zone.json", br, 1);
	CHECK(!HAS(b, "Edge", "AWS::CloudWatch::Alarm", "{\"Namespace\":\"AWS/Route53\"}"));
	sm_app_free(b);
	CHECK(!HAS(production, "Edge", "AWS::CloudWatch::Alarm", "{\"Namespace\":\"AWS/Route53\"}"));
}

/*
 * IPv6 visitors fail over too: the AAAA records are a failover pair like
 * the A records, whose SECONDARY is the standby's load balancer, dual-stack
 * with everything the ELB's dualstack requirements name (an IPv6 block on
 * the VPC and on its subnets, an IPv6 route, security group and network ACL
 * rules for IPv6). Before, the AAAA records stayed on CloudFront and its
 * dead origin in a regional outage. The primary stays IPv4.
 */
TEST(dr_standby_is_dual_stack_and_takes_the_aaaa_records)
{
	const char *ws[] = {"drReadiness=warm-standby"};
	struct sm_app *z = build_with("tests/fixtures/config/good/production-with-zone.json", ws, 1);
	for (int www = 0; www < 2; www++) {
		const char *name = www ? "www.solemate.com" : "solemate.com";
		char *primary = xstrfmt("{\"Name\":\"%s\",\"Type\":\"AAAA\",\"Failover\":\"PRIMARY\","
					"\"HealthCheckId\":{\"Ref\":\"PrimaryHealthCheck\"}}",
					name);
		char *secondary = xstrfmt(
			"{\"Name\":\"%s\",\"Type\":\"AAAA\",\"Failover\":\"SECONDARY\","
			"\"SetIdentifier\":\"dr-standby\",\"AliasTarget\":{\"DNSName\":{\"Fn::Join\":"
			"[\"\",[\"dualstack.\",{\"Fn::GetAtt\":[\"LoadBalancer\",\"DNSName\"]}]]},"
			"\"HostedZoneId\":{\"Fn::GetAtt\":[\"LoadBalancer\",\"CanonicalHostedZoneID\"]},"
			"\"EvaluateTargetHealth\":true}}",
			name);
		CHECK(HAS(z, "Edge", "AWS::Route53::RecordSet", primary));
		CHECK(HAS(z, "DrStandby", "AWS::Route53::RecordSet", secondary));
		free(primary);
		free(secondary);
	}
	CHECK(COUNT(z, "DrStandby", "AWS::Route53::RecordSet") == 4);
	/* the standby's load balancer answers IPv6 */
	CHECK(HAS(z, "DrStandby", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		  "{\"IpAddressType\":\"dualstack\"}"));
	CHECK(HAS(z, "DrStandby", "AWS::EC2::VPCCidrBlock",
		  "{\"VpcId\":{\"Ref\":\"Vpc\"},\"AmazonProvidedIpv6CidrBlock\":true}"));
	for (int az = 0; az < 2; az++) {
		char *id = xstrfmt("VpcPublicSubnet%d", az + 1);
		const json_t *sn = resource(z, "DrStandby", id);
		char *want = xstrfmt("{\"Ipv6CidrBlock\":{\"Fn::Select\":[%d,{\"Fn::Cidr\":[{\"Fn::Select\":"
				     "[0,{\"Fn::GetAtt\":[\"Vpc\",\"Ipv6CidrBlocks\"]}]},2,64]}]}}",
				     az);
		CHECK(subset_of(want, json_object_get(sn, "Properties")));
		char *deps = json_dumps(json_object_get(sn, "DependsOn"), JSON_ENCODE_ANY);
		CHECK(deps && strstr(deps, "VpcIpv6CidrBlock"));
		free(deps);
		free(want);
		free(id);
		char *rt = xstrfmt("{\"RouteTableId\":{\"Ref\":\"VpcPublicSubnet%dRouteTable\"},"
				   "\"DestinationIpv6CidrBlock\":\"::/0\",\"GatewayId\":{\"Ref\":\"VpcIGW\"}}",
				   az + 1);
		CHECK(HAS(z, "DrStandby", "AWS::EC2::Route", rt));
		free(rt);
	}
	/* the private and isolated tiers stay IPv4 */
	CHECK(!json_object_get(json_object_get(resource(z, "DrStandby", "VpcPrivateSubnet1"), "Properties"),
			       "Ipv6CidrBlock"));
	CHECK(!json_object_get(json_object_get(resource(z, "DrStandby", "VpcIsolatedSubnet1"), "Properties"),
			       "Ipv6CidrBlock"));
	/* the public ACL lets IPv6 in on 443 and the answers out */
	CHECK(HAS(z, "DrStandby", "AWS::EC2::NetworkAclEntry",
		  "{\"NetworkAclId\":{\"Ref\":\"PublicNacl\"},\"Egress\":false,\"Ipv6CidrBlock\":\"::/0\","
		  "\"PortRange\":{\"From\":443,\"To\":443}}"));
	CHECK(HAS(z, "DrStandby", "AWS::EC2::NetworkAclEntry",
		  "{\"NetworkAclId\":{\"Ref\":\"PublicNacl\"},\"Egress\":true,\"Ipv6CidrBlock\":\"::/0\","
		  "\"PortRange\":{\"From\":1024,\"To\":65535}}"));
	/* the primary is untouched: IPv4, no IPv6 block */
	CHECK(HAS(z, "Compute", "AWS::ElasticLoadBalancingV2::LoadBalancer", "{\"IpAddressType\":\"ipv4\"}"));
	CHECK(COUNT(z, "Network", "AWS::EC2::VPCCidrBlock") == 0);
	CHECK(!HAS(z, "Network", "AWS::EC2::NetworkAclEntry", "{\"Ipv6CidrBlock\":\"::/0\"}"));
	sm_app_free(z);
	/* without a standby that serves, the AAAA records stay plain CloudFront aliases */
	const char *br[] = {"drReadiness=backup-restore"};
	struct sm_app *b = build_with("tests/fixtures/config/good/production-with-zone.json", br, 1);
	CHECK(HAS(b, "Edge", "AWS::Route53::RecordSet", "{\"Name\":\"solemate.com\",\"Type\":\"AAAA\"}"));
	CHECK(!HAS(b, "Edge", "AWS::Route53::RecordSet", "{\"Failover\":\"PRIMARY\"}"));
	sm_app_free(b);
}

int main(void)
{
	infra_fixture_build_all();
	RUN(fr_1_1_ec2_instances_for_the_backend);
	RUN(fr_1_1_the_ec2_instances_host_application_tasks);
	RUN(capacity_provider_group_declares_the_amazon_ecs_managed_tag);
	RUN(the_ec2_service_has_cpu_and_memory_alarms_of_its_own);
	RUN(the_sampling_rule_matches_this_environment_s_service_only);
	RUN(ec2_volumes_use_our_key_which_auto_scaling_may_use);
	RUN(fr_1_2_ecs_cluster_and_fargate_service);
	RUN(the_application_container_can_start_and_pass_its_health_checks);
	RUN(fr_1_3_auto_scaling);
	RUN(fr_1_4_load_balancer_distributes_traffic);
	RUN(fr_1_5_tls_termination);
	RUN(fr_1_6_health_checks_and_monitoring);
	RUN(fr_2_1_postgresql_multi_az_in_production);
	RUN(fr_2_2_backup_and_recovery);
	RUN(a_rebuilt_environment_gets_a_vault_of_its_own);
	RUN(fr_2_3_encryption_at_rest_and_in_transit);
	RUN(fr_2_4_monitoring_and_alerting);
	RUN(fr_2_5_parameter_groups_and_security_groups);
	RUN(fr_2_6_read_replicas);
	RUN(master_credentials_allow_read_replicas_and_rotate);
	RUN(application_reaches_the_database_with_its_own_rotating_user);
	RUN(rds_log_export_groups_are_declared_before_the_instances);
	RUN(fr_3_1_assets_bucket);
	RUN(fr_3_2_policies_and_access_controls);
	RUN(fr_3_3_versioning_and_lifecycle);
	RUN(fr_3_4_encryption);
	RUN(fr_3_5_cloudfront_cdn);
	RUN(fr_3_6_backup_and_disaster_recovery);
	RUN(dr_backup_restore_copies_backups_to_the_dr_region);
	RUN(dr_standby_replicates_the_database_across_regions);
	RUN(dr_failover_records_with_a_hosted_zone);
	RUN(failover_health_checkers_reach_the_primary_load_balancer);
	RUN(secondary_records_are_added_after_the_primary_ones);
	RUN(a_dns_failover_alarms_the_operators);
	RUN(dr_standby_is_dual_stack_and_takes_the_aaaa_records);
	infra_fixture_release_all();
	return test_done();
}
