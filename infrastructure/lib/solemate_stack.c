/*
 * One environment of SoleMate (the PRD's SolemateStack), split into stacks
 * so that stateful resources live apart from stateless ones:
 *
 *   <P>Network     VPC, subnets, routes, gateways, NACLs, SGs, endpoints
 *   <P>Data        KMS keys, buckets, database, secrets, log groups, backups
 *                  (termination protection and Retain/Snapshot in production)
 *   <P>Dr          replica bucket in cfg->dr_region (when configured)
 *   <P>Compute     ECS, EC2 capacity, ALB, regional WAF, autoscaling
 *   <P>Edge        CloudFront, its WAF and alarms, in us-east-1
 *   <P>Monitoring  SNS topic, alarms, dashboard, X-Ray, budget
 *   <P>Baseline    once-per-account singletons (cfg->account_baseline)
 *
 * References between them become exports/imports (or cross-region
 * parameters) through the engine, with no code here.
 */
#include "lib/solemate_stack.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "lib/compute.h"
#include "lib/database.h"
#include "lib/edge.h"
#include "lib/monitoring.h"
#include "lib/networking.h"
#include "lib/security.h"
#include "lib/storage.h"

/* CloudFront, its WAF web ACL and its certificate live in us-east-1. */
#define EDGE_REGION "us-east-1"

static struct sm_stack *new_stack(struct sm_app *app, const struct env_config *cfg,
				  const char *suffix, const char *region, const char *what,
				  bool stateful)
{
	char *name = xstrfmt("%s%s", cfg->stack_prefix, suffix);
	char *desc = xstrfmt("SoleMate %s: %s (managed by solemate)", cfg->environment, what);
	bool production = cfg->protect_data;
	struct sm_stack *s = sm_stack_new(
		app, name,
		&(struct sm_stack_props){ .account = cfg->account,
					  .region = region,
					  .description = desc,
					  .termination_protection = production || (stateful && cfg->database_deletion_protection) });
	sm_stack_add_tag(s, "Project", cfg->project);
	sm_stack_add_tag(s, "Environment", cfg->environment);
	sm_stack_add_tag(s, "ManagedBy", "solemate");
	sm_stack_add_tag(s, "CostCenter", cfg->cost_center);
	sm_stack_add_tag(s, "Owner", cfg->owner);
	free(name);
	free(desc);
	return s;
}

int solemate_add_environment(struct sm_app *app, const struct env_config *cfg,
			     struct diag_list *dl)
{
	struct networking net;
	struct security_keys keys;
	struct security_secrets secrets;
	struct storage st;
	struct database db;
	struct compute cp;
	struct edge edge;

	memset(&net, 0, sizeof(net));
	memset(&keys, 0, sizeof(keys));
	memset(&secrets, 0, sizeof(secrets));
	memset(&st, 0, sizeof(st));
	memset(&db, 0, sizeof(db));
	memset(&cp, 0, sizeof(cp));
	memset(&edge, 0, sizeof(edge));

	struct sm_stack *network = new_stack(app, cfg, "Network", cfg->region,
					     "VPC, subnets, routes, gateways, NACLs, security groups, endpoints (FR-4)",
					     false);
	struct sm_stack *data = new_stack(app, cfg, "Data", cfg->region,
					  "keys, buckets, database, secrets, logs, backups (FR-2, FR-3, FR-5)",
					  true);
	struct sm_stack *dr = cfg->dr_region
				      ? new_stack(app, cfg, "Dr", cfg->dr_region,
						  "replica of the assets bucket (FR-3.6)", true)
				      : NULL;
	struct sm_stack *compute = new_stack(app, cfg, "Compute", cfg->region,
					     "ECS, EC2 capacity, load balancer, WAF (FR-1)", false);
	struct sm_stack *edge_stack = new_stack(app, cfg, "Edge", EDGE_REGION,
						"CloudFront, WAF, DNS (FR-3.5, FR-5.4)", false);
	struct sm_stack *monitoring = new_stack(app, cfg, "Monitoring", cfg->region,
						"alarms, dashboard, tracing, budget (FR-6)", false);
	struct sm_stack *baseline = cfg->account_baseline
					    ? new_stack(app, cfg, "Baseline", cfg->region,
							"once-per-account audit and cost singletons",
							true)
					    : NULL;

	if (networking_build(network, cfg, &net, dl) < 0 ||
	    security_add_keys(data, cfg, &keys, dl) < 0 ||
	    networking_add_flow_logs(data, cfg, &net, &keys, dl) < 0 ||
	    security_add_secrets(data, cfg, &keys, &secrets, dl) < 0 ||
	    storage_build(data, dr, cfg, &keys, &st, dl) < 0 ||
	    database_build(data, cfg, &net, &keys, &st, &db, dl) < 0 ||
	    security_add_audit(data, baseline, cfg, &keys, dl) < 0)
		return -1;
	struct sm_resource *topic = monitoring_add_topic(data, cfg, &keys);
	struct compute_inputs in = { .net = &net,
				     .keys = &keys,
				     .secrets = &secrets,
				     .st = &st,
				     .db = &db,
				     .regional_waf = security_add_regional_waf(compute, cfg, &keys, dl),
				     .alarm_topic = topic,
				     .data = data };
	if (compute_build(compute, cfg, &in, &cp, dl) < 0 ||
	    edge_build(edge_stack, cfg, &st, &cp, &edge, dl) < 0 ||
	    monitoring_build(monitoring, edge_stack, baseline, cfg, &keys, topic, &cp, &db, &edge,
			     dl) < 0)
		return -1;
	/* Stacks left empty by configuration are not deployed at all. */
	sm_app_remove_empty_stacks(app);
	return 0;
}
