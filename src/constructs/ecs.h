/*
 * An ECS cluster, its capacity, and a service behind a load balancer's
 * target group with its target tracking autoscaling, with the secure
 * defaults a security engineer expects (the CDK's ecs.Cluster,
 * AsgCapacityProvider, ApplicationLoadBalancedFargateService and
 * autoScaleTaskCount):
 *
 *   ecs_cluster_new     Container Insights on; the name of the log group it
 *                       writes to (ecs_insights_log_group_name), so that the
 *                       caller declares the group (KMS, retention) first
 *   ecs_ec2_capacity_new  EC2 instances for the cluster: the ECS-optimised
 *                       Amazon Linux 2023 AMI from AWS's public SSM
 *                       parameter, IMDSv2 only, no SSH key (Session Manager
 *                       through the instance role), a KMS-encrypted gp3 root
 *                       volume, detailed monitoring, user data that joins
 *                       the cluster; an Auto Scaling group in the given
 *                       subnets, and a capacity provider with managed scaling
 *   ecs_cluster_capacity_providers_new  Fargate, Fargate Spot and an EC2
 *                       provider for the cluster, Fargate by default
 *   ecs_task_definition_new  a Linux task of awsvpc networking for Fargate
 *                       (and EC2 when asked) whose containers run with a
 *                       read-only root file system as the given user, each
 *                       logging to CloudWatch Logs; what the first container
 *                       must write under its read-only root is a bind-mount
 *                       volume per path, handed to its user by a short-lived
 *                       init container it waits for (ecs_task.c)
 *   ecs_execution_role_new  what ECS needs to start the tasks and nothing
 *                       else: pull images from this account's ECR
 *                       repositories, write to the tasks' log group, read
 *                       the secrets their containers name and decrypt them
 *   ecs_service_new     tasks in the given (private) subnets without public
 *                       IPs, rolling deployments (100 % healthy, 200 % at
 *                       most) with the circuit breaker rolling back a failed
 *                       one, ECS managed tags propagated from the service,
 *                       no ECS Exec unless `enable_execute_command`; the
 *                       service waits for the listener of its target group,
 *                       the cluster's capacity providers and its roles'
 *                       policies (`wait_for`)
 *   ecs_service_autoscale  a scalable target on the desired count, a CPU
 *                       target tracking policy and, given `requests_per_target`,
 *                       one on the load balancer's requests per target
 *
 * Logical IDs are the caller's. Handles are borrowed pointers into the stack.
 */
#ifndef SM_CONSTRUCT_ECS_H
#define SM_CONSTRUCT_ECS_H

#include "engine/engine.h"

#define ECS_SERVICE_MAX_WAITS 8

/* A container's variable (the CDK's environment and secrets object literals). */
struct ecs_variable {
	const char *name;
	json_t *value; /* stolen; required: the value, or for a secret its ARN (ValueFrom) */
};
/*
 * [{"Name", "Value"}, ...] of `vars` up to one without name ({0}): a
 * container definition's Environment. A variable without value fails the
 * synthesis naming "Value".
 */
json_t *ecs_environment(const struct ecs_variable *vars);
/* [{"Name", "ValueFrom"}, ...]: a container definition's Secrets, the same way. */
json_t *ecs_secrets(const struct ecs_variable *vars);
/*
 * One JSON key of a Secrets Manager secret as ECS reads it into a variable:
 * "<arn>:<key>::" (ARN:json-key:version-stage:version-id; ECS developer
 * guide, "Pass Secrets Manager secrets through Amazon ECS environment
 * variables"); `secret_arn` stolen.
 */
json_t *ecs_secret_field(json_t *secret_arn, const char *key);

struct ecs_cluster_props {
	json_t *name;		    /* stolen; NULL: CloudFormation names it */
	bool no_container_insights; /* default false: Container Insights on */
};
struct sm_resource *ecs_cluster_new(struct sm_stack *s, const char *id,
				    const struct ecs_cluster_props *props);
/*
 * The log group Container Insights writes its performance events to for a
 * cluster named sm_stack_unique_name(prefix) (Fn::Join): Container Insights
 * creates it, without KMS key or retention, unless it exists first.
 */
json_t *ecs_insights_log_group_name(const char *prefix);

/* The ECS-optimised Amazon Linux 2023 AMI's public SSM parameter (ECS developer guide) */
#define ECS_AMI_PARAMETER "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

struct ecs_ec2_capacity_props {
	const struct sm_resource *cluster;	  /* required: the instances join it */
	const char *instance_type;		  /* required */
	json_t *subnets;			  /* stolen; required: the private ones */
	const struct sm_resource *security_group; /* required (its GroupId) */
	const struct sm_resource *kms_key;	  /* required: the root volume's (its Arn) */
	int min_capacity, max_capacity;
	/* launches and terminations, failed ones too, are published to it; NULL: none */
	const struct sm_resource *notification_topic;
	int volume_size_gb; /* default 30 */
};

struct ecs_ec2_capacity {
	struct sm_resource *role, *instance_profile, *launch_template, *group, *provider;
};

/*
 * The stack parameter <prefix>EcsOptimizedAmi and the resources
 * <prefix>InstanceRole, <prefix>InstanceProfile, <prefix>LaunchTemplate,
 * <prefix>AutoScalingGroup and <prefix>Ec2CapacityProvider ("" for none).
 */
