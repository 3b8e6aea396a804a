/*
 * Resolution: from the tree to one template per stack. Tokens become Ref,
 * Fn::GetAtt, Fn::ImportValue (with an Export added to the producer) or a
 * cross-region parameter; stack dependencies follow from the references;
 * tags are applied; logical IDs and CloudFormation's limits are checked.
 * Resolution is idempotent: it rebuilds everything derived each time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

/*
 * Where a value stands, for messages: "<stack>/<a>" or "<stack>/<a>/<b>",
 * formatted only when there is something to report.
 */
struct where {
	const char *stack, *a, *b;
};

static char *where_str(const struct where *w)
{
	if (!w->a)
		return xstrdup(w->stack);
	return w->b ? xstrfmt("%s/%s/%s", w->stack, w->a, w->b) : xstrfmt("%s/%s", w->stack, w->a);
}

/* where_str() formatted at the first message, then reused (*buf is freed by the caller). */
static const char *where_once(const struct where *w, char **buf)
{
	if (!*buf)
		*buf = where_str(w);
	return *buf;
}

/* A token's target, found by the address of its (shared) inner object. */
struct target_slot {
	const json_t *key;
	const struct sm_resource *r;
	const char *attr;
};

struct resolve_ctx {
	struct sm_app *app;
	struct diag_list *dl;
	int errors;
	struct target_slot *slots; /* open addressing, a power of two */
	size_t slot_nr;
};

static size_t slot_of(const struct resolve_ctx *c, const json_t *key)
{
	uintptr_t h = (uintptr_t)key;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(h >> 20) & (c->slot_nr - 1);
}

static void targets_add(struct resolve_ctx *c, const json_t *key, const struct sm_resource *r,
			const char *attr)
{
	size_t i = slot_of(c, key);
	while (c->slots[i].key && c->slots[i].key != key)
		i = (i + 1) & (c->slot_nr - 1);
	c->slots[i] = (struct target_slot){key, r, attr};
}

/* Every token target the app's resources handed out (intrinsics.c). */
static void targets_build(struct resolve_ctx *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->app->stack_nr; i++)
		for (size_t j = 0; j < c->app->stacks[i]->res_nr; j++)
			n += 1 + c->app->stacks[i]->resources[j]->att_nr;
	c->slot_nr = 64;
	while (c->slot_nr < 2 * n)
		c->slot_nr *= 2;
	c->slots = xcalloc(c->slot_nr, sizeof(*c->slots));
	for (size_t i = 0; i < c->app->stack_nr; i++) {
		const struct sm_stack *s = c->app->stacks[i];
		for (size_t j = 0; j < s->res_nr; j++) {
			const struct sm_resource *r = s->resources[j];
			if (r->ref_target)
				targets_add(c, r->ref_target, r, NULL);
			for (size_t k = 0; k < r->att_nr; k++)
				targets_add(c, r->att[k].target, r, r->att[k].attr);
		}
	}
}

static const struct target_slot *targets_find(const struct resolve_ctx *c, const json_t *key)
{
	for (size_t i = slot_of(c, key); c->slots[i].key; i = (i + 1) & (c->slot_nr - 1))
		if (c->slots[i].key == key)
			return &c->slots[i];
	return NULL;
}

static bool same_region(const struct sm_stack *a, const struct sm_stack *b)
{
	if (!a->region || !b->region)
		return !a->region && !b->region;
	return !strcmp(a->region, b->region);
}

static bool same_account(const struct sm_stack *a, const struct sm_stack *b)
{
	if (!a->account || !b->account)
		return true; /* environment-agnostic: assume one account */
	return !strcmp(a->account, b->account);
}

static const struct sm_resource *find_resource(const struct sm_stack *s, const char *id)
{
	for (size_t i = 0; i < s->res_nr; i++)
		if (!strcmp(s->resources[i]->id, id))
			return s->resources[i];
	return NULL;
}

static json_t *local_ref(const char *id, const char *attr)
{
	if (attr)
		return sm_fn_getatt_name(id, attr);
	return sm_ref_name(id);
}

