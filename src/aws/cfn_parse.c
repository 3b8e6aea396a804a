/*
 * CloudFormation Query API bodies and answers (cfn_parse.h). The answers'
 * shapes are the API reference's: <ActionResponse><ActionResult>...,
 * lists as <member> elements, optional fields simply absent.
 */
#include "aws/dynlib.h" /* first: libxml2 through the pointers loaded on first use */

#include "aws/cfn_parse.h"

#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/common.h"
#include "base/xalloc.h"

void cfn_body_start(struct strbuf *sb, const char *action)
{
	strbuf_addf(sb, "Action=%s&Version=%s", action, CFN_API_VERSION);
}

void cfn_body_add(struct strbuf *sb, const char *key, const char *value)
{
	if (!value)
		return;
	strbuf_addf(sb, "&%s=", key);
	sigv4_uri_encode(sb, value, strlen(value), 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* PREFIX.member.N.KEYNAME=k&PREFIX.member.N.VALUENAME=v for the string members of obj, sorted. */
static void add_members(struct strbuf *out, const char *prefix, const char *key_name,
			const char *value_name, const json_t *obj)
{
	size_t n = json_object_size(obj), k = 0;
	if (!n)
		return;
	const char **keys = xmalloc(n * sizeof(*keys));
	const char *key;
	json_t *v;
	json_object_foreach ((json_t *)obj, key, v)
		if (json_is_string(v))
			keys[k++] = key;
	qsort(keys, k, sizeof(*keys), cmp_str); /* the same body for the same members */
	struct strbuf name = STRBUF_INIT;
	for (size_t i = 0; i < k; i++) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s.member.%zu.%s", prefix, i + 1, key_name);
		cfn_body_add(out, name.buf, keys[i]);
		strbuf_reset(&name);
		strbuf_addf(&name, "%s.member.%zu.%s", prefix, i + 1, value_name);
		cfn_body_add(out, name.buf, json_string_value(json_object_get(obj, keys[i])));
	}
	strbuf_release(&name);
	free(keys);
}

void cfn_create_change_set_body(const struct cfn_change_set_input *in, struct strbuf *out)
{
	/* What the CDK's templates need: IAM resources, named roles, macros (SAM). */
	static const char *const capabilities[] = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM",
						   "CAPABILITY_AUTO_EXPAND"};
	cfn_body_start(out, "CreateChangeSet");
	cfn_body_add(out, "StackName", in->stack);
	cfn_body_add(out, "ChangeSetName", in->name);
	cfn_body_add(out, "ChangeSetType", in->type);
	if (in->template_body)
		cfn_body_add(out, "TemplateBody", in->template_body);
	else
		cfn_body_add(out, "TemplateURL", in->template_url);
	cfn_body_add(out, "Description", in->description);
	cfn_body_add(out, "RoleARN", in->role_arn);
	for (size_t i = 0; i < sizeof(capabilities) / sizeof(capabilities[0]); i++)
		strbuf_addf(out, "&Capabilities.member.%zu=%s", i + 1, capabilities[i]);
	add_members(out, "Parameters", "ParameterKey", "ParameterValue", in->parameters);
	add_members(out, "Tags", "Key", "Value", in->tags);
}

/*
 * The <ACTIONResult> element of an answer, or NULL with a diagnostic. The
 * document is returned in *doc for the caller to free.
 */
static xmlNodePtr result_of(const char *xml, size_t len, const char *action, xmlDocPtr *doc,
			    struct diag_list *dl)
{
	return aws_xml_result(xml, len, "CloudFormation", action, doc, dl);
}

/* A JSON string of the text at `path` under `n`, or null when absent. */
static json_t *text_json(xmlNodePtr n, const char *path)
{
	char *s = aws_xml_path_text(n, path);
	json_t *v = s ? json_string(s) : NULL;
	free(s);
	return v ? v : json_null();
}

static void take_next_token(xmlNodePtr result, char **next_token)
{
	if (next_token)
		*next_token = aws_xml_path_text(result, "NextToken");
}

/* The first <member> of the list element at `path`, or NULL. */
static xmlNodePtr first_member(xmlNodePtr n, const char *path)
{
	return aws_xml_child(aws_xml_path(n, path), "member");
}

