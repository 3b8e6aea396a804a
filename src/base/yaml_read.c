/* YAML loading (libyaml) with CloudFormation's short-form tags. */
#include "base/json_io.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/common.h"
#include "base/json_io_int.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

struct yframe {
	json_t *container;
	char *pending_key;     /* mapping: key read, value not yet */
	int key_line, key_col; /* where pending_key is (a duplicate is named there) */
	char *tag;	       /* CloudFormation short-form tag of this collection */
};

static const char *cfn_tag_function(const char *tag)
{
	static const char *const map[][2] = {
		{"!Ref", "Ref"},
		{"!GetAtt", "Fn::GetAtt"},
		{"!Sub", "Fn::Sub"},
		{"!Join", "Fn::Join"},
		{"!Select", "Fn::Select"},
		{"!Split", "Fn::Split"},
		{"!GetAZs", "Fn::GetAZs"},
		{"!Cidr", "Fn::Cidr"},
		{"!ImportValue", "Fn::ImportValue"},
		{"!GetStackOutput", "Fn::GetStackOutput"},
		{"!If", "Fn::If"},
		{"!Equals", "Fn::Equals"},
		{"!And", "Fn::And"},
		{"!Or", "Fn::Or"},
		{"!Not", "Fn::Not"},
		{"!Base64", "Fn::Base64"},
		{"!FindInMap", "Fn::FindInMap"},
		{"!Transform", "Fn::Transform"},
		{"!Condition", "Condition"},
		{"!Length", "Fn::Length"},
		{"!ToJsonString", "Fn::ToJsonString"},
		/* the functions of the Rules section */
		{"!Contains", "Fn::Contains"},
		{"!EachMemberEquals", "Fn::EachMemberEquals"},
		{"!EachMemberIn", "Fn::EachMemberIn"},
		{"!RefAll", "Fn::RefAll"},
		{"!ValueOf", "Fn::ValueOf"},
		{"!ValueOfAll", "Fn::ValueOfAll"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(tag, map[i][0]))
			return map[i][1];
	return NULL;
}

static bool is_int_literal(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	if (!*p)
		return false;
	/* Leading zeros would lose information ("007"): keep them as strings. */
	if (p[0] == '0' && p[1])
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static bool is_float_literal(const char *s)
{
	char *end;
	if (!*s || strchr(s, 'x') || strchr(s, 'X') || strstr(s, "inf") || strstr(s, "nan") ||
	    strstr(s, "Inf") || strstr(s, "NaN"))
		return false;
	if (!strchr(s, '.') && !strchr(s, 'e') && !strchr(s, 'E'))
		return false;
	errno = 0;
	double d = strtod(s, &end);
	(void)d;
	return *end == '\0' && errno == 0 && (s[0] != '.' || s[1] != '\0');
}

/* YAML 1.1 core resolution of a plain scalar, as CloudFormation reads it. */
json_t *jio_yaml_resolve_plain(const char *s)
{
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	if (is_int_literal(s)) {
		errno = 0;
		long long n = strtoll(s, NULL, 10);
		if (errno == 0)
			return json_integer(n);
		return json_string(s);
	}
	if (is_float_literal(s)) {
		double d = strtod(s, NULL);
		if (isfinite(d))
			return json_real(d);
	}
	return json_string(s);
}

static json_t *wrap_tag(const char *tag, json_t *v, const char *file, int line, int col,
			struct diag_list *dl)
{
	const char *fn;
	if (!tag || !strcmp(tag, "!") || !strncmp(tag, "tag:yaml.org,2002:", 18))
		return v;
	fn = cfn_tag_function(tag);
	if (!fn) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					  "unknown YAML tag '%s'", tag);
		diag_set_hint(d, "CloudFormation knows !Ref, !GetAtt, !Sub, !Join, !If, ...");
		json_decref(v);
		return NULL;
	}
	/* !GetAtt Res.Attr is short for ["Res", "Attr"]. */
	if (!strcmp(fn, "Fn::GetAtt") && json_is_string(v)) {
		const char *s = json_string_value(v);
		const char *dot = strchr(s, '.');
		if (dot) {
			json_t *arr = json_pack("[s#s]", s, (int)(dot - s), dot + 1);
			json_decref(v);
			v = arr;
		}
	}
	return json_pack("{so}", fn, v);
}

