/*
 * validate: what the transforms a template declares change before
 * CloudFormation checks it.
 *
 * AWS::LanguageExtensions: Fn::ForEach loops are expanded exactly as the
 * transform does
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html):
 * ["Identifier", Collection, {OutputKey: OutputValue}] repeats the output for
 * each member of the collection (a list of strings, or a CommaDelimitedList
 * parameter's default), with ${Identifier} and &{Identifier} (letters and
 * digits only) replaced in the keys, Ref Identifier replaced by the member and
 * ${Identifier} in Fn::Sub strings.
 *
 * AWS::Serverless-2016-10-31: the resources SAM generates that a template may
 * name
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html):
 * a function's role <Id>Role when it declares none, the implicit APIs
 * ServerlessRestApi and ServerlessHttpApi, a state machine's role; and the
 * CloudFormation type behind each SAM type, for Fn::GetAtt.
 */
#include "analysis/validate_int.h"

#include <ctype.h>
#include <string.h>

#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

bool vd_has_transform(const json_t *tmpl, const char *name)
{
	const json_t *t = json_object_get(tmpl, "Transform");
	if (json_is_string(t))
		return !strcmp(json_string_value(t), name);
	size_t i;
	json_t *x;
	json_array_foreach (t, i, x) {
		if (json_is_string(x) && !strcmp(json_string_value(x), name))
			return true;
	}
	return false;
}

/* ---- AWS::LanguageExtensions: Fn::ForEach ---- */

#define FOREACH "Fn::ForEach::"

/* Replace ${name} (and &{name} when `keys`) by the bound values in s. */
static char *substitute(const char *s, const json_t *bind, bool keys)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = s;
	while (*p) {
		if ((p[0] == '$' || (keys && p[0] == '&')) && p[1] == '{') {
			const char *end = strchr(p + 2, '}');
			if (end) {
				char *name = xstrndup(p + 2, (size_t)(end - p - 2));
				const char *val = json_string_value(json_object_get(bind, name));
				free(name);
				if (val) {
					for (const char *v = val; *v; v++)
						if (p[0] == '$' || isalnum((unsigned char)*v))
							strbuf_addch(&sb, *v);
					p = end + 1;
					continue;
				}
			}
		}
		strbuf_addch(&sb, *p++);
	}
	return strbuf_detach(&sb, NULL);
}

/* The members of a loop's collection, or NULL when not known before deploy. */
static json_t *collection(const json_t *coll, const json_t *tmpl, const json_t *bind)
{
	if (json_is_array(coll)) {
		size_t i;
		json_t *x;
		json_array_foreach (coll, i, x) {
			if (!json_is_string(x))
				return NULL;
		}
		return json_incref((json_t *)coll);
	}
	const char *ref = json_string_value(json_object_get(coll, "Ref"));
	if (!ref || json_object_size(coll) != 1)
		return NULL;
	const json_t *param = json_object_get(json_object_get(tmpl, "Parameters"), ref);
	const char *def = json_string_value(json_object_get(param, "Default"));
	if (!def)
		return NULL;
	json_t *out = json_array();
	for (const char *p = def;;) {
		size_t n = strcspn(p, ",");
		const char *b = p, *e = p + n;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		json_array_append_new(out, json_stringn(b, (size_t)(e - b)));
		if (!p[n])
			break;
		p += n + 1;
	}
	(void)bind;
	return out;
}

static json_t *expand(const json_t *v, const json_t *tmpl, const json_t *bind, int *unknown);

static void expand_loop(json_t *out, const char *key, const json_t *loop, const json_t *tmpl,
			const json_t *bind, int *unknown)
{
	const char *ident = json_string_value(json_array_get(loop, 0));
	const json_t *body = json_array_get(loop, 2);
	json_t *members = ident && json_is_object(body) && json_array_size(loop) == 3
				  ? collection(json_array_get(loop, 1), tmpl, bind)
				  : NULL;
	if (!members) {
		/* not expandable here: keep it, the checks that follow see it as it is */
		json_object_set_new(out, key, json_deep_copy(loop));
		(*unknown)++;
		return;
	}
	size_t i;
	json_t *m;
	json_array_foreach (members, i, m) {
		json_t *b = json_deep_copy(bind);
		json_object_set(b, ident, m);
		json_t *part = expand(body, tmpl, b, unknown);
		json_object_update(out, part);
		json_decref(part);
		json_decref(b);
	}
	json_decref(members);
}

