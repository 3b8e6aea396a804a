/* Engine: references across stacks and regions, IDs, tags, escaping, determinism. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_io.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "engine/engine_int.h" /* sm_pack_error */
#include "support/test.h"

static const json_t *tmpl(struct sm_app *app, const char *stack)
{
	return sm_stack_template(sm_app_find_stack(app, stack));
}

static char *dump(const json_t *v)
{
	return jio_dump_json(v, NULL);
}

TEST(same_stack_ref_and_getatt)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "A", NULL);
	struct sm_resource *b = sm_resource_new(s, "Bucket", "AWS::S3::Bucket", NULL);
	struct sm_resource *p = sm_resource_new(s, "Policy", "AWS::S3::BucketPolicy", NULL);
	sm_resource_set(p, "Bucket", sm_ref(b));
	sm_resource_set(p, "Arn", sm_getatt(b, "Arn"));
	CHECK(sm_app_resolve(app, &dl) == 0);
	const json_t *props =
		json_object_get(json_object_get(json_object_get(tmpl(app, "A"), "Resources"), "Policy"),
				"Properties");
	CHECK_STR(json_string_value(json_object_get(json_object_get(props, "Bucket"), "Ref")),
		  "Bucket");
	json_t *ga = json_object_get(json_object_get(props, "Arn"), "Fn::GetAtt");
	CHECK(json_array_size(ga) == 2);
	CHECK_STR(json_string_value(json_array_get(ga, 1)), "Arn");
	CHECK(sm_stack_dependency_count(sm_app_find_stack(app, "A")) == 0);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(cross_stack_ref_becomes_export_import_and_dependency)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack_props props = { .region = "us-east-1" };
	struct sm_stack *net = sm_stack_new(app, "Net", &props);
	struct sm_stack *app_stack = sm_stack_new(app, "App", &props);
	struct sm_resource *vpc = sm_resource_new(net, "Vpc", "AWS::EC2::VPC", NULL);
	struct sm_resource *sg = sm_resource_new(app_stack, "Sg", "AWS::EC2::SecurityGroup", NULL);
	sm_resource_set(sg, "VpcId", sm_ref(vpc));
	sm_resource_set(sg, "Cidr", sm_getatt(vpc, "CidrBlock"));
	sm_resource_set(sg, "Again", sm_ref(vpc)); /* one export, used twice */
	CHECK(sm_app_resolve(app, &dl) == 0);

	const json_t *outs = json_object_get(tmpl(app, "Net"), "Outputs");
	CHECK(json_object_size(outs) == 2);
	const json_t *o = json_object_get(outs, "ExportsOutputRefVpc");
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "Export"), "Name")),
		  "Net:ExportsOutputRefVpc");
	CHECK(json_object_get(outs, "ExportsOutputFnGetAttVpcCidrBlock") != NULL);

	const json_t *p = json_object_get(
		json_object_get(json_object_get(tmpl(app, "App"), "Resources"), "Sg"), "Properties");
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "VpcId"), "Fn::ImportValue")),
		  "Net:ExportsOutputRefVpc");
	CHECK(sm_stack_dependency_count(sm_app_find_stack(app, "App")) == 1);
	CHECK_STR(sm_stack_name(sm_stack_dependency_at(sm_app_find_stack(app, "App"), 0)), "Net");

	json_t *m = sm_app_manifest(app, SM_FORMAT_JSON);
	json_t *deps = json_object_get(json_object_get(json_object_get(m, "artifacts"), "App"),
				       "dependencies");
	CHECK(json_array_size(deps) == 1);
	CHECK_STR(json_string_value(json_array_get(deps, 0)), "Net");
	json_decref(m);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(cross_region_ref_becomes_parameter_recorded_in_manifest)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *dr = sm_stack_new(app, "Dr", &(struct sm_stack_props){ .region = "us-west-2" });
	struct sm_stack *main_s =
		sm_stack_new(app, "Main", &(struct sm_stack_props){ .region = "us-east-1" });
	struct sm_resource *replica = sm_resource_new(dr, "Replica", "AWS::S3::Bucket", NULL);
	struct sm_resource *b = sm_resource_new(main_s, "Bucket", "AWS::S3::Bucket", NULL);
	sm_resource_set(b, "ReplicaArn", sm_getatt(replica, "Arn"));
	CHECK(sm_app_resolve(app, &dl) == 0);

	const json_t *t = tmpl(app, "Main");
	const json_t *params = json_object_get(t, "Parameters");
	CHECK(json_object_get(params, "CrossRegionDrReplicaArn") != NULL);
	const json_t *p =
		json_object_get(json_object_get(json_object_get(t, "Resources"), "Bucket"), "Properties");
	CHECK_STR(json_string_value(json_object_get(json_object_get(p, "ReplicaArn"), "Ref")),
		  "CrossRegionDrReplicaArn");
	/* no export: Fn::ImportValue cannot cross regions */
	const json_t *o = json_object_get(json_object_get(tmpl(app, "Dr"), "Outputs"),
					  "CrossRegionOutputFnGetAttReplicaArn");
	CHECK(o != NULL && json_object_get(o, "Export") == NULL);
	json_t *m = sm_app_manifest(app, SM_FORMAT_JSON);
	char *s = dump(m);
	CHECK_CONTAINS(s, "solemate:cross-region-ref");
	CHECK_CONTAINS(s, "\"producerStack\": \"Dr\"");
	free(s);
	json_decref(m);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(stack_cycle_is_an_error)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *a = sm_stack_new(app, "A", NULL);
	struct sm_stack *b = sm_stack_new(app, "B", NULL);
	struct sm_resource *ra = sm_resource_new(a, "Ra", "AWS::SNS::Topic", NULL);
	struct sm_resource *rb = sm_resource_new(b, "Rb", "AWS::SNS::Topic", NULL);
	sm_resource_set(ra, "X", sm_ref(rb));
	sm_resource_set(rb, "Y", sm_ref(ra));
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(dl.nr >= 1);
	CHECK_CONTAINS(dl.items[0].message, "cycle");
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(logical_id_collision_and_limits)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "S", NULL);
	sm_resource_new(s, "My-Bucket", "AWS::S3::Bucket", NULL);
	sm_resource_new(s, "MyBucket", "AWS::S3::Bucket", NULL); /* same after sanitizing */
	sm_resource_new(s, "--", "AWS::S3::Bucket", NULL);
	sm_resource_new(s, "My_Bucket", "AWS::S3::Bucket", NULL); /* a third: named with the first */
	char longid[300];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	sm_resource_new(s, longid, "AWS::S3::Bucket", NULL);
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(diag_count(&dl, DIAG_ERROR) == 4);
	bool dup = false, empty = false, too_long = false;
	int dups = 0;
	for (size_t i = 0; i < dl.nr; i++) {
		dup |= strstr(dl.items[i].message, "used twice") != NULL;
		dups += strstr(dl.items[i].message, "(by 'My-Bucket' and 'MyBucket')") ||
			strstr(dl.items[i].message, "(by 'My-Bucket' and 'My_Bucket')");
		empty |= strstr(dl.items[i].message, "no letter or digit") != NULL;
		too_long |= strstr(dl.items[i].message, "255") != NULL;
	}
	CHECK(dup && empty && too_long && dups == 2);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(resource_limit_is_checked)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "Big", NULL);
	for (int i = 0; i < CFN_MAX_RESOURCES + 1; i++) {
		char id[32];
		snprintf(id, sizeof(id), "Topic%d", i);
		sm_resource_new(s, id, "AWS::SNS::Topic", NULL);
	}
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "501 Resources"));
	sm_app_free(app);
	diag_list_release(&dl);
}

