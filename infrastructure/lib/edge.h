/*
 * Edge: CloudFront distribution (assets bucket default origin, ALB for
 * /api/...), its WAF web ACL (scope CLOUDFRONT) and response-headers policy,
 * Route 53 aliases. Must live in us-east-1 (WAF for CloudFront, its
 * certificate and its metrics are there).
 */
#ifndef SM_EDGE_H
#define SM_EDGE_H

#include "engine/engine.h"
#include "lib/compute.h"
#include "lib/environments.h"
#include "lib/security.h"
#include "lib/storage.h"

/* Route 53 health checks of the primary path (failover records) */
#define EDGE_HEALTH_INTERVAL_SECONDS 30
#define EDGE_HEALTH_FAILURE_THRESHOLD 3

struct edge {
	struct sm_resource *distribution;
	struct sm_resource *web_acl;
	struct sm_resource *key; /* the edge region's key (logs, alarm topic) */
	/* PrimaryHealthCheck, which fails the shop over to the DR region; NULL without failover */
	struct sm_resource *failover_check;
};

int edge_build(struct sm_stack *edge_stack, const struct env_config *cfg, const struct storage *st,
	       const struct compute *cp, struct edge *out, struct diag_list *dl);

#endif