static json_t *expand(const json_t *v, const json_t *tmpl, const json_t *bind, int *unknown)
{
	if (json_is_array(v)) {
		json_t *out = json_array();
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			json_array_append_new(out, expand(x, tmpl, bind, unknown));
		}
		return out;
	}
	if (!json_is_object(v))
		return json_deep_copy(v);
	const char *ref = json_string_value(json_object_get(v, "Ref"));
	if (ref && json_object_size(v) == 1 && json_object_get(bind, ref))
		return json_deep_copy(json_object_get(bind, ref));
	const json_t *sub = json_object_get(v, "Fn::Sub");
	if (json_is_string(sub) && json_object_size(v) == 1 && json_object_size(bind)) {
		char *s = substitute(json_string_value(sub), bind, false);
		/* a Sub left with no variable is its string (Ref: !Sub "Param${X}") */
		json_t *out = strstr(s, "${") ? json_pack("{ss}", "Fn::Sub", s) : json_string(s);
		free(s);
		return out;
	}
	json_t *out = json_object();
	const char *k;
	json_t *x;
	json_object_foreach ((json_t *)v, k, x) {
		if (!strncmp(k, FOREACH, strlen(FOREACH)) && json_is_array(x)) {
			expand_loop(out, k, x, tmpl, bind, unknown);
			continue;
		}
		char *key = json_object_size(bind) ? substitute(k, bind, true) : xstrdup(k);
		json_object_set_new(out, key, expand(x, tmpl, bind, unknown));
		free(key);
	}
	return out;
}

json_t *vd_expand_foreach(const json_t *tmpl, int *unknown)
{
	json_t *bind = json_object();
	json_t *out = expand(tmpl, tmpl, bind, unknown);
	json_decref(bind);
	return out;
}

/* ---- AWS::Serverless-2016-10-31 ---- */

static const char *const sam_types[][2] = {
	{"AWS::Serverless::Api", "AWS::ApiGateway::RestApi"},
	{"AWS::Serverless::Application", "AWS::CloudFormation::Stack"},
	{"AWS::Serverless::Function", "AWS::Lambda::Function"},
	{"AWS::Serverless::GraphQLApi", "AWS::AppSync::GraphQLApi"},
	{"AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api"},
	{"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"},
	{"AWS::Serverless::SimpleTable", "AWS::DynamoDB::Table"},
	{"AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"},
};

/*
 * SAM types the schema data lacks, with the properties each requires:
 * AWS::Serverless::Connector
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-connector.html:
 * Destination, Permissions and Source are required) and
 * AWS::Serverless::GraphQLApi
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-graphqlapi.html:
 * Auth and SchemaInline or SchemaUri; only Auth is checked).
 */
static const struct {
	const char *type, *required[3];
} sam_unschemed[] = {
	{"AWS::Serverless::Connector", {"Source", "Destination", "Permissions"}},
	{"AWS::Serverless::GraphQLApi", {"Auth", NULL, NULL}},
};

bool vd_sam_check_unschemed(struct vctx *c, const char *type, const json_t *r, const char *path)
{
	for (size_t i = 0; i < sizeof(sam_unschemed) / sizeof(sam_unschemed[0]); i++) {
		if (strcmp(type, sam_unschemed[i].type))
			continue;
		const json_t *props = json_object_get(r, "Properties");
		for (size_t k = 0; k < 3 && sam_unschemed[i].required[k]; k++)
			if (!vd_is_intrinsic(props) &&
			    !json_object_get(props, sam_unschemed[i].required[k])) {
				char *p = xstrfmt("%s.Properties", path);
				vd_report(c, DIAG_ERROR, p, "%s requires property '%s'", type,
					  sam_unschemed[i].required[k]);
				free(p);
			}
		return true;
	}
	return false;
}

const char *vd_sam_cfn_type(const char *type)
{
	for (size_t i = 0; i < sizeof(sam_types) / sizeof(sam_types[0]); i++)
		if (!strcmp(type, sam_types[i][0]))
			return sam_types[i][1];
	return NULL;
}

static void imply(json_t *implied, const char *id, const char *suffix, const char *type)
{
	char *name = xstrfmt("%s%s", id, suffix);
	json_object_set_new(implied, name, json_string(type));
	free(name);
}

/*
 * What an event source of a function or state machine `id` generates, named
 * <id><event><suffix>
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html#sam-specification-generated-resources-function-event-sources).
 */
