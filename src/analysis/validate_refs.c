/* validate: Ref, Fn::GetAtt, Fn::Sub, Condition targets and dependency cycles. */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/xalloc.h"

/* ---- references ---- */

/* SAM's Ref MyFunction.Version / MyFunction.Alias (AutoPublishAlias). */
static bool sam_sub_ref(struct vctx *c, const char *target)
{
	const char *dot = strchr(target, '.');
	if (!dot || !c->implied)
		return false;
	char *id = xstrndup(target, (size_t)(dot - target));
	const char *type = vd_resource_type(c, id);
	free(id);
	return type && vd_sam_cfn_type(type) != NULL;
}

/* A place of the walk: the path, rendered on asking. */
struct at {
	struct vd_lpath *lp;
	struct vd_seg *top;
};

static const char *at_str(const struct at *a)
{
	return vd_lpath_str(a->lp, a->top);
}

static void check_ref_target(struct vctx *c, const char *target, const struct at *at)
{
	if (vd_is_pseudo(target) || vd_is_resource(c, target) ||
	    json_object_get(c->parameters, target) || sam_sub_ref(c, target))
		return;
	struct diag *d = vd_report(c, DIAG_ERROR, at_str(at),
				   "Ref to '%s', which is not a resource, "
				   "parameter or pseudo parameter",
				   target);
	const char *s = cfn_closest_key(c->resources, target);
	if (s)
		diag_set_hint(d, "did you mean '%s'?", s);
}

static void check_getatt(struct vctx *c, const char *res, const char *attr, const struct at *at)
{
	if (!vd_is_resource(c, res)) {
		struct diag *d = vd_report(c, DIAG_ERROR, at_str(at),
					   "Fn::GetAtt of '%s', which is not a resource", res);
		const char *s = cfn_closest_key(c->resources, res);
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		return;
	}
	const char *type = vd_resource_type(c, res);
	const char *sam = type ? vd_sam_cfn_type(type) : NULL;
	if (sam && attr && strchr(attr, '.'))
		return; /* Function.Version.FunctionArn: a resource SAM generates */
	if (sam)
		type = sam;
	const json_t *sch = type ? cfn_schema_resource(c->schema, type) : NULL;
	if (!sch || !attr)
		return;
	const json_t *attrs = json_object_get(sch, "a");
	size_t i;
	json_t *a;
	json_array_foreach (attrs, i, a) {
		if (!strcmp(json_string_value(a), attr))
			return;
	}
	/* custom resources and stack outputs (Outputs.X) accept any attribute */
	if (!strncmp(type, "Custom::", 8) || !strcmp(type, "AWS::CloudFormation::CustomResource") ||
	    !strncmp(attr, "Outputs.", 8))
		return;
	struct diag *d = vd_report(c, DIAG_ERROR, at_str(at),
				   "%s has no attribute '%s' for Fn::GetAtt", type, attr);
	if (json_array_size(attrs)) {
		struct strbuf sb = STRBUF_INIT;
		json_array_foreach (attrs, i, a) {
			if (i < 8)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", json_string_value(a));
		}
		diag_set_hint(d, "attributes: %s%s", sb.buf,
			      json_array_size(attrs) > 8 ? ", ..." : "");
		strbuf_release(&sb);
	} else {
		diag_set_hint(d, "%s has no attributes", type);
	}
}

/* The variable of "${ Name }" (spaces around it allowed) at p, malloc'd. */
static char *sub_var(const char *p, const char *end)
{
	p += 2;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	return xstrndup(p, (size_t)(end - p));
}

static void check_sub(struct vctx *c, const char *fmt, const json_t *vars, const struct at *at)
{
	for (const char *p = fmt; (p = strstr(p, "${"));) {
		const char *end = strchr(p, '}');
		if (!end)
			break;
		if (p[2] == '!') { /* ${!Literal} */
			p = end + 1;
			continue;
		}
		char *name = sub_var(p, end);
		char *dot = strchr(name, '.');
		if (!(vars && json_object_get(vars, name))) {
			if (dot) {
				*dot = '\0';
				check_getatt(c, name, dot + 1, at);
			} else {
				check_ref_target(c, name, at);
			}
		}
		free(name);
		p = end + 1;
	}
}

