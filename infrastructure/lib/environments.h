/*
 * Environment configuration: config/<env>.json, strictly validated.
 *
 * Every key is described once, in the table of environments.c (name, type,
 * required, range, default, description); the loader, the error messages and
 * config/schema.json all come from that table. Unknown keys, wrong types and
 * values AWS would refuse are errors with file:line:column and a suggestion.
 *
 * A `struct env_config` owns its strings; env_config_release() frees them.
 */
#ifndef SM_ENVIRONMENTS_H
#define SM_ENVIRONMENTS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/diag.h"

/*
 * How ready the disaster-recovery region is (drReadiness), in increasing
 * order of cost and of what survives the loss of the primary region:
 * backups only, a live database replica with the rest scaled to zero, or
 * the same with the application running small (docs/infrastructure.md).
 */
enum dr_readiness {
	DR_NONE,
	DR_BACKUP_RESTORE,
	DR_PILOT_LIGHT,
	DR_WARM_STANDBY,
};
/* "none", "backup-restore", "pilot-light", "warm-standby" */
const char *dr_readiness_name(enum dr_readiness r);
/* 0 with *out set, or -1 for a name that is none of them. */
int dr_readiness_parse(const char *name, enum dr_readiness *out);
struct env_config;
/*
 * Route 53 fails the shop over to the DR standby: a hosted zone and a
 * standby that serves (pilot-light, warm-standby). The Edge stack then
 * health-checks the primary path (PrimaryHealthCheck, edge.c), and the
 * primary's load balancer must admit Route 53's health checkers
 * (networking.c).
 */
bool env_dns_failover(const struct env_config *cfg);

struct env_usage {
	/* Assumptions for cost and capacity (documented defaults). */
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
	/* Availability model (drReadiness): outages a month and failover times. */
	double outages_per_month;
	double failover_detection_minutes;
	double replica_promotion_minutes;
	double standby_scale_minutes;
	double restore_minutes;
};

/*
 * A finding accepted on one of this environment's resources ("acceptances":
 * [{rule, resource, reason, expires}]): written into the resource's Metadata
 * for check and cdk-nag (solemate_accept_findings).
 */
struct env_acceptance {
	char *rule;	/* a check rule ID, "SM-RDS-003" */
	char *resource; /* a logical ID, in whichever of the environment's stacks holds it */
	char *reason;	/* why it is accepted (10 characters or more) */
	char *expires;	/* "YYYY-MM-DD": a finding again after that day; NULL: none */
	int rule_line, rule_col, resource_line, resource_col; /* in `file` (0: unknown) */
};

struct env_config {
	char *file;	    /* where it was read from */
	char *environment;  /* "staging", "production" */
	char *stack_prefix; /* "SolemateStaging" (from environment) */
	char *account;	    /* 12 digits, or NULL (environment-agnostic) */
	char *account_id;   /* accountId: the account deploy/destroy/bootstrap may touch */
	char *cloudformation_role_arn; /* CloudFormation's service role (RoleARN), or NULL */
	char *region;
	char *dr_region; /* NULL: no cross-region replication (us-west-2 with a readiness) */
	char *dr_readiness_name; /* drReadiness as written */
	enum dr_readiness dr_readiness;
	char *dr_vpc_cidr;	      /* the standby's VPC (pilot-light, warm-standby) */
	int dr_standby_tasks;	      /* tasks the warm standby keeps running */
	char *dr_alb_certificate_arn; /* ACM in drRegion for the standby's ALB; NULL with a zone */
	char *vpc_cidr;
	int max_azs;		       /* 2 or 3 */
	int nat_gateways;	       /* 1 .. max_azs */
	bool interface_endpoints;      /* AWS API traffic through endpoints (else the NAT) */
	char *database_instance_type;  /* as written, e.g. "t3.micro" */
	char *database_instance_class; /* normalised, e.g. "db.t3.micro" */
	char *database_engine_version;
	int database_allocated_storage;
	int database_max_allocated_storage;
	bool database_multi_az;
	int database_backup_retention_days;
	int database_read_replicas;
	bool database_deletion_protection;
	int ecs_desired_count;
	int ecs_min_capacity;
	int ecs_max_capacity;
	char *container_image;
	int container_port;
	int task_cpu;	 /* CPU units: 256, 512, ... */
	int task_memory; /* MiB */
	char *health_check_path;
	char *container_user;	    /* "UID[:GID]", never root */
	char *health_check_command; /* CMD-SHELL line; NULL: curl of the path */
	char *ec2_instance_type;
	int ec2_min_capacity;
	int ec2_max_capacity;
	char *domain_name;
	char *certificate_arn;	   /* ACM, us-east-1, for CloudFront; NULL with a hosted zone */
	char *alb_certificate_arn; /* ACM in `region`; NULL: certificate_arn */
	char *hosted_zone_id;	   /* NULL: no Route 53 records */
	char *alarm_email;
	double monthly_budget; /* USD */
	int log_retention_days;
	char *cloudfront_price_class;
	char *owner;
	char *cost_center;
	char *project;
	struct env_usage usage;
	struct env_acceptance *acceptances;
	size_t acceptance_nr;
	/*
	 * Derived: this environment holds data that must survive its stacks
	 * (production-grade): Retain/Snapshot policies, deletion and termination
	 * protection. Set by databaseDeletionProtection, so that any copy of the
	 * production file under another name gets the same protection.
	 */
	bool protect_data;
	/*
	 * Derived, never read from a file: this is the copy of an environment
	 * that builds its standby in drRegion (solemate_stack.c), whose records
	 * and names must not collide with the primary's.
	 */
	bool dr_standby;
};