/* Adding or removing one resource never renames another. */
TEST(logical_ids_are_stable)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_app *a1 = sm_app_new(), *a2 = sm_app_new();
	struct sm_stack *s1 = sm_stack_new(a1, "S", NULL), *s2 = sm_stack_new(a2, "S", NULL);
	sm_resource_new(s1, "Alpha", "AWS::SNS::Topic", NULL);
	sm_resource_new(s1, "Beta", "AWS::SNS::Topic", NULL);
	sm_resource_new(s2, "Alpha", "AWS::SNS::Topic", NULL);
	sm_resource_new(s2, "Inserted", "AWS::SNS::Topic", NULL);
	sm_resource_new(s2, "Beta", "AWS::SNS::Topic", NULL);
	CHECK(sm_app_resolve(a1, &dl) == 0 && sm_app_resolve(a2, &dl) == 0);
	const json_t *r1 = json_object_get(tmpl(a1, "S"), "Resources");
	const json_t *r2 = json_object_get(tmpl(a2, "S"), "Resources");
	CHECK(json_equal(json_object_get(r1, "Alpha"), json_object_get(r2, "Alpha")));
	CHECK(json_equal(json_object_get(r1, "Beta"), json_object_get(r2, "Beta")));
	sm_app_free(a1);
	sm_app_free(a2);
	diag_list_release(&dl);
}

