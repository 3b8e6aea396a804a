#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/common.h"
#include "base/xalloc.h"
#include "engine/engine_int.h"

struct sm_app *sm_app_new(void)
{
	return xcalloc(1, sizeof(struct sm_app));
}

static void free_tags(struct sm_tag *tags, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(tags[i].key);
		free(tags[i].value);
	}
	free(tags);
}

/*
 * Under an arena, releasing JSON values frees nothing (arena_end() does it
 * all at once) yet walks every tree: skip that walk. What was allocated
 * before arena_begin() cannot be freed while it is active either way.
 */
static void release_json(json_t *v, bool walk)
{
	if (walk)
		json_decref(v);
}

static void resource_free(struct sm_resource *r, bool walk)
{
	free(r->id);
	free(r->given_id);
	free(r->type);
	release_json(r->props, walk);
	release_json(r->metadata, walk);
	for (size_t i = 0; i < r->depends_nr; i++)
		free(r->depends_on[i]);
	free(r->depends_on);
	free(r->deletion_policy);
	free(r->update_replace_policy);
	free(r->condition);
	release_json(r->ref_target, walk);
	for (size_t i = 0; i < r->att_nr; i++) {
		free(r->att[i].attr);
		release_json(r->att[i].target, walk);
	}
	free(r->att);
	free(r);
}

static void stack_free(struct sm_stack *s)
{
	bool walk = !arena_active();
	for (size_t i = 0; i < s->res_nr; i++)
		resource_free(s->resources[i], walk);
	free(s->resources);
	release_json(s->parameters, walk);
	release_json(s->conditions, walk);
	release_json(s->mappings, walk);
	release_json(s->transforms, walk);
	release_json(s->lookups, walk);
	release_json(s->manifest_meta, walk);
	for (size_t i = 0; i < s->out_nr; i++) {
		free(s->outputs[i].name);
		release_json(s->outputs[i].value, walk);
		free(s->outputs[i].description);
		free(s->outputs[i].export_name);
	}
	free(s->outputs);
	free_tags(s->tags, s->tag_nr);
	free(s->deps);
	for (size_t i = 0; i < s->xr_nr; i++) {
		free(s->xr[i].parameter);
		free(s->xr[i].producer_stack);
		free(s->xr[i].output);
	}
	free(s->xr);
	release_json(s->template, walk);
	release_json(s->gen_outputs, walk);
	release_json(s->gen_params, walk);
	free(s->name);
	free(s->account);
	free(s->region);
	free(s->description);
	free(s);
}

void sm_app_free(struct sm_app *app)
{
	if (!app)
		return;
	for (size_t i = 0; i < app->stack_nr; i++)
		stack_free(app->stacks[i]);
	free(app->stacks);
	free_tags(app->tags, app->tag_nr);
	free(app);
}

void sm_add_tag(struct sm_tag **tags, size_t *nr, size_t *alloc, const char *k, const char *v)
{
	for (size_t i = 0; i < *nr; i++) {
		if (!strcmp((*tags)[i].key, k)) {
			free((*tags)[i].value);
			(*tags)[i].value = xstrdup(v);
			return;
		}
	}
	ALLOC_GROW(*tags, *nr + 1, *alloc);
	(*tags)[*nr].key = xstrdup(k);
	(*tags)[*nr].value = xstrdup(v);
	(*nr)++;
}

void sm_app_add_tag(struct sm_app *app, const char *key, const char *value)
{
	sm_add_tag(&app->tags, &app->tag_nr, &app->tag_alloc, key, value);
	app->resolved = false;
}

size_t sm_app_stack_count(const struct sm_app *app)
{
	return app->stack_nr;
}

void sm_app_remove_empty_stacks(struct sm_app *app)
{
	bool *keep = xcalloc(app->stack_nr ? app->stack_nr : 1, sizeof(bool));
	size_t j = 0;

	/* decide first, free after: a freed stack must not be looked at again */
	for (size_t i = 0; i < app->stack_nr; i++) {
		struct sm_stack *s = app->stacks[i];
		keep[i] = s->res_nr || s->out_nr;
		for (size_t k = 0; !keep[i] && k < app->stack_nr; k++)
			for (size_t d = 0; d < app->stacks[k]->dep_nr; d++)
				if (app->stacks[k]->deps[d] == s)
					keep[i] = true;
	}
	for (size_t i = 0; i < app->stack_nr; i++) {
		if (keep[i])
			app->stacks[j++] = app->stacks[i];
		else
			stack_free(app->stacks[i]);
	}
	app->stack_nr = j;
	free(keep);
}

