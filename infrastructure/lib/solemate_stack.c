/*
 * One environment of SoleMate (the PRD's SolemateStack), split into stacks
 * so that stateful resources live apart from stateless ones:
 *
 *   <P>Network     VPC, subnets, routes, gateways, NACLs, SGs, endpoints
 *   <P>Data        KMS keys, buckets, database, secrets, log groups, backups
 *                  (termination protection and Retain/Snapshot in production)
 *   <P>Dr          in cfg->dr_region: replica bucket, and for a drReadiness the
 *                  region's keys and backup vault (before Data, which writes there)
 *   <P>DrStandby   in cfg->dr_region (pilot-light, warm-standby): network, the
 *                  database's cross-region replica, the standby service
 *                  (after Data, whose database it replicates)
 *   <P>Compute     ECS, EC2 capacity, ALB, regional WAF, autoscaling
 *   <P>Edge        CloudFront, its WAF and alarms, in us-east-1
 *   <P>Monitoring  SNS topic, alarms, dashboard, X-Ray, budget
 *
 * The account baseline is a unit of its own (DESIGN.md): one stack,
 * SolemateBaseline-<account>-<region>, with CloudTrail, AWS Config and the
 * cost anomaly monitor, from config/baseline.json; it imports nothing from
 * an environment, so that destroying any environment leaves it standing.
 *
 * References between them become exports/imports (or cross-region
 * parameters) through the engine, with no code here.
 */
#include "lib/solemate_stack.h"

#include <stdlib.h>
#include <string.h>

#include "base/cidr.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "constructs/secure.h"
#include "lib/compute.h"
#include "lib/database.h"
#include "lib/disaster_recovery.h"
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
		&(struct sm_stack_props){.account = cfg->account,
					 .region = region,
					 .description = desc,
					 .termination_protection =
						 production ||
						 (stateful && cfg->database_deletion_protection)});
	sm_stack_add_tag(s, "Project", cfg->project);
	sm_stack_add_tag(s, "Environment", cfg->environment);
	sm_stack_add_tag(s, "ManagedBy", "solemate");
	sm_stack_add_tag(s, "CostCenter", cfg->cost_center);
	sm_stack_add_tag(s, "Owner", cfg->owner);
	free(name);
	free(desc);
	return s;
}

