#include "analysis/validate.h"
#include "analysis/cfn_eval.h"
#include "analysis/cost.h"
#include "analysis/refs.h"
#include "analysis/secrets.h"
#include "analysis/validate_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

void vd_path_key(struct strbuf *p, const char *k)
{
	strbuf_addch(p, '.');
	strbuf_addstr(p, k);
}

void vd_path_index(struct strbuf *p, size_t i)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	*--q = ']';
	do {
		*--q = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	*--q = '[';
	strbuf_add(p, q, (size_t)(tmp + sizeof(tmp) - q));
}

static void lpath_write(struct vd_lpath *lp, struct vd_seg *s)
{
	if (!s || s->depth <= lp->written)
		return;
	lpath_write(lp, s->up);
	s->len_before = lp->sb->len;
	if (s->key)
		vd_path_key(lp->sb, s->key);
	else
		vd_path_index(lp->sb, s->index);
	lp->written = s->depth;
}

const char *vd_lpath_str(struct vd_lpath *lp, struct vd_seg *top)
{
	lpath_write(lp, top);
	return lp->sb->buf;
}

void vd_lpath_pop(struct vd_lpath *lp, const struct vd_seg *s)
{
	if (lp->written >= s->depth) {
		strbuf_setlen(lp->sb, s->len_before);
		lp->written = s->depth - 1;
	}
}

static void what_add(struct strbuf *sb, const struct what *w)
{
	if (w->parent) {
		what_add(sb, w->parent);
		strbuf_addch(sb, '.');
	}
	strbuf_addstr(sb, w->name);
}

char *vd_what_str(const struct what *w)
{
	struct strbuf sb = STRBUF_INIT;
	what_add(&sb, w);
	return strbuf_detach(&sb, NULL);
}

struct diag *vd_report(struct vctx *c, enum diag_severity sev, const char *path, const char *fmt,
		       ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int line = 0, col = 0;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (path)
		sm_template_position(c->t, path, &line, &col);
	/* a message may quote a value: never a secret one (issue 19, item 9) */
	char *masked = secret_mask_text(c->secrets, sb.buf);
	struct diag *d =
		diag_add(c->dl, sev, c->t->file, line, col, path, "%s", masked ? masked : sb.buf);
	free(masked);
	strbuf_release(&sb);
	if (sev == DIAG_ERROR)
		c->errors++;
	return d;
}

static const char *const pseudo[] = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
				     "AWS::Partition", "AWS::Region",		"AWS::StackId",
				     "AWS::StackName", "AWS::URLSuffix",	NULL};

bool vd_is_pseudo(const char *n)
{
	for (int i = 0; pseudo[i]; i++)
		if (!strcmp(pseudo[i], n))
			return true;
	return false;
}

bool vd_is_intrinsic(const json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) != 1)
		return false;
	/* the one key read, not iterated over: asked of nearly every value validated */
	const char *k = json_object_iter_key(json_object_iter((json_t *)v));
	return !strcmp(k, "Ref") || !strncmp(k, "Fn::", 4) || !strcmp(k, "Condition");
}

/*
 * A resource of a module the template uses: its name is the module's logical
 * ID then the resource's own in the module
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/modules-using.html),
 * so any name that starts with a module's ID may be one. Whether the
 * template uses a module is found once.
 */
static bool module_resource(struct vctx *c, const char *n)
{
	const char *id;
	json_t *r;
	if (c->has_modules == 0) {
		c->has_modules = 1;
		json_object_foreach ((json_t *)c->resources, id, r) {
			const char *t = sm_resource_type_of(r);
			size_t tl = t ? strlen(t) : 0;
			if (tl > 8 && !strcmp(t + tl - 8, "::MODULE"))
				c->has_modules = 2;
		}
	}
	if (c->has_modules == 1)
		return false;
	json_object_foreach ((json_t *)c->resources, id, r) {
		const char *t = sm_resource_type_of(r);
		size_t tl = t ? strlen(t) : 0, il = strlen(id);
		if (tl > 8 && !strcmp(t + tl - 8, "::MODULE") && strlen(n) > il &&
		    !strncmp(n, id, il))
			return true;
	}
	return false;
}

