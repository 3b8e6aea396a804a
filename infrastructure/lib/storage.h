/*
 * FR-3 storage: the static-assets bucket and the logs bucket (and, in
 * production, the replica of the assets bucket in cfg->dr_region).
 */
#ifndef SM_STORAGE_H
#define SM_STORAGE_H

#include "engine/engine.h"
#include "lib/environments.h"
#include "lib/security.h"

struct storage {
	struct sm_resource *assets_bucket;
	struct sm_resource *assets_policy;  /* TLS-only + CloudFront OAC read, beside the CDN */
	json_t *assets_statements;	    /* borrowed: its statements (edge.c adds OAC read) */
	struct sm_resource *logs_bucket;    /* ALB, CloudFront, S3 access logs */
	struct sm_resource *replica_bucket; /* in the DR stack, or NULL */
};

/* `dr` is the stack in cfg->dr_region, or NULL. */
/* `assets_policy_stack`: where the assets bucket's policy goes (beside the distribution). */
int storage_build(struct sm_stack *data, struct sm_stack *dr, struct sm_stack *assets_policy_stack,
		  const struct env_config *cfg, const struct security_keys *keys,
		  struct storage *out, struct diag_list *dl);

/*
 * The access-log bucket alone (ALB, CloudFront, S3 logs; SSE-S3, which ALB
 * log delivery requires), into out->logs_bucket: the standby's in drRegion.
 */
void storage_add_logs_bucket(struct sm_stack *s, const struct env_config *cfg, struct storage *out);

/*
 * Note: the bucket policy that lets CloudFront (Origin Access Control) read
 * the assets bucket cannot Ref the distribution: the edge stack already
 * depends on the data stack (the bucket), and the engine refuses the cycle.
 */

#endif