/* "ExportsOutputRefVpc" / "ExportsOutputFnGetAttBucketArn" (the CDK's scheme). */
static char *export_output_name(const char *prefix, const char *id, const char *attr)
{
	struct strbuf sb = STRBUF_INIT;
	const char *parts[] = {prefix, attr ? "FnGetAtt" : "Ref", id, attr};
	for (size_t i = 0; i < 4 && parts[i]; i++)
		for (const char *p = parts[i]; *p; p++)
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			    (*p >= '0' && *p <= '9'))
				strbuf_addch(&sb, *p);
	if (sb.len > CFN_MAX_LOGICAL_ID)
		strbuf_setlen(&sb, CFN_MAX_LOGICAL_ID);
	return strbuf_detach(&sb, NULL);
}

static json_t *resolve_token(struct resolve_ctx *c, struct sm_stack *consumer, json_t *tok,
			     const struct where *w)
{
	const struct target_slot *known = targets_find(c, tok);
	const char *pname, *id, *attr;
	struct sm_stack *producer;
	char *where;

	if (known) {
		/* one of this app's resources, as sm_ref()/sm_getatt() made it */
		producer = known->r->stack;
		pname = producer->name;
		id = known->r->id;
		attr = known->attr;
	} else {
		/* a copied token, or one of another app: by name */
		pname = json_string_value(json_object_get(tok, "stack"));
		id = json_string_value(json_object_get(tok, "id"));
		attr = json_string_value(json_object_get(tok, "attr"));
		producer = pname ? sm_app_find_stack(c->app, pname) : NULL;
		if (producer && (!id || !find_resource(producer, id)))
			producer = NULL;
	}
	if (!producer) {
		where = where_str(w);
		diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, where,
			 "stack '%s' refers to '%s' of stack '%s', which does not exist",
			 consumer->name, id ? id : "?", pname ? pname : "?");
		free(where);
		c->errors++;
		return json_null();
	}
	if (producer == consumer)
		return local_ref(id, attr);
	if (!same_account(producer, consumer)) {
		where = where_str(w);
		diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, where,
			 "stack '%s' refers to '%s' of stack '%s' in another account",
			 consumer->name, id, producer->name);
		free(where);
		c->errors++;
		return json_null();
	}
	sm_stack_add_dep_unique(consumer, producer);

	if (same_region(producer, consumer)) {
		char *oname = export_output_name("ExportsOutput", id, attr);
		struct strbuf eb = STRBUF_INIT;
		strbuf_addstr(&eb, producer->name);
		strbuf_addch(&eb, ':');
		strbuf_addstr(&eb, oname);
		char *export = strbuf_detach(&eb, NULL);
		if (!json_object_get(producer->gen_outputs, oname)) {
			json_t *out = json_object(), *ex = json_object();
			json_object_set_new_nocheck(out, "Value", local_ref(id, attr));
			json_object_set_new_nocheck(ex, "Name", json_string(export));
			json_object_set_new_nocheck(out, "Export", ex);
			json_object_set_new_nocheck(producer->gen_outputs, oname,
						    out); /* alphanumeric */
		}
		json_t *imp = sm_fn_import_value(json_string(export));
		free(oname);
		free(export);
		return imp;
	}

	/* Fn::ImportValue cannot cross regions: a parameter filled at deploy time. */
	char *oname = export_output_name("CrossRegionOutput", id, attr);
	char *raw = xstrfmt("CrossRegion%s%s%s", producer->name, id, attr ? attr : "");
	char *param = sm_sanitize_id(raw);
	free(raw);
	if (!json_object_get(producer->gen_outputs, oname))
		json_object_set_new(producer->gen_outputs, oname,
				    json_pack("{so}", "Value", local_ref(id, attr)));
	if (!json_object_get(consumer->gen_params, param)) {
		char *desc =
			xstrfmt("Output %s of stack %s (%s), filled in by solemate deploy", oname,
				producer->name, producer->region ? producer->region : "?");
		json_object_set_new(consumer->gen_params, param,
				    json_pack("{ss ss}", "Type", "String", "Description", desc));
		free(desc);
		ALLOC_GROW(consumer->xr, consumer->xr_nr + 1, consumer->xr_alloc);
		struct sm_cross_region *x = &consumer->xr[consumer->xr_nr++];
		x->parameter = xstrdup(param);
		x->producer_stack = xstrdup(producer->name);
		x->output = xstrdup(oname);
	}
	json_t *ref = sm_ref_name(param);
	free(oname);
	free(param);
	return ref;
}

