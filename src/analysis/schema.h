/*
 * The CloudFormation registry schemas, in the compact form of
 * data/cfn-schema.txt (scripts/refresh-schema.py documents it). Loading reads
 * the file; a record is found by a binary search over its bytes (the lines are
 * in order: header, R by type, T by numeric id, X by type) and parsed only
 * when first asked for, so a run pays for the types its templates use.
 *
 * Property type codes: s string, i integer, n number, b boolean, j json,
 * t tag, d date-time, [X array, {X map, #ID property type, (X|Y) union;
 * preceded by flags r (required), R (replaces), M (may replace).
 */
#ifndef SM_SCHEMA_H
#define SM_SCHEMA_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>

#include "base/diag.h"

struct cfn_schema;

/*
 * Load from `path`, or when NULL from $SOLEMATE_DATA/cfn-schema.txt, the
 * data/ directory beside the executable's parent, or ./data. NULL + diag.
 */
struct cfn_schema *cfn_schema_load(const char *path, struct diag_list *dl);
void cfn_schema_free(struct cfn_schema *s);
/* "@aws-cdk/aws-service-spec 0.1.216" (borrowed). */
const char *cfn_schema_source(const struct cfn_schema *s);

/* {"p": {name: code}, "a": [attributes], "s": 1 if stateful, "t": tag prop} or NULL. */
const json_t *cfn_schema_resource(struct cfn_schema *s, const char *type);
/* {"n": name, "p": {name: code}} of property type `id`, or NULL. */
/*
 * cfn-lint's extension rules for `type` (X lines, scripts/schema_rules.py):
 * an array of {"id": "E3501", "d": description, "at": [path], "s": schema},
 * or NULL. Borrowed, like the records.
 */
const json_t *cfn_schema_extension_rules(struct cfn_schema *s, const char *type);
const json_t *cfn_schema_property_type(struct cfn_schema *s, const char *id);
/* The known resource type closest to `type` (for "did you mean"), or NULL. */
const char *cfn_schema_closest_type(struct cfn_schema *s, const char *type);
/*
 * The one stateful predicate (diff's DATA AT RISK, the deploy plan's
 * approval, deploy's change table): the registry schema's isStateful
 * (buckets, databases, keys, log groups, secrets, queues, ...). False
 * for an unknown type, a NULL schema or type.
 */
bool cfn_schema_is_stateful(struct cfn_schema *s, const char *type);
/* 'R' (replaces), 'M' (may replace) or 0 for property `prop` of `type`. */
char cfn_schema_replacement(struct cfn_schema *s, const char *type, const char *prop);

/* `ere` (a POSIX extended regex of the data) compiled, cached for the schema's
 * life; NULL when it does not compile. */
const regex_t *cfn_schema_regex(struct cfn_schema *s, const char *ere);
/* Whether `text` matches `ere` (1) or not (0), each pair tried once for the
 * schema's life; -1 when `ere` is NULL or does not compile. */
int cfn_schema_match(struct cfn_schema *s, const char *ere, const char *text);

/* The closest of `candidates` (a JSON object's keys) to `name`, or NULL. */
const char *cfn_closest_key(const json_t *candidates, const char *name);

#endif