int solemate_add_environment(struct sm_app *app, const struct env_config *cfg, struct diag_list *dl)
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

	struct sm_stack *network = new_stack(
		app, cfg, "Network", cfg->region,
		"VPC, subnets, routes, gateways, NACLs, security groups, endpoints (FR-4)", false);
	struct sm_stack *data = new_stack(
		app, cfg, "Data", cfg->region,
		"keys, buckets, database, secrets, logs, backups (FR-2, FR-3, FR-5)", true);
	struct sm_stack *dr =
		cfg->dr_region ? new_stack(app, cfg, "Dr", cfg->dr_region,
					   "disaster recovery: replica of the assets bucket, keys "
					   "and backup vault of the DR region (FR-3.6)",
					   true)
			       : NULL;
	struct sm_stack *standby =
		cfg->dr_readiness >= DR_PILOT_LIGHT
			? new_stack(app, cfg, "DrStandby", cfg->dr_region,
				    "disaster recovery: standby network, database replica and "
				    "service (FR-2.2, FR-3.6)",
				    true)
			: NULL;
	struct dr_foundation drf;
	struct database_dr_targets dr_targets;
	memset(&drf, 0, sizeof(drf));
	struct sm_stack *compute = new_stack(app, cfg, "Compute", cfg->region,
					     "ECS, EC2 capacity, load balancer, WAF (FR-1)", false);
	struct sm_stack *edge_stack = new_stack(app, cfg, "Edge", EDGE_REGION,
						"CloudFront, WAF, DNS (FR-3.5, FR-5.4)", false);
	struct sm_stack *monitoring = new_stack(app, cfg, "Monitoring", cfg->region,
						"alarms, dashboard, tracing, budget (FR-6)", false);
	/*
	 * The assets bucket's policy names the distribution, so it comes after
	 * it: in the Edge stack when the bucket is in us-east-1 too, else in a
	 * stack of the bucket's region (a bucket policy is set in the bucket's
	 * region) that follows the Edge stack.
	 */
	struct sm_stack *assets_access = !strcmp(cfg->region, EDGE_REGION)
						 ? edge_stack
						 : new_stack(app, cfg, "AssetsAccess", cfg->region,
							     "the assets bucket's policy, which "
							     "names the distribution (FR-3.2)",
							     false);

	if (networking_build(network, cfg, &net, dl) < 0 ||
	    security_add_keys(data, cfg, &keys, dl) < 0 ||
	    networking_add_flow_logs(data, cfg, &net, &keys, dl) < 0 ||
	    security_add_secrets(data, cfg, &keys, &secrets, dl) < 0 ||
	    storage_build(data, dr, assets_access, cfg, &keys, &st, dl) < 0 ||
	    (dr && dr_add_foundation(dr, cfg, &drf, dl) < 0))
		return -1;
	dr_database_targets(cfg, dr ? &drf : NULL, &dr_targets);
	if (dr_targets.replicate_secrets)
		secret_add_replica(secrets.app_secret, cfg->dr_region, drf.keys.data_key);
	if (database_build(data, cfg, &net, &keys, &st, &dr_targets, &db, dl) < 0)
		return -1;
	struct sm_resource *topic = monitoring_add_topic(data, cfg, &keys);
	struct compute_inputs in = {.net = &net,
				    .keys = &keys,
				    .secrets = &secrets,
				    .st = &st,
				    .db = &db,
				    .regional_waf =
					    security_add_regional_waf(compute, cfg, &keys, dl),
				    .alarm_topic = topic,
				    .data = data};
	/* the distribution's API origin is the load balancer's DNS record: create it first */
	sm_stack_add_dependency(edge_stack, compute);
	if (!in.regional_waf || compute_build(compute, cfg, &in, &cp, dl) < 0 ||
	    edge_build(edge_stack, cfg, &st, &cp, &edge, dl) < 0 ||
	    monitoring_build(monitoring, edge_stack, cfg, &keys, topic, &cp, &db, &edge, dl) < 0)
		return -1;
	if (standby) {
		struct dr_standby_inputs dri = {.foundation = &drf,
						.primary_storage = &st,
						.primary_db = &db,
						.primary_secrets = &secrets};
		if (dr_add_standby(standby, cfg, &dri, dl) < 0)
			return -1;
		dr_mark_stack(standby, cfg, "standby");
		/*
		 * Route 53 refuses a failover record beside a plain one of the
		 * same name and type (developer guide, "Values for failover alias
		 * records"): on a zone whose names are plain aliases of CloudFront,
		 * the Edge stack makes them PRIMARY before the standby adds the
		 * SECONDARY ones (docs/deployment.md, "DNS failover on a deployed zone")
		 */
		if (env_dns_failover(cfg))
			sm_stack_add_dependency(standby, edge_stack);
	}
	if (dr && cfg->dr_readiness != DR_NONE)
		dr_mark_stack(dr, cfg, "foundation");
	/* Stacks left empty by configuration are not deployed at all. */
	sm_app_remove_empty_stacks(app);
	return 0;
}

int solemate_add_baseline(struct sm_app *app, const struct baseline_config *cfg,
			  struct diag_list *dl)
{
	struct sm_stack *b = sm_stack_new(
		app, cfg->stack_name,
		&(struct sm_stack_props){
			.account = cfg->account_id,
			.region = cfg->region,
			/* "SoleMate <unit>: ...": the owner deploy and destroy check */
			.description = "SoleMate baseline: the account's CloudTrail, AWS Config "
				       "and cost anomaly monitor, once per account and region "
				       "(FR-5.5, FR-5.6, FR-6.6) (managed by solemate)",
			/* the account's audit trail outlives every environment */
			.termination_protection = true});
	sm_stack_add_tag(b, "Project", cfg->project);
	sm_stack_add_tag(b, "Environment", "baseline");
	sm_stack_add_tag(b, "ManagedBy", "solemate");
	sm_stack_add_tag(b, "CostCenter", cfg->cost_center);
	sm_stack_add_tag(b, "Owner", cfg->owner);
	if (security_add_audit(b, cfg, dl) < 0)
		return -1;
	/* an account holds one AWS services monitor: the home region's baseline has it */
	if (cfg->home)
		monitoring_add_cost_anomalies(b, cfg);
	return 0;
}

