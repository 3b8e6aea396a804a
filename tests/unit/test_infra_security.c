/*
 * The SoleMate infrastructure (test_infra.c), FR-4 network, FR-5 security
 * and the account baseline.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/check.h"
#include "analysis/schema.h"
#include "base/xalloc.h"
#include "engine/engine.h"
#include "lib/environments.h"
#include "lifecycle/failover.h"
#include "lib/solemate_stack.h"
#include "support/infra_fixture.h"
#include "support/test.h"

/* ---- FR-4 network ---- */
TEST(fr_4_1_vpc_with_public_and_private_subnets)
{
	CHECK(HAS(staging, "Network", "AWS::EC2::VPC", "{\"CidrBlock\":\"10.0.0.0/16\"}"));
	CHECK(HAS(production, "Network", "AWS::EC2::VPC", "{\"CidrBlock\":\"10.1.0.0/16\"}"));
	CHECK(COUNT(staging, "Network", "AWS::EC2::Subnet") == 6);
	CHECK(!HAS(staging, "Network", "AWS::EC2::Subnet", "{\"MapPublicIpOnLaunch\":true}"));
}
TEST(fr_4_2_internet_and_nat_gateways)
{
	CHECK(COUNT(staging, "Network", "AWS::EC2::InternetGateway") == 1);
	CHECK(COUNT(staging, "Network", "AWS::EC2::NatGateway") == 1);
	CHECK(COUNT(production, "Network", "AWS::EC2::NatGateway") == 2);
}
TEST(fr_4_3_security_groups_and_nacls)
{
	CHECK(COUNT(staging, "Network", "AWS::EC2::NetworkAcl") == 3);
	CHECK(HAS(staging, "Network", "AWS::EC2::NetworkAclEntry",
		  "{\"Egress\":true,\"PortRange\":{\"From\":1024,\"To\":65535}}"));
	CHECK(HAS(staging, "Network", "AWS::EC2::SecurityGroup",
		  "{\"SecurityGroupIngress\":[{\"SourcePrefixListId\":{\"Ref\":"
		  "\"CloudFrontOriginFacingPrefixList\"},\"FromPort\":443}]}"));
	/* nothing is open to the world */
	CHECK(!HAS(staging, "Network", "AWS::EC2::SecurityGroup",
		   "{\"SecurityGroupIngress\":[{\"CidrIp\":\"0.0.0.0/0\"}]}"));
}

/*
 * Only CloudFront reaches the load balancer: one inbound rule, 443 from the
 * CloudFront origin-facing managed prefix list, whose ID deploy looks up in
 * the region. The list weighs 55 against the 60 inbound rules a group may
 * have (VPC user guide, AWS-managed prefix list weights): every other rule
 * of the group counts 1, and the total must fit.
 */