bool vd_is_resource(struct vctx *c, const char *n)
{
	return json_object_get(c->resources, n) || json_object_get(c->implied, n) ||
	       module_resource(c, n);
}

const char *vd_resource_type(struct vctx *c, const char *n)
{
	const json_t *r = json_object_get(c->resources, n);
	if (r)
		return json_string_value(json_object_get(r, "Type"));
	return json_string_value(json_object_get(c->implied, n));
}

/* ---- per template ---- */

static bool alnum_id(const char *id)
{
	if (!*id)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return strlen(id) <= CFN_MAX_LOGICAL_ID;
}

bool vd_is_no_value(const json_t *v)
{
	const char *r = json_string_value(json_object_get(v, "Ref"));
	return r && !strcmp(r, "AWS::NoValue");
}

/* Properties, or {"Fn::If": [cond, props, props]}: each branch on its own. */
static void check_properties(struct vctx *c, const json_t *sch, const json_t *props,
			     struct strbuf *path, const struct what *w)
{
	const json_t *fif = json_object_size(props) == 1 ? json_object_get(props, "Fn::If") : NULL;
	if (json_is_array(fif) && json_array_size(fif) == 3) {
		size_t base = path->len;
		for (size_t i = 1; i < 3; i++) {
			const json_t *b = json_array_get(fif, i);
			if (vd_is_no_value(b))
				continue;
			strbuf_addstr(path, ".Fn::If");
			vd_path_index(path, i);
			check_properties(c, sch, b, path, w);
			strbuf_setlen(path, base);
		}
		return;
	}
	json_t *empty = props ? NULL : json_object();
	vd_check_object_props(c, sch, props ? props : empty, path, w);
	json_decref(empty);
}

/*
 * A custom resource (Custom::NAME or AWS::CloudFormation::CustomResource)
 * takes ServiceToken, the one property AWS defines, and ServiceTimeout;
 * every other property belongs to its provider
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html).
 * Returns the properties the schema knows (a new reference), or the value
 * itself when it is not a plain object.
 */
static json_t *custom_resource_known_props(const json_t *sch, const json_t *props)
{
	if (!json_is_object(props) || json_object_get(props, "Fn::If"))
		return json_incref((json_t *)props);
	const json_t *known = json_object_get(sch, "p");
	json_t *out = json_object();
	const char *k;
	json_t *v;
	json_object_foreach ((json_t *)props, k, v) {
		if (json_object_get(known, k))
			json_object_set(out, k, v);
	}
	return out;
}

static bool is_custom_resource(const char *type)
{
	return !strncmp(type, "Custom::", 8) ||
	       !strcmp(type, "AWS::CloudFormation::CustomResource");
}

/*
 * A module's resources carry its own policies and tags: CloudFormation refuses
 * CreationPolicy, UpdatePolicy and Tags on the module resource, and reserves
 * the metadata key AWS::CloudFormation::Module
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/modules-using.html).
 */
static void check_module(struct vctx *c, const char *path, const json_t *r)
{
	static const char *const refused[] = {"CreationPolicy", "UpdatePolicy"};
	for (size_t i = 0; i < 2; i++)
		if (json_object_get(r, refused[i])) {
			char *p = xstrfmt("%s.%s", path, refused[i]);
			vd_report(c, DIAG_ERROR, p, "%s is not permitted on a module", refused[i]);
			free(p);
		}
	if (json_object_get(json_object_get(r, "Properties"), "Tags")) {
		char *p = xstrfmt("%s.Properties.Tags", path);
		vd_report(c, DIAG_ERROR, p, "Tags is not permitted on a module");
		free(p);
	}
	if (json_object_get(json_object_get(r, "Metadata"), "AWS::CloudFormation::Module")) {
		char *p = xstrfmt("%s.Metadata", path);
		vd_report(c, DIAG_ERROR, p,
			  "the metadata key AWS::CloudFormation::Module is reserved for modules");
		free(p);
	}
}

