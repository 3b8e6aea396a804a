/*
 * The rule engine of `solemate check`: runs the rule tables over each
 * template, applies the suppressions carried in resource Metadata.
 */
#include "analysis/check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/check_ctx.h"
#include "analysis/reach.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static const struct resource_rule *const tables[] = {
	check_rules_s3, check_rules_rds, check_rules_ec2, check_rules_iam, check_rules_logs,
	check_rules_edge, check_rules_ecs, check_rules_misc, NULL
};

const struct sm_rule_meta nag_reason_rule = {
	"SM-NAG-001", SM_SEV_ERROR, "Suppression without a reason",
	"An accepted risk nobody can explain is an unreviewed one: auditors (PCI DSS 12.10) "
	"ask why each exception exists.",
	"Give every entry of Metadata.cdk_nag.rules_to_suppress a 'reason' a reviewer would "
	"accept (at least a sentence).",
	"PCI DSS 12.4", NULL
};

const struct sm_rule_meta *const *check_rules(void)
{
	static const struct sm_rule_meta **all;
	if (!all) {
		size_t n = 1, k = 0;
		for (const struct sm_rule_meta *const *r = reach_rules(); *r; r++)
			n++;
		for (int t = 0; tables[t]; t++)
			for (int i = 0; tables[t][i].meta; i++)
				n++;
		all = xcalloc(n + 1, sizeof(*all));
		for (int t = 0; tables[t]; t++)
			for (int i = 0; tables[t][i].meta; i++) {
				bool seen = false;
				for (size_t j = 0; j < k; j++)
					seen |= all[j] == tables[t][i].meta;
				if (!seen)
					all[k++] = tables[t][i].meta;
			}
		all[k++] = &nag_reason_rule;
		for (const struct sm_rule_meta *const *r = reach_rules(); *r; r++)
			all[k++] = *r;
		all[k] = NULL;
	}
	return (const struct sm_rule_meta *const *)all;
}

void check_report(struct check_ctx *c, const struct sm_rule_meta *meta, const char *id,
		  const char *prop, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT, path = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (id) {
		strbuf_addf(&path, "Resources.%s", id);
		if (prop)
			strbuf_addf(&path, ".Properties.%s", prop);
	}
	struct sm_finding *f = sm_findings_add(c->out, meta, c->t->stack_name, c->t->file, id,
					       path.len ? path.buf : NULL, "%s", msg.buf);
	if (path.len && !sm_template_position(c->t, path.buf, &f->line, &f->col) && id) {
		char *rp = xstrfmt("Resources.%s", id);
		sm_template_position(c->t, rp, &f->line, &f->col);
		free(rp);
	}
	strbuf_release(&msg);
	strbuf_release(&path);
}

