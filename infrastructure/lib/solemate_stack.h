/*
 * The SoleMate app: composes networking, security, database, storage,
 * compute and monitoring into the stacks of one environment.
 */
#ifndef SM_SOLEMATE_STACK_H
#define SM_SOLEMATE_STACK_H

#include "engine/engine.h"
#include "lib/environments.h"

/*
 * Add the stacks of environment `cfg` to `app`. 0, or -1 with diagnostics
 * (a configuration the design cannot honour).
 */
int solemate_add_environment(struct sm_app *app, const struct env_config *cfg,
			     struct diag_list *dl);

/*
 * Add the account baseline's stack (SolemateBaseline-<account>-<region>,
 * termination protection on) to `app`. 0, or -1 with diagnostics.
 */
int solemate_add_baseline(struct sm_app *app, const struct baseline_config *cfg,
			  struct diag_list *dl);

/*
 * A unit of deployment (DESIGN.md): an environment, or the account baseline,
 * as its configuration file's "kind" says. The strings below are borrowed
 * from the configuration the unit owns; solemate_unit_release() frees it.
 */
struct solemate_unit {
	enum config_kind kind;
	struct env_config env;		 /* CONFIG_ENVIRONMENT */
	struct baseline_config baseline; /* CONFIG_BASELINE */
	const char *name;		 /* the environment's name, or "baseline" */
	const char *file;
	const char *region;
	const char *account; /* may be NULL (an environment without "account") */
	/* its stacks keep data that must survive: termination protection,
	 * replacements of stateful resources refused, destroy only with --force */
	bool protect;
};

/*
 * Load `path` (JSON or YAML) as whichever unit it configures, with the
 * "key=value" overrides `sets` (may be NULL) applied. 0, or -1 with diagnostics.
 */
int solemate_unit_load(const char *path, const char *const *sets, size_t set_nr,
		       struct solemate_unit *u, struct diag_list *dl);
void solemate_unit_release(struct solemate_unit *u);
/*
 * Whether unit `a` can live beside unit `b` (another configuration of the
 * same set): not the same environment name (their stacks' names would
 * collide), not two baselines of one account and region (one per account
 * and region), not overlapping VPC ranges of two environments in one account
 * and region (peering, Transit Gateway and VPN refuse overlapping ranges).
 * 0, or -1 with an error naming a's file and key.
 */
int solemate_units_compatible(const struct solemate_unit *a, const struct solemate_unit *b,
			      struct diag_list *dl);
/* A check rule as the app needs to know it: its ID and its cdk-nag IDs ("A B C" or NULL). */
struct solemate_rule_ref {
	const char *id;
	const char *nag_ids;
};
/*
 * Write the environment's acceptances (cfg->acceptances) into the Metadata
 * of the resources they name, in the stacks from index `first_stack` of
 * `app` on (those of this environment): Metadata.cdk_nag.rules_to_suppress
 * gets the rule's ID and each of its cdk-nag IDs, with the reason, the
 * expiry day and "source": "acceptances of <environment>". The rules come
 * from the caller (the analyses are a layer above the app). An unknown rule
 * or resource is an error at the entry, with the closest name suggested.
 * 0, or -1 with diagnostics.
 */
int solemate_accept_findings(struct sm_app *app, size_t first_stack, const struct env_config *cfg,
			     const struct solemate_rule_ref *rules, size_t rule_nr,
			     struct diag_list *dl);
/* Add the unit's stacks to `app`. 0, or -1 with diagnostics. */
int solemate_add_unit(struct sm_app *app, const struct solemate_unit *u, struct diag_list *dl);

#endif
