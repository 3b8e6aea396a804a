/*
 * CloudFormation Query API without a network: the form bodies we send and
 * the parsers of AWS's XML answers (the XML files of tests/fixtures/aws, written after
 * the API reference's shapes, namespace included), and the error documents
 * the client reads codes from.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/cfn_parse.h"
#include "aws/client_internal.h"
#include "aws/s3.h"
#include "base/strbuf.h"
#include "support/test.h"

static char *load(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof(path), "tests/fixtures/aws/%s", name);
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	if (f) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&sb, buf, n);
		fclose(f);
	} else {
		printf("#   cannot open %s\n", path);
	}
	return strbuf_detach(&sb, len);
}

static const char *sget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

TEST(create_change_set_body_encodes_and_lists_capabilities_and_tags)
{
	json_t *tags = json_pack("{s:s, s:s}", "Project", "sole mate&co", "Environment", "prod");
	struct cfn_change_set_input in = {
		.stack = "Prod-Data",
		.name = "solemate-1",
		.type = "UPDATE",
		.template_body = "{\"Resources\": {\"A\": {\"Type\": \"AWS::SNS::Topic\"}}}\n",
		.description = "a+b=c",
		.tags = tags,
	};
	struct strbuf b = STRBUF_INIT;
	cfn_create_change_set_body(&in, &b);
	CHECK_STR(b.buf,
		  "Action=CreateChangeSet&Version=2010-05-15&StackName=Prod-Data"
		  "&ChangeSetName=solemate-1&ChangeSetType=UPDATE"
		  "&TemplateBody=%7B%22Resources%22%3A%20%7B%22A%22%3A%20%7B%22Type%22%3A%20%22AWS"
		  "%3A%3ASNS%3A%3ATopic%22%7D%7D%7D%0A"
		  "&Description=a%2Bb%3Dc"
		  "&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM"
		  "&Capabilities.member.3=CAPABILITY_AUTO_EXPAND"
		  "&Tags.member.1.Key=Environment&Tags.member.1.Value=prod"
		  "&Tags.member.2.Key=Project&Tags.member.2.Value=sole%20mate%26co");
	strbuf_release(&b);

	in.template_body = NULL;
	in.template_url = "https://s3.eu-west-1.amazonaws.com/bucket/t/a b.json";
	in.tags = NULL;
	in.description = NULL;
	cfn_create_change_set_body(&in, &b);
	CHECK_CONTAINS(
		b.buf,
		"&TemplateURL=https%3A%2F%2Fs3.eu-west-1.amazonaws.com%2Fbucket%2Ft%2Fa%20b.json");
	CHECK(strstr(b.buf, "TemplateBody") == NULL);
	CHECK(strstr(b.buf, "Tags.") == NULL);
	CHECK(strstr(b.buf, "Description") == NULL);
	CHECK(strstr(b.buf, "Parameters.") == NULL);
	strbuf_release(&b);

	/* cross-region values reach the template as parameters, sorted */
	json_t *params =
		json_pack("{s:s, s:s}", "Zeta", "z/1", "Alpha", "arn:aws:kms:us-west-2:1:key/k");
	in.parameters = params;
	cfn_create_change_set_body(&in, &b);
	CHECK_CONTAINS(
		b.buf,
		"&Parameters.member.1.ParameterKey=Alpha"
		"&Parameters.member.1.ParameterValue=arn%3Aaws%3Akms%3Aus-west-2%3A1%3Akey%2Fk"
		"&Parameters.member.2.ParameterKey=Zeta"
		"&Parameters.member.2.ParameterValue=z%2F1");
	strbuf_release(&b);
	json_decref(params);
	json_decref(tags);
}

