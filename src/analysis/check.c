/*
 * The rule engine of `solemate check`: runs the rule tables over each
 * template, applies the suppressions carried in resource Metadata.
 */
#include "analysis/check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/cfn_eval.h"
#include "analysis/check_ctx.h"
#include "analysis/reach.h"
#include "analysis/refs.h"
#include "analysis/schema.h"
#include "analysis/secrets.h"
#include "base/common.h"
#include "base/pg_versions.h"
#include "base/strbuf.h"
#include "base/strmap.h"
#include "base/xalloc.h"

static const struct resource_rule *const tables[] = {
	check_rules_s3,		check_rules_rds,       check_rules_ec2,
	check_rules_iam,	check_rules_logs,      check_rules_edge,
	check_rules_ecs,	check_rules_misc,      check_rules_dep_order,
	check_rules_dep_combo,	check_rules_dep_edge,  check_rules_dep_policy,
	check_rules_dep_limits, check_rules_dep_exec,  check_rules_dep_wire,
	check_rules_dep_data,	check_rules_dep_names, check_rules_dep_svc,
	check_rules_dep_notify, check_rules_dep_quota, check_rules_dep_dns,
	check_rules_dep_task,	check_rules_dep_db,    check_rules_dep_trust,
	check_rules_dep_fit,	check_rules_dep_place, NULL};

static const struct {
	const char *name;
	unsigned bit;
	const char *control; /* a rule mapping to this control is in the pack */
} pack_names[] = {
	{"deploy", CHECK_PACK_DEPLOY, NULL},	 {"aws-foundational", CHECK_PACK_FSBP, "FSBP"},
	{"pci", CHECK_PACK_PCI, "PCI DSS"},	 {"cis", CHECK_PACK_CIS, "CIS"},
	{"solemate", CHECK_PACK_SOLEMATE, NULL},
};
#define NR_PACKS (sizeof(pack_names) / sizeof(pack_names[0]))

unsigned check_rule_packs(const struct sm_rule_meta *m)
{
	unsigned mask = 0;
	const char *list = m->packs ? m->packs : "";
	for (size_t i = 0; i < NR_PACKS; i++) {
		size_t n = strlen(pack_names[i].name);
		for (const char *p = list; (p = strstr(p, pack_names[i].name)); p += n)
			if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
				mask |= pack_names[i].bit;
		if (!m->packs && pack_names[i].control &&
		    strstr(m->controls ? m->controls : "", pack_names[i].control))
			mask |= pack_names[i].bit;
	}
	return mask ? mask : CHECK_PACK_FSBP;
}

int check_parse_packs(const char *list, unsigned *mask, const char **bad, size_t *bad_len)
{
	*mask = 0;
	while (*list) {
		size_t n = strcspn(list, ",");
		bool known = n == 3 && !strncmp(list, "all", 3);
		if (known)
			*mask |= CHECK_PACKS_ALL;
		for (size_t i = 0; i < NR_PACKS && !known; i++)
			if (strlen(pack_names[i].name) == n &&
			    !strncmp(list, pack_names[i].name, n)) {
				*mask |= pack_names[i].bit;
				known = true;
			}
		if (!known && n) {
			*bad = list;
			*bad_len = n;
			return -1;
		}
		list += n + (list[n] == ',');
	}
	return *mask ? 0 : -1;
}

const char *check_pack_names(unsigned mask)
{
	static char buf[96];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NR_PACKS; i++)
		if (mask & pack_names[i].bit) {
			int n = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
					 pack_names[i].name);
			if (n < 0 || (size_t)n >= sizeof(buf) - len)
				break; /* the names are short: never reached */
			len += (size_t)n;
		}
	return buf;
}

const struct sm_rule_meta nag_reason_rule = {
	"SM-NAG-001",
	SM_SEV_ERROR,
	"Suppression without a reason",
	"An accepted risk nobody can explain is an unreviewed one: auditors (PCI DSS 12.10) "
	"ask why each exception exists.",
	"Give every entry of Metadata.cdk_nag.rules_to_suppress a 'reason' a reviewer would "
	"accept (at least a sentence).",
	"PCI DSS 12.4",
	NULL,
	NULL,
	"deploy aws-foundational pci cis solemate",
	NULL};

