/*
 * Availability from published SLAs and capacity from the autoscaling
 * maximum: the model is described in slo.h and docs/cost.md.
 */
#include "analysis/slo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/refs.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct found {
	const struct sm_template *t;
	const char *id;
	const json_t *props;
};

struct slo_ctx {
	const struct sm_assembly *a;
	/*
	 * The primary's region: that of the primary database (a DB instance
	 * that replicates nothing), else of the first load-balanced service.
	 * The regional parts of the request path are looked for there; another
	 * region's are a second path (disaster recovery).
	 */
	const char *primary_region;
	const struct sm_usage *usage;
	json_t *slas; /* the "services" object of slas.json */
	const char *slas_path;
	struct diag_list *dl;
	bool failed;
};

static const char *pstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

#define pnum cost_prop_number

static bool pbool(const json_t *o, const char *k)
{
	return cost_prop_bool(o, k, false);
}

struct find_query {
	const char *type;
	bool (*want)(const json_t *props);
	struct found *out;
	const char *region; /* NULL: any */
	bool other_region;  /* true: any region but `region` */
};

static bool same_region(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

static bool find_one(void *ctx, const struct sm_template *t, const char *id, const char *type,
		     const json_t *p)
{
	struct find_query *q = ctx;
	if (strcmp(type, q->type) || (q->want && !q->want(p)))
		return false;
	if (q->region && (q->other_region ? same_region(t->region, q->region)
					  : !same_region(t->region, q->region)))
		return false;
	q->out->t = t;
	q->out->id = id;
	q->out->props = p;
	return true;
}

/* The first resource of `type` for which `want` (may be NULL) holds. */
static bool find_resource(const struct sm_assembly *a, const char *type,
			  bool (*want)(const json_t *props), struct found *out)
{
	struct find_query q = {type, want, out, NULL, false};
	return cost_each_resource(a, find_one, &q);
}

/* The same in `region` (NULL: any), or with `other`, in any region but it. */
static bool find_in_region(const struct sm_assembly *a, const char *type,
			   bool (*want)(const json_t *props), const char *region, bool other,
			   struct found *out)
{
	struct find_query q = {type, want, out, region, other};
	return cost_each_resource(a, find_one, &q);
}

/* ---- availability ------------------------------------------------------ */

static const json_t *sla_entry(struct slo_ctx *c, const char *key)
{
	const json_t *s = json_object_get(c->slas, key);
	double v = pnum(s, "sla", -1);
	if (v <= 0 || v > 1 || !pstr(s, "source")) {
		diag_add(c->dl, DIAG_ERROR, c->slas_path, 0, 0, NULL,
			 "'services.%s' needs \"sla\" (a fraction such as 0.999) and \"source\" "
			 "(the SLA page)",
			 key);
		c->failed = true;
		return NULL;
	}
	return s;
}

static struct slo_component *add_component(struct slo_ctx *c, struct slo_availability *av,
					   const char *key, const struct found *f)
{
	const json_t *s = sla_entry(c, key);
	if (!s)
		return NULL;
	ALLOC_GROW(av->components, av->nr + 1, av->alloc);
	struct slo_component *x = &av->components[av->nr++];
	memset(x, 0, sizeof(*x));
	x->key = xstrdup(key);
	x->name = xstrdup(pstr(s, "name") ? pstr(s, "name") : key);
	x->resource = xstrfmt("%s/%s", f->t->stack_name, f->id);
	x->sla = pnum(s, "sla", 0);
	x->redundancy = 1;
	x->effective = x->sla;
	x->source = xstrdup(pstr(s, "source"));
	return x;
}

static bool is_alb(const json_t *p)
{
	const char *ty = pstr(p, "Type");
	const char *scheme = pstr(p, "Scheme");
	return (!ty || !strcmp(ty, "application")) && (!scheme || strcmp(scheme, "internal"));
}

static bool is_primary_db(const json_t *p)
{
	return !json_object_get(p, "SourceDBInstanceIdentifier");
}

static bool is_replica_db(const json_t *p)
{
	return json_object_get(p, "SourceDBInstanceIdentifier") != NULL;
}

static bool is_regional_acl(const json_t *p)
{
	const char *scope = pstr(p, "Scope");
	return !scope || strcmp(scope, "CLOUDFRONT");
}

static bool has_load_balancer(const json_t *p)
{
	return json_array_size(json_object_get(p, "LoadBalancers")) > 0;
}

static size_t service_azs(const json_t *svc)
{
	const json_t *net = json_object_get(json_object_get(svc, "NetworkConfiguration"),
					    "AwsvpcConfiguration");
	return json_array_size(json_object_get(net, "Subnets"));
}

/*
 * The regional part of a request path (load balancer, its web ACL, the
 * service's tasks, the database) in `region`, or with `other`, in another
 * region than it: the primary's, or the DR region's second path.
 */
static void regional_components(struct slo_ctx *c, struct slo_availability *av, const char *region,
				bool other)
{
	struct found f = {0};
	struct slo_component *x;
	if (find_in_region(c->a, "AWS::ElasticLoadBalancingV2::LoadBalancer", is_alb, region, other,
			   &f)) {
		size_t azs = json_array_size(json_object_get(f.props, "Subnets"));
		if (!azs)
			azs = json_array_size(json_object_get(f.props, "SubnetMappings"));
		if ((x = add_component(c, av, azs >= 2 ? "elbMultiAz" : "elbSingle", &f)))
			x->basis = xstrfmt("load balancer in %zu AZ%s", azs, azs == 1 ? "" : "s");
	}
	if (find_in_region(c->a, "AWS::WAFv2::WebACLAssociation", NULL, region, other, &f) &&
	    find_in_region(c->a, "AWS::WAFv2::WebACL", is_regional_acl, region, other, &f) &&
	    (x = add_component(c, av, "waf", &f)))
		x->basis = xstrdup("regional web ACL of the load balancer");
	if (find_in_region(c->a, "AWS::ECS::Service", has_load_balancer, region, other, &f) ||
	    find_in_region(c->a, "AWS::ECS::Service", NULL, region, other, &f)) {
		size_t azs = service_azs(f.props);
		if (azs >= 2) {
			const json_t *whole = sla_entry(c, "computeRegion");
			if ((x = add_component(c, av, "computeInstance", &f)) && whole) {
				/*
				 * Tasks in one AZ share its fate, so copies are counted per AZ;
				 * AWS commits to no more than the region-level SLA for the
				 * service as a whole, which caps the redundancy credit.
				 */
				double par = 1.0 - pow(1.0 - x->sla, (double)azs);
				double cap = pnum(whole, "sla", 1);
				free(x->name);
				x->name = xstrdup("ECS tasks");
				x->redundancy = (int)azs;
				x->effective = par < cap ? par : cap;
				x->basis = xstrfmt(
					"tasks in %zu AZs: min(1-(1-%g)^%zu, region-level %g)", azs,
					x->sla, azs, cap);
			}
		} else if ((x = add_component(c, av, "computeInstance", &f))) {
			free(x->name);
			x->name = xstrdup("ECS tasks");
			x->basis = xstrdup(
				"tasks in one AZ: no redundancy credit (they share the AZ)");
		}
	}
	/* the second path's database is a replica, the writer once promoted */
	if (find_in_region(c->a, "AWS::RDS::DBInstance", other ? is_replica_db : is_primary_db,
			   region, other, &f)) {
		bool maz = pbool(f.props, "MultiAZ");
		if ((x = add_component(c, av, maz ? "rdsMultiAz" : "rdsSingle", &f)))
			x->basis = xstrdup(other ? (maz ? "replica, Multi-AZ once promoted"
							: "replica, Single-AZ once promoted")
					   : maz ? "Multi-AZ primary (synchronous standby)"
						 : "Single-AZ primary");
	}
}

const char *slo_dr_level_name(enum slo_dr_level l)
{
	static const char *const names[] = {"none", "backup-restore", "pilot-light",
					    "warm-standby"};
	return names[l];
}

double slo_failover_composite(double primary, double dr_path, double rto_minutes, double outages)
{
	double down = (1.0 - primary) * SLO_MINUTES_PER_MONTH;
	double left = down - outages * rto_minutes;
	double covered = left > 0 ? left * dr_path : 0;
	return 1.0 - (down - covered) / SLO_MINUTES_PER_MONTH;
}

double slo_dr_rto_minutes(enum slo_dr_level level, bool automatic, const struct sm_usage *u)
{
	double detect = automatic ? SLO_DNS_FAILOVER_MINUTES : u->failover_detection_minutes;
	switch (level) {
	case SLO_DR_NONE:
		return -1;
	case SLO_DR_BACKUP_RESTORE:
		return u->restore_minutes;
	case SLO_DR_PILOT_LIGHT:
		return detect + u->replica_promotion_minutes + u->standby_scale_minutes;
	case SLO_DR_WARM_STANDBY:
		return detect + u->replica_promotion_minutes;
	}
	return -1;
}

double slo_dr_rpo_minutes(enum slo_dr_level level)
{
	return level == SLO_DR_NONE		? -1
	       : level == SLO_DR_BACKUP_RESTORE ? SLO_BACKUP_RPO_MINUTES
						: SLO_REPLICA_RPO_MINUTES;
}

static bool has_backup_replication(const json_t *p)
{
	return pstr(p, "AutomaticBackupReplicationRegion") != NULL;
}

static bool has_copy_action(const json_t *p)
{
	size_t i;
	const json_t *rule;
	json_array_foreach (json_object_get(json_object_get(p, "BackupPlan"), "BackupPlanRule"), i,
			    rule)
		if (json_array_size(json_object_get(rule, "CopyActions")))
			return true;
	return false;
}

static bool is_secondary_record(const json_t *p)
{
	const char *f = pstr(p, "Failover");
	return f && !strcmp(f, "SECONDARY");
}

/*
 * The second path and the readiness it shows: a load-balanced service and a
 * database replica in another region than the primary's is a standby,
 * warm with tasks running; backups leaving the region are backup-restore.
 * Then the composite with it (slo_failover_composite).
 */
static void evaluate_dr(struct slo_ctx *c, struct slo_availability *av)
{
	struct found svc = {0}, f = {0};
	const char *pr = c->primary_region;
	av->outages_per_month = c->usage->outages_per_month;
	av->automatic_failover =
		find_resource(c->a, "AWS::Route53::RecordSet", is_secondary_record, &f);
	if (pr && find_in_region(c->a, "AWS::ECS::Service", has_load_balancer, pr, true, &svc) &&
	    find_in_region(c->a, "AWS::RDS::DBInstance", is_replica_db, svc.t->region, false, &f)) {
		av->readiness = pnum(svc.props, "DesiredCount", 0) > 0 ? SLO_DR_WARM_STANDBY
								       : SLO_DR_PILOT_LIGHT;
		struct slo_availability dr = {0};
		regional_components(c, &dr, pr, true);
		av->dr_components = dr.components;
		av->dr_nr = dr.nr;
		av->dr_alloc = dr.alloc;
		av->dr_path = 1;
		for (size_t i = 0; i < av->dr_nr; i++)
			av->dr_path *= av->dr_components[i].effective;
	} else if (find_resource(c->a, "AWS::RDS::DBInstance", has_backup_replication, &f) ||
		   find_resource(c->a, "AWS::Backup::BackupPlan", has_copy_action, &f)) {
		av->readiness = SLO_DR_BACKUP_RESTORE;
	}
	for (int l = 0; l < SLO_DR_LEVELS; l++) {
		struct slo_dr_figures *x = &av->levels[l];
		x->level = (enum slo_dr_level)l;
		x->live = l >= SLO_DR_PILOT_LIGHT;
		x->rto_minutes = slo_dr_rto_minutes(x->level, av->automatic_failover, c->usage);
		x->rpo_minutes = slo_dr_rpo_minutes(x->level);
		/* a level without a live path serves nothing during the outage */
		x->composite =
			!x->live    ? av->primary
			: av->dr_nr ? slo_failover_composite(av->primary, av->dr_path,
							     x->rto_minutes, av->outages_per_month)
				    : -1;
	}
	const struct slo_dr_figures *now = &av->levels[av->readiness];
	if (!now->live)
		return;
	av->composite = now->composite;
	double down = (1.0 - av->primary) * SLO_MINUTES_PER_MONTH;
	av->dr_formula = xstrfmt(
		"primary %.6g: %.1f min down a month; %s in %s takes over after %.1f min (%s) "
		"x %g outage%s, itself up %.6g: 1 - (%.1f - max(0, %.1f - %g x %.1f) x %.6g) / "
		"%.0f = %.6g",
		av->primary, down, slo_dr_level_name(av->readiness), svc.t->region,
		now->rto_minutes,
		av->automatic_failover ? "Route 53 failover" : "failover decided by an operator",
		av->outages_per_month, av->outages_per_month == 1 ? "" : "s", av->dr_path, down,
		down, av->outages_per_month, now->rto_minutes, av->dr_path, SLO_MINUTES_PER_MONTH,
		av->composite);
}

static void evaluate_availability(struct slo_ctx *c, struct slo_availability *av)
{
	struct found f = {0};
	struct slo_component *x;

	av->target = SLO_AVAILABILITY_TARGET;
	if (find_resource(c->a, "AWS::CloudFront::Distribution", NULL, &f)) {
		if ((x = add_component(c, av, "cloudfront", &f)))
			x->basis = xstrdup("global service SLA");
		const json_t *acl =
			json_object_get(json_object_get(f.props, "DistributionConfig"), "WebACLId");
		/* the index is built on first use: the assembly is not const to it */
		struct sm_rref r =
			sm_resolve((struct sm_assembly *)c->a, (struct sm_template *)f.t, acl);
		struct found w = f;
		if (sm_rref_resource(r)) {
			w.t = r.t;
			w.id = r.id;
		}
		if (acl && !(json_is_string(acl) && !*json_string_value(acl)) &&
		    (x = add_component(c, av, "waf", &w)))
			x->basis = xstrdup("web ACL of the distribution");
	}
	regional_components(c, av, c->primary_region, false);
	struct strbuf sb;
	strbuf_init(&sb, 64);
	static const struct {
		const char *key, *what;
	} parts[] = {{"cloudfront", "CloudFront"},
		     {"elb", "load balancer"},
		     {"compute", "ECS service"},
		     {"rds", "database"}};
	for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
		bool found = false;
		for (size_t i = 0; i < av->nr && !found; i++)
			found = !strncmp(av->components[i].key, parts[p].key, strlen(parts[p].key));
		if (!found)
			strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", parts[p].what);
	}
	av->missing = sb.len ? strbuf_detach(&sb, NULL) : NULL;
	strbuf_release(&sb);
	strbuf_init(&sb, 128);
	av->composite = 1;
	for (size_t i = 0; i < av->nr; i++) {
		av->composite *= av->components[i].effective;
		strbuf_addf(&sb, "%s%.6g", i ? " x " : "", av->components[i].effective);
	}
	strbuf_addf(&sb, " = %.6g", av->composite);
	av->formula = strbuf_detach(&sb, NULL);
	av->primary = av->composite;
	evaluate_dr(c, av);
	av->meets = av->nr > 0 && av->composite >= av->target;
	if (av->meets)
		return;
	if (!av->nr) {
		av->advice = xstrdup("no request-path component (CloudFront, load balancer, ECS "
				     "service, database) found in the templates");
		return;
	}
	strbuf_init(&sb, 256);
	for (size_t i = 0; i < av->nr; i++) {
		const struct slo_component *k = &av->components[i];
		if (!strcmp(k->key, "rdsSingle"))
			strbuf_addf(&sb, "set databaseMultiAz to true (RDS %.4g %% -> 99.95 %%); ",
				    k->sla * 100);
		if (!strcmp(k->key, "computeInstance") && k->redundancy < 2)
			strbuf_addstr(&sb, "run the tasks in two or more AZs; ");
	}
	for (size_t i = 0; i < av->nr; i++) {
		const struct slo_component *k = &av->components[i];
		if (k->effective <= av->target) {
			double two = 1.0 - pow(1.0 - av->composite, 2.0);
			strbuf_addf(
				&sb,
				"%s's own SLA (%.4g %%) is at or below the target, so no serial "
				"path through it reaches %.4g %% on published SLAs; only an "
				"independent second path (e.g. a second region behind DNS "
				"failover: 1-(1-%.5g)^2 = %.5g) would",
				k->name, k->sla * 100, av->target * 100, av->composite, two);
			break;
		}
	}
	if (!sb.len)
		strbuf_addstr(&sb, "raise the weakest component's availability (see the list)");
	while (sb.len && (sb.buf[sb.len - 1] == ' ' || sb.buf[sb.len - 1] == ';'))
		strbuf_setlen(&sb, sb.len - 1);
	av->advice = strbuf_detach(&sb, NULL);
}

