/*
 * FR-1 compute: the ECS cluster with its Fargate service and EC2 capacity,
 * the internet-facing load balancer, and autoscaling. See compute.h.
 */
#include "lib/compute.h"

#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/alb.h"
#include "constructs/dns.h"
#include "constructs/ecs.h"
#include "constructs/iam.h"
#include "constructs/secure.h"

#define APP_CONTAINER "app"
#define XRAY_IMAGE "public.ecr.aws/xray/aws-xray-daemon:3.3.13"
#define INIT_IMAGE "public.ecr.aws/docker/library/busybox:1.36"

/* What the application may do, beyond starting (the execution role's part). */
char *compute_tracing_name(const struct env_config *cfg)
{
	return xstrfmt("solemate-%s", cfg->environment);
}

static struct sm_resource *task_role(struct sm_stack *s, const struct compute_inputs *in)
{
	json_t *st = sm_list(
		iam_allow(sm_strings("s3:ListBucket", NULL),
			  sm_list(sm_getatt(in->st->assets_bucket, "Arn"))),
		iam_allow(sm_strings("s3:GetObject", "s3:PutObject", NULL),
			  sm_list(bucket_objects_arn(in->st->assets_bucket, "/*"))),
		iam_allow(sm_strings("secretsmanager:GetSecretValue", NULL),
			  sm_list(security_app_secret_arn(in->secrets))),
		iam_allow(sm_strings("kms:Decrypt", "kms:GenerateDataKey", NULL),
			  sm_list(sm_getatt(in->keys->data_key, "Arn"))),
		/* X-Ray's write and sampling APIs take no resource ARN (X-Ray IAM docs) */
		iam_allow(sm_strings("xray:PutTraceSegments", "xray:PutTelemetryRecords",
				     "xray:GetSamplingRules", "xray:GetSamplingTargets", NULL),
			  json_string("*")));
	struct sm_resource *r = iam_role_new(s, "TaskRole", "ecs-tasks.amazonaws.com", st, NULL);
	accept_finding(r, "SM-IAM-002",
		       "objects of the assets bucket (its ARN ends in /*) and X-Ray's "
		       "trace APIs, which support only Resource '*'");
	return r;
}

/*
 * The application under a read-only root, as containerUser, beside the
 * X-Ray daemon. What it writes: the default image writes its pid and
 * temporary files under /tmp and owns /var/cache/nginx.
 */
