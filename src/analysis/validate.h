/*
 * `solemate validate`: templates against the CloudFormation registry
 * schemas and CloudFormation's own rules, before anything is deployed.
 *
 * Checks: resource types; properties (unknown, missing required, wrong
 * type, recursively into property types); Ref, Fn::GetAtt (the attribute
 * must exist for the type), Fn::Sub variables, DependsOn and Condition
 * targets; dependency cycles; the limits (500 resources, 200 parameters,
 * outputs and mappings, logical IDs, 1 MB, and a warning above the 51,200
 * bytes that must go through S3); exports duplicated in a region and imports
 * of exports no stack provides. Problems go to `dl` with the file, the
 * logical ID and the property path (line and column when read from disk).
 */
#ifndef SM_VALIDATE_H
#define SM_VALIDATE_H

#include "analysis/assembly.h"
#include "analysis/schema.h"
#include "base/cfn_limits.h"
#include "base/diag.h"

/* 0 when no error (warnings allowed), -1 otherwise. */
int validate_assembly(struct sm_assembly *a, struct cfn_schema *schema, struct diag_list *dl);
/*
 * The same, and the quantities a cost estimate reads checked on the way
 * (cost_check_quantities' errors, in its order, to `quantities`): the
 * cycle check walks every property already.
 */
int validate_assembly_quantities(struct sm_assembly *a, struct cfn_schema *schema,
				 struct diag_list *dl, struct diag_list *quantities);

#endif