TEST(tags_applied_sorted_and_resource_tags_win)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	sm_app_add_tag(app, "Project", "SoleMate");
	struct sm_stack *s = sm_stack_new(app, "S", NULL);
	sm_stack_add_tag(s, "Environment", "staging");
	struct sm_resource *b = sm_resource_new(
		s, "B", "AWS::S3::Bucket",
		json_pack("{s[{ssss}]}", "Tags", "Key", "Environment", "Value", "own"));
	struct sm_resource *notag = sm_resource_new(s, "Pol", "AWS::S3::BucketPolicy", NULL);
	(void)notag;
	(void)b;
	CHECK(sm_app_resolve(app, &dl) == 0);
	const json_t *res = json_object_get(tmpl(app, "S"), "Resources");
	const json_t *tags = json_object_get(json_object_get(json_object_get(res, "B"), "Properties"),
					     "Tags");
	CHECK(json_array_size(tags) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(tags, 0), "Key")), "Environment");
	CHECK_STR(json_string_value(json_object_get(json_array_get(tags, 0), "Value")), "own");
	CHECK_STR(json_string_value(json_object_get(json_array_get(tags, 1), "Key")), "Project");
	CHECK(json_object_get(json_object_get(res, "Pol"), "Properties") == NULL);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(escaping_of_unicode_and_control_characters)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "S", NULL);
	const char *hostile = "\"}, \"Evil\": {\"Type\": \"AWS::IAM::User\"}\n\t\x01 caf\xc3\xa9 \xe2\x82\xac";
	sm_resource_new(s, "T", "AWS::SNS::Topic", json_pack("{ss}", "DisplayName", hostile));
	CHECK(sm_app_resolve(app, &dl) == 0);
	size_t len;
	char *out = jio_dump_json(tmpl(app, "S"), &len);
	CHECK_CONTAINS(out, "\\\"}, \\\"Evil\\\"");
	CHECK_CONTAINS(out, "\\n\\t\\u0001");
	CHECK_CONTAINS(out, "caf\xc3\xa9 \xe2\x82\xac");
	/* and it reads back as the same value, with no extra resource */
	json_t *back = json_loads(out, 0, NULL);
	CHECK(back && json_object_size(json_object_get(back, "Resources")) == 1);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(json_object_get(json_object_get(back, "Resources"), "T"),
					  "Properties"),
			  "DisplayName")),
		  hostile);
	char *yaml = jio_dump_yaml(tmpl(app, "S"), NULL);
	json_t *yback = jio_load_yaml("t.yaml", yaml, strlen(yaml), &dl);
	CHECK(yback && json_equal(yback, (json_t *)tmpl(app, "S")));
	json_decref(yback);
	free(yaml);
	json_decref(back);
	free(out);
	sm_app_free(app);
	diag_list_release(&dl);
}

static char *build_and_dump(void)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *a = sm_stack_new(app, "A", NULL), *b = sm_stack_new(app, "B", NULL);
	struct sm_resource *t = sm_resource_new(a, "Topic", "AWS::SNS::Topic", NULL);
	for (int i = 0; i < 20; i++) {
		char id[16];
		snprintf(id, sizeof(id), "Sub%d", i);
		struct sm_resource *r = sm_resource_new(b, id, "AWS::SNS::Subscription", NULL);
		sm_resource_set(r, "TopicArn", sm_ref(t));
		sm_resource_set(r, "Protocol", json_string("email"));
	}
	sm_app_add_tag(app, "Z", "1");
	sm_app_add_tag(app, "A", "2");
	sm_app_resolve(app, &dl);
	json_t *m = sm_app_manifest(app, SM_FORMAT_JSON);
	char *s1 = dump(m), *s2 = dump(tmpl(app, "A")), *s3 = dump(tmpl(app, "B"));
	char *all = malloc(strlen(s1) + strlen(s2) + strlen(s3) + 1);
	memcpy(all, s1, strlen(s1));
	memcpy(all + strlen(s1), s2, strlen(s2));
	memcpy(all + strlen(s1) + strlen(s2), s3, strlen(s3) + 1);
	free(s1);
	free(s2);
	free(s3);
	json_decref(m);
	sm_app_free(app);
	diag_list_release(&dl);
	return all;
}

