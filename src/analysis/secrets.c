/*
 * Where secrets live in CloudFormation templates. Each row names the
 * resource type, the property, and the AWS page that says it is a secret
 * (the CloudFormation template reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/).
 */
#include "analysis/secrets.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analysis/refs.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static const struct {
	const char *type, *prop, *source;
} secret_props[] = {
	/* aws-resource-secretsmanager-secret.html: "the text data to encrypt and store in this new
	   version of the secret" */
	{"AWS::SecretsManager::Secret", "SecretString", "aws-resource-secretsmanager-secret.html"},
	/* aws-resource-rds-dbinstance.html, aws-resource-rds-dbcluster.html: "The password for the
	   master user" */
	{"AWS::RDS::DBInstance", "MasterUserPassword", "aws-resource-rds-dbinstance.html"},
	{"AWS::RDS::DBCluster", "MasterUserPassword", "aws-resource-rds-dbcluster.html"},
	{"AWS::DocDB::DBCluster", "MasterUserPassword", "aws-resource-docdb-dbcluster.html"},
	{"AWS::Neptune::DBCluster", "MasterUserPassword", "aws-resource-neptune-dbcluster.html"},
	{"AWS::Redshift::Cluster", "MasterUserPassword", "aws-resource-redshift-cluster.html"},
	/* aws-resource-elasticache-replicationgroup.html: "the password used to access a password
	   protected server" */
	{"AWS::ElastiCache::ReplicationGroup", "AuthToken",
	 "aws-resource-elasticache-replicationgroup.html"},
	{"AWS::ElastiCache::User", "Passwords", "aws-resource-elasticache-user.html"},
	/* aws-resource-directoryservice-microsoftad.html, -simplead.html: "The password for the
	   directory administrator" */
	{"AWS::DirectoryService::MicrosoftAD", "Password",
	 "aws-resource-directoryservice-microsoftad.html"},
	{"AWS::DirectoryService::SimpleAD", "Password",
	 "aws-resource-directoryservice-simplead.html"},
	/* aws-resource-ssm-parameter.html: the parameter value (SecureString is not creatable by
	 * CloudFormation, so secrets end up in String parameters: mask every value) */
	{"AWS::SSM::Parameter", "Value", "aws-resource-ssm-parameter.html"},
	/* aws-resource-iam-user.html: LoginProfile.Password */
	{"AWS::IAM::User", "LoginProfile", "aws-resource-iam-user.html"},
	/* aws-resource-iam-accesskey.html has no secret input;
	 * aws-resource-opensearchservice-domain.html:
	 * AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword */
	{"AWS::OpenSearchService::Domain", "AdvancedSecurityOptions",
	 "aws-resource-opensearchservice-domain.html"},
	/* aws-resource-amazonmq-broker.html: Users[].Password */
	{"AWS::AmazonMQ::Broker", "Users", "aws-resource-amazonmq-broker.html"},
	/* aws-resource-dms-endpoint.html: "The password to be used to log in to the endpoint
	   database" */
	{"AWS::DMS::Endpoint", "Password", "aws-resource-dms-endpoint.html"},
	/* aws-resource-codepipeline-webhook.html: AuthenticationConfiguration.SecretToken */
	{"AWS::CodePipeline::Webhook", "AuthenticationConfiguration",
	 "aws-resource-codepipeline-webhook.html"},
};

bool secret_property(const char *type, const char *prop)
{
	if (!type || !prop)
		return false;
	/* the first letters first: asked for every property of every resource */
	for (size_t i = 0; i < sizeof(secret_props) / sizeof(secret_props[0]); i++)
		if (secret_props[i].prop[0] == prop[0] && !strcmp(secret_props[i].prop, prop) &&
		    !strcmp(secret_props[i].type, type))
			return true;
	return false;
}

/* Does any property of `type` hold a secret? */
static bool secret_type(const char *type)
{
	for (size_t i = 0; i < sizeof(secret_props) / sizeof(secret_props[0]); i++)
		if (!strcmp(secret_props[i].type, type))
			return true;
	return false;
}

bool secret_parameter(const json_t *tmpl, const char *name)
{
	/* parameters-section-structure.html: NoEcho "masks the parameter value" */
	const json_t *p = json_object_get(json_object_get(tmpl, "Parameters"), name);
	const json_t *ne = json_object_get(p, "NoEcho");
	return json_is_true(ne) ||
	       (json_is_string(ne) && !strcasecmp(json_string_value(ne), "true"));
}

