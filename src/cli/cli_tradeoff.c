/*
 * What the metrics cost (analysis/tradeoff.h): the command synthesizes the
 * environment again with its configuration overridden (as --set does) at
 * each drReadiness, at the PRD sample's sizes and each step back to its
 * own, and with the autoscaling maximum running, and the analysis prices
 * and judges each assembly as it does the environment.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/tradeoff.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "lib/environments.h"
#include "lib/prd_sample.h"

#define MAX_EXTRA 8

struct variant {
	const char *sets[MAX_EXTRA]; /* "key=value", owned */
	size_t nr;
	char *note; /* what was set only so that it synthesizes, or NULL */
};

static void variant_add(struct variant *v, char *set)
{
	if (v->nr < MAX_EXTRA)
		v->sets[v->nr++] = set;
	else
		free(set);
}

static void variant_release(struct variant *v)
{
	for (size_t i = 0; i < v->nr; i++)
		free((char *)v->sets[i]);
	free(v->note);
	memset(v, 0, sizeof(*v));
}

static char *changes_text(const struct variant *v)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < v->nr; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", v->sets[i]);
	return strbuf_detach(&sb, NULL);
}

/*
 * `u` synthesized with the variant's settings after the user's --set ones,
 * priced and judged. *dr_region (may be NULL) gets the variant's drRegion.
 */
static void eval_variant(const struct cli_unit *u, const char *name, const struct variant *v,
			 const char *prices, const char *slas, struct tradeoff_point *out,
			 char **dr_region)
{
	struct cli_unit x = *u;
	struct diag_list dl = DIAG_LIST_INIT;
	struct env_config cfg;
	bool have_cfg = false;
	struct sm_assembly a;
	char *changes = changes_text(v);

	sm_assembly_init(&a);
	if ((size_t)x.in.set_nr + v->nr > sizeof(x.in.sets) / sizeof(x.in.sets[0])) {
		tradeoff_point_failed(out, name, changes, "too many --set options to add its own");
		goto out;
	}
	for (size_t i = 0; i < v->nr; i++)
		x.in.sets[x.in.set_nr++] = v->sets[i];
	if (cli_unit_load(&x, &cfg, &have_cfg, &a, &dl) < 0 || !have_cfg) {
		tradeoff_point_failed(out, name, changes,
				      dl.nr ? dl.items[0].message : "not an environment");
		goto out;
	}
	struct sm_context ctx;
	cli_context_from_config(&cfg, &ctx);
	tradeoff_point_eval(&a, &ctx, prices, slas, name, changes, out, &dl);
	if (v->note)
		out->note = xstrdup(v->note);
	if (dr_region && cfg.dr_region)
		*dr_region = xstrdup(cfg.dr_region);
out:
	free(changes);
	diag_list_release(&dl);
	sm_assembly_release(&a);
	if (have_cfg)
		env_config_release(&cfg);
}

/*
 * The standby levels need a certificate for the standby's load balancer in
 * drRegion; an environment that has none (staging) is priced with a
 * stand-in ARN: ACM's public certificates cost nothing, so the price is
 * the level's, and the note says deploying it needs the real one.
 */
static void standby_certificate(const struct env_config *cfg, const char *dr_region,
				struct variant *v)
{
	if (cfg->dr_alb_certificate_arn || cfg->hosted_zone_id || !dr_region)
		return;
	variant_add(v, xstrfmt("drAlbCertificateArn=arn:aws:acm:%s:%s:certificate/"
			       "00000000-0000-4000-8000-000000000000",
			       dr_region, cfg->account_id ? cfg->account_id : "123456789012"));
	v->note = xstrfmt("priced with a stand-in certificate ARN for the standby's load balancer "
			  "(ACM public certificates are free); deploying it needs "
			  "drAlbCertificateArn in %s",
			  dr_region);
}

static void eval_levels(const struct cli_unit *u, const struct env_config *cfg, const char *prices,
			const char *slas, struct tradeoff_report *r)
{
	char *dr_region = cfg->dr_region ? xstrdup(cfg->dr_region) : NULL;
	for (int l = 0; l < SLO_DR_LEVELS; l++) {
		struct variant v = {0};
		const char *name = slo_dr_level_name((enum slo_dr_level)l);
		variant_add(&v, xstrfmt("drReadiness=%s", name));
		if (l >= SLO_DR_PILOT_LIGHT)
			standby_certificate(cfg, dr_region, &v);
		eval_variant(u, name, &v, prices, slas, &r->levels[l],
			     l == SLO_DR_BACKUP_RESTORE && !dr_region ? &dr_region : NULL);
		variant_release(&v);
	}
	free(dr_region);
	r->have_levels = true;
}

/* steps[0] at the PRD's sizes, then one more key set back to the environment's each step */
static void eval_prd_steps(const struct cli_unit *u, const struct env_config *cfg,
			   const char *prices, const char *slas, struct tradeoff_report *r)
{
	const struct prd_sample_setting *s = prd_sample_settings(cfg->environment);
	if (!s) {
		r->prd_note = xstrfmt("the PRD has no sample configuration for environment '%s' "
				      "(only staging and production)",
				      cfg->environment);
		return;
	}
	size_t n = 0;
	while (s[n].key)
		n++;
	bool differs[16] = {0};
	for (size_t k = 0; k < n && k < 16; k++) {
		char *ours = prd_sample_value_of(cfg, s[k].key);
		differs[k] = strcmp(ours, s[k].value) != 0;
		free(ours);
	}
	r->prd_note = xstrdup("the PRD's sample configuration (environments.ts) for this "
			      "environment: its database class and task count, no second region");
	/* step j keeps the PRD's value for the keys from `from` on */
	for (size_t from = 0; from <= n && from < 16; from++) {
		if (from > 0 && !differs[from - 1])
			continue; /* the same value: no step */
		struct variant v = {0};
		for (size_t k = from; k < n; k++)
			if (differs[k])
				variant_add(&v, xstrfmt("%s=%s", s[k].key, s[k].value));
		char *name;
		if (from == 0) {
			name = xstrdup("PRD sample sizes");
		} else {
			char *ours = prd_sample_value_of(cfg, s[from - 1].key);
			name = xstrfmt("%s %s -> %s", s[from - 1].key, s[from - 1].value, ours);
			free(ours);
		}
		eval_variant(u, name, &v, prices, slas, tradeoff_add_step(r), NULL);
		free(name);
		variant_release(&v);
	}
}

void cli_tradeoff_evaluate(const struct cli_unit *u, const struct env_config *cfg,
			   struct sm_assembly *a, const struct sm_context *ctx, const char *prices,
			   const char *slas, struct tradeoff_report *r)
{
	struct diag_list dl = DIAG_LIST_INIT;
	tradeoff_point_eval(a, ctx, prices, slas, cfg->environment, "", &r->current, &dl);
	diag_list_release(&dl);
	eval_levels(u, cfg, prices, slas, r);
	eval_prd_steps(u, cfg, prices, slas, r);
	if (cfg->ecs_max_capacity > cfg->ecs_desired_count) {
		struct variant v = {0};
		variant_add(&v, xstrfmt("ecsDesiredCount=%d", cfg->ecs_max_capacity));
		eval_variant(u, "autoscaling maximum all month", &v, prices, slas, &r->peak, NULL);
		variant_release(&v);
		r->have_peak = true;
	}
}
