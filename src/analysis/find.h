/*
 * Finding resources of an assembly by type, a predicate on their
 * properties and a region: the first match, or how many. Used by the
 * analyses that read a few known resources (latency.c, slo_tiers.c).
 */
#ifndef SM_ANALYSIS_FIND_H
#define SM_ANALYSIS_FIND_H

#include <jansson.h>
#include <stdbool.h>

#include "analysis/assembly.h"

struct sm_found {
	const struct sm_template *t; /* the template holding it */
	const char *id;		     /* its logical ID */
	const json_t *props;	     /* its Properties (may be NULL) */
};

/* A predicate on a resource's Properties; NULL matches every resource. */
typedef bool (*sm_find_want)(const json_t *props);

/*
 * The first resource of `type` for which `want` holds, in `region` (NULL:
 * any; a template without a region matches any), in assembly order: true
 * and *out set, or false.
 */
bool sm_find_resource(const struct sm_assembly *a, const char *type, sm_find_want want,
		      const char *region, struct sm_found *out);
/* How many there are. */
int sm_count_resources(const struct sm_assembly *a, const char *type, sm_find_want want,
		       const char *region);
/* AWS::RDS::DBInstance predicates: a primary (it replicates nothing), a read replica. */
bool sm_want_primary_db(const json_t *props);
bool sm_want_replica_db(const json_t *props);

/* "Stack/LogicalId" of a found resource; caller frees. */
char *sm_found_name(const struct sm_found *f);

#endif
