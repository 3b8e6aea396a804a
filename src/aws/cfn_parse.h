/*
 * The parts of cfn.c that need no network, exposed for tests: the
 * form-encoded request bodies and the parsers of the XML answers. The
 * parsers match local names only (AWS's answers carry the namespace
 * http://cloudformation.amazonaws.com/doc/2010-05-15/), append a
 * "CloudFormation ACTION: ..." diagnostic and return -1 when the document
 * is not the expected answer.
 */
#ifndef SM_AWS_CFN_PARSE_H
#define SM_AWS_CFN_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/cfn.h"
#include "base/diag.h"
#include "base/strbuf.h"

#define CFN_API_VERSION "2010-05-15"

/* "Action=ACTION&Version=2010-05-15" into an empty `sb`. */
void cfn_body_start(struct strbuf *sb, const char *action);
/* "&key=value", the value percent-encoded (RFC 3986); nothing when value is NULL. */
void cfn_body_add(struct strbuf *sb, const char *key, const char *value);
/* The whole CreateChangeSet body: capabilities always, tags sorted by key. */
void cfn_create_change_set_body(const struct cfn_change_set_input *in, struct strbuf *out);

/* DescribeStacks: 1 and *out filled when a stack is listed, 0 when none is. */
int cfn_parse_describe_stacks(const char *xml, size_t len, struct cfn_stack *out,
			      struct diag_list *dl);
int cfn_parse_get_template(const char *xml, size_t len, char **body_out, struct diag_list *dl);
int cfn_parse_create_change_set(const char *xml, size_t len, char **id_out, struct diag_list *dl);

/*
 * One page of DescribeChangeSet: status fields taken from the first page
 * (those still NULL), changes appended to out->changes (created when NULL),
 * *next_token set to the page's NextToken or NULL (malloc'd).
 */
int cfn_parse_change_set_page(const char *xml, size_t len, struct cfn_change_set *out,
			      char **next_token, struct diag_list *dl);

/*
 * One page of DescribeStackEvents appended to `events` (an array), stopping
 * before the event whose EventId is `stop_at` (*stopped set when it was seen).
 */
int cfn_parse_stack_events_page(const char *xml, size_t len, const char *stop_at, json_t *events,
				bool *stopped, char **next_token, struct diag_list *dl);

/* One page of ListChangeSets appended to `out` (an array), in cfn_list_change_sets' shape. */
int cfn_parse_change_sets_page(const char *xml, size_t len, json_t *out, char **next_token,
			       struct diag_list *dl);
/* One page of ListStackResources appended to `out` (an array). */
int cfn_parse_stack_resources_page(const char *xml, size_t len, json_t *out, char **next_token,
				   struct diag_list *dl);

#endif