static void walk_intrinsics(struct vctx *c, const json_t *v, struct vd_lpath *lp,
			    struct vd_seg *top)
{
	const struct at at = {lp, top};
	const size_t depth = (top ? top->depth : 0) + 1; /* of a member */
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		if (json_object_size(v) == 1) {
			/* the one key decides which of these is not NULL */
			void *it = json_object_iter((json_t *)v);
			const char *key = json_object_iter_key(it);
			json_t *only = json_object_iter_value(it);
			json_t *ref = !strcmp(key, "Ref") ? only : NULL;
			json_t *ga = !strcmp(key, "Fn::GetAtt") ? only : NULL;
			json_t *sub = !strcmp(key, "Fn::Sub") ? only : NULL;
			json_t *cond = !strcmp(key, "Condition") ? only : NULL;
			json_t *fif = !strcmp(key, "Fn::If") ? only : NULL;
			if (ref) {
				if (json_is_string(ref))
					check_ref_target(c, json_string_value(ref), &at);
				else
					vd_report(c, DIAG_ERROR, at_str(&at),
						  "Ref takes a logical name (a string)");
				return;
			}
			if (ga) {
				const char *res = NULL, *attr = NULL;
				char *own = NULL;
				if (json_is_array(ga) && json_array_size(ga) == 2) {
					res = json_string_value(json_array_get(ga, 0));
					attr = json_string_value(json_array_get(ga, 1));
				} else if (json_is_string(ga)) {
					own = xstrdup(json_string_value(ga));
					char *dot = strchr(own, '.');
					if (dot) {
						*dot = '\0';
						res = own;
						attr = dot + 1;
					}
				}
				if (res)
					check_getatt(c, res, attr, &at);
				else
					vd_report(c, DIAG_ERROR, at_str(&at),
						  "Fn::GetAtt takes [LogicalId, Attribute]");
				free(own);
				if (json_is_array(ga) && !attr)
					walk_intrinsics(c, json_array_get(ga, 1), lp, top);
				return;
			}
			if (sub) {
				if (json_is_string(sub))
					check_sub(c, json_string_value(sub), NULL, &at);
				else if (json_is_array(sub) && json_array_size(sub) == 2 &&
					 json_is_string(json_array_get(sub, 0))) {
					check_sub(c, json_string_value(json_array_get(sub, 0)),
						  json_array_get(sub, 1), &at);
					walk_intrinsics(c, json_array_get(sub, 1), lp, top);
				} else
					vd_report(
						c, DIAG_ERROR, at_str(&at),
						"Fn::Sub takes a string or [string, {variables}]");
				return;
			}
			if (!strncmp(key, "Fn::", 4) &&
			    !vd_check_fn_shape(c, key, only, at_str(&at)))
				return;
			if (cond && json_is_string(cond) &&
			    !json_object_get(c->conditions, json_string_value(cond)))
				vd_report(c, DIAG_ERROR, at_str(&at),
					  "condition '%s' is not defined", json_string_value(cond));
			if (fif && json_is_array(fif) && json_array_size(fif) == 3 &&
			    json_is_string(json_array_get(fif, 0)) &&
			    !json_object_get(c->conditions,
					     json_string_value(json_array_get(fif, 0))))
				vd_report(c, DIAG_ERROR, at_str(&at),
					  "Fn::If names condition '%s', which is "
					  "not defined",
					  json_string_value(json_array_get(fif, 0)));
		}
		jio_object_each ((json_t *)v, it, k, x) {
			struct vd_seg here = {top, k, 0, depth, 0};
			walk_intrinsics(c, x, lp, &here);
			vd_lpath_pop(lp, &here);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			struct vd_seg here = {top, NULL, i, depth, 0};
			walk_intrinsics(c, x, lp, &here);
			vd_lpath_pop(lp, &here);
		}
	} else if (json_is_string(v) && strstr(json_string_value(v), "${")) {
		vd_check_literal_sub(c, json_string_value(v), at_str(&at));
	}
}

void vd_walk_intrinsics(struct vctx *c, const json_t *v, struct strbuf *path)
{
	size_t base = path->len;
	struct vd_lpath lp = {path, 0};
	walk_intrinsics(c, v, &lp, NULL);
	strbuf_setlen(path, base);
}

/* ---- dependencies ---- */