int solemate_unit_load(const char *path, const char *const *sets, size_t set_nr,
		       struct solemate_unit *u, struct diag_list *dl)
{
	size_t len;
	enum config_kind kind;

	memset(u, 0, sizeof(*u));
	char *text = fs_read_file(path, &len, dl);
	if (!text)
		return -1;
	int r = config_kind_of(path, text, len, &kind, dl);
	if (r == 0 && kind == CONFIG_BASELINE) {
		r = baseline_config_parse(path, text, len, sets, set_nr, &u->baseline, dl);
		if (r == 0) {
			u->kind = CONFIG_BASELINE;
			u->name = "baseline";
			u->file = u->baseline.file;
			u->region = u->baseline.region;
			u->account = u->baseline.account_id;
			u->protect = true;
		}
	} else if (r == 0) {
		r = env_config_parse_with(path, text, len, sets, set_nr, &u->env, dl);
		if (r == 0) {
			u->kind = CONFIG_ENVIRONMENT;
			u->name = u->env.environment;
			u->file = u->env.file;
			u->region = u->env.region;
			u->account = u->env.account;
			u->protect = u->env.protect_data;
		}
	}
	free(text);
	return r;
}

void solemate_unit_release(struct solemate_unit *u)
{
	if (u->kind == CONFIG_BASELINE)
		baseline_config_release(&u->baseline);
	else
		env_config_release(&u->env);
	memset(u, 0, sizeof(*u));
}

int solemate_add_unit(struct sm_app *app, const struct solemate_unit *u, struct diag_list *dl)
{
	return u->kind == CONFIG_BASELINE ? solemate_add_baseline(app, &u->baseline, dl)
					  : solemate_add_environment(app, &u->env, dl);
}

/* an environment's account: accountId (the one deploy may touch), else account */
static const char *unit_account(const struct solemate_unit *u)
{
	if (u->kind == CONFIG_ENVIRONMENT && u->env.account_id)
		return u->env.account_id;
	return u->account;
}

int solemate_units_compatible(const struct solemate_unit *a, const struct solemate_unit *b,
			      struct diag_list *dl)
{
	const char *acc_a = unit_account(a), *acc_b = unit_account(b);
	bool same_place = acc_a && acc_b && !strcmp(acc_a, acc_b) && a->region && b->region &&
			  !strcmp(a->region, b->region);
	struct diag *d;

	if (a->kind != b->kind)
		return 0;
	if (a->kind == CONFIG_BASELINE) {
		bool same_account = acc_a && acc_b && !strcmp(acc_a, acc_b);
		/*
		 * Baselines of one account in two regions: one of them (or one
		 * elsewhere) holds the account-wide parts, and both must say which,
		 * or both would create the multi-region trail and the services
		 * anomaly monitor, and the second CREATE fails.
		 */
		if (same_account && !same_place &&
		    strcmp(a->baseline.home_region, b->baseline.home_region)) {
			d = diag_add(dl, DIAG_ERROR, a->file, 0, 0, "homeRegion",
				     "%s names %s the home region of account %s, %s names %s",
				     a->file, a->baseline.home_region, acc_a, b->file,
				     b->baseline.home_region);
			diag_set_hint(d,
				      "set \"homeRegion\" to the same region in every baseline of "
				      "the account: that region's baseline keeps the multi-region "
				      "trail and the cost anomaly monitor");
			return -1;
		}
		if (!same_place)
			return 0;
		d = diag_add(dl, DIAG_ERROR, a->file, 0, 0, "accountId",
			     "%s and %s both configure the account baseline of %s in %s", a->file,
			     b->file, acc_a, a->region);
		diag_set_hint(d, "an account has one baseline per region: keep one of the files");
		return -1;
	}
	if (!strcmp(a->env.environment, b->env.environment)) {
		d = diag_add(dl, DIAG_ERROR, a->file, 0, 0, "environment",
			     "environment '%s' is also configured by %s (its stacks would take the "
			     "same names)",
			     a->env.environment, b->file);
		diag_set_hint(d, "give each configuration its own \"environment\" name");
		return -1;
	}
	uint32_t na, nb;
	int pa, pb;
	if (same_place && !cidr_parse(a->env.vpc_cidr, &na, &pa) &&
	    !cidr_parse(b->env.vpc_cidr, &nb, &pb) && cidr_overlap(na, pa, nb, pb)) {
		d = diag_add(dl, DIAG_ERROR, a->file, 0, 0, "vpcCidr",
			     "vpcCidr %s overlaps %s of environment '%s' (%s) in the same account "
			     "%s and region %s",
			     a->env.vpc_cidr, b->env.vpc_cidr, b->env.environment, b->file, acc_a,
			     a->region);
		diag_set_hint(d, "give each environment of one account and region its own range "
				 "(e.g. 10.N.0.0/16): overlapping VPCs cannot be peered or routed "
				 "to each other");
		return -1;
	}
	return 0;
}