/* {key: value} of the <member>s of the list at `path` (Outputs, Tags). */
static json_t *member_pairs(xmlNodePtr n, const char *path, const char *key_name,
			    const char *value_name)
{
	json_t *o = json_object();
	for (xmlNodePtr m = first_member(n, path); m; m = aws_xml_next_same(m)) {
		char *k = aws_xml_path_text(m, key_name);
		if (k)
			json_object_set_new(o, k, text_json(m, value_name));
		free(k);
	}
	return o;
}

int cfn_parse_describe_stacks(const char *xml, size_t len, struct cfn_stack *out,
			      struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = result_of(xml, len, "DescribeStacks", &doc, dl);
	if (!r)
		return -1;
	memset(out, 0, sizeof(*out));
	xmlNodePtr m = first_member(r, "Stacks");
	if (!m) {
		xmlFreeDoc(doc);
		return 0;
	}
	out->name = aws_xml_path_text(m, "StackName");
	out->id = aws_xml_path_text(m, "StackId");
	out->status = aws_xml_path_text(m, "StackStatus");
	out->status_reason = aws_xml_path_text(m, "StackStatusReason");
	out->description = aws_xml_path_text(m, "Description");
	char *tp = aws_xml_path_text(m, "EnableTerminationProtection");
	out->termination_protection = tp && !strcmp(tp, "true");
	free(tp);
	out->outputs = member_pairs(m, "Outputs", "OutputKey", "OutputValue");
	out->tags = member_pairs(m, "Tags", "Key", "Value");
	xmlFreeDoc(doc);
	return 1;
}

/* The text of one element of ACTIONResult, which must be there. */
static int result_text(const char *xml, size_t len, const char *action, const char *field,
		       char **out, struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = result_of(xml, len, action, &doc, dl);
	*out = NULL;
	if (!r)
		return -1;
	*out = aws_xml_text(aws_xml_child(r, field));
	xmlFreeDoc(doc);
	if (!*out) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "CloudFormation %s: the answer has no %s", action, field);
		return -1;
	}
	return 0;
}

int cfn_parse_get_template(const char *xml, size_t len, char **body_out, struct diag_list *dl)
{
	return result_text(xml, len, "GetTemplate", "TemplateBody", body_out, dl);
}

int cfn_parse_create_change_set(const char *xml, size_t len, char **id_out, struct diag_list *dl)
{
	return result_text(xml, len, "CreateChangeSet", "Id", id_out, dl);
}

static json_t *change_detail(xmlNodePtr d)
{
	json_t *o = json_object();
	json_object_set_new(o, "attribute", text_json(d, "Target/Attribute"));
	json_object_set_new(o, "name", text_json(d, "Target/Name"));
	json_object_set_new(o, "requiresRecreation", text_json(d, "Target/RequiresRecreation"));
	json_object_set_new(o, "changeSource", text_json(d, "ChangeSource"));
	return o;
}

static json_t *resource_change(xmlNodePtr rc)
{
	json_t *o = json_object();
	json_object_set_new(o, "action", text_json(rc, "Action"));
	json_object_set_new(o, "logicalId", text_json(rc, "LogicalResourceId"));
	json_object_set_new(o, "physicalId", text_json(rc, "PhysicalResourceId"));
	json_object_set_new(o, "type", text_json(rc, "ResourceType"));
	json_object_set_new(o, "replacement", text_json(rc, "Replacement"));
	json_t *scope = json_array(), *details = json_array();
	for (xmlNodePtr s = first_member(rc, "Scope"); s; s = aws_xml_next_same(s))
		json_array_append_new(scope, text_json(s, ""));
	for (xmlNodePtr d = first_member(rc, "Details"); d; d = aws_xml_next_same(d))
		json_array_append_new(details, change_detail(d));
	json_object_set_new(o, "scope", scope);
	json_object_set_new(o, "details", details);
	return o;
}

static void take_if_unset(char **field, xmlNodePtr r, const char *path)
{
	if (!*field)
		*field = aws_xml_path_text(r, path);
}

