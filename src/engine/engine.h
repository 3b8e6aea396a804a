/*
 * The engine: an app holds stacks, a stack holds resources, parameters,
 * conditions, mappings and outputs; synthesis turns the tree into
 * CloudFormation templates and a cloud assembly. Nothing here knows SoleMate.
 *
 * Ownership: the app owns every stack and resource it creates; sm_app_free()
 * releases the whole tree. Functions that take a `json_t *` argument STEAL
 * the reference (like json_object_set_new), so helpers nest naturally:
 *
 *     sm_resource_set(r, "VpcId", sm_ref(vpc));
 *     sm_resource_set(r, "CidrBlock", sm_fn_select(0, sm_fn_cidr(...)));
 *
 * Functions that return `json_t *` return a new reference the caller owns.
 *
 * References: sm_ref() and sm_getatt() return *tokens* that remember which
 * stack the target lives in. At synthesis a token placed in the same stack
 * becomes {"Ref": id} / {"Fn::GetAtt": [id, attr]}; placed in another stack of
 * the same region it becomes an Fn::ImportValue of an Export the engine adds
 * to the producer (name "<Producer>:ExportsOutput<Ref|FnGetAtt><Id><Attr>"),
 * and the consumer stack depends on the producer. A token crossing regions
 * (Fn::ImportValue cannot) becomes a String parameter of the consumer, filled
 * at deploy time from an Output of the producer; the manifest records where
 * each such parameter comes from (metadata type "solemate:cross-region-ref").
 *
 * Logical IDs are given by the caller, readable and stable; characters other
 * than [A-Za-z0-9] are dropped. A duplicate ID in one stack, an empty one or
 * one longer than 255 characters is an error at synthesis, never a rename:
 * adding or removing a resource never changes another's ID.
 */
#ifndef SM_ENGINE_H
#define SM_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/cfn_limits.h"
#include "base/diag.h"

struct sm_app;
struct sm_stack;
struct sm_resource;

/* ---- app ---- */

struct sm_app *sm_app_new(void);
void sm_app_free(struct sm_app *app);
/* Tags applied at synthesis to every resource whose type takes tags. */
void sm_app_add_tag(struct sm_app *app, const char *key, const char *value);
size_t sm_app_stack_count(const struct sm_app *app);
/*
 * Drop stacks that hold no resource and no output, and that no other stack
 * depends on (CloudFormation refuses a template without resources).
 */
void sm_app_remove_empty_stacks(struct sm_app *app);
struct sm_stack *sm_app_stack_at(const struct sm_app *app, size_t i);
struct sm_stack *sm_app_find_stack(const struct sm_app *app, const char *name);

/* ---- stacks ---- */

struct sm_stack_props {
	const char *account; /* NULL: environment-agnostic ("unknown-account") */
	const char *region;  /* NULL: environment-agnostic ("unknown-region") */
	const char *description;
	bool termination_protection;
};

struct sm_stack *sm_stack_new(struct sm_app *app, const char *name,
			      const struct sm_stack_props *props);
const char *sm_stack_name(const struct sm_stack *s);
const char *sm_stack_account(const struct sm_stack *s); /* may be NULL */
const char *sm_stack_region(const struct sm_stack *s);	/* may be NULL */
bool sm_stack_termination_protection(const struct sm_stack *s);
/* The deploy-time lookups of sm_stack_add_lookup_parameter: [{"parameter", "lookup", ...}]. */
const json_t *sm_stack_lookups(const struct sm_stack *s);
struct sm_app *sm_stack_app(const struct sm_stack *s);
void sm_stack_add_dependency(struct sm_stack *s, struct sm_stack *on);
/* Tags only for this stack's resources (on top of the app's). */
void sm_stack_add_tag(struct sm_stack *s, const char *key, const char *value);
size_t sm_stack_resource_count(const struct sm_stack *s);
/* The i-th resource added to `s` (i < sm_stack_resource_count). */
struct sm_resource *sm_stack_resource_at(const struct sm_stack *s, size_t i);