TEST(change_set_pages_in_deploy_plan_shape)
{
	size_t len;
	char *xml = load("describe-change-set-1.xml", &len);
	struct cfn_change_set cs = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	char *next = NULL;
	CHECK(cfn_parse_change_set_page(xml, len, &cs, &next, &dl) == 0);
	CHECK_STR(next, "page-2 token/with+odd=chars");
	CHECK_STR(cs.status, "CREATE_COMPLETE");
	CHECK_STR(cs.execution_status, "AVAILABLE");
	CHECK(cs.status_reason == NULL);
	free(xml);
	free(next);
	xml = load("describe-change-set-2.xml", &len);
	CHECK(cfn_parse_change_set_page(xml, len, &cs, &next, &dl) == 0);
	CHECK(next == NULL);
	free(xml);
	CHECK(json_array_size(cs.changes) == 4);
	json_t *want = json_loads(
		"[{\"action\": \"Modify\", \"logicalId\": \"Database\", \"physicalId\": "
		"\"prod-data-database-1xyz\", \"type\": \"AWS::RDS::DBInstance\", \"replacement\": "
		"\"True\", \"scope\": [\"Properties\"], \"details\": [{\"attribute\": "
		"\"Properties\", "
		"\"name\": \"DBInstanceIdentifier\", \"requiresRecreation\": \"Always\", "
		"\"changeSource\": \"DirectModification\"}, {\"attribute\": \"Properties\", "
		"\"name\": \"MasterUserPassword\", \"requiresRecreation\": \"Never\", "
		"\"changeSource\": \"ResourceReference\"}]},"
		" {\"action\": \"Add\", \"logicalId\": \"AlarmTopic\", \"physicalId\": null, "
		"\"type\": \"AWS::SNS::Topic\", \"replacement\": null, \"scope\": [], \"details\": "
		"[]},"
		" {\"action\": \"Remove\", \"logicalId\": \"OldBucket\", \"physicalId\": "
		"\"prod-data-oldbucket-abc\", \"type\": \"AWS::S3::Bucket\", \"replacement\": "
		"null, "
		"\"scope\": [], \"details\": []},"
		" {\"action\": \"Modify\", \"logicalId\": \"AppSg\", \"physicalId\": "
		"\"sg-0123456789abcdef0\", \"type\": \"AWS::EC2::SecurityGroup\", \"replacement\": "
		"\"Conditional\", \"scope\": [\"Properties\", \"Tags\"], \"details\": "
		"[{\"attribute\": "
		"\"Properties\", \"name\": \"SecurityGroupIngress\", \"requiresRecreation\": "
		"\"Conditionally\", \"changeSource\": \"DirectModification\"}, {\"attribute\": "
		"\"Tags\", \"name\": null, \"requiresRecreation\": \"Never\", \"changeSource\": "
		"\"DirectModification\"}]}]",
		0, NULL);
	CHECK(want != NULL);
	CHECK(json_equal(want, cs.changes));
	if (!json_equal(want, cs.changes)) {
		char *got = json_dumps(cs.changes, JSON_INDENT(1));
		printf("#   got %s\n", got);
		free(got);
	}
	json_decref(want);
	cfn_change_set_release(&cs);
	CHECK(dl.nr == 0);
	diag_list_release(&dl);
}

TEST(failed_change_set_has_reason_and_no_changes)
{
	size_t len;
	char *xml = load("describe-change-set-failed.xml", &len);
	struct cfn_change_set cs = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	char *next = NULL;
	CHECK(cfn_parse_change_set_page(xml, len, &cs, &next, &dl) == 0);
	CHECK_STR(cs.status, "FAILED");
	CHECK_STR(cs.execution_status, "UNAVAILABLE");
	CHECK_CONTAINS(cs.status_reason, "didn't contain changes");
	CHECK(json_is_array(cs.changes) && json_array_size(cs.changes) == 0);
	CHECK(next == NULL);
	cfn_change_set_release(&cs);
	free(xml);
	diag_list_release(&dl);
}