struct sm_stack *sm_app_stack_at(const struct sm_app *app, size_t i)
{
	return i < app->stack_nr ? app->stacks[i] : NULL;
}

struct sm_stack *sm_app_find_stack(const struct sm_app *app, const char *name)
{
	for (size_t i = 0; i < app->stack_nr; i++)
		if (!strcmp(app->stacks[i]->name, name))
			return app->stacks[i];
	return NULL;
}

/* ---- stacks ---- */

struct sm_stack *sm_stack_new(struct sm_app *app, const char *name,
			      const struct sm_stack_props *props)
{
	struct sm_stack *s = xcalloc(1, sizeof(*s));
	s->app = app;
	s->name = xstrdup(name);
	if (props) {
		s->account = props->account ? xstrdup(props->account) : NULL;
		s->region = props->region ? xstrdup(props->region) : NULL;
		s->description = props->description ? xstrdup(props->description) : NULL;
		s->termination_protection = props->termination_protection;
	}
	s->parameters = json_object();
	s->gen_outputs = json_object();
	s->gen_params = json_object();
	s->conditions = json_object();
	s->mappings = json_object();
	s->transforms = json_array();
	s->lookups = json_array();
	s->manifest_meta = json_array();
	ALLOC_GROW(app->stacks, app->stack_nr + 1, app->stack_alloc);
	app->stacks[app->stack_nr++] = s;
	app->resolved = false;
	return s;
}

const char *sm_stack_name(const struct sm_stack *s)
{
	return s->name;
}

const char *sm_stack_account(const struct sm_stack *s)
{
	return s->account;
}

const char *sm_stack_region(const struct sm_stack *s)
{
	return s->region;
}

bool sm_stack_termination_protection(const struct sm_stack *s)
{
	return s->termination_protection;
}

const json_t *sm_stack_lookups(const struct sm_stack *s)
{
	return s->lookups;
}

struct sm_app *sm_stack_app(const struct sm_stack *s)
{
	return s->app;
}

void sm_stack_add_dep_unique(struct sm_stack *s, struct sm_stack *on)
{
	if (s == on)
		return;
	for (size_t i = 0; i < s->dep_nr; i++)
		if (s->deps[i] == on)
			return;
	ALLOC_GROW(s->deps, s->dep_nr + 1, s->dep_alloc);
	s->deps[s->dep_nr++] = on;
}

void sm_stack_add_dependency(struct sm_stack *s, struct sm_stack *on)
{
	sm_stack_add_dep_unique(s, on);
}

void sm_stack_add_tag(struct sm_stack *s, const char *key, const char *value)
{
	sm_add_tag(&s->tags, &s->tag_nr, &s->tag_alloc, key, value);
}

size_t sm_stack_resource_count(const struct sm_stack *s)
{
	return s->res_nr;
}

struct sm_resource *sm_stack_resource_at(const struct sm_stack *s, size_t i)
{
	return i < s->res_nr ? s->resources[i] : NULL;
}

json_t *sm_stack_add_parameter(struct sm_stack *s, const char *name, json_t *def)
{
	json_object_set_new(s->parameters, name, def ? def : json_object());
	return sm_ref_name(name);
}

json_t *sm_stack_add_lookup_parameter(struct sm_stack *s, const char *name, json_t *def,
				      json_t *lookup)
{
	json_object_set_new(lookup, "parameter", json_string(name));
	json_array_append_new(s->lookups, lookup);
	return sm_stack_add_parameter(s, name, def);
}

json_t *sm_stack_add_prefix_list_parameter(struct sm_stack *s, const char *name, const char *list,
					   const char *description)
{
	char *what =
		description
			? NULL
			: xstrfmt("ID of the managed prefix list %s (solemate deploy looks it up)",
				  list);
	json_t *ref = sm_stack_add_lookup_parameter(
		s, name,
		json_pack("{ss ss ss}", "Type", "String", "AllowedPattern", "^pl-[0-9a-f]+$",
			  "Description", description ? description : what),
		json_pack("{ss ss}", "lookup", "ec2:managed-prefix-list", "name", list));
	free(what);
	return ref;
}

json_t *sm_stack_add_output_parameter(struct sm_stack *s, const char *name, const char *producer,
				      const char *output, const char *pattern,
				      const char *description)
{
	json_t *def = json_pack("{ss ss}", "Type", "String", "Default", "");
	if (pattern)
		json_object_set_new(def, "AllowedPattern", json_string(pattern));
	sm_object_set(def, "Description", json_string(description));
	return sm_stack_add_lookup_parameter(s, name, def,
					     json_pack("{ss ss ss sb}", "lookup",
						       "cloudformation:output", "stack", producer,
						       "output", output, "optional", 1));
}

