/*
 * The assembly's one resolver and resource iterator (src/analysis/refs.h):
 * every form of reference leads to the resource, across an import and a
 * cross-region parameter; text with references in it is walked; the
 * iterator sees every resource in order.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/refs.h"
#include "support/test.h"

/* Data (us-east-1) exports the bucket; its replica parameter stands for Dr's output. */
static const char data_json[] =
	"{\"Parameters\": {"
	" \"Env\": {\"Type\": \"String\"},"
	" \"CrossRegionDrKeyArn\": {\"Type\": \"String\", \"Description\": \"Output "
	"CrossRegionOutputKeyArn of stack Dr (us-west-2), filled in by solemate deploy\"},"
	" \"CrossRegionGone\": {\"Type\": \"String\", \"Description\": \"Output X of stack "
	"Missing (eu-west-1), filled in by solemate deploy\"}},"
	"\"Resources\": {"
	" \"Bucket\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"b\"}},"
	" \"Queue\": {\"Type\": \"AWS::SQS::Queue\"},"
	" \"Bare\": {}},"
	"\"Outputs\": {"
	" \"BucketOut\": {\"Value\": {\"Fn::GetAtt\": [\"Bucket\", \"Arn\"]}, \"Export\": {\"Name\": "
	"\"Data:Bucket\"}},"
	" \"Chained\": {\"Value\": {\"Fn::ImportValue\": \"Data:Bucket\"}, \"Export\": {\"Name\": "
	"\"Data:Chained\"}},"
	" \"Loop\": {\"Value\": {\"Fn::ImportValue\": \"Data:Loop\"}, \"Export\": {\"Name\": "
	"\"Data:Loop\"}}}}";

static const char dr_json[] =
	"{\"Resources\": {"
	" \"Key\": {\"Type\": \"AWS::KMS::Key\", \"Properties\": {}}},"
	"\"Outputs\": {"
	" \"CrossRegionOutputKeyArn\": {\"Value\": {\"Fn::GetAtt\": \"Key.Arn\"}}}}";

static void load(struct sm_assembly *a)
{
	sm_assembly_init(a);
	sm_assembly_add(a, "data.json", "Data", "us-east-1", json_loads(data_json, 0, NULL));
	sm_assembly_add(a, "dr.json", "Dr", "us-west-2", json_loads(dr_json, 0, NULL));
}

/* Resolve the JSON text `v` in template `t`: "Stack Id", or "Stack -" for nothing. */
static char *resolved(struct sm_assembly *a, struct sm_template *t, const char *v)
{
	json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
	struct sm_rref r = sm_resolve(a, t, j);
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s %s", r.t ? r.t->stack_name : "?", r.id ? r.id : "-");
	json_decref(j);
	return buf;
}

TEST(local_forms)
{
	struct sm_assembly a;
	load(&a);
	struct sm_template *data = &a.items[0];
	CHECK_STR(resolved(&a, data, "{\"Ref\": \"Bucket\"}"), "Data Bucket");
	CHECK_STR(resolved(&a, data, "{\"Fn::GetAtt\": [\"Bucket\", \"Arn\"]}"), "Data Bucket");
	CHECK_STR(resolved(&a, data, "{\"Fn::GetAtt\": \"Bucket.Arn\"}"), "Data Bucket");
	CHECK_STR(resolved(&a, data, "{\"Fn::Sub\": \"${Bucket}\"}"), "Data Bucket");
	CHECK_STR(resolved(&a, data, "{\"Fn::Sub\": \"${Queue.Arn}\"}"), "Data Queue");
	CHECK_STR(resolved(&a, data, "{\"Fn::Sub\": [\"${Q}\", {\"Q\": {\"Ref\": \"Queue\"}}]}"),
		  "Data Queue");
	/* text around a reference, a literal, a name that is not there: nothing */
	CHECK_STR(resolved(&a, data, "{\"Fn::Sub\": \"arn:${Bucket}/*\"}"), "Data -");
	CHECK_STR(resolved(&a, data, "{\"Fn::Sub\": \"${!Bucket}\"}"), "Data -");
	CHECK_STR(resolved(&a, data, "{\"Fn::GetAtt\": \"Nope.Arn\"}"), "Data -");
	CHECK_STR(resolved(&a, data, "\"Bucket\""), "Data -");
	/*
	 * "dualstack." and a load balancer's DNSName is that load balancer's
	 * name too (the alias target of its A and AAAA records), in both forms;
	 * any other text joined, another attribute or delimiter names nothing
	 */
#define GA "{\"Fn::GetAtt\": [\"Queue\", \"DNSName\"]}"
	static const char *const dualstack[][2] = {
		{"{\"Fn::Join\": [\"\", [\"dualstack.\", " GA "]]}", "Data Queue"},
		{"{\"Fn::Join\": [\"\", [\"dualstack.\", {\"Fn::GetAtt\": \"Queue.DNSName\"}]]}",
		 "Data Queue"},
		{"{\"Fn::Sub\": \"dualstack.${Queue.DNSName}\"}", "Data Queue"},
		{"{\"Fn::Join\": [\"\", [\"arn:\", " GA "]]}", "Data -"},
		{"{\"Fn::Join\": [\"\", [\"dualstack.\", {\"Ref\": \"Queue\"}]]}", "Data -"},
		{"{\"Fn::Join\": [\".\", [\"dualstack\", " GA "]]}", "Data -"},
		{"{\"Fn::Join\": [\"\", [\"dualstack.\", " GA ", \".\"]]}", "Data -"},
		{"{\"Fn::Sub\": \"dualstack.${Queue.Arn}\"}", "Data -"},
	};
#undef GA
	for (size_t k = 0; k < sizeof dualstack / sizeof *dualstack; k++)
		CHECK_STR(resolved(&a, data, dualstack[k][0]), dualstack[k][1]);
	/* a plain parameter is a parameter */
	CHECK_STR(resolved(&a, data, "{\"Ref\": \"Env\"}"), "Data Env");
	/* without a template only Ref and the list GetAtt name an ID */
	json_t *s = json_loads("{\"Fn::GetAtt\": \"Bucket.Arn\"}", 0, NULL);
	CHECK(sm_ref_id(NULL, s) == NULL);
	CHECK_STR(sm_ref_id(data, s), "Bucket");
	json_decref(s);
	sm_assembly_release(&a);
}

