/* The usage assumptions of an estimate without a config. */
#include "analysis/cost.h"

#include <string.h>

/* ---- defaults and class facts ------------------------------------------ */

void cost_default_usage(struct env_usage *u)
{
	/*
	 * The defaults live once, in environments.c's key table: parse the
	 * smallest valid config and take its usage block.
	 */
	static const char minimal[] =
		"{\"environment\":\"defaults\",\"region\":\"us-east-1\",\"accountId\":"
		"\"123456789012\",\"vpcCidr\":\"10.0.0.0/"
		"16\","
		"\"databaseInstanceType\":\"t3.micro\",\"ecsDesiredCount\":1,"
		"\"domainName\":\"example.com\","
		"\"certificateArn\":\"arn:aws:acm:us-east-1:123456789012:certificate/defaults\","
		"\"alarmEmail\":\"ops@example.com\",\"monthlyBudget\":1,\"owner\":\"defaults\","
		"\"costCenter\":\"defaults\"}";
	struct env_config cfg;
	struct diag_list dl = DIAG_LIST_INIT;
	memset(u, 0, sizeof(*u));
	if (env_config_parse("(defaults)", minimal, sizeof(minimal) - 1, &cfg, &dl) == 0) {
		*u = cfg.usage;
		env_config_release(&cfg);
	}
	diag_list_release(&dl);
}
