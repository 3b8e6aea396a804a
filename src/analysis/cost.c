/*
 * The cost estimate: one pass to count what is shared by the environment
 * (usage volumes are split evenly between the resources that carry them),
 * then one handler per priced CloudFormation type. docs/cost.md lists every
 * rule and assumption used here; keep the two in step.
 */
#include "analysis/cost.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/region.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#define H COST_HOURS_PER_MONTH
#define SECONDS_PER_MONTH (COST_HOURS_PER_MONTH * 3600.0)
/* An ALB LCU covers 25 new connections a second (ELB pricing page). */
#define ALB_NEW_CONNECTIONS_PER_LCU 25.0
/* Share of CloudFront requests that miss the cache and reach an S3 origin. */
#define CDN_MISS_RATIO 0.10
/* Log groups that never expire: storage counted at a year's ingestion. */
#define LOG_NEVER_EXPIRES_MONTHS 12.0
#define DAYS_PER_MONTH (365.0 / 12.0)

struct price_book {
	char *region;
	char *path;
	json_t *doc;
};

/* What the environment shares between resources (first pass). */
struct counts {
	int nat, buckets, log_groups, interface_endpoints, distributions, albs;
	int waf_regional, waf_cloudfront;
	bool xray_charged;
};

struct est {
	struct sm_assembly *a;
	struct env_usage u;
	const char *prices_dir;
	const char *default_region;
	struct cost_report *r;
	struct diag_list *dl;
	struct price_book *books;
	size_t books_nr, books_alloc;
	struct counts n;
	const struct sm_template *t; /* template being priced */
	const struct price_book *pb; /* its region's prices */
	bool failed;
};

/* ---- small JSON helpers ------------------------------------------------ */

static double round_cents(double x)
{
	return round(x * 100.0) / 100.0;
}

/*
 * A finite number written as a JSON number or a numeric string ("20"); false
 * otherwise ("nan", "inf", "1e309": cost_check_quantities() reports them).
 */
static bool jnum(const json_t *v, double *out)
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
	return jnum(json_object_get(props, key), &d) ? d : dflt;
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

#define prop_num cost_prop_number
#define prop_bool cost_prop_bool

static const char *prop_str(const json_t *props, const char *key)
{
	return json_string_value(json_object_get(props, key));
}

static const char *ref_target(const json_t *v)
{
	return json_string_value(json_object_get(v, "Ref"));
}

static json_t *resource_props(const json_t *tmpl, const char *logical_id)
{
	json_t *res = json_object_get(json_object_get(tmpl, "Resources"), logical_id);
	return json_object_get(res, "Properties");
}

bool cost_each_resource(const struct sm_assembly *a, cost_resource_fn fn, void *ctx)
{
	for (size_t i = 0; i < a->nr; i++) {
		const char *id;
		const json_t *res;
		json_object_foreach (json_object_get(a->items[i].tmpl, "Resources"), id, res) {
			const char *ty = json_string_value(json_object_get(res, "Type"));
			if (ty && fn(ctx, &a->items[i], id, ty, json_object_get(res, "Properties")))
				return true;
		}
	}
	return false;
}

static size_t array_size(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : 0;
}

/* "730", "0.045", "1.15e+07" would be unreadable: integers in full, else 6 digits. */
static void add_num(struct strbuf *sb, double x)
{
	if (fabs(x - round(x)) < 1e-9 && fabs(x) < 1e15)
		strbuf_addf(sb, "%.0f", x);
	else
		strbuf_addf(sb, "%.6g", x);
}

/* ---- data directory and price files ------------------------------------ */

char *cost_default_prices_dir(void)
{
	return fs_data_path("prices");
}

static bool valid_date(const char *s)
{
	int y, m, d, n = 0;
	return s && sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && s[10] == '\0' &&
	       m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/*
 * Load and check <dir>/<region>.json: an object with region, currency,
 * date (YYYY-MM-DD) and source. NULL + diag otherwise.
 */
static json_t *load_price_file(const char *dir, const char *region, char **path_out,
			       struct diag_list *dl)
{
	json_t *doc = NULL;
	/* the region names a file: nothing but a region name may (issue 19) */
	if (region_check(region, "the region of a price lookup", dl) < 0)
		return NULL;
	char *path = xstrfmt("%s/%s.json", dir, region);

	if (!fs_exists(path)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
					  "no price file for region '%s'", region);
		diag_set_hint(d,
			      "copy data/prices/us-east-1.json and refresh it from the AWS price "
			      "list (docs/cost.md), or pass --prices DIR");
		goto fail;
	}
	doc = jio_load_file(path, dl);
	if (!doc)
		goto fail;
	const char *what = NULL;
	if (!json_is_object(doc))
		what = "the price file must be a JSON object";
	else if (!json_is_string(json_object_get(doc, "currency")))
		what = "'currency' (a string such as \"USD\") is missing";
	else if (!valid_date(json_string_value(json_object_get(doc, "date"))))
		what = "'date' (YYYY-MM-DD: the edition of the price list copied) is missing or "
		       "malformed";
	else if (!json_object_get(doc, "source"))
		what = "'source' (where the prices were copied from) is missing";
	else if (!json_is_string(json_object_get(doc, "region")) ||
		 strcmp(json_string_value(json_object_get(doc, "region")), region))
		what = "'region' is missing or names another region than the file name";
	if (what) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "%s", what);
		goto fail;
	}
	if (path_out)
		*path_out = path;
	else
		free(path);
	return doc;