TEST(stack_events_in_stack_events_shape_and_stop_at)
{
	size_t len;
	char *xml = load("describe-stack-events-1.xml", &len);
	json_t *ev = json_array();
	struct diag_list dl = DIAG_LIST_INIT;
	char *next = NULL;
	bool stopped = true;
	CHECK(cfn_parse_stack_events_page(xml, len, NULL, ev, &stopped, &next, &dl) == 0);
	CHECK(!stopped);
	CHECK_STR(next, "events-page-2");
	CHECK(json_array_size(ev) == 2);
	json_t *e = json_array_get(ev, 0);
	CHECK_STR(sget(e, "eventId"), "Database-UPDATE_FAILED-2026-12-03T14:05:10.000Z");
	CHECK_STR(sget(e, "timestamp"), "2026-12-03T14:05:10.000Z");
	CHECK_STR(sget(e, "logicalId"), "Database");
	CHECK_STR(sget(e, "physicalId"), "prod-data-database-1xyz");
	CHECK_STR(sget(e, "type"), "AWS::RDS::DBInstance");
	CHECK_STR(sget(e, "status"), "UPDATE_FAILED");
	CHECK_STR(sget(e, "reason"), "Resource handler returned message: \"Cannot upgrade "
				     "postgres from 16.4 to 15.7\" & more <here>");
	e = json_array_get(ev, 1);
	CHECK(json_is_null(json_object_get(e, "reason")));
	CHECK(json_is_null(json_object_get(e, "physicalId"))); /* empty element */
	free(next);
	json_decref(ev);

	/* stop before the event seen by the previous poll */
	ev = json_array();
	CHECK(cfn_parse_stack_events_page(xml, len, "3e4f5a60-b1c2-11ef-8d9e-EXAMPLE3", ev,
					  &stopped, &next, &dl) == 0);
	CHECK(stopped);
	CHECK(json_array_size(ev) == 1);
	free(next);
	json_decref(ev);
	free(xml);

	xml = load("describe-stack-events-2.xml", &len);
	ev = json_array();
	CHECK(cfn_parse_stack_events_page(xml, len, "no-such-event", ev, &stopped, &next, &dl) ==
	      0);
	CHECK(!stopped && next == NULL && json_array_size(ev) == 2);
	CHECK_STR(sget(json_array_get(ev, 1), "status"), "CREATE_COMPLETE");
	json_decref(ev);
	free(xml);
	CHECK(dl.nr == 0);
	diag_list_release(&dl);
}

TEST(describe_stacks_outputs_and_protection)
{
	size_t len;
	char *xml = load("describe-stacks.xml", &len);
	struct cfn_stack s;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(cfn_parse_describe_stacks(xml, len, &s, &dl) == 1);
	CHECK_STR(s.name, "Prod-Data");
	CHECK_CONTAINS(s.id, ":stack/Prod-Data/");
	CHECK_STR(s.status, "UPDATE_ROLLBACK_COMPLETE");
	CHECK_CONTAINS(s.status_reason, "[Database]");
	CHECK(s.termination_protection);
	CHECK(json_object_size(s.outputs) == 2);
	CHECK_STR(sget(s.outputs, "AssetsBucketName"), "prod-data-assets-9q8w7e");
	CHECK_STR(sget(s.outputs, "DatabaseEndpoint"),
		  "prod-data-database-1xyz.abcdefgh.eu-west-1.rds.amazonaws.com");
	/* whose stack it is (issue 19): the stack's own Description and tags */
	CHECK_STR(s.description, "solemate: data stack");
	CHECK(json_object_size(s.tags) == 1);
	CHECK_STR(sget(s.tags, "Environment"), "production");
	cfn_stack_release(&s);
	free(xml);

	const char *empty = "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/"
			    "doc/2010-05-15/\"><DescribeStacksResult><Stacks/>"
			    "</DescribeStacksResult></DescribeStacksResponse>";
	CHECK(cfn_parse_describe_stacks(empty, strlen(empty), &s, &dl) == 0);
	CHECK(s.name == NULL && s.outputs == NULL);
	CHECK(dl.nr == 0);
	diag_list_release(&dl);
}

