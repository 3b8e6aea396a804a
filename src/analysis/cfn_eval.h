/*
 * A template's values as CloudFormation reads them: Parameters take their
 * Default or one of their AllowedValues, Conditions are evaluated from them
 * (Fn::Equals/And/Or/Not, Condition), Fn::If picks its branch,
 * {"Ref": "AWS::NoValue"} removes the property, Fn::FindInMap with literal
 * keys reads the Mappings, and a resource whose Condition is false is not
 * created.
 *
 * A "world" is one assignment the deployment could take: a value for every
 * parameter that has a known choice and a truth value for every condition.
 * A condition that depends on something unknown (a parameter without Default
 * or AllowedValues, an unknown region) is free: both of its values are
 * reachable. World 0 is the default one (every parameter at its Default).
 *
 * SSM parameter types (AWS::SSM::Parameter::Value<...>) are unknown: their
 * Default is a parameter name, not the value.
 */
#ifndef SM_CFN_EVAL_H
#define SM_CFN_EVAL_H

#include <jansson.h>
#include <stddef.h>

/* At most this many worlds per template (the first ones in enumeration order). */
#define CFN_MAX_WORLDS 32

struct cfn_world {
	json_t *tmpl;	  /* the resolved template (a reference owned by the world) */
	json_t *branches; /* {logicalId: "IsProd=false, Env=prod"}: what decided each
			     resource's values in this world; NULL when nothing did */
};

/*
 * The worlds of `tmpl` (region: the stack's region or NULL). Returns their
 * number (>= 1) and *out (free with cfn_worlds_free). When the template
 * needs no resolution, the one world's tmpl is `tmpl` itself (a new
 * reference) and its branches NULL.
 */
size_t cfn_worlds(json_t *tmpl, const char *region, struct cfn_world **out);
void cfn_worlds_free(struct cfn_world *w, size_t nr);

#endif