fail:
	json_decref(doc);
	free(path);
	return NULL;
}

static const struct price_book *book_for(struct est *e, const char *region)
{
	for (size_t i = 0; i < e->books_nr; i++)
		if (!strcmp(e->books[i].region, region))
			return e->books[i].doc ? &e->books[i] : NULL;
	ALLOC_GROW(e->books, e->books_nr + 1, e->books_alloc);
	struct price_book *b = &e->books[e->books_nr++];
	b->region = xstrdup(region);
	b->path = NULL;
	b->doc = load_price_file(e->prices_dir, region, &b->path, e->dl);
	if (!b->doc) {
		e->failed = true;
		return NULL;
	}
	struct cost_report *r = e->r;
	ALLOC_GROW(r->prices, r->prices_nr + 1, r->prices_alloc);
	struct cost_price_file *pf = &r->prices[r->prices_nr++];
	pf->path = xstrdup(b->path);
	pf->region = xstrdup(region);
	pf->date = xstrdup(json_string_value(json_object_get(b->doc, "date")));
	const json_t *src = json_object_get(b->doc, "source");
	const json_t *note = json_is_object(src) ? json_object_get(src, "note") : src;
	pf->source = xstrdup(json_is_string(note) ? json_string_value(note) : "(see the file)");
	if (!r->currency)
		r->currency = xstrdup(json_string_value(json_object_get(b->doc, "currency")));
	return b;
}

/*
 * The price at keys k1.k2[.k3] of the current region's file. A missing one
 * is an error naming the file and the key: an estimate with a silent 0
 * would be wrong without saying so.
 */
static double price(struct est *e, const char *k1, const char *k2, const char *k3)
{
	if (!e->pb)
		return 0;
	const json_t *v = json_object_get(json_object_get(e->pb->doc, k1), k2);
	if (k3)
		v = json_object_get(v, k3);
	double d;
	if (json_is_object(v) && json_is_number(json_object_get(v, "hour")))
		v = json_object_get(v, "hour");
	if (!json_is_number(v) || (d = json_number_value(v)) < 0) {
		struct diag *dg =
			diag_add(e->dl, DIAG_ERROR, e->pb->path, 0, 0, NULL,
				 "no price for '%s.%s%s%s' (needed by %s)", k1, k2, k3 ? "." : "",
				 k3 ? k3 : "", e->t ? e->t->stack_name : "?");
		diag_set_hint(dg, "add it from the AWS price list page named in 'source'");
		e->failed = true;
		return 0;
	}
	return d;
}

/* ---- lines ------------------------------------------------------------- */

