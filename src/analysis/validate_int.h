/*
 * Internals shared by the validate modules (validate*.c): the context of one
 * template's validation and the helpers that report against it. Not part of
 * the library's contract; validate.h is.
 */
#ifndef SM_VALIDATE_INT_H
#define SM_VALIDATE_INT_H

#include <jansson.h>
#include <stdbool.h>

#include "analysis/validate.h"
#include "base/strbuf.h"

struct cfn_world;

struct vctx {
	struct sm_template *t;
	struct cfn_schema *schema;
	struct diag_list *dl;
	const json_t *tmpl; /* the template as checked: t->tmpl, or its expansion */
	const json_t *resources, *parameters, *conditions, *mappings;
	json_t *implied;	  /* logical ID -> type of resources a transform adds (owned) */
	json_t *secrets;	  /* secret_strings() of the template, masked in messages (owned) */
	struct vd_named *named;	  /* resources that set their primary identifier (owned) */
	struct cfn_world *worlds; /* vd_worlds(), computed when first asked for (owned) */
	size_t worlds_nr;
	int has_modules; /* 0 not known yet, 1 no *::MODULE resource, 2 some */
	size_t named_nr, named_cap;
	/* cost_quantity_bad's errors, checked by the cycle check's walk; NULL: not checked */
	struct diag_list *quantities;
	/* the Fn::ImportValue names of each resource's Properties, an array a resource
	 * in Resources order, gathered by the cycle check's walk for check_exports;
	 * NULL: not gathered */
	json_t *imports;
	int errors;
};

/* Append ".k" or "[i]" to a property path. */
void vd_path_key(struct strbuf *p, const char *k);
void vd_path_index(struct strbuf *p, size_t i);

/*
 * A path written only when it is asked for (a walk visits every key, a
 * finding needs the path of a few): the walk keeps a chain of segments on
 * the stack, a key or an index each, and vd_lpath_str writes into `sb` the
 * segments of the chain not yet written; leaving a segment (vd_lpath_pop)
 * takes back what was written of it. Building the string at every key was
 * a fifth of the intrinsics walk.
 */
struct vd_seg {
	struct vd_seg *up;
	const char *key; /* NULL: an array element */
	size_t index;
	size_t depth;	   /* 1 + up's (0: the path the walk began with) */
	size_t len_before; /* sb's length before this segment, once written */
};
struct vd_lpath {
	struct strbuf *sb; /* the path the walk began with, then the segments written */
	size_t written;	   /* segments of the current chain in sb */
};
/* The path at `top` (NULL: the one the walk began with), valid until the next call. */
const char *vd_lpath_str(struct vd_lpath *lp, struct vd_seg *top);
void vd_lpath_pop(struct vd_lpath *lp, const struct vd_seg *s);

/*
 * What a property belongs to, for messages: "AWS::S3::Bucket" then
 * ".BucketEncryption" and so on down the property types, as a chain of
 * names formatted only when there is something to report.
 */
struct what {
	const struct what *parent;
	const char *name;
};
char *vd_what_str(const struct what *w); /* malloc'd */

/* Add a diagnostic at `path` (line and column looked up); counts errors. */
__attribute__((format(printf, 4, 5))) struct diag *
vd_report(struct vctx *c, enum diag_severity sev, const char *path, const char *fmt, ...);

bool vd_is_pseudo(const char *n);
/* A one-key object Ref, Fn::*, or Condition. */
bool vd_is_intrinsic(const json_t *v);
/* {"Ref": "AWS::NoValue"} */
bool vd_is_no_value(const json_t *v);
/* A resource of the template, one a transform implies, or one of a module it uses. */
bool vd_is_resource(struct vctx *c, const char *n);
/* The type of resource `n` (declared or implied), or NULL. */
const char *vd_resource_type(struct vctx *c, const char *n);

/*
 * The parts of a schema record ({"p": ..., "c": ..., "rx": ...}) validate
 * reads, found in one pass over its few keys rather than hashed one by one
 * for every object of every template.
 */
struct vd_rec {
	const json_t *p, *c, *rx, *ro, *ra, *dr, *dx;
};
void vd_rec_parts(const json_t *rec, struct vd_rec *out);

/* validate_props.c: `v` against record `rec` ({"p": ..., "c": ...}). */
void vd_check_object_props(struct vctx *c, const json_t *rec, const json_t *v, struct strbuf *path,
			   const struct what *w);

