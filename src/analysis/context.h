/*
 * What an analysis needs to know of the environment an assembly belongs
 * to, beyond the templates: its name, its region, its budget, the usage
 * assumptions (volumes no template states, the capacity model) and whether
 * it is protected (production's data must survive). The command line fills
 * it from the configuration (src/cli/cli_context.c); without one,
 * sm_context_init() gives the documented defaults and no budget.
 *
 * Analyses never read the app's configuration struct: this is all they see
 * of it (docs/architecture.md). Strings are borrowed.
 */
#ifndef SM_ANALYSIS_CONTEXT_H
#define SM_ANALYSIS_CONTEXT_H

#include <stdbool.h>

/* Assumptions for cost and capacity; the config's "usage" object. */
struct sm_usage {
	double requests_per_month; /* HTTP requests reaching the ALB */
	double cdn_gb_per_month;   /* data served by CloudFront */
	double cdn_requests_per_month;
	double cdn_cache_hit_ratio; /* share of CloudFront requests answered from its cache */
	double nat_gb_per_month;    /* data through NAT gateways */
	double log_gb_per_month;    /* CloudWatch Logs ingested */
	double s3_storage_gb;
	double db_backup_gb;	      /* backup storage beyond the free allowance */
	double endpoint_gb_per_month; /* data through interface endpoints */
	double config_items_per_month;
	double xray_traces_per_month;
	/* Capacity model. */
	double rps_per_task; /* requests/s one task serves within 200 ms */
	double db_connections_per_task;
	double db_replica_connections_per_task; /* read pool to the read replicas; 0: none */
	double think_time_seconds;		/* between two requests of one user */
	double target_concurrent_users;
	/* Availability model: the failover time of each drReadiness. */
	double outages_per_month;
	double failover_detection_minutes;
	double replica_promotion_minutes;
	double standby_scale_minutes;
	double restore_minutes;
};

/*
 * The documented defaults (docs/cost.md), used when no configuration is
 * given; config/schema.json documents the same values (test_config checks
 * that the two agree).
 */
extern const struct sm_usage sm_usage_defaults;

/* Whether a stack's data must survive (production), and who said so. */
enum sm_protection {
	SM_PROTECTION_FROM_MANIFEST, /* each stack's terminationProtection in manifest.json */
	SM_PROTECTION_OFF,	     /* the configuration says: not protected */
	SM_PROTECTION_ON,	     /* the configuration says: protected */
};

struct sm_context {
	const char *environment; /* "production"; NULL: templates without a configuration */
	const char *region;	 /* of templates that name none; NULL: us-east-1 */
	double monthly_budget;	 /* 0: no budget */
	struct sm_usage usage;
	bool usage_defaults; /* usage is sm_usage_defaults: no configuration given */
	enum sm_protection protection;
};

/* No configuration: default usage, no budget, protection from the manifest. */
void sm_context_init(struct sm_context *ctx);

/* The region templates without one are priced and judged in. */
const char *sm_context_region(const struct sm_context *ctx);

#endif
