/* Finding resources by type, predicate and region (find.h). */
#include "analysis/find.h"

#include <string.h>

#include "analysis/cost.h"
#include "base/common.h"
#include "base/xalloc.h"

struct query {
	const char *type;
	sm_find_want want;
	const char *region;
	struct sm_found *out;
	int count;
	bool all; /* count them all rather than stop at the first */
};

static bool match(void *ctx, const struct sm_template *t, const char *id, const char *type,
		  const json_t *p)
{
	struct query *q = ctx;
	if (strcmp(type, q->type) || (q->want && !q->want(p)))
		return false;
	if (q->region && t->region && strcmp(t->region, q->region))
		return false;
	if (!q->count++ && q->out) {
		q->out->t = t;
		q->out->id = id;
		q->out->props = p;
	}
	return !q->all;
}

bool sm_find_resource(const struct sm_assembly *a, const char *type, sm_find_want want,
		      const char *region, struct sm_found *out)
{
	struct query q = {type, want, region, out, 0, false};
	memset(out, 0, sizeof(*out));
	return cost_each_resource(a, match, &q);
}

int sm_count_resources(const struct sm_assembly *a, const char *type, sm_find_want want,
		       const char *region)
{
	struct query q = {type, want, region, NULL, 0, true};
	cost_each_resource(a, match, &q);
	return q.count;
}

char *sm_found_name(const struct sm_found *f)
{
	return xstrfmt("%s/%s", f->t->stack_name, f->id);
}

bool sm_want_primary_db(const json_t *props)
{
	return !json_object_get(props, "SourceDBInstanceIdentifier");
}

bool sm_want_replica_db(const json_t *props)
{
	return json_object_get(props, "SourceDBInstanceIdentifier") != NULL;
}