TEST(only_cloudfront_reaches_the_load_balancer)
{
	struct sm_app *apps[] = {staging, production};
	for (int a = 0; a < 2; a++) {
		const json_t *in = json_object_get(
			json_object_get(resource(apps[a], "Network", "AlbSecurityGroup"), "Properties"),
			"SecurityGroupIngress");
		int weight = 0;
		size_t i;
		const json_t *r;
		json_array_foreach(in, i, r) weight +=
			json_object_get(r, "SourcePrefixListId") ? 55 : 1;
		/* ingress rules of their own resources that name the group count too */
		const char *id;
		const json_t *res;
		json_object_foreach(json_object_get(T(apps[a], "Network"), "Resources"), id, res)
		{
			const json_t *g = json_object_get(json_object_get(res, "Properties"), "GroupId");
			char *gt = json_dumps(g, JSON_ENCODE_ANY);
			if (!strcmp(json_string_value(json_object_get(res, "Type")),
				    "AWS::EC2::SecurityGroupIngress") &&
			    gt && strstr(gt, "\"AlbSecurityGroup\""))
				weight += json_object_get(json_object_get(res, "Properties"),
							  "SourcePrefixListId")
						  ? 55
						  : 1;
			free(gt);
		}
		CHECK(json_array_size(in) == 1);
		CHECK(subset_of("{\"SourcePrefixListId\":{\"Ref\":\"CloudFrontOriginFacingPrefixList\"},"
				"\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443}",
				json_array_get(in, 0)));
		CHECK(weight <= 60);
		/* the public subnets' NACL opens no more than the group does: 443
		 * and the return traffic, not 80 */
		CHECK(!HAS(apps[a], "Network", "AWS::EC2::NetworkAclEntry",
			   "{\"NetworkAclId\":{\"Ref\":\"PublicNacl\"},\"Egress\":false,"
			   "\"PortRange\":{\"From\":80}}"));
		CHECK(HAS(apps[a], "Network", "AWS::EC2::NetworkAclEntry",
			  "{\"NetworkAclId\":{\"Ref\":\"PublicNacl\"},\"Egress\":false,"
			  "\"PortRange\":{\"From\":443,\"To\":443}}"));
		json_t *m = sm_app_manifest(apps[a], SM_FORMAT_JSON);
		char *text = json_dumps(m, JSON_SORT_KEYS);
		CHECK(text && strstr(text, "\"lookup\": \"ec2:managed-prefix-list\"") &&
		      strstr(text, "\"name\": \"com.amazonaws.global.cloudfront.origin-facing\"") &&
		      strstr(text, "\"parameter\": \"CloudFrontOriginFacingPrefixList\""));
		free(text);
		json_decref(m);
	}
}
TEST(fr_4_4_route_tables)
{
	CHECK(COUNT(staging, "Network", "AWS::EC2::RouteTable") == 6);
	CHECK(HAS(staging, "Network", "AWS::EC2::Route", "{\"DestinationCidrBlock\":\"0.0.0.0/0\",\"NatGatewayId\":{}}"));
	/* the isolated tier has no route out of the VPC */
	CHECK(!HAS(staging, "Network", "AWS::EC2::Route",
		   "{\"RouteTableId\":{\"Ref\":\"VpcIsolatedSubnet1RouteTable\"}}"));
}
TEST(fr_4_5_vpc_endpoints)
{
	/* production: the S3 gateway endpoint and ten interface endpoints */
	CHECK(HAS(production, "Network", "AWS::EC2::VPCEndpoint", "{\"VpcEndpointType\":\"Gateway\"}"));
	CHECK(COUNT(production, "Network", "AWS::EC2::VPCEndpoint") == 11);
	CHECK(resource(production, "Network", "EndpointSecurityGroup") != NULL);
	/* staging (interfaceEndpoints false): the free gateway endpoint only, and
	 * each private subnet still reaches the AWS APIs through its NAT route */
	CHECK(HAS(staging, "Network", "AWS::EC2::VPCEndpoint", "{\"VpcEndpointType\":\"Gateway\"}"));
	CHECK(COUNT(staging, "Network", "AWS::EC2::VPCEndpoint") == 1);
	CHECK(resource(staging, "Network", "EndpointSecurityGroup") == NULL);
	CHECK(HAS(staging, "Network", "AWS::EC2::Route",
		  "{\"RouteTableId\":{\"Ref\":\"VpcPrivateSubnet1RouteTable\"},"
		  "\"DestinationCidrBlock\":\"0.0.0.0/0\",\"NatGatewayId\":{}}"));
	CHECK(HAS(staging, "Network", "AWS::EC2::Route",
		  "{\"RouteTableId\":{\"Ref\":\"VpcPrivateSubnet2RouteTable\"},"
		  "\"DestinationCidrBlock\":\"0.0.0.0/0\",\"NatGatewayId\":{}}"));
}
TEST(fr_4_6_network_monitoring_and_logging)
{
	CHECK(HAS(staging, "Data", "AWS::EC2::FlowLog", "{\"TrafficType\":\"ALL\"}"));
	CHECK(HAS(staging, "Data", "AWS::Logs::LogGroup", "{\"RetentionInDays\":30}"));
	CHECK(HAS(production, "Data", "AWS::Logs::LogGroup", "{\"RetentionInDays\":365}"));
	/* the least permissions the VPC user guide lists for a flow log's role */
	CHECK(HAS(staging, "Data", "AWS::IAM::ManagedPolicy",
		  "{\"Roles\":[{\"Ref\":\"VpcFlowLogsRole\"}],\"PolicyDocument\":{\"Statement\":["
		  "{\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\","
		  "\"logs:DescribeLogStreams\"]},{\"Action\":[\"logs:DescribeLogGroups\"]}]}}"));
}

