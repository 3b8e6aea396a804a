/* Shared by the rule files of `check` (not a public header). */
#ifndef SM_CHECK_CTX_H
#define SM_CHECK_CTX_H

#include <stdbool.h>
#include <string.h>

#include "analysis/check.h"

struct check_ctx {
	struct sm_assembly *a;
	struct sm_template *t;
	const json_t *resources;
	bool production;
	struct sm_findings *out;
};

/*
 * A rule function that looks at each resource of one type ("*" for every
 * type). One function may report several rules: the table lists each rule's
 * metadata, with fn NULL (and type "-") for those reported by another entry.
 */
struct resource_rule {
	const struct sm_rule_meta *meta;
	const char *type;
	void (*fn)(struct check_ctx *c, const char *id, const json_t *props, const json_t *res);
};

/* Report a finding of `meta` on resource `id`, at property `prop` (or NULL). */
void check_report(struct check_ctx *c, const struct sm_rule_meta *meta, const char *id,
		  const char *prop, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Property helpers. */
const json_t *jget(const json_t *v, const char *dotted); /* "A.B.C" */
bool jtrue(const json_t *v); /* true or "true" */
const char *jstr(const json_t *v);
/* The logical ID a value refers to ({"Ref": X}, {"Fn::GetAtt": [X, ..]}), or NULL. */
const char *ref_target(const json_t *v);
/* Same, following Fn::ImportValue to the exporting stack: sets *stack (borrowed). */
const char *ref_target_any(struct check_ctx *c, const json_t *v, struct sm_template **stack);
/* True when some resource of `type` anywhere in the assembly has a property
 * (dotted path, arrays searched) referring to (stack t, logical id). */
bool referenced_by(struct check_ctx *c, struct sm_template *t, const char *id, const char *type,
		   const char *prop);
bool is_world(const char *cidr);

extern const struct resource_rule check_rules_s3[], check_rules_rds[], check_rules_ec2[],
	check_rules_iam[], check_rules_logs[], check_rules_edge[], check_rules_ecs[],
	check_rules_misc[];

#endif
