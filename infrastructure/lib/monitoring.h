/*
 * FR-6 monitoring: SNS alarm topic (KMS) with the e-mail subscription,
 * alarms, dashboard, X-Ray sampling rule and group, budget and cost anomaly
 * detection. CloudFront/WAF-global alarms go in the edge stack (us-east-1,
 * where those metrics are).
 */
#ifndef SM_MONITORING_H
#define SM_MONITORING_H

#include "engine/engine.h"
#include "lib/compute.h"
#include "lib/database.h"
#include "lib/edge.h"
#include "lib/environments.h"
#include "lib/security.h"

/*
 * The alarm topic (KMS, TLS-only, e-mail subscription). In the data stack,
 * which every other stack depends on, so that compute (Auto Scaling
 * notifications) and monitoring can both use it without a cycle.
 */
struct sm_resource *monitoring_add_topic(struct sm_stack *data, const struct env_config *cfg,
					 const struct security_keys *keys);

/*
 * Alarm when `replica` lags its source by more than
 * MONITORING_REPLICA_LAG_SECONDS for five minutes: the bound on what a
 * promotion would lose (the standby's RPO, docs/infrastructure.md).
 */
#define MONITORING_REPLICA_LAG_SECONDS 30
void monitoring_add_replica_lag_alarm(struct sm_stack *s, const char *id,
				      struct sm_resource *replica, struct sm_resource *topic);

/*
 * X-Ray for this environment's service in the stack's Region: a sampling
 * rule and an Insights group of its slow and failed requests. Both are the
 * Region's, so a stack that runs the application in another Region (the DR
 * standby) adds its own.
 */
void monitoring_add_tracing(struct sm_stack *s, const struct env_config *cfg);

int monitoring_build(struct sm_stack *stack, struct sm_stack *edge_stack,
		     const struct env_config *cfg, const struct security_keys *keys,
		     struct sm_resource *topic, const struct compute *cp, const struct database *db,
		     const struct edge *edge, struct diag_list *dl);

/*
 * The account's cost anomaly monitor (one of type SERVICE per account) and
 * its daily e-mail subscription, in the account baseline (FR-6.6).
 */
void monitoring_add_cost_anomalies(struct sm_stack *baseline, const struct baseline_config *cfg);

#endif