TEST(resources_template_and_change_set_id)
{
	size_t len;
	char *xml = load("list-stack-resources.xml", &len);
	json_t *res = json_array();
	struct diag_list dl = DIAG_LIST_INIT;
	char *next = NULL;
	CHECK(cfn_parse_stack_resources_page(xml, len, res, &next, &dl) == 0);
	CHECK_STR(next, "resources-page-2");
	CHECK(json_array_size(res) == 2);
	json_t *want = json_loads(
		"[{\"logicalId\": \"AssetsBucket\", \"physicalId\": \"prod-data-assets-9q8w7e\", "
		"\"type\": \"AWS::S3::Bucket\", \"status\": \"CREATE_COMPLETE\"}, {\"logicalId\": "
		"\"Database\", \"physicalId\": \"prod-data-database-1xyz\", \"type\": "
		"\"AWS::RDS::DBInstance\", \"status\": \"UPDATE_FAILED\"}]",
		0, NULL);
	CHECK(json_equal(want, res));
	json_decref(want);
	json_decref(res);
	free(next);
	free(xml);

	char *body = NULL;
	xml = load("get-template.xml", &len);
	CHECK(cfn_parse_get_template(xml, len, &body, &dl) == 0);
	CHECK_STR(body, "{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{\"Topic\":{"
			"\"Type\":\"AWS::SNS::Topic\",\"Properties\":{\"DisplayName\":\"a <b> & "
			"c\"}}}}");
	free(body);
	free(xml);

	char *id = NULL;
	xml = load("create-change-set.xml", &len);
	CHECK(cfn_parse_create_change_set(xml, len, &id, &dl) == 0);
	CHECK_STR(id, "arn:aws:cloudformation:eu-west-1:123456789012:changeSet/solemate-20261203/"
		      "1a2b3c4d-5678-90ab-cdef-EXAMPLE11111");
	free(id);
	free(xml);
	CHECK(dl.nr == 0);
	diag_list_release(&dl);
}

TEST(unexpected_documents_are_errors_not_crashes)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_stack s;
	const char *junk[] = {"", "<", "not xml at all", "<html><body>502</body></html>",
			      "<GetTemplateResponse><GetTemplateResult/></GetTemplateResponse>"};
	for (size_t i = 0; i < 4; i++)
		CHECK(cfn_parse_describe_stacks(junk[i], strlen(junk[i]), &s, &dl) == -1);
	CHECK(dl.nr == 4);
	CHECK_CONTAINS(dl.items[0].message, "CloudFormation DescribeStacks: unexpected answer");
	CHECK_CONTAINS(dl.items[3].message, "not a DescribeStacksResponse");
	char *body = NULL;
	CHECK(cfn_parse_get_template(junk[4], strlen(junk[4]), &body, &dl) == -1);
	CHECK(body == NULL);
	CHECK_CONTAINS(dl.items[4].message, "no TemplateBody");
	diag_list_release(&dl);

	size_t len;
	char *xml = load("describe-stacks.xml", &len);
	json_t *ev = json_array();
	bool stopped;
	char *next = NULL;
	CHECK(cfn_parse_stack_events_page(xml, len, NULL, ev, &stopped, &next, &dl) == -1);
	CHECK(json_array_size(ev) == 0);
	json_decref(ev);
	free(xml);
	diag_list_release(&dl);
}