/*
 * The resources of the template as a graph of indexes (their order in
 * Resources): each resource's edges are the resources its properties and
 * DependsOn name, in the order first named. Names are looked up once, in a
 * strmap; the search then hashes nothing (the graph of jansson objects it
 * replaced cost 3.6M instructions of validate --env all).
 */
struct rgraph {
	struct strmap index; /* logical ID -> node */
	struct rnode {
		const char *id;
		size_t *to, nr, alloc;
		unsigned char state; /* 0 unvisited, 1 on the search's stack, 2 done */
	} * nodes;
	size_t nr;
	size_t from; /* the node whose edges are being collected */
};

/* An edge from the current node to the resource named k[0..n), once; other names
 * (parameters, pseudo parameters) are no edge. */
static void rgraph_name(struct rgraph *g, const char *k, size_t n)
{
	size_t to;
	if (!strmap_get(&g->index, k, n, &to))
		return;
	struct rnode *f = &g->nodes[g->from];
	for (size_t i = 0; i < f->nr; i++)
		if (f->to[i] == to)
			return;
	ALLOC_GROW(f->to, f->nr + 1, f->alloc);
	f->to[f->nr++] = to;
}

#define DEPS_KIDS_MAX 32

/*
 * The walk of a resource's properties for its edges, which also checks the
 * quantities a cost estimate reads (cost_quantity_bad) on its way: one walk
 * where there were two (validate --env all walked every property for each).
 */
struct deps_walk {
	struct rgraph *g;
	struct sm_template *t; /* where a quantity error is placed */
	struct diag_list *q;   /* the quantity errors, or NULL: not checked */
	struct vd_lpath lp;    /* "Resources.Id.Properties", then what a report asks for */
	json_t *imports;       /* the resource's Fn::ImportValue names, or NULL: not gathered */
};

static void deps_member(const char *k, const json_t *x, struct deps_walk *w, struct vd_seg *top,
			size_t depth);

/* The names a resource's properties refer to (Ref, Fn::GetAtt, Fn::Sub's ${}). */
static void collect_deps(const json_t *v, struct deps_walk *w, struct vd_seg *top)
{
	const size_t depth = (top ? top->depth : 0) + 1; /* of a member */
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_t *ref = NULL, *ga = NULL, *sub = NULL;
		/* one pass over the keys rather than three lookups; the members to
		 * descend into are kept for after this object's own names (the
		 * edges' order), in a second pass only past DEPS_KIDS_MAX of them
		 * or when a quantity is to be reported (in the members' order) */
		struct {
			const char *k;
			const json_t *x;
		} kids[DEPS_KIDS_MAX];
		size_t nk = 0;
		bool more = false;
		double d;
		jio_object_each ((json_t *)v, it, k, x) {
			if (k[0] == 'R' && !strcmp(k, "Ref"))
				ref = x;
			else if (k[0] == 'F' && !strcmp(k, "Fn::GetAtt"))
				ga = x;
			else if (k[0] == 'F' && !strcmp(k, "Fn::Sub"))
				sub = x;
			else if (k[0] == 'F' && w->imports && json_is_string(x) &&
				 !strcmp(k, "Fn::ImportValue") && json_object_size(v) == 1)
				json_array_append(w->imports, x); /* as collect_imports finds it */
			if (json_is_object(x) ||
			    json_is_array(x)) { /* a scalar refers to nothing */
				if (nk < DEPS_KIDS_MAX) {
					kids[nk].k = k;
					kids[nk++].x = x;
				} else {
					more = true;
				}
			} else if (w->q && cost_quantity_bad(k, x, &d)) {
				more = true;
			}
		}
		struct rgraph *g = w->g;
		if (json_is_string(ref))
			rgraph_name(g, json_string_value(ref), json_string_length(ref));
		if (json_is_array(ga) && json_is_string(json_array_get(ga, 0)))
			rgraph_name(g, json_string_value(json_array_get(ga, 0)),
				    json_string_length(json_array_get(ga, 0)));
		if (json_is_string(ga)) { /* "Res.Attr" */
			const char *s = json_string_value(ga);
			rgraph_name(g, s, strcspn(s, "."));
		}
		const char *fmt = json_is_string(sub)  ? json_string_value(sub)
				  : json_is_array(sub) ? json_string_value(json_array_get(sub, 0))
						       : NULL;
		for (const char *p = fmt; p && (p = strstr(p, "${"));) {
			const char *end = strchr(p, '}');
			if (!end)
				break;
			/* sub_var's name, without copying it: spaces trimmed, cut at '.' */
			const char *name = p + 2, *stop = end;
			while (name < stop && isspace((unsigned char)*name))
				name++;
			while (stop > name && isspace((unsigned char)stop[-1]))
				stop--;
			const char *dot = memchr(name, '.', (size_t)(stop - name));
			if (name == stop || name[0] != '!')
				rgraph_name(g, name, (size_t)((dot ? dot : stop) - name));
			p = end + 1;
		}
		if (!more) {
			for (size_t i = 0; i < nk; i++)
				deps_member(kids[i].k, kids[i].x, w, top, depth);
			return;
		}
		jio_object_each ((json_t *)v, it, k, x) {
			deps_member(k, x, w, top, depth);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			if (json_is_object(x) || json_is_array(x)) {
				struct vd_seg here = {top, NULL, i, depth, 0};
				collect_deps(x, w, &here);
				vd_lpath_pop(&w->lp, &here);
			}
		}
	}
}