static struct sm_resource *task_definition(struct sm_stack *s, const struct env_config *cfg,
					   const struct compute_inputs *in, struct sm_resource *lg)
{
	static const struct ecs_mount writable[] = {
		{"tmp", "/tmp"}, {"nginx-cache", "/var/cache/nginx"}, {0}};
	/* curl is in the default image (its Dockerfile installs it); wget is not in nginx's */
	char *health = cfg->health_check_command
			       ? xstrdup(cfg->health_check_command)
			       : xstrfmt("curl -fsS -o /dev/null http://localhost:%d%s || exit 1",
					 cfg->container_port, cfg->health_check_path);
	struct sm_resource *role = task_role(s, in);
	struct sm_resource *execution = ecs_execution_role_new(
		s, "TaskExecutionRole",
		&(struct ecs_execution_role_props){
			.log_group = lg,
			.secrets = sm_list(database_app_secret_arn(in->db),
					   security_app_secret_arn(in->secrets)),
			.kms_key = in->keys->data_key});
	/*
	 * where the database is, and the name of the app's X-Ray segments: the
	 * X-Ray SDKs take it from AWS_XRAY_TRACING_NAME, and the sampling rule
	 * (Monitoring) matches it, not every service of the account
	 */
	json_t *environment = database_task_environment(in->db);
	char *tracing_name = compute_tracing_name(cfg);
	json_t *tracing_var = ecs_environment((const struct ecs_variable[]){
		{"AWS_XRAY_TRACING_NAME", json_string(tracing_name)}, {0}});
	json_array_extend(environment, tracing_var);
	json_decref(tracing_var);
	free(tracing_name);
	/* who the app is at the database, and its own secret */
	json_t *secrets = database_task_secrets(in->db),
	       *own = ecs_secrets((const struct ecs_variable[]){
		       {"APP_SECRET", security_app_secret_arn(in->secrets)}, {0}});
	json_array_extend(secrets, own);
	json_decref(own);
	struct sm_resource *td = ecs_task_definition_new(
		s, "TaskDefinition",
		&(struct ecs_task_definition_props){.family = cfg->stack_prefix,
						    .cpu = cfg->task_cpu,
						    .memory = cfg->task_memory,
						    .ec2 = true,
						    .execution_role = execution,
						    .task_role = role,
						    .containers = {{.name = APP_CONTAINER,
								    .image = cfg->container_image,
								    .user = cfg->container_user,
								    .port = cfg->container_port,
								    .health_check = health,
								    .log_group = lg,
								    .log_prefix = "app",
								    .secrets = secrets,
								    .environment = environment},
								   {.name = "xray-daemon",
								    .image = XRAY_IMAGE,
								    .user = "1337",
								    .sidecar = true,
								    .port = 2000,
								    .protocol = "udp",
								    .log_group = lg,
								    .log_prefix = "xray"}},
						    .writable_paths = writable,
						    .init_image = INIT_IMAGE});
	free(health);
	/*
	 * cdk-nag's own: AwsSolutions-ECS2 flags any plain variable, and no rule
	 * of ours does (SM-ECS-005 answers to it for a secret in one only)
	 */
	nag_suppress(td,
		     "the plain variables are the database's endpoints, port and name, which "
		     "are not secrets; its credentials come from Secrets Manager",
		     "AwsSolutions-ECS2", NULL);
	accept_finding(td, "SM-ECS-003",
		       "the volume-permissions container runs as root for one chown of the "
		       "task's empty scratch volumes (Fargate creates them root-owned, mode "
		       "0755) and exits; the application runs as containerUser");
	return td;
}

static void load_balancer(struct sm_stack *s, const struct env_config *cfg,
			  const struct compute_inputs *in, struct compute *out, bool prod)
{
	const struct vpc *v = &in->net->vpc;
	out->alb =
		alb_new(s, "LoadBalancer",
			&(struct alb_props){.subnets = vpc_subnet_ids(v, VPC_TIER_PUBLIC),
					    .security_group = in->net->alb_sg,
					    .second_security_group = in->net->alb_health_check_sg,
					    .dualstack = v->ipv6_block != NULL,
					    .access_log_bucket = in->st->logs_bucket,
					    .access_log_prefix = "alb",
					    .allow_deletion = !prod});
	out->target_group = alb_target_group_new(
		s, "TargetGroup",
		&(struct alb_target_group_props){.vpc = v->vpc,
						 .port = cfg->container_port,
						 .health_check_path = cfg->health_check_path});
	out->https_listener =
		alb_https_listener_new(s, "HttpsListener",
				       &(struct alb_https_listener_props){
					       .load_balancer = out->alb,
					       .certificate_arn = security_alb_certificate(s, cfg),
					       .target_group = out->target_group});
	alb_redirect_listener_new(s, "HttpRedirectListener", out->alb);
	if (in->regional_waf)
		alb_associate_web_acl(s, "LoadBalancerWebAcl", out->alb, in->regional_waf);
}

/* EC2 capacity for part of the application (FR-1.1), and the cluster's providers. */
static void ec2_capacity(struct sm_stack *s, const struct env_config *cfg,
			 const struct compute_inputs *in, struct compute *out)
{
	struct ecs_ec2_capacity ec2;
	ecs_ec2_capacity_new(s, "",
			     &(struct ecs_ec2_capacity_props){
				     .cluster = out->cluster,
				     .instance_type = cfg->ec2_instance_type,
				     .subnets = vpc_subnet_ids(&in->net->vpc, VPC_TIER_PRIVATE),
				     .security_group = in->net->app_sg,
				     /* security.c: its policy lets the Auto Scaling role use it */
				     .kms_key = in->keys->data_key,
				     .min_capacity = cfg->ec2_min_capacity,
				     .max_capacity = cfg->ec2_max_capacity,
				     .notification_topic = in->alarm_topic},
			     &ec2);
	out->asg = ec2.group;
	out->capacity_provider = ec2.provider;
	out->capacity_associations = ecs_cluster_capacity_providers_new(
		s, "ClusterCapacityProviders", out->cluster, ec2.provider);
}