static void check_resource(struct vctx *c, const char *id, const json_t *r)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "Resources.%s", id);
	if (!alnum_id(id)) {
		struct diag *d = vd_report(c, DIAG_ERROR, path.buf,
					   "logical ID '%s' must be 1 to %d letters and digits", id,
					   CFN_MAX_LOGICAL_ID);
		if (!strncmp(id, "Fn::ForEach::", 13))
			diag_set_hint(d, "Fn::ForEach needs 'Transform: AWS::LanguageExtensions'");
	}
	if (!json_is_object(r)) {
		vd_report(c, DIAG_ERROR, path.buf, "a resource must be an object");
		goto out;
	}
	const char *type = sm_resource_type_of(r);
	if (!type) {
		vd_report(c, DIAG_ERROR, path.buf, "resource '%s' has no Type", id);
		goto out;
	}
	const json_t *sch = cfn_schema_resource(c->schema, type);
	size_t tlen = strlen(type);
	if (!sch && tlen > 8 && !strcmp(type + tlen - 8, "::MODULE")) {
		/* a module registered in the account: CloudFormation expands it at deploy
		 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/modules.html) */
		char *tp = xstrfmt("%s.Type", path.buf);
		vd_report(c, DIAG_WARNING, tp,
			  "module type '%s' is registered in an account: its properties are not "
			  "checked",
			  type);
		free(tp);
		check_module(c, path.buf, r);
		sch = NULL;
	} else if (!sch && c->implied && vd_sam_check_unschemed(c, type, r, path.buf)) {
		/* a SAM type the schema data lacks: its required properties were checked */
	} else if (!sch && strncmp(type, "Custom::", 8) && strcmp(type, "AWS::CDK::Metadata")) {
		/* AWS::CDK::Metadata is accepted by CloudFormation, without a registry schema */
		char *tp = xstrfmt("%s.Type", path.buf);
		struct diag *d = vd_report(c, DIAG_ERROR, tp, "unknown resource type '%s'", type);
		const char *s = cfn_schema_closest_type(c->schema, type);
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		free(tp);
	}
	const json_t *props = json_object_get(r, "Properties");
	if (is_custom_resource(type)) {
		sch = cfn_schema_resource(c->schema, "AWS::CloudFormation::CustomResource");
		json_t *known = custom_resource_known_props(sch, props);
		size_t base = path.len;
		const struct what w = {NULL, type};
		strbuf_addstr(&path, ".Properties");
		if (sch)
			check_properties(c, sch, known, &path, &w);
		strbuf_setlen(&path, base);
		json_decref(known);
		sch = NULL; /* the provider's properties are its own */
	}
	if (sch && c->implied && !strncmp(type, "AWS::Serverless::", 17))
		vd_check_sam_resource(c, type, r, sch, path.buf);
	if (sch) {
		size_t base = path.len;
		const struct what w = {NULL, type};
		strbuf_addstr(&path, ".Properties");
		check_properties(c, sch, props, &path, &w);
		strbuf_setlen(&path, base);
		vd_note_named(c, id, type, sch, r, props);
	}
	size_t base = path.len;
	strbuf_addstr(&path, ".Properties");
	vd_walk_intrinsics(c, props, &path);
	if (json_is_object(props)) {
		vd_check_policies(c, type, props, &path);
		vd_check_facts(c, type, props, &path);
		vd_check_pairs(c, type, props, &path);
		vd_check_extensions(c, id, type, r);
		vd_check_nested(c, type, props, &path);
	}
	strbuf_setlen(&path, base);
	json_t *deps = json_object_get(r, "DependsOn");
	json_t *list = json_is_string(deps) ? json_pack("[O]", deps) : json_incref(deps);
	size_t i;
	json_t *x;
	json_array_foreach (list, i, x) {
		const char *dep = json_string_value(x);
		if (dep && !vd_is_resource(c, dep)) {
			char *dp = xstrfmt("%s.DependsOn", path.buf);
			vd_report(c, DIAG_ERROR, dp, "DependsOn '%s', which is not a resource",
				  dep);
			free(dp);
		}
	}
	json_decref(list);
	const char *cond = json_string_value(json_object_get(r, "Condition"));
	if (cond && !json_object_get(c->conditions, cond))
		vd_report(c, DIAG_ERROR, path.buf, "condition '%s' is not defined", cond);
	static const char *const policies[] = {"Delete", "Retain", "RetainExceptOnCreate",
					       "Snapshot", NULL};
	for (int k = 0; k < 2; k++) {
		const char *attr = k ? "UpdateReplacePolicy" : "DeletionPolicy";
		const char *pv = json_string_value(json_object_get(r, attr));
		bool ok = !pv;
		for (int j = 0; pv && policies[j]; j++)
			ok |= !strcmp(pv, policies[j]);
		if (!ok)
			vd_report(c, DIAG_ERROR, path.buf,
				  "%s '%s' is not Delete, Retain, "
				  "RetainExceptOnCreate or Snapshot",
				  attr, pv);
	}