static struct cost_line *add_line(struct est *e, const char *logical_id, const char *type,
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
	l->monthly = round_cents(qty * unit_price);
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

/* Replace a line's formula or note (the text is already formatted, and owned). */
static void set_text(char **field, char *text)
{
	free(*field);
	*field = text;
}

#define line_formula(l, ...) set_text(&(l)->formula, xstrfmt(__VA_ARGS__))
#define line_note(l, ...) set_text(&(l)->note, xstrfmt(__VA_ARGS__))

/* ---- networking -------------------------------------------------------- */

static void price_nat(struct est *e, const char *id, const char *type, const json_t *p)
{
	double hour = price(e, "natGateway", "hour", NULL), gb = price(e, "natGateway", "gb", NULL);
	add_line(e, id, type, "NAT gateway hours", H, "h", hour);
	/* without interface endpoints, their AWS API traffic takes the NAT route */
	double endpoint_gb = e->n.interface_endpoints ? 0 : e->u.endpoint_gb_per_month;
	double share = (e->u.nat_gb_per_month + endpoint_gb) / (e->n.nat ? e->n.nat : 1);
	struct cost_line *l = add_line(e, id, type, "NAT data processed", share, "GB", gb);
	if (endpoint_gb > 0)
		line_note(l,
			  "usage.natGbPerMonth %g GB + usage.endpointGbPerMonth %g GB (no "
			  "interface endpoints) split over %d NAT gateway%s",
			  e->u.nat_gb_per_month, endpoint_gb, e->n.nat, e->n.nat == 1 ? "" : "s");
	else
		line_note(l, "usage.natGbPerMonth %g GB split over %d NAT gateway%s",
			  e->u.nat_gb_per_month, e->n.nat, e->n.nat == 1 ? "" : "s");
	(void)p;
}

static void price_eip(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l = add_line(e, id, type, "public IPv4 address hours", H, "h",
				       price(e, "publicIpv4", "hour", NULL));
	line_note(l, "every public IPv4 address is billed since February 2024");
	(void)p;
}

static void price_endpoint(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *kind = prop_str(p, "VpcEndpointType");
	if (!kind || strcmp(kind, "Interface")) {
		struct cost_line *l = add_line(e, id, type, "gateway endpoint", 1, "endpoint", 0);
		line_note(l, "gateway endpoints (S3, DynamoDB) have no charge");
		return;
	}
	size_t azs = array_size(json_object_get(p, "SubnetIds"));
	if (!azs)
		azs = 1;
	struct cost_line *l = add_line(e, id, type, "interface endpoint AZ hours", H * (double)azs,
				       "h", price(e, "vpcEndpoint", "interfaceAzHour", NULL));
	line_formula(l, "730 h x %zu AZ%s x $%g/h", azs, azs == 1 ? "" : "s", l->unit_price);
	double share = e->u.endpoint_gb_per_month /
		       (e->n.interface_endpoints ? e->n.interface_endpoints : 1);
	l = add_line(e, id, type, "interface endpoint data processed", share, "GB",
		     price(e, "vpcEndpoint", "gb", NULL));
	line_note(l, "usage.endpointGbPerMonth %g GB split over %d interface endpoints",
		  e->u.endpoint_gb_per_month, e->n.interface_endpoints);
}

static void price_load_balancer(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *kind = prop_str(p, "Type");
	bool network = kind && !strcmp(kind, "network");
	const char *svc = network ? "networkLoadBalancer" : "applicationLoadBalancer";
	add_line(e, id, type, network ? "NLB hours" : "ALB hours", H, "h",
		 price(e, svc, "hour", NULL));
	double rps = e->u.requests_per_month / (e->n.albs ? e->n.albs : 1) / SECONDS_PER_MONTH;
	double lcu = rps / ALB_NEW_CONNECTIONS_PER_LCU;
	struct cost_line *l =
		add_line(e, id, type, network ? "NLCU hours" : "LCU hours", lcu * H, "LCU-h",
			 price(e, svc, network ? "nlcuHour" : "lcuHour", NULL));
	line_formula(l, "%.3g req/s / %g new connections per LCU x 730 h x $%g/LCU-h", rps,
		     ALB_NEW_CONNECTIONS_PER_LCU, l->unit_price);
	line_note(l, "usage.requestsPerMonth %g; one new connection per request (an upper bound)",
		  e->u.requests_per_month);
	const char *scheme = prop_str(p, "Scheme");
	if (!scheme || strcmp(scheme, "internal")) {
		size_t ips = array_size(json_object_get(p, "Subnets"));
		if (!ips)
			ips = array_size(json_object_get(p, "SubnetMappings"));
		if (!ips)
			ips = 2; /* a load balancer spans at least two AZs */
		l = add_line(e, id, type, "public IPv4 address hours", H * (double)ips, "h",
			     price(e, "publicIpv4", "hour", NULL));
		line_formula(l, "730 h x %zu addresses (one per AZ) x $%g/h", ips, l->unit_price);
	}
}

/* ---- compute ----------------------------------------------------------- */

/* Fargate CPU as units ("256") or vCPU ("0.25 vCPU"), memory as MiB or "0.5 GB". */
static double fargate_vcpu(const json_t *v)
{
	double d;
	if (jnum(v, &d))
		return d / 1024.0;
	const char *s = json_string_value(v);
	return s && strstr(s, "vCPU") ? atof(s) : 0.25;
}

static double fargate_gb(const json_t *v)
{
	double d;
	if (jnum(v, &d))
		return d / 1024.0;
	const char *s = json_string_value(v);
	return s && strstr(s, "GB") ? atof(s) : 0.5;
}

static bool service_on_fargate(const json_t *p)
{
	const char *lt = prop_str(p, "LaunchType");
	if (lt)
		return !strcmp(lt, "FARGATE");
	const json_t *cps = json_object_get(p, "CapacityProviderStrategy");
	size_t i;
	const json_t *s;
	json_array_foreach (cps, i, s) {
		const char *name = prop_str(s, "CapacityProvider");
		if (name && !strncmp(name, "FARGATE", 7))
			return true;
	}
	/* no launch type and no strategy: the cluster default, Fargate for our app */
	return !json_is_array(cps);
}

static void price_ecs_service(struct est *e, const char *id, const char *type, const json_t *p)
{
	if (!service_on_fargate(p))
		return; /* EC2 launch type: the instances are priced with their group */
	double count = prop_num(p, "DesiredCount", 1);
	const char *td_id = ref_target(json_object_get(p, "TaskDefinition"));
	const json_t *td = td_id ? resource_props(e->t->tmpl, td_id) : NULL;
	double vcpu = fargate_vcpu(json_object_get(td, "Cpu"));
	double gb = fargate_gb(json_object_get(td, "Memory"));
	const char *arch = prop_str(json_object_get(td, "RuntimePlatform"), "CpuArchitecture");
	bool arm = arch && !strcmp(arch, "ARM64");
	struct cost_line *l =
		add_line(e, id, type, "Fargate vCPU hours", count * vcpu * H, "vCPU-h",
			 price(e, "fargate", arm ? "vcpuHourArm" : "vcpuHour", NULL));
	line_formula(l, "%g tasks x %g vCPU x 730 h x $%g/vCPU-h", count, vcpu, l->unit_price);
	line_note(l, "DesiredCount %g%s; autoscaling above it adds to this", count,
		  td ? "" : ", task size unknown (defaults 0.25 vCPU, 0.5 GB)");
	l = add_line(e, id, type, "Fargate memory GB hours", count * gb * H, "GB-h",
		     price(e, "fargate", arm ? "gbHourArm" : "gbHour", NULL));
	line_formula(l, "%g tasks x %g GB x 730 h x $%g/GB-h", count, gb, l->unit_price);
}

static void price_ebs(struct est *e, const char *id, const char *type, double count,
		      const json_t *mappings)
{
	size_t i;
	const json_t *m;
	json_array_foreach (mappings, i, m) {
		const json_t *ebs = json_object_get(m, "Ebs");
		if (!ebs)
			continue;
		double size = prop_num(ebs, "VolumeSize", 8);
		const char *vt = prop_str(ebs, "VolumeType");
		char key[32];
		snprintf(key, sizeof(key), "%sGbMonth", vt ? vt : "gp3");
		struct cost_line *l = add_line(e, id, type, "EBS storage", size * count, "GB-month",
					       price(e, "ebs", key, NULL));
		line_formula(l, "%g instance%s x %g GB %s x $%g/GB-month", count,
			     count == 1 ? "" : "s", size, vt ? vt : "gp3", l->unit_price);
	}
}

static void price_instances(struct est *e, const char *id, const char *type, double count,
			    const char *itype, const json_t *mappings, const char *count_from)
{
	if (!itype) {
		struct cost_line *l = add_line(e, id, type, "EC2 instance hours", 0, "h", 0);
		line_note(l, "instance type not stated in the template: not estimated");
		return;
	}
	struct cost_line *l = add_line(e, id, type, "EC2 instance hours", count * H, "h",
				       price(e, "ec2", itype, NULL));
	line_formula(l, "%g x %s x 730 h x $%g/h", count, itype, l->unit_price);
	if (count_from)
		line_note(l, "%s of the group (%g)", count_from, count);
	price_ebs(e, id, type, count, mappings);
}

static void price_asg(struct est *e, const char *id, const char *type, const json_t *p)
{
	bool desired = json_object_get(p, "DesiredCapacity") != NULL;
	double count = prop_num(p, "DesiredCapacity", prop_num(p, "MinSize", 0));
	const char *lt_id = ref_target(
		json_object_get(json_object_get(p, "LaunchTemplate"), "LaunchTemplateId"));
	const json_t *data = json_object_get(lt_id ? resource_props(e->t->tmpl, lt_id) : NULL,
					     "LaunchTemplateData");
	price_instances(e, id, type, count, prop_str(data, "InstanceType"),
			json_object_get(data, "BlockDeviceMappings"),
			desired ? "DesiredCapacity" : "MinSize");
}

static void price_instance(struct est *e, const char *id, const char *type, const json_t *p)
{
	price_instances(e, id, type, 1, prop_str(p, "InstanceType"),
			json_object_get(p, "BlockDeviceMappings"), NULL);
}

static void price_volume(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *vt = prop_str(p, "VolumeType");
	char key[32];
	snprintf(key, sizeof(key), "%sGbMonth", vt ? vt : "gp2");
	add_line(e, id, type, "EBS storage", prop_num(p, "Size", 0), "GB-month",
		 price(e, "ebs", key, NULL));
}

/* ---- database ---------------------------------------------------------- */

static void price_rds(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *src_id = ref_target(json_object_get(p, "SourceDBInstanceIdentifier"));
	bool replica = json_object_get(p, "SourceDBInstanceIdentifier") != NULL;
	const json_t *src = src_id ? resource_props(e->t->tmpl, src_id) : NULL;
	const json_t *base = src ? src : p; /* a replica's storage is its source's */
	const char *engine =
		prop_str(p, "Engine") ? prop_str(p, "Engine") : prop_str(base, "Engine");
	const char *cls = prop_str(p, "DBInstanceClass") ? prop_str(p, "DBInstanceClass")
							 : prop_str(base, "DBInstanceClass");
	bool maz = prop_bool(p, "MultiAZ", false);
	double copies = maz ? 2 : 1;
	const char *role = replica ? "read replica" : maz ? "Multi-AZ" : "Single-AZ";

	if (!engine || strcmp(engine, "postgres")) {
		diag_add(e->dl, DIAG_WARNING, e->t->file, 0, 0, id,
			 "engine '%s' of %s is not priced (only postgres)", engine ? engine : "?",
			 id);
		return;
	}
	if (!cls) {
		diag_add(e->dl, DIAG_WARNING, e->t->file, 0, 0, id, "%s has no DBInstanceClass",
			 id);
		return;
	}
	struct cost_line *l = add_line(e, id, type, "DB instance hours", copies * H, "h",
				       price(e, "rds", "postgres", cls));
	line_formula(l, "730 h x %g (%s) x %s $%g/h", copies, role, cls, l->unit_price);

	double gb = prop_num(base, "AllocatedStorage", 20);
	const char *st = prop_str(base, "StorageType") ? prop_str(base, "StorageType") : "gp2";
	l = add_line(e, id, type, "DB storage", gb * copies, "GB-month",
		     price(e, "rds", "storageGbMonth", st));
	line_formula(l, "%g GB %s x %g (%s) x $%g/GB-month", gb, st, copies, role, l->unit_price);
	double iops = prop_num(base, "Iops", 0);
	if (iops > 0 && strncmp(st, "io", 2) == 0)
		add_line(e, id, type, "DB provisioned IOPS", iops * copies, "IOPS-month",
			 price(e, "rds", "provisionedIopsMonth", NULL));
	if (prop_bool(p, "EnablePerformanceInsights", false)) {
		double days = prop_num(p, "PerformanceInsightsRetentionPeriod", 7);
		double free_days = price(e, "rds", "performanceInsightsFreeDays", NULL);
		const json_t *c = json_object_get(
			json_object_get(json_object_get(e->pb ? e->pb->doc : NULL, "rds"),
					"postgres"),
			cls);
		double vcpu = prop_num(c, "vcpu", 2);
		if (days <= free_days) {
			l = add_line(e, id, type, "Performance Insights", 0, "vCPU-h", 0);
			line_note(l, "%g days of retention: within the free tier", days);
		} else {
			l = add_line(e, id, type, "Performance Insights (Database Insights)",
				     vcpu * H, "vCPU-h",
				     price(e, "rds", "databaseInsightsVcpuHour", NULL));
			line_formula(l, "%g vCPU x 730 h x $%g/vCPU-h (retention %g days)", vcpu,
				     l->unit_price, days);
		}
	}
	if (replica)
		return;
	l = add_line(e, id, type, "backup storage beyond the free allowance", e->u.db_backup_gb,
		     "GB-month", price(e, "rds", "backupGbMonth", NULL));
	line_note(l, "usage.dbBackupGb; automated backups up to the DB's storage are free");
	if (prop_bool(p, "ManageMasterUserPassword", false)) {
		l = add_line(e, id, type, "managed master user secret", 1, "secret-month",
			     price(e, "secretsManager", "secretMonth", NULL));
		line_note(l, "ManageMasterUserPassword keeps the password in Secrets Manager");
	}
}

static bool add_primary_storage(void *ctx, const struct sm_template *t, const char *id,
				const char *type, const json_t *p)
{
	if (!strcmp(type, "AWS::RDS::DBInstance") &&
	    !json_object_get(p, "SourceDBInstanceIdentifier"))
		*(double *)ctx += prop_num(p, "AllocatedStorage", 20);
	(void)t;
	(void)id;
	return false;
}

static void price_backup_plan(struct est *e, const char *id, const char *type, const json_t *p)
{
	/* one full snapshot of every primary DB instance of the environment */
	double gb = 0;
	cost_each_resource(e->a, add_primary_storage, &gb);
	struct cost_line *l = add_line(e, id, type, "backup vault storage (RDS snapshots)", gb,
				       "GB-month", price(e, "backup", "rdsSnapshotGbMonth", NULL));
	line_note(l, "one full snapshot of each primary DB instance's allocated storage; daily "
		     "incrementals assumed small");
	(void)p;
}

/* ---- storage and edge -------------------------------------------------- */

/* Is bucket `id` of the current template an origin of some distribution? */
static bool is_cdn_origin(struct est *e, const char *id);

static void price_bucket(struct est *e, const char *id, const char *type, const json_t *p)
{
	double share = e->u.s3_storage_gb / (e->n.buckets ? e->n.buckets : 1);
	struct cost_line *l = add_line(e, id, type, "S3 Standard storage", share, "GB-month",
				       price(e, "s3", "standardGbMonth", NULL));
	line_note(l, "usage.s3StorageGb %g GB split over %d buckets", e->u.s3_storage_gb,
		  e->n.buckets);
	if (is_cdn_origin(e, id)) {
		double gets = e->u.cdn_requests_per_month * CDN_MISS_RATIO /
			      (e->n.distributions ? e->n.distributions : 1) / 1000.0;
		l = add_line(e, id, type, "S3 GET requests (CloudFront misses)", gets,
			     "1k requests", price(e, "s3", "getPer1000", NULL));
		line_note(l, "usage.cdnRequestsPerMonth x %g cache-miss ratio", CDN_MISS_RATIO);
	}
	(void)p;
}

static void price_distribution(struct est *e, const char *id, const char *type, const json_t *p)
{
	const json_t *dc = json_object_get(p, "DistributionConfig");
	int n = e->n.distributions ? e->n.distributions : 1;
	struct cost_line *l =
		add_line(e, id, type, "CloudFront data transfer out", e->u.cdn_gb_per_month / n,
			 "GB", price(e, "cloudfront", "gbOut", NULL));
	line_note(l, "usage.cdnGbPerMonth; first-tier United States price (%s changes little)",
		  prop_str(dc, "PriceClass") ? prop_str(dc, "PriceClass") : "PriceClass_All");
	const char *vpp =
		prop_str(json_object_get(dc, "DefaultCacheBehavior"), "ViewerProtocolPolicy");
	bool https = !vpp || strcmp(vpp, "allow-all");
	l = add_line(e, id, type, https ? "CloudFront HTTPS requests" : "CloudFront HTTP requests",
		     e->u.cdn_requests_per_month / n / 10000.0, "10k requests",
		     price(e, "cloudfront", https ? "httpsPer10k" : "httpPer10k", NULL));
	line_note(l, "usage.cdnRequestsPerMonth %g; the always-free tier is not subtracted",
		  e->u.cdn_requests_per_month);
}

static void price_web_acl(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *scope = prop_str(p, "Scope");
	bool cdn = scope && !strcmp(scope, "CLOUDFRONT");
	add_line(e, id, type, "web ACL", 1, "ACL-month", price(e, "waf", "webAclMonth", NULL));
	double rules = (double)array_size(json_object_get(p, "Rules"));
	struct cost_line *l = add_line(e, id, type, "WAF rules", rules, "rule-month",
				       price(e, "waf", "ruleMonth", NULL));
	line_note(l, "each rule and managed rule group is one rule");
	double req =
		cdn ? e->u.cdn_requests_per_month / (e->n.waf_cloudfront ? e->n.waf_cloudfront : 1)
		    : e->u.requests_per_month / (e->n.waf_regional ? e->n.waf_regional : 1);
	l = add_line(e, id, type, "WAF requests", req / 1e6, "1M requests",
		     price(e, "waf", "millionRequests", NULL));
	line_note(l, "%s",
		  cdn ? "usage.cdnRequestsPerMonth (CloudFront scope)"
		      : "usage.requestsPerMonth (regional scope)");
}

/* ---- security, monitoring, audit --------------------------------------- */

static void price_alarm(struct est *e, const char *id, const char *type, const json_t *p)
{
	const json_t *metrics = json_object_get(p, "Metrics");
	double n = 0, period = prop_num(p, "Period", 60);
	size_t i;
	const json_t *m;
	json_array_foreach (metrics, i, m) {
		const json_t *ms = json_object_get(m, "MetricStat");
		if (ms) {
			n++;
			period = prop_num(ms, "Period", period);
		}
	}
	if (!json_is_array(metrics))
		n = 1;
	bool high = period < 60;
	struct cost_line *l =
		add_line(e, id, type, high ? "high-resolution alarm metrics" : "alarm metrics", n,
			 "metric-month",
			 price(e, "cloudwatch",
			       high ? "highResolutionAlarmMetricMonth" : "alarmMetricMonth", NULL));
	if (json_is_array(metrics))
		line_note(l, "metric math alarm: billed per metric it reads");
}

static void price_log_group(struct est *e, const char *id, const char *type, const json_t *p)
{
	double share = e->u.log_gb_per_month / (e->n.log_groups ? e->n.log_groups : 1);
	struct cost_line *l = add_line(e, id, type, "logs ingested", share, "GB",
				       price(e, "cloudwatch", "logsIngestGb", NULL));
	line_note(l, "usage.logGbPerMonth %g GB split over %d log groups", e->u.log_gb_per_month,
		  e->n.log_groups);
	double days = prop_num(p, "RetentionInDays", 0);
	double months = days > 0 ? days / DAYS_PER_MONTH : LOG_NEVER_EXPIRES_MONTHS;
	l = add_line(e, id, type, "logs stored", share * months, "GB-month",
		     price(e, "cloudwatch", "logsStorageGbMonth", NULL));
	line_formula(l, "%.4g GB/month x %.3g months retained x $%g/GB-month", share, months,
		     l->unit_price);
	line_note(l, days > 0 ? "steady state: a retention period's worth of ingestion"
			      : "never expires: counted at a year's ingestion");
}

static void price_trail(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l =
		add_line(e, id, type, "management events (first copy)", 1, "trail-month",
			 price(e, "cloudtrail", "managementEventsFirstCopy", NULL));
	line_note(l, "the first copy of management events is free; data events are not "
		     "estimated (no usage assumption)");
	(void)p;
}

static void price_recorder(struct est *e, const char *id, const char *type, const json_t *p)
{
	struct cost_line *l =
		add_line(e, id, type, "configuration items recorded", e->u.config_items_per_month,
			 "item", price(e, "config", "configurationItem", NULL));
	line_note(l, "usage.configItemsPerMonth");
	(void)p;
}

static double runs_per_month(const char *freq)
{
	static const struct {
		const char *name;
		double hours;
	} f[] = {{"One_Hour", 1},
		 {"Three_Hours", 3},
		 {"Six_Hours", 6},
		 {"Twelve_Hours", 12},
		 {"TwentyFour_Hours", 24}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(freq, f[i].name))
			return H / f[i].hours;
	return H / 24;
}

static void price_config_rule(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *freq = prop_str(p, "MaximumExecutionFrequency");
	double evals = freq ? runs_per_month(freq) : e->u.config_items_per_month;
	struct cost_line *l = add_line(e, id, type, "rule evaluations", evals, "evaluation",
				       price(e, "config", "ruleEvaluation", NULL));
	if (freq)
		line_note(l, "periodic (%s): one evaluation a run", freq);
	else
		line_note(l,
			  "change-triggered: each recorded item evaluated once (an upper bound)");
}

static void price_sampling_rule(struct est *e, const char *id, const char *type, const json_t *p)
{
	if (e->n.xray_charged)
		return; /* traces are counted once per environment */
	e->n.xray_charged = true;
	double free_traces = price(e, "xray", "freeTracesPerMonth", NULL);
	double billable = e->u.xray_traces_per_month - free_traces;
	if (billable < 0)
		billable = 0;
	struct cost_line *l = add_line(e, id, type, "X-Ray traces recorded", billable / 1e6,
				       "1M traces", price(e, "xray", "millionTraces", NULL));
	line_formula(l, "(%g - %g free) traces / 1M x $%g/1M", e->u.xray_traces_per_month,
		     free_traces, l->unit_price);
	line_note(l, "usage.xrayTracesPerMonth");
	(void)p;
}

static void price_free(struct est *e, const char *id, const char *type, const json_t *p)
{
	const char *what = !strcmp(type, "AWS::SNS::Topic") ? "SNS topic" : "budget";
	struct cost_line *l = add_line(e, id, type, what, 1, "month", 0);
	line_note(l, "%s",
		  !strcmp(type, "AWS::SNS::Topic")
			  ? "no fixed charge; alarm notifications stay within the free tier"
			  : "the first two budgets of an account are free");
	(void)p;
}

typedef void (*price_fn)(struct est *, const char *, const char *, const json_t *);

static const struct {
	const char *type;
	price_fn fn;
} handlers[] = {
	{"AWS::EC2::NatGateway", price_nat},
	{"AWS::EC2::EIP", price_eip},
	{"AWS::EC2::VPCEndpoint", price_endpoint},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", price_load_balancer},
	{"AWS::ECS::Service", price_ecs_service},
	{"AWS::AutoScaling::AutoScalingGroup", price_asg},
	{"AWS::EC2::Instance", price_instance},
	{"AWS::EC2::Volume", price_volume},
	{"AWS::RDS::DBInstance", price_rds},
	{"AWS::Backup::BackupPlan", price_backup_plan},
	{"AWS::S3::Bucket", price_bucket},
	{"AWS::CloudFront::Distribution", price_distribution},
	{"AWS::WAFv2::WebACL", price_web_acl},
	{"AWS::CloudWatch::Alarm", price_alarm},
	{"AWS::Logs::LogGroup", price_log_group},
	{"AWS::CloudTrail::Trail", price_trail},
	{"AWS::Config::ConfigurationRecorder", price_recorder},
	{"AWS::Config::ConfigRule", price_config_rule},
	{"AWS::XRay::SamplingRule", price_sampling_rule},
	{"AWS::SNS::Topic", price_free},
	{"AWS::Budgets::Budget", price_free},
};

/* Resources billed a fixed fee a month, whatever their properties. */
static const struct {
	const char *type, *component, *unit, *k1, *k2;
} flat_fees[] = {
	{"AWS::KMS::Key", "KMS key", "key-month", "kms", "keyMonth"},
	{"AWS::SecretsManager::Secret", "secret", "secret-month", "secretsManager", "secretMonth"},
	{"AWS::CloudWatch::CompositeAlarm", "composite alarm", "alarm-month", "cloudwatch",
	 "compositeAlarmMonth"},
	{"AWS::CloudWatch::Dashboard", "dashboard", "dashboard-month", "cloudwatch",
	 "dashboardMonth"},
};

/* ---- cross-stack origin lookup ----------------------------------------- */

/* The template and logical ID an Fn::ImportValue name exports, or false. */
static bool resolve_import(struct sm_assembly *a, const char *name,
			   const struct sm_template **t_out, const char **id_out)
{
	struct sm_template *t;
	const json_t *v = sm_assembly_export(a, name, &t);
	const char *id = v ? ref_target(v) : NULL;
	const json_t *ga = json_object_get(v, "Fn::GetAtt");
	if (!id && json_array_size(ga) == 2)
		id = json_string_value(json_array_get(ga, 0));
	if (!id)
		return false;
	*t_out = t;
	*id_out = id;
	return true;
}

static bool origin_is(struct est *e, const struct sm_template *dist_t, const json_t *domain,
		      const char *bucket_id)
{
	const json_t *ga = json_object_get(domain, "Fn::GetAtt");
	if (json_array_size(ga) == 2)
		return dist_t == e->t && !strcmp(json_string_value(json_array_get(ga, 0))
							 ? json_string_value(json_array_get(ga, 0))
							 : "",
						 bucket_id);
	const char *imp = json_string_value(json_object_get(domain, "Fn::ImportValue"));
	const struct sm_template *t;
	const char *id;
	return imp && resolve_import(e->a, imp, &t, &id) && t == e->t && !strcmp(id, bucket_id);
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

static bool is_cdn_origin(struct est *e, const char *id)
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
	e->pb = book_for(e, region);
	struct cost_stack *s = stack_entry(e->r, t, region);
	if (!e->pb)
		return;
	size_t first = e->r->nr;
	const char *id;
	const json_t *res;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
		const char *ty = prop_str(res, "Type");
		for (size_t i = 0; ty && i < sizeof(handlers) / sizeof(handlers[0]); i++)
			if (!strcmp(ty, handlers[i].type))
				handlers[i].fn(e, id, ty, json_object_get(res, "Properties"));
		for (size_t i = 0; ty && i < sizeof(flat_fees) / sizeof(flat_fees[0]); i++)
			if (!strcmp(ty, flat_fees[i].type))
				add_line(e, id, ty, flat_fees[i].component, 1, flat_fees[i].unit,
					 price(e, flat_fees[i].k1, flat_fees[i].k2, NULL));
	}
	for (size_t i = first; i < e->r->nr; i++)
		s->monthly += e->r->lines[i].monthly;
	s->monthly = round_cents(s->monthly);
}

