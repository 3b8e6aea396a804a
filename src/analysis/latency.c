/*
 * What the design does for "responses under 200 ms" (latency.h).
 */
#include "analysis/latency.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/cost.h"
#include "analysis/find.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#define SRC_CACHING                                                                                \
	"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"                      \
	"ConfiguringCaching.html"
#define SRC_POLICIES                                                                               \
	"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"                      \
	"using-managed-cache-policies.html"
#define SRC_AZ                                                                                     \
	"https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/"           \
	"availability-zones.html"
#define SRC_MULTI_AZ                                                                               \
	"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"                                  \
	"Concepts.MultiAZSingleStandby.html"
#define SRC_REPLICAS "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html"
#define SRC_ALB_METRICS                                                                            \
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"                     \
	"load-balancer-cloudwatch-metrics.html"

/* AWS managed cache policies by ID (SRC_POLICIES) */
static const struct {
	const char *id, *name;
} managed_policies[] = {
	{"658327ea-f89d-4fab-a63d-7e88639e58f6", "CachingOptimized"},
	{"4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "CachingDisabled"},
};

static const char *pstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static bool is_public_alb(const json_t *p)
{
	const char *ty = pstr(p, "Type"), *scheme = pstr(p, "Scheme");
	return (!ty || !strcmp(ty, "application")) && (!scheme || strcmp(scheme, "internal"));
}

static bool has_load_balancer(const json_t *p)
{
	return json_array_size(json_object_get(p, "LoadBalancers")) > 0;
}

static bool is_response_time_alarm(const json_t *p)
{
	const char *m = pstr(p, "MetricName"), *ns = pstr(p, "Namespace");
	const char *st = pstr(p, "ExtendedStatistic");
	return m && !strcmp(m, "TargetResponseTime") &&
	       (!ns || !strcmp(ns, "AWS/ApplicationELB")) && st && (st[0] == 'p' || st[0] == 'P');
}

static const char *policy_name(const char *id)
{
	for (size_t i = 0; id && i < sizeof(managed_policies) / sizeof(managed_policies[0]); i++)
		if (!strcmp(id, managed_policies[i].id))
			return managed_policies[i].name;
	return id ? id : "none";
}

static void add_leg(json_t *legs, const char *leg, const char *resource, char *what, char *figure,
		    const char *source)
{
	json_array_append_new(legs, json_pack("{ss ss* ss ss ss}", "leg", leg, "resource", resource,
					      "what", what, "figure", figure, "source", source));
	free(what);
	free(figure);
}

/* Static assets: the default behaviour's cache policy, compression, HTTP versions, edges. */
static void static_leg(const struct sm_found *cdn, const struct sm_usage *u, json_t *legs)
{
	const json_t *dc = json_object_get(cdn->props, "DistributionConfig");
	const json_t *def = json_object_get(dc, "DefaultCacheBehavior");
	double hit = u->cdn_cache_hit_ratio, req = u->cdn_requests_per_month;
	char *res = sm_found_name(cdn);
	char *what = xstrfmt(
		"served from CloudFront's edge caches (default behaviour: cache policy %s, "
		"compression %s, HTTP %s, %s): a hit never leaves the edge location nearest the "
		"user",
		policy_name(pstr(def, "CachePolicyId")),
		cost_prop_bool(def, "Compress", false) ? "on" : "off",
		pstr(dc, "HttpVersion") ? pstr(dc, "HttpVersion") : "http2 (default)",
		pstr(dc, "PriceClass") ? pstr(dc, "PriceClass") : "PriceClass_All (default)");
	char *fig = xstrfmt("cache hit ratio %g (usage.cdnCacheHitRatio): %.0f of %.0f requests a "
			    "month answered at the edge, %.0f from the origins",
			    hit, req * hit, req, req * (1 - hit));
	add_leg(legs, "static assets", res, what, fig, SRC_CACHING);
	free(res);
}

/* The /api/... behaviour of the distribution (not cached), if any: its path pattern. */
static const json_t *api_behaviour(const json_t *dc)
{
	size_t i;
	const json_t *b;
	json_array_foreach (json_object_get(dc, "CacheBehaviors"), i, b)
		if (!strcmp(policy_name(pstr(b, "CachePolicyId")), "CachingDisabled"))
			return b;
	return NULL;
}

static void api_leg(const struct sm_assembly *a, const struct sm_found *cdn, const char *region,
		    json_t *legs)
{
	struct sm_found alb, svc, db;
	bool have_alb = sm_find_resource(a, "AWS::ElasticLoadBalancingV2::LoadBalancer",
					 is_public_alb, region, &alb);
	bool have_svc = sm_find_resource(a, "AWS::ECS::Service", has_load_balancer, region, &svc);
	bool have_db = sm_find_resource(a, "AWS::RDS::DBInstance", sm_want_primary_db, region, &db);
	const json_t *b =
		cdn ? api_behaviour(json_object_get(cdn->props, "DistributionConfig")) : NULL;
	struct strbuf sb = STRBUF_INIT;
	if (b)
		strbuf_addf(&sb, "%s through CloudFront uncached (CachingDisabled), then ",
			    pstr(b, "PathPattern") ? pstr(b, "PathPattern") : "the API");
	strbuf_addf(&sb, "%s -> %s -> %s", have_alb ? "the load balancer" : "(no load balancer)",
		    have_svc ? "the ECS tasks" : "(no ECS service)",
		    have_db ? "the primary database" : "(no database)");
	int parts = have_alb + have_svc + have_db;
	char *fig = parts == 3 ? xstrfmt("one region (%s): past the edge, a request crosses only "
					 "the region's Availability Zones, interconnected by "
					 "low-latency metro fiber",
					 region ? region : "the templates' region")
			       : xstrfmt("%d of the 3 regional parts found in %s", parts,
					 region ? region : "the templates' region");
	char *res = have_alb ? sm_found_name(&alb) : NULL;
	add_leg(legs, "API path", res, strbuf_detach(&sb, NULL), fig, SRC_AZ);
	free(res);
}

static void database_leg(const struct sm_assembly *a, const char *region, json_t *legs)
{
	struct sm_found db;
	if (!sm_find_resource(a, "AWS::RDS::DBInstance", sm_want_primary_db, region, &db))
		return;
	bool multi = cost_prop_bool(db.props, "MultiAZ", false);
	int replicas = sm_count_resources(a, "AWS::RDS::DBInstance", sm_want_replica_db, region);
	char *res = sm_found_name(&db);
	char *what = xstrfmt(
		"the primary database in the tasks' region%s; %d read replica%s there "
		"(asynchronous: reads that tolerate lag leave the writer)",
		multi ? ", Multi-AZ: each commit waits for the synchronous standby in another AZ"
		      : ", Single-AZ: a commit waits for no other AZ",
		replicas, replicas == 1 ? "" : "s");
	char *fig = xstrdup(multi ? "Availability Zones of a region are up to ~100 km apart, close "
				    "enough for synchronous replication with single-digit "
				    "millisecond latency: the price of Multi-AZ on each commit"
				  : "no cross-AZ wait on a commit");
	add_leg(legs, "database distance", res, what, fig,
		multi ? SRC_MULTI_AZ " " SRC_AZ " " SRC_REPLICAS : SRC_MULTI_AZ " " SRC_REPLICAS);
	free(res);
}

static json_t *alarm_json(const struct sm_assembly *a, bool *meets)
{
	struct sm_found al;
	*meets = false;
	if (!sm_find_resource(a, "AWS::CloudWatch::Alarm", is_response_time_alarm, NULL, &al))
		return json_null();
	double th = cost_prop_number(al.props, "Threshold", -1);
	*meets = th > 0 && th * 1000.0 <= LATENCY_TARGET_MS + 1e-9;
	char *res = sm_found_name(&al);
	json_t *o =
		json_pack("{ss ss ss sf sf sf sb ss}", "resource", res, "metric",
			  "AWS/ApplicationELB TargetResponseTime", "statistic",
			  pstr(al.props, "ExtendedStatistic"), "thresholdMs", th * 1000.0,
			  "periodSeconds", cost_prop_number(al.props, "Period", 0),
			  "evaluationPeriods", cost_prop_number(al.props, "EvaluationPeriods", 0),
			  "followsTarget", *meets, "source", SRC_ALB_METRICS);
	free(res);
	return o;
}

json_t *latency_evaluate(struct sm_assembly *a, const struct sm_context *ctx)
{
	struct sm_context none;
	if (!ctx) {
		sm_context_init(&none);
		ctx = &none;
	}
	json_t *legs = json_array();
	struct sm_found cdn, pdb;
	bool have_cdn = sm_find_resource(a, "AWS::CloudFront::Distribution", NULL, NULL, &cdn);
	const char *region =
		sm_find_resource(a, "AWS::RDS::DBInstance", sm_want_primary_db, NULL, &pdb)
			? pdb.t->region
			: NULL;
	if (have_cdn)
		static_leg(&cdn, &ctx->usage, legs);
	api_leg(a, have_cdn ? &cdn : NULL, region, legs);
	database_leg(a, region, legs);
	bool meets;
	json_t *alarm = alarm_json(a, &meets);
	return json_pack(
		"{sf sb so so ss}", "targetMs", LATENCY_TARGET_MS, "meets", meets, "alarm", alarm,
		"legs", legs, "note",
		"No template states a response time: these are what shorten the path; the p95 "
		"alarm on the load balancer's TargetResponseTime is the measurement in production, "
		"and a load test the one before it.");
}
