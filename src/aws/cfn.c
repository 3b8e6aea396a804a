/*
 * The CloudFormation calls (cfn.h): a form body, aws_send, a parser from
 * cfn_parse.c, and NextToken loops where AWS paginates.
 */
#include "aws/cfn.h"

#include <stdlib.h>
#include <string.h>

#include "aws/cfn_parse.h"
#include "base/common.h"
#include "base/xalloc.h"

/* A bound on pages: a server that keeps answering with a token must not loop us forever. */
#define CFN_MAX_PAGES 1000

static int post(struct aws_client *c, const struct strbuf *body, struct aws_response *resp,
		struct diag_list *dl)
{
	struct aws_request req = {
		.service = "cloudformation",
		.method = "POST",
		.path = "/",
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.body = body->buf,
		.body_len = body->len,
	};
	aws_response_init(resp);
	return aws_send(c, &req, resp, dl);
}

/* Calls whose answer carries nothing we need. */
static int call_simple(struct aws_client *c, struct strbuf *body, struct diag_list *dl)
{
	struct aws_response resp;
	int rc = post(c, body, &resp, dl);
	aws_response_release(&resp);
	strbuf_release(body);
	return rc;
}

void cfn_stack_release(struct cfn_stack *s)
{
	free(s->name);
	free(s->id);
	free(s->status);
	free(s->status_reason);
	free(s->description);
	json_decref(s->outputs);
	json_decref(s->tags);
	memset(s, 0, sizeof(*s));
}

void cfn_change_set_release(struct cfn_change_set *cs)
{
	free(cs->status);
	free(cs->execution_status);
	free(cs->status_reason);
	json_decref(cs->changes);
	memset(cs, 0, sizeof(*cs));
}

int cfn_describe_stack(struct aws_client *c, const char *stack, struct cfn_stack *out,
		       struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	struct aws_response resp;
	struct diag_list mine = DIAG_LIST_INIT;
	memset(out, 0, sizeof(*out));
	cfn_body_start(&body, "DescribeStacks");
	cfn_body_add(&body, "StackName", stack);
	int rc = post(c, &body, &resp, &mine);
	if (rc == 0) {
		rc = cfn_parse_describe_stacks(resp.body.buf, resp.body.len, out, &mine);
	} else if (resp.error_code && !strcmp(resp.error_code, "ValidationError") &&
		   resp.error_message && strstr(resp.error_message, "does not exist")) {
		/* "Stack with id X does not exist": an answer, not a failure */
		diag_list_release(&mine);
		rc = 0;
	}
	diag_list_move(dl, &mine);
	aws_response_release(&resp);
	strbuf_release(&body);
	return rc;
}

int cfn_get_template(struct aws_client *c, const char *stack, char **body_out, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	struct aws_response resp;
	*body_out = NULL;
	cfn_body_start(&body, "GetTemplate");
	cfn_body_add(&body, "StackName", stack);
	cfn_body_add(&body, "TemplateStage", "Original");
	int rc = post(c, &body, &resp, dl);
	if (rc == 0)
		rc = cfn_parse_get_template(resp.body.buf, resp.body.len, body_out, dl);
	aws_response_release(&resp);
	strbuf_release(&body);
	return rc;
}

int cfn_create_change_set(struct aws_client *c, const struct cfn_change_set_input *in,
			  char **id_out, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	struct aws_response resp;
	*id_out = NULL;
	struct diag_list mine = DIAG_LIST_INIT;
	cfn_create_change_set_body(in, &body);
	int rc = post(c, &body, &resp, &mine);
	if (rc == 0) {
		rc = cfn_parse_create_change_set(resp.body.buf, resp.body.len, id_out, &mine);
	} else if (resp.error_code && !strcmp(resp.error_code, "ValidationError") &&
		   cfn_no_changes_reason(resp.error_message)) {
		diag_list_release(&mine);
		rc = 1;
	}
	diag_list_move(dl, &mine);
	aws_response_release(&resp);
	strbuf_release(&body);
	return rc;
}

bool cfn_no_changes_reason(const char *reason)
{
	return reason && (strstr(reason, "didn't contain changes") ||
			  strstr(reason, "No updates are to be performed"));
}

/*
 * The NextToken loop: `page` sends one request with the token (NULL first)
 * and parses it; it returns -1 on error, 1 to stop early, 0 to go on.
 */
typedef int (*page_fn)(struct aws_client *c, void *ctx, const char *token, char **next,
		       struct diag_list *dl);

static int paginate(struct aws_client *c, const char *action, page_fn page, void *ctx,
		    struct diag_list *dl)
{
	char *token = NULL;
	for (int n = 0; n < CFN_MAX_PAGES; n++) {
		char *next = NULL;
		int r = page(c, ctx, token, &next, dl);
		bool same = next && token && !strcmp(next, token);
		free(token);
		token = next;
		if (r < 0 || r > 0 || !token || same) {
			free(token);
			return r < 0 ? -1 : 0;
		}
	}
	free(token);
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
		 "CloudFormation %s: more than %d pages, stopped reading", action, CFN_MAX_PAGES);
	return -1;
}

struct page_ctx {
	const char *stack, *name, *stop_at;
	struct cfn_change_set *cs;
	json_t *list;
};

static int page_request(struct aws_client *c, const char *action, const struct page_ctx *p,
			const char *token, struct aws_response *resp, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	cfn_body_start(&body, action);
	cfn_body_add(&body, "StackName", p->stack);
	cfn_body_add(&body, "ChangeSetName", p->name);
	cfn_body_add(&body, "NextToken", token);
	int rc = post(c, &body, resp, dl);
	strbuf_release(&body);
	return rc;
}