/*
 * Replace every token under `v` for `consumer`, in place: the tree is built
 * to be synthesized, and rewriting it spares copying it (the largest cost of
 * a synth). A token object is rewritten where it stands, so its parent need
 * not change; each token is placed once (the helpers steal their arguments).
 */
static void resolve_value(struct resolve_ctx *c, struct sm_stack *consumer, json_t *v,
			  const struct where *w)
{
	if (json_is_object(v)) {
		void *it = json_object_iter(v);
		/* a token is an object of one key, SM_TOKEN_KEY */
		const char *failed = sm_pack_error(v);
		if (failed) {
			char *at = where_str(w);
			diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, at,
				 "a value could not be built: %s", failed);
			free(at);
			c->errors++;
			json_object_clear(v);
			return;
		}
		if (it && json_object_size(v) == 1 &&
		    !strcmp(json_object_iter_key(it), SM_TOKEN_KEY)) {
			json_t *tok = json_incref(json_object_iter_value(it));
			json_t *r = resolve_token(c, consumer, tok, w);
			json_decref(tok);
			json_object_clear(v);
			void *ri = json_object_iter(r); /* one key, or none (json null) */
			if (ri)
				json_object_set_nocheck(v, json_object_iter_key(ri),
							json_object_iter_value(ri));
			json_decref(r);
			return;
		}
		for (; it; it = json_object_iter_next(v, it))
			resolve_value(c, consumer, json_object_iter_value(it), w);
	} else if (json_is_array(v)) {
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++)
			resolve_value(c, consumer, json_array_get(v, i), w);
	}
}

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sm_tag *)a)->key, ((const struct sm_tag *)b)->key);
}

/*
 * The tags of one stack (the app's, then the stack's), sorted by key so that
 * the order of tagging calls never shows in a diff, prebuilt once in both
 * shapes CloudFormation uses; resources without tags of their own share them.
 */
struct stack_tags {
	json_t *list; /* [{"Key": k, "Value": v}, ...] */
	json_t *map;  /* {k: v, ...} */
};

/* {"Key": k, "Value": v} (both stolen), or NULL like json_pack when one is NULL */
static json_t *tag_pair(json_t *k, json_t *v)
{
	if (!k || !v) {
		json_decref(k);
		json_decref(v);
		return NULL;
	}
	json_t *t = json_object();
	json_object_set_new_nocheck(t, "Key", k);
	json_object_set_new_nocheck(t, "Value", v);
	return t;
}

static void stack_tags_build(const struct sm_stack *s, struct stack_tags *st)
{
	struct sm_tag *all = NULL;
	size_t nr = 0, alloc = 0;

	for (size_t i = 0; i < s->app->tag_nr; i++)
		sm_add_tag(&all, &nr, &alloc, s->app->tags[i].key, s->app->tags[i].value);
	for (size_t i = 0; i < s->tag_nr; i++)
		sm_add_tag(&all, &nr, &alloc, s->tags[i].key, s->tags[i].value);
	if (nr)
		qsort(all, nr, sizeof(*all), tag_cmp);
	st->list = json_array();
	st->map = json_object();
	for (size_t i = 0; i < nr; i++) {
		json_array_append_new(st->list,
				      tag_pair(json_string(all[i].key), json_string(all[i].value)));
		json_object_set_new(st->map, all[i].key, json_string(all[i].value));
		free(all[i].key);
		free(all[i].value);
	}
	free(all);
}

static void stack_tags_release(struct stack_tags *st)
{
	json_decref(st->list);
	json_decref(st->map);
}

