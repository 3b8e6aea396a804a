/*
 * A regional failover of an environment to its DR region (issue 18), over
 * the AWS client, in two phases:
 *
 *  plan (read-only): (1) the DR stack's outputs (CloudFormation
 *       DescribeStacks in the DR region), (2) the read replica's state (RDS
 *       DescribeDBInstances), the standby service and its scalable target
 *       (ECS DescribeServices, Application Auto Scaling
 *       DescribeScalableTargets), the failover records (Route 53
 *       ListResourceRecordSets); what each step will do;
 *  run: (3) PromoteReadReplica and wait until the instance is available
 *       and standalone, (4) raise the scalable target's minimum and the
 *       service's desiredCount and wait for a steady state, (5) DNS: a
 *       health-checked PRIMARY switches by itself (reported, nothing
 *       changed), else the PRIMARY record is UPSERTed to the SECONDARY's
 *       target and followed until INSYNC.
 *
 * Nothing is deleted on any path, and every step is idempotent: a run that
 * was interrupted or failed is run again and skips what is done (an
 * instance already standalone, a service already scaled, a record already
 * pointing at the DR region). Nothing here touches the primary region:
 * the failover must work while it is down. Progress goes through callbacks,
 * so that the machine runs without the command line (tests, other tools).
 *
 * The standby stack's outputs are the contract with the templates
 * (docs/deployment.md, "DR stack outputs (contract for solemate
 * failover)"): FAILOVER_OUTPUT_* below.
 */
#ifndef SM_FAILOVER_H
#define SM_FAILOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "aws/ecs.h"
#include "aws/rds.h"
#include "aws/route53.h"
#include "base/diag.h"

/*
 * The standby stack, "<prefix>DrStandby" in drRegion, and the outputs
 * failover reads (docs/deployment.md, "DR stack outputs (contract for
 * solemate failover)"); required unless said otherwise.
 */
#define FAILOVER_STACK_SUFFIX "DrStandby"
#define FAILOVER_OUTPUT_REPLICA "ReplicaDbInstanceIdentifier"
#define FAILOVER_OUTPUT_CLUSTER "StandbyClusterName"
#define FAILOVER_OUTPUT_SERVICE "StandbyServiceName"
#define FAILOVER_OUTPUT_ACTIVE "StandbyDesiredCountActive" /* optional: else ecsDesiredCount */
#define FAILOVER_OUTPUT_ZONE "FailoverHostedZoneId"	   /* optional, with the next */
#define FAILOVER_OUTPUT_RECORD "FailoverRecordName" /* optional: the records' name (and www.) */

enum failover_step {
	FAILOVER_STEP_STACK,   /* (1) the DR stack's outputs */
	FAILOVER_STEP_REPLICA, /* (2) the replica's state */
	FAILOVER_STEP_PROMOTE, /* (3) */
	FAILOVER_STEP_SCALE,   /* (4) */
	FAILOVER_STEP_DNS,     /* (5) */
};

/* What a step will do, as the plan decided it. */
enum failover_action {
	FAILOVER_DO,	    /* the step changes something */
	FAILOVER_DONE,	    /* already so (a rerun): skipped */
	FAILOVER_WAIT,	    /* under way from an earlier run: only waited for */
	FAILOVER_AUTOMATIC, /* DNS: health-checked failover records switch by themselves */
	FAILOVER_MANUAL,    /* DNS: no records in the DR stack: by hand (the runbook) */
};

struct failover_callbacks {
	/* A line of progress for `step` (no newline). */
	void (*say)(void *arg, enum failover_step step, const char *message);
	/* Wait `ms`; false when the operator interrupted (Ctrl-C). */
	bool (*sleep)(void *arg, unsigned ms);
	void *arg;
};

struct failover_opts {
	const char *stack;    /* the DR stack ("SolemateProductionDr") */
	const char *region;   /* the DR region, for messages */
	long desired, max;    /* the service's tasks after failover, its scaling maximum */
	bool force_dns;	      /* UPSERT the PRIMARY even when it is health-checked */
	int backup_retention; /* sent with PromoteReadReplica when > 0 */
	unsigned poll_ms;     /* between two polls */
	unsigned promote_timeout_s, scale_timeout_s, dns_timeout_s; /* 0: the defaults */
	struct failover_callbacks cb;
};

#define FAILOVER_PROMOTE_TIMEOUT_S 3600 /* RDS: "several minutes or longer", by size */
#define FAILOVER_SCALE_TIMEOUT_S 1800
#define FAILOVER_DNS_TIMEOUT_S 600

/*
 * One pair of the failover records: a name (the domain, and www. of it) and
 * a type (A, and AAAA: the standby's load balancer is dual-stack, so each
 * type has its own pair). The records of a name are listed once, into its
 * A entry, which owns them; its AAAA entry points into them.
 */
struct failover_dns {
	char *name;
	const char *type;	    /* "A" or "AAAA" (static) */
	struct r53_record *records; /* named `name`; NULL in the AAAA entry */
	size_t records_nr;
	const struct r53_record *primary, *secondary; /* of `type`, or NULL */
	struct r53_record new_primary;		      /* the UPSERT, when action == FAILOVER_DO */
	enum failover_action action;
};

#define FAILOVER_DNS_NAMES 2
#define FAILOVER_DNS_TYPES 2

/* What the plan found and decided. Owned: failover_plan_release. */
struct failover_plan {
	char *replica_id, *cluster, *service, *zone, *record_name;
	long desired; /* tasks once failed over: the stack's output, else o->desired */
	struct rds_instance replica;
	enum failover_action promote;
	struct ecs_service svc;
	struct aas_target scaling;
	enum failover_action scale;
	struct failover_dns names[FAILOVER_DNS_NAMES * FAILOVER_DNS_TYPES];
	size_t names_nr;
	/* all names: DO when one changes; else AUTOMATIC, DONE or MANUAL (dns_reason) */
	enum failover_action dns;
	char *dns_reason; /* why MANUAL or AUTOMATIC, for the operator */
};

void failover_plan_release(struct failover_plan *p);

enum failover_result {
	FAILOVER_OK,
	FAILOVER_NOT_READY,   /* the replica cannot be promoted now (diag says why) */
	FAILOVER_NO_DR,	      /* no DR stack, or it lacks the contract's outputs */
	FAILOVER_CALL_FAILED, /* an AWS call failed, or AWS reported a failure */
	FAILOVER_TIMED_OUT,
	FAILOVER_INTERRUPTED,
};

/* The read-only phase: fill `p`. `c` is a client for the DR region. */
enum failover_result failover_plan(struct aws_client *c, const struct failover_opts *o,
				   struct failover_plan *p, struct diag_list *dl);

/* The changes, as planned. Progress through o->cb. */
enum failover_result failover_run(struct aws_client *c, const struct failover_opts *o,
				  struct failover_plan *p, struct diag_list *dl);

/*
 * Judging a DB instance of the DR stack (pure, tested apart): DO when it is
 * an available read replica; DONE when it is standalone and available;
 * WAIT when standalone and not yet available (a promotion under way);
 * -1 (not promotable: *why set, static text) otherwise.
 */
int failover_judge_replica(const struct rds_instance *db, enum failover_action *out,
			   const char **why);

/*
 * Whether an environment has failed over (deploy's guard): its DR stack's
 * replica output names an instance that is no longer a read replica.
 * 1 failed over (*instance: its identifier, owned), 0 not (or no DR
 * stack / no replica output), -1 a call failed.
 */
int failover_detect(struct aws_client *dr, const char *stack, char **instance,
		    struct diag_list *dl);

#endif
