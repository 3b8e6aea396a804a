/* Reading a configuration document through its key table (config_int.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "lib/config_int.h"

static void where(struct cfg_ctx *c, const char *path, int *line, int *col)
{
	*line = *col = 0;
	if (!c->pos) /* built only when there is an error to place */
		c->pos = jio_posmap_build(c->text, c->len);
	jio_posmap_lookup(c->pos, path, line, col);
}

struct diag *cfg_error_at(struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	const char *file = c->file;
	struct strbuf from_set = STRBUF_INIT;
	line = col = 0;
	for (size_t i = 0; i < c->set_nr; i++) {
		size_t klen = strcspn(c->sets[i], "=");
		/* a value (or a member of one) given by --set is reported as such */
		if (!strncmp(c->sets[i], path, klen) && (!path[klen] || path[klen] == '.'))
			strbuf_addf(&from_set, "--set %s", c->sets[i]);
	}
	if (from_set.len)
		file = from_set.buf;
	else
		where(c, path, &line, &col);
	struct diag *d =
		diag_add(c->dl, DIAG_ERROR, file, line, col, path[0] ? path : NULL, "%s", sb.buf);
	strbuf_release(&from_set);
	strbuf_release(&sb);
	c->errors++;
	return d;
}

static const char *closest_key(const struct key_def *defs, size_t n, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		size_t d = suggest_distance(name, defs[i].name);
		if (d < best_d) {
			best_d = d;
			best = defs[i].name;
		}
	}
	return best && suggest_close_enough(best_d, name) ? best : NULL;
}

static const char *type_name(enum key_type t)
{
	switch (t) {
	case K_STRING:
		return "a string";
	case K_INT:
		return "an integer";
	case K_BOOL:
		return "true or false";
	default:
		return "a number";
	}
}

const char *cfg_json_type_name(const json_t *v)
{
	if (!v)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

void cfg_set_default(const struct key_def *k, void *base)
{
	char *field = (char *)base + k->offset;
	switch (k->type) {
	case K_STRING:
		*(char **)field = k->def_str ? xstrdup(k->def_str) : NULL;
		break;
	case K_INT:
		*(int *)field = (int)k->def_num;
		break;
	case K_BOOL:
		*(bool *)field = k->def_num != 0;
		break;
	case K_NUMBER:
		*(double *)field = k->def_num;
		break;
	}
}

static void load_value(struct cfg_ctx *c, const struct key_def *k, const json_t *v, void *base,
		       const char *path)
{
	char *field = (char *)base + k->offset;
	bool ok;

	switch (k->type) {
	case K_STRING:
		ok = json_is_string(v);
		break;
	case K_INT:
		ok = json_is_integer(v);
		break;
	case K_BOOL:
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_is_number(v);
		break;
	}
	if (!ok) {
		struct diag *d = cfg_error_at(c, path, "'%s' must be %s, not %s", k->name,
					      type_name(k->type), cfg_json_type_name(v));
		if (k->type == K_INT && json_is_string(v))
			diag_set_hint(d, "write the number without quotes");
		else if (k->type == K_STRING && !json_is_string(v))
			diag_set_hint(d, "put the value in double quotes");
		return;
	}
	switch (k->type) {
	case K_STRING: {
		const char *s = json_string_value(v);
		if (strlen(s) != json_string_length(v)) {
			cfg_error_at(c, path, "'%s' contains a NUL character", k->name);
			return;
		}
		if (k->values) {
			bool found = false;
			struct strbuf all = STRBUF_INIT;
			for (int i = 0; k->values[i]; i++) {
				found |= !strcmp(s, k->values[i]);
				strbuf_addf(&all, "%s%s", i ? ", " : "", k->values[i]);
			}
			if (!found) {
				struct diag *d = cfg_error_at(c, path,
							      "'%s' is not one of the values "
							      "'%s' accepts",
							      s, k->name);
				diag_set_hint(d, "one of: %s", all.buf);
				strbuf_release(&all);
				return;
			}
			strbuf_release(&all);
		}
		if (k->check && k->check(c, path, s) < 0)
			return;
		free(*(char **)field);
		*(char **)field = xstrdup(s);
		break;
	}
	case K_INT: {
		json_int_t n = json_integer_value(v);
		if ((double)n < k->min || (double)n > k->max) {
			cfg_error_at(c, path,
				     "'%s' is %" JSON_INTEGER_FORMAT
				     "; it must be between %.0f and %.0f",
				     k->name, n, k->min, k->max);
			return;
		}
		*(int *)field = (int)n;
		break;
	}
	case K_BOOL:
		*(bool *)field = json_is_true(v);
		break;
	case K_NUMBER: {
		double d = json_number_value(v);
		if (!isfinite(d) || d < k->min || d > k->max) {
			cfg_error_at(c, path, "'%s' is %g; it must be between %g and %g", k->name,
				     d, k->min, k->max);
			return;
		}
		*(double *)field = d;
		break;
	}
	}
}

void cfg_load_object(struct cfg_ctx *c, const json_t *obj, const struct key_table *t, void *base,
		     const char *prefix)
{
	const struct key_def *defs = t->defs;
	size_t n = t->n;
	const char *name;
	json_t *v;

	for (size_t i = 0; i < n; i++)
		cfg_set_default(&defs[i], base);
	json_object_foreach ((json_t *)obj, name, v) {
		char *path = prefix ? xstrfmt("%s.%s", prefix, name) : xstrdup(name);
		const struct key_def *k = NULL;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(defs[i].name, name))
				k = &defs[i];
		if (!prefix && t->usage && !strcmp(name, "usage")) {
			if (!json_is_object(v))
				cfg_error_at(c, path, "'usage' must be an object, not %s",
					     cfg_json_type_name(v));
			else
				cfg_load_object(c, v, t->usage, base, "usage");
		} else if (!strcmp(name, "$schema") && !prefix) {
			/* editors' pointer to config/schema.json */
		} else if (!k) {
			struct diag *d = cfg_error_at(c, path, "unknown key '%s'", name);
			const char *s = closest_key(defs, n, name);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			else
				diag_set_hint(d, "see config/%s for the keys", t->schema_file);
		} else {
			load_value(c, k, v, base, path);
		}
		free(path);
	}
	for (size_t i = 0; i < n; i++) {
		if (defs[i].required && !json_object_get(obj, defs[i].name)) {
			struct diag *d = diag_add(c->dl, DIAG_ERROR, c->file, 0, 0, NULL,
						  "missing required key '%s'", defs[i].name);
			diag_set_hint(d, "%s", defs[i].description);
			c->errors++;
		}
	}
}