/* A template parameter; returns {"Ref": name}. `def` is the parameter body. */
json_t *sm_stack_add_parameter(struct sm_stack *s, const char *name, json_t *def);
/* A condition; returns {"Condition": name} for use inside Fn::And/Or/Not. */
json_t *sm_stack_add_condition(struct sm_stack *s, const char *name, json_t *expr);
void sm_stack_add_mapping(struct sm_stack *s, const char *name, json_t *map);
/*
 * A macro CloudFormation runs on the template before it creates anything
 * (the template's Transform section), e.g. "AWS::SecretsManager-2024-09-16"
 * for a RotationSchedule's HostedRotationLambda. Added once however often asked.
 */
void sm_stack_add_transform(struct sm_stack *s, const char *name);
/*
 * A template parameter whose value only the account can tell, looked up at
 * deploy time (the manifest's "solemate:lookup" metadata, which `deploy`
 * reads): `lookup` (owned) says what to ask, e.g. {"lookup":
 * "ec2:managed-prefix-list", "name": "com.amazonaws.global.cloudfront.origin-facing"}.
 * `def` is the parameter body. Returns {"Ref": name}.
 */
json_t *sm_stack_add_lookup_parameter(struct sm_stack *s, const char *name, json_t *def,
				      json_t *lookup);
/*
 * The lookups `deploy` knows (lifecycle/deploy.c lookup_value), each a
 * String parameter `name`; both return {"Ref": name}:
 *
 * sm_stack_add_prefix_list_parameter: the ID ("pl-...") of the AWS-managed
 * prefix list `list` ("com.amazonaws.global.cloudfront.origin-facing") in
 * the stack's region, where IDs differ per region. `description` NULL:
 * "ID of the managed prefix list <list> (solemate deploy looks it up)".
 *
 * sm_stack_add_output_parameter: the output `output` of the stack
 * `producer`, which may not be deployed yet: the parameter is "" until it
 * is (and deploy runs this stack again once it is); `pattern` is the
 * parameter's AllowedPattern (NULL: none).
 */
json_t *sm_stack_add_prefix_list_parameter(struct sm_stack *s, const char *name, const char *list,
					   const char *description);
json_t *sm_stack_add_output_parameter(struct sm_stack *s, const char *name, const char *producer,
				      const char *output, const char *pattern,
				      const char *description);
/*
 * An entry {type, data} of the stack's metadata in the cloud assembly's
 * manifest (artifacts.<stack>.metadata["/<stack>"]), for the tools that read
 * the assembly (never the template). `data` is stolen and holds no tokens.
 */
void sm_stack_add_manifest_metadata(struct sm_stack *s, const char *type, json_t *data);
/* An output; `export_name` may be NULL. `value` may hold tokens. */
void sm_stack_add_output(struct sm_stack *s, const char *name, json_t *value,
			 const char *description, const char *export_name);

/* ---- building values ---- */

/*
 * json_pack that fails loudly. jansson's json_pack returns NULL on a NULL
 * string or value (a configuration value left unset), and a NULL handed on
 * as Properties silently became {}: MultiAZ and EngineVersion vanished and
 * validate passed the template. sm_pack_at returns instead a marker that
 * sm_app_resolve() reports as an error naming the stack, the resource, the
 * key ("MasterUserSecret.KmsKeyId"), the format and the caller's file and
 * line; synthesis then fails. Every json_pack of the files that include
 * this header (the engine, the constructs, the app) goes through it.
 */
json_t *sm_pack_at(const char *file, int line, const char *fmt, ...);
#define json_pack(...) sm_pack_at(__FILE__, __LINE__, __VA_ARGS__)
/*
 * The same marker for a value a builder cannot make (two values for one IAM
 * condition key): synthesis fails with `msg`, naming where the marker sits.
 */
json_t *sm_value_error(const char *msg);
/*
 * Values built from parts (stolen) that fail the same way: a NULL part (a
 * value that could not be built, a required prop left unset) becomes the
 * marker that fails the synthesis naming its key ("Distribution") or its
 * place in the list ("[1]") and the caller's file and line, never a
 * shorter list or a missing key.
 *
 *   sm_list(a, b)                        [a, b]
 *   sm_object("Alb", a, "Db", b, NULL)   {"Alb": a, "Db": b}, keys in order
 *   sm_object_set(obj, "Key", v)         obj["Key"] = v
 *   sm_strings("a", "b", NULL)           ["a", "b"] (up to the first NULL)
 */