TEST(output_is_deterministic)
{
	char *x = build_and_dump(), *y = build_and_dump();
	CHECK(strcmp(x, y) == 0);
	free(x);
	free(y);
}

TEST(resolve_is_idempotent)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *a = sm_stack_new(app, "A", NULL), *b = sm_stack_new(app, "B", NULL);
	struct sm_resource *t = sm_resource_new(a, "T", "AWS::SNS::Topic", NULL);
	struct sm_resource *u = sm_resource_new(b, "U", "AWS::SNS::Subscription", NULL);
	sm_resource_set(u, "TopicArn", sm_ref(t));
	CHECK(sm_app_resolve(app, &dl) == 0);
	char *first = dump(tmpl(app, "A"));
	CHECK(sm_app_resolve(app, &dl) == 0);
	char *second = dump(tmpl(app, "A"));
	CHECK_STR(first, second);
	free(first);
	free(second);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(intrinsics_have_cloudformation_shape)
{
	json_t *v = sm_fn_join(",", json_pack("[ss]", "a", "b"));
	char *s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::Join\":[\",\",[\"a\",\"b\"]]}");
	free(s);
	json_decref(v);
	v = sm_fn_select(1, sm_fn_getazs(""));
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::Select\":[1,{\"Fn::GetAZs\":{\"Ref\":\"AWS::Region\"}}]}");
	free(s);
	json_decref(v);
	v = sm_fn_if("IsProd", json_string("a"), sm_no_value());
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::If\":[\"IsProd\",\"a\",{\"Ref\":\"AWS::NoValue\"}]}");
	free(s);
	json_decref(v);
	v = sm_fn_cidr(json_string("10.0.0.0/16"), 6, 8);
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::Cidr\":[\"10.0.0.0/16\",6,8]}");
	free(s);
	json_decref(v);
	v = sm_fn_sub_vars("${A}-x", json_pack("{so}", "A", sm_aws_account_id()));
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::Sub\":[\"${A}-x\",{\"A\":{\"Ref\":\"AWS::AccountId\"}}]}");
	free(s);
	json_decref(v);
	v = sm_fn_find_in_map("M", sm_aws_region(), json_string("k"));
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::FindInMap\":[\"M\",{\"Ref\":\"AWS::Region\"},\"k\"]}");
	free(s);
	json_decref(v);
	v = sm_fn_and(json_pack("[oo]", sm_fn_equals(json_string("a"), json_string("b")),
				sm_fn_not(sm_fn_or(json_pack("[{ss}]", "Condition", "C")))));
	s = json_dumps(v, JSON_COMPACT);
	CHECK_STR(s, "{\"Fn::And\":[{\"Fn::Equals\":[\"a\",\"b\"]},{\"Fn::Not\":[{\"Fn::Or\":[{"
		     "\"Condition\":\"C\"}]}]}]}");
	free(s);
	json_decref(v);
}