/* Merge the stack's tags into `props` (a copy of the resource's); its own win. */
static void apply_tags(const struct stack_tags *st, const struct sm_resource *r, json_t *props,
		       enum sm_tag_style style, const char *prop)
{

	if (style == SM_TAGS_NONE || r->skip_tags || !json_object_size(st->map))
		return;
	json_t *existing = json_object_get(props, prop);
	if (!existing && style != SM_TAGS_ASG) {
		json_object_set(props, prop, style == SM_TAGS_LIST ? st->list : st->map);
		return;
	}
	json_t *own = json_object(); /* key -> value the resource set itself */
	if (!existing) {
		/* an Auto Scaling group's tags take PropagateAtLaunch: built below */
	} else if (style != SM_TAGS_MAP && json_is_array(existing)) {
		size_t i;
		json_t *t;
		json_array_foreach (existing, i, t) {
			const char *k = json_string_value(json_object_get(t, "Key"));
			if (k)
				json_object_set(own, k, json_object_get(t, "Value"));
		}
	} else if (style == SM_TAGS_MAP && json_is_object(existing)) {
		json_object_update(own, existing);
	} else {
		/* a Tags value we do not understand (a token, say): leave it alone */
		json_decref(own);
		return;
	}
	json_object_update_missing(own, st->map);

	size_t n = json_object_size(own), j = 0;
	struct sm_tag *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	const char *k;
	json_t *v;
	json_object_foreach (own, k, v) {
		sorted[j].key = (char *)k;
		sorted[j].value = (char *)v; /* json_t*, borrowed */
		j++;
	}
	qsort(sorted, n, sizeof(*sorted), tag_cmp);
	json_t *out = style == SM_TAGS_MAP ? json_object() : json_array();
	for (j = 0; j < n; j++) {
		json_t *val = (json_t *)sorted[j].value;
		json_t *pair = style == SM_TAGS_MAP
				       ? NULL
				       : tag_pair(json_string(sorted[j].key), json_incref(val));
		/*
		 * An Auto Scaling group copies the tags it has with PropagateAtLaunch
		 * to the instances it launches (EC2 Auto Scaling user guide, "Tag
		 * Auto Scaling groups and instances"): the instances are billed too.
		 */
		if (pair && style == SM_TAGS_ASG)
			json_object_set_new(pair, "PropagateAtLaunch", json_true());
		if (pair)
			json_array_append_new(out, pair);
		else
			json_object_set(out, sorted[j].key, val);
	}
	free(sorted);
	json_object_set_new(props, prop, out);
	json_decref(own);
}

static void check_ids(struct resolve_ctx *c, struct sm_stack *s)
{
	struct strmap ids = STRMAP_INIT; /* ID -> its first resource (comparing each to every
					    earlier one was 16,000 strcmp in each --env all) */
	for (size_t i = 0; i < s->res_nr; i++) {
		struct sm_resource *r = s->resources[i];
		struct where w = {s->name, r->given_id, NULL};
		char *where = NULL; /* formatted only for a message */
		if (!r->id[0]) {
			diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, where_once(&w, &where),
				 "logical ID '%s' has no letter or digit", r->given_id);
			c->errors++;
		} else if (strlen(r->id) > CFN_MAX_LOGICAL_ID) {
			diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, where_once(&w, &where),
				 "logical ID is %zu characters long; CloudFormation allows %d",
				 strlen(r->id), CFN_MAX_LOGICAL_ID);
			c->errors++;
		}
		size_t first;
		if (!strmap_add(&ids, r->id, strlen(r->id), i, &first)) {
			struct diag *d = diag_add(
				c->dl, DIAG_ERROR, NULL, 0, 0, where_once(&w, &where),
				"logical ID '%s' is used twice in stack '%s' (by '%s' and "
				"'%s')",
				r->id, s->name, s->resources[first]->given_id, r->given_id);
			diag_set_hint(d, "give one of the two resources another ID");
			c->errors++;
		}
		for (size_t j = 0; j < r->depends_nr; j++) {
			if (!find_resource(s, r->depends_on[j])) {
				diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, where_once(&w, &where),
					 "DependsOn '%s' is not a resource of stack '%s'",
					 r->depends_on[j], s->name);
				c->errors++;
			}
		}
		free(where);
	}
	strmap_release(&ids);
}