int cost_estimate(struct sm_assembly *a, const struct env_config *cfg, const char *prices_dir,
		  struct cost_report *out, struct diag_list *dl)
{
	struct est e = {.a = a, .r = out, .dl = dl};

	memset(out, 0, sizeof(*out));
	if (cost_check_quantities(a, dl))
		return -1;
	char *dir = prices_dir ? xstrdup(prices_dir) : cost_default_prices_dir();
	e.prices_dir = dir;
	if (cfg) {
		e.u = cfg->usage;
		out->environment = xstrdup(cfg->environment);
		out->budget = cfg->monthly_budget;
	} else {
		cost_default_usage(&e.u);
		out->usage_defaults = true;
	}
	e.default_region = cfg && cfg->region ? cfg->region : "us-east-1";
	cost_each_resource(a, count_one, &e.n);
	for (size_t i = 0; i < a->nr; i++)
		price_template(&e, &a->items[i]);
	double total = 0;
	for (size_t i = 0; i < out->nr; i++)
		total += out->lines[i].monthly;
	out->total = round_cents(total);
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
						   round_cents(r->budget - r->total))
				       : json_null();
	return json_pack("{s:s? s:s s:s? s:o s:f s:o s:b s:o s:o}", "environment", r->environment,
			 "currency", r->currency ? r->currency : "USD", "priceDate",
			 r->prices_nr ? r->prices[0].date : NULL, "priceFiles", files,
			 "monthlyTotal", r->total, "budget", budget, "usageDefaults",
			 r->usage_defaults, "stacks", stacks, "lines", lines);
}