TEST(parameters_conditions_outputs_and_attributes)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "S", &(struct sm_stack_props){ .description = "d" });
	json_t *p = sm_stack_add_parameter(s, "Env", json_pack("{ss}", "Type", "String"));
	json_decref(sm_stack_add_condition(s, "IsProd", sm_fn_equals(p, json_string("prod"))));
	sm_stack_add_mapping(s, "M", json_pack("{s{ss}}", "us-east-1", "k", "v"));
	struct sm_resource *db = sm_resource_new(s, "Db", "AWS::RDS::DBInstance", NULL);
	struct sm_resource *t = sm_resource_new(s, "T", "AWS::SNS::Topic", NULL);
	sm_resource_set_deletion_policy(db, "Snapshot");
	sm_resource_set_update_replace_policy(db, "Snapshot");
	sm_resource_set_condition(t, "IsProd");
	sm_resource_depends_on(t, db);
	sm_resource_suppress(db, "AwsSolutions-RDS11", "the default port is required by the app");
	sm_stack_add_output(s, "DbEndpoint", sm_getatt(db, "Endpoint.Address"), "endpoint", "S-Db");
	CHECK(sm_app_resolve(app, &dl) == 0);
	const json_t *tp = tmpl(app, "S");
	CHECK_STR(json_string_value(json_object_get(tp, "Description")), "d");
	CHECK(json_object_get(json_object_get(tp, "Parameters"), "Env") != NULL);
	CHECK(json_object_get(json_object_get(tp, "Conditions"), "IsProd") != NULL);
	CHECK(json_object_get(json_object_get(tp, "Mappings"), "M") != NULL);
	const json_t *rdb = json_object_get(json_object_get(tp, "Resources"), "Db");
	CHECK_STR(json_string_value(json_object_get(rdb, "DeletionPolicy")), "Snapshot");
	CHECK_STR(json_string_value(json_object_get(rdb, "UpdateReplacePolicy")), "Snapshot");
	json_t *pat = json_loads("{\"cdk_nag\":{\"rules_to_suppress\":[{\"id\":\"AwsSolutions-RDS11\"}]}}", 0, NULL);
	CHECK(json_subset(pat, json_object_get(rdb, "Metadata")));
	json_decref(pat);
	const json_t *rt = json_object_get(json_object_get(tp, "Resources"), "T");
	CHECK_STR(json_string_value(json_object_get(rt, "Condition")), "IsProd");
	CHECK_STR(json_string_value(json_array_get(json_object_get(rt, "DependsOn"), 0)), "Db");
	const json_t *o = json_object_get(json_object_get(tp, "Outputs"), "DbEndpoint");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "Export"), "Name")), "S-Db");
	sm_app_free(app);
	diag_list_release(&dl);
}

/* a catalog of two rules: SM-A answers to N-1 and N-2, SM-B to N-2, SM-C to none */
static const char *nag_ids_of(const char *rule)
{
	return !strcmp(rule, "SM-A") ? "N-1 N-2" : !strcmp(rule, "SM-B") ? "N-2" : !strcmp(rule, "SM-C") ? "" : NULL;
}

/* the ids of resource `id`'s suppressions, space-separated */
static char *suppressed_ids(struct sm_app *app, const char *id)
{
	const json_t *list = json_object_get(
		json_object_get(json_object_get(json_object_get(json_object_get(tmpl(app, "S"), "Resources"), id),
						"Metadata"),
				"cdk_nag"),
		"rules_to_suppress");
	char *out = xstrdup("");
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
	{
		char *next = xstrfmt("%s%s%s", out, i ? " " : "", json_string_value(json_object_get(e, "id")));
		free(out);
		out = next;
	}
	return out;
}

TEST(accepted_findings_expand_into_the_rules_cdk_nag_ids)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	sm_app_set_rule_catalog(app, nag_ids_of);
	struct sm_stack *s = sm_stack_new(app, "S", NULL);
	struct sm_resource *db = sm_resource_new(s, "Db", "AWS::RDS::DBInstance", NULL);
	struct sm_resource *q = sm_resource_new(s, "Q", "AWS::SQS::Queue", NULL);
	sm_resource_accept(db, "SM-A", "one reason for both rules");
	/* N-2 is there already with this reason: once */
	sm_resource_accept(db, "SM-B", "one reason for both rules");
	sm_resource_accept(db, "SM-C", "a rule cdk-nag has no rule for");
	sm_resource_accept(q, "SM-B", "another reason, another entry");
	sm_resource_accept(q, "SM-A", "a second reason");
	CHECK(sm_app_resolve(app, &dl) == 0);
	char *ids = suppressed_ids(app, "Db");
	CHECK_STR(ids, "SM-A N-1 N-2 SM-B SM-C");
	free(ids);
	ids = suppressed_ids(app, "Q");
	CHECK_STR(ids, "SM-B N-2 SM-A N-1 N-2");
	free(ids);
	sm_app_free(app);
	diag_list_release(&dl);

	/* a rule the catalog does not know fails the synthesis naming it */
	app = sm_app_new();
	sm_app_set_rule_catalog(app, nag_ids_of);
	s = sm_stack_new(app, "S", NULL);
	sm_resource_accept(sm_resource_new(s, "Db", "AWS::RDS::DBInstance", NULL), "SM-TYPO",
			   "a rule that does not exist");
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(dl.nr == 1 && strstr(dl.items[0].message, "'SM-TYPO'") && strstr(dl.items[0].path, "Db"));
	sm_app_free(app);
	diag_list_release(&dl);

	/* without a catalog, our ID alone (check honours it) */
	app = sm_app_new();
	s = sm_stack_new(app, "S", NULL);
	sm_resource_accept(sm_resource_new(s, "Db", "AWS::RDS::DBInstance", NULL), "SM-A",
			   "no catalog, no expansion");
	CHECK(sm_app_resolve(app, &dl) == 0);
	ids = suppressed_ids(app, "Db");
	CHECK_STR(ids, "SM-A");
	free(ids);
	sm_app_free(app);
	diag_list_release(&dl);
}