TEST(across_templates)
{
	struct sm_assembly a;
	load(&a);
	struct sm_template *data = &a.items[0], *dr = &a.items[1];
	CHECK_STR(resolved(&a, dr, "{\"Fn::ImportValue\": \"Data:Bucket\"}"), "Data Bucket");
	CHECK_STR(resolved(&a, dr, "{\"Fn::ImportValue\": \"Data:Chained\"}"), "Data Bucket");
	CHECK_STR(resolved(&a, dr, "{\"Fn::ImportValue\": \"Data:Nothing\"}"), "Dr -");
	CHECK_STR(resolved(&a, dr, "{\"Fn::ImportValue\": \"Data:Loop\"}"), "Dr -");
	/* the cross-region parameter leads to the producing stack's resource (graph did,
	 * reach did not) */
	CHECK_STR(resolved(&a, data, "{\"Ref\": \"CrossRegionDrKeyArn\"}"), "Dr Key");
	CHECK(sm_rref_resource(sm_resolve(&a, data, json_object_get(json_object_get(json_object_get(
				data->tmpl, "Outputs"), "BucketOut"), "Value"))) != NULL);
	/* a producer outside the assembly: the parameter itself */
	CHECK_STR(resolved(&a, data, "{\"Ref\": \"CrossRegionGone\"}"), "Data CrossRegionGone");
	sm_assembly_release(&a);
}

struct seen {
	char names[8][32];
	int nr;
	const char *stop_at;
};

static bool note(void *arg, const char *id, size_t len)
{
	struct seen *s = arg;
	if (s->nr < 8)
		snprintf(s->names[s->nr++], sizeof(s->names[0]), "%.*s", (int)len, id);
	return s->stop_at && strlen(s->stop_at) == len && !strncmp(s->stop_at, id, len);
}

TEST(refs_each)
{
	json_t *v = json_loads(
		"{\"A\": [{\"Ref\": \"R1\"}, {\"Fn::GetAtt\": [\"G1\", \"Arn\"]}],"
		" \"B\": {\"Fn::GetAtt\": \"G2.Endpoint.Address\"},"
		" \"C\": {\"Fn::Sub\": \"arn:${S1}:${S2.Arn}:${!Lit}\"},"
		" \"D\": {\"Fn::Sub\": [\"${S3}\", {\"S3\": {\"Ref\": \"R2\"}}]}}",
		0, NULL);
	struct seen s = {0};
	CHECK(!sm_refs_each(v, note, &s));
	CHECK(s.nr == 7);
	CHECK_STR(s.names[0], "R1");
	CHECK_STR(s.names[1], "G1");
	CHECK_STR(s.names[2], "G2");
	CHECK_STR(s.names[3], "S1");
	CHECK_STR(s.names[4], "S2");
	CHECK_STR(s.names[5], "S3");
	CHECK_STR(s.names[6], "R2");
	struct seen stop = {.stop_at = "G2"};
	CHECK(sm_refs_each(v, note, &stop));
	CHECK(stop.nr == 3);
	json_decref(v);
}

TEST(iterator)
{
	struct sm_assembly a;
	load(&a);
	struct sm_resource_iter it;
	char all[256] = "";
	size_t len = 0;
	sm_foreach_resource (&a, &it) {
		len += (size_t)snprintf(all + len, sizeof(all) - len, "%s:%s%s", it.t->stack_name,
					it.id, it.props ? "+ " : " ");
		CHECK(it.type != NULL && len < sizeof(all));
	}
	CHECK_STR(all, "Data:Bucket+ Data:Queue Data:Bare Dr:Key+ ");
	int n = 0;
	sm_template_foreach_resource (&a.items[1], &it)
		n++;
	CHECK(n == 1);
	struct sm_assembly empty;
	sm_assembly_init(&empty);
	n = 0;
	sm_foreach_resource (&empty, &it)
		n++;
	CHECK(n == 0);
	sm_assembly_release(&a);
}

/* The Type read first where templates put it, and found anywhere else too. */
TEST(resource_type_anywhere)
{
	json_t *first = json_pack("{ss s{}}", "Type", "AWS::S3::Bucket", "Properties");
	json_t *later = json_pack("{s{} ss}", "Properties", "Type", "AWS::SNS::Topic");
	json_t *none = json_pack("{s{}}", "Properties");
	json_t *odd = json_pack("{si}", "Type", 3);
	CHECK_STR(sm_resource_type_of(first), "AWS::S3::Bucket");
	CHECK_STR(sm_resource_type_of(later), "AWS::SNS::Topic");
	CHECK(sm_resource_type_of(none) == NULL && sm_resource_type_of(odd) == NULL);
	CHECK(sm_resource_type_of(NULL) == NULL);
	json_decref(first);
	json_decref(later);
	json_decref(none);
	json_decref(odd);
}

int main(void)
{
	RUN(local_forms);
	RUN(across_templates);
	RUN(refs_each);
	RUN(iterator);
	RUN(resource_type_anywhere);
	return test_done();
}
