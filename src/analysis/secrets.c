/*
 * Where secrets live in CloudFormation templates. Each row names the
 * resource type, the property, and the AWS page that says it is a secret
 * (the CloudFormation template reference,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/).
 */
#include "analysis/secrets.h"

#include <string.h>

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
	for (size_t i = 0; i < sizeof(secret_props) / sizeof(secret_props[0]); i++)
		if (!strcmp(secret_props[i].type, type) && !strcmp(secret_props[i].prop, prop))
			return true;
	return false;
}

bool secret_value(const json_t *tmpl, const json_t *v)
{
	/* parameters-section-structure.html: NoEcho "masks the parameter value" */
	const json_t *ref = json_object_get(v, "Ref");
	if (json_is_string(ref)) {
		const json_t *p = json_object_get(json_object_get(tmpl, "Parameters"),
						  json_string_value(ref));
		const json_t *ne = json_object_get(p, "NoEcho");
		return json_is_true(ne) ||
		       (json_is_string(ne) && !strcmp(json_string_value(ne), "true"));
	}
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)v, k, x) {
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