/* ---- capacity ---------------------------------------------------------- */

double slo_pg_max_connections(double memory_gib)
{
	double n = floor(memory_gib * 1024.0 * 1024.0 * 1024.0 / SLO_PG_BYTES_PER_CONNECTION);
	return n < SLO_PG_MAX_CONNECTIONS_CAP ? n : SLO_PG_MAX_CONNECTIONS_CAP;
}

static bool is_ecs_target(const json_t *p)
{
	const char *dim = pstr(p, "ScalableDimension");
	return dim && !strcmp(dim, "ecs:service:DesiredCount");
}

/* The cheapest class in the price file whose max_connections covers `need`. */
static char *class_for_connections(const char *prices_dir, const char *region, double need,
				   double *max_conn, double *hourly)
{
	struct diag_list dl = DIAG_LIST_INIT;
	json_t *doc = cost_prices_load(prices_dir, region, NULL, &dl);
	diag_list_release(&dl);
	const char *best = NULL;
	double best_price = 0;
	const char *k;
	const json_t *c;
	json_object_foreach (json_object_get(json_object_get(doc, "rds"), "postgres"), k, c) {
		double mc = slo_pg_max_connections(pnum(c, "memoryGiB", 0));
		double h = pnum(c, "hour", 0);
		if (mc >= need && h > 0 && (!best || h < best_price)) {
			best = k;
			best_price = h;
			*max_conn = mc;
		}
	}
	char *r = best ? xstrdup(best) : NULL;
	*hourly = best_price;
	json_decref(doc);
	return r;
}