int cfn_parse_change_set_page(const char *xml, size_t len, struct cfn_change_set *out,
			      char **next_token, struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = result_of(xml, len, "DescribeChangeSet", &doc, dl);
	if (!r)
		return -1;
	take_if_unset(&out->status, r, "Status");
	take_if_unset(&out->execution_status, r, "ExecutionStatus");
	take_if_unset(&out->status_reason, r, "StatusReason");
	if (!out->changes)
		out->changes = json_array();
	for (xmlNodePtr m = first_member(r, "Changes"); m; m = aws_xml_next_same(m)) {
		xmlNodePtr rc = aws_xml_child(m, "ResourceChange");
		if (rc) /* other Types (hook invocation counts) carry no resource */
			json_array_append_new(out->changes, resource_change(rc));
	}
	take_next_token(r, next_token);
	xmlFreeDoc(doc);
	return 0;
}

int cfn_parse_stack_events_page(const char *xml, size_t len, const char *stop_at, json_t *events,
				bool *stopped, char **next_token, struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = result_of(xml, len, "DescribeStackEvents", &doc, dl);
	if (!r)
		return -1;
	*stopped = false;
	for (xmlNodePtr m = first_member(r, "StackEvents"); m; m = aws_xml_next_same(m)) {
		json_t *id = text_json(m, "EventId");
		if (stop_at && json_is_string(id) && !strcmp(json_string_value(id), stop_at)) {
			json_decref(id);
			*stopped = true;
			break;
		}
		json_t *e = json_object();
		json_object_set_new(e, "eventId", id);
		json_object_set_new(e, "timestamp", text_json(m, "Timestamp"));
		json_object_set_new(e, "logicalId", text_json(m, "LogicalResourceId"));
		json_object_set_new(e, "physicalId", text_json(m, "PhysicalResourceId"));
		json_object_set_new(e, "type", text_json(m, "ResourceType"));
		json_object_set_new(e, "status", text_json(m, "ResourceStatus"));
		json_object_set_new(e, "reason", text_json(m, "ResourceStatusReason"));
		json_array_append_new(events, e);
	}
	take_next_token(r, next_token);
	xmlFreeDoc(doc);
	return 0;
}

/* Each <member> of the list at `list` as an object of `fields` ({json key, element}). */
struct member_field {
	const char *key, *element;
};

static int parse_list_page(const char *xml, size_t len, const char *action, const char *list,
			   const struct member_field *fields, size_t nfields, json_t *out,
			   char **next_token, struct diag_list *dl)
{
	xmlDocPtr doc;
	xmlNodePtr r = result_of(xml, len, action, &doc, dl);
	if (!r)
		return -1;
	for (xmlNodePtr m = first_member(r, list); m; m = aws_xml_next_same(m)) {
		json_t *o = json_object();
		for (size_t i = 0; i < nfields; i++)
			json_object_set_new(o, fields[i].key, text_json(m, fields[i].element));
		json_array_append_new(out, o);
	}
	take_next_token(r, next_token);
	xmlFreeDoc(doc);
	return 0;
}

int cfn_parse_change_sets_page(const char *xml, size_t len, json_t *out, char **next_token,
			       struct diag_list *dl)
{
	static const struct member_field f[] = {
		{"name", "ChangeSetName"},	{"id", "ChangeSetId"},
		{"status", "Status"},		{"executionStatus", "ExecutionStatus"},
		{"description", "Description"},
	};
	return parse_list_page(xml, len, "ListChangeSets", "Summaries", f, sizeof(f) / sizeof(f[0]),
			       out, next_token, dl);
}

int cfn_parse_stack_resources_page(const char *xml, size_t len, json_t *out, char **next_token,
				   struct diag_list *dl)
{
	static const struct member_field f[] = {
		{"logicalId", "LogicalResourceId"},
		{"physicalId", "PhysicalResourceId"},
		{"type", "ResourceType"},
		{"status", "ResourceStatus"},
	};
	return parse_list_page(xml, len, "ListStackResources", "StackResourceSummaries", f,
			       sizeof(f) / sizeof(f[0]), out, next_token, dl);
}
