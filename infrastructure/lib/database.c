/* PLACEHOLDER (issue 3, branch infra): replaced by the real FR-2 resources. */
#include "lib/database.h"

int database_build(struct sm_stack *data, const struct env_config *cfg,
		   const struct networking *net, const struct security_keys *keys,
		   const struct storage *st, struct database *out, struct diag_list *dl)
{
	return 0;
}

json_t *database_master_secret_arn(const struct database *db)
{
	return sm_getatt(db->instance, "MasterUserSecret.SecretArn");
}