static void capacity_advice(struct slo_capacity *cap, const char *prices_dir, const char *region)
{
	double per_task = cap->rps_per_task * cap->think_time_seconds;
	double tasks = ceil(cap->target_users / per_task);
	struct strbuf sb;
	strbuf_init(&sb, 256);
	if (cap->max_tasks < tasks)
		strbuf_addf(&sb, "raise ecsMaxCapacity from %g to %g (%g users a task)",
			    cap->max_tasks, tasks, per_task);
	double t = cap->max_tasks > tasks ? cap->max_tasks : tasks;
	double need = t * cap->db_connections_per_task;
	if (cap->db_class && need > cap->db_max_connections) {
		double mc = 0, h = 0;
		char *cls = class_for_connections(prices_dir, region, need, &mc, &h);
		double per = floor(cap->db_max_connections / t);
		strbuf_addf(&sb,
			    "%s%g tasks x %g connections = %g exceed max_connections %g of %s: ",
			    sb.len ? "; " : "", t, cap->db_connections_per_task, need,
			    cap->db_max_connections, cap->db_class);
		if (cls)
			strbuf_addf(&sb, "use databaseInstanceType %s (max_connections %g, $%g/h)",
				    cls, mc, h);
		if (per >= 1)
			strbuf_addf(
				&sb,
				"%slower dbConnectionsPerTask to %g behind a pooler (RDS Proxy)",
				cls ? ", or " : "", per);
		free(cls);
	}
	if (!sb.len)
		strbuf_addstr(&sb, "raise rpsPerTask (larger tasks) or ecsMaxCapacity");
	cap->advice = strbuf_detach(&sb, NULL);
}

