/*
 * The constructs that keep the data (backup.h, rds.h's secrets and
 * parameters, dns.h's failover SECONDARY), alone in a scratch stack, as
 * test_constructs.c does for the others: their defaults, and a required
 * prop left unset failing the synthesis with the key's name.
 */
#include <stdlib.h>
#include <string.h>

#include "constructs/backup.h"
#include "constructs/dns.h"
#include "constructs/rds.h"
#include "constructs/vpc.h"
#include "engine/engine.h"
#include "support/construct_fixture.h"
#include "support/test.h"

static struct sm_stack *stack;

static const char *attribute_of(const char *id, const char *attr)
{
	return json_string_value(json_object_get(cf_resource(id), attr));
}

TEST(backup_vault_is_encrypted_kept_and_named_per_stack)
{
	stack = cf_scratch();
	backup_vault_new(stack, "Vault",
			 &(struct backup_vault_props){.kms_key = cf_any("Key", "AWS::KMS::Key")});
	CHECK(cf_has("Vault", "{\"EncryptionKeyArn\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]}}"));
	/* not a fixed name: "<stack>-vault-<first group of the stack's ID>" */
	const json_t *name = json_object_get(json_object_get(cf_resource("Vault"), "Properties"),
					     "BackupVaultName");
	char *text = json_dumps(name, JSON_COMPACT);
	CHECK_CONTAINS(text, "{\"Fn::Join\":[\"-\",[{\"Ref\":\"AWS::StackName\"},\"vault\",");
	CHECK_CONTAINS(text, "AWS::StackId");
	free(text);
	CHECK_STR(attribute_of("Vault", "DeletionPolicy"), "Retain");
	CHECK_STR(attribute_of("Vault", "UpdateReplacePolicy"), "Retain");
}

TEST(backup_vault_without_a_key_fails_naming_it)
{
	stack = cf_scratch();
	backup_vault_new(stack, "Vault", &(struct backup_vault_props){0});
	CHECK(cf_fails_naming("'EncryptionKeyArn'"));
}

TEST(backup_plan_is_daily_and_copies_when_asked)
{
	stack = cf_scratch();
	struct sm_resource *key = cf_any("Key", "AWS::KMS::Key");
	struct sm_resource *vault =
		backup_vault_new(stack, "Vault", &(struct backup_vault_props){.kms_key = key});
	struct backup_plan plan;
	backup_plan_new(stack, "Backup",
			&(struct backup_plan_props){
				.vault = vault,
				.delete_after_days = 35,
				.copy_to = cf_any("Far", "AWS::Backup::BackupVault"),
				.selection_name = "All",
				.resources = {cf_any("Db", "AWS::RDS::DBInstance"),
					      cf_any("Bucket", "AWS::S3::Bucket")}},
			&plan);
	CHECK(plan.plan && plan.role && plan.selection);
	CHECK(cf_has("BackupPlan",
		     "{\"BackupPlan\":{\"BackupPlanName\":{\"Fn::Sub\":\"${AWS::StackName}-daily\"},"
		     "\"BackupPlanRule\":[{\"RuleName\":\"Daily\",\"TargetBackupVault\":{\"Ref\":"
		     "\"Vault\"},\"ScheduleExpression\":\"cron(0 5 * * ? *)\",\"StartWindowMinutes\":60,"
		     "\"CompletionWindowMinutes\":180,\"Lifecycle\":{\"DeleteAfterDays\":35},"
		     "\"CopyActions\":[{\"DestinationBackupVaultArn\":{\"Fn::GetAtt\":[\"Far\","
		     "\"BackupVaultArn\"]},\"Lifecycle\":{\"DeleteAfterDays\":35}}]}]}}"));
	/* each resource by the ARN AWS Backup selects it by */
	CHECK(cf_has("BackupSelection",
		     "{\"BackupPlanId\":{\"Ref\":\"BackupPlan\"},\"BackupSelection\":{"
		     "\"SelectionName\":\"All\",\"IamRoleArn\":{\"Fn::GetAtt\":[\"BackupRole\",\"Arn\"]},"
		     "\"Resources\":[{\"Fn::GetAtt\":[\"Db\",\"DBInstanceArn\"]},"
		     "{\"Fn::GetAtt\":[\"Bucket\",\"Arn\"]}]}}"));
	CHECK(cf_has("BackupRole", "{\"AssumeRolePolicyDocument\":{\"Statement\":[{\"Principal\":"
				   "{\"Service\":\"backup.amazonaws.com\"}}]}}"));
	/* without copy_to, no copy */
	stack = cf_scratch();
	vault = backup_vault_new(stack, "Vault",
				 &(struct backup_vault_props){.kms_key = cf_any("Key", "AWS::KMS::Key")});
	backup_plan_new(stack, "Backup",
			&(struct backup_plan_props){.vault = vault,
						    .delete_after_days = 7,
						    .selection_name = "Db",
						    .resources = {cf_any("Db", "AWS::RDS::DBInstance")}},
			&plan);
	const json_t *rule = json_array_get(
		json_object_get(json_object_get(json_object_get(cf_resource("BackupPlan"), "Properties"),
						"BackupPlan"),
				"BackupPlanRule"),
		0);
	CHECK(rule != NULL && json_object_get(rule, "CopyActions") == NULL);
}

