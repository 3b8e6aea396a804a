/*
 * An ECS service behind a load balancer's target group, and its target
 * tracking autoscaling, with the secure defaults a security engineer
 * expects (the CDK's ApplicationLoadBalancedFargateService and
 * autoScaleTaskCount):
 *
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