static const struct {
	const char *event, *suffix, *type;
} event_resources[] = {
	{"SNS", "", "AWS::SNS::Subscription"},
	{"SNS", "Permission", "AWS::Lambda::Permission"},
	{"S3", "Permission", "AWS::Lambda::Permission"},
	{"SQS", "", "AWS::Lambda::EventSourceMapping"},
	{"Kinesis", "", "AWS::Lambda::EventSourceMapping"},
	{"DynamoDB", "", "AWS::Lambda::EventSourceMapping"},
	{"MSK", "", "AWS::Lambda::EventSourceMapping"},
	{"MQ", "", "AWS::Lambda::EventSourceMapping"},
	{"SelfManagedKafka", "", "AWS::Lambda::EventSourceMapping"},
	{"DocumentDB", "", "AWS::Lambda::EventSourceMapping"},
	{"Schedule", "", "AWS::Events::Rule"},
	{"Schedule", "Permission", "AWS::Lambda::Permission"},
	{"ScheduleV2", "", "AWS::Scheduler::Schedule"},
	{"CloudWatchEvent", "", "AWS::Events::Rule"},
	{"CloudWatchEvent", "Permission", "AWS::Lambda::Permission"},
	{"EventBridgeRule", "", "AWS::Events::Rule"},
	{"EventBridgeRule", "Permission", "AWS::Lambda::Permission"},
	{"CloudWatchLogs", "", "AWS::Logs::SubscriptionFilter"},
	{"CloudWatchLogs", "Permission", "AWS::Lambda::Permission"},
	{"IoTRule", "", "AWS::IoT::TopicRule"},
	{"IoTRule", "Permission", "AWS::Lambda::Permission"},
	{"HttpApi", "Permission", "AWS::Lambda::Permission"},
	{"Cognito", "Permission", "AWS::Lambda::Permission"},
	{"AlexaSkill", "Permission", "AWS::Lambda::Permission"},
};

static void imply_events(json_t *implied, const char *id, const json_t *props)
{
	const char *k;
	json_t *ev;
	json_object_foreach (json_object_get(props, "Events"), k, ev) {
		const char *type = json_string_value(json_object_get(ev, "Type"));
		const json_t *p = json_object_get(ev, "Properties");
		if (!type)
			continue;
		for (size_t i = 0; i < sizeof(event_resources) / sizeof(event_resources[0]); i++)
			if (!strcmp(type, event_resources[i].event)) {
				char *suffix = xstrfmt("%s%s", k, event_resources[i].suffix);
				imply(implied, id, suffix, event_resources[i].type);
				free(suffix);
			}
		if (!strcmp(type, "Api") && !json_object_get(p, "RestApiId")) {
			json_object_set_new(implied, "ServerlessRestApi",
					    json_string("AWS::ApiGateway::RestApi"));
			json_object_set_new(implied, "ServerlessRestApiProdStage",
					    json_string("AWS::ApiGateway::Stage"));
		} else if (!strcmp(type, "HttpApi") && !json_object_get(p, "ApiId")) {
			json_object_set_new(implied, "ServerlessHttpApi",
					    json_string("AWS::ApiGatewayV2::Api"));
			json_object_set_new(implied, "ServerlessHttpApiApiGatewayDefaultStage",
					    json_string("AWS::ApiGatewayV2::Stage"));
		}
	}
}

json_t *vd_sam_implied(const json_t *resources)
{
	json_t *implied = json_object();
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)resources, id, r) {
		const char *type = json_string_value(json_object_get(r, "Type"));
		const json_t *props = json_object_get(r, "Properties");
		if (!type || strncmp(type, "AWS::Serverless::", 17))
			continue;
		if ((!strcmp(type, "AWS::Serverless::Function") ||
		     !strcmp(type, "AWS::Serverless::StateMachine")) &&
		    !json_object_get(props, "Role"))
			imply(implied, id, "Role", "AWS::IAM::Role");
		if (!strcmp(type, "AWS::Serverless::Function")) {
			const char *alias =
				json_string_value(json_object_get(props, "AutoPublishAlias"));
			if (alias) {
				char *suffix = xstrfmt("Alias%s", alias);
				imply(implied, id, suffix, "AWS::Lambda::Alias");
				free(suffix);
			}
			/* a function URL
			 * (sam-resource-function.html#sam-function-functionurlconfig) */
			if (json_object_get(props, "FunctionUrlConfig"))
				imply(implied, id, "Url", "AWS::Lambda::Url");
			if (json_object_get(props, "DeploymentPreference"))
				imply(implied, id, "DeploymentGroup",
				      "AWS::CodeDeploy::DeploymentGroup");
		}
		if (!strcmp(type, "AWS::Serverless::Function") ||
		    !strcmp(type, "AWS::Serverless::StateMachine"))
			imply_events(implied, id, props);
		if (!strcmp(type, "AWS::Serverless::Connector"))
			imply(implied, id, "Policy", "AWS::IAM::ManagedPolicy");
	}
	return implied;
}

