/*
 * Template diff, the way `cdk diff` shows it: per stack, resources added,
 * removed and modified property by property; for each modification whether
 * CloudFormation replaces the resource (the schemas' causesReplacement:
 * 'R' replaces, 'M' may replace; a type change or a new logical ID always
 * does) and, for stateful types, a warning that data is at risk; security
 * changes (IAM statements, security-group rules) listed apart.
 */
#ifndef SM_DIFF_H
#define SM_DIFF_H

#include <jansson.h>
#include <stdbool.h>

#include "analysis/assembly.h"
#include "analysis/schema.h"

struct diff_summary {
	size_t added, removed, modified, replaced, data_at_risk, security;
	size_t iam_rows, sg_rows; /* IAM statements and security-group rules added or removed */
	size_t widening;	  /* of those, added ones with a note (wildcard, internet) */
	size_t other;		  /* Parameters, Conditions, Mappings, Outputs entries changed */
};

/*
 * Compare two assemblies, matching stacks by name. The result is a JSON
 * object {"stacks": [{"stack", "status", "resources": [{"id", "type",
 * "change": added|removed|modified, "replacement": "yes"|"maybe"|"no",
 * "stateful", "dataAtRisk", "changes": [{"path", "old", "new",
 * "replacement"}]}], "security": [...], "iamStatements": [{"change": "+"|"-",
 * "owner", "resource", "effect", "action", "principal", "condition",
 * "note"}], "securityGroupRules": [{"change", "owner", "group", "direction",
 * "protocol", "peer", "note"}], "sections": [{"section": "Parameters"|
 * "Conditions"|"Mappings"|"Outputs", "id", "change", "changes": [...]}]}]}
 * (new reference); counts in `sum`. Changes
 * inside nested values go down to the leaf: the path names it
 * ("Properties.Policies[0].PolicyDocument.Statement[2].Action[1]"), lists
 * aligned so that an inserted element is one change.
 */
json_t *diff_assemblies(struct sm_assembly *old_a, struct sm_assembly *new_a,
			struct cfn_schema *schema, struct diff_summary *sum);

/*
 * The IAM statements and security-group rules of two templates (either may
 * be NULL) that one has and the other not, as the rows above (new arrays).
 */
void diff_security_tables(const json_t *old_tmpl, const json_t *new_tmpl, json_t **iam_out,
			  json_t **sg_out);

/* Those rows as cdk diff's two tables, appended to `out` (nothing when there are none). */
struct strbuf;
void diff_security_write(struct strbuf *out, const json_t *iam, const json_t *sg, bool color);

/* Text like `cdk diff`; colour when `color`. */
void diff_print(FILE *out, const json_t *diff, bool color);

#endif