/* ---- --against ---------------------------------------------------------- */

static bool same_line(const struct cost_line *x, const struct cost_line *y)
{
	return !strcmp(x->stack, y->stack) && !strcmp(x->logical_id, y->logical_id) &&
	       !strcmp(x->component, y->component);
}

static void add_delta(struct cost_diff *d, const struct cost_line *l, double before, double after)
{
	if (fabs(after - before) < 0.005)
		return;
	ALLOC_GROW(d->items, d->nr + 1, d->alloc);
	struct cost_delta *x = &d->items[d->nr++];
	x->stack = xstrdup(l->stack);
	x->logical_id = xstrdup(l->logical_id);
	x->component = xstrdup(l->component);
	x->before = before;
	x->after = after;
	x->delta = round_cents(after - before);
}

void cost_compare(const struct cost_report *before, const struct cost_report *after,
		  struct cost_diff *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < after->nr; i++) {
		double b = 0;
		for (size_t j = 0; j < before->nr; j++)
			if (same_line(&after->lines[i], &before->lines[j]))
				b = before->lines[j].monthly;
		add_delta(out, &after->lines[i], b, after->lines[i].monthly);
	}
	for (size_t j = 0; j < before->nr; j++) {
		bool found = false;
		for (size_t i = 0; i < after->nr && !found; i++)
			found = same_line(&after->lines[i], &before->lines[j]);
		if (!found)
			add_delta(out, &before->lines[j], before->lines[j].monthly, 0);
	}
	out->before_total = before->total;
	out->after_total = after->total;
	out->delta_total = round_cents(after->total - before->total);
}