const struct sm_rule_meta nag_expired_rule = {
	"SM-NAG-002",
	SM_SEV_ERROR,
	"Accepted finding past its expiry date",
	"An acceptance with an end date was to be reviewed by then; past it, the risk it "
	"accepted is an unreviewed one again (and the finding it muted is reported again).",
	"Fix the finding and remove the acceptance, or renew it: a current reason and a new "
	"'expires' date (the environment's 'acceptances' in its configuration).",
	"PCI DSS 12.4",
	NULL,
	NULL,
	"deploy aws-foundational pci cis solemate",
	NULL};

const struct sm_rule_meta *const *check_rules(void)
{
	static const struct sm_rule_meta **all;
	if (!all) {
		size_t n = 2, k = 0;
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
		all[k++] = &nag_expired_rule;
		for (const struct sm_rule_meta *const *r = reach_rules(); *r; r++)
			all[k++] = *r;
		all[k] = NULL;
	}
	return (const struct sm_rule_meta *const *)all;
}

const char *check_rule_nag_ids(const char *rule_id)
{
	for (const struct sm_rule_meta *const *r = check_rules(); *r; r++)
		if (!strcmp((*r)->id, rule_id))
			return (*r)->nag_ids ? (*r)->nag_ids : "";
	return NULL;
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

long jnum(const json_t *v, long dflt)
{
	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_real(v))
		return (long)json_real_value(v);
	if (json_is_string(v) && *jstr(v)) {
		char *end;
		long n = strtol(jstr(v), &end, 10);
		return *end ? dflt : n;
	}
	return dflt;
}

const char *ref_target(const json_t *v)
{
	return sm_ref_id(NULL, v);
}