static json_t *build_resource(struct resolve_ctx *c, struct sm_stack *s, struct sm_resource *r,
			      const struct stack_tags *tags)
{
	struct where where = {s->name, r->id, NULL};
	json_t *res = json_object();
	const char *tag_prop;

	resolve_value(c, s, r->props, &where);
	json_t *props = json_incref(r->props);
	enum sm_tag_style style = sm_tag_style_of(r->type, &tag_prop);
	if (style != SM_TAGS_NONE && !r->skip_tags && json_object_size(tags->map)) {
		/* tags are set on the template's (shallow) copy, never on the tree */
		json_t *own = json_copy(props);
		json_decref(props);
		props = own;
		apply_tags(tags, r, props, style, tag_prop);
	}
	json_object_set_new_nocheck(res, "Type", json_string(r->type));
	if (json_object_size(props))
		json_object_set_new_nocheck(res, "Properties", props);
	else
		json_decref(props);
	if (r->depends_nr) {
		json_t *deps = json_array();
		for (size_t i = 0; i < r->depends_nr; i++)
			json_array_append_new(deps, json_string(r->depends_on[i]));
		json_object_set_new_nocheck(res, "DependsOn", deps);
	}
	if (r->condition)
		json_object_set_new_nocheck(res, "Condition", json_string(r->condition));
	if (r->update_replace_policy)
		json_object_set_new_nocheck(res, "UpdateReplacePolicy",
					    json_string(r->update_replace_policy));
	if (r->deletion_policy)
		json_object_set_new_nocheck(res, "DeletionPolicy", json_string(r->deletion_policy));
	if (r->metadata) {
		resolve_value(c, s, r->metadata, &where);
		json_object_set_nocheck(res, "Metadata", r->metadata);
	}
	return res;
}

static void check_limits(struct resolve_ctx *c, struct sm_stack *s, json_t *t)
{
	static const struct {
		const char *section;
		size_t max;
	} limits[] = {
		{"Resources", CFN_MAX_RESOURCES},
		{"Parameters", CFN_MAX_PARAMETERS},
		{"Outputs", CFN_MAX_OUTPUTS},
		{"Mappings", CFN_MAX_MAPPINGS},
	};
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		size_t n = json_object_size(json_object_get(t, limits[i].section));
		if (n > limits[i].max) {
			struct diag *d =
				diag_add(c->dl, DIAG_ERROR, NULL, 0, 0, s->name,
					 "stack '%s' has %zu %s; CloudFormation allows %zu",
					 s->name, n, limits[i].section, limits[i].max);
			diag_set_hint(d, "split the stack");
			c->errors++;
		}
	}
}

