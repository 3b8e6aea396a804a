/* The PRD's sample sizes (prd_sample.h). */
#include "lib/prd_sample.h"

#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

/* environments.ts of the PRD: databaseInstanceType, ecsDesiredCount; no DR region */
static const struct prd_sample_setting staging[] = {
	{"databaseInstanceType", "t3.micro"},
	{"ecsDesiredCount", "1"},
	{"drReadiness", "none"},
	{NULL, NULL},
};

static const struct prd_sample_setting production[] = {
	{"databaseInstanceType", "t3.small"},
	{"ecsDesiredCount", "3"},
	{"drReadiness", "none"},
	{NULL, NULL},
};

const struct prd_sample_setting *prd_sample_settings(const char *environment)
{
	if (!environment)
		return NULL;
	if (!strcmp(environment, "staging"))
		return staging;
	if (!strcmp(environment, "production"))
		return production;
	return NULL;
}

char *prd_sample_value_of(const struct env_config *cfg, const char *key)
{
	if (!strcmp(key, "databaseInstanceType"))
		return xstrdup(cfg->database_instance_type ? cfg->database_instance_type : "");
	if (!strcmp(key, "ecsDesiredCount"))
		return xstrfmt("%d", cfg->ecs_desired_count);
	if (!strcmp(key, "drReadiness"))
		return xstrdup(dr_readiness_name(cfg->dr_readiness));
	return xstrdup("");
}
