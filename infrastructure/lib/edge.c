/* PLACEHOLDER (issue 3, branch infra): replaced by CloudFront, WAF, Route 53. */
#include "lib/edge.h"

int edge_build(struct sm_stack *edge_stack, const struct env_config *cfg,
	       const struct storage *st, const struct compute *cp, struct edge *out,
	       struct diag_list *dl)
{
	return 0;
}