TEST(backup_selection_of_nothing_or_of_an_unknown_type_fails_naming_it)
{
	struct backup_plan plan;
	stack = cf_scratch();
	struct sm_resource *vault = cf_any("Vault", "AWS::Backup::BackupVault");
	backup_plan_new(stack, "Backup",
			&(struct backup_plan_props){
				.vault = vault, .delete_after_days = 7, .selection_name = "None"},
			&plan);
	CHECK(cf_fails_naming("'BackupSelection.Resources'"));
	stack = cf_scratch();
	vault = cf_any("Vault", "AWS::Backup::BackupVault");
	backup_plan_new(stack, "Backup",
			&(struct backup_plan_props){.vault = vault,
						    .delete_after_days = 7,
						    .selection_name = "Queue",
						    .resources = {cf_any("Q", "AWS::SQS::Queue")}},
			&plan);
	CHECK(cf_fails_naming("'BackupSelection.Resources'"));
}

TEST(rds_secret_names_its_user_database_and_master)
{
	stack = cf_scratch();
	struct sm_resource *key = cf_any("Key", "AWS::KMS::Key");
	struct sm_resource *master = rds_secret_new(
		stack, "Master",
		&(struct rds_secret_props){.description = "m", .username = "admin", .kms_key = key});
	rds_secret_new(stack, "App",
		       &(struct rds_secret_props){.description = "a",
						  .username = "app",
						  .dbname = "shop",
						  .master = master,
						  .kms_key = key,
						  .retain_policy = "Retain"});
	CHECK(cf_has("Master", "{\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},"
			       "\"GenerateSecretString\":{\"SecretStringTemplate\":"
			       "\"{\\\"username\\\":\\\"admin\\\"}\",\"GenerateStringKey\":\"password\","
			       "\"PasswordLength\":32}}"));
	CHECK(attribute_of("Master", "DeletionPolicy") == NULL);
	CHECK(cf_has("App", "{\"GenerateSecretString\":{\"SecretStringTemplate\":{\"Fn::Sub\":["
			    "\"{\\\"username\\\":\\\"app\\\",\\\"dbname\\\":\\\"shop\\\","
			    "\\\"masterarn\\\":\\\"${Master}\\\"}\",{\"Master\":{\"Ref\":\"Master\"}}]}}}"));
	CHECK_STR(attribute_of("App", "DeletionPolicy"), "Retain");
}

TEST(rds_secret_without_a_user_or_key_fails_naming_it)
{
	stack = cf_scratch();
	rds_secret_new(stack, "S",
		       &(struct rds_secret_props){.description = "s",
						  .kms_key = cf_any("Key", "AWS::KMS::Key")});
	CHECK(cf_fails_naming("'GenerateSecretString.SecretStringTemplate'"));
	stack = cf_scratch();
	rds_secret_new(stack, "S", &(struct rds_secret_props){.description = "s", .username = "u"});
	CHECK(cf_fails_naming("'KmsKeyId'"));
}

TEST(rds_instance_arn_is_written_from_the_identifier)
{
	stack = cf_scratch();
	struct sm_resource *db = cf_any("Db", "AWS::RDS::DBInstance");
	sm_stack_add_output(stack, "Arn", rds_instance_arn(db, "us-west-2"), "arn", NULL);
	const json_t *v = json_object_get(
		json_object_get(json_object_get(cf_resolved(), "Outputs"), "Arn"), "Value");
	char *text = json_dumps(v, JSON_COMPACT);
	CHECK_STR(text, "{\"Fn::Join\":[\":\",[\"arn\",{\"Ref\":\"AWS::Partition\"},\"rds\","
			"\"us-west-2\",{\"Ref\":\"AWS::AccountId\"},\"db\",{\"Ref\":\"Db\"}]]}");
	free(text);
}