const char *ref_target_any(struct check_ctx *c, const json_t *v, struct sm_template **stack)
{
	struct sm_rref r = sm_resolve(c->a, c->t, v);
	*stack = r.t;
	return r.id;
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

/*
 * A CIDR whose prefix length is 0 covers every address, whatever its address
 * bits say: EC2 reads 192.168.1.0/0 as 0.0.0.0/0 (and ::1/0 as ::/0).
 */
bool is_world(const char *cidr)
{
	const char *slash = cidr ? strrchr(cidr, '/') : NULL;
	if (!slash || !slash[1])
		return false;
	for (const char *p = slash + 1; *p; p++)
		if (*p != '0')
			return false;
	return true;
}

static bool is_id(void *id, const char *name, size_t len)
{
	return strlen(id) == len && !memcmp(id, name, len);
}

bool value_refers(const json_t *v, const char *id)
{
	return sm_refs_each(v, is_id, (void *)id);
}

/*
 * The walk of depends_on: the resources met (their IDs borrowed from the
 * values that name them) and those still to visit. A strmap and a stack, not
 * JSON objects and arrays: a JSON set costs 150 instructions a lookup and
 * more an insert, and every rule that orders resources asks.
 */
struct dep_walk {
	const json_t *resources;
	const char *on;
	size_t on_len;
	bool found;
	struct strmap seen;
	const json_t **todo;
	size_t todo_nr, todo_alloc;
};

/* `id` is a direct dependency of the resource visited: `on`, or a resource to visit. */
static bool dep_edge(void *arg, const char *id, size_t len)
{
	struct dep_walk *w = arg;
	if (len == w->on_len && !memcmp(id, w->on, len)) {
		w->found = true;
		return true;
	}
	size_t met;
	if (strmap_get(&w->seen, id, len, &met))
		return false;
	const json_t *r = json_object_getn(w->resources, id, len);
	if (r) {
		strmap_add(&w->seen, id, len, 0, NULL);
		ALLOC_GROW(w->todo, w->todo_nr + 1, w->todo_alloc);
		w->todo[w->todo_nr++] = r;
	}
	return false;
}

/* Each direct dependency of resource `r` (DependsOn, Ref, Fn::GetAtt, ${X} in Fn::Sub). */
static bool each_direct_dep(const json_t *r, struct dep_walk *w)
{
	const json_t *d = json_object_get(r, "DependsOn");
	if (json_is_string(d) && dep_edge(w, json_string_value(d), strlen(json_string_value(d))))
		return true;
	size_t i;
	json_t *x;
	json_array_foreach (d, i, x) {
		if (json_is_string(x) &&
		    dep_edge(w, json_string_value(x), strlen(json_string_value(x))))
			return true;
	}
	return sm_refs_each(json_object_get(r, "Properties"), dep_edge, w);
}

/* CloudFormation creates `from` after `on` when a DependsOn or a reference chain leads there. */
bool depends_on(struct check_ctx *c, const char *from, const char *on)
{
	struct dep_walk w = {.resources = c->resources, .on = on, .on_len = strlen(on)};
	strmap_add(&w.seen, from, strlen(from), 0, NULL);
	bool found = each_direct_dep(json_object_get(c->resources, from), &w);
	while (!found && w.todo_nr)
		found = each_direct_dep(w.todo[--w.todo_nr], &w);
	strmap_release(&w.seen);
	free(w.todo);
	return found;
}

const json_t *resource_at(struct check_ctx *c, const json_t *v, struct sm_template **where,
			  const char **id_out)
{
	struct sm_template *w = c->t;
	const char *id = ref_target_any(c, v, &w);
	const json_t *r = id ? json_object_get(json_object_get(w->tmpl, "Resources"), id) : NULL;
	if (where)
		*where = w;
	if (id_out)
		*id_out = id;
	return r;
}

const char *res_type(const json_t *r)
{
	return sm_resource_type_of(r) ?: "";
}

static void type_index_release(struct type_index *x)
{
	for (size_t i = 0; i < x->nr; i++)
		free(x->lists[i].items);
	free(x->lists);
	free(x->from);
	json_decref(x->slots);
	memset(x, 0, sizeof(*x));
}

static void type_index_build(struct type_index *x, struct sm_assembly *a)
{
	x->from = xcalloc(a->nr + 1, sizeof(*x->from));
	x->slots = json_object();
	for (size_t ti = 0; ti < a->nr; ti++) {
		struct sm_template *t = &a->items[ti];
		x->from[ti] = t->tmpl;
		const char *id;
		json_t *r;
		size_t pos = 0;
		json_object_foreach (json_object_get(t->tmpl, "Resources"), id, r) {
			const char *type = sm_resource_type_of(r);
			pos++;
			if (!type)
				continue;
			json_t *slot = json_object_get(x->slots, type);
			if (!slot) {
				slot = json_integer((json_int_t)x->nr);
				json_object_set_new(x->slots, type, slot);
				ALLOC_GROW(x->lists, x->nr + 1, x->alloc);
				x->lists[x->nr++] = (struct typed_list){NULL, 0, 0};
			}
			struct typed_list *l = &x->lists[json_integer_value(slot)];
			ALLOC_GROW(l->items, l->nr + 1, l->alloc);
			l->items[l->nr++] = (struct typed_res){t, id, r, pos - 1};
		}
	}
}

const struct typed_res *resources_of_type(struct check_ctx *c, const char *type, size_t *nr)
{
	struct type_index *x = &c->run->types;
	bool fresh = x->from != NULL;
	for (size_t i = 0; fresh && i < c->a->nr; i++)
		fresh = x->from[i] == c->a->items[i].tmpl;
	if (!fresh) {
		type_index_release(x);
		type_index_build(x, c->a);
	}
	const json_t *slot = json_object_get(x->slots, type);
	*nr = slot ? x->lists[json_integer_value(slot)].nr : 0;
	return slot ? x->lists[json_integer_value(slot)].items : NULL;
}

const struct typed_res *template_resources_of_type(struct check_ctx *c, const struct sm_template *t,
						   const char *type, size_t *nr)
{
	size_t n;
	const struct typed_res *all = resources_of_type(c, type, &n);
	/* the assembly's list is in template order: t's resources are one run of it */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (all[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < n && all[end].t == t)
		end++;
	*nr = end - lo;
	return end > lo ? all + lo : NULL;
}

const struct typed_res *typed_iter_first(struct typed_iter *it, struct check_ctx *c,
					 const struct sm_template *t, const char *const *types)
{
	it->nr = 0;
	for (size_t i = 0; types[i]; i++) {
		if (i == TYPED_ITER_MAX)
			abort(); /* a rule's mistake: more types than the iterator merges */
		size_t n;
		const struct typed_res *rs = template_resources_of_type(c, t, types[i], &n);
		if (n) {
			it->at[it->nr] = rs;
			it->end[it->nr++] = rs + n;
		}
	}
	return typed_iter_next(it);
}

const struct typed_res *typed_iter_next(struct typed_iter *it)
{
	size_t best = it->nr;
	for (size_t i = 0; i < it->nr; i++)
		if (it->at[i] < it->end[i] &&
		    (best == it->nr || it->at[i]->pos < it->at[best]->pos))
			best = i;
	return best < it->nr ? it->at[best]++ : NULL;
}

/* An entry's "expires" day is past (or is no day at all: it cannot be honoured). */
static bool suppression_lapsed(const json_t *s, const char *today)
{
	const char *e = jstr(json_object_get(s, "expires"));
	if (!e)
		return false;
	bool shaped = strlen(e) == 10 && e[4] == '-' && e[7] == '-';
	for (int i = 0; shaped && i < 10; i++)
		shaped = i == 4 || i == 7 || (e[i] >= '0' && e[i] <= '9');
	return !shaped || strcmp(e, today) < 0;
}

/* `id` is one of the space-separated `ids` (NULL: none) */
static bool id_listed(const char *ids, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = ids; p && (p = strstr(p, id)); p += n)
		if ((p == ids || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * The entry that mutes rule `m` on `res`: one under our rule ID, or under a
 * cdk-nag ID that is the rule's exact equal (one of its nag_ids, not of its
 * nag_partial: a suppression of AwsSolutions-ECS2, every plain variable,
 * does not accept SM-ECS-005, a secret in one). cdk-nag's v2 semantics: an
 * ID without applies_to covers its granular findings too.
 */
static const json_t *find_suppression(const json_t *res, const struct sm_rule_meta *m,
				      const char *today)
{
	const json_t *list = jget(json_object_get(res, "Metadata"), "cdk_nag.rules_to_suppress");
	size_t i;
	json_t *s;
	json_array_foreach (list, i, s) {
		const char *id = jstr(json_object_get(s, "id"));
		if (!id || suppression_lapsed(s, today))
			continue;
		if (!strcmp(id, m->id) ||
		    (id_listed(m->nag_ids, id) && !id_listed(m->nag_partial, id)))
			return s;
	}
	return NULL;
}

static void apply_suppressions(struct sm_findings *out, size_t from, struct sm_template *t,
			       const char *today)
{
	const json_t *res = json_object_get(t->tmpl, "Resources");
	for (size_t i = from; i < out->nr; i++) {
		struct sm_finding *f = &out->items[i];
		if (!f->logical_id || f->rule == &nag_reason_rule || f->rule == &nag_expired_rule)
			continue;
		const json_t *s =
			find_suppression(json_object_get(res, f->logical_id), f->rule, today);
		const char *reason = s ? jstr(json_object_get(s, "reason")) : NULL;
		if (reason && strlen(reason) >= 10) {
			f->suppressed = true;
			f->suppress_reason = xstrdup(reason);
			f->suppress_external = json_object_get(s, "source") != NULL;
		}
	}
}

/* Whether an earlier entry of `list` than `upto` has the same reason and expiry (one acceptance).
 */
static bool same_acceptance_before(const json_t *list, size_t upto, const json_t *s)
{
	for (size_t j = 0; j < upto; j++) {
		const json_t *p = json_array_get(list, j);
		if (json_equal(json_object_get(p, "reason"), json_object_get(s, "reason")) &&
		    json_equal(json_object_get(p, "expires"), json_object_get(s, "expires")))
			return true;
	}
	return false;
}

static void check_suppression_reasons(struct check_ctx *c)
{
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)c->resources, id, r) {
		const json_t *list =
			jget(json_object_get(r, "Metadata"), "cdk_nag.rules_to_suppress");
		size_t i;
		json_t *s;
		json_array_foreach (list, i, s) {
			const char *reason = jstr(json_object_get(s, "reason"));
			if (!reason || strlen(reason) < 10)
				check_report(c, &nag_reason_rule, id, NULL,
					     "suppression of '%s' has no reason",
					     jstr(json_object_get(s, "id")) ?: "?");
			else if (suppression_lapsed(s, c->run->today) &&
				 !same_acceptance_before(list, i, s))
				check_report(c, &nag_expired_rule, id, NULL,
					     "the acceptance of '%s' expired on %s%s%s%s: %s",
					     jstr(json_object_get(s, "id")) ?: "?",
					     jstr(json_object_get(s, "expires")),
					     json_object_get(s, "source") ? " (" : "",
					     jstr(json_object_get(s, "source")) ?: "",
					     json_object_get(s, "source") ? ")" : "", reason);
		}
	}
}

struct cfn_schema *check_schema(struct check_ctx *c)
{
	struct check_run *run = c->run;
	if (!run->schema_state) {
		struct diag_list dl = DIAG_LIST_INIT;
		run->schema = cfn_schema_load(NULL, &dl);
		run->schema_state = run->schema ? 1 : -1;
		diag_list_release(&dl);
	}
	return run->schema;
}

/*
 * The rule entries that look at a resource of `type`, in table order ("*" and
 * the type's own): found once per type and run (comparing every entry's type
 * with every resource's was 1.1M instructions of check --env all).
 */
static const struct rule_list *rules_for(struct check_run *run, const char *type)
{
	if (!run->dispatch)
		run->dispatch = json_object();
	const json_t *at = json_object_get(run->dispatch, type);
	if (at)
		return &run->rule_lists[json_integer_value(at)];
	struct rule_list l = {0};
	size_t alloc = 0;
	for (int t = 0; tables[t]; t++)
		for (int i = 0; tables[t][i].meta; i++)
			if (tables[t][i].fn &&
			    (!strcmp(tables[t][i].type, "*") || !strcmp(tables[t][i].type, type))) {
				ALLOC_GROW(l.rules, l.nr + 1, alloc);
				l.rules[l.nr++] = &tables[t][i];
			}
	ALLOC_GROW(run->rule_lists, run->rule_lists_nr + 1, run->rule_lists_alloc);
	json_object_set_new(run->dispatch, type, json_integer((json_int_t)run->rule_lists_nr));
	run->rule_lists[run->rule_lists_nr] = l;
	return &run->rule_lists[run->rule_lists_nr++];
}

static void rule_lists_release(struct check_run *run)
{
	for (size_t i = 0; i < run->rule_lists_nr; i++)
		free(run->rule_lists[i].rules);
	free(run->rule_lists);
	json_decref(run->dispatch);
}

static void run_template(struct check_run *run, struct sm_assembly *a, size_t ti, bool first_world,
			 struct sm_findings *out)
{
	struct check_ctx c = {.run = run, .a = a, .t = &a->items[ti], .out = out};
	c.resources = json_object_get(c.t->tmpl, "Resources");
	/* from the manifest or the configuration, never from the stack's name (ProductCatalog) */
	c.production = c.t->protected_stack;
	size_t from = out->nr;
	const char *id;
	json_t *r;
	json_t *empty = run->empty;
	json_object_foreach ((json_t *)c.resources, id, r) {
		const char *type = sm_resource_type_of(r);
		if (!type)
			continue;
		const json_t *props = json_object_get(r, "Properties");
		const struct rule_list *l = rules_for(run, type);
		for (size_t i = 0; i < l->nr; i++)
			l->rules[i]->fn(&c, id, props ? props : empty, r);
	}
	if (first_world)
		check_suppression_reasons(&c);
	apply_suppressions(out, from, c.t, run->today);
}

static void finding_free(struct sm_finding *x)
{
	struct sm_findings one = {x, 1, 1};
	sm_findings_release(&one); /* frees x's strings and x itself */
}

/* A finding's identity across worlds: its rule, stack, resource and message
 * as the rule wrote it (before a branch label is added). */
static char *finding_key(const struct sm_finding *x)
{
	return xstrfmt("%p\x1f%s\x1f%s\x1f%s", (const void *)x->rule, x->stack ?: "",
		       x->logical_id ?: "", x->message);
}

/* Move the findings of one world into `out`: a finding already there (in any
 * world; `seen` holds the keys of those of this template) is dropped; one on a
 * resource a branch decided says which branch. */
static void merge_world(struct sm_findings *out, json_t *seen, struct sm_findings *w,
			const json_t *branches)
{
	for (size_t i = 0; i < w->nr; i++) {
		struct sm_finding *x = &w->items[i];
		char *key = finding_key(x);
		bool dup = json_object_get(seen, key) != NULL;
		if (!dup)
			json_object_set_new_nocheck(seen, key, json_null());
		free(key);
		if (dup) {
			struct sm_finding *copy = xmalloc(sizeof(*copy));
			*copy = *x;
			finding_free(copy);
			continue;
		}
		const char *label =
			x->logical_id ? jstr(json_object_get(branches, x->logical_id)) : NULL;
		if (label) {
			char *m = xstrfmt("%s [when %s]", x->message, label);
			free(x->message);
			x->message = m;
		}
		ALLOC_GROW(out->items, out->nr + 1, out->alloc);
		out->items[out->nr++] = *x;
	}
	free(w->items);
	w->items = NULL;
	w->nr = w->alloc = 0;
}

/*
 * A message may quote a value, and a world a parameter's: none may show a
 * secret of its template (issue 19, item 9). `tmpls` are the templates as
 * read, in assembly order.
 */
static void mask_secrets(struct sm_assembly *a, json_t **tmpls, struct sm_findings *out,
			 size_t from)
{
	/* each template's secrets, gathered when a finding of its stack is met (1.5M
	 * instructions for our assembly when done for all) */
	json_t **sets = xcalloc(a->nr + 1, sizeof(*sets));
	for (size_t i = from; i < out->nr; i++) {
		struct sm_finding *f = &out->items[i];
		for (size_t ti = 0; ti < a->nr; ti++) {
			if (strcmp(f->stack ?: "", a->items[ti].stack_name ?: ""))
				continue;
			if (!sets[ti])
				sets[ti] = secret_strings(tmpls[ti]);
			if (!json_object_size(sets[ti]))
				continue;
			secret_mask_inplace(sets[ti], &f->message);
			if (f->suppress_reason)
				secret_mask_inplace(sets[ti], &f->suppress_reason);
		}
	}
	for (size_t ti = 0; ti < a->nr; ti++)
		json_decref(sets[ti]);
	free(sets);
}

void check_assembly_packs(struct sm_assembly *a, unsigned packs, struct sm_findings *out)
{
	size_t start = out->nr;
	struct check_run run = {.empty = json_object()};
	time_t now = time(NULL);
	struct tm utc;
	if (gmtime_r(&now, &utc))
		strftime(run.today, sizeof(run.today), "%Y-%m-%d", &utc);
	json_t **orig = xcalloc(a->nr + 1, sizeof(*orig));
	struct cfn_world **worlds = xcalloc(a->nr + 1, sizeof(*worlds));
	size_t *nworlds = xcalloc(a->nr + 1, sizeof(*nworlds));
	/* every template in its default world while the others are looked at */
	for (size_t ti = 0; ti < a->nr; ti++) {
		orig[ti] = a->items[ti].tmpl;
		nworlds[ti] = cfn_worlds(orig[ti], a->items[ti].region, &worlds[ti]);
		a->items[ti].tmpl = worlds[ti][0].tmpl;
	}
	for (size_t ti = 0; ti < a->nr; ti++) {
		json_t *seen = json_object();
		for (size_t w = 0; w < nworlds[ti]; w++) {
			struct sm_findings f = SM_FINDINGS_INIT;
			a->items[ti].tmpl = worlds[ti][w].tmpl;
			run_template(&run, a, ti, w == 0, &f);
			merge_world(out, seen, &f, worlds[ti][w].branches);
		}
		json_decref(seen);
		a->items[ti].tmpl = worlds[ti][0].tmpl;
	}
	/* the network's invariants need the whole assembly (references cross stacks) */
	reach_check_invariants(a, out);
	mask_secrets(a, orig, out, start);
	for (size_t ti = 0; ti < a->nr; ti++) {
		a->items[ti].tmpl = orig[ti];
		cfn_worlds_free(worlds[ti], nworlds[ti]);
	}
	free(orig);
	free(worlds);
	free(nworlds);
	cfn_schema_free(run.schema);
	json_decref(run.empty);
	json_decref(run.names);
	type_index_release(&run.types);
	rule_lists_release(&run);
	/* only the packs asked for */
	size_t keep = start;
	for (size_t i = start; i < out->nr; i++) {
		if (check_rule_packs(out->items[i].rule) & packs) {
			out->items[keep++] = out->items[i];
		} else {
			struct sm_finding *copy = xmalloc(sizeof(*copy));
			*copy = out->items[i];
			finding_free(copy);
		}
	}
	out->nr = keep;
}

void check_assembly(struct sm_assembly *a, struct sm_findings *out)
{
	check_assembly_packs(a, CHECK_PACKS_DEFAULT, out);
}

size_t check_count(const struct sm_findings *f, enum sm_severity sev)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nr; i++)
		if (!f->items[i].suppressed && f->items[i].rule->severity == sev)
			n++;
	return n;
}