const json_t *jget(const json_t *v, const char *dotted)
{
	char key[128];
	while (v && *dotted) {
		size_t n = strcspn(dotted, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		dotted += n + (dotted[n] == '.');
	}
	return v;
}

bool jtrue(const json_t *v)
{
	return json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

const char *jstr(const json_t *v)
{
	return json_string_value(v);
}

const char *ref_target(const json_t *v)
{
	const json_t *r = json_object_get(v, "Ref");
	if (json_is_string(r))
		return json_string_value(r);
	const json_t *g = json_object_get(v, "Fn::GetAtt");
	if (json_is_array(g))
		return json_string_value(json_array_get(g, 0));
	return NULL;
}

const char *ref_target_any(struct check_ctx *c, const json_t *v, struct sm_template **stack)
{
	const char *id = ref_target(v);
	*stack = c->t;
	if (id)
		return id;
	const char *name = json_string_value(json_object_get(v, "Fn::ImportValue"));
	const json_t *value = name ? sm_assembly_export(c->a, name, stack) : NULL;
	if (!value)
		*stack = c->t;
	return value ? ref_target(value) : NULL;
}

bool referenced_by(struct check_ctx *c, struct sm_template *t, const char *id, const char *type,
		   const char *prop)
{
	size_t nr;
	const struct sm_ref *r = sm_assembly_referrers(c->a, t, id, &nr);
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(r[i].owner_type, type) && !strcmp(r[i].path, prop))
			return true;
	return false;
}

bool is_world(const char *cidr)
{
	return cidr && (!strcmp(cidr, "0.0.0.0/0") || !strcmp(cidr, "::/0"));
}

/* cdk-nag's v2 semantics: an ID without applies_to covers its granular findings too. */
static const json_t *find_suppression(const json_t *res, const struct sm_rule_meta *m)
{
	const json_t *list = jget(json_object_get(res, "Metadata"), "cdk_nag.rules_to_suppress");
	size_t i;
	json_t *s;
	json_array_foreach(list, i, s)
	{
		const char *id = jstr(json_object_get(s, "id"));
		if (!id)
			continue;
		if (!strcmp(id, m->id))
			return s;
		if (m->nag_ids) {
			size_t n = strlen(id);
			for (const char *p = m->nag_ids; (p = strstr(p, id)); p += n)
				if ((p == m->nag_ids || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
					return s;
		}
	}
	return NULL;
}

static void apply_suppressions(struct sm_findings *out, size_t from, struct sm_template *t)
{
	const json_t *res = json_object_get(t->tmpl, "Resources");
	for (size_t i = from; i < out->nr; i++) {
		struct sm_finding *f = &out->items[i];
		if (!f->logical_id || f->rule == &nag_reason_rule)
			continue;
		const json_t *s = find_suppression(json_object_get(res, f->logical_id), f->rule);
		const char *reason = s ? jstr(json_object_get(s, "reason")) : NULL;
		if (reason && strlen(reason) >= 10) {
			f->suppressed = true;
			f->suppress_reason = xstrdup(reason);
		}
	}
}

static void check_suppression_reasons(struct check_ctx *c)
{
	const char *id;
	json_t *r;
	json_object_foreach((json_t *)c->resources, id, r)
	{
		const json_t *list = jget(json_object_get(r, "Metadata"), "cdk_nag.rules_to_suppress");
		size_t i;
		json_t *s;
		json_array_foreach(list, i, s)
		{
			const char *reason = jstr(json_object_get(s, "reason"));
			if (!reason || strlen(reason) < 10)
				check_report(c, &nag_reason_rule, id, NULL,
					     "suppression of '%s' has no reason",
					     jstr(json_object_get(s, "id")) ?: "?");
		}
	}
}

static bool is_production(struct sm_template *t)
{
	if (strstr(t->stack_name, "Production") || strstr(t->stack_name, "production") ||
	    strstr(t->stack_name, "Prod"))
		return true;
	return false;
}

void check_assembly(struct sm_assembly *a, struct sm_findings *out)
{
	for (size_t ti = 0; ti < a->nr; ti++) {
		struct check_ctx c = { .a = a, .t = &a->items[ti], .out = out };
		c.resources = json_object_get(c.t->tmpl, "Resources");
		c.production = is_production(c.t);
		size_t from = out->nr;
		const char *id;
		json_t *r;
		json_object_foreach((json_t *)c.resources, id, r)
		{
			const char *type = jstr(json_object_get(r, "Type"));
			if (!type)
				continue;
			const json_t *props = json_object_get(r, "Properties");
			static json_t *empty;
			if (!empty)
				empty = json_object();
			for (int t = 0; tables[t]; t++)
				for (int i = 0; tables[t][i].meta; i++)
					if (tables[t][i].fn && (!strcmp(tables[t][i].type, "*") ||
								!strcmp(tables[t][i].type, type)))
						tables[t][i].fn(&c, id, props ? props : empty, r);
		}
		check_suppression_reasons(&c);
		apply_suppressions(out, from, c.t);
	}
	/* the network's invariants need the whole assembly (references cross stacks) */
	reach_check_invariants(a, out);
}

size_t check_count(const struct sm_findings *f, enum sm_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nr; i++)
		if (!f->items[i].suppressed && f->items[i].rule->severity == sev)
			n++;
	return n;
}
