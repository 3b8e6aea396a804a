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
/* True when parameter `name` of `tmpl` is declared NoEcho. */
bool secret_parameter(const json_t *tmpl, const char *name);

/*
 * The secret strings of `tmpl`, as a set (a JSON object whose keys are the
 * strings; new reference): the Default and AllowedValues of NoEcho
 * parameters, and every string inside a property secret_property() names
 * (dynamic references, {{resolve:...}}, are not secrets). Any output that
 * prints text taken from a template masks these with secret_mask_text(), so
 * that a secret copied into a tag, a description, a Metadata entry or an
 * Output, or chosen as a parameter value by check's worlds, never shows.
 * CloudFormation itself does not mask those ("Using the NoEcho attribute does
 * not mask any information stored in the following: the Metadata template
 * section, the Outputs template section, the Metadata attribute of a resource
 * definition",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
 */
json_t *secret_strings(const json_t *tmpl);
/* Add the secret strings of `tmpl` to `set` (a set as above). */
void secret_strings_add(json_t *set, const json_t *tmpl);
/*
 * `text` with each occurrence of a string of `set` replaced by SECRET_MASK
 * (longest first), as a new string; NULL when none occurs. Strings shorter
 * than SECRET_MIN_LEN are left alone: masking every "a" of a message would
 * hide the message, not a secret.
 */
#define SECRET_MIN_LEN 4
char *secret_mask_text(const json_t *set, const char *text);
/* secret_mask_text() in place on a malloc'ed string. */
void secret_mask_inplace(const json_t *set, char **text);

#endif