/* a parameter group from a table; a parameter left without value names it */
TEST(rds_parameters_come_from_a_table)
{
	struct vpc vpc;
	struct rds_postgres db;
	struct diag_list dl = DIAG_LIST_INIT;
	for (int broken = 0; broken < 2; broken++) {
		stack = cf_scratch();
		CHECK(vpc_new(stack, "Vpc", &(struct vpc_props){.cidr = "10.0.0.0/16"}, &vpc, &dl) ==
		      0);
		const char *const good[] = {"log_statement", "ddl", "log_connections", "1", NULL};
		const char *const bad[] = {"log_statement", NULL, NULL};
		CHECK(rds_postgres_cross_region_replica_new(
			      stack, "Db",
			      &(struct rds_cross_region_replica_props){
				      .identifier = "db-dr",
				      .source_arn = json_string("arn:aws:rds:eu-west-1:1:db:db-1"),
				      .engine_version = "16.4",
				      .instance_class = "db.t4g.micro",
				      .where = {.vpc = &vpc,
						.security_group = cf_any("Sg", "AWS::EC2::SecurityGroup"),
						.kms_key = cf_any("Key", "AWS::KMS::Key"),
						.logs_key = cf_any("LogsKey", "AWS::KMS::Key"),
						.log_retention_days = 30,
						.subnet_group_description = "s",
						.parameter_group_description = "p",
						.parameters = broken ? bad : good}},
			      &db, &dl) == 0);
		if (broken)
			CHECK(cf_fails_naming("'log_statement'"));
		else
			CHECK(cf_has("DbParameterGroup",
				     "{\"Parameters\":{\"rds.force_ssl\":\"1\",\"log_statement\":"
				     "\"ddl\",\"log_connections\":\"1\"}}"));
	}
	diag_list_release(&dl);
}

TEST(dns_secondary_alias_answers_while_its_target_is_healthy)
{
	stack = cf_scratch();
	struct sm_resource *alb = cf_any("Alb", "AWS::ElasticLoadBalancingV2::LoadBalancer");
	dns_alias_new(stack, "Standby",
		      &(struct dns_alias_props){
			      .hosted_zone_id = "Z1",
			      .name = "shop.example",
			      .type = "A",
			      .target = sm_getatt(alb, "DNSName"),
			      .target_zone_ref = sm_getatt(alb, "CanonicalHostedZoneID"),
			      .secondary_id = "dr-standby"});
	CHECK(cf_has("Standby", "{\"Failover\":\"SECONDARY\",\"SetIdentifier\":\"dr-standby\","
				"\"AliasTarget\":{\"DNSName\":{\"Fn::GetAtt\":[\"Alb\",\"DNSName\"]},"
				"\"HostedZoneId\":{\"Fn::GetAtt\":[\"Alb\",\"CanonicalHostedZoneID\"]},"
				"\"EvaluateTargetHealth\":true}}"));
	CHECK(json_object_get(json_object_get(cf_resource("Standby"), "Properties"),
			      "HealthCheckId") == NULL);
	stack = cf_scratch();
	dns_alias_new(stack, "NoZone",
		      &(struct dns_alias_props){.hosted_zone_id = "Z1",
						.name = "shop.example",
						.type = "A",
						.target = json_string("x.elb.amazonaws.com")});
	CHECK(cf_fails_naming("'AliasTarget.HostedZoneId'"));
}

int main(void)
{
	RUN(backup_vault_is_encrypted_kept_and_named_per_stack);
	RUN(backup_vault_without_a_key_fails_naming_it);
	RUN(backup_plan_is_daily_and_copies_when_asked);
	RUN(backup_selection_of_nothing_or_of_an_unknown_type_fails_naming_it);
	RUN(rds_secret_names_its_user_database_and_master);
	RUN(rds_secret_without_a_user_or_key_fails_naming_it);
	RUN(rds_instance_arn_is_written_from_the_identifier);
	RUN(rds_parameters_come_from_a_table);
	RUN(dns_secondary_alias_answers_while_its_target_is_healthy);
	cf_release();
	return test_done();
}