void cost_diff_release(struct cost_diff *d)
{
	for (size_t i = 0; i < d->nr; i++) {
		free(d->items[i].stack);
		free(d->items[i].logical_id);
		free(d->items[i].component);
	}
	free(d->items);
	memset(d, 0, sizeof(*d));
}

json_t *cost_diff_json(const struct cost_diff *d)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < d->nr; i++) {
		const struct cost_delta *x = &d->items[i];
		json_array_append_new(lines, json_pack("{ss ss ss sf sf sf}", "stack", x->stack,
						       "logicalId", x->logical_id, "component",
						       x->component, "before", x->before, "after",
						       x->after, "delta", x->delta));
	}
	return json_pack("{sf sf sf so}", "beforeTotal", d->before_total, "afterTotal",
			 d->after_total, "delta", d->delta_total, "lines", lines);
}

/* ---- defaults and class facts ------------------------------------------ */

void cost_default_usage(struct env_usage *u)
{
	/*
	 * The defaults live once, in environments.c's key table: parse the
	 * smallest valid config and take its usage block.
	 */
	static const char minimal[] =
		"{\"environment\":\"defaults\",\"region\":\"us-east-1\",\"accountId\":"
		"\"123456789012\",\"vpcCidr\":\"10.0.0.0/"
		"16\","
		"\"databaseInstanceType\":\"t3.micro\",\"ecsDesiredCount\":1,"
		"\"domainName\":\"example.com\","
		"\"certificateArn\":\"arn:aws:acm:us-east-1:123456789012:certificate/defaults\","
		"\"alarmEmail\":\"ops@example.com\",\"monthlyBudget\":1,\"owner\":\"defaults\","
		"\"costCenter\":\"defaults\"}";
	struct env_config cfg;
	struct diag_list dl = DIAG_LIST_INIT;
	memset(u, 0, sizeof(*u));
	if (env_config_parse("(defaults)", minimal, sizeof(minimal) - 1, &cfg, &dl) == 0) {
		*u = cfg.usage;
		env_config_release(&cfg);
	}
	diag_list_release(&dl);
}

