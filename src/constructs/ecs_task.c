/* An ECS task: its definition, its containers and its execution role (ecs.h). */
#include "constructs/ecs.h"

#include <stdlib.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "constructs/iam.h"

/* The awslogs driver to `group`, in the stack's region (ECS developer guide, "Using the awslogs log
 * driver") */
static json_t *awslogs(const struct sm_resource *group, const char *prefix)
{
	return json_pack("{ss s{so so ss}}", "LogDriver", "awslogs", "Options", "awslogs-group",
			 sm_ref(group), "awslogs-region", sm_aws_region(), "awslogs-stream-prefix",
			 prefix);
}

/* The optional members (o*) are left out when NULL. */
static json_t *container(const struct ecs_container_props *c)
{
	json_t *port = c->port ? json_pack("[{siss}]", "ContainerPort", c->port, "Protocol",
					   c->protocol ? c->protocol : "tcp")
			       : NULL;
	/* a task whose check fails is replaced; 30 s to start before it counts */
	json_t *check = c->health_check ? json_pack("{s[ss] si si si si}", "Command", "CMD-SHELL",
						    c->health_check, "Interval", 15, "Timeout", 5,
						    "Retries", 3, "StartPeriod", 30)
					: NULL;
	return json_pack("{ss ss sb so* sb ss so* so so* so*}", "Name", c->name, "Image", c->image,
			 "Essential", !c->sidecar, "PortMappings", port, "ReadonlyRootFilesystem",
			 !c->writable_root, "User", c->user, "HealthCheck", check,
			 "LogConfiguration", awslogs(c->log_group, c->log_prefix), "Secrets",
			 c->secrets, "Environment", c->environment);
}

/*
 * Fargate has no tmpfs (LinuxParameters.tmpfs is EC2-only), so each path is
 * a bind-mount volume of the task's ephemeral storage, which Fargate creates
 * owned by root, mode 0755 (ECS developer guide, "Bind mounts"): a non-root
 * application cannot write it. A short-lived root container hands the paths
 * to the application's user first, and the application starts once it has
 * succeeded (ContainerDependency SUCCESS).
 */
static json_t *writable_paths(const struct ecs_task_definition_props *p, json_t *app,
			      json_t **volumes)
{
	const struct ecs_container_props *owner = &p->containers[0];
	json_t *mounts = json_array(), *command = json_pack("[ss]", "chown", owner->user);
	*volumes = json_array();
	for (const struct ecs_mount *m = p->writable_paths; m->volume; m++) {
		json_array_append_new(*volumes, json_pack("{ss}", "Name", m->volume));
		json_array_append_new(mounts, json_pack("{ssss}", "SourceVolume", m->volume,
							"ContainerPath", m->path));
		json_array_append_new(command, json_string(m->path));
	}
	json_object_set(app, "MountPoints", mounts);
	json_object_set_new(
		app, "DependsOn",
		json_pack("[{ssss}]", "ContainerName", ECS_INIT_CONTAINER, "Condition", "SUCCESS"));
	return json_pack("{ss ss sb ss sb so so so}", "Name", ECS_INIT_CONTAINER, "Image",
			 p->init_image, "Essential", 0, "User", "0", "ReadonlyRootFilesystem", 1,
			 "Command", command, "MountPoints", mounts, "LogConfiguration",
			 awslogs(owner->log_group, "init"));
}

struct sm_resource *ecs_task_definition_new(struct sm_stack *s, const char *id,
					    const struct ecs_task_definition_props *p)
{
	json_t *defs = json_array(), *volumes = NULL, *init = NULL;
	for (int i = 0; i < ECS_MAX_CONTAINERS && (i == 0 || p->containers[i].name); i++)
		json_array_append_new(defs, container(&p->containers[i]));
	if (p->writable_paths)
		init = writable_paths(p, json_array_get(defs, 0), &volumes);
	if (init)
		json_array_append_new(defs, init);
	char *cpu = p->cpu > 0 ? xstrfmt("%d", p->cpu) : NULL,
	     *mem = p->memory > 0 ? xstrfmt("%d", p->memory) : NULL;
	json_t *compat = p->ec2 ? json_pack("[ss]", "FARGATE", "EC2") : json_pack("[s]", "FARGATE");
	struct sm_resource *td = sm_resource_new(
		s, id, "AWS::ECS::TaskDefinition",
		json_pack("{ss so ss ss ss so so so}", "Family", p->family,
			  "RequiresCompatibilities", compat, "NetworkMode", "awsvpc", "Cpu", cpu,
			  "Memory", mem, "ExecutionRoleArn", sm_getatt(p->execution_role, "Arn"),
			  "TaskRoleArn", sm_getatt(p->task_role, "Arn"), "ContainerDefinitions",
			  defs));
	if (volumes)
		sm_resource_set(td, "Volumes", volumes);
	sm_resource_set(td, "RuntimePlatform", json_pack("{ss}", "OperatingSystemFamily", "LINUX"));
	free(cpu);
	free(mem);
	return td;
}

/* ECS developer guide, "Amazon ECS task execution IAM role" (private registry, awslogs, secrets) */
struct sm_resource *ecs_execution_role_new(struct sm_stack *s, const char *id,
					   const struct ecs_execution_role_props *p)
{
	json_t *st = sm_list(
		/* ecr:GetAuthorizationToken has no resource-level permission (IAM docs) */
		iam_allow(sm_strings("ecr:GetAuthorizationToken", NULL), json_string("*")),
		iam_allow(sm_strings("ecr:BatchCheckLayerAvailability",
				     "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", NULL),
			  sm_list(sm_fn_sub("arn:${AWS::Partition}:ecr:${AWS::Region}:"
					    "${AWS::AccountId}:repository/*"))),
		iam_allow(sm_strings("logs:CreateLogStream", "logs:PutLogEvents", NULL),
			  sm_list(sm_getatt(p->log_group, "Arn"))));
	if (p->secrets)
		json_array_append_new(
			st,
			iam_allow(sm_strings("secretsmanager:GetSecretValue", NULL), p->secrets));
	if (p->kms_key)
		json_array_append_new(st, iam_allow(sm_strings("kms:Decrypt", NULL),
						    sm_list(sm_getatt(p->kms_key, "Arn"))));
	struct sm_resource *r = iam_role_new(s, id, "ecs-tasks.amazonaws.com", st, NULL);
	accept_finding(r, "SM-IAM-002",
		       "ecr:GetAuthorizationToken supports only Resource '*'; image pulls "
		       "are limited to this account's repositories");
	return r;
}
