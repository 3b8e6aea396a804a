/*
 * The cost estimate: one pass to count what is shared by the environment
 * (usage volumes are split evenly between the resources that carry them),
 * then one handler per priced CloudFormation type (cost_pricing.c). docs/cost.md
 * lists every rule and assumption; keep the two in step.
 */
#include "analysis/cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost_int.h"
#include "analysis/refs.h"
#include "analysis/secrets.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

double cost_round_cents(double x)
{
	return round(x * 100.0) / 100.0;
}

bool cost_jnum(const json_t *v, double *out)
{
	if (json_is_number(v)) {
		*out = json_number_value(v);
		return isfinite(*out);
	}
	if (json_is_string(v)) {
		char *end;
		double d = strtod(json_string_value(v), &end);
		if (end != json_string_value(v) && *end == '\0' && isfinite(d)) {
			*out = d;
			return true;
		}
	}
	return false;
}

double cost_prop_number(const json_t *props, const char *key, double dflt)
{
	double d;
	return cost_jnum(json_object_get(props, key), &d) ? d : dflt;
}

bool cost_prop_bool(const json_t *props, const char *key, bool dflt)
{
	const json_t *v = json_object_get(props, key);
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v))
		return !strcmp(json_string_value(v), "true");
	return dflt;
}

bool cost_each_resource(const struct sm_assembly *a, cost_resource_fn fn, void *ctx)
{
	struct sm_resource_iter it;
	sm_foreach_resource ((struct sm_assembly *)a, &it)
		if (*it.type && fn(ctx, it.t, it.id, it.type, it.props))
			return true;
	return false;
}

/* "730", "0.045", "1.15e+07" would be unreadable: integers in full, else 6 digits. */
static void add_num(struct strbuf *sb, double x)
{
	if (fabs(x - round(x)) < 1e-9 && fabs(x) < 1e15)
		strbuf_addf(sb, "%.0f", x);
	else
		strbuf_addf(sb, "%.6g", x);
}

/* ---- lines ------------------------------------------------------------- */

struct cost_line *cost_add_line(struct est *e, const char *logical_id, const char *type,
				const char *component, double qty, const char *unit,
				double unit_price)
{
	struct cost_report *r = e->r;
	ALLOC_GROW(r->lines, r->nr + 1, r->alloc);
	struct cost_line *l = &r->lines[r->nr++];
	memset(l, 0, sizeof(*l));
	l->stack = xstrdup(e->t->stack_name);
	l->logical_id = xstrdup(logical_id);
	l->type = xstrdup(type);
	l->component = xstrdup(component);
	l->quantity = qty;
	l->unit = xstrdup(unit);
	l->unit_price = unit_price;
	l->monthly = cost_round_cents(qty * unit_price);
	if (!isfinite(l->monthly)) {
		/* finite inputs that overflow ("1e308" GB x 2 copies): no estimate, not inf */
		diag_add(e->dl, DIAG_ERROR, e->t->file, 0, 0, logical_id,
			 "%s of %s: %g %s x $%g is not a finite amount", component, logical_id, qty,
			 unit, unit_price);
		e->failed = true;
		l->monthly = 0;
	}
	struct strbuf sb;
	strbuf_init(&sb, 48);
	add_num(&sb, qty);
	strbuf_addf(&sb, " %s x $", unit);
	add_num(&sb, unit_price);
	strbuf_addf(&sb, "/%s", unit);
	l->formula = strbuf_detach(&sb, NULL);
	return l;
}

void cost_set_text(char **field, char *text)
{
	free(*field);
	*field = text;
}

/* ---- cross-stack origin lookup ----------------------------------------- */

/* Does `domain` (a value of `dist_t`) name bucket `bucket_id` of the template being priced? */
static bool origin_is(struct est *e, const struct sm_template *dist_t, const json_t *domain,
		      const char *bucket_id)
{
	struct sm_rref r = sm_resolve(e->a, (struct sm_template *)dist_t, domain);
	return r.id && r.t == e->t && !strcmp(r.id, bucket_id);
}

struct origin_query {
	struct est *e;
	const char *bucket_id;
};