/* validate_values.c: the value constraints `cons` ({"e":..., "p":..., ...}) on `v`;
 * the relations of record `rec` ("rx", "ro", "ra", "dr", "dx") between `obj`'s keys. */
void vd_check_constraints(struct vctx *c, const json_t *cons, const json_t *v, struct strbuf *path);
void vd_check_relations(struct vctx *c, const struct vd_rec *rec, const json_t *obj,
			const char *path, const struct what *w);

/* validate_fn.c: false (and reported) when `arg` is not what function `fn` takes. */
bool vd_check_fn_shape(struct vctx *c, const char *fn, const json_t *arg, const char *path);
/* "${Name}" naming a parameter, resource or pseudo parameter outside Fn::Sub. */
void vd_check_literal_sub(struct vctx *c, const char *s, const char *path);

/* validate_fn.c: a dynamic reference to a secret outside resource properties. */
void vd_check_secret_refs(struct vctx *c);

/* validate_params.c: the Parameters section, unique logical IDs; the shape of
 * each condition of the Conditions section. */
void vd_check_parameters(struct vctx *c);
void vd_check_conditions(struct vctx *c);
/* The Mappings and Rules sections' shapes; an Fn::FindInMap's literal names. */
void vd_check_mappings(struct vctx *c);
void vd_check_rules(struct vctx *c);
void vd_check_findinmap(struct vctx *c, const json_t *args, const char *path);

/* validate_iam.c: the policy documents among `props` of a resource of `type`. */
void vd_check_policies(struct vctx *c, const char *type, const json_t *props, struct strbuf *path);

/* validate_facts.c: what particular services refuse (DynamoDB keys, Lambda
 * runtimes, Route 53 records, Backup lifecycles). */
void vd_check_facts(struct vctx *c, const char *type, const json_t *props, struct strbuf *path);
void vd_check_runtime(struct vctx *c, const char *rt, struct strbuf *path, bool from_globals);
/* ElastiCache replication groups against their parameter group, in every world (cfn_eval.h). */
void vd_check_elasticache(struct vctx *c);
/* E3019: vd_note_named for each resource as it is checked, then vd_check_unique_ids. */
void vd_note_named(struct vctx *c, const char *id, const char *type, const json_t *sch,
		   const json_t *r, const json_t *props);
void vd_check_unique_ids(struct vctx *c);

/* validate_pairs.c: two properties that must agree (Auto Scaling sizes, a record set in its zone).
 */
void vd_check_pairs(struct vctx *c, const char *type, const json_t *props, struct strbuf *path);

/* validate_ext.c: cfn-lint's extension rules (if/then relations) on resource `id`, `r`. */
void vd_check_extensions(struct vctx *c, const char *id, const char *type, const json_t *r);

/* validate_nested.c: Parameters passed to a nested stack whose template is a local file. */
void vd_check_nested(struct vctx *c, const char *type, const json_t *props, struct strbuf *path);

/* validate_values.c: the worlds of the template (cfn_eval.h), computed once. */
const struct cfn_world *vd_worlds(struct vctx *c, size_t *nr);
/* validate_values.c: a number or a string that is one. */
bool vd_number(const json_t *v, double *d);

/* validate_refs.c */
void vd_walk_intrinsics(struct vctx *c, const json_t *v, struct strbuf *path);
void vd_check_cycles(struct vctx *c);
/* Conditions that refer to each other in a loop. */
void vd_check_condition_cycles(struct vctx *c);

/* validate_transform.c */
bool vd_has_transform(const json_t *tmpl, const char *name);
/* The template with its Fn::ForEach loops expanded (new reference); loops whose
 * collection is not known before deploy are kept and counted in *unknown. */
json_t *vd_expand_foreach(const json_t *tmpl, int *unknown);
/* Logical ID -> type of the resources SAM generates that a template may name. */
json_t *vd_sam_implied(const json_t *resources);
/* The CloudFormation type a SAM type becomes (AWS::Serverless::Function ->
 * AWS::Lambda::Function), or NULL. */
const char *vd_sam_cfn_type(const char *type);
/* A SAM type without schema data (Connector, GraphQLApi): true, and its required
 * properties checked, when `type` is one. */
bool vd_sam_check_unschemed(struct vctx *c, const char *type, const json_t *r, const char *path);
/* A SAM resource `r` of `type` (schema record `sch`) at "Resources.Id". */
void vd_check_sam_resource(struct vctx *c, const char *type, const json_t *r, const json_t *sch,
			   const char *path);

#endif