/* Whether IgnoreGlobals ("*", a name or a list of names) names `prop`. */
static bool ignores_global(const json_t *ignore, const char *prop)
{
	if (json_is_string(ignore))
		return !strcmp(json_string_value(ignore), "*") ||
		       !strcmp(json_string_value(ignore), prop);
	size_t i;
	json_t *x;
	json_array_foreach (ignore, i, x) {
		if (json_is_string(x) &&
		    (!strcmp(json_string_value(x), "*") || !strcmp(json_string_value(x), prop)))
			return true;
	}
	return false;
}

/*
 * A function's event source needs its Properties except for the types none
 * of whose properties is required: HttpApi (the implicit API's catch-all
 * route,
 * https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-httpapi.html)
 * and AlexaSkill
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-alexaskill.html).
 * The schema data leaves Properties optional for them all
 * (scripts/refresh-schema.py, sam_corrections).
 */
static void sam_function_events(struct vctx *c, const json_t *props, const char *path)
{
	const char *k;
	json_t *ev;
	json_object_foreach (json_object_get(props, "Events"), k, ev) {
		const char *type = json_string_value(json_object_get(ev, "Type"));
		if (!type || json_object_get(ev, "Properties") || !strcmp(type, "HttpApi") ||
		    !strcmp(type, "AlexaSkill"))
			continue;
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s.Properties.Events", path);
		vd_path_key(&p, k);
		struct diag *d =
			vd_report(c, DIAG_ERROR, p.buf,
				  "AWS::Serverless::Function.EventSource requires property "
				  "'Properties'");
		diag_set_hint(d, "only HttpApi and AlexaSkill events may leave out Properties");
		strbuf_release(&p);
	}
}

/*
 * A SAM function of PackageType Zip (the default) needs a Handler and a
 * Runtime, from its properties or the template's Globals.Function
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html);
 * IgnoreGlobals names properties of the resource, or "*"
 * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html).
 */
void vd_check_sam_resource(struct vctx *c, const char *type, const json_t *r, const json_t *sch,
			   const char *path)
{
	const json_t *props = json_object_get(r, "Properties");
	const json_t *ignore = json_object_get(r, "IgnoreGlobals");
	size_t i;
	json_t *x;
	if (json_is_string(ignore) && strcmp(json_string_value(ignore), "*"))
		ignore = NULL; /* a single name: checked below as a list of one */
	json_array_foreach (ignore, i, x) {
		const char *n = json_string_value(x);
		if (n && strcmp(n, "*") && !json_object_get(json_object_get(sch, "p"), n)) {
			char *p = xstrfmt("%s.IgnoreGlobals[%zu]", path, i);
			struct diag *d = vd_report(
				c, DIAG_ERROR, p,
				"IgnoreGlobals names '%s', which is not a property of %s", n, type);
			const char *s = cfn_closest_key(json_object_get(sch, "p"), n);
			if (s)
				diag_set_hint(d, "did you mean '%s'?", s);
			free(p);
		}
	}
	if (strcmp(type, "AWS::Serverless::Function"))
		return;
	sam_function_events(c, props, path);
	const json_t *globals = json_object_get(json_object_get(c->tmpl, "Globals"), "Function");
	const char *pkg = json_string_value(json_object_get(props, "PackageType"));
	if (!pkg)
		pkg = json_string_value(json_object_get(globals, "PackageType"));
	if (pkg ? strcmp(pkg, "Zip") : json_object_get(props, "ImageUri") != NULL)
		return; /* a container image carries its own handler and runtime */
	const char *rt = json_string_value(json_object_get(props, "Runtime"));
	if (!rt && !ignores_global(ignore, "Runtime") &&
	    (rt = json_string_value(json_object_get(globals, "Runtime")))) {
		struct strbuf p = STRBUF_INIT;
		strbuf_addf(&p, "%s.Properties", path);
		vd_check_runtime(c, rt, &p, true);
		strbuf_release(&p);
	}
	static const char *const needed[] = {"Handler", "Runtime"};
	for (size_t k = 0; k < 2; k++)
		if (!json_object_get(props, needed[k]) && !json_object_get(globals, needed[k])) {
			char *p = xstrfmt("%s.Properties", path);
			vd_report(c, DIAG_ERROR, p,
				  "a function deployed as a .zip archive needs a %s (here or in "
				  "Globals.Function)",
				  needed[k]);
			free(p);
		}
}
