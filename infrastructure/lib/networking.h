/*
 * FR-4 networking: the VPC and its tiers, network ACLs per tier, security
 * groups (load balancer, application, database, endpoints), the S3 gateway
 * endpoint and the interface endpoints, and the VPC flow logs.
 */
#ifndef SM_NETWORKING_H
#define SM_NETWORKING_H

#include "constructs/vpc.h"
#include "lib/environments.h"
#include "lib/security.h"

struct networking {
	struct vpc vpc;
	struct sm_resource *alb_sg; /* 443 from CloudFront (the standby: from anyone) */
	/* 443 from Route 53's health checkers (env_dns_failover), else NULL */
	struct sm_resource *alb_health_check_sg;
	struct sm_resource *app_sg;	 /* container port from alb_sg only */
	struct sm_resource *db_sg;	 /* 5432 from app_sg only */
	struct sm_resource *endpoint_sg; /* 443 from the VPC */
	struct sm_resource *nacl[VPC_TIER_COUNT];
};

int networking_build(struct sm_stack *stack, const struct env_config *cfg, struct networking *out,
		     struct diag_list *dl);

/*
 * Flow logs of the VPC into an encrypted log group with retention. In the
 * stateful stack (`data`), since the log group holds data.
 */
int networking_add_flow_logs(struct sm_stack *data, const struct env_config *cfg,
			     const struct networking *net, const struct security_keys *keys,
			     struct diag_list *dl);

#endif