json_t *sm_list_at(const char *file, int line, size_t n, ...);
#define sm_list(...)                                                                               \
	sm_list_at(__FILE__, __LINE__, sizeof((json_t *[]){__VA_ARGS__}) / sizeof(json_t *),       \
		   __VA_ARGS__)
json_t *sm_object_at(const char *file, int line, const char *key, ...) __attribute__((sentinel));
#define sm_object(...) sm_object_at(__FILE__, __LINE__, __VA_ARGS__)
void sm_object_set_at(const char *file, int line, json_t *obj, const char *key, json_t *value);
#define sm_object_set(obj, key, value) sm_object_set_at(__FILE__, __LINE__, obj, key, value)
json_t *sm_strings(const char *first, ...) __attribute__((sentinel));

/* ---- resources ---- */

/* `props` may be NULL (no properties yet); it is stolen. */
struct sm_resource *sm_resource_new(struct sm_stack *s, const char *logical_id, const char *type,
				    json_t *props);
/* The resource with (sanitized) logical ID `id` in stack `s`, or NULL. */
struct sm_resource *sm_stack_find_resource(const struct sm_stack *s, const char *id);
const char *sm_resource_id(const struct sm_resource *r);
const char *sm_resource_type(const struct sm_resource *r);
struct sm_stack *sm_resource_stack(const struct sm_resource *r);
/* The properties object (borrowed; never NULL). */
json_t *sm_resource_props(struct sm_resource *r);
void sm_resource_set(struct sm_resource *r, const char *key, json_t *value);
void sm_resource_depends_on(struct sm_resource *r, const struct sm_resource *on);
/* "Delete", "Retain", "RetainExceptOnCreate" or "Snapshot". */
void sm_resource_set_deletion_policy(struct sm_resource *r, const char *policy);
void sm_resource_set_update_replace_policy(struct sm_resource *r, const char *policy);
void sm_resource_set_condition(struct sm_resource *r, const char *condition);
void sm_resource_set_metadata(struct sm_resource *r, const char *key, json_t *value);
/* Do not add the app's and stack's tags to this resource. */
void sm_resource_skip_tags(struct sm_resource *r);
/*
 * Record an accepted finding in cdk-nag's format:
 * Metadata.cdk_nag.rules_to_suppress[] = {id, reason}. A reason is required.
 */
void sm_resource_suppress(struct sm_resource *r, const char *rule_id, const char *reason);
/*
 * The same, with the entry's "expires" (a date "YYYY-MM-DD" after which the
 * finding counts again; NULL: none) and "source" (where the acceptance was
 * written, e.g. a configuration file's name; NULL: the code) when given.
 */
void sm_resource_suppress_until(struct sm_resource *r, const char *rule_id, const char *reason,
				const char *expires, const char *source);
/*
 * An accepted finding of rule `rule_id` ("SM-IAM-002"): the entry under
 * that ID (check honours it), then one under each of `nag_ids`, the
 * space-separated cdk-nag IDs the rule answers to (cdk-nag honours those;
 * NULL or "": none), each once per resource and reason.
 */
void sm_resource_accept_as(struct sm_resource *r, const char *rule_id, const char *nag_ids,
			   const char *reason, const char *expires, const char *source);
/*
 * The rules findings are accepted by (sm_resource_accept): `nag_ids_of`
 * gives the cdk-nag IDs a rule answers to ("" for none), or NULL for an ID
 * that names no rule. The engine knows no rule: the command hands it the
 * check rules' table (an analysis, a layer above).
 */
void sm_app_set_rule_catalog(struct sm_app *app, const char *(*nag_ids_of)(const char *rule_id));
/*
 * Accept a finding of our rule `rule_id` on `r`, with `reason`: the entry
 * under our ID, expanded into the cdk-nag IDs the app's rule catalog gives.
 * A rule the catalog does not know fails the synthesis naming it; without a
 * catalog, the entry under our ID alone.
 */
void sm_resource_accept(struct sm_resource *r, const char *rule_id, const char *reason);

/* ---- references (tokens) ---- */

/*
 * NULL for a NULL resource (a construct's required prop left unset): packed
 * into a value, it fails the synthesis naming the key (sm_pack_at).
 */
