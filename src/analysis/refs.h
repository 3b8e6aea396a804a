/*
 * The assembly's one resolver and one resource iterator: every analysis
 * (check and its rules, reach, graph, cost, slo, report, the assembly's
 * index of referrers) reads references and walks resources through here, so
 * that they cannot drift apart (issue 17: graph followed cross-region
 * references and reach did not).
 *
 * What names a resource, in the template that holds the value (an object
 * of one key, as CloudFormation's intrinsic functions are):
 *   {"Ref": "X"}
 *   {"Fn::GetAtt": ["X", "Attr"]} and the string form {"Fn::GetAtt": "X.Attr"}
 *   {"Fn::Sub": "${X}"} or "${X.Attr}" (the whole string one reference; a
 *     longer string is text with references in it: sm_refs_each)
 *   a load balancer's name prefixed with "dualstack." (the alias target of
 *     its A and AAAA records): {"Fn::Join": ["", ["dualstack.",
 *     {"Fn::GetAtt": ["X", "DNSName"]}]]} and {"Fn::Sub":
 *     "dualstack.${X.DNSName}"} name X
 * and across templates:
 *   {"Fn::ImportValue": "Name"}: the output exported as Name, followed in
 *     its template;
 *   a Ref to a cross-region parameter, which `synth` writes for a value of a
 *     stack in another region (an import cannot cross regions): its
 *     Description is "Output O of stack S (region), filled in by solemate
 *     deploy", and output O of stack S is followed.
 *
 * Every string returned is borrowed from the assembly's templates.
 */
#ifndef SM_REFS_H
#define SM_REFS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "analysis/assembly.h"

/* A resource (or parameter) by template and logical ID; id NULL: nothing. */
struct sm_rref {
	struct sm_template *t;
	const char *id;
};

/*
 * The logical ID `v` names in its own template (the forms above, without
 * ImportValue and parameters): NULL when none. The string forms (GetAtt
 * "X.Attr", Sub "${X.Attr}") need `t`, whose Resources and Parameters hold
 * the ID returned; with `t` NULL only Ref and the list GetAtt resolve.
 */
const char *sm_ref_id(const struct sm_template *t, const json_t *v);

/*
 * Follow `v` (a value of template `t`) to what it names: an ID of `t`, an
 * import to the exporting template, a cross-region parameter to the
 * producing stack's output (each followed until it names an ID). The ID
 * may be a parameter's; {t, NULL} when `v` names nothing or an import or
 * parameter leads nowhere.
 */
struct sm_rref sm_resolve(struct sm_assembly *a, struct sm_template *t, const json_t *v);

/*
 * The value `v` (of template *t) stands for once its Fn::ImportValue are
 * followed to the exporting outputs' values (*t becomes their template):
 * `v` itself when it is no import, NULL when an import names no export of
 * the assembly. For rules that read the value (a domain name, an
 * attribute), not only the ID it names.
 */
const json_t *sm_follow_imports(struct sm_assembly *a, struct sm_template **t, const json_t *v);

/*
 * A resource's "Type" string, or NULL: read first where templates put it,
 * as the first key, before hashing (analyses ask it of every resource).
 */
const char *sm_resource_type_of(const json_t *res);

/* The resource `r` names, its Properties; NULL when `r` is no resource. */
const json_t *sm_rref_resource(struct sm_rref r);
const json_t *sm_rref_props(struct sm_rref r);
/* Both name the same ID of the same template (false when either names nothing). */
bool sm_rref_same(struct sm_rref a, struct sm_rref b);

/*
 * Call `fn` with every logical ID `v` refers to anywhere inside it (Ref,
 * GetAtt in both forms, each ${X} or ${X.Attr} of an Fn::Sub string but not
 * ${!Literal}), the name not NUL-terminated: `len` bytes. Stops when `fn`
 * returns true, and returns true then.
 */
typedef bool (*sm_ref_fn)(void *arg, const char *id, size_t len);
bool sm_refs_each(const json_t *v, sm_ref_fn fn, void *arg);

/*
 * The one resource iterator: every resource of every template of `a`, in
 * template order and, inside one, in the order written.
 *
 *	struct sm_resource_iter it;
 *	sm_foreach_resource (a, &it)
 *		use(it.t, it.id, it.type, it.props);
 *
 * `type` is "" when the resource has none; `props` NULL when it has no
 * Properties. sm_template_foreach_resource walks one template only.
 */
struct sm_resource_iter {
	struct sm_assembly *a;
	size_t next; /* the template to start after this one */
	void *pos;   /* jansson's iterator in t's Resources */
	struct sm_template *t;
	const char *id;
	const char *type;
	json_t *res;   /* the resource object */
	json_t *props; /* its Properties, or NULL */
};
/* Start before the first resource of `a` (every template) or of `t` alone (a NULL). */
void sm_resource_iter_init(struct sm_resource_iter *it, struct sm_assembly *a,
			   struct sm_template *t);
/* Advance; false at the end. */
bool sm_resource_iter_next(struct sm_resource_iter *it);

#define sm_foreach_resource(a, it)                                                                 \
	for (sm_resource_iter_init((it), (a), NULL); sm_resource_iter_next(it);)
#define sm_template_foreach_resource(t, it)                                                        \
	for (sm_resource_iter_init((it), NULL, (t)); sm_resource_iter_next(it);)

#endif