/* ---- FR-5 security ---- */
TEST(fr_5_1_iam_roles_least_privilege)
{
	CHECK(COUNT(staging, "Compute", "AWS::IAM::Role") >= 3);
	/* no inline policies: permissions are customer managed policies */
	CHECK(!HAS(staging, "Compute", "AWS::IAM::Role", "{\"Policies\":[{}]}"));
	CHECK(HAS(staging, "Compute", "AWS::IAM::ManagedPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{\"Action\":[\"s3:ListBucket\"]}]}}"));
}
TEST(fr_5_2_secrets_manager)
{
	CHECK(HAS(staging, "Data", "AWS::SecretsManager::Secret", "{\"GenerateSecretString\":{\"PasswordLength\":48}}"));
}
TEST(fr_5_3_certificates)
{
	CHECK(HAS(production, "Edge", "AWS::CloudFront::Distribution",
		  "{\"DistributionConfig\":{\"ViewerCertificate\":{\"AcmCertificateArn\":"
		  "\"arn:aws:acm:us-east-1:123456789012:certificate/production-cert\",\"SslSupportMethod\":\"sni-only\"}}}"));
}
TEST(fr_5_3_dns_validated_certificate_with_a_hosted_zone)
{
	struct sm_app *z = build("tests/fixtures/config/good/production-with-zone.json");
	CHECK(HAS(z, "Edge", "AWS::CertificateManager::Certificate",
		  "{\"DomainName\":\"solemate.com\",\"ValidationMethod\":\"DNS\","
		  "\"DomainValidationOptions\":[{\"HostedZoneId\":\"Z0123456789ABCDEFGHIJ\"}]}"));
	CHECK(HAS(z, "Edge", "AWS::CloudFront::Distribution",
		  "{\"DistributionConfig\":{\"ViewerCertificate\":{\"AcmCertificateArn\":{\"Ref\":\"Certificate\"}}}}"));
	CHECK(COUNT(z, "Edge", "AWS::Route53::RecordSet") == 4);
	/* and the load balancer's, in its own region, covering the names under the domain */
	CHECK(HAS(z, "Compute", "AWS::CertificateManager::Certificate",
		  "{\"DomainName\":\"solemate.com\",\"SubjectAlternativeNames\":[\"*.solemate.com\"],"
		  "\"ValidationMethod\":\"DNS\",\"DomainValidationOptions\":[{\"HostedZoneId\":\"Z0123456789ABCDEFGHIJ\"},"
		  "{\"DomainName\":\"*.solemate.com\",\"HostedZoneId\":\"Z0123456789ABCDEFGHIJ\"}]}"));
	CHECK(HAS(z, "Compute", "AWS::ElasticLoadBalancingV2::Listener",
		  "{\"Port\":443,\"Certificates\":[{\"CertificateArn\":{\"Ref\":\"AlbCertificate\"}}]}"));
	CHECK(COUNT(production, "Compute", "AWS::CertificateManager::Certificate") == 0);
	CHECK(COUNT(production, "Edge", "AWS::Route53::RecordSet") == 0);
	/* a copy of production under another name keeps production's protections */
	CHECK_STR(json_string_value(json_object_get(resource(z, "Data", "Database"), "DeletionPolicy")), "Snapshot");
	sm_app_free(z);
}
TEST(edge_in_us_east_1_takes_cross_region_values_as_parameters)
{
	struct sm_app *eu = build("tests/fixtures/config/good/staging-eu-west-1.json");
	const struct sm_stack *edge = sm_app_find_stack(eu, "SolemateEuEdge");
	CHECK(edge && !strcmp(sm_stack_region(edge), "us-east-1"));
	const json_t *params = json_object_get(T(eu, "Edge"), "Parameters");
	CHECK(json_object_get(params, "CrossRegionSolemateEuDataAssetsBucketRegionalDomainName") != NULL);
	/* no Fn::ImportValue crosses regions */
	char *text = json_dumps(T(eu, "Edge"), 0);
	CHECK(text && !strstr(text, "Fn::ImportValue"));
	free(text);
	CHECK(json_object_get(json_object_get(T(eu, "Data"), "Outputs"), "CrossRegionOutputFnGetAttAssetsBucketRegionalDomainName"));
	sm_app_free(eu);
}
/* issue 12 #9: CloudFront reaches the ALB by a name its certificate covers */
TEST(fr_3_5_api_origin_is_a_name_the_alb_certificate_covers)
{
	struct sm_app *z = build("tests/fixtures/config/good/production-with-zone.json");
	CHECK(HAS(z, "Edge", "AWS::CloudFront::Distribution",
		  "{\"DistributionConfig\":{\"Origins\":[{},{\"Id\":\"api\",\"DomainName\":\"origin.solemate.com\","
		  "\"CustomOriginConfig\":{\"OriginProtocolPolicy\":\"https-only\"}}]}}"));
	/* an alias of the load balancer in the zone, on the ALB's *.domain certificate */
	CHECK(HAS(z, "Compute", "AWS::Route53::RecordSet",
		  "{\"HostedZoneId\":\"Z0123456789ABCDEFGHIJ\",\"Name\":\"origin.solemate.com\",\"Type\":\"A\","
		  "\"AliasTarget\":{\"DNSName\":{\"Fn::GetAtt\":[\"LoadBalancer\",\"DNSName\"]},"
		  "\"HostedZoneId\":{\"Fn::GetAtt\":[\"LoadBalancer\",\"CanonicalHostedZoneID\"]}}}"));
	CHECK(HAS(z, "Compute", "AWS::CertificateManager::Certificate",
		  "{\"SubjectAlternativeNames\":[\"*.solemate.com\"]}"));
	/* the record exists before the distribution uses it */
	CHECK(stack_follows(z, "SolemateProdzoneEdge", "SolemateProdzoneCompute"));
	sm_app_free(z);
	/* never the ELB's own name, which no certificate of ours covers */
	char *text = json_dumps(T(staging, "Edge"), 0);
	CHECK(text && !strstr(text, "LoadBalancer") && strstr(text, "\"origin.staging.solemate.com\""));
	free(text);
	/* without a zone the operator adds the record: the output names it */
	CHECK(json_object_get(json_object_get(T(staging, "Compute"), "Outputs"), "OriginDomainName"));
}
TEST(fr_5_4_waf)
{
	CHECK(HAS(staging, "Compute", "AWS::WAFv2::WebACL", "{\"Scope\":\"REGIONAL\"}"));
	CHECK(COUNT(staging, "Compute", "AWS::WAFv2::WebACLAssociation") == 1);
	CHECK(HAS(staging, "Edge", "AWS::WAFv2::WebACL",
		  "{\"Scope\":\"CLOUDFRONT\",\"Rules\":[{\"Name\":\"AWSManagedRulesAmazonIpReputationList\"},"
		  "{\"Name\":\"AWSManagedRulesCommonRuleSet\"},{\"Name\":\"AWSManagedRulesKnownBadInputsRuleSet\"},"
		  "{\"Name\":\"AWSManagedRulesSQLiRuleSet\"},{\"Name\":\"RateLimitPerIp\"}]}"));
	CHECK(COUNT(staging, "Edge", "AWS::WAFv2::LoggingConfiguration") == 1);
}
/* issue 12 #12: behind CloudFront, the ALB's rate limit keys on the viewer, not the edge */
TEST(fr_5_4_alb_rate_limit_keys_on_the_forwarded_client_address)
{
	/* no per-source-IP limit on traffic that came through CloudFront */
	CHECK(!HAS(staging, "Compute", "AWS::WAFv2::WebACL",
		   "{\"Rules\":[{},{},{},{},{\"Name\":\"RateLimitPerIp\"}]}"));
	CHECK(HAS(staging, "Compute", "AWS::WAFv2::WebACL",
		  "{\"Scope\":\"REGIONAL\",\"Rules\":[{},{},{},{},{\"Statement\":{\"RateBasedStatement\":"
		  "{\"AggregateKeyType\":\"FORWARDED_IP\",\"ForwardedIPConfig\":{\"HeaderName\":"
		  "\"X-Forwarded-For\",\"FallbackBehavior\":\"MATCH\"}}},\"Action\":{\"Block\":{}}}]}"));
	/* source-IP keyed only for requests without the header (direct to the ALB) */
	CHECK(HAS(staging, "Compute", "AWS::WAFv2::WebACL",
		  "{\"Rules\":[{},{},{},{},{},{\"Statement\":{\"RateBasedStatement\":{\"AggregateKeyType\":\"IP\","
		  "\"ScopeDownStatement\":{\"NotStatement\":{\"Statement\":{\"SizeConstraintStatement\":"
		  "{\"FieldToMatch\":{\"SingleHeader\":{\"Name\":\"x-forwarded-for\"}}}}}}}}}]}"));
	/* CloudFront's ACL sees the viewer's own address: per-IP limit and reputation there */
	CHECK(HAS(production, "Edge", "AWS::WAFv2::WebACL",
		  "{\"Scope\":\"CLOUDFRONT\",\"Rules\":[{\"Name\":\"AWSManagedRulesAmazonIpReputationList\"},"
		  "{},{},{},{\"Name\":\"RateLimitPerIp\",\"Statement\":{\"RateBasedStatement\":"
		  "{\"AggregateKeyType\":\"IP\"}}}]}"));
}
TEST(fr_5_5_cloudtrail)
{
	CHECK(HAS(baseline, BASELINE, "AWS::CloudTrail::Trail",
		  "{\"IsMultiRegionTrail\":true,\"EnableLogFileValidation\":true,\"IncludeGlobalServiceEvents\":true}"));
}
TEST(fr_5_6_config)
{
	CHECK(COUNT(baseline, BASELINE, "AWS::Config::ConfigurationRecorder") == 1);
	CHECK(COUNT(baseline, BASELINE, "AWS::Config::ConfigRule") >= 15);
}