json_t *sm_stack_add_condition(struct sm_stack *s, const char *name, json_t *expr)
{
	json_object_set_new(s->conditions, name, expr);
	return json_pack("{ss}", "Condition", name);
}

void sm_stack_add_mapping(struct sm_stack *s, const char *name, json_t *map)
{
	json_object_set_new(s->mappings, name, map);
}

void sm_stack_add_transform(struct sm_stack *s, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach (s->transforms, i, v) {
		if (!strcmp(json_string_value(v), name))
			return;
	}
	json_array_append_new(s->transforms, json_string(name));
}

void sm_stack_add_manifest_metadata(struct sm_stack *s, const char *type, json_t *data)
{
	json_array_append_new(s->manifest_meta, json_pack("{ss so}", "type", type, "data", data));
}

void sm_stack_add_output(struct sm_stack *s, const char *name, json_t *value,
			 const char *description, const char *export_name)
{
	ALLOC_GROW(s->outputs, s->out_nr + 1, s->out_alloc);
	struct sm_output *o = &s->outputs[s->out_nr++];
	o->name = xstrdup(name);
	o->value = value;
	o->description = description ? xstrdup(description) : NULL;
	o->export_name = export_name ? xstrdup(export_name) : NULL;
}

size_t sm_stack_dependency_count(const struct sm_stack *s)
{
	return s->dep_nr;
}

const struct sm_stack *sm_stack_dependency_at(const struct sm_stack *s, size_t i)
{
	return i < s->dep_nr ? s->deps[i] : NULL;
}

const json_t *sm_stack_template(const struct sm_stack *s)
{
	return s->template;
}

/* ---- resources ---- */

char *sm_sanitize_id(const char *given)
{
	size_t n = strlen(given), j = 0;
	char *id = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = given[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			id[j++] = c;
	}
	id[j] = '\0';
	return id;
}

struct sm_resource *sm_resource_new(struct sm_stack *s, const char *logical_id, const char *type,
				    json_t *props)
{
	struct sm_resource *r = xcalloc(1, sizeof(*r));
	r->stack = s;
	r->given_id = xstrdup(logical_id);
	r->id = sm_sanitize_id(logical_id);
	r->type = xstrdup(type);
	r->props = props ? props : json_object();
	ALLOC_GROW(s->resources, s->res_nr + 1, s->res_alloc);
	s->resources[s->res_nr++] = r;
	s->app->resolved = false;
	return r;
}

struct sm_resource *sm_stack_find_resource(const struct sm_stack *s, const char *id)
{
	for (size_t i = 0; i < s->res_nr; i++)
		if (!strcmp(s->resources[i]->id, id))
			return s->resources[i];
	return NULL;
}

const char *sm_resource_id(const struct sm_resource *r)
{
	return r->id;
}

const char *sm_resource_type(const struct sm_resource *r)
{
	return r->type;
}

struct sm_stack *sm_resource_stack(const struct sm_resource *r)
{
	return r->stack;
}

json_t *sm_resource_props(struct sm_resource *r)
{
	return r->props;
}

void sm_resource_set(struct sm_resource *r, const char *key, json_t *value)
{
	r->stack->app->resolved = false;
	json_object_set_new(r->props, key, value);
}

void sm_resource_depends_on(struct sm_resource *r, const struct sm_resource *on)
{
	r->stack->app->resolved = false;
	for (size_t i = 0; i < r->depends_nr; i++)
		if (!strcmp(r->depends_on[i], on->id))
			return;
	ALLOC_GROW(r->depends_on, r->depends_nr + 1, r->depends_alloc);
	r->depends_on[r->depends_nr++] = xstrdup(on->id);
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = v ? xstrdup(v) : NULL;
}

void sm_resource_set_deletion_policy(struct sm_resource *r, const char *policy)
{
	r->stack->app->resolved = false;
	set_str(&r->deletion_policy, policy);
}

void sm_resource_set_update_replace_policy(struct sm_resource *r, const char *policy)
{
	r->stack->app->resolved = false;
	set_str(&r->update_replace_policy, policy);
}

void sm_resource_set_condition(struct sm_resource *r, const char *condition)
{
	r->stack->app->resolved = false;
	set_str(&r->condition, condition);
}

void sm_resource_set_metadata(struct sm_resource *r, const char *key, json_t *value)
{
	r->stack->app->resolved = false;
	if (!r->metadata)
		r->metadata = json_object();
	json_object_set_new(r->metadata, key, value);
}

