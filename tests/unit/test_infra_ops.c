/*
 * The SoleMate infrastructure (test_infra.c), FR-6 monitoring, and what
 * holds for every resource: tags, outputs, names of retained resources,
 * stateful resources kept, findings accepted by our rule IDs.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "analysis/schema.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "lib/environments.h"
#include "lifecycle/failover.h"
#include "lib/solemate_stack.h"
#include "support/infra_fixture.h"
#include "support/test.h"

/* ---- FR-6 monitoring ---- */
TEST(fr_6_1_alarms_to_the_topic)
{
	CHECK(HAS(staging, "Data", "AWS::SNS::Subscription", "{\"Protocol\":\"email\",\"Endpoint\":\"ops-staging@solemate.com\"}"));
	CHECK(HAS(staging, "Data", "AWS::SNS::Topic", "{\"KmsMasterKeyId\":{}}"));
}
TEST(fr_6_2_log_aggregation)
{
	CHECK(HAS(staging, "Compute", "AWS::ECS::TaskDefinition",
		  "{\"ContainerDefinitions\":[{\"LogConfiguration\":{\"LogDriver\":\"awslogs\"}}]}"));
	CHECK(HAS(staging, "Data", "AWS::Logs::LogGroup", "{\"KmsKeyId\":{}}"));
}
TEST(fr_6_3_metrics_and_dashboards)
{
	CHECK(COUNT(staging, "Monitoring", "AWS::CloudWatch::Dashboard") == 1);
}
TEST(fr_6_4_alarms_for_automated_responses)
{
	CHECK(HAS(staging, "Monitoring", "AWS::CloudWatch::Alarm",
		  "{\"MetricName\":\"TargetResponseTime\",\"ExtendedStatistic\":\"p95\",\"Threshold\":0.2}"));
	CHECK(HAS(staging, "Edge", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"5xxErrorRate\"}"));
	CHECK(HAS(staging, "Edge", "AWS::CloudWatch::Alarm", "{\"MetricName\":\"BlockedRequests\"}"));
}
TEST(fr_6_5_xray)
{
	CHECK(COUNT(staging, "Monitoring", "AWS::XRay::SamplingRule") == 1);
	CHECK(COUNT(staging, "Monitoring", "AWS::XRay::Group") == 1);
}
/* issue 12 #14: each environment's budget counts that environment's costs only */
TEST(fr_6_6_budget_counts_only_its_environment)
{
	CHECK(HAS(staging, "Monitoring", "AWS::Budgets::Budget",
		  "{\"Budget\":{\"CostFilters\":{\"TagKeyValue\":[\"user:Environment$staging\"]}}}"));
	CHECK(HAS(production, "Monitoring", "AWS::Budgets::Budget",
		  "{\"Budget\":{\"CostFilters\":{\"TagKeyValue\":[\"user:Environment$production\"]}}}"));
	/* and the resources carry that tag (every_taggable_resource_has_the_five_tags) */
	CHECK(HAS(production, "Compute", "AWS::ECS::Cluster",
		  "{\"Tags\":[{},{\"Key\":\"Environment\",\"Value\":\"production\"}]}"));
}
/* issue 12 #15: the log group Container Insights writes to is ours, with retention and KMS */
TEST(fr_6_2_container_insights_log_group_is_declared)
{
	/*
	 * the Data stack makes the cluster's name (with its own ID in it) once: it exports it, and
	 * names the group after it with the same expression; the cluster imports the name as it is,
	 * no Fn::Split of an imported value (moto failed re-evaluating one in DescribeStacks)
	 */
	for (int i = 0; i < 2; i++) {
		struct sm_app *app = i ? production : staging;
		const char *prefix = i ? "SolemateProduction" : "SolemateStaging";
		char *name = unique_name(prefix);
		char *data = xstrfmt("%sData", prefix);
		CHECK(subset_of(name, output(app, "Data", "ContainerInsightsClusterName")));
		char *pattern = xstrfmt("{\"ClusterName\":{\"Fn::ImportValue\":\"%s:ContainerInsightsClusterName\"},"
					"\"ClusterSettings\":[{\"Name\":\"containerInsights\",\"Value\":\"enabled\"}]}",
					data);
		CHECK(HAS(app, "Compute", "AWS::ECS::Cluster", pattern));
		char *text = json_dumps(T(app, "Compute"), JSON_COMPACT);
		CHECK(!strstr(text, "Fn::Split\":[\"/\",{\"Fn::ImportValue"));
		free(text);
		free(pattern);
		pattern = xstrfmt("{\"LogGroupName\":{\"Fn::Join\":[\"\",[\"/aws/ecs/containerinsights/\",\"%s\",\"-\","
				  STACK_ID_GROUP ",\"/performance\"]]},\"RetentionInDays\":%d,"
				  "\"KmsKeyId\":{\"Fn::GetAtt\":[\"LogsKey\",\"Arn\"]}}", prefix, i ? 365 : 30);
		CHECK(HAS(app, "Data", "AWS::Logs::LogGroup", pattern));
		free(pattern);
		free(name);
		free(data);
	}
	/* the DR standby holds cluster and group in one stack: the name as it is, the group first */
	const json_t *dr_cluster = resource(production, "DrStandby", "Cluster");
	char *dr_name = unique_name("SolemateProduction");
	CHECK(subset_of(dr_name, json_object_get(json_object_get(dr_cluster, "Properties"), "ClusterName")));
	CHECK(subset_of("[\"ContainerInsightsLogs\"]", json_object_get(dr_cluster, "DependsOn")));
	CHECK(output(production, "DrStandby", "ContainerInsightsClusterName") == NULL);
	free(dr_name);
	CHECK_STR(json_string_value(json_object_get(resource(production, "Data", "ContainerInsightsLogs"),
						    "DeletionPolicy")), "Retain");
	/* it exists before the cluster: the Compute stack follows the Data stack */
	CHECK(stack_follows(staging, "SolemateStagingCompute", "SolemateStagingData"));
}
TEST(fr_6_6_cost_monitoring)
{
	CHECK(HAS(production, "Monitoring", "AWS::Budgets::Budget",
		  "{\"Budget\":{\"BudgetLimit\":{\"Amount\":3000.0}}}"));
	CHECK(COUNT(baseline, BASELINE, "AWS::CE::AnomalyMonitor") == 1);
}