static bool distribution_uses(void *ctx, const struct sm_template *t, const char *id,
			      const char *type, const json_t *p)
{
	const struct origin_query *q = ctx;
	if (strcmp(type, "AWS::CloudFront::Distribution"))
		return false;
	size_t j;
	const json_t *o;
	json_array_foreach (json_object_get(json_object_get(p, "DistributionConfig"), "Origins"), j,
			    o) {
		if (json_object_get(o, "S3OriginConfig") &&
		    origin_is(q->e, t, json_object_get(o, "DomainName"), q->bucket_id))
			return true;
	}
	(void)id;
	return false;
}

bool cost_is_cdn_origin(struct est *e, const char *id)
{
	struct origin_query q = {e, id};
	size_t nr;
	const struct sm_ref *r = sm_assembly_referrers(e->a, e->t, id, &nr);
	for (size_t i = 0; i < nr; i++) {
		const json_t *res = json_object_get(json_object_get(r[i].owner->tmpl, "Resources"),
						    r[i].owner_id);
		if (distribution_uses(&q, r[i].owner, r[i].owner_id, r[i].owner_type,
				      json_object_get(res, "Properties")))
			return true;
	}
	return false;
}

/* ---- the estimate ------------------------------------------------------ */

static bool count_one(void *ctx, const struct sm_template *t, const char *id, const char *ty,
		      const json_t *p)
{
	struct counts *n = ctx;
	const char *kind = prop_str(p, "VpcEndpointType");
	const char *scope = prop_str(p, "Scope");
	if (!strcmp(ty, "AWS::EC2::NatGateway"))
		n->nat++;
	else if (!strcmp(ty, "AWS::S3::Bucket"))
		n->buckets++;
	else if (!strcmp(ty, "AWS::Logs::LogGroup"))
		n->log_groups++;
	else if (!strcmp(ty, "AWS::CloudFront::Distribution"))
		n->distributions++;
	else if (!strcmp(ty, "AWS::ElasticLoadBalancingV2::LoadBalancer"))
		n->albs++;
	else if (!strcmp(ty, "AWS::EC2::VPCEndpoint") && kind && !strcmp(kind, "Interface"))
		n->interface_endpoints++;
	else if (!strcmp(ty, "AWS::WAFv2::WebACL") && scope && !strcmp(scope, "CLOUDFRONT"))
		n->waf_cloudfront++;
	else if (!strcmp(ty, "AWS::WAFv2::WebACL"))
		n->waf_regional++;
	(void)t;
	(void)id;
	return false;
}

static struct cost_stack *stack_entry(struct cost_report *r, const struct sm_template *t,
				      const char *region)
{
	for (size_t i = 0; i < r->stacks_nr; i++)
		if (!strcmp(r->stacks[i].name, t->stack_name))
			return &r->stacks[i];
	ALLOC_GROW(r->stacks, r->stacks_nr + 1, r->stacks_alloc);
	struct cost_stack *s = &r->stacks[r->stacks_nr++];
	s->name = xstrdup(t->stack_name);
	s->region = xstrdup(region);
	s->monthly = 0;
	return s;
}

static void price_template(struct est *e, const struct sm_template *t)
{
	const char *region = t->region ? t->region : e->default_region;
	e->t = t;
	e->pb = cost_book_for(e, region);
	struct cost_stack *s = stack_entry(e->r, t, region);
	if (!e->pb)
		return;
	size_t first = e->r->nr;
	const char *id;
	const json_t *res;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
		const char *ty = prop_str(res, "Type");
		if (ty)
			cost_price_resource(e, id, ty, json_object_get(res, "Properties"));
	}
	for (size_t i = first; i < e->r->nr; i++)
		s->monthly += e->r->lines[i].monthly;
	s->monthly = cost_round_cents(s->monthly);
}

/* A line's words may quote a property (an instance class from a NoEcho
 * parameter's Default): never a secret of the templates (issue 19, item 9). */
static void mask_secrets(const struct sm_assembly *a, struct cost_report *out)
{
	json_t *secrets = json_object();
	for (size_t i = 0; i < a->nr; i++)
		secret_strings_add(secrets, a->items[i].tmpl);
	for (size_t i = 0; json_object_size(secrets) && i < out->nr; i++) {
		struct cost_line *l = &out->lines[i];
		secret_mask_inplace(secrets, &l->component);
		secret_mask_inplace(secrets, &l->formula);
		if (l->note)
			secret_mask_inplace(secrets, &l->note);
	}
	json_decref(secrets);
}