out:
	strbuf_release(&path);
}

static void check_limits(struct vctx *c)
{
	static const struct {
		const char *section;
		size_t max;
	} limits[] = {{"Resources", CFN_MAX_RESOURCES},
		      {"Parameters", CFN_MAX_PARAMETERS},
		      {"Outputs", CFN_MAX_OUTPUTS},
		      {"Mappings", CFN_MAX_MAPPINGS}};
	for (size_t i = 0; i < 4; i++) {
		size_t n = json_object_size(json_object_get(c->t->tmpl, limits[i].section));
		if (n > limits[i].max) {
			struct diag *d = vd_report(c, DIAG_ERROR, limits[i].section,
						   "%zu %s; CloudFormation allows %zu", n,
						   limits[i].section, limits[i].max);
			diag_set_hint(d, "split the stack");
		}
	}
	if (!json_object_size(json_object_get(c->t->tmpl, "Resources")))
		vd_report(c, DIAG_ERROR, NULL, "a template needs at least one resource");
	/*
	 * a template synthesized in memory is measured as deploy sends it,
	 * compact (src/lifecycle/deploy.c); a file as it is
	 */
	size_t bytes = c->t->source ? c->t->source_len : jio_json_compact_size(c->t->tmpl);
	if (bytes > CFN_MAX_TEMPLATE_BYTES)
		vd_report(c, DIAG_ERROR, NULL,
			  "template is %zu bytes; CloudFormation's limit is %d", bytes,
			  CFN_MAX_TEMPLATE_BYTES);
	else if (bytes > CFN_MAX_INLINE_TEMPLATE_BYTES) {
		/* deploy uploads it only when it is too long compact to go inline */
		size_t compact = c->t->source ? jio_json_compact_size(c->t->tmpl) : bytes;
		if (compact > CFN_MAX_INLINE_TEMPLATE_BYTES)
			vd_report(c, DIAG_NOTE, NULL,
				  "template is %zu bytes compact, above the %d bytes a request "
				  "can carry inline: deploy uploads it to the bootstrap bucket",
				  compact, CFN_MAX_INLINE_TEMPLATE_BYTES);
	}
}