json_t *sm_ref(const struct sm_resource *r);
json_t *sm_getatt(const struct sm_resource *r, const char *attribute);

/* ---- intrinsic functions (arguments stolen) ---- */

json_t *sm_ref_name(const char *name); /* {"Ref": name}: parameters, pseudo parameters */
json_t *sm_fn_getatt_name(const char *logical_id, const char *attribute);
json_t *sm_fn_sub(const char *fmt);
json_t *sm_fn_sub_vars(const char *fmt, json_t *vars); /* vars: object of name -> value */
json_t *sm_fn_join(const char *delimiter, json_t *list);
json_t *sm_fn_select(int index, json_t *list);
json_t *sm_fn_split(const char *delimiter, json_t *source);
json_t *sm_fn_getazs(const char *region); /* "" or NULL: the stack's region */
json_t *sm_fn_cidr(json_t *ip_block, int count, int cidr_bits);
json_t *sm_fn_import_value(json_t *name);
json_t *sm_fn_if(const char *condition, json_t *if_true, json_t *if_false);
json_t *sm_fn_equals(json_t *a, json_t *b);
json_t *sm_fn_and(json_t *conditions);
json_t *sm_fn_or(json_t *conditions);
json_t *sm_fn_not(json_t *condition);
json_t *sm_fn_base64(json_t *value);
json_t *sm_fn_find_in_map(const char *map, json_t *top_key, json_t *second_key);
json_t *sm_fn_length(json_t *list);
json_t *sm_fn_to_json_string(json_t *value);
json_t *sm_no_value(void); /* {"Ref": "AWS::NoValue"} */

/* Pseudo parameters. */
json_t *sm_aws_account_id(void);
json_t *sm_aws_region(void);
json_t *sm_aws_partition(void);
json_t *sm_aws_stack_name(void);
json_t *sm_aws_stack_id(void);
/*
 * The first group of the stack ID's UUID (8 hex digits), an expression: the
 * same for the life of one stack, different for every stack created under
 * the same name. A physical name that outlives its stack (DeletionPolicy
 * Retain) carries it, so that the stack can be created again after a
 * deletion: the retained resource keeps the old name.
 */
json_t *sm_stack_instance_id(void);
/* "<prefix>-<sm_stack_instance_id()>", an expression (Fn::Join). */
json_t *sm_stack_unique_name(const char *prefix);
json_t *sm_aws_url_suffix(void);
json_t *sm_aws_notification_arns(void);

/* ---- synthesis ---- */

enum sm_format { SM_FORMAT_JSON, SM_FORMAT_YAML };

/*
 * Resolve tokens, add exports/imports and stack dependencies, apply tags and
 * check logical IDs and limits. Idempotent; errors go to `dl`. 0 or -1.
 */
int sm_app_resolve(struct sm_app *app, struct diag_list *dl);
/* The stack's template after sm_app_resolve() (borrowed; NULL before). */
const json_t *sm_stack_template(const struct sm_stack *s);
/* Stacks this one depends on, after resolution. */
size_t sm_stack_dependency_count(const struct sm_stack *s);
const struct sm_stack *sm_stack_dependency_at(const struct sm_stack *s, size_t i);
/* Manifest of the cloud assembly (new reference), after resolution. */
json_t *sm_app_manifest(const struct sm_app *app, enum sm_format fmt);
/*
 * Resolve (unless the app is resolved and unchanged through this API since;
 * after editing a sm_resource_props() object directly, call sm_app_resolve()
 * yourself), then write the cloud assembly to `outdir` (manifest.json, cdk.out,
 * one <Stack>.template.json|yaml per stack) atomically: the directory is built
 * beside `outdir` and swapped in only when complete. 0 on success, -1 + diag
 * on failure, -2 + diag when `outdir` holds something that is not ours to
 * replace: it must be missing, an empty directory, or a cloud assembly (a
 * manifest.json with a "version", ours or the CDK's); a symbolic link, a
 * file or any other directory is refused and left as it was. Leftover
 * `outdir`.tmp-XXXXXX directories of killed runs are removed.
 */
int sm_app_synth(struct sm_app *app, const char *outdir, enum sm_format fmt, struct diag_list *dl);

#endif