TEST(error_documents_give_code_message_and_request_id)
{
	struct {
		const char *file, *code, *message, *request_id;
	} cases[] = {
		{"error-validation.xml", "ValidationError",
		 "Stack with id Prod-Missing does not exist", "e8ede9f1-3a41-11e5-94eb-example"},
		{"error-throttling.xml", "Throttling", "Rate exceeded",
		 "f9fefa02-3a41-11e5-94eb-example"},
		{"error-s3-signature.xml", "SignatureDoesNotMatch",
		 "The request signature we calculated does not match the signature you provided. "
		 "Check your key and signing method.",
		 "4442587FB7D0A2F9"},
		{"error-json.json", "ThrottlingException", "Rate exceeded for this account", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct aws_response r;
		aws_response_init(&r);
		size_t len;
		char *text = load(cases[i].file, &len);
		strbuf_add(&r.body, text, len);
		free(text);
		aws_response_parse_error(&r);
		CHECK_STR(r.error_code, cases[i].code);
		CHECK_STR(r.error_message, cases[i].message);
		if (cases[i].request_id)
			CHECK_STR(r.request_id, cases[i].request_id);
		else
			CHECK(r.request_id == NULL);
		aws_response_release(&r);
	}
	struct aws_response r;
	aws_response_init(&r);
	strbuf_addstr(&r.body, "<html>Bad Gateway</html>");
	aws_response_parse_error(&r);
	CHECK(r.error_code == NULL && r.error_message == NULL);
	aws_response_release(&r);
}

TEST(retry_classification_and_backoff_bounds)
{
	CHECK(aws_status_retryable(429, NULL));
	CHECK(aws_status_retryable(500, NULL));
	CHECK(aws_status_retryable(503, "SlowDown"));
	CHECK(aws_status_retryable(400, "Throttling"));
	CHECK(aws_status_retryable(400, "ThrottlingException"));
	CHECK(aws_status_retryable(400, "RequestLimitExceeded"));
	CHECK(aws_status_retryable(400, "TooManyRequestsException"));
	CHECK(!aws_status_retryable(400, "ValidationError"));
	CHECK(!aws_status_retryable(403, "SignatureDoesNotMatch"));
	CHECK(!aws_status_retryable(404, NULL));
	CHECK(!aws_status_retryable(200, NULL));
	bool nonzero = false;
	for (int i = 0; i < 200; i++) {
		unsigned d = aws_retry_delay_ms(200, 2);
		CHECK(d <= 800);
		nonzero |= d > 0;
		CHECK(aws_retry_delay_ms(200, 40) <= 20000);
		CHECK(aws_retry_delay_ms(0, 3) == 0);
	}
	CHECK(nonzero); /* jitter, not a constant 0 */
}

TEST(endpoints)
{
	struct aws_creds cr = {.region = "eu-west-1"};
	struct aws_client c;
	struct aws_endpoint ep;
	aws_client_init(&c, &cr, NULL);
	aws_endpoint_get(&c, "cloudformation", &ep);
	CHECK_STR(ep.base, "https://cloudformation.eu-west-1.amazonaws.com");
	CHECK_STR(ep.host, "cloudformation.eu-west-1.amazonaws.com");
	aws_endpoint_release(&ep);
	aws_endpoint_get(&c, "s3", &ep);
	CHECK_STR(ep.base, "https://s3.eu-west-1.amazonaws.com");
	aws_endpoint_release(&ep);
	char *url = s3_object_url(&c, "bootstrap-bkt", "templates/a b+c.json");
	CHECK_STR(url, "https://s3.eu-west-1.amazonaws.com/bootstrap-bkt/templates/a%20b%2Bc.json");
	free(url);

	aws_client_init(&c, &cr, "http://127.0.0.1:5000/");
	aws_endpoint_get(&c, "s3", &ep);
	CHECK_STR(ep.base, "http://127.0.0.1:5000");
	CHECK_STR(ep.host, "127.0.0.1:5000");
	CHECK_STR(ep.path_prefix, "");
	aws_endpoint_release(&ep);
	url = s3_object_url(&c, "bootstrap-bkt", "templates/a b+c.json");
	CHECK_STR(url, "http://127.0.0.1:5000/bootstrap-bkt/templates/a%20b%2Bc.json");
	free(url);

	aws_client_init(&c, &cr, "HTTPS://proxy.example:443/aws/");
	aws_endpoint_get(&c, "cloudformation", &ep);
	CHECK_STR(ep.base, "https://proxy.example:443/aws");
	CHECK_STR(ep.host, "proxy.example"); /* the default port is not in Host */
	CHECK_STR(ep.path_prefix, "/aws");
	aws_endpoint_release(&ep);

	struct aws_creds cn = {.region = "cn-north-1"};
	aws_client_init(&c, &cn, NULL);
	aws_endpoint_get(&c, "cloudformation", &ep);
	CHECK_STR(ep.host, "cloudformation.cn-north-1.amazonaws.com.cn");
	aws_endpoint_release(&ep);
}

int main(void)
{
	RUN(create_change_set_body_encodes_and_lists_capabilities_and_tags);
	RUN(change_set_pages_in_deploy_plan_shape);
	RUN(failed_change_set_has_reason_and_no_changes);
	RUN(stack_events_in_stack_events_shape_and_stop_at);
	RUN(describe_stacks_outputs_and_protection);
	RUN(resources_template_and_change_set_id);
	RUN(unexpected_documents_are_errors_not_crashes);
	RUN(error_documents_give_code_message_and_request_id);
	RUN(retry_classification_and_backoff_bounds);
	RUN(endpoints);
	return test_done();
}
