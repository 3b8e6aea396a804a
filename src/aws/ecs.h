/*
 * The ECS and Application Auto Scaling calls a regional failover needs, both
 * JSON 1.1 protocols (POST / with X-Amz-Target):
 *
 *  - ECS UpdateService (desiredCount), DescribeServices:
 *    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html
 *    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
 *  - Application Auto Scaling DescribeScalableTargets, RegisterScalableTarget:
 *    https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
 *    https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DescribeScalableTargets.html
 *
 * Each returns 0 with its answer, or -1 with one diagnostic.
 */
#ifndef SM_AWS_ECS_H
#define SM_AWS_ECS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "base/diag.h"

/* What failover reads of a service. Strings owned (ecs_service_release). */
struct ecs_service {
	char *name;   /* serviceName */
	char *status; /* ACTIVE, DRAINING, INACTIVE */
	long desired, running, pending;
	size_t deployments;  /* deployments[]: 1 when no rollout is under way */
	char *rollout_state; /* the PRIMARY deployment's rolloutState, or NULL */
	char *rollout_reason;
	char *last_event; /* events[0].message (the newest), or NULL */
};

void ecs_service_release(struct ecs_service *s);

/*
 * Whether the service has reached a steady state, as the AWS CLI's
 * `ecs wait services-stable` judges it: one deployment, and as many tasks
 * running as desired.
 */
bool ecs_service_stable(const struct ecs_service *s);

/* 1 found (filled), 0 no such service (a MISSING failure), -1 error. */
int ecs_describe_service(struct aws_client *c, const char *cluster, const char *service,
			 struct ecs_service *out, struct diag_list *dl);

/* UpdateService with only desiredCount: the task definition and the rest are left as they are. */
int ecs_update_desired_count(struct aws_client *c, const char *cluster, const char *service,
			     long desired, struct diag_list *dl);

/* The scalable target of an ECS service's DesiredCount. */
struct aas_target {
	bool registered; /* false: no scalable target for this service */
	long min, max;
};

/* DescribeScalableTargets for service/CLUSTER/SERVICE, ecs:service:DesiredCount. */
int aas_describe_ecs_target(struct aws_client *c, const char *cluster, const char *service,
			    struct aas_target *out, struct diag_list *dl);

/* RegisterScalableTarget (updates an existing one): its MinCapacity and MaxCapacity. */
int aas_register_ecs_target(struct aws_client *c, const char *cluster, const char *service,
			    long min, long max, struct diag_list *dl);

#endif