/* ---- the account baseline: a unit of its own (issue 12, item 8) ---- */
static bool any_stack_has(struct sm_app *app, const char *type)
{
	for (size_t i = 0; i < sm_app_stack_count(app); i++)
		if (tmpl_count_resources(sm_stack_template(sm_app_stack_at(app, i)), type))
			return true;
	return false;
}
TEST(account_baseline_is_its_own_unit)
{
	/* one stack, named for the account and region, protected */
	CHECK(sm_app_stack_count(baseline) == 1);
	CHECK(sm_app_find_stack(baseline, BASELINE) != NULL);
	json_t *m = sm_app_manifest(baseline, SM_FORMAT_JSON);
	const json_t *art = json_object_get(json_object_get(m, "artifacts"), BASELINE);
	CHECK(json_is_true(json_object_get(json_object_get(art, "properties"), "terminationProtection")));
	CHECK_STR(json_string_value(json_object_get(art, "environment")),
		  "aws://123456789012/us-east-1");
	json_decref(m);
	/* nothing taken from an environment: no import, no parameter, no dependency */
	char *text = json_dumps(T(baseline, BASELINE), 0);
	CHECK(text && !strstr(text, "Fn::ImportValue") && !strstr(text, "Solemate" "Staging"));
	free(text);
	CHECK(!json_object_get(T(baseline, BASELINE), "Parameters"));
	CHECK(sm_stack_dependency_count(sm_app_find_stack(baseline, BASELINE)) == 0);
	/* its own key and its own encrypted, versioned, TLS-only delivery bucket */
	CHECK(COUNT(baseline, BASELINE, "AWS::KMS::Key") == 1);
	CHECK(HAS(baseline, BASELINE, "AWS::S3::Bucket",
		  "{\"VersioningConfiguration\":{\"Status\":\"Enabled\"},\"BucketEncryption\":{}}"));
	CHECK(HAS(baseline, BASELINE, "AWS::S3::BucketPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{\"Effect\":\"Deny\",\"Condition\":"
		  "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}}"));
	/* and no environment repeats an account singleton */
	const char *singletons[] = { "AWS::Config::ConfigurationRecorder",
				     "AWS::Config::DeliveryChannel", "AWS::CE::AnomalyMonitor",
				     "AWS::CloudTrail::Trail" };
	for (size_t i = 0; i < 4; i++) {
		CHECK(!any_stack_has(staging, singletons[i]));
		CHECK(!any_stack_has(production, singletons[i]));
		CHECK(any_stack_has(baseline, singletons[i]));
	}
	CHECK(T(staging, "Baseline") == NULL);
}

