/* The analysis context's defaults (context.h). */
#include "analysis/context.h"

#include "base/common.h"
#include <string.h>

/*
 * One row per assumption: the config key (usage.<key>) it answers to, and
 * its value. docs/cost.md says where each comes from.
 */
const struct sm_usage sm_usage_defaults = {
	.requests_per_month = 30e6,	      /* requestsPerMonth */
	.cdn_gb_per_month = 500,	      /* cdnGbPerMonth */
	.cdn_requests_per_month = 50e6,	      /* cdnRequestsPerMonth */
	.cdn_cache_hit_ratio = 0.9,	      /* cdnCacheHitRatio */
	.nat_gb_per_month = 50,		      /* natGbPerMonth */
	.log_gb_per_month = 20,		      /* logGbPerMonth */
	.s3_storage_gb = 50,		      /* s3StorageGb */
	.db_backup_gb = 0,		      /* dbBackupGb */
	.endpoint_gb_per_month = 20,	      /* endpointGbPerMonth */
	.config_items_per_month = 2000,	      /* configItemsPerMonth */
	.xray_traces_per_month = 1e6,	      /* xrayTracesPerMonth */
	.rps_per_task = 100,		      /* rpsPerTask: an assumption for a 0.25 vCPU task */
	.db_connections_per_task = 10,	      /* dbConnectionsPerTask: the app's pool size */
	.db_replica_connections_per_task = 0, /* dbReplicaConnectionsPerTask: no read pool */
	.think_time_seconds = 10,	      /* thinkTimeSeconds: browsing */
	.target_concurrent_users = 50000,     /* targetConcurrentUsers: the PRD's metric */
	.outages_per_month = 1,		      /* outagesPerMonth */
	.failover_detection_minutes = 15,     /* failoverDetectionMinutes */
	.replica_promotion_minutes = 5,	      /* replicaPromotionMinutes */
	.standby_scale_minutes = 5,	      /* standbyScaleMinutes */
	.restore_minutes = 240,		      /* restoreMinutes */
};

void sm_context_init(struct sm_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->usage = sm_usage_defaults;
	ctx->usage_defaults = true;
	ctx->protection = SM_PROTECTION_FROM_MANIFEST;
}

const char *sm_context_region(const struct sm_context *ctx)
{
	return ctx && ctx->region ? ctx->region : "us-east-1";
}