/*
 * Apply "a.b=value" over the document: the value is read as JSON when it is
 * one (numbers, true/false, quoted strings, objects), else taken as a string,
 * so that `--set ecsMaxCapacity=40` and `--set domainName=shop.example` both
 * do what they say. Intermediate objects are created. 0, or -1 + diag.
 */
static int apply_set(json_t *root, const char *set, struct diag_list *dl)
{
	const char *eq = strchr(set, '=');
	if (!eq || eq == set) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, "--set", 0, 0, NULL, "'%s' is not key=value", set);
		diag_set_hint(
			d,
			"e.g. --set ecsMaxCapacity=40 or --set usage.requestsPerUserPerMinute=6");
		return -1;
	}
	char *key = xstrndup(set, (size_t)(eq - set));
	json_t *value = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	if (!value)
		value = json_string(eq + 1);
	if (!value) { /* not valid UTF-8 */
		diag_add(dl, DIAG_ERROR, "--set", 0, 0, key, "the value is not valid UTF-8");
		free(key);
		return -1;
	}
	json_t *obj = root;
	char *part = key;
	for (char *dot; (dot = strchr(part, '.')); part = dot + 1) {
		*dot = '\0';
		json_t *next = json_object_get(obj, part);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, part, next);
		}
		obj = next;
	}
	json_object_set_new(obj, part, value);
	free(key);
	return 0;
}

/*
 * The configuration's top-level object, the `--set` overrides applied (new
 * reference), or NULL with diagnostics. JSON or YAML by the file's
 * extension (auto-detected otherwise): the same keys, the same positions in
 * errors; a .json file gets JSON's errors, not YAML's.
 */
json_t *cfg_load_root(const char *file, const char *text, size_t len, const char *const *sets,
		      size_t set_nr, struct diag_list *dl)
{
	json_t *root;
	size_t flen = strlen(file);
	if ((flen > 5 && !strcmp(file + flen - 5, ".yaml")) ||
	    (flen > 4 && !strcmp(file + flen - 4, ".yml")))
		root = jio_load_yaml(file, text, len, dl);
	else if (flen > 5 && !strcmp(file + flen - 5, ".json"))
		root = jio_load_json(file, text, len, dl);
	else
		root = jio_load_auto(file, text, len, dl);
	if (!root)
		return NULL;
	if (!json_is_object(root)) {
		diag_add(dl, DIAG_ERROR, file, 1, 1, NULL,
			 "the configuration must be a JSON object, not %s",
			 cfg_json_type_name(root));
		json_decref(root);
		return NULL;
	}
	for (size_t i = 0; i < set_nr; i++) {
		if (apply_set(root, sets[i], dl) < 0) {
			json_decref(root);
			return NULL;
		}
	}
	return root;
}

void cfg_release_strings(const struct key_def *defs, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		if (defs[i].type != K_STRING)
			continue;
		char **f = (char **)((char *)base + defs[i].offset);
		free(*f);
		*f = NULL;
	}
}

json_t *cfg_schema_props(const struct key_def *defs, size_t n, json_t *required)
{
	json_t *props = json_object();
	for (size_t i = 0; i < n; i++) {
		const struct key_def *k = &defs[i];
		static const char *const jt[] = {"string", "integer", "boolean", "number"};
		json_t *p =
			json_pack("{ss ss}", "type", jt[k->type], "description", k->description);
		if (k->type == K_INT || k->type == K_NUMBER) {
			json_object_set_new(p, "minimum", json_real(k->min));
			json_object_set_new(p, "maximum", json_real(k->max));
		}
		if (k->values) {
			json_t *e = json_array();
			for (int j = 0; k->values[j]; j++)
				json_array_append_new(e, json_string(k->values[j]));
			json_object_set_new(p, "enum", e);
		}
		if (k->type == K_STRING && k->def_str)
			json_object_set_new(p, "default", json_string(k->def_str));
		else if (k->type == K_BOOL)
			json_object_set_new(p, "default", json_boolean(k->def_num != 0));
		else if (k->type != K_STRING && k->def_num)
			json_object_set_new(p, "default", json_real(k->def_num));
		json_object_set_new(props, k->name, p);
		if (k->required && required)
			json_array_append_new(required, json_string(k->name));
	}
	return props;
}

/* A JSON Schema of a configuration file; `props` and `required` are stolen. */
json_t *cfg_schema_document(const char *id, const char *title, json_t *props, json_t *required)
{
	return json_pack("{ss ss ss ss so so sb}", "$schema",
			 "https://json-schema.org/draft/2020-12/schema", "$id", id, "title", title,
			 "type", "object", "properties", props, "required", required,
			 "additionalProperties", 0);
}
