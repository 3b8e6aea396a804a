/*
 * An environment's accepted findings ("acceptances" in its configuration):
 * each names a check rule, a resource, the reason (required, as cdk-nag
 * requires one of 10 characters or more) and optionally the day it expires.
 * The rule and resource are known only once the app is built and the rules
 * are at hand, so they are checked by solemate_accept_findings; here the
 * shape of each entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/date.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "lib/config_int.h"

/* cdk-nag ignores a suppression whose reason is shorter (and so does check) */
#define ACCEPTANCE_MIN_REASON 10

static const char *const entry_keys[] = {"rule", "resource", "reason", "expires"};
#define N_ENTRY_KEYS (sizeof(entry_keys) / sizeof(entry_keys[0]))

static char *entry_string(struct cfg_ctx *c, const json_t *e, const char *key, const char *path,
			  bool required)
{
	const json_t *v = json_object_get(e, key);
	if (!v) {
		if (required) {
			struct diag *d = cfg_error_at(c, path, "acceptance without '%s'", key);
			diag_set_hint(d, "an acceptance is {\"rule\": \"SM-...\", \"resource\": "
					 "\"LogicalId\", \"reason\": \"why\", \"expires\": "
					 "\"YYYY-MM-DD\"} (expires optional)");
		}
		return NULL;
	}
	char *at = xstrfmt("%s.%s", path, key);
	char *out = NULL;
	if (!json_is_string(v) || !json_string_length(v))
		cfg_error_at(c, at, "'%s' must be a non-empty string, not %s", key,
			     json_is_string(v) ? "an empty one" : cfg_json_type_name(v));
	else
		out = xstrdup(json_string_value(v));
	free(at);
	return out;
}

static void load_entry(struct cfg_ctx *c, const json_t *e, const char *path,
		       struct env_acceptance *a)
{
	const char *key;
	json_t *v;
	json_object_foreach ((json_t *)e, key, v) {
		bool known = false;
		for (size_t k = 0; k < N_ENTRY_KEYS; k++)
			known |= !strcmp(key, entry_keys[k]);
		if (known)
			continue;
		char *at = xstrfmt("%s.%s", path, key);
		struct diag *d = cfg_error_at(c, at, "unknown key '%s' in an acceptance", key);
		const char *s = suggest_closest(key, entry_keys, N_ENTRY_KEYS);
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		else
			diag_set_hint(d, "an acceptance has rule, resource, reason and expires");
		free(at);
	}
	a->rule = entry_string(c, e, "rule", path, true);
	a->resource = entry_string(c, e, "resource", path, true);
	a->reason = entry_string(c, e, "reason", path, true);
	a->expires = entry_string(c, e, "expires", path, false);
	if (a->reason && strlen(a->reason) < ACCEPTANCE_MIN_REASON) {
		char *at = xstrfmt("%s.reason", path);
		struct diag *d = cfg_error_at(c, at, "the reason '%s' says too little", a->reason);
		diag_set_hint(d,
			      "say why the finding is accepted, in a sentence a reviewer "
			      "would accept (cdk-nag ignores reasons under %d characters)",
			      ACCEPTANCE_MIN_REASON);
		free(at);
	}
	if (a->expires && !date_parse(a->expires, NULL)) {
		char *at = xstrfmt("%s.expires", path);
		struct diag *d = cfg_error_at(c, at, "'%s' is not a date YYYY-MM-DD", a->expires);
		diag_set_hint(d, "e.g. \"2027-06-30\": after that day check reports the finding "
				 "again, and the acceptance itself");
		free(at);
	}
	/* where the rule and the resource are written, for the errors of a later stage */
	if (!c->pos)
		c->pos = jio_posmap_build(c->text, c->len);
	char *at = xstrfmt("%s.rule", path);
	jio_posmap_lookup(c->pos, at, &a->rule_line, &a->rule_col);
	free(at);
	at = xstrfmt("%s.resource", path);
	jio_posmap_lookup(c->pos, at, &a->resource_line, &a->resource_col);
	free(at);
}

void cfg_load_acceptances(struct cfg_ctx *c, const json_t *v, struct env_config *cfg)
{
	if (!json_is_array(v)) {
		cfg_error_at(c, "acceptances", "'acceptances' must be an array, not %s",
			     cfg_json_type_name(v));
		return;
	}
	size_t n = json_array_size(v);
	cfg->acceptances = xcalloc(n ? n : 1, sizeof(*cfg->acceptances));
	for (size_t i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);
		char *path = xstrfmt("acceptances[%zu]", i);
		if (!json_is_object(e))
			cfg_error_at(c, path, "an acceptance must be an object, not %s",
				     cfg_json_type_name(e));
		else
			load_entry(c, e, path, &cfg->acceptances[cfg->acceptance_nr++]);
		free(path);
	}
}

void cfg_release_acceptances(struct env_config *cfg)
{
	for (size_t i = 0; i < cfg->acceptance_nr; i++) {
		struct env_acceptance *a = &cfg->acceptances[i];
		free(a->rule);
		free(a->resource);
		free(a->reason);
		free(a->expires);
	}
	free(cfg->acceptances);
	cfg->acceptances = NULL;
	cfg->acceptance_nr = 0;
}

json_t *cfg_acceptances_schema(void)
{
	return json_pack(
		"{ss ss s{ss s{s{ss ss} s{ss ss} s{ss ss si} s{ss ss ss}} s[sss] sb}}", "type",
		"array", "description",
		"Findings accepted on this environment's resources: each names a check rule "
		"(solemate check --rules), a resource's logical ID, the reason (required) and "
		"optionally the day it expires, after which check reports the finding again "
		"and the expired acceptance itself. Written into the resource's Metadata with "
		"the rule's cdk-nag IDs (docs/environments.md).",
		"items", "type", "object", "properties", "rule", "type", "string", "description",
		"A check rule ID, e.g. SM-RDS-003.", "resource", "type", "string", "description",
		"The logical ID of the resource, e.g. DatabaseInstance.", "reason", "type",
		"string", "description", "Why the finding is accepted.", "minLength",
		ACCEPTANCE_MIN_REASON, "expires", "type", "string", "format", "date", "description",
		"YYYY-MM-DD; the acceptance lapses after that day.", "required", "rule", "resource",
		"reason", "additionalProperties", 0);
}