static int validate_template(struct sm_template *t, struct cfn_schema *schema, struct diag_list *dl,
			     struct diag_list *quantities, json_t **imports)
{
	struct vctx c = {.t = t,
			 .schema = schema,
			 .dl = dl,
			 .tmpl = t->tmpl,
			 .secrets = secret_strings(t->tmpl),
			 .quantities = quantities};
	json_t *expanded = NULL;
	int unknown = 0;
	if (vd_has_transform(t->tmpl, "AWS::LanguageExtensions")) {
		expanded = vd_expand_foreach(t->tmpl, &unknown);
		c.tmpl = expanded;
		/* the quantities are the template's as written: checked by a walk of their own */
		if (quantities)
			cost_check_template_quantities(t, quantities);
		c.quantities = NULL;
		if (unknown)
			vd_report(&c, DIAG_NOTE, NULL,
				  "%d Fn::ForEach loop%s over a collection known only at deploy: "
				  "not expanded, not checked",
				  unknown, unknown > 1 ? "s" : "");
	}
	c.resources = json_object_get(c.tmpl, "Resources");
	c.parameters = json_object_get(c.tmpl, "Parameters");
	c.conditions = json_object_get(c.tmpl, "Conditions");
	c.mappings = json_object_get(c.tmpl, "Mappings");
	if (!json_is_object(c.resources)) {
		vd_report(&c, DIAG_ERROR, NULL, "a template needs a Resources object");
		json_decref(expanded);
		json_decref(c.secrets);
		return -1;
	}
	if (vd_has_transform(c.tmpl, "AWS::Serverless-2016-10-31"))
		c.implied = vd_sam_implied(c.resources);
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)c.resources, id, r) {
		if (!strncmp(id, "Fn::ForEach::", 13) && expanded)
			continue; /* a loop left unexpanded (noted above) */
		check_resource(&c, id, r);
	}
	struct strbuf path = STRBUF_INIT;
	json_t *outs = json_object_get(c.tmpl, "Outputs");
	json_object_foreach (outs, id, r) {
		if (!strncmp(id, "Fn::ForEach::", 13) && expanded)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "Outputs.%s", id);
		if (!json_object_get(r, "Value"))
			vd_report(&c, DIAG_ERROR, path.buf, "output '%s' has no Value", id);
		vd_walk_intrinsics(&c, r, &path);
	}
	json_object_foreach ((json_t *)c.conditions, id, r) {
		if (!strncmp(id, "Fn::ForEach::", 13) && expanded)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "Conditions.%s", id);
		vd_walk_intrinsics(&c, r, &path);
	}
	strbuf_release(&path);
	vd_check_parameters(&c);
	vd_check_conditions(&c);
	vd_check_mappings(&c);
	vd_check_rules(&c);
	/* the template as written: its imports are gathered on the cycle check's walk */
	if (!expanded)
		c.imports = *imports = json_array();
	vd_check_cycles(&c);
	vd_check_condition_cycles(&c);
	vd_check_secret_refs(&c);
	vd_check_elasticache(&c);
	vd_check_unique_ids(&c);
	check_limits(&c);
	cfn_worlds_free(c.worlds, c.worlds_nr);
	json_decref(c.implied);
	json_decref(expanded);
	json_decref(c.secrets);
	return c.errors ? -1 : 0;
}

/* The name of {"Fn::ImportValue": "name"}, or NULL for any other value. */
static json_t *import_name(const json_t *v)
{
	/* a one-key object's key read, not hashed: this walks every value */
	void *one = json_object_size(v) == 1 ? json_object_iter((json_t *)v) : NULL;
	if (one && !strcmp(json_object_iter_key(one), "Fn::ImportValue") &&
	    json_is_string(json_object_iter_value(one)))
		return json_object_iter_value(one);
	return NULL;
}

static void collect_imports(const json_t *v, json_t *out)
{
	if (json_is_object(v)) {
		json_t *name = import_name(v);
		if (name) {
			json_array_append(out, name);
			return;
		}
		json_t *x;
		jio_object_each_value ((json_t *)v, it, x) {
			if (json_is_object(x) || json_is_array(x)) /* a scalar imports nothing */
				collect_imports(x, out);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			if (json_is_object(x) || json_is_array(x))
				collect_imports(x, out);
		}
	}
}

