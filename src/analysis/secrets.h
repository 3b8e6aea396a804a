/*
 * The properties that hold a secret, so that no output prints one: the
 * report's inventory (HTML and JSON) and `diff` show SECRET_MASK instead.
 * `cdk diff` prints old and new passwords; we do not.
 */
#ifndef SM_SECRETS_H
#define SM_SECRETS_H

#include <jansson.h>
#include <stdbool.h>

#define SECRET_MASK "(secret)"

/* True when top-level property `prop` of a resource of `type` holds a secret. */
bool secret_property(const char *type, const char *prop);
/*
 * True when `v` is, or contains, a Ref to a parameter of `tmpl` declared
 * NoEcho (CloudFormation masks those in its own answers, and so do we).
 */
bool secret_value(const json_t *tmpl, const json_t *v);

#endif
