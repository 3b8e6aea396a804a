/*
 * libFuzzer target: the parsers of AWS's answers (CloudFormation Query XML,
 * S3 and JSON errors). They read what a network peer sent: a proxy, an
 * emulator or a hostile endpoint given with --endpoint-url.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "aws/cfn.h"
#include "aws/cfn_parse.h"
#include "aws/client_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *xml = (const char *)data;
	struct diag_list dl = DIAG_LIST_INIT;
	char *next = NULL, *s = NULL;
	bool stopped = false;

	struct cfn_stack st = {0};
	cfn_parse_describe_stacks(xml, size, &st, &dl);
	cfn_stack_release(&st);

	cfn_parse_get_template(xml, size, &s, &dl);
	free(s);
	s = NULL;
	cfn_parse_create_change_set(xml, size, &s, &dl);
	free(s);

	struct cfn_change_set cs = {0};
	cfn_parse_change_set_page(xml, size, &cs, &next, &dl);
	cfn_change_set_release(&cs);
	free(next);
	next = NULL;

	json_t *arr = json_array();
	cfn_parse_stack_events_page(xml, size, "stop-here", arr, &stopped, &next, &dl);
	free(next);
	next = NULL;
	cfn_parse_stack_resources_page(xml, size, arr, &next, &dl);
	free(next);
	json_decref(arr);

	struct aws_response r;
	aws_response_init(&r);
	strbuf_add(&r.body, data, size);
	r.status = 400;
	aws_response_parse_error(&r);
	aws_response_release(&r);
	diag_list_release(&dl);
	return 0;
}