static const struct solemate_rule_ref *find_rule(const struct solemate_rule_ref *rules,
						 size_t rule_nr, const char *id)
{
	for (size_t i = 0; i < rule_nr; i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

static void unknown_rule(const struct env_config *cfg, const struct env_acceptance *a, size_t i,
			 const struct solemate_rule_ref *rules, size_t rule_nr,
			 struct diag_list *dl)
{
	const char **ids = xcalloc(rule_nr ? rule_nr : 1, sizeof(char *));
	for (size_t k = 0; k < rule_nr; k++)
		ids[k] = rules[k].id;
	char *key = xstrfmt("acceptances[%zu].rule", i);
	struct diag *d = diag_add(dl, DIAG_ERROR, cfg->file, a->rule_line, a->rule_col, key,
				  "no check rule '%s'", a->rule);
	const char *best = suggest_closest(a->rule, ids, rule_nr);
	if (best)
		diag_set_hint(d, "did you mean '%s'? ('solemate check --rules' lists them)", best);
	else
		diag_set_hint(d, "'solemate check --rules' lists the rules");
	free(key);
	free(ids);
}

static void unknown_resource(const struct sm_app *app, size_t first_stack,
			     const struct env_config *cfg, const struct env_acceptance *a, size_t i,
			     struct diag_list *dl)
{
	const char **ids = NULL;
	size_t nr = 0, alloc = 0;
	for (size_t k = first_stack; k < sm_app_stack_count(app); k++) {
		const struct sm_stack *s = sm_app_stack_at(app, k);
		for (size_t r = 0; r < sm_stack_resource_count(s); r++) {
			ALLOC_GROW(ids, nr + 1, alloc);
			ids[nr++] = sm_resource_id(sm_stack_resource_at(s, r));
		}
	}
	char *key = xstrfmt("acceptances[%zu].resource", i);
	struct diag *d =
		diag_add(dl, DIAG_ERROR, cfg->file, a->resource_line, a->resource_col, key,
			 "environment '%s' has no resource '%s'", cfg->environment, a->resource);
	const char *best = suggest_closest(a->resource, ids, nr);
	if (best)
		diag_set_hint(d, "did you mean '%s'? (a logical ID, as 'solemate synth' writes it)",
			      best);
	else
		diag_set_hint(d,
			      "name a resource by its logical ID, as 'solemate synth' writes it");
	free(key);
	free(ids);
}

int solemate_accept_findings(struct sm_app *app, size_t first_stack, const struct env_config *cfg,
			     const struct solemate_rule_ref *rules, size_t rule_nr,
			     struct diag_list *dl)
{
	/* the environment, not the file's name: a YAML and a JSON copy synthesize the same bytes */
	char *source = xstrfmt("acceptances of %s", cfg->environment);
	int ret = 0;

	for (size_t i = 0; i < cfg->acceptance_nr; i++) {
		const struct env_acceptance *a = &cfg->acceptances[i];
		const struct solemate_rule_ref *rule = find_rule(rules, rule_nr, a->rule);
		size_t hits = 0;
		if (!rule) {
			unknown_rule(cfg, a, i, rules, rule_nr, dl);
			ret = -1;
			continue;
		}
		for (size_t k = first_stack; k < sm_app_stack_count(app); k++) {
			struct sm_resource *r =
				sm_stack_find_resource(sm_app_stack_at(app, k), a->resource);
			if (!r)
				continue;
			hits++;
			/* and under each cdk-nag ID the rule answers to */
			sm_resource_accept_as(r, rule->id, rule->nag_ids, a->reason, a->expires,
					      source);
		}
		if (!hits) {
			unknown_resource(app, first_stack, cfg, a, i, dl);
			ret = -1;
		}
	}
	free(source);
	return ret;
}