static int evaluate_capacity(struct slo_ctx *c, const struct sm_usage *u, const char *prices_dir,
			     const char *default_region, struct slo_capacity *cap)
{
	struct found svc = {0}, tgt = {0}, db = {0};
	cap->rps_per_task = u->rps_per_task;
	cap->think_time_seconds = u->think_time_seconds;
	cap->db_connections_per_task = u->db_connections_per_task;
	cap->target_users = u->target_concurrent_users;
	const char *pr = c->primary_region;
	if (!find_in_region(c->a, "AWS::ECS::Service", has_load_balancer, pr, false, &svc) &&
	    !find_in_region(c->a, "AWS::ECS::Service", NULL, pr, false, &svc))
		return 0;
	cap->known = true;
	cap->service = xstrfmt("%s/%s", svc.t->stack_name, svc.id);
	cap->desired_tasks = pnum(svc.props, "DesiredCount", 1);
	cap->max_tasks = find_in_region(c->a, "AWS::ApplicationAutoScaling::ScalableTarget",
					is_ecs_target, pr, false, &tgt)
				 ? pnum(tgt.props, "MaxCapacity", cap->desired_tasks)
				 : cap->desired_tasks;
	cap->max_rps = cap->max_tasks * cap->rps_per_task;
	cap->max_concurrent_users_tasks = cap->max_rps * cap->think_time_seconds;
	cap->max_concurrent_users = cap->max_concurrent_users_tasks;
	cap->db_connections_needed = cap->max_tasks * cap->db_connections_per_task;
	cap->binding_limit =
		xstrfmt("ECS autoscaling maximum (%g tasks x %g req/s x %g s think time)",
			cap->max_tasks, cap->rps_per_task, cap->think_time_seconds);
	const char *region = default_region;
	if (find_resource(c->a, "AWS::RDS::DBInstance", is_primary_db, &db) &&
	    pstr(db.props, "DBInstanceClass")) {
		double vcpu, hourly;
		if (db.t->region)
			region = db.t->region;
		cap->db_class = xstrdup(pstr(db.props, "DBInstanceClass"));
		if (!cost_rds_class_info(prices_dir, region, cap->db_class, &cap->db_memory_gib,
					 &vcpu, &hourly, c->dl))
			return -1;
		cap->db_max_connections = slo_pg_max_connections(cap->db_memory_gib);
		double tasks_db = floor(cap->db_max_connections / cap->db_connections_per_task);
		cap->max_concurrent_users_db =
			tasks_db * cap->rps_per_task * cap->think_time_seconds;
		if (cap->max_concurrent_users_db < cap->max_concurrent_users_tasks) {
			cap->max_concurrent_users = cap->max_concurrent_users_db;
			free(cap->binding_limit);
			cap->binding_limit = xstrfmt("database max_connections (%g on %s: room for "
						     "%g tasks x %g connections)",
						     cap->db_max_connections, cap->db_class,
						     tasks_db, cap->db_connections_per_task);
		}
	}
	cap->meets_target = cap->max_concurrent_users >= cap->target_users;
	slo_capacity_tiers(c->a, pr, u, prices_dir, cap, c->dl);
	if (!cap->meets_target)
		capacity_advice(cap, prices_dir, region);
	return 0;
}

