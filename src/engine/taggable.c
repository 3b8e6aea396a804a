/*
 * Which resource types take tags, and how. The generated table
 * (taggable_gen.inc, from the CloudFormation registry schemas) is used when
 * present; otherwise a hand-kept list of the types the constructs use.
 */
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "engine/engine_int.h"

struct tag_entry {
	const char *type;
	enum sm_tag_style style;
	const char *prop;
};

#if __has_include("engine/taggable_gen.inc")
#include "engine/taggable_gen.inc"
#else
/* sorted by type name */
static const struct tag_entry taggable[] = {
	{"AWS::EC2::Subnet", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::VPC", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::RouteTable", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::InternetGateway", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::NatGateway", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::EIP", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::SecurityGroup", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::NetworkAcl", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::FlowLog", SM_TAGS_LIST, "Tags"},
	{"AWS::EC2::LaunchTemplate", SM_TAGS_NONE, NULL},
	{"AWS::S3::Bucket", SM_TAGS_LIST, "Tags"},
	{"AWS::RDS::DBInstance", SM_TAGS_LIST, "Tags"},
	{"AWS::RDS::DBSubnetGroup", SM_TAGS_LIST, "Tags"},
	{"AWS::RDS::DBParameterGroup", SM_TAGS_LIST, "Tags"},
	{"AWS::KMS::Key", SM_TAGS_LIST, "Tags"},
	{"AWS::Logs::LogGroup", SM_TAGS_LIST, "Tags"},
	{"AWS::IAM::Role", SM_TAGS_LIST, "Tags"},
	{"AWS::SNS::Topic", SM_TAGS_LIST, "Tags"},
	{"AWS::SecretsManager::Secret", SM_TAGS_LIST, "Tags"},
	{"AWS::ECS::Cluster", SM_TAGS_LIST, "Tags"},
	{"AWS::ECS::Service", SM_TAGS_LIST, "Tags"},
	{"AWS::ECS::TaskDefinition", SM_TAGS_LIST, "Tags"},
	{"AWS::ElasticLoadBalancingV2::LoadBalancer", SM_TAGS_LIST, "Tags"},
	{"AWS::ElasticLoadBalancingV2::TargetGroup", SM_TAGS_LIST, "Tags"},
	{"AWS::CloudFront::Distribution", SM_TAGS_LIST, "Tags"},
	{"AWS::WAFv2::WebACL", SM_TAGS_LIST, "Tags"},
	{"AWS::CloudTrail::Trail", SM_TAGS_LIST, "Tags"},
	{"AWS::SSM::Parameter", SM_TAGS_MAP, "Tags"},
};
#endif

static int entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tag_entry *)elem)->type);
}

enum sm_tag_style sm_tag_style_of(const char *type, const char **prop_name)
{
	/* the table is sorted by type name (strcmp order) */
	const struct tag_entry *e = bsearch(type, taggable, sizeof(taggable) / sizeof(taggable[0]),
					    sizeof(taggable[0]), entry_cmp);
	*prop_name = e ? e->prop : NULL;
	return e ? e->style : SM_TAGS_NONE;
}