TEST(dangling_reference_and_depends_on_are_errors)
{
	struct sm_app *app = sm_app_new(), *other = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "S", NULL);
	struct sm_stack *o = sm_stack_new(other, "Elsewhere", NULL);
	struct sm_resource *foreign = sm_resource_new(o, "F", "AWS::SNS::Topic", NULL);
	struct sm_resource *r = sm_resource_new(s, "R", "AWS::SNS::Subscription", NULL);
	sm_resource_set(r, "TopicArn", sm_ref(foreign));
	sm_resource_depends_on(r, foreign); /* not in this stack */
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(diag_count(&dl, DIAG_ERROR) == 2);
	sm_app_free(app);
	sm_app_free(other);
	diag_list_release(&dl);
}

TEST(empty_stacks_are_dropped_unless_needed)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	sm_stack_new(app, "Empty1", NULL);
	struct sm_stack *full = sm_stack_new(app, "Full", NULL);
	sm_stack_new(app, "Empty2", NULL);
	struct sm_stack *dep = sm_stack_new(app, "EmptyButNeeded", NULL);
	sm_resource_new(full, "T", "AWS::SNS::Topic", NULL);
	sm_stack_add_dependency(full, dep);
	sm_app_remove_empty_stacks(app);
	CHECK(sm_app_stack_count(app) == 2);
	CHECK(sm_app_find_stack(app, "Full") && sm_app_find_stack(app, "EmptyButNeeded"));
	CHECK(!sm_app_find_stack(app, "Empty1") && !sm_app_find_stack(app, "Empty2"));
	sm_app_free(app);
	diag_list_release(&dl);
}

/*
 * A json_pack with a NULL string no longer becomes empty Properties: the
 * synthesis fails naming the resource, the key path and the call (issue 17).
 */
TEST(failed_pack_names_the_key_and_fails_resolve)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "Data", NULL);
	const char *unset = NULL;
	sm_resource_new(s, "Db", "AWS::RDS::DBInstance",
			json_pack("{ss sb s{ss si} s[ss]}", "Engine", "postgres", "MultiAZ", 1,
				  "Monitoring", "EngineVersion", unset, "Interval", 60, "Logs", "a",
				  "b"));
	struct sm_resource *q = sm_resource_new(s, "Queue", "AWS::SQS::Queue", NULL);
	/* nested: the inner failure is carried through the outer pack */
	sm_resource_set(q, "RedrivePolicy",
			json_pack("{so}", "Target", json_pack("[s s]", "first", unset)));
	sm_resource_set(q, "Tags", json_pack("{so}", "Key", (json_t *)NULL));
	/* keys set on a failed pack afterwards (optional properties) do not hide it */
	json_t *group = json_pack("{ss so}", "GroupDescription", "web", "VpcId", (json_t *)NULL);
	json_object_set_new(group, "SecurityGroupEgress", json_array());
	sm_resource_new(s, "Sg", "AWS::EC2::SecurityGroup", group);
	CHECK(sm_app_resolve(app, &dl) < 0);
	CHECK(dl.nr == 4);
	if (dl.nr == 4) {
		CHECK_CONTAINS(dl.items[0].path, "Data/Db");
		CHECK_CONTAINS(dl.items[0].message, "NULL string for 'Monitoring.EngineVersion'");
		CHECK_CONTAINS(dl.items[0].message, "test_engine.c:");
		CHECK_CONTAINS(dl.items[1].path, "Data/Queue");
		CHECK_CONTAINS(dl.items[1].message, "NULL string for '[1]'");
		CHECK_CONTAINS(dl.items[2].message, "NULL object for 'Key'");
		CHECK_CONTAINS(dl.items[3].path, "Data/Sg");
		CHECK_CONTAINS(dl.items[3].message, "NULL object for 'VpcId'");
	}
	/* the marker never reaches a template */
	const json_t *t = sm_stack_template(s);
	char *text = t ? json_dumps(t, 0) : NULL;
	CHECK(!text || !strstr(text, "SolematePackError"));
	free(text);
	sm_app_free(app);
	diag_list_release(&dl);
}