void sm_resource_skip_tags(struct sm_resource *r)
{
	r->stack->app->resolved = false;
	r->skip_tags = true;
}

void sm_resource_suppress(struct sm_resource *r, const char *rule_id, const char *reason)
{
	sm_resource_suppress_until(r, rule_id, reason, NULL, NULL);
}

/* Metadata.cdk_nag.rules_to_suppress of `r`, made when missing. */
static json_t *suppressions(struct sm_resource *r)
{
	r->stack->app->resolved = false;
	if (!r->metadata)
		r->metadata = json_object();
	json_t *nag = json_object_get(r->metadata, "cdk_nag");
	if (!nag) {
		nag = json_object();
		json_object_set_new(r->metadata, "cdk_nag", nag);
	}
	json_t *list = json_object_get(nag, "rules_to_suppress");
	if (!list) {
		list = json_array();
		json_object_set_new(nag, "rules_to_suppress", list);
	}
	return list;
}

/*
 * One entry of `list`: {"reason", "id"[, "expires"][, "source"]}. `why` is the
 * reason as a JSON string, shared by the entries of one acceptance (a
 * paragraph, copied and scanned for each of a rule's cdk-nag IDs before),
 * or NULL to pack `reason` itself (a string jansson refuses).
 */
static void suppress_into(json_t *list, json_t *why, const char *rule_id, const char *reason,
			  const char *expires, const char *source)
{
	json_t *entry = why ? json_pack("{sO ss}", "reason", why, "id", rule_id)
			    : json_pack("{ss ss}", "reason", reason ? reason : "", "id", rule_id);
	if (expires)
		json_object_set_new(entry, "expires", json_string(expires));
	if (source)
		json_object_set_new(entry, "source", json_string(source));
	json_array_append_new(list, entry);
}

void sm_resource_suppress_until(struct sm_resource *r, const char *rule_id, const char *reason,
				const char *expires, const char *source)
{
	suppress_into(suppressions(r), NULL, rule_id, reason, expires, source);
}

/* Member `key` of entry `e`, a string: looked for first at `place`, where
 * suppress_into puts it, before hashing. */
static const char *entry_string(const json_t *e, const char *key, int place)
{
	void *it = json_object_iter((json_t *)e);
	for (int i = 0; it && i < place; i++)
		it = json_object_iter_next((json_t *)e, it);
	if (it && !strcmp(json_object_iter_key(it), key))
		return json_string_value(json_object_iter_value(it));
	return json_string_value(json_object_get(e, key));
}

/* `list` holds an entry of `id` with `reason` already. */
static bool suppressed_with(const json_t *list, const char *id, const char *reason)
{
	size_t i;
	const json_t *e;
	json_array_foreach (list, i, e) {
		const char *eid = entry_string(e, "id", 1);
		if (!eid || strcmp(eid, id))
			continue;
		const char *ereason = entry_string(e, "reason", 0);
		if (ereason && !strcmp(ereason, reason))
			return true;
	}
	return false;
}

void sm_resource_accept_as(struct sm_resource *r, const char *rule_id, const char *nag_ids,
			   const char *reason, const char *expires, const char *source)
{
	json_t *list = suppressions(r);
	json_t *why = json_string(reason ? reason : "");
	suppress_into(list, why, rule_id, reason, expires, source);
	for (const char *p = nag_ids; p && *p;) {
		size_t n = strcspn(p, " ");
		char *id = xstrndup(p, n);
		if (!suppressed_with(list, id, reason ? reason : ""))
			suppress_into(list, why, id, reason, expires, source);
		free(id);
		p += n + strspn(p + n, " ");
	}
	json_decref(why);
}

void sm_app_set_rule_catalog(struct sm_app *app, const char *(*nag_ids_of)(const char *rule_id))
{
	app->nag_ids_of = nag_ids_of;
}

void sm_resource_accept(struct sm_resource *r, const char *rule_id, const char *reason)
{
	const char *(*nag_ids_of)(const char *) = r->stack->app->nag_ids_of;
	const char *nag_ids = nag_ids_of ? nag_ids_of(rule_id) : "";
	if (!nag_ids) {
		/* the synthesis fails here, naming the rule (resolve reports the marker) */
		char *msg = xstrfmt("no rule '%s' to accept a finding of", rule_id);
		json_array_append_new(suppressions(r), sm_pack_error_new(msg));
		free(msg);
		return;
	}
	sm_resource_accept_as(r, rule_id, nag_ids, reason, NULL, NULL);
}