int cost_estimate(struct sm_assembly *a, const struct sm_context *ctx, const char *prices_dir,
		  struct cost_report *out, struct diag_list *dl)
{
	struct est e = {.a = a, .r = out, .dl = dl};

	memset(out, 0, sizeof(*out));
	if (cost_check_quantities(a, dl))
		return -1;
	char *dir = prices_dir ? xstrdup(prices_dir) : cost_default_prices_dir();
	e.prices_dir = dir;
	struct sm_context none;
	if (!ctx) {
		sm_context_init(&none);
		ctx = &none;
	}
	e.u = ctx->usage;
	out->environment = ctx->environment ? xstrdup(ctx->environment) : NULL;
	out->budget = ctx->monthly_budget;
	out->usage_defaults = ctx->usage_defaults;
	e.default_region = sm_context_region(ctx);
	cost_each_resource(a, count_one, &e.n);
	for (size_t i = 0; i < a->nr; i++)
		price_template(&e, &a->items[i]);
	mask_secrets(a, out);
	double total = 0;
	for (size_t i = 0; i < out->nr; i++)
		total += out->lines[i].monthly;
	out->total = cost_round_cents(total);
	if (!out->currency)
		out->currency = xstrdup("USD");
	for (size_t i = 0; i < e.books_nr; i++) {
		free(e.books[i].region);
		free(e.books[i].path);
		json_decref(e.books[i].doc);
	}
	free(e.books);
	free(dir);
	if (e.failed) {
		cost_report_release(out);
		return -1;
	}
	return 0;
}

void cost_report_release(struct cost_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		struct cost_line *l = &r->lines[i];
		free(l->stack);
		free(l->logical_id);
		free(l->type);
		free(l->component);
		free(l->unit);
		free(l->formula);
		free(l->note);
	}
	for (size_t i = 0; i < r->stacks_nr; i++) {
		free(r->stacks[i].name);
		free(r->stacks[i].region);
	}
	for (size_t i = 0; i < r->prices_nr; i++) {
		free(r->prices[i].path);
		free(r->prices[i].region);
		free(r->prices[i].date);
		free(r->prices[i].source);
	}
	free(r->lines);
	free(r->stacks);
	free(r->prices);
	free(r->environment);
	free(r->currency);
	memset(r, 0, sizeof(*r));
}

bool cost_over_budget(const struct cost_report *r)
{
	return r->budget > 0 && !(r->total <= r->budget);
}

json_t *cost_report_json(const struct cost_report *r)
{
	json_t *lines = json_array(), *stacks = json_array(), *files = json_array();
	for (size_t i = 0; i < r->nr; i++) {
		const struct cost_line *l = &r->lines[i];
		json_t *o =
			json_pack("{ss ss ss ss sf ss sf sf ss}", "stack", l->stack, "logicalId",
				  l->logical_id, "type", l->type, "component", l->component,
				  "quantity", l->quantity, "unit", l->unit, "unitPrice",
				  l->unit_price, "monthly", l->monthly, "formula", l->formula);
		if (l->note)
			json_object_set_new(o, "note", json_string(l->note));
		json_array_append_new(lines, o);
	}
	for (size_t i = 0; i < r->stacks_nr; i++)
		json_array_append_new(stacks, json_pack("{ss ss sf}", "name", r->stacks[i].name,
							"region", r->stacks[i].region, "monthly",
							r->stacks[i].monthly));
	for (size_t i = 0; i < r->prices_nr; i++)
		json_array_append_new(files,
				      json_pack("{ss ss ss ss}", "path", r->prices[i].path,
						"region", r->prices[i].region, "date",
						r->prices[i].date, "source", r->prices[i].source));
	json_t *budget = r->budget > 0 ? json_pack("{sf sb sf}", "monthly", r->budget, "overBudget",
						   cost_over_budget(r), "remaining",
						   cost_round_cents(r->budget - r->total))
				       : json_null();
	return json_pack("{s:s? s:s s:s? s:o s:f s:o s:b s:o s:o}", "environment", r->environment,
			 "currency", r->currency ? r->currency : "USD", "priceDate",
			 r->prices_nr ? r->prices[0].date : NULL, "priceFiles", files,
			 "monthlyTotal", r->total, "budget", budget, "usageDefaults",
			 r->usage_defaults, "stacks", stacks, "lines", lines);
}