static bool depends_on(const json_t *r, const char *id)
{
	const json_t *d = json_object_get(r, "DependsOn");
	if (json_is_string(d))
		return !strcmp(json_string_value(d), id);
	size_t i;
	const json_t *v;
	json_array_foreach(d, i, v)
		if (!strcmp(json_string_value(v), id))
			return true;
	return false;
}

/* The statement of a policy document with this Sid (NULL if none). */
static const json_t *statement(const json_t *doc, const char *sid)
{
	size_t i;
	const json_t *st;
	json_array_foreach(json_object_get(doc, "Statement"), i, st)
		if (!strcmp(json_string_value(json_object_get(st, "Sid")) ?: "", sid))
			return st;
	return NULL;
}
static const json_t *props(struct sm_app *app, const char *stack, const char *id)
{
	return json_object_get(resource(app, stack, id), "Properties");
}

/* issue 12, item 5: the channel after the recorder, and the role can write */
/*
 * An account that has AWS Config's recorder (Control Tower, Security Hub) or
 * an AWS services anomaly monitor already: a region holds one recorder and
 * one delivery channel, an account one services monitor. The baseline uses
 * them (configRecorder "existing", costAnomalyMonitorArn) instead of failing
 * its CREATE on a second one.
 */
TEST(account_baseline_adopts_the_accounts_recorder_and_monitor)
{
	const char *sets[] = {
		"configRecorder=existing",
		"costAnomalyMonitorArn=arn:aws:ce::123456789012:anomalymonitor/"
		"0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7"};
	struct sm_app *b = build_baseline_with("config/baseline.json", sets, 2);
	CHECK(COUNT(b, BASELINE, "AWS::Config::ConfigurationRecorder") == 0);
	CHECK(COUNT(b, BASELINE, "AWS::Config::DeliveryChannel") == 0);
	CHECK(resource(b, BASELINE, "ConfigRole") == NULL);
	CHECK(COUNT(b, BASELINE, "AWS::Config::ConfigRule") ==
	      COUNT(baseline, BASELINE, "AWS::Config::ConfigRule"));
	CHECK(!json_object_get(resource(b, BASELINE, "ConfigRule1"), "DependsOn"));
	CHECK(COUNT(b, BASELINE, "AWS::CE::AnomalyMonitor") == 0);
	CHECK(HAS(b, BASELINE, "AWS::CE::AnomalySubscription",
		  "{\"MonitorArnList\":[\"arn:aws:ce::123456789012:anomalymonitor/"
		  "0e1f2a3b-4c5d-6e7f-8091-a2b3c4d5e6f7\"]}"));
	/* the trail is the baseline's own either way */
	CHECK(COUNT(b, BASELINE, "AWS::CloudTrail::Trail") == 1);
	sm_app_free(b);
	/* the shipped baseline creates them */
	CHECK(COUNT(baseline, BASELINE, "AWS::Config::ConfigurationRecorder") == 1);
	CHECK(COUNT(baseline, BASELINE, "AWS::CE::AnomalyMonitor") == 1);
}