void ecs_ec2_capacity_new(struct sm_stack *s, const char *prefix,
			  const struct ecs_ec2_capacity_props *props, struct ecs_ec2_capacity *out);

/*
 * The cluster's capacity providers: FARGATE, FARGATE_SPOT and
 * `ec2_provider` (NULL: none); a strategy that names none runs on FARGATE.
 */
struct sm_resource *ecs_cluster_capacity_providers_new(struct sm_stack *s, const char *id,
						       const struct sm_resource *cluster,
						       const struct sm_resource *ec2_provider);

/* A path a container writes under its read-only root, and the volume that holds it. */
struct ecs_mount {
	const char *volume, *path;
};

struct ecs_container_props {
	const char *name;		     /* required */
	const char *image;		     /* required */
	const char *user;		     /* required: who it runs as (a non-root uid[:gid]) */
	bool sidecar;			     /* Essential false: the task carries on without it */
	int port;			     /* one port mapping; 0: none */
	const char *protocol;		     /* the port's; default "tcp" */
	bool writable_root;		     /* default false: ReadonlyRootFilesystem */
	const char *health_check;	     /* a shell command (CMD-SHELL); NULL: none */
	const struct sm_resource *log_group; /* required: its awslogs group */
	const char *log_prefix;		     /* required: awslogs-stream-prefix */
	json_t *secrets;		     /* stolen; NULL: none (ecs_secrets) */
	json_t *environment;		     /* stolen; NULL: none (ecs_environment) */
};

#define ECS_MAX_CONTAINERS 8
/* The init container that makes the writable paths the first container's user's */
#define ECS_INIT_CONTAINER "volume-permissions"

struct ecs_task_definition_props {
	const char *family;			  /* required */
	int cpu, memory;			  /* required: CPU units, MiB */
	bool ec2;				  /* runs on EC2 capacity too */
	const struct sm_resource *execution_role; /* required (ecs_execution_role_new) */
	const struct sm_resource *task_role;	  /* required: the application's permissions */
	/* the first is required (the application); up to the first without a name */
	struct ecs_container_props containers[ECS_MAX_CONTAINERS];
	/* what the first container writes: {0}-terminated; NULL: nothing */
	const struct ecs_mount *writable_paths;
	const char *init_image; /* required with writable_paths: runs as root, chown, exits */
};
struct sm_resource *ecs_task_definition_new(struct sm_stack *s, const char *id,
					    const struct ecs_task_definition_props *props);

struct ecs_execution_role_props {
	const struct sm_resource *log_group; /* required: the tasks' awslogs group */
	json_t *secrets;		     /* stolen: the secrets' ARNs (a list); NULL: none */
	const struct sm_resource *kms_key;   /* the secrets' key (kms:Decrypt); NULL: none */
};
struct sm_resource *ecs_execution_role_new(struct sm_stack *s, const char *id,
					   const struct ecs_execution_role_props *props);

struct ecs_service_props {
	const struct sm_resource *cluster;	   /* required */
	const struct sm_resource *task_definition; /* required */
	int desired_count;
	json_t *capacity_provider; /* stolen; required: "FARGATE" or a provider's Ref */
	int capacity_provider_base;
	json_t *subnets;			  /* stolen; required */
	const struct sm_resource *security_group; /* required (its GroupId) */
	/* the load balancer's target: required */
	const struct sm_resource *target_group;
	const char *container_name;
	int container_port;
	/*
	 * What must exist before the service starts its first tasks, in order:
	 * the target group's listener (a target group must belong to a load
	 * balancer before a service registers in it), the cluster's capacity
	 * provider associations. NULL-terminated within the array.
	 */
	const struct sm_resource *depends_on[ECS_SERVICE_MAX_WAITS];
	/* roles the tasks start with: the service waits for their policies (iam.h) */
	const struct sm_resource *roles[ECS_SERVICE_MAX_WAITS];
	bool assign_public_ip;	     /* default false */
	bool enable_execute_command; /* default false */
	/* tasks spread across Availability Zones (PlacementStrategies; EC2 capacity only) */
	bool spread_across_azs;
};

struct sm_resource *ecs_service_new(struct sm_stack *s, const char *id,
				    const struct ecs_service_props *props);

struct ecs_autoscaling_props {
	const struct sm_resource *cluster; /* required */
	const struct sm_resource *service; /* required */
	int min_capacity, max_capacity;
	int cpu_target_percent; /* default 60 */
	/* > 0: a policy on ALBRequestCountPerTarget (per minute), which needs: */
	double requests_per_target;
	const struct sm_resource *load_balancer, *target_group;
	int scale_in_cooldown;	/* seconds; default 300 (shed capacity slowly) */
	int scale_out_cooldown; /* seconds; default 60 (add it quickly) */
};

struct ecs_autoscaling {
	struct sm_resource *scalable_target;
	struct sm_resource *cpu_policy;
	struct sm_resource *request_policy; /* NULL without requests_per_target */
};

/*
 * "service/<cluster>/<service name>": the service as Application Auto
 * Scaling names it (its scalable target's ResourceId).
 */
json_t *ecs_service_scaling_resource_id(const struct sm_resource *cluster,
					const struct sm_resource *service);

/*
 * Logical IDs: <prefix>ScalableTarget, <prefix>CpuScaling,
 * <prefix>RequestScaling ("" for none).
 */
void ecs_service_autoscale(struct sm_stack *s, const char *prefix,
			   const struct ecs_autoscaling_props *props, struct ecs_autoscaling *out);

#endif