static int change_set_page(struct aws_client *c, void *ctx, const char *token, char **next,
			   struct diag_list *dl)
{
	struct page_ctx *p = ctx;
	struct aws_response resp;
	int rc = page_request(c, "DescribeChangeSet", p, token, &resp, dl);
	if (rc == 0)
		rc = cfn_parse_change_set_page(resp.body.buf, resp.body.len, p->cs, next, dl);
	aws_response_release(&resp);
	return rc;
}

int cfn_describe_change_set(struct aws_client *c, const char *stack, const char *name,
			    struct cfn_change_set *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	struct page_ctx p = {.stack = stack, .name = name, .cs = out};
	int rc = paginate(c, "DescribeChangeSet", change_set_page, &p, dl);
	if (rc < 0)
		cfn_change_set_release(out);
	else if (!out->changes)
		out->changes = json_array();
	return rc;
}

int cfn_execute_change_set(struct aws_client *c, const char *stack, const char *name,
			   struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	cfn_body_start(&body, "ExecuteChangeSet");
	cfn_body_add(&body, "StackName", stack);
	cfn_body_add(&body, "ChangeSetName", name);
	return call_simple(c, &body, dl);
}

int cfn_delete_change_set(struct aws_client *c, const char *stack, const char *name,
			  struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	cfn_body_start(&body, "DeleteChangeSet");
	cfn_body_add(&body, "StackName", stack);
	cfn_body_add(&body, "ChangeSetName", name);
	return call_simple(c, &body, dl);
}

static int events_page(struct aws_client *c, void *ctx, const char *token, char **next,
		       struct diag_list *dl)
{
	struct page_ctx *p = ctx;
	struct aws_response resp;
	bool stopped = false;
	int rc = page_request(c, "DescribeStackEvents", p, token, &resp, dl);
	if (rc == 0)
		rc = cfn_parse_stack_events_page(resp.body.buf, resp.body.len, p->stop_at, p->list,
						 &stopped, next, dl);
	aws_response_release(&resp);
	return rc < 0 ? -1 : stopped;
}

int cfn_describe_stack_events(struct aws_client *c, const char *stack, const char *stop_at,
			      json_t **events_out, struct diag_list *dl)
{
	struct page_ctx p = {.stack = stack, .stop_at = stop_at, .list = json_array()};
	int rc = paginate(c, "DescribeStackEvents", events_page, &p, dl);
	if (rc < 0) {
		json_decref(p.list);
		p.list = NULL;
	}
	*events_out = p.list;
	return rc;
}

int cfn_latest_stack_event(struct aws_client *c, const char *stack, char **event_id,
			   struct diag_list *dl)
{
	struct page_ctx p = {.stack = stack, .list = json_array()};
	char *next = NULL;
	*event_id = NULL;
	int rc = events_page(c, &p, NULL, &next, dl);
	free(next);
	const json_t *id = json_object_get(json_array_get(p.list, 0), "eventId");
	if (rc >= 0 && json_is_string(id))
		*event_id = xstrdup(json_string_value(id));
	json_decref(p.list);
	return rc < 0 ? -1 : 0;
}

/* A listing whose every page goes to one array (ListChangeSets, ListStackResources). */
typedef int (*list_parser)(const char *xml, size_t len, json_t *out, char **next_token,
			   struct diag_list *dl);

struct list_ctx {
	struct page_ctx page;
	const char *action;
	list_parser parse;
};

static int list_page(struct aws_client *c, void *ctx, const char *token, char **next,
		     struct diag_list *dl)
{
	struct list_ctx *l = ctx;
	struct aws_response resp;
	int rc = page_request(c, l->action, &l->page, token, &resp, dl);
	if (rc == 0)
		rc = l->parse(resp.body.buf, resp.body.len, l->page.list, next, dl);
	aws_response_release(&resp);
	return rc;
}

static int list_all(struct aws_client *c, const char *action, list_parser parse, const char *stack,
		    json_t **out, struct diag_list *dl)
{
	struct list_ctx l = {
		.page = {.stack = stack, .list = json_array()}, .action = action, .parse = parse};
	int rc = paginate(c, action, list_page, &l, dl);
	if (rc < 0) {
		json_decref(l.page.list);
		l.page.list = NULL;
	}
	*out = l.page.list;
	return rc;
}

int cfn_list_change_sets(struct aws_client *c, const char *stack, json_t **out,
			 struct diag_list *dl)
{
	return list_all(c, "ListChangeSets", cfn_parse_change_sets_page, stack, out, dl);
}

int cfn_list_stack_resources(struct aws_client *c, const char *stack, json_t **out,
			     struct diag_list *dl)
{
	return list_all(c, "ListStackResources", cfn_parse_stack_resources_page, stack, out, dl);
}

int cfn_delete_stack(struct aws_client *c, const char *stack, struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	cfn_body_start(&body, "DeleteStack");
	cfn_body_add(&body, "StackName", stack);
	return call_simple(c, &body, dl);
}

int cfn_update_termination_protection(struct aws_client *c, const char *stack, bool enable,
				      struct diag_list *dl)
{
	struct strbuf body = STRBUF_INIT;
	cfn_body_start(&body, "UpdateTerminationProtection");
	cfn_body_add(&body, "EnableTerminationProtection", enable ? "true" : "false");
	cfn_body_add(&body, "StackName", stack);
	return call_simple(c, &body, dl);
}