/* Member `k`: `x` of an object at `top`: descended into, or its quantity checked. */
static void deps_member(const char *k, const json_t *x, struct deps_walk *w, struct vd_seg *top,
			size_t depth)
{
	struct vd_seg here = {top, k, 0, depth, 0};
	double d;
	if (json_is_object(x) || json_is_array(x))
		collect_deps(x, w, &here);
	else if (w->q && cost_quantity_bad(k, x, &d))
		cost_quantity_report(w->t, vd_lpath_str(&w->lp, &here), k, x, d, w->q);
	vd_lpath_pop(&w->lp, &here);
}

/*
 * A node's state in find_cycle: 0 unvisited (absent), 1 on the stack
 * (false), 2 done (true); jansson's constants, so marking allocates nothing.
 */
static int visit_state(const json_t *st)
{
	return !st ? 0 : json_is_false(st) ? 1 : 2;
}

/* The trail of a loop found at `node`: "A -> B -> node", from the stack. */
static void loop_trail(const char *const *stack, size_t depth, const char *node,
		       struct strbuf *trail)
{
	for (size_t i = 0; i < depth; i++) {
		strbuf_addstr(trail, stack[i]);
		strbuf_addstr(trail, " -> ");
	}
	strbuf_addstr(trail, node);
}

struct node_stack {
	const char **items;
	size_t nr, alloc;
};

static bool find_cycle_at(json_t *graph, const char *node, json_t *state, struct node_stack *st,
			  struct strbuf *trail)
{
	int seen = visit_state(json_object_get(state, node));
	if (seen == 2)
		return false;
	if (seen == 1) {
		loop_trail(st->items, st->nr, node, trail);
		return true;
	}
	json_object_set_new_nocheck(state, node, json_false());
	ALLOC_GROW(st->items, st->nr + 1, st->alloc);
	st->items[st->nr++] = node;
	const char *k;
	json_t *x;
	json_object_foreach (json_object_get(graph, node), k, x) {
		if (!json_object_get(graph, k))
			continue; /* not a resource */
		if (find_cycle_at(graph, k, state, st, trail))
			return true;
	}
	st->nr--;
	json_object_set_new_nocheck(state, node, json_true());
	return false;
}

/* The trail is built only for a loop found, from a stack of the nodes walked. */
static bool find_cycle(struct vctx *c, json_t *graph, const char *node, json_t *state,
		       struct strbuf *trail)
{
	(void)c;
	struct node_stack st = {0};
	bool found = find_cycle_at(graph, node, state, &st, trail);
	free(st.items);
	return found;
}

static bool rgraph_cycle_at(struct rgraph *g, size_t node, struct node_stack *st,
			    struct strbuf *trail)
{
	struct rnode *n = &g->nodes[node];
	if (n->state == 2)
		return false;
	if (n->state == 1) {
		loop_trail(st->items, st->nr, n->id, trail);
		return true;
	}
	n->state = 1;
	ALLOC_GROW(st->items, st->nr + 1, st->alloc);
	st->items[st->nr++] = n->id;
	for (size_t i = 0; i < n->nr; i++)
		if (rgraph_cycle_at(g, n->to[i], st, trail))
			return true;
	st->nr--;
	n->state = 2;
	return false;
}