/* sm_list, sm_object and sm_object_set fail as json_pack does: the key or place, the caller */
TEST(built_values_name_a_part_that_could_not_be_built)
{
	struct sm_app *app = sm_app_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_stack *s = sm_stack_new(app, "Data", NULL);
	json_t *list = sm_list(json_string("a"), sm_ref(NULL), json_string("c"));
	CHECK(json_array_size(list) == 3); /* never a shorter list */
	json_t *obj = sm_object("Alb", json_string("x"), "Db", sm_ref(NULL), NULL);
	CHECK(json_object_size(obj) == 2); /* never a missing key */
	sm_object_set(obj, "Zone", NULL);
	sm_resource_new(s, "Topic", "AWS::SNS::Topic",
			json_pack("{so so}", "Items", list, "Vars", obj));
	CHECK(sm_app_resolve(app, &dl) < 0);
	/* each names its place and this file, in the order of the value */
	const char *const named[] = {"NULL object for '[1]'", "NULL object for 'Db'",
				     "NULL object for 'Zone'"};
	CHECK(dl.nr == 3);
	for (size_t i = 0; i < dl.nr && i < 3; i++) {
		CHECK_CONTAINS(dl.items[i].message, named[i]);
		CHECK_CONTAINS(dl.items[i].message, "test_engine.c:");
	}
	/* built whole, they are what json_pack makes */
	json_t *ok = sm_object("A", sm_strings("x", "y", NULL), "B", sm_list(json_integer(1)), NULL);
	char *text = json_dumps(ok, JSON_COMPACT);
	CHECK_STR(text, "{\"A\":[\"x\",\"y\"],\"B\":[1]}");
	free(text);
	json_decref(ok);
	sm_app_free(app);
	diag_list_release(&dl);
}

/*
 * sm_pack builds the engine's usual formats itself (engine/pack.c) and
 * hands the rest to jansson: both must give the same value, key order
 * included. `(json_pack)` is jansson's own; each argument list is
 * evaluated once per call, so each call steals its own 'o' values.
 */
#define SAME_AS_JANSSON(...)                                                                       \
	do {                                                                                       \
		json_t *ours_ = json_pack(__VA_ARGS__), *theirs_ = (json_pack)(__VA_ARGS__);       \
		CHECK(ours_ && theirs_ && !sm_pack_error(ours_));                                  \
		char *ours_text_ = ours_ ? json_dumps(ours_, JSON_ENCODE_ANY) : NULL;              \
		char *theirs_text_ = theirs_ ? json_dumps(theirs_, JSON_ENCODE_ANY) : NULL;        \
		CHECK_STR(ours_text_ ? ours_text_ : "(null)",                                      \
			  theirs_text_ ? theirs_text_ : "(null)");                                 \
		free(ours_text_);                                                                  \
		free(theirs_text_);                                                                \
		json_decref(ours_);                                                                \
		json_decref(theirs_);                                                              \
	} while (0)