/* ---- everywhere ---- */
/*
 * Which types take tags, and under which property, from the CloudFormation
 * registry schemas (data/cfn-schema.txt), not from the engine's own table:
 * a type the engine forgets to tag fails here.
 */
static int tag_count(const json_t *tags)
{
	static const char *const want[] = { "Project", "Environment", "ManagedBy", "CostCenter",
					    "Owner" };
	int found = 0;
	for (size_t w = 0; w < 5; w++) {
		size_t k;
		json_t *t;
		if (json_is_object(tags) && json_object_get(tags, want[w]))
			found++;
		json_array_foreach(tags, k, t)
		{
			const char *key = json_string_value(json_object_get(t, "Key"));
			if (key && !strcmp(key, want[w]))
				found++;
		}
	}
	return found;
}
static int untagged_resources(struct sm_app *app, struct cfn_schema *schema, int *taggable)
{
	int bad = 0;
	for (size_t i = 0; i < sm_app_stack_count(app); i++) {
		const struct sm_stack *st = sm_app_stack_at(app, i);
		const char *id;
		json_t *r;
		json_object_foreach(json_object_get(sm_stack_template(st), "Resources"), id, r)
		{
			const char *type = json_string_value(json_object_get(r, "Type"));
			const char *prop = json_string_value(
				json_object_get(cfn_schema_resource(schema, type), "t"));
			if (!prop)
				continue;
			(*taggable)++;
			const json_t *tags = json_object_get(json_object_get(r, "Properties"), prop);
			if (tag_count(tags) != 5) {
				printf("#   %s/%s (%s) has %d of the 5 tags in %s\n", sm_stack_name(st),
				       id, type, tag_count(tags), prop);
				bad++;
			}
		}
	}
	return bad;
}
TEST(every_taggable_resource_has_the_five_tags)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *schema = cfn_schema_load("data/cfn-schema.txt", &dl);
	CHECK(schema != NULL);
	if (!schema)
		return;
	int taggable = 0;
	CHECK(untagged_resources(staging, schema, &taggable) == 0);
	CHECK(untagged_resources(production, schema, &taggable) == 0);
	CHECK(untagged_resources(baseline, schema, &taggable) == 0);
	CHECK(taggable > 150); /* the walk saw the templates */
	/* the Auto Scaling group passes its tags on to the instances it launches */
	CHECK(HAS(staging, "Compute", "AWS::AutoScaling::AutoScalingGroup",
		  "{\"Tags\":[{\"PropagateAtLaunch\":true}]}"));
	CHECK(HAS(baseline, BASELINE, "AWS::CE::AnomalyMonitor",
		  "{\"ResourceTags\":[{\"Key\":\"CostCenter\"}]}"));
	cfn_schema_free(schema);
	diag_list_release(&dl);
}
TEST(operators_get_outputs)
{
	CHECK(json_object_get(json_object_get(T(staging, "Compute"), "Outputs"), "LoadBalancerDnsName"));
	CHECK(json_object_get(json_object_get(T(staging, "Edge"), "Outputs"), "DistributionDomainName"));
	CHECK(json_object_get(json_object_get(T(staging, "Data"), "Outputs"), "DatabaseEndpoint"));
	CHECK(json_object_get(json_object_get(T(staging, "Data"), "Outputs"), "AssetsBucketName"));
	CHECK(json_object_get(json_object_get(T(staging, "Data"), "Outputs"), "AlarmTopicArn"));
}
/*
 * Production loses no data with its stacks: every resource of a type the
 * registry schemas call stateful (isStateful, the predicate check's SM-RES-001
 * uses) has DeletionPolicy and UpdateReplacePolicy other than Delete; a read
 * replica holds a copy only. Staging's secrets and WAF logs go with it.
 */