/* ---- entry points ------------------------------------------------------- */

int slo_evaluate(const struct sm_assembly *a, const struct sm_context *ctx, const char *slas_file,
		 const char *prices_dir, struct slo_report *out, struct diag_list *dl)
{
	struct slo_ctx c = {.a = a, .dl = dl};
	char *path = NULL;
	if (slas_file) {
		path = xstrdup(slas_file);
	} else {
		path = fs_data_path("slas.json");
	}
	memset(out, 0, sizeof(*out));
	c.slas_path = path;
	json_t *doc = jio_load_file(path, dl);
	int ret = -1;
	if (!doc)
		goto out;
	c.slas = json_object_get(doc, "services");
	if (!json_is_object(c.slas)) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
			 "'services' (an object of SLAs by service) is missing");
		goto out;
	}
	struct sm_context none;
	if (!ctx) {
		sm_context_init(&none);
		ctx = &none;
	}
	out->environment = ctx->environment ? xstrdup(ctx->environment) : NULL;
	out->usage_defaults = ctx->usage_defaults;
	c.usage = &ctx->usage;
	struct found pdb = {0};
	if (find_resource(a, "AWS::RDS::DBInstance", is_primary_db, &pdb) ||
	    find_resource(a, "AWS::ECS::Service", has_load_balancer, &pdb))
		c.primary_region = pdb.t->region;
	evaluate_availability(&c, &out->availability);
	if (evaluate_capacity(&c, &ctx->usage, prices_dir, sm_context_region(ctx), &out->capacity) <
		    0 ||
	    c.failed)
		goto out;
	ret = 0;