TEST(config_delivery_channel_after_recorder_with_a_role_that_writes)
{
	CHECK(depends_on(resource(baseline, BASELINE, "ConfigDeliveryChannel"), "ConfigRecorder"));
	CHECK(depends_on(resource(baseline, BASELINE, "ConfigDeliveryChannel"), "ConfigRolePolicy"));
	const json_t *pol = props(baseline, BASELINE, "ConfigRolePolicy");
	char *text = json_dumps(pol, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "\"s3:PutObject\"") && strstr(text, "\"s3:GetBucketAcl\"") &&
	      strstr(text, "/config/AWSLogs/${AWS::AccountId}/*") &&
	      strstr(text, "bucket-owner-full-control"));
	free(text);
	CHECK(HAS(baseline, BASELINE, "AWS::IAM::ManagedPolicy",
		  "{\"Roles\":[{\"Ref\":\"ConfigRole\"}]}"));
	/* the service principal's grant is limited to this account */
	const json_t *bp = json_object_get(props(baseline, BASELINE, "AuditBucketPolicy"), "PolicyDocument");
	const json_t *w = statement(bp, "ConfigWrite");
	CHECK(w && json_object_get(json_object_get(json_object_get(w, "Condition"), "StringEquals"),
				   "aws:SourceAccount"));
}

/* issue 12, item 6: what a resource needs exists before it */
TEST(resources_wait_for_the_policies_they_use)
{
	CHECK(depends_on(resource(baseline, BASELINE, "Trail"), "TrailLogsRolePolicy"));
	CHECK(depends_on(resource(staging, "Data", "Database"), "DatabaseMonitoringRolePolicy"));
	CHECK(depends_on(resource(production, "Data", "Database"), "DatabaseMonitoringRolePolicy"));
	CHECK(depends_on(resource(production, "Data", "DatabaseReplica1"), "DatabaseMonitoringRolePolicy"));
	CHECK(depends_on(resource(staging, "Compute", "Service"), "ClusterCapacityProviders"));
	CHECK(depends_on(resource(production, "Compute", "Service"), "ClusterCapacityProviders"));
	/* a flow log delivers, and a service starts tasks, with their roles at once */
	struct sm_app *apps[] = {staging, production};
	for (int a = 0; a < 2; a++) {
		CHECK(depends_on(resource(apps[a], "Data", "VpcFlowLog"), "VpcFlowLogsRolePolicy"));
		const char *svcs[] = {"Service", "Ec2Service"};
		for (int i = 0; i < 2; i++) {
			const json_t *svc = resource(apps[a], "Compute", svcs[i]);
			CHECK(svc && depends_on(svc, "TaskExecutionRolePolicy") &&
			      depends_on(svc, "TaskRolePolicy"));
		}
	}
}

/* issue 12, item 7: DescribeKey carries no encryption context */
/*
 * issue 12 #16: the assets bucket and its key let this environment's
 * distribution read, no other (AWS:SourceArn of the distribution). The
 * bucket policy lives beside the distribution (in the Edge stack when the
 * bucket is in us-east-1 too, else in AssetsAccess of the bucket's region,
 * after Edge); the key names it through a parameter deploy fills from the
 * Edge stack's output. No stack refers back to one that follows it.
 */
static void assets_read_only_by_own_distribution(struct sm_app *app, const char *policy_stack)
{
	const json_t *pol = props(app, policy_stack, "AssetsBucketPolicy");
	const json_t *st = statement(json_object_get(pol, "PolicyDocument"), "CloudFrontOacRead");
	char *text = json_dumps(st, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "\"StringEquals\"") &&
	      strstr(text, "distribution/${Distribution}") && !strstr(text, "ArnLike"));
	free(text);
	CHECK(statement(json_object_get(pol, "PolicyDocument"), "DenyInsecureTransport") != NULL);
	CHECK(resource(app, "Data", "AssetsBucketPolicy") == NULL);
	/* the key: only with the distribution's ID, and only that distribution */
	const json_t *key = json_object_get(props(app, "Data", "DataKey"), "KeyPolicy");
	text = json_dumps(key, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "\"HasAssetsDistribution\"") &&
	      strstr(text, "distribution/${AssetsDistributionId}"));
	free(text);
	CHECK(subset_of("{\"Type\":\"String\",\"Default\":\"\"}",
			json_object_get(json_object_get(T(app, "Data"), "Parameters"),
					"AssetsDistributionId")));
	json_t *m = sm_app_manifest(app, SM_FORMAT_JSON);
	text = json_dumps(m, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "\"lookup\": \"cloudformation:output\"") &&
	      strstr(text, "\"output\": \"DistributionId\"") &&
	      strstr(text, "\"parameter\": \"AssetsDistributionId\""));
	free(text);
	json_decref(m);
	/* nowhere any distribution of the account */
	for (size_t i = 0; i < sm_app_stack_count(app); i++) {
		char *t = json_dumps(sm_stack_template(sm_app_stack_at(app, i)), 0);
		CHECK(t && !strstr(t, "distribution/*"));
		free(t);
	}
}

