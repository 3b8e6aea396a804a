/*
 * Capacity by tier and the thresholds that must follow the sizes (issue
 * 18): each tier's limit in concurrent users and which binds, and whether
 * the alarms and scaling policies in the templates follow the sizes they
 * watch (slo.h, slo_capacity_tiers).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/find.h"
#include "analysis/slo.h"
#include "base/common.h"
#include "base/xalloc.h"

static const char *pstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool is_connections_alarm(const json_t *p)
{
	const char *m = pstr(p, "MetricName"), *ns = pstr(p, "Namespace");
	return m && !strcmp(m, "DatabaseConnections") && (!ns || !strcmp(ns, "AWS/RDS"));
}

static bool is_ecs_cpu_alarm(const json_t *p)
{
	const char *m = pstr(p, "MetricName"), *ns = pstr(p, "Namespace");
	return m && !strcmp(m, "CPUUtilization") && ns && !strcmp(ns, "AWS/ECS");
}

static const char *tracked_metric(const json_t *p)
{
	return pstr(json_object_get(json_object_get(p, "TargetTrackingScalingPolicyConfiguration"),
				    "PredefinedMetricSpecification"),
		    "PredefinedMetricType");
}

static bool is_request_tracking(const json_t *p)
{
	const char *m = tracked_metric(p);
	return m && !strcmp(m, "ALBRequestCountPerTarget");
}

static bool is_cpu_tracking(const json_t *p)
{
	const char *m = tracked_metric(p);
	return m && !strcmp(m, "ECSServiceAverageCPUUtilization");
}

static bool is_ecs_target(const json_t *p)
{
	const char *dim = pstr(p, "ScalableDimension");
	return dim && !strcmp(dim, "ecs:service:DesiredCount");
}

static double target_value(const json_t *p)
{
	return cost_prop_number(json_object_get(p, "TargetTrackingScalingPolicyConfiguration"),
				"TargetValue", -1);
}

static json_t *tier(const char *name, const char *resource, double users, char *basis)
{
	json_t *o = json_pack("{ss ss* so ss sb}", "tier", name, "resource", resource, "limitUsers",
			      users >= 0 ? json_real(users) : json_null(), "basis", basis, "binds",
			      false);
	free(basis);
	return o;
}

/* The read replicas of the primary's region: a tier when the application reads from them. */
static json_t *replica_tier(const struct sm_assembly *a, const char *region,
			    const struct sm_usage *u, const char *prices_dir,
			    const struct slo_capacity *cap, struct diag_list *dl)
{
	struct sm_found r;
	int n = sm_count_resources(a, "AWS::RDS::DBInstance", sm_want_replica_db, region);
	if (!n || !sm_find_resource(a, "AWS::RDS::DBInstance", sm_want_replica_db, region, &r))
		return NULL;
	const char *cls = pstr(r.props, "DBInstanceClass");
	double mem = 0, vcpu, hourly;
	if (!cls || !cost_rds_class_info(prices_dir, region ? region : "us-east-1", cls, &mem,
					 &vcpu, &hourly, dl))
		return NULL;
	double each = slo_pg_max_connections(mem), k = u->db_replica_connections_per_task;
	double per_task_users = cap->rps_per_task * cap->think_time_seconds;
	char *name = sm_found_name(&r);
	json_t *t;
	if (k > 0) {
		double tasks = floor(n * each / k);
		t = tier("read replicas", name, tasks * per_task_users,
			 xstrfmt("%d replica%s (%s, max_connections %g each): %d x %g / %g "
				 "read connections a task (dbReplicaConnectionsPerTask) = %g tasks",
				 n, n == 1 ? "" : "s", cls, each, n, each, k, tasks));
	} else {
		t = tier(
			"read replicas", name, -1,
			xstrfmt("%d replica%s (%s, max_connections %g each) serve no reads in "
				"this model (dbReplicaConnectionsPerTask 0: every query on the "
				"writer); sent the reads, they would hold floor(%d x %g / %g) = %g "
				"tasks' read pools",
				n, n == 1 ? "" : "s", cls, each, n, each,
				cap->db_connections_per_task,
				floor(n * each / cap->db_connections_per_task)));
	}
	free(name);
	return t;
}

/* The tiers, the smallest marked as binding (cap's figures are those of slo.c). */
static void tiers(const struct sm_assembly *a, const char *region, const struct sm_usage *u,
		  const char *prices_dir, struct slo_capacity *cap, struct diag_list *dl)
{
	json_t *list = json_array();
	json_array_append_new(
		list, tier("ECS tasks", cap->service, cap->max_concurrent_users_tasks,
			   xstrfmt("autoscaling maximum %g tasks x %g req/s x %g s think "
				   "time",
				   cap->max_tasks, cap->rps_per_task, cap->think_time_seconds)));
	struct sm_found db;
	char *dbname = sm_find_resource(a, "AWS::RDS::DBInstance", sm_want_primary_db, region, &db)
			       ? sm_found_name(&db)
			       : NULL;
	if (cap->db_class)
		json_array_append_new(
			list,
			tier("database writer", dbname, cap->max_concurrent_users_db,
			     xstrfmt("max_connections %g of %s / %g connections a task = "
				     "%g tasks; the full fleet holds %g (%.0f %%)",
				     cap->db_max_connections, cap->db_class,
				     cap->db_connections_per_task,
				     floor(cap->db_max_connections / cap->db_connections_per_task),
				     cap->db_connections_needed,
				     100.0 * cap->db_connections_needed /
					     cap->db_max_connections)));
	free(dbname);
	json_t *rt = replica_tier(a, region, u, prices_dir, cap, dl);
	if (rt) {
		double users = json_number_value(json_object_get(rt, "limitUsers"));
		if (json_is_number(json_object_get(rt, "limitUsers")) &&
		    users < cap->max_concurrent_users) {
			cap->max_concurrent_users = users;
			free(cap->binding_limit);
			cap->binding_limit = xstrfmt("read replicas (%s)",
						     pstr(rt, "basis") ? pstr(rt, "basis") : "");
			cap->meets_target = users >= cap->target_users;
		}
		json_array_append_new(list, rt);
	}
	size_t i, best = 0;
	json_t *x;
	double min = -1;
	json_array_foreach (list, i, x) {
		const json_t *l = json_object_get(x, "limitUsers");
		if (json_is_number(l) && (min < 0 || json_number_value(l) < min)) {
			min = json_number_value(l);
			best = i;
		}
	}
	if (min >= 0)
		json_object_set_new(json_array_get(list, best), "binds", json_true());
	cap->tiers = list;
}

