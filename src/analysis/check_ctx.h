/* Shared by the rule files of `check` (not a public header). */
#ifndef SM_CHECK_CTX_H
#define SM_CHECK_CTX_H

#include <stdbool.h>
#include <string.h>

#include "analysis/check.h"

struct pg_versions;
struct cfn_schema;

/* A resource found by type: its template, logical ID and body (borrowed), its place in the
 * template's Resources (0 for the first written). */
struct typed_res {
	struct sm_template *t;
	const char *id;
	const json_t *res;
	size_t pos;
};

/* The resources of the assembly by type, as the templates are now (see resources_of_type). */
struct type_index {
	json_t **from; /* each template's tmpl when built: stale once one differs */
	json_t *slots; /* type -> index into lists */
	struct typed_list {
		struct typed_res *items;
		size_t nr, alloc;
	} * lists;
	size_t nr, alloc;
};

/* What one run of check loads once for every template (freed at the end of the run). */
struct check_run {
	struct type_index types;
	const struct pg_versions *versions; /* pg_versions_shared(), asked on first use */
	int versions_state;		    /* 0 not tried, 1 loaded, -1 unavailable */
	struct cfn_schema *schema;	    /* data/cfn-schema.txt, loaded on first use */
	int schema_state;		    /* 0 not tried, 1 loaded, -1 unavailable */
	json_t *empty;			    /* {} for resources without Properties */
	json_t *names;	  /* SM-DEP-060: explicit names -> their first holder, built on first use */
	json_t *dispatch; /* resource type -> index into rule_lists, filled as types are met */
	struct rule_list {
		const struct resource_rule **rules; /* the entries for the type, "*" ones too */
		size_t nr;
	} * rule_lists;
	size_t rule_lists_nr, rule_lists_alloc;
	char today[11]; /* "YYYY-MM-DD" (UTC): acceptances expire after their day */
};