out:
	json_decref(doc);
	free(path);
	if (ret < 0)
		slo_report_release(out);
	return ret;
}

static void components_free(struct slo_component *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(list[i].key);
		free(list[i].name);
		free(list[i].resource);
		free(list[i].basis);
		free(list[i].source);
	}
	free(list);
}

void slo_report_release(struct slo_report *r)
{
	struct slo_availability *av = &r->availability;
	components_free(av->components, av->nr);
	components_free(av->dr_components, av->dr_nr);
	free(av->dr_formula);
	free(av->formula);
	free(av->advice);
	free(av->missing);
	free(r->capacity.service);
	free(r->capacity.db_class);
	free(r->capacity.binding_limit);
	free(r->capacity.advice);
	json_decref(r->capacity.tiers);
	json_decref(r->capacity.thresholds);
	free(r->environment);
	memset(r, 0, sizeof(*r));
}

static json_t *components_json(const struct slo_component *list, size_t nr)
{
	json_t *comps = json_array();
	for (size_t i = 0; i < nr; i++) {
		const struct slo_component *x = &list[i];
		json_array_append_new(comps, json_pack("{ss ss ss sf si sf ss* ss}", "key", x->key,
						       "name", x->name, "resource", x->resource,
						       "sla", x->sla, "redundancy", x->redundancy,
						       "effective", x->effective, "basis", x->basis,
						       "source", x->source));
	}
	return comps;
}

