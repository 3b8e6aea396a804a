/*
 * The PRD's success metrics checked against an assembly before it is
 * deployed: availability (99.9 %) from the services' published SLAs, and
 * capacity (50,000 concurrent users within 200 ms) from the autoscaling
 * maximum, the task and database facts in the templates and the capacity
 * assumptions of the analysis context (struct sm_usage, analysis/context.h).
 *
 * Availability: the components of the request path found in the templates
 * (CloudFront, its WAF web ACL, the ALB, the ALB's web ACL, the ECS
 * service's tasks, the RDS primary) are in series, so the composite is the
 * product of their effective availabilities. A component whose SLA is per
 * instance or per AZ and that runs n copies in parallel counts as
 * 1 - (1 - a)^n; one with a region-level SLA (ECS across AZs, RDS
 * Multi-AZ) counts its SLA once. SLAs come from data/slas.json (with the
 * URL of each SLA page). An SLA is a floor AWS pays credits under, not a
 * forecast; docs/cost.md says so.
 *
 * Capacity: max_tasks = the ScalableTarget's MaxCapacity (else the
 * service's DesiredCount); max_rps = max_tasks x rps_per_task; users =
 * max_rps x think_time (Little's law with the response time inside the
 * think time); DB connections needed = max_tasks x db_connections_per_task
 * against the class's max_connections, PostgreSQL's default
 * LEAST(DBInstanceClassMemory / 9531392, 5000), with the class memory from
 * the price file. The binding limit is the one that allows fewer users.
 *
 * A `struct slo_report` owns every string and array in it.
 */
#ifndef SM_SLO_H
#define SM_SLO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"
#include "analysis/context.h"
#include "base/diag.h"

#define SLO_AVAILABILITY_TARGET 0.999
/* PostgreSQL's default max_connections divisor on RDS (bytes per connection). */
#define SLO_PG_BYTES_PER_CONNECTION 9531392.0
#define SLO_PG_MAX_CONNECTIONS_CAP 5000.0

struct slo_component {
	char *key;	  /* its entry in slas.json: "cloudfront", "rdsMultiAz", ... */
	char *name;	  /* "CloudFront", "Application Load Balancer", ... */
	char *resource;	  /* "SolemateProductionEdge/Distribution" */
	double sla;	  /* 0.999 */
	int redundancy;	  /* parallel copies credited; 1 = none */
	double effective; /* sla, or 1 - (1 - sla)^redundancy */
	char *basis;	  /* why this SLA: "Multi-AZ DB instance", "tasks in 2 AZs" */
	char *source;	  /* URL of the SLA page */
};

/*
 * Disaster-recovery readiness, as the templates show it (the config's
 * drReadiness): a second region with a load-balanced service and a database
 * replica is a standby (warm with tasks running, pilot-light without);
 * backups replicated or copied to another region are backup-restore.
 */
enum slo_dr_level { SLO_DR_NONE, SLO_DR_BACKUP_RESTORE, SLO_DR_PILOT_LIGHT, SLO_DR_WARM_STANDBY };
#define SLO_DR_LEVELS 4
const char *slo_dr_level_name(enum slo_dr_level l);

#define SLO_MINUTES_PER_MONTH 43800.0 /* 730 h, the month of the SLAs and the estimate */
/*
 * Route 53 fails a record over after 3 failed checks 30 s apart, and
 * resolvers follow within the alias target's 60 s TTL: 2.5 minutes.
 */
#define SLO_DNS_FAILOVER_MINUTES 2.5
/* RDS uploads transaction logs every 5 minutes: what replicated backups lose */
#define SLO_BACKUP_RPO_MINUTES 5.0
/* the replica's lag is alarmed above 30 s (MONITORING_REPLICA_LAG_SECONDS) */
#define SLO_REPLICA_RPO_MINUTES 0.5

/* One readiness level's recovery figures (rto, rpo: -1 when unbounded). */
struct slo_dr_figures {
	enum slo_dr_level level;
	bool live;	    /* a second path that serves traffic after failover */
	double rto_minutes; /* failover time */
	double rpo_minutes; /* data a failover can lose */
	double composite;   /* availability at this level; -1: no second path known */
};

struct slo_availability {
	struct slo_component *components; /* the primary path, in series */
	size_t nr, alloc;
	double primary;	  /* product of components[].effective */
	double composite; /* primary with the second path (= primary without one) */
	double target;	  /* SLO_AVAILABILITY_TARGET */
	char *formula;	  /* "0.999 x 0.9995 x ... = 0.99731" */
	bool meets;	  /* composite >= target */
	char *missing;	  /* request-path parts not in the templates ("CloudFront, ECS service"), or
			     NULL */
	char *advice;	  /* what limits it and what would change it; NULL when met */
	/* the second path (drRegion) */
	enum slo_dr_level readiness;
	bool automatic_failover;	     /* Route 53 failover records */
	struct slo_component *dr_components; /* the DR path, in series */
	size_t dr_nr, dr_alloc;
	double dr_path;		  /* product of dr_components[].effective; 0 without */
	double outages_per_month; /* usage.outagesPerMonth */
	struct slo_dr_figures levels[SLO_DR_LEVELS];
	char *dr_formula; /* how composite follows from primary, dr_path and the RTO */
};