/*
 * collect_imports of the Resources section, with each resource's Properties
 * taken from `gathered` (one array a resource, in order: the names the cycle
 * check's walk found there, in collect_imports' order) rather than walked
 * again; NULL or anything unexpected: walked.
 */
static void resource_imports(const json_t *res, const json_t *gathered, json_t *out)
{
	if (!gathered || !json_is_object(res) || import_name(res) ||
	    json_array_size(gathered) != json_object_size(res)) {
		collect_imports(res, out);
		return;
	}
	size_t i = 0;
	json_t *r;
	jio_object_each_value ((json_t *)res, it, r) {
		const json_t *props = json_array_get(gathered, i++);
		if (!json_is_object(r) || import_name(r)) {
			collect_imports(r, out);
			continue;
		}
		const char *k;
		json_t *x;
		jio_object_each (r, rit, k, x) {
			if (!strcmp(k, "Properties"))
				json_array_extend(out, (json_t *)props);
			else if (json_is_object(x) || json_is_array(x))
				collect_imports(x, out);
		}
	}
}

/* Exports must be unique per region; imports must name an export of the assembly. */
static int check_exports(struct sm_assembly *a, struct diag_list *dl, json_t *const *gathered)
{
	json_t *exports = json_object(); /* "region|name" -> stack */
	int errors = 0;
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		const char *id;
		json_t *o;
		json_object_foreach (json_object_get(t->tmpl, "Outputs"), id, o) {
			const char *name = json_string_value(
				json_object_get(json_object_get(o, "Export"), "Name"));
			if (!name)
				continue;
			char *key = xstrfmt("%s|%s", t->region ? t->region : "", name);
			json_t *prev = json_object_get(exports, key);
			if (prev) {
				char *path = xstrfmt("Outputs.%s.Export.Name", id);
				diag_add(dl, DIAG_ERROR, t->file, 0, 0, path,
					 "export '%s' is also exported by stack '%s' in the same "
					 "region",
					 name, json_string_value(prev));
				free(path);
				errors++;
			} else {
				json_object_set_new(exports, key, json_string(t->stack_name));
			}
			free(key);
		}
	}
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		json_t *imports = json_array();
		resource_imports(json_object_get(t->tmpl, "Resources"), gathered[i], imports);
		collect_imports(json_object_get(t->tmpl, "Outputs"), imports);
		size_t k;
		json_t *iv;
		/* string-literal imports only: a computed name is checked at deploy */
		json_array_foreach (imports, k, iv) {
			const char *name = json_string_value(iv);
			char *key = xstrfmt("%s|%s", t->region ? t->region : "", name);
			/* a template that did not parse may be the exporter: say nothing */
			if (!a->invalid_nr && !json_object_get(exports, key)) {
				diag_add(dl, a->nr > 1 ? DIAG_ERROR : DIAG_WARNING, t->file, 0, 0,
					 NULL,
					 "Fn::ImportValue of '%s', which no stack of %s exports",
					 name, a->nr > 1 ? "this assembly" : "these templates");
				if (a->nr > 1)
					errors++;
			}
			free(key);
		}
		json_decref(imports);
	}
	json_decref(exports);
	return errors ? -1 : 0;
}

int validate_assembly(struct sm_assembly *a, struct cfn_schema *schema, struct diag_list *dl)
{
	return validate_assembly_quantities(a, schema, dl, NULL);
}

int validate_assembly_quantities(struct sm_assembly *a, struct cfn_schema *schema,
				 struct diag_list *dl, struct diag_list *quantities)
{
	int ret = 0;
	json_t **gathered = xcalloc(a->nr + 1, sizeof(*gathered)); /* imports, per template */
	for (size_t i = 0; i < a->nr; i++)
		if (validate_template(&a->items[i], schema, dl, quantities, &gathered[i]) < 0)
			ret = -1;
	if (check_exports(a, dl, gathered) < 0)
		ret = -1;
	for (size_t i = 0; i < a->nr; i++)
		json_decref(gathered[i]);
	free(gathered);
	return ret;
}
