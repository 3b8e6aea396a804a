/* The analysis context (analysis/context.h) filled from a configuration. */
#include <assert.h>

#include "analysis/context.h"
#include "base/common.h"
#include "cli/cli.h"
#include "lib/environments.h"

/* the two are copied field by field below: a new assumption must be added to both */
static_assert(sizeof(struct sm_usage) == sizeof(struct env_usage),
	      "struct sm_usage and struct env_usage differ: copy the new field");

void cli_context_from_config(const struct env_config *cfg, struct sm_context *ctx)
{
	sm_context_init(ctx);
	if (!cfg)
		return;
	const struct env_usage *u = &cfg->usage;
	ctx->environment = cfg->environment;
	ctx->region = cfg->region;
	ctx->monthly_budget = cfg->monthly_budget;
	ctx->usage = (struct sm_usage){
		.requests_per_month = u->requests_per_month,
		.cdn_gb_per_month = u->cdn_gb_per_month,
		.cdn_requests_per_month = u->cdn_requests_per_month,
		.cdn_cache_hit_ratio = u->cdn_cache_hit_ratio,
		.nat_gb_per_month = u->nat_gb_per_month,
		.log_gb_per_month = u->log_gb_per_month,
		.s3_storage_gb = u->s3_storage_gb,
		.db_backup_gb = u->db_backup_gb,
		.endpoint_gb_per_month = u->endpoint_gb_per_month,
		.config_items_per_month = u->config_items_per_month,
		.xray_traces_per_month = u->xray_traces_per_month,
		.rps_per_task = u->rps_per_task,
		.db_connections_per_task = u->db_connections_per_task,
		.db_replica_connections_per_task = u->db_replica_connections_per_task,
		.think_time_seconds = u->think_time_seconds,
		.target_concurrent_users = u->target_concurrent_users,
		.outages_per_month = u->outages_per_month,
		.failover_detection_minutes = u->failover_detection_minutes,
		.replica_promotion_minutes = u->replica_promotion_minutes,
		.standby_scale_minutes = u->standby_scale_minutes,
		.restore_minutes = u->restore_minutes,
	};
	ctx->usage_defaults = false;
	ctx->protection = cfg->protect_data ? SM_PROTECTION_ON : SM_PROTECTION_OFF;
}