/*
 * Availability of a primary path `primary` with a second path `dr_path`
 * that takes over `rto_minutes` after each of `outages` outages a month:
 * the primary's downtime D = (1 - primary) x 43,800 min; the second path
 * covers what is left of it after the failover times, when it is itself
 * up: covered = max(0, D - outages x rto) x dr_path; the composite is
 * 1 - (D - covered) / 43,800. With rto 0 this is the parallel formula
 * 1 - (1 - primary)(1 - dr_path); a level without a live path covers nothing.
 */
double slo_failover_composite(double primary, double dr_path, double rto_minutes, double outages);
/* The failover time of `level` (-1: no second region), from the usage assumptions. */
double slo_dr_rto_minutes(enum slo_dr_level level, bool automatic, const struct sm_usage *u);
double slo_dr_rpo_minutes(enum slo_dr_level level);

struct slo_capacity {
	bool known;    /* false: no ECS service in the templates */
	char *service; /* "SolemateProductionCompute/Service" */
	double desired_tasks;
	double max_tasks; /* autoscaling MaxCapacity, else DesiredCount */
	double rps_per_task;
	double max_rps;
	double think_time_seconds;
	double max_concurrent_users_tasks; /* what the tasks allow */
	char *db_class;			   /* NULL: no database */
	double db_memory_gib;
	double db_connections_per_task;
	double db_connections_needed; /* max_tasks x db_connections_per_task */
	double db_max_connections;
	double max_concurrent_users_db; /* what max_connections allows */
	double max_concurrent_users;	/* the smaller of the two */
	double target_users;
	char *binding_limit; /* "ECS autoscaling maximum (12 tasks)" */
	bool meets_target;
	char *advice; /* "raise ecsMaxCapacity to 50 and ..."; NULL when met */
	/*
	 * Each tier's limit, the one that binds marked (slo_capacity_tiers):
	 * [{tier, resource, limitUsers (null: not a limit in this model), basis,
	 * binds}]; and whether the alarms and scaling policies follow the sizes:
	 * [{check, resource, value, unit, follows, basis}]. Owned; NULL when
	 * capacity is not known.
	 */
	json_t *tiers;
	json_t *thresholds;
};

struct slo_report {
	char *environment; /* NULL without a config */
	bool usage_defaults;
	struct slo_availability availability;
	struct slo_capacity capacity;
};

#define SLO_REPORT_INIT                                                                            \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * Evaluate `a`. `ctx` may be NULL (default assumptions). `slas_file` NULL
 * means <data dir>/slas.json, `prices_dir` NULL the default prices dir (see
 * cost.h). A missing or malformed data file, or a DB class missing from the
 * price file, is -1 with diagnostics; 0 otherwise.
 */
int slo_evaluate(const struct sm_assembly *a, const struct sm_context *ctx, const char *slas_file,
		 const char *prices_dir, struct slo_report *out, struct diag_list *dl);
void slo_report_release(struct slo_report *r);
/*
 * {"availability":{"target","composite","meets","formula","advice","missing",
 *   "components":[{name,resource,sla,redundancy,effective,basis,source}]},
 *  "capacity":{"known","service","desiredTasks","maxTasks","rpsPerTask",
 *   "maxRps","thinkTimeSeconds","maxConcurrentUsers","maxConcurrentUsersTasks",
 *   "maxConcurrentUsersDb","targetUsers","dbClass","dbMemoryGiB",
 *   "dbConnectionsPerTask","dbConnectionsNeeded","dbMaxConnections",
 *   "bindingLimit","meetsTarget","advice","tiers","thresholds"}}. New reference.
 */
json_t *slo_report_json(const struct slo_report *r);
json_t *slo_availability_json(const struct slo_availability *av);
json_t *slo_capacity_json(const struct slo_capacity *cap);

/*
 * The tiers of `cap` (ECS tasks, the database writer, the read replicas of
 * `region`: with usage.dbReplicaConnectionsPerTask > 0 they are a limit and
 * may bind, lowering cap's figures) and the thresholds that must follow the
 * sizes: the DatabaseConnections alarm between the full fleet's connections
 * and max_connections, request target tracking at or under rpsPerTask, CPU
 * target tracking under the ECS CPU alarm, the autoscaling maximum covering
 * the target (slo_tiers.c). A replica class missing from the price file is
 * a diagnostic in `dl`.
 */
void slo_capacity_tiers(const struct sm_assembly *a, const char *region, const struct sm_usage *u,
			const char *prices_dir, struct slo_capacity *cap, struct diag_list *dl);

/* PostgreSQL's default max_connections for a class with `memory_gib` GiB. */
double slo_pg_max_connections(double memory_gib);

#endif