TEST(assets_bucket_and_key_allow_only_this_environments_distribution)
{
	assets_read_only_by_own_distribution(staging, "Edge");
	assets_read_only_by_own_distribution(production, "Edge");
	CHECK(stack_follows(staging, "SolemateStagingEdge", "SolemateStagingData"));
	CHECK(!stack_follows(staging, "SolemateStagingData", "SolemateStagingEdge"));
	/* a bucket outside us-east-1: its policy in its own region, after the Edge stack */
	struct sm_app *eu = build("tests/fixtures/config/good/staging-eu-west-1.json");
	assets_read_only_by_own_distribution(eu, "AssetsAccess");
	const struct sm_stack *acc = sm_app_find_stack(eu, "SolemateEuAssetsAccess");
	CHECK(acc && !strcmp(sm_stack_region(acc), "eu-west-1"));
	CHECK(stack_follows(eu, "SolemateEuAssetsAccess", "SolemateEuEdge"));
	CHECK(!stack_follows(eu, "SolemateEuData", "SolemateEuEdge"));
	CHECK(resource(eu, "Edge", "AssetsBucketPolicy") == NULL);
	sm_app_free(eu);
}

/*
 * ALB access logs: in us-east-1 (and every region opened before August
 * 2022) Elastic Load Balancing writes as its regional account, not as the
 * service principal; the bucket policy must allow it, or creating the load
 * balancer with access logs fails.
 */
TEST(alb_access_logs_can_be_delivered_in_the_region)
{
	const json_t *pol = props(staging, "Data", "LogsBucketPolicy");
	const json_t *st = statement(json_object_get(pol, "PolicyDocument"), "AlbAccessLogs");
	char *text = json_dumps(st, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "iam::127311923021:root") &&
	      strstr(text, "logdelivery.elasticloadbalancing.amazonaws.com") &&
	      strstr(text, "/alb/AWSLogs/*"));
	free(text);
	struct sm_app *eu = build("tests/fixtures/config/good/staging-eu-west-1.json");
	st = statement(json_object_get(props(eu, "Data", "LogsBucketPolicy"), "PolicyDocument"),
		       "AlbAccessLogs");
	text = json_dumps(st, JSON_SORT_KEYS);
	CHECK(text && strstr(text, "iam::156460612806:root"));
	free(text);
	sm_app_free(eu);
}

/* A public NAT gateway and its EIP need the internet gateway attached first (SM-DEP-004) */
TEST(nat_gateways_and_their_eips_wait_for_the_internet_gateway)
{
	struct sm_app *apps[] = {staging, production};
	for (int a = 0; a < 2; a++) {
		for (int n = 1; n <= (a ? 2 : 1); n++) {
			char nat[64], eip[64];
			snprintf(nat, sizeof(nat), "VpcPublicSubnet%dNATGateway", n);
			snprintf(eip, sizeof(eip), "VpcPublicSubnet%dEIP", n);
			CHECK(depends_on(resource(apps[a], "Network", nat), "VpcVPCGW"));
			CHECK(depends_on(resource(apps[a], "Network", eip), "VpcVPCGW"));
		}
	}
}

TEST(cloudtrail_key_policy_as_the_cloudtrail_guide_writes_it)
{
	const json_t *kp = json_object_get(props(baseline, BASELINE, "AuditKey"), "KeyPolicy");
	const json_t *d = statement(kp, "AllowCloudTrailDescribeKey");
	CHECK(d && !strcmp(json_string_value(json_object_get(d, "Action")), "kms:DescribeKey"));
	char *text = json_dumps(d, 0);
	CHECK(text && !strstr(text, "EncryptionContext") && strstr(text, "aws:SourceArn"));
	free(text);
	const json_t *e = statement(kp, "AllowCloudTrailEncrypt");
	text = json_dumps(e, 0);
	CHECK(text && strstr(text, "kms:EncryptionContext:aws:cloudtrail:arn") &&
	      !strstr(text, "DescribeKey"));
	free(text);
	/* every statement that grants DescribeKey to CloudTrail, in any key, is unconditioned
	   by an encryption context */
	struct sm_app *apps[] = { staging, production, baseline };
	for (size_t a = 0; a < 3; a++)
		for (size_t i = 0; i < sm_app_stack_count(apps[a]); i++) {
			const char *id;
			json_t *r;
			json_object_foreach(json_object_get(sm_stack_template(sm_app_stack_at(apps[a], i)), "Resources"), id, r)
			{
				if (strcmp(json_string_value(json_object_get(r, "Type")), "AWS::KMS::Key"))
					continue;
				size_t k;
				json_t *st;
				json_array_foreach(json_object_get(json_object_get(json_object_get(r, "Properties"), "KeyPolicy"), "Statement"), k, st)
				{
					char *s = json_dumps(st, 0);
					if (strstr(s, "kms:DescribeKey") && strstr(s, "EncryptionContext"))
						printf("#   %s: DescribeKey under an encryption context\n", id);
					CHECK(!(strstr(s, "kms:DescribeKey") && strstr(s, "EncryptionContext")));
					free(s);
				}
			}
		}
}

