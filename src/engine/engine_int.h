/* Engine internals shared by the engine's own files; not a public header. */
#ifndef SM_ENGINE_INT_H
#define SM_ENGINE_INT_H

#include "engine/engine.h"

struct sm_tag {
	char *key;
	char *value;
};

struct sm_resource {
	struct sm_stack *stack;
	char *id;	/* sanitized logical ID */
	char *given_id; /* as the caller wrote it (for messages) */
	char *type;
	json_t *props;	  /* object */
	json_t *metadata; /* object or NULL */
	char **depends_on;
	size_t depends_nr, depends_alloc;
	char *deletion_policy;
	char *update_replace_policy;
	char *condition;
	bool skip_tags;
	/* the inner objects of the tokens that refer to this resource (shared) */
	json_t *ref_target;
	struct sm_att_target {
		char *attr;
		json_t *target;
	} * att;
	size_t att_nr, att_alloc;
};

struct sm_output {
	char *name;
	json_t *value;
	char *description;
	char *export_name;
};

struct sm_cross_region {
	char *parameter;      /* parameter name in the consumer */
	char *producer_stack; /* stack whose output fills it */
	char *output;	      /* output name in the producer */
};

struct sm_stack {
	struct sm_app *app;
	char *name;
	char *account, *region, *description;
	bool termination_protection;
	struct sm_resource **resources;
	size_t res_nr, res_alloc;
	json_t *parameters, *conditions, *mappings; /* objects */
	json_t *transforms;			    /* array of macro names, each once */
	json_t *lookups;       /* array of {"parameter", "lookup", ...}: deploy-time values */
	json_t *manifest_meta; /* array of {type, data}: the artifact's metadata */
	struct sm_output *outputs;
	size_t out_nr, out_alloc;
	struct sm_tag *tags;
	size_t tag_nr, tag_alloc;
	struct sm_stack **deps; /* explicit + from references */
	size_t dep_nr, dep_alloc;
	struct sm_cross_region *xr;
	size_t xr_nr, xr_alloc;
	/*
	 * Outputs and parameters the engine generated for references from other
	 * stacks. Kept across resolutions: resolution replaces tokens in place,
	 * so a second one would not see them again.
	 */
	json_t *gen_outputs, *gen_params;
	json_t *template; /* after resolve */
};

struct sm_app {
	struct sm_stack **stacks;
	size_t stack_nr, stack_alloc;
	struct sm_tag *tags;
	size_t tag_nr, tag_alloc;
	bool resolved;
	const char *(*nag_ids_of)(const char *rule_id); /* NULL: no rule catalog */
};

/* Token markers (never reach a template: resolve replaces them). */
#define SM_TOKEN_KEY "Fn::SolemateToken"
/* A json_pack that failed (pack.c): {SM_PACK_ERROR_KEY: "the message"}; resolve reports it. */
#define SM_PACK_ERROR_KEY "Fn::SolematePackError"
/* The message of such a marker (also one a caller set other keys on), or NULL when `v` is none. */
const char *sm_pack_error(const json_t *v);
/* A new marker with message `msg`: the one way to make one (sm_pack_error looks for
 * markers only once one was made). */
json_t *sm_pack_error_new(const char *msg);

/*
 * jansson checks every string and key it is given for UTF-8, byte by byte:
 * most of what resolution spent in json_string. ASCII needs no check, and
 * the engine's strings (IDs, names, intrinsics' keys) are ASCII; any other
 * string still goes through jansson's check (pack.c).
 */
bool sm_ascii(const char *s, size_t n);
json_t *sm_string(const char *s);
int sm_object_set_new(json_t *o, const char *key, json_t *v);
#define json_string(s) sm_string(s)
#define json_object_set_new(o, k, v) sm_object_set_new(o, k, v)

/* How a resource type takes tags (taggable.c). */
/*
 * LIST: [{"Key", "Value"}]; MAP: {key: value}; ASG: LIST with
 * "PropagateAtLaunch" (AWS::AutoScaling::AutoScalingGroup's TagProperty).
 */
enum sm_tag_style { SM_TAGS_NONE, SM_TAGS_LIST, SM_TAGS_MAP, SM_TAGS_ASG };
enum sm_tag_style sm_tag_style_of(const char *type, const char **prop_name);

void sm_add_tag(struct sm_tag **tags, size_t *nr, size_t *alloc, const char *k, const char *v);
char *sm_sanitize_id(const char *given);
void sm_stack_add_dep_unique(struct sm_stack *s, struct sm_stack *on);

#endif