TEST(pack_agrees_with_jansson)
{
	const char *unset = NULL;
	json_t *shared = json_string("shared");
	SAME_AS_JANSSON("{ss}", "Type", "String");
	SAME_AS_JANSSON("{s:s, s:b, s:b, s:i, s:I, s:f, s:n}", "a", "x", "t", 1, "f", 0, "i", -7,
			"I", (json_int_t)1 << 40, "f", 0.25, "n");
	SAME_AS_JANSSON("{s{s[ss]s{}}s[]}", "A", "B", "x", "y", "C", "D");
	SAME_AS_JANSSON("[s, [i, [b]], {}]", "deep", 3, 1);
	SAME_AS_JANSSON("{so so? sO sO* so*}", "o", json_string("v"), "null", (json_t *)NULL,
			"inc", shared, "kept", shared, "gone", (json_t *)NULL);
	SAME_AS_JANSSON("{ss? ss* ss* ss?}", "n", unset, "out", unset, "in", "v", "q", "w");
	SAME_AS_JANSSON("[s* s? o* O? s]", unset, unset, (json_t *)NULL, (json_t *)NULL, "end");
	SAME_AS_JANSSON("{ss ss ss}", "dup", "first", "other", "x", "dup", "second");
	SAME_AS_JANSSON("s", "top");
	SAME_AS_JANSSON("o", json_integer(5));
	SAME_AS_JANSSON("b", 1);
	SAME_AS_JANSSON("\t{ s :\n s ,s:i }", "k", "v", "n", 2);
	/* what jansson packs itself: lengths, concatenation, UTF-8 */
	SAME_AS_JANSSON("{s#s+}", "key", 2, "a", "b");
	SAME_AS_JANSSON("{ss%}", "k", "value", (size_t)3);
	SAME_AS_JANSSON("{ss}", "caf\xc3\xa9", "\xe2\x82\xac 5");
	json_t *two = json_pack("[O O?]", shared, shared); /* 'O' takes a reference */
	CHECK(shared->refcount == 3);
	json_decref(two);
	CHECK(shared->refcount == 1);
	json_decref(shared);
	/*
	 * One pass builds as it reads: when it gives up after taking 'o' values (a
	 * non-ASCII string further on), jansson gets the caller's references
	 * untouched, with more 'o' values than the pass holds on its stack too.
	 */
	json_t *mine = json_string("mine");
	json_incref(mine); /* ours; the pack steals the other */
	json_t *mixed = json_pack("{so s[o] ss}", "a", mine, "b", json_incref(mine), "c",
				  "caf\xc3\xa9");
	CHECK(!sm_pack_error(mixed) && json_object_get(mixed, "a") == mine);
	CHECK(mine->refcount == 3);
	json_decref(mixed);
	CHECK(mine->refcount == 1);
	const char *many = "[o o o o o o o o o o o o o o o o o o o o]";
	json_t *m[20];
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < 20; i++)
			m[i] = json_incref(mine);
		json_t *l = pass ? json_pack("[o o o o o o o o o o o o o o o o o o o o s]", m[0],
					     m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9],
					     m[10], m[11], m[12], m[13], m[14], m[15], m[16],
					     m[17], m[18], m[19], "\xe2\x82\xac")
				 : json_pack(many, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7],
					     m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15],
					     m[16], m[17], m[18], m[19]);
		CHECK(json_array_size(l) == 20u + (size_t)pass && mine->refcount == 21);
		json_decref(l);
		CHECK(mine->refcount == 1);
	}
	json_decref(mine);
	/* what jansson refuses stays refused, with its message */
	json_t *bad = json_pack("{ss}", "k", "\xff");
	CHECK(sm_pack_error(bad) != NULL);
	json_decref(bad);
	bad = json_pack("[f]", NAN);
	CHECK(sm_pack_error(bad) != NULL);
	json_decref(bad);
	/* the engine's json_string and json_object_set_new skip the check for ASCII only */
	json_t *s = sm_string("caf\xc3\xa9");
	CHECK(s && !strcmp(json_string_value(s), "caf\xc3\xa9"));
	json_decref(s);
	CHECK(sm_string("\xff") == NULL && sm_string(NULL) == NULL);
	json_t *o = json_object();
	CHECK(sm_object_set_new(o, "\xc3(", json_true()) == -1);
	CHECK(sm_object_set_new(o, "k", json_true()) == 0 && sm_object_set_new(o, "\xc3\xa9", json_null()) == 0);
	CHECK(json_object_size(o) == 2 && json_is_true(json_object_get(o, "k")));
	json_decref(o);
}

int main(void)
{
	RUN(empty_stacks_are_dropped_unless_needed);
	RUN(same_stack_ref_and_getatt);
	RUN(accepted_findings_expand_into_the_rules_cdk_nag_ids);
	RUN(cross_stack_ref_becomes_export_import_and_dependency);
	RUN(cross_region_ref_becomes_parameter_recorded_in_manifest);
	RUN(stack_cycle_is_an_error);
	RUN(logical_id_collision_and_limits);
	RUN(resource_limit_is_checked);
	RUN(logical_ids_are_stable);
	RUN(tags_applied_sorted_and_resource_tags_win);
	RUN(escaping_of_unicode_and_control_characters);
	RUN(output_is_deterministic);
	RUN(resolve_is_idempotent);
	RUN(intrinsics_have_cloudformation_shape);
	RUN(parameters_conditions_outputs_and_attributes);
	RUN(dangling_reference_and_depends_on_are_errors);
	RUN(failed_pack_names_the_key_and_fails_resolve);
	RUN(built_values_name_a_part_that_could_not_be_built);
	RUN(pack_agrees_with_jansson);
	return test_done();
}