static void autoscaling(struct sm_stack *s, const struct env_config *cfg, struct compute *out)
{
	struct ecs_autoscaling scaling;
	ecs_service_autoscale(s, "",
			      &(struct ecs_autoscaling_props){
				      .cluster = out->cluster,
				      .service = out->service,
				      .min_capacity = cfg->ecs_min_capacity,
				      .max_capacity = cfg->ecs_max_capacity,
				      .cpu_target_percent = 60,
				      /* one task answers `rpsPerTask` within 200 ms: track well
					 below that per minute */
				      .requests_per_target = cfg->usage.rps_per_task * 60.0 * 0.7,
				      .load_balancer = out->alb,
				      .target_group = out->target_group},
			      &scaling);
	out->scalable_target = scaling.scalable_target;
}

static struct sm_resource *service(struct sm_stack *s, const struct env_config *cfg,
				   const struct compute_inputs *in, struct compute *out,
				   const char *id, int desired, json_t *provider, int base,
				   bool spread)
{
	return ecs_service_new(
		s, id,
		&(struct ecs_service_props){
			.cluster = out->cluster,
			.task_definition = out->task_definition,
			.desired_count = desired,
			.capacity_provider = provider,
			.capacity_provider_base = base,
			.subnets = vpc_subnet_ids(&in->net->vpc, VPC_TIER_PRIVATE),
			.security_group = in->net->app_sg,
			.target_group = out->target_group,
			.container_name = APP_CONTAINER,
			.container_port = cfg->container_port,
			/*
			 * A service names capacity providers the cluster must
			 * already have: without the dependency CloudFormation may
			 * create it first and ECS refuses it (CloudFormation user
			 * guide, AWS::ECS::ClusterCapacityProviderAssociations;
			 * aws/containers-roadmap#631).
			 */
			.depends_on = {out->https_listener, out->capacity_associations},
			.roles = {sm_stack_find_resource(s, "TaskExecutionRole"),
				  sm_stack_find_resource(s, "TaskRole")},
			.spread_across_azs = spread});
}

/*
 * CloudFront reaches the ALB over HTTPS and checks that the ALB's certificate
 * matches the origin's domain name (CloudFront developer guide, "Requiring
 * HTTPS for communication between CloudFront and your custom origin"); the
 * ELB's own name (*.elb.amazonaws.com) is on no certificate of ours. The
 * origin is therefore origin.<domain>, which the ALB's certificate covers
 * (*.domain when it is DNS-validated here): with a hosted zone, an alias
 * record to the ALB; without one, the operator adds it (the output says so).
 */
char *compute_origin_domain(const struct env_config *cfg)
{
	return xstrfmt("origin.%s", cfg->domain_name);
}

static void origin_record(struct sm_stack *s, const struct env_config *cfg, struct compute *out)
{
	char *name = compute_origin_domain(cfg);
	if (cfg->hosted_zone_id)
		dns_alias_new(
			s, "OriginAliasRecord",
			&(struct dns_alias_props){
				.hosted_zone_id = cfg->hosted_zone_id,
				.name = name,
				.type = "A",
				.target = sm_getatt(out->alb, "DNSName"),
				.target_zone_ref = sm_getatt(out->alb, "CanonicalHostedZoneID")});
	sm_stack_add_output(
		s, "OriginDomainName", json_string(name),
		cfg->hosted_zone_id
			? "CloudFront's origin for /api/*: an alias of the load balancer"
			: "CloudFront's origin for /api/*: point it (CNAME) at "
			  "LoadBalancerDnsName; the ALB certificate must cover it",
		NULL);
	free(name);
}