static json_t *minutes_or_null(double m)
{
	return m < 0 ? json_null() : json_real(m);
}

json_t *slo_availability_json(const struct slo_availability *av)
{
	json_t *levels = json_array();
	for (int l = 0; l < SLO_DR_LEVELS; l++) {
		const struct slo_dr_figures *x = &av->levels[l];
		json_array_append_new(levels,
				      json_pack("{ss sb so so so}", "level",
						slo_dr_level_name(x->level), "live", x->live,
						"rtoMinutes", minutes_or_null(x->rto_minutes),
						"rpoMinutes", minutes_or_null(x->rpo_minutes),
						"composite", minutes_or_null(x->composite)));
	}
	const struct slo_dr_figures *now = &av->levels[av->readiness];
	json_t *o = json_pack("{sf sf sb ss* ss* ss* so}", "target", av->target, "composite",
			      av->composite, "meets", av->meets, "formula", av->formula, "advice",
			      av->advice, "missing", av->missing, "components",
			      components_json(av->components, av->nr));
	json_object_set_new(o, "primaryPath", json_real(av->primary));
	json_object_set_new(o, "readiness", json_string(slo_dr_level_name(av->readiness)));
	json_object_set_new(o, "automaticFailover", json_boolean(av->automatic_failover));
	json_object_set_new(o, "drPath", av->dr_nr ? json_real(av->dr_path) : json_null());
	json_object_set_new(o, "drComponents", components_json(av->dr_components, av->dr_nr));
	json_object_set_new(o, "drFormula",
			    av->dr_formula ? json_string(av->dr_formula) : json_null());
	json_object_set_new(o, "rtoMinutes", minutes_or_null(now->rto_minutes));
	json_object_set_new(o, "rpoMinutes", minutes_or_null(now->rpo_minutes));
	json_object_set_new(o, "outagesPerMonth", json_real(av->outages_per_month));
	json_object_set_new(o, "levels", levels);
	return o;
}

json_t *slo_capacity_json(const struct slo_capacity *c)
{
	json_t *o = json_pack(
		"{sb ss* sf sf sf sf sf sf sf sf sf sf ss* sb ss*}", "known", c->known, "service",
		c->service, "desiredTasks", c->desired_tasks, "maxTasks", c->max_tasks,
		"rpsPerTask", c->rps_per_task, "maxRps", c->max_rps, "thinkTimeSeconds",
		c->think_time_seconds, "maxConcurrentUsers", c->max_concurrent_users,
		"maxConcurrentUsersTasks", c->max_concurrent_users_tasks, "targetUsers",
		c->target_users, "dbConnectionsPerTask", c->db_connections_per_task,
		"dbConnectionsNeeded", c->db_connections_needed, "bindingLimit", c->binding_limit,
		"meetsTarget", c->meets_target, "advice", c->advice);
	json_object_set_new(o, "tiers", c->tiers ? json_incref(c->tiers) : json_array());
	json_object_set_new(o, "thresholds",
			    c->thresholds ? json_incref(c->thresholds) : json_array());
	if (c->db_class) {
		json_object_set_new(o, "dbClass", json_string(c->db_class));
		json_object_set_new(o, "dbMemoryGiB", json_real(c->db_memory_gib));
		json_object_set_new(o, "dbMaxConnections", json_real(c->db_max_connections));
		json_object_set_new(o, "maxConcurrentUsersDb",
				    json_real(c->max_concurrent_users_db));
	} else {
		json_object_set_new(o, "dbClass", json_null());
	}
	return o;
}

json_t *slo_report_json(const struct slo_report *r)
{
	return json_pack("{ss* sb so so}", "environment", r->environment, "usageDefaults",
			 r->usage_defaults, "availability", slo_availability_json(&r->availability),
			 "capacity", slo_capacity_json(&r->capacity));
}
