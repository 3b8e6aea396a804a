/*
 * FR-1 compute: ECS cluster (Fargate service + EC2 capacity provider), the
 * internet-facing ALB with its listeners and target group, autoscaling.
 */
#ifndef SM_COMPUTE_H
#define SM_COMPUTE_H

#include "engine/engine.h"
#include "lib/database.h"
#include "lib/environments.h"
#include "lib/networking.h"
#include "lib/security.h"
#include "lib/storage.h"

struct compute {
	struct sm_resource *cluster;
	struct sm_resource *service;	 /* Fargate */
	struct sm_resource *ec2_service; /* on the Auto Scaling group; NULL if ec2MinCapacity 0 */
	struct sm_resource *capacity_provider;
	struct sm_resource *capacity_associations;
	struct sm_resource *task_definition;
	struct sm_resource *alb;
	struct sm_resource *target_group;
	struct sm_resource *https_listener;
	struct sm_resource *asg;
	struct sm_resource *app_log_group;
	struct sm_resource *scalable_target;
};

struct compute_inputs {
	const struct networking *net;
	const struct security_keys *keys;
	const struct security_secrets *secrets;
	const struct storage *st;
	const struct database *db;
	struct sm_resource *regional_waf; /* may be NULL */
	struct sm_resource *alarm_topic;  /* Auto Scaling notifications */
	struct sm_stack *data;		  /* where the (stateful) app log group goes */
};

/* "origin.<domainName>": CloudFront's name for the ALB, on its certificate (new string). */
char *compute_origin_domain(const struct env_config *cfg);

int compute_build(struct sm_stack *stack, const struct env_config *cfg,
		  const struct compute_inputs *in, struct compute *out, struct diag_list *dl);

/*
 * The name the application's X-Ray segments carry (AWS_XRAY_TRACING_NAME in
 * its container) and the sampling rule matches: "solemate-<environment>".
 */
char *compute_tracing_name(const struct env_config *cfg);

#endif