int compute_build(struct sm_stack *s, const struct env_config *cfg, const struct compute_inputs *in,
		  struct compute *out, struct diag_list *dl)
{
	(void)dl;
	bool prod = cfg->protect_data;
	memset(out, 0, sizeof(*out));

	/*
	 * Container Insights writes its performance events to a log group named
	 * after the cluster, which it creates itself with no retention and no KMS
	 * key unless the group exists first (CloudWatch user guide, "Container
	 * Insights performance log events for Amazon ECS"). So the cluster has a
	 * known name and the group is declared in the Data stack, which this
	 * stack imports from and so follows. Retained in production, the group
	 * outlives the Data stack with its name: the name carries the Data
	 * stack's ID (the next Data stack of the name gets another, SM-DEP-080).
	 * The Data stack makes the cluster's name once and exports it as a value
	 * of its own; the group's name is built of the same expression, and the
	 * cluster imports the name as it is (no splitting of an imported value:
	 * moto failed re-evaluating one in DescribeStacks, and a plain import is
	 * what CloudFormation's cross-stack references are for: "Walkthrough:
	 * Refer to resource outputs in another AWS CloudFormation stack").
	 */
	json_t *cluster_name = sm_stack_unique_name(cfg->stack_prefix);
	struct sm_resource *insights = log_group_new(
		in->data, "ContainerInsightsLogs", ecs_insights_log_group_name(cfg->stack_prefix),
		in->keys->logs_key, cfg->log_retention_days, prod ? "Retain" : NULL);
	if (in->data != s) {
		char *export = xstrfmt("%s:ContainerInsightsClusterName", sm_stack_name(in->data));
		sm_stack_add_output(
			in->data, "ContainerInsightsClusterName", cluster_name,
			"The ECS cluster's name, which its Container Insights log group carries",
			export);
		cluster_name = sm_fn_import_value(json_string(export));
		/* the import is by name: the stack order the engine gives tokens, said here */
		sm_stack_add_dependency(s, in->data);
		free(export);
	}
	out->cluster =
		ecs_cluster_new(s, "Cluster", &(struct ecs_cluster_props){.name = cluster_name});
	if (in->data == s) /* one stack (the DR standby's): the group first all the same */
		sm_resource_depends_on(out->cluster, insights);
	out->app_log_group = log_group_new(in->data, "AppLogs", NULL, in->keys->logs_key,
					   cfg->log_retention_days, prod ? "Retain" : NULL);
	out->task_definition = task_definition(s, cfg, in, out->app_log_group);
	load_balancer(s, cfg, in, out, prod);

	ec2_capacity(s, cfg, in, out);
	out->service = service(s, cfg, in, out, "Service", cfg->ecs_desired_count,
			       json_string("FARGATE"), cfg->ecs_min_capacity, false);
	/*
	 * FR-1.1: the EC2 instances run part of the application. A capacity
	 * provider strategy cannot mix Fargate and Auto Scaling group providers
	 * (ECS developer guide, "Capacity provider strategies"), so the EC2 share
	 * is a second service of the same task definition behind the same target
	 * group, one task per instance the group always keeps; ECS managed
	 * scaling grows the group when a deployment needs room.
	 */
	if (cfg->ec2_min_capacity > 0) {
		out->ec2_service = service(s, cfg, in, out, "Ec2Service", cfg->ec2_min_capacity,
					   sm_ref(out->capacity_provider), 0, true);
	}
	autoscaling(s, cfg, out);

	sm_stack_add_output(s, "LoadBalancerDnsName", sm_getatt(out->alb, "DNSName"),
			    "DNS name of the load balancer", NULL);
	/* the standby's load balancer is reached through the failover records instead */
	if (!cfg->dr_standby)
		origin_record(s, cfg, out);
	sm_stack_add_output(s, "ClusterName", sm_ref(out->cluster), "ECS cluster", NULL);
	return 0;
}