static void build_template(struct resolve_ctx *c, struct sm_stack *s, size_t si)
{
	json_t *t = json_object();
	json_t *res = json_object();
	json_t *outs = json_object();

	json_object_set_new_nocheck(t, "AWSTemplateFormatVersion", json_string("2010-09-09"));
	if (s->description)
		json_object_set_new_nocheck(t, "Description", json_string(s->description));
	struct stack_tags tags;
	stack_tags_build(s, &tags);
	for (size_t i = 0; i < s->res_nr; i++)
		json_object_set_new_nocheck(res, s->resources[i]->id, /* alphanumeric */
					    build_resource(c, s, s->resources[i], &tags));
	stack_tags_release(&tags);
	for (size_t i = 0; i < s->out_nr; i++) {
		struct sm_output *o = &s->outputs[i];
		struct where where = {s->name, "Outputs", o->name};
		json_t *out = json_object();
		if (o->description)
			json_object_set_new_nocheck(out, "Description",
						    json_string(o->description));
		resolve_value(c, s, o->value, &where);
		json_object_set_nocheck(out, "Value", o->value);
		if (o->export_name)
			json_object_set_new_nocheck(out, "Export",
						    json_pack("{ss}", "Name", o->export_name));
		json_object_set_new(outs, o->name, out);
	}
	s->template = t;
	/* Parameters, conditions and mappings may hold tokens too. */
	struct where top = {s->name, NULL, NULL};
	resolve_value(c, s, s->parameters, &top);
	resolve_value(c, s, s->conditions, &top);
	resolve_value(c, s, s->mappings, &top);
	/* copies: generated parameters are merged into the template's object */
	json_t *params = json_copy(s->parameters);
	json_t *conds = json_incref(s->conditions);
	json_t *maps = json_incref(s->mappings);
	(void)si;
	/* Sections in the order the CloudFormation docs list them. */
	json_object_set_new_nocheck(t, "Parameters", params);
	json_object_set_new_nocheck(t, "Mappings", maps);
	json_object_set_new_nocheck(t, "Conditions", conds);
	if (json_array_size(s->transforms) == 1)
		json_object_set_nocheck(t, "Transform", json_array_get(s->transforms, 0));
	else if (json_array_size(s->transforms) > 1)
		json_object_set_new_nocheck(t, "Transform", json_copy(s->transforms));
	json_object_set_new_nocheck(t, "Resources", res);
	json_object_set_new_nocheck(t, "Outputs", outs);
}

static void finish_template(struct resolve_ctx *c, struct sm_stack *s, size_t si)
{
	json_t *t = s->template;
	(void)c;
	json_object_update(json_object_get(t, "Parameters"), s->gen_params);
	json_object_update(json_object_get(t, "Outputs"), s->gen_outputs);
	static const char *const sections[] = {"Parameters", "Mappings", "Conditions", "Outputs"};
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (!json_object_size(json_object_get(t, sections[i])))
			json_object_del(t, sections[i]);
	check_limits(c, s, t);
}

/* Depth-first search for a cycle among stack dependencies. */
static bool stack_cycle(const struct sm_stack *s, const struct sm_stack **path, size_t depth,
			size_t max, struct strbuf *desc)
{
	for (size_t i = 0; i < depth; i++) {
		if (path[i] == s) {
			for (size_t j = i; j < depth; j++)
				strbuf_addf(desc, "%s -> ", path[j]->name);
			strbuf_addstr(desc, s->name);
			return true;
		}
	}
	if (depth >= max)
		return false;
	path[depth] = s;
	for (size_t i = 0; i < s->dep_nr; i++)
		if (stack_cycle(s->deps[i], path, depth + 1, max, desc))
			return true;
	return false;
}

int sm_app_resolve(struct sm_app *app, struct diag_list *dl)
{
	struct resolve_ctx c = {.app = app, .dl = dl};
	size_t n = app->stack_nr;

	for (size_t i = 0; i < n; i++) {
		struct sm_stack *s = app->stacks[i];
		json_decref(s->template);
		s->template = NULL;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(app->stacks[j]->name, s->name)) {
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "two stacks are named '%s'", s->name);
				c.errors++;
			}
		}
		check_ids(&c, s);
	}
	targets_build(&c);
	for (size_t i = 0; i < n; i++)
		build_template(&c, app->stacks[i], i);
	free(c.slots);
	for (size_t i = 0; i < n; i++)
		finish_template(&c, app->stacks[i], i);
	for (size_t i = 0; i < n && !c.errors; i++) {
		const struct sm_stack **path = xcalloc(n + 1, sizeof(*path));
		struct strbuf desc = STRBUF_INIT;
		if (stack_cycle(app->stacks[i], path, 0, n + 1, &desc)) {
			struct diag *d =
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "stacks depend on each other in a cycle: %s", desc.buf);
			diag_set_hint(d, "move the resources that refer to each other into one "
					 "stack");
			c.errors++;
		}
		strbuf_release(&desc);
		free(path);
	}
	app->resolved = c.errors == 0;
	return c.errors ? -1 : 0;
}