json_t *cost_prices_load(const char *prices_dir, const char *region, char **path_out,
			 struct diag_list *dl)
{
	char *dir = prices_dir ? xstrdup(prices_dir) : cost_default_prices_dir();
	json_t *doc = load_price_file(dir, region, path_out, dl);
	free(dir);
	return doc;
}

bool cost_rds_class_info(const char *prices_dir, const char *region, const char *db_class,
			 double *memory_gib, double *vcpu, double *hourly, struct diag_list *dl)
{
	char *path = NULL;
	json_t *doc = cost_prices_load(prices_dir, region, &path, dl);
	if (!doc)
		return false;
	const json_t *c =
		json_object_get(json_object_get(json_object_get(doc, "rds"), "postgres"), db_class);
	bool ok = json_is_number(json_object_get(c, "memoryGiB"));
	if (ok) {
		*memory_gib = json_number_value(json_object_get(c, "memoryGiB"));
		*vcpu = prop_num(c, "vcpu", 0);
		*hourly = prop_num(c, "hour", 0);
	} else {
		struct diag *d = diag_add(
			dl, DIAG_ERROR, path, 0, 0, NULL,
			"no RDS for PostgreSQL class '%s' (memoryGiB) in the price file", db_class);
		diag_set_hint(d, "add it under rds.postgres from the RDS pricing page");
	}
	json_decref(doc);
	free(path);
	return ok;
}