/* issue 12, item 10: the alarm topics accept CloudWatch and Auto Scaling */
TEST(alarms_and_auto_scaling_can_publish_to_the_encrypted_topics)
{
	struct {
		struct sm_app *app;
		const char *stack, *policy;
	} topics[] = { { staging, "Data", "AlarmTopicPolicy" },
		       { production, "Data", "AlarmTopicPolicy" },
		       { production, "Edge", "EdgeAlarmTopicPolicy" } };
	for (size_t i = 0; i < 3; i++) {
		const json_t *doc = json_object_get(props(topics[i].app, topics[i].stack, topics[i].policy),
						    "PolicyDocument");
		const json_t *st = statement(doc, "AllowCloudWatchAlarms");
		CHECK(st && !strcmp(json_string_value(json_object_get(st, "Effect")), "Allow"));
		CHECK(!strcmp(json_string_value(json_object_get(json_object_get(st, "Principal"), "Service")) ?: "",
			      "cloudwatch.amazonaws.com"));
		const json_t *cond = json_object_get(st, "Condition");
		CHECK(json_object_get(json_object_get(cond, "StringEquals"), "aws:SourceAccount"));
		CHECK(json_object_get(json_object_get(cond, "ArnLike"), "aws:SourceArn"));
	}
	/* the Auto Scaling group notifies the alarm topic: its key lets the service-linked role in */
	CHECK(HAS(staging, "Compute", "AWS::AutoScaling::AutoScalingGroup",
		  "{\"NotificationConfigurations\":[{}]}"));
	const json_t *kp = json_object_get(props(staging, "Data", "LogsKey"), "KeyPolicy");
	const json_t *asg = statement(kp, "AllowAutoScalingNotifications");
	char *text = json_dumps(asg, 0);
	CHECK(text && strstr(text, "AWSServiceRoleForAutoScaling") && strstr(text, "kms:Decrypt") &&
	      strstr(text, "kms:GenerateDataKey*") && strstr(text, "sns."));
	free(text);
	const json_t *cw = statement(kp, "AllowAlarmPublishers");
	text = json_dumps(cw, 0);
	CHECK(text && strstr(text, "cloudwatch.amazonaws.com") && strstr(text, "kms:GenerateDataKey*"));
	free(text);
}

int main(void)
{
	infra_fixture_build_all();
	RUN(fr_4_1_vpc_with_public_and_private_subnets);
	RUN(fr_4_2_internet_and_nat_gateways);
	RUN(fr_4_3_security_groups_and_nacls);
	RUN(only_cloudfront_reaches_the_load_balancer);
	RUN(fr_4_4_route_tables);
	RUN(fr_4_5_vpc_endpoints);
	RUN(fr_4_6_network_monitoring_and_logging);
	RUN(fr_5_1_iam_roles_least_privilege);
	RUN(fr_5_2_secrets_manager);
	RUN(fr_5_3_certificates);
	RUN(fr_5_3_dns_validated_certificate_with_a_hosted_zone);
	RUN(edge_in_us_east_1_takes_cross_region_values_as_parameters);
	RUN(fr_3_5_api_origin_is_a_name_the_alb_certificate_covers);
	RUN(assets_bucket_and_key_allow_only_this_environments_distribution);
	RUN(fr_5_4_waf);
	RUN(fr_5_4_alb_rate_limit_keys_on_the_forwarded_client_address);
	RUN(fr_5_5_cloudtrail);
	RUN(fr_5_6_config);
	RUN(account_baseline_is_its_own_unit);
	RUN(account_baseline_adopts_the_accounts_recorder_and_monitor);
	RUN(config_delivery_channel_after_recorder_with_a_role_that_writes);
	RUN(resources_wait_for_the_policies_they_use);
	RUN(nat_gateways_and_their_eips_wait_for_the_internet_gateway);
	RUN(alb_access_logs_can_be_delivered_in_the_region);
	RUN(cloudtrail_key_policy_as_the_cloudtrail_guide_writes_it);
	RUN(alarms_and_auto_scaling_can_publish_to_the_encrypted_topics);
	infra_fixture_release_all();
	return test_done();
}