/* Does an Fn::Sub text name a NoEcho parameter (${Name}, not ${!Literal})? */
static bool sub_names_secret(const json_t *tmpl, const char *text)
{
	for (const char *p = text; (p = strstr(p, "${"));) {
		p += 2;
		const char *end = strchr(p, '}');
		if (!end)
			break;
		if (*p != '!') {
			char *name = xstrndup(p, (size_t)(end - p));
			bool yes = secret_parameter(tmpl, name);
			free(name);
			if (yes)
				return true;
		}
		p = end + 1;
	}
	return false;
}

bool secret_value(const json_t *tmpl, const json_t *v)
{
	const json_t *ref = json_object_get(v, "Ref");
	if (json_is_string(ref))
		return secret_parameter(tmpl, json_string_value(ref));
	const json_t *sub = json_object_get(v, "Fn::Sub");
	if (json_is_string(sub) && sub_names_secret(tmpl, json_string_value(sub)))
		return true;
	if (json_is_array(sub) && json_is_string(json_array_get(sub, 0)) &&
	    sub_names_secret(tmpl, json_string_value(json_array_get(sub, 0))))
		return true;
	if (json_is_object(v)) {
		json_t *x;
		jio_object_each_value ((json_t *)v, it, x) {
			if (secret_value(tmpl, x))
				return true;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			if (secret_value(tmpl, x))
				return true;
		}
	}
	return false;
}

/* The set: each secret under its first SECRET_MIN_LEN bytes, so that masking a
 * text is one lookup per byte of it, however many secrets there are. */
static void add_string(json_t *set, const json_t *v)
{
	const char *s = json_string_value(v);
	char num[64];
	if (!s && (json_is_integer(v) || json_is_real(v))) {
		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		else
			snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		s = num;
	}
	if (!s || strlen(s) < SECRET_MIN_LEN || !strncmp(s, "{{resolve:", 10))
		return;
	json_t *same = json_object_getn(set, s, SECRET_MIN_LEN);
	if (!same) {
		same = json_array();
		json_object_setn_new_nocheck(set, s, SECRET_MIN_LEN, same);
	}
	size_t i;
	json_t *x;
	json_array_foreach (same, i, x) {
		if (!strcmp(json_string_value(x), s))
			return;
	}
	json_array_append_new(same, json_stringn_nocheck(s, strlen(s)));
}

static void add_strings_inside(json_t *set, const json_t *v)
{
	if (json_is_object(v)) {
		json_t *x;
		jio_object_each_value ((json_t *)v, it, x) {
			add_strings_inside(set, x);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			add_strings_inside(set, x);
		}
	} else {
		add_string(set, v);
	}
}

void secret_strings_add(json_t *set, const json_t *tmpl)
{
	const char *name;
	json_t *p;
	json_object_foreach (json_object_get(tmpl, "Parameters"), name, p) {
		if (!secret_parameter(tmpl, name))
			continue;
		add_string(set, json_object_get(p, "Default"));
		size_t i;
		json_t *a;
		json_array_foreach (json_object_get(p, "AllowedValues"), i, a) {
			add_string(set, a);
		}
	}
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(tmpl, "Resources"), id, r) {
		const char *type = sm_resource_type_of(r);
		const char *k;
		json_t *v;
		if (!type || !secret_type(type))
			continue;
		json_object_foreach (json_object_get(r, "Properties"), k, v) {
			if (secret_property(type, k))
				add_strings_inside(set, v);
		}
	}
}

json_t *secret_strings(const json_t *tmpl)
{
	json_t *set = json_object();
	secret_strings_add(set, tmpl);
	return set;
}

char *secret_mask_text(const json_t *set, const char *text)
{
	if (!text || !json_object_size(set))
		return NULL;
	struct strbuf out = STRBUF_INIT;
	bool masked = false;
	size_t len = strlen(text);
	for (size_t at = 0; at < len;) {
		/* the longest secret that starts here */
		size_t best = 0, i;
		json_t *x;
		const json_t *same = len - at >= SECRET_MIN_LEN
					     ? json_object_getn(set, text + at, SECRET_MIN_LEN)
					     : NULL;
		json_array_foreach (same, i, x) {
			size_t n = json_string_length(x);
			if (n > best && n <= len - at &&
			    !memcmp(text + at, json_string_value(x), n))
				best = n;
		}
		if (best) {
			strbuf_addstr(&out, SECRET_MASK);
			at += best;
			masked = true;
		} else {
			strbuf_addch(&out, text[at++]);
		}
	}
	if (!masked) {
		strbuf_release(&out);
		return NULL;
	}
	return strbuf_detach(&out, NULL);
}

void secret_mask_inplace(const json_t *set, char **text)
{
	char *m = secret_mask_text(set, *text);
	if (m) {
		free(*text);
		*text = m;
	}
}