/*
 * A destroyed environment can be deployed again: what outlives its stack
 * (DeletionPolicy Retain) keeps its name, unique in the account and Region,
 * so every explicit name of a retained resource carries the stack's ID
 * (SM-DEP-080), and the next stack of the same name gets new ones.
 */
TEST(retained_resources_have_names_of_their_own_stack)
{
	static const char *const name_props[] = { "LogGroupName", "Name", "DBInstanceIdentifier",
		"BackupVaultName", "BucketName", "ClusterName", "RoleName", "TrailName", NULL };
	struct sm_app *apps[] = { staging, production, baseline };
	int named = 0;
	for (size_t a = 0; a < 3; a++)
		for (size_t i = 0; i < sm_app_stack_count(apps[a]); i++) {
			const char *id;
			json_t *r;
			json_object_foreach(json_object_get(sm_stack_template(sm_app_stack_at(apps[a], i)), "Resources"), id, r)
			{
				const char *dp = json_string_value(json_object_get(r, "DeletionPolicy"));
				if (!dp || (strcmp(dp, "Retain") && strcmp(dp, "RetainExceptOnCreate")))
					continue;
				for (int k = 0; name_props[k]; k++) {
					const json_t *name = json_object_get(json_object_get(r, "Properties"), name_props[k]);
					if (!name)
						continue;
					named++;
					char *text = json_dumps(name, JSON_COMPACT);
					if (!strstr(text, "\"AWS::StackId\"")) {
						printf("#   %s of %s: %s %s\n", id, sm_stack_name(sm_app_stack_at(apps[a], i)),
						       name_props[k], text);
						CHECK(!"a retained resource's name outlives its stack");
					}
					free(text);
				}
			}
		}
	CHECK(named >= 10); /* the walk saw them: vaults, secrets, log groups, the DR replica */
}
TEST(production_keeps_every_stateful_resource)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *schema = cfn_schema_load("data/cfn-schema.txt", &dl);
	CHECK(schema != NULL);
	if (!schema)
		return;
	int stateful = 0;
	for (size_t i = 0; i < sm_app_stack_count(production); i++) {
		const char *id;
		json_t *r;
		json_object_foreach(json_object_get(sm_stack_template(sm_app_stack_at(production, i)), "Resources"), id, r)
		{
			const char *type = json_string_value(json_object_get(r, "Type"));
			if (!cfn_schema_is_stateful(schema, type) ||
			    json_object_get(json_object_get(r, "Properties"), "SourceDBInstanceIdentifier"))
				continue;
			stateful++;
			const char *dp = json_string_value(json_object_get(r, "DeletionPolicy"));
			const char *urp = json_string_value(json_object_get(r, "UpdateReplacePolicy"));
			if (!dp || !urp || !strcmp(dp, "Delete") || !strcmp(urp, "Delete")) {
				printf("#   %s (%s) has DeletionPolicy %s, UpdateReplacePolicy %s\n", id, type,
				       dp ? dp : "(none)", urp ? urp : "(none)");
				CHECK(!"stateful resource deleted with its stack");
			}
		}
	}
	CHECK(stateful > 15); /* the walk saw the templates */
	CHECK(json_object_get(resource(production, "Data", "DatabaseMasterSecret"), "DeletionPolicy"));
	CHECK(!json_object_get(resource(staging, "Data", "DatabaseMasterSecret"), "DeletionPolicy"));
	CHECK(!json_object_get(resource(staging, "Data", "AppSecret"), "DeletionPolicy"));
	CHECK(!json_object_get(resource(staging, "Compute", "AlbWebAclLogs"), "DeletionPolicy"));
	CHECK(!json_object_get(resource(staging, "Edge", "CdnWebAclLogs"), "DeletionPolicy"));
	cfn_schema_free(schema);
	diag_list_release(&dl);
}
TEST(stateful_resources_live_apart_from_stateless_ones)
{
	const char *stateless[] = { "Network", "Compute", "Monitoring" };
	const char *stateful_types[] = { "AWS::RDS::DBInstance", "AWS::S3::Bucket", "AWS::KMS::Key" };
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			CHECK(COUNT(production, stateless[i], stateful_types[j]) == 0);
}
/* `id` is one of the space-separated `ids` */
static bool listed(const char *ids, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = ids; p && (p = strstr(p, id)); p += n)
		if ((p == ids || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/*
 * A cdk-nag rule the code may suppress by its own ID (nag_suppress): one no
 * rule of ours is the exact equal of (check.c find_suppression), so that the
 * suppression mutes no finding of ours: none lists it, or each that does
 * lists it as partial (AwsSolutions-IAM4 is any AWS managed policy,
 * SM-IAM-005 AdministratorAccess only). Where one is its equal, the code
 * accepts that rule by our ID instead.
 */
static bool nag_only_rule(const char *id)
{
	const struct sm_rule_meta *const *r = check_rules();
	for (size_t i = 0; r[i]; i++)
		if (listed(r[i]->nag_ids, id) && !listed(r[i]->nag_partial, id))
			return false;
	return true;
}

/*
 * The code accepts findings by our rule IDs (issue 17): each cdk-nag ID the
 * code suppresses (no "source": not a configuration's acceptance) follows
 * an accepted rule of ours that answers to it, with the same reason, and
 * each accepted rule brings every cdk-nag ID it answers to; cdk-nag's own
 * IDs only for the rules none of ours covers.
 */
TEST(the_code_accepts_findings_by_our_rule_ids)
{
	struct sm_app *apps[] = {staging, production, baseline};
	size_t accepted = 0;
	for (size_t a = 0; a < 3; a++)
		for (size_t i = 0; i < sm_app_stack_count(apps[a]); i++) {
			const char *rid;
			json_t *r;
			json_object_foreach(json_object_get(sm_stack_template(sm_app_stack_at(apps[a], i)), "Resources"),
					    rid, r)
			{
				const json_t *list = json_object_get(
					json_object_get(json_object_get(r, "Metadata"), "cdk_nag"), "rules_to_suppress");
				size_t k;
				json_t *e;
				json_array_foreach(list, k, e)
				{
					const char *id = json_string_value(json_object_get(e, "id"));
					const char *reason = json_string_value(json_object_get(e, "reason"));
					if (json_object_get(e, "source"))
						continue;
					if (!strncmp(id, "SM-", 3)) {
						const char *nag = check_rule_nag_ids(id);
						accepted++;
						CHECK(nag != NULL);
						/* every cdk-nag ID of the rule is on the resource with the reason */
						for (const char *p = nag; p && *p;) {
							size_t n = strcspn(p, " ");
							bool found = false;
							size_t j;
							json_t *o;
							json_array_foreach(list, j, o)
							found |= strlen(json_string_value(json_object_get(o, "id"))) == n &&
								 !strncmp(json_string_value(json_object_get(o, "id")), p, n) &&
								 json_equal(json_object_get(o, "reason"), json_object_get(e, "reason"));
							if (!found)
								printf("#   %s: %s accepted without %.*s\n", rid, id, (int)n, p);
							CHECK(found);
							p += n + (p[n] == ' ');
						}
						continue;
					}
					if (nag_only_rule(id))
						continue;
					/* a cdk-nag ID: an accepted rule of ours before it, with its reason, answers to it */
					bool covered = false;
					for (size_t j = 0; j < k; j++) {
						const json_t *o = json_array_get(list, j);
						const char *oid = json_string_value(json_object_get(o, "id"));
						covered |= !strncmp(oid, "SM-", 3) && !json_object_get(o, "source") &&
							   !strcmp(reason, json_string_value(json_object_get(o, "reason"))) &&
							   listed(check_rule_nag_ids(oid), id);
					}
					if (!covered)
						printf("#   %s: %s suppressed by its cdk-nag ID\n", rid, id);
					CHECK(covered);
				}
			}
		}
	CHECK(accepted > 30);
}

TEST(every_suppression_has_a_reason)
{
	for (size_t i = 0; i < sm_app_stack_count(production); i++) {
		const char *id;
		json_t *r;
		json_object_foreach(json_object_get(sm_stack_template(sm_app_stack_at(production, i)), "Resources"), id, r)
		{
			size_t k;
			json_t *s;
			json_array_foreach(json_object_get(json_object_get(json_object_get(r, "Metadata"), "cdk_nag"),
							   "rules_to_suppress"), k, s)
			{
				const char *reason = json_string_value(json_object_get(s, "reason"));
				CHECK(reason && strlen(reason) >= 20);
			}
		}
	}
}

int main(void)
{
	infra_fixture_build_all();
	RUN(the_code_accepts_findings_by_our_rule_ids);
	RUN(fr_6_1_alarms_to_the_topic);
	RUN(fr_6_2_log_aggregation);
	RUN(fr_6_3_metrics_and_dashboards);
	RUN(fr_6_4_alarms_for_automated_responses);
	RUN(fr_6_5_xray);
	RUN(fr_6_6_cost_monitoring);
	RUN(fr_6_6_budget_counts_only_its_environment);
	RUN(fr_6_2_container_insights_log_group_is_declared);
	RUN(every_taggable_resource_has_the_five_tags);
	RUN(operators_get_outputs);
	RUN(production_keeps_every_stateful_resource);
	RUN(retained_resources_have_names_of_their_own_stack);
	RUN(stateful_resources_live_apart_from_stateless_ones);
	RUN(every_suppression_has_a_reason);
	infra_fixture_release_all();
	return test_done();
}