struct check_ctx {
	struct check_run *run;
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

/*
 * The CloudFormation registry schemas (data/cfn-schema.txt), read once a run;
 * NULL when they cannot be read. Rules that need them say what they do then.
 */
struct cfn_schema *check_schema(struct check_ctx *c);

/* Property helpers. */
const json_t *jget(const json_t *v, const char *dotted); /* "A.B.C" */
bool jtrue(const json_t *v);				 /* true or "true" */
const char *jstr(const json_t *v);
/* An integer, or a string holding only one ("20"); `dflt` otherwise. */
long jnum(const json_t *v, long dflt);
/* Does a task definition's RequiresCompatibilities include FARGATE? */
bool task_is_fargate(const json_t *props);
/* IAM's wildcard match ("sns:Pub*", "*", '?'), case-insensitive. */
bool iam_glob(const char *pat, const char *s);
/* Some Allow statement of policy `doc` gives `principal` (a service, or text of a role) `action`.
 */
bool doc_allows(const json_t *doc, const char *principal, const char *action);
/* Does an Action value (a string or an array of them) cover `action`? */
bool iam_actions_cover(const json_t *actions, const char *action);
/* The logical ID a value refers to ({"Ref": X}, {"Fn::GetAtt": [X, ..]}), or NULL. */
const char *ref_target(const json_t *v);
/* Same, following Fn::ImportValue to the exporting stack: sets *stack (borrowed). */
const char *ref_target_any(struct check_ctx *c, const json_t *v, struct sm_template **stack);
/* True when some resource of `type` anywhere in the assembly has a property
 * (dotted path, arrays searched) referring to (stack t, logical id). */
bool referenced_by(struct check_ctx *c, struct sm_template *t, const char *id, const char *type,
		   const char *prop);
/* Every address: a prefix length of 0, whatever the address bits (192.168.1.0/0). */
bool is_world(const char *cidr);
/* Does CloudFormation create `from` after `on` (DependsOn or references, transitively)? */
bool depends_on(struct check_ctx *c, const char *from, const char *on);
/* Does `v` refer to logical ID `id` anywhere inside (Ref, GetAtt, Sub)? */
bool value_refers(const json_t *v, const char *id);
/* The resource a value refers to (Ref, GetAtt, ImportValue), its stack and ID; NULL if none. */
const json_t *resource_at(struct check_ctx *c, const json_t *v, struct sm_template **where,
			  const char **id);
const char *res_type(const json_t *r); /* "" when none */
/* Are a bucket's ACLs disabled (ObjectOwnership BucketOwnerEnforced, the default)? */
bool bucket_acls_disabled(const json_t *bucket);
/*
 * Every resource of `type` in the assembly, templates in order, each in the
 * world it is looked at in now (an index built once, rebuilt when a template
 * moves to another world). Sets *nr; the array is borrowed until then.
 */
const struct typed_res *resources_of_type(struct check_ctx *c, const char *type, size_t *nr);
/*
 * The resources of one template `t` of the assembly (c->t, or one a reference
 * led to) whose type is `type`, in the order written: the template's slice of
 * resources_of_type(), borrowed as it is. For the rules that look at other
 * resources of a template for each one they check: scanning every resource
 * of the template there and comparing types was 1.4M instructions of check
 * --env all.
 *
 *	size_t n;
 *	const struct typed_res *rs = template_resources_of_type(c, c->t, "AWS::EC2::Subnet", &n);
 *	for (size_t i = 0; i < n; i++)
 *		use(rs[i].id, rs[i].res);
 */
const struct typed_res *template_resources_of_type(struct check_ctx *c, const struct sm_template *t,
						   const char *type, size_t *nr);
/*
 * The same for several types at once (at most TYPED_ITER_MAX, the list ended
 * by NULL), merged back into the order written, as a scan of the template
 * meets them:
 *
 *	struct typed_iter it;
 *	static const char *const policies[] = {"AWS::IAM::Policy", "AWS::IAM::RolePolicy", NULL};
 *	for (const struct typed_res *x = typed_iter_first(&it, c, c->t, policies); x;
 *	     x = typed_iter_next(&it))
 *		use(x->id, x->res);
 */
#define TYPED_ITER_MAX 4
struct typed_iter {
	const struct typed_res *at[TYPED_ITER_MAX], *end[TYPED_ITER_MAX];
	size_t nr;
};
const struct typed_res *typed_iter_first(struct typed_iter *it, struct check_ctx *c,
					 const struct sm_template *t, const char *const *types);
const struct typed_res *typed_iter_next(struct typed_iter *it);

/* The number of AZs the subnets (or each item's `member`) cover, -1 when one is unknown; a zone
 * two of them share is written to `twice` ("" when none; NULL not to ask). */
int subnet_az_count(struct check_ctx *c, const json_t *subnets, const char *member, char *twice,
		    size_t n);
/* Does subnet `sid` of template `st` route 0.0.0.0/0 to an internet gateway (true when no route
 * table association of it is known)? */
bool subnet_routes_out(struct check_ctx *c, struct sm_template *st, const char *sid);

extern const struct resource_rule check_rules_s3[], check_rules_rds[], check_rules_ec2[],
	check_rules_iam[], check_rules_logs[], check_rules_edge[], check_rules_ecs[],
	check_rules_misc[], check_rules_dep_order[], check_rules_dep_combo[],
	check_rules_dep_edge[], check_rules_dep_policy[], check_rules_dep_limits[],
	check_rules_dep_exec[], check_rules_dep_wire[], check_rules_dep_data[],
	check_rules_dep_names[], check_rules_dep_svc[], check_rules_dep_notify[],
	check_rules_dep_quota[], check_rules_dep_dns[], check_rules_dep_task[],
	check_rules_dep_db[], check_rules_dep_trust[], check_rules_dep_fit[],
	check_rules_dep_place[];

/* A deployability rule (SM-DEP-*): in the "deploy" pack, with its AWS documentation page. */
#define DEP_RULE(num, sev, title_, why_, fix_, doc_)                                               \
	{                                                                                          \
		.id = "SM-DEP-" num, .severity = (sev), .title = (title_), .why = (why_),          \
		.fix = (fix_), .controls = "AWS deploy-time behaviour", .nag_ids = NULL,           \
		.doc = (doc_), .packs = "deploy"                                                   \
	}

#endif