/*
 * The account baseline (config/baseline.json, "kind": "accountBaseline"):
 * the resources an AWS account holds once per region (AWS Config recorder
 * and delivery channel, the multi-region CloudTrail trail, the cost anomaly
 * monitor). It belongs to no environment and outlives every one of them
 * (DESIGN.md, units of deployment). Owns its strings.
 */
struct baseline_config {
	char *file;
	char *kind;	  /* "accountBaseline" */
	char *account_id; /* 12 digits: the account the baseline is for */
	char *region;
	char *alarm_email;	      /* cost anomaly alerts */
	int log_retention_days;	      /* the trail's CloudWatch Logs group */
	double anomaly_threshold_usd; /* total impact of an anomaly worth an e-mail */
	char *owner;
	char *cost_center;
	char *project;
	/*
	 * "create": the baseline makes AWS Config's recorder and delivery channel;
	 * "existing": the account has them (one of each per region), the
	 * baseline adds only its rules.
	 */
	char *config_recorder;
	/* an anomaly monitor the account has (ARN), subscribed to instead of a new one */
	char *cost_anomaly_monitor_arn;
	/*
	 * The region whose baseline holds the account-wide parts (the
	 * multi-region trail, global resource recording, the services anomaly
	 * monitor); default: region. `home`: this baseline is that one.
	 */
	char *home_region;
	bool home;
	char *stack_name; /* derived: SolemateBaseline-<accountId>-<region> */
};

/* What a configuration file describes: its "kind" key (absent: an environment). */
enum config_kind { CONFIG_ENVIRONMENT, CONFIG_BASELINE };
/* 0 with *kind set, or -1 with diagnostics (not a JSON object, unknown kind). */
int config_kind_of(const char *file, const char *text, size_t len, enum config_kind *kind,
		   struct diag_list *dl);

/* Parse and validate one baseline file (solemate_unit_load reads files of either kind). */
int baseline_config_parse(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct baseline_config *cfg, struct diag_list *dl);
void baseline_config_release(struct baseline_config *cfg);
/* config/baseline.schema.json, generated from the baseline's key table (new reference). */
json_t *baseline_config_json_schema(void);

/*
 * Load and validate one file, JSON or YAML. 0, or -1 with every problem in
 * `dl` (exit 2).
 */
int env_config_load(const char *path, struct env_config *cfg, struct diag_list *dl);
/* The same from text already in memory (tests, fuzzing). */
int env_config_parse(const char *file, const char *text, size_t len, struct env_config *cfg,
		     struct diag_list *dl);
/*
 * The same with "key=value" overrides applied over the file before it is
 * checked (`--set`; nested keys as "usage.requestsPerUserPerMinute"). An
 * error in an overridden value names the override instead of a position.
 */
int env_config_load_with(const char *path, const char *const *sets, size_t set_nr,
			 struct env_config *cfg, struct diag_list *dl);
int env_config_parse_with(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct env_config *cfg, struct diag_list *dl);
void env_config_release(struct env_config *cfg);
/*
 * Whether the environment may reach CloudFormation: what synthesis accepts
 * but a deployment must not, the PRD's placeholder certificate ARNs
 * (".../certificate/production-cert") that keep the shipped examples
 * synthesizing. 0, or -1 with each problem in `dl` (file, line, key; exit 2).
 */
int env_config_check_deployable(const struct env_config *cfg, struct diag_list *dl);
/* config/schema.json, generated from the key table (new reference). */
json_t *env_config_json_schema(void);

#endif
