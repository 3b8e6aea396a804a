/*
 * The account baseline's configuration (config/baseline.json): the
 * once-per-account-and-region resources, which belong to no environment.
 */
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"
#include "lib/config_int.h"

#define BOFF(f) offsetof(struct baseline_config, f)

static const char *const baseline_kinds[] = {"accountBaseline", NULL};
static const char *const recorder_modes[] = {"create", "existing", NULL};

static const struct key_def baseline_keys[] = {
	{"kind", K_STRING, true, BOFF(kind), 0, 0, NULL, 0, NULL, baseline_kinds,
	 "What the file configures: the account baseline, the resources an AWS account holds "
	 "once per region (AWS Config recorder and delivery channel, the CloudTrail trail, "
	 "the cost anomaly monitor). Deployed once per account and region, apart from every "
	 "environment."},
	{"accountId", K_STRING, true, BOFF(account_id), 0, 0, NULL, 0, cfg_check_account, NULL,
	 "AWS account ID (12 digits) the baseline is for; part of its stack's name."},
	{"region", K_STRING, true, BOFF(region), 0, 0, NULL, 0, cfg_check_region, NULL,
	 "Region of the baseline (AWS Config records per region; the trail covers all)."},
	{"alarmEmail", K_STRING, true, BOFF(alarm_email), 0, 0, NULL, 0, cfg_check_email, NULL,
	 "Where cost anomaly alerts are sent."},
	{"logRetentionDays", K_INT, false, BOFF(log_retention_days), 1, 3653, NULL, 365, NULL, NULL,
	 "Retention of the trail's CloudWatch Logs group, in days (PCI DSS 10.5.1: a "
	 "year)."},
	{"anomalyThresholdUsd", K_NUMBER, false, BOFF(anomaly_threshold_usd), 1, 1e7, NULL, 100,
	 NULL, NULL, "Total impact in USD from which a cost anomaly is e-mailed."},
	{"owner", K_STRING, true, BOFF(owner), 0, 0, NULL, 0, cfg_check_tag_text, NULL,
	 "Owner tag."},
	{"costCenter", K_STRING, true, BOFF(cost_center), 0, 0, NULL, 0, cfg_check_tag_text, NULL,
	 "CostCenter tag."},
	{"project", K_STRING, false, BOFF(project), 0, 0, "SoleMate", 0, cfg_check_tag_text, NULL,
	 "Project tag."},
	{"configRecorder", K_STRING, false, BOFF(config_recorder), 0, 0, "create", 0, NULL,
	 recorder_modes,
	 "AWS Config's recorder and delivery channel, of which a region holds one each: "
	 "\"create\" makes them; \"existing\" uses the ones the account has (AWS Control "
	 "Tower, Security Hub or an earlier setup made them), and the baseline adds only its "
	 "Config rules, which evaluate with that recorder."},
	{"costAnomalyMonitorArn", K_STRING, false, BOFF(cost_anomaly_monitor_arn), 0, 0, NULL, 0,
	 cfg_check_anomaly_monitor_arn, NULL,
	 "ARN of the account's AWS services anomaly monitor, when it has one (an account holds "
	 "one; Cost Explorer may have made it): the baseline subscribes to it instead of creating "
	 "a second, which Cost Anomaly Detection refuses."},
	{"homeRegion", K_STRING, false, BOFF(home_region), 0, 0, NULL, 0, cfg_check_region, NULL,
	 "The account's home region (default: region), whose baseline holds what the account has "
	 "once in all: the multi-region CloudTrail trail (its shadow copies take the trail's name "
	 "in every other region), AWS Config's recording of global (IAM) resources, and the AWS "
	 "services cost anomaly monitor. A baseline of another region creates only what is per "
	 "region: its Config recorder, delivery channel and rules. Every baseline of one account "
	 "names the same home region."},
};

#define NBASELINE (sizeof(baseline_keys) / sizeof(baseline_keys[0]))

static const struct key_table baseline_table = {baseline_keys, NBASELINE, "baseline.schema.json",
						NULL};

int config_kind_of(const char *file, const char *text, size_t len, enum config_kind *kind,
		   struct diag_list *dl)
{
	json_t *root = cfg_load_root(file, text, len, NULL, 0, dl);
	if (!root)
		return -1;
	const json_t *k = json_object_get(root, "kind");
	int ret = 0;
	*kind = CONFIG_ENVIRONMENT;
	if (k && json_is_string(k) && !strcmp(json_string_value(k), "accountBaseline")) {
		*kind = CONFIG_BASELINE;
	} else if (k) {
		struct cfg_ctx c = {.file = file, .text = text, .len = len, .dl = dl};
		struct diag *d = cfg_error_at(&c, "kind", "'kind' must be \"accountBaseline\"");
		diag_set_hint(d, "leave 'kind' out for an environment's configuration");
		jio_posmap_free(c.pos);
		ret = -1;
	}
	json_decref(root);
	return ret;
}

int baseline_config_parse(const char *file, const char *text, size_t len, const char *const *sets,
			  size_t set_nr, struct baseline_config *cfg, struct diag_list *dl)
{
	/*
	 * --set applies over every configuration read (--env all): an
	 * environment's key is not the baseline's to take, and is left out
	 */
	const char **mine = xcalloc(set_nr ? set_nr : 1, sizeof(*mine));
	size_t mine_nr = 0;
	for (size_t i = 0; i < set_nr; i++) {
		size_t klen = strcspn(sets[i], "=.");
		bool env_key = cfg_is_env_key(sets[i], klen);
		for (size_t k = 0; k < NBASELINE && env_key; k++)
			env_key = !(strlen(baseline_keys[k].name) == klen &&
				    !strncmp(baseline_keys[k].name, sets[i], klen));
		if (!env_key)
			mine[mine_nr++] = sets[i];
	}
	struct cfg_ctx c = {
		.file = file, .text = text, .len = len, .dl = dl, .sets = mine, .set_nr = mine_nr};

	memset(cfg, 0, sizeof(*cfg));
	json_t *root = cfg_load_root(file, text, len, mine, mine_nr, dl);
	if (!root) {
		free(mine);
		return -1;
	}
	cfg->file = xstrdup(file);
	cfg_load_object(&c, root, &baseline_table, cfg, NULL);
	if (!c.errors)
		cfg_check_retention(&c, cfg->log_retention_days);
	jio_posmap_free(c.pos);
	json_decref(root);
	free(mine);
	if (c.errors) {
		baseline_config_release(cfg);
		return -1;
	}
	/* CloudFormation stack names: [A-Za-z][-A-Za-z0-9]*, which both parts keep */
	cfg->stack_name = xstrfmt("SolemateBaseline-%s-%s", cfg->account_id, cfg->region);
	if (!cfg->home_region)
		cfg->home_region = xstrdup(cfg->region);
	cfg->home = !strcmp(cfg->home_region, cfg->region);
	return 0;
}

void baseline_config_release(struct baseline_config *cfg)
{
	cfg_release_strings(baseline_keys, NBASELINE, cfg);
	free(cfg->file);
	free(cfg->stack_name);
	memset(cfg, 0, sizeof(*cfg));
}

json_t *baseline_config_json_schema(void)
{
	json_t *required = json_array();
	json_t *props = cfg_schema_props(baseline_keys, NBASELINE, required);
	json_object_set_new(props, "$schema", json_pack("{ss}", "type", "string"));
	return cfg_schema_document("https://solemate.dev/baseline.schema.json",
				   "solemate account baseline configuration", props, required);
}
