/*
 * The PRD's sample environment configuration (DEV-4.2, "Environment
 * Configuration": infrastructure/lib/environments.ts), as settings of our
 * configuration keys: the sizes against which the report prices what
 * meeting the success metrics costs (docs/cost.md, "What the metrics
 * cost"). The PRD's sample names a database class and a task count per
 * environment, and no second region.
 */
#ifndef SM_PRD_SAMPLE_H
#define SM_PRD_SAMPLE_H

#include "lib/environments.h"

struct prd_sample_setting {
	const char *key;   /* a configuration key: "databaseInstanceType" */
	const char *value; /* the PRD sample's value, as --set takes it: "t3.small" */
};

/*
 * The settings for `environment` ("staging", "production"), ending with a
 * {NULL, NULL} entry, in the order the report walks them (sizes first,
 * then the second region); NULL when the PRD has no sample of that name.
 */
const struct prd_sample_setting *prd_sample_settings(const char *environment);

/* The value `cfg` has for a key of the table, as --set would write it. Caller frees. */
char *prd_sample_value_of(const struct env_config *cfg, const char *key);

#endif