static int attach(struct yframe *top, json_t *v, const char *file, int line, int col,
		  struct diag_list *dl)
{
	if (json_is_array(top->container)) {
		json_array_append_new(top->container, v);
		return 0;
	}
	if (!top->pending_key) {
		if (!json_is_string(v)) {
			diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				 "mapping keys must be strings");
			json_decref(v);
			return -1;
		}
		top->pending_key = xstrdup(json_string_value(v));
		top->key_line = line;
		top->key_col = col;
		json_decref(v);
		return 0;
	}
	if (json_object_get(top->container, top->pending_key)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, file, top->key_line, top->key_col, NULL,
					  "duplicate key '%s'", top->pending_key);
		diag_set_hint(d, "remove one of the two keys");
		json_decref(v);
		return -1;
	}
	json_object_set_new(top->container, top->pending_key, v);
	free(top->pending_key);
	top->pending_key = NULL;
	return 0;
}

json_t *jio_load_yaml(const char *file, const char *text, size_t len, struct diag_list *dl)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct yframe stack[JIO_MAX_DEPTH + 1];
	int sp = 0;
	json_t *root = NULL;
	bool done = false, failed = false;

	memset(stack, 0, sizeof(stack));
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done && !failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			diag_add(dl, DIAG_ERROR, file, (int)parser.problem_mark.line + 1,
				 (int)parser.problem_mark.column + 1, NULL, "invalid YAML: %s%s%s",
				 parser.problem ? parser.problem : "syntax error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
			failed = true;
			break;
		}
		int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
		json_t *v = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			/* CloudFormation takes one document: a second is refused, not dropped */
			if (root) {
				diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					 "a second YAML document: a template is one document");
				failed = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			diag_add(dl, DIAG_ERROR, file, line, col, NULL,
				 "YAML aliases are not supported");
			failed = true;
			break;
		case YAML_SCALAR_EVENT: {
			const char *s = (const char *)ev.data.scalar.value;
			const char *tag = (const char *)ev.data.scalar.tag;
			if (memchr(s, '\0', ev.data.scalar.length)) {
				/* a C string would end there: refuse it rather than truncate */
				struct diag *d = diag_add(dl, DIAG_ERROR, file, line, col, NULL,
							  "a NUL character (\\0) inside a string");
				diag_set_hint(d,
					      "remove it: CloudFormation does not take it either");
				failed = true;
				break;
			}
			if (ev.data.scalar.plain_implicit && !tag)
				v = jio_yaml_resolve_plain(s);
			else
				v = json_stringn(s, ev.data.scalar.length);
			if (!v) {
				diag_add(dl, DIAG_ERROR, file, line, col, NULL,
					 "string is not valid UTF-8");
				failed = true;
				break;
			}
			v = wrap_tag(tag, v, file, line, col, dl);
			if (!v) {
				failed = true;
				break;
			}
			if (sp == 0) {
				root = v;
			} else if (attach(&stack[sp - 1], v, file, line, col, dl) < 0) {
				failed = true;
			}
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (sp >= JIO_MAX_DEPTH) {
				jio_diag_too_deep(dl, file, line, col);
				failed = true;
				break;
			}
			stack[sp].container =
				ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
			stack[sp].pending_key = NULL;
			{
				const char *tag = ev.type == YAML_SEQUENCE_START_EVENT
							  ? (const char *)ev.data.sequence_start.tag
							  : (const char *)ev.data.mapping_start.tag;
				stack[sp].tag = tag ? xstrdup(tag) : NULL;
			}
			sp++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct yframe f = stack[--sp];
			v = wrap_tag(f.tag, f.container, file, line, col, dl);
			free(f.tag);
			free(f.pending_key);
			if (!v) {
				failed = true;
				break;
			}
			if (sp == 0)
				root = v;
			else if (attach(&stack[sp - 1], v, file, line, col, dl) < 0)
				failed = true;
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (sp > 0) {
		sp--;
		json_decref(stack[sp].container);
		free(stack[sp].tag);
		free(stack[sp].pending_key);
	}
	yaml_parser_delete(&parser);
	if (failed) {
		json_decref(root);
		return NULL;
	}
	if (!root) {
		diag_add(dl, DIAG_ERROR, file, 1, 1, NULL, "document is empty");
		return NULL;
	}
	return root;
}
