/*
 * The latency section (issue 18): what the design does for responses under
 * 200 ms, read from templates built in memory: the CDN's cache policies and
 * hit ratio, the API path in one region, the database's distance, and the
 * p95 alarm against the target.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/latency.h"
#include "support/assembly_fixture.h"
#include "support/test.h"

/* %s: the alarm's threshold in seconds (or "" for no alarm); %s: MultiAZ */
static void build(struct sm_assembly *a, const char *threshold, const char *multi_az)
{
	char text[4096];
	snprintf(
		text, sizeof(text),
		"{\"Edge\":{\"Resources\":{\"Cdn\":{\"Type\":\"AWS::CloudFront::Distribution\",\"Properties\":{"
		"  \"DistributionConfig\":{\"HttpVersion\":\"http2and3\",\"PriceClass\":"
		"\"PriceClass_All\","
		"  \"DefaultCacheBehavior\":{\"CachePolicyId\":"
		"\"658327ea-f89d-4fab-a63d-7e88639e58f6\",\"Compress\":true},"
		"  \"CacheBehaviors\":[{\"PathPattern\":\"/api/*\",\"CachePolicyId\":"
		"\"4135ea2d-6df8-44a3-9df3-4b5a84be39ad\"}]}}}}},"
		" \"Compute\":{\"Resources\":{\"Alb\":{\"Type\":\"AWS::ElasticLoadBalancingV2::LoadBalancer\","
		"  \"Properties\":{}},"
		"  \"Service\":{\"Type\":\"AWS::ECS::Service\",\"Properties\":{\"LoadBalancers\":"
		"[{}]}}}},"
		" \"Data\":{\"Resources\":{\"Db\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{\"MultiAZ\":%s}},"
		"  \"Replica\":{\"Type\":\"AWS::RDS::DBInstance\",\"Properties\":{"
		"  \"SourceDBInstanceIdentifier\":{\"Ref\":\"Db\"}}}}},"
		" \"Monitoring\":{\"Resources\":{%s}}}",
		multi_az, threshold);
	test_assembly_from_json(a, text, "us-east-1");
}

static const char alarm_fmt[] =
	"\"P95\":{\"Type\":\"AWS::CloudWatch::Alarm\",\"Properties\":{\"Namespace\":"
	"\"AWS/ApplicationELB\",\"MetricName\":\"TargetResponseTime\",\"ExtendedStatistic\":"
	"\"p95\",\"Threshold\":%s,\"Period\":60,\"EvaluationPeriods\":5}}";

static const json_t *leg(const json_t *l, const char *name)
{
	size_t i;
	json_t *x;
	json_array_foreach (json_object_get(l, "legs"), i, x)
		if (!strcmp(json_string_value(json_object_get(x, "leg")), name))
			return x;
	return NULL;
}

static const char *text(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

TEST(what_the_design_does_and_the_p95_alarm)
{
	struct sm_assembly a;
	char alarm[512];
	snprintf(alarm, sizeof(alarm), alarm_fmt, "0.2");
	build(&a, alarm, "true");
	struct sm_context ctx;
	sm_context_init(&ctx);
	ctx.usage.cdn_cache_hit_ratio = 0.8;
	ctx.usage.cdn_requests_per_month = 1e6;
	json_t *l = latency_evaluate(&a, &ctx);
	CHECK(json_number_value(json_object_get(l, "targetMs")) == 200);
	CHECK(json_array_size(json_object_get(l, "legs")) == 3);
	const json_t *s = leg(l, "static assets");
	CHECK_CONTAINS(text(s, "what"), "cache policy CachingOptimized, compression on");
	/* 0.8 of 1,000,000 at the edge, the rest from the origins */
	CHECK_CONTAINS(text(s, "figure"), "cache hit ratio 0.8 (usage.cdnCacheHitRatio): 800000 of "
					  "1000000 requests a month answered at the edge, 200000");
	CHECK_CONTAINS(text(s, "source"), "docs.aws.amazon.com/AmazonCloudFront");
	const json_t *api = leg(l, "API path");
	CHECK_CONTAINS(text(api, "what"), "/api/* through CloudFront uncached (CachingDisabled)");
	CHECK_CONTAINS(text(api, "figure"), "one region (us-east-1)");
	const json_t *db = leg(l, "database distance");
	CHECK_CONTAINS(text(db, "what"), "Multi-AZ: each commit waits for the synchronous standby");
	CHECK_CONTAINS(text(db, "what"), "1 read replica there");
	CHECK_CONTAINS(text(db, "figure"), "single-digit millisecond");
	const json_t *al = json_object_get(l, "alarm");
	CHECK(fabs(json_number_value(json_object_get(al, "thresholdMs")) - 200) < 1e-9);
	CHECK(json_is_true(json_object_get(al, "followsTarget")));
	CHECK(json_is_true(json_object_get(l, "meets")));
	CHECK(!strcmp(text(al, "resource"), "Monitoring/P95"));
	json_decref(l);
	sm_assembly_release(&a);
}

TEST(an_alarm_above_the_target_or_none_does_not_meet)
{
	struct sm_assembly a;
	char alarm[512];
	snprintf(alarm, sizeof(alarm), alarm_fmt, "0.5");
	build(&a, alarm, "false");
	json_t *l = latency_evaluate(&a, NULL);
	CHECK(json_is_false(json_object_get(json_object_get(l, "alarm"), "followsTarget")));
	CHECK(json_is_false(json_object_get(l, "meets")));
	CHECK_CONTAINS(text(leg(l, "database distance"), "what"), "Single-AZ");
	json_decref(l);
	sm_assembly_release(&a);
	build(&a, "", "true");
	l = latency_evaluate(&a, NULL);
	CHECK(json_is_null(json_object_get(l, "alarm")) && json_is_false(json_object_get(l, "meets")));
	/* the documented default hit ratio */
	CHECK_CONTAINS(text(leg(l, "static assets"), "figure"), "cache hit ratio 0.9");
	json_decref(l);
	sm_assembly_release(&a);
}

int main(void)
{
	RUN(what_the_design_does_and_the_p95_alarm);
	RUN(an_alarm_above_the_target_or_none_does_not_meet);
	return test_done();
}