void vd_check_cycles(struct vctx *c)
{
	struct rgraph g = {STRMAP_INIT,
			   xcalloc(json_object_size(c->resources) + 1, sizeof(*g.nodes)), 0, 0};
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)c->resources, id, r) {
		g.nodes[g.nr].id = id;
		strmap_add(&g.index, id, strlen(id), g.nr, NULL);
		g.nr++;
	}
	g.from = 0;
	struct strbuf where = STRBUF_INIT;
	struct deps_walk w = {&g, c->t, c->quantities, {&where, 0}, NULL};
	json_object_foreach ((json_t *)c->resources, id, r) {
		strbuf_reset(&where);
		strbuf_addstr(&where, "Resources");
		vd_path_key(&where, id);
		strbuf_addstr(&where, ".Properties");
		w.lp.written = 0;
		if (c->imports) {
			w.imports = json_array();
			json_array_append_new(c->imports, w.imports);
		}
		collect_deps(json_object_get(r, "Properties"), &w, NULL);
		json_t *d = json_object_get(r, "DependsOn");
		if (json_is_string(d))
			rgraph_name(&g, json_string_value(d), json_string_length(d));
		size_t i;
		json_t *x;
		json_array_foreach (d, i, x) {
			if (json_is_string(x))
				rgraph_name(&g, json_string_value(x), json_string_length(x));
		}
		g.from++;
	}
	strbuf_release(&where);
	struct node_stack st = {0};
	for (size_t i = 0; i < g.nr; i++) {
		struct strbuf trail = STRBUF_INIT;
		st.nr = 0;
		if (rgraph_cycle_at(&g, i, &st, &trail)) {
			char *path = xstrfmt("Resources.%s", g.nodes[i].id);
			struct diag *d = vd_report(c, DIAG_ERROR, path, "circular dependency: %s",
						   trail.buf);
			diag_set_hint(d, "break the loop with a separate resource (a policy, an "
					 "ingress rule) that depends on both");
			free(path);
			strbuf_release(&trail);
			break;
		}
		strbuf_release(&trail);
	}
	free(st.items);
	for (size_t i = 0; i < g.nr; i++)
		free(g.nodes[i].to);
	free(g.nodes);
	strmap_release(&g.index);
}

/* Every {"Condition": name} inside a condition's expression. */
static void collect_conditions(const json_t *v, json_t *deps)
{
	if (json_is_object(v)) {
		const json_t *name = json_object_get(v, "Condition");
		if (json_object_size(v) == 1 && json_is_string(name))
			json_object_set_new(deps, json_string_value(name), json_true());
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
			collect_conditions(x, deps);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			collect_conditions(x, deps);
		}
	}
}

/*
 * Conditions that name each other in a loop (A -> B -> A, or A -> A):
 * CloudFormation cannot evaluate them and refuses the template ("Circular
 * dependency between conditions"; cfn-lint raises while evaluating them).
 * Each loop is reported once.
 */
void vd_check_condition_cycles(struct vctx *c)
{
	json_t *graph = json_object(), *state = json_object();
	const char *name;
	json_t *v;
	json_object_foreach ((json_t *)c->conditions, name, v) {
		json_t *deps = json_object();
		collect_conditions(v, deps);
		json_object_set_new(graph, name, deps);
	}
	json_object_foreach (graph, name, v) {
		struct strbuf trail = STRBUF_INIT;
		if (find_cycle(c, graph, name, state, &trail)) {
			char *path = xstrfmt("Conditions.%s", name);
			struct diag *d =
				vd_report(c, DIAG_ERROR, path,
					  "circular dependency between conditions: %s", trail.buf);
			diag_set_hint(d, "a condition cannot depend on itself; write the shared "
					 "part as a third condition both use");
			free(path);
			/* the loop's members are done: the next report is another loop */
			const char *k;
			json_t *st;
			json_object_foreach (state, k, st) {
				if (visit_state(st) == 1)
					json_object_set_new_nocheck(state, k, json_true());
			}
		}
		strbuf_release(&trail);
	}
	json_decref(graph);
	json_decref(state);
}