static void threshold(json_t *list, const char *name, const struct sm_found *f, double value,
		      const char *unit, bool follows, char *basis)
{
	char *res = f ? sm_found_name(f) : NULL;
	json_array_append_new(list,
			      json_pack("{ss ss* so ss* sb ss}", "check", name, "resource", res,
					"value", value >= 0 ? json_real(value) : json_null(),
					"unit", unit, "follows", follows, "basis", basis));
	free(res);
	free(basis);
}

/* Whether the alarms and scaling policies follow the sizes they watch. */
static void thresholds(const struct sm_assembly *a, const char *region, struct slo_capacity *cap)
{
	json_t *list = json_array();
	struct sm_found f, g;
	if (cap->db_class &&
	    sm_find_resource(a, "AWS::CloudWatch::Alarm", is_connections_alarm, region, &f)) {
		double t = cost_prop_number(f.props, "Threshold", -1);
		bool ok = t >= cap->db_connections_needed && t < cap->db_max_connections;
		threshold(
			list, "database connections alarm", &f, t, "connections", ok,
			xstrfmt("%.0f %% of max_connections %g (%s); the full fleet of %g tasks "
				"holds %g: %s",
				100.0 * t / cap->db_max_connections, cap->db_max_connections,
				cap->db_class, cap->max_tasks, cap->db_connections_needed,
				ok ? "quiet at the planned peak, and fires before connections are "
				     "refused"
				: t >= cap->db_max_connections
					? "it cannot fire before connections are refused"
					: "it fires at the planned peak"));
	} else if (cap->db_class) {
		threshold(list, "database connections alarm", NULL, -1, "connections", false,
			  xstrdup("no DatabaseConnections alarm on the database"));
	}
	if (sm_find_resource(a, "AWS::ApplicationAutoScaling::ScalingPolicy", is_request_tracking,
			     region, &f)) {
		double v = target_value(f.props);
		bool ok = v > 0 && v / 60.0 <= cap->rps_per_task;
		threshold(list, "request target tracking", &f, v, "requests a minute a task", ok,
			  xstrfmt("%g a minute = %.1f req/s a task, %.0f %% of rpsPerTask %g: %s",
				  v, v / 60.0, 100.0 * v / 60.0 / cap->rps_per_task,
				  cap->rps_per_task,
				  ok ? "scales out before a task saturates"
				     : "a task saturates before it scales out"));
	}
	if (sm_find_resource(a, "AWS::ApplicationAutoScaling::ScalingPolicy", is_cpu_tracking,
			     region, &f)) {
		double c = target_value(f.props);
		bool alarm =
			sm_find_resource(a, "AWS::CloudWatch::Alarm", is_ecs_cpu_alarm, region, &g);
		double at = alarm ? cost_prop_number(g.props, "Threshold", -1) : -1;
		bool ok = c > 0 && (!alarm || c < at);
		threshold(list, "CPU target tracking", &f, c, "% CPU", ok,
			  alarm ? xstrfmt("target %g %% under the ECS CPU alarm's %g %%: %s", c, at,
					  ok ? "the service scales before the alarm fires"
					     : "the alarm fires before the service scales")
				: xstrfmt("target %g %% (no ECS CPU alarm)", c));
	}
	double per_task = cap->rps_per_task * cap->think_time_seconds;
	double need = per_task > 0 ? ceil(cap->target_users / per_task) : 0;
	bool tgt = sm_find_resource(a, "AWS::ApplicationAutoScaling::ScalableTarget", is_ecs_target,
				    region, &f);
	threshold(list, "autoscaling maximum", tgt ? &f : NULL, cap->max_tasks, "tasks",
		  cap->max_tasks >= need,
		  xstrfmt("%g tasks for %g users at %g users a task: the maximum %g %s", need,
			  cap->target_users, per_task, cap->max_tasks,
			  cap->max_tasks >= need ? "covers them" : "falls short"));
	cap->thresholds = list;
}

void slo_capacity_tiers(const struct sm_assembly *a, const char *region, const struct sm_usage *u,
			const char *prices_dir, struct slo_capacity *cap, struct diag_list *dl)
{
	tiers(a, region, u, prices_dir, cap, dl);
	thresholds(a, region, cap);
}
