/*
 * The one stateful predicate (cfn_schema_is_stateful): the registry
 * schema's isStateful, which diff, the deploy plan and deploy's change table
 * ask; it knows every type diff once listed by hand, and is false for a
 * type without data, an unknown type and a missing schema.
 */
#include "analysis/schema.h"
#include "support/test.h"

TEST(stateful_from_the_schema)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cfn_schema *s = cfn_schema_load(NULL, &dl);
	CHECK(s != NULL);
	/* the types diff listed beside the schema ("these hold data whatever it says") */
	static const char *const data[] = {
		"AWS::S3::Bucket",	    "AWS::RDS::DBInstance",	"AWS::RDS::DBCluster",
		"AWS::KMS::Key",	    "AWS::Logs::LogGroup",	"AWS::DynamoDB::Table",
		"AWS::EFS::FileSystem",	    "AWS::SecretsManager::Secret", "AWS::Backup::BackupVault",
		"AWS::SQS::Queue",	    NULL};
	for (int i = 0; data[i]; i++)
		CHECK(cfn_schema_is_stateful(s, data[i]));
	CHECK(!cfn_schema_is_stateful(s, "AWS::EC2::SecurityGroup"));
	CHECK(!cfn_schema_is_stateful(s, "AWS::IAM::Role"));
	CHECK(!cfn_schema_is_stateful(s, "AWS::Nope::Nothing"));
	CHECK(!cfn_schema_is_stateful(s, ""));
	CHECK(!cfn_schema_is_stateful(s, NULL));
	CHECK(!cfn_schema_is_stateful(NULL, "AWS::S3::Bucket"));
	cfn_schema_free(s);
	diag_list_release(&dl);
}

int main(void)
{
	RUN(stateful_from_the_schema);
	return test_done();
}
