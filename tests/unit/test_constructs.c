/*
 * The constructs alone (src/constructs/), without the SoleMate app: each is
 * built with only its required props in a scratch stack, and what comes out
 * must carry the secure defaults its header promises; weakening one takes an
 * explicit prop.
 */
#include <stdlib.h>
#include <string.h>

#include "constructs/alarms.h"
#include "constructs/alb.h"
#include "constructs/audit.h"
#include "constructs/cdn.h"
#include "constructs/dns.h"
#include "constructs/ecs.h"
#include "constructs/iam.h"
#include "constructs/rds.h"
#include "constructs/secure.h"
#include "constructs/vpc.h"
#include "constructs/waf.h"
#include "engine/engine.h"
#include "support/construct_fixture.h"
#include "support/test.h"

static struct sm_stack *stack;

/* The value of attribute `key` of an ALB's LoadBalancerAttributes. */
static const char *alb_attribute(const char *id, const char *key)
{
	const json_t *r = json_object_get(json_object_get(cf_resolved(), "Resources"), id);
	const json_t *attrs =
		json_object_get(json_object_get(r, "Properties"), "LoadBalancerAttributes");
	size_t i;
	const json_t *a;
	json_array_foreach(attrs, i, a) if (!strcmp(json_string_value(json_object_get(a, "Key")),
						   key)) return json_string_value(json_object_get(a, "Value"));
	return NULL;
}

TEST(alb_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	struct sm_resource *lb =
		alb_new(stack, "Lb",
			&(struct alb_props){.subnets = json_pack("[ss]", "subnet-1", "subnet-2"),
					    .security_group = cf_any("Sg", "AWS::EC2::SecurityGroup"),
					    .access_log_bucket = cf_any("Logs", "AWS::S3::Bucket")});
	struct sm_resource *tg = alb_target_group_new(
		stack, "Tg",
		&(struct alb_target_group_props){.vpc = cf_any("Vpc", "AWS::EC2::VPC"), .port = 8080});
	alb_https_listener_new(stack, "Https",
			       &(struct alb_https_listener_props){
				       .load_balancer = lb,
				       .certificate_arn = json_string("arn:aws:acm:cert"),
				       .target_group = tg});
	alb_redirect_listener_new(stack, "Http", lb);
	CHECK_STR(alb_attribute("Lb", "deletion_protection.enabled"), "true");
	CHECK_STR(alb_attribute("Lb", "routing.http.drop_invalid_header_fields.enabled"), "true");
	CHECK_STR(alb_attribute("Lb", "routing.http.desync_mitigation_mode"), "strictest");
	CHECK_STR(alb_attribute("Lb", "access_logs.s3.enabled"), "true");
	CHECK(cf_has("Lb", "{\"Subnets\":[\"subnet-1\",\"subnet-2\"],\"SecurityGroups\":[{\"Fn::GetAtt\":"
			"[\"Sg\",\"GroupId\"]}]}"));
	CHECK(cf_has("Tg", "{\"Port\":8080,\"TargetType\":\"ip\",\"HealthCheckPath\":\"/\"}"));
	CHECK(cf_has("Https", "{\"Port\":443,\"Protocol\":\"HTTPS\",\"SslPolicy\":\"" ALB_SSL_POLICY
			   "\",\"DefaultActions\":[{\"Type\":\"forward\",\"TargetGroupArn\":{\"Ref\":"
			   "\"Tg\"}}]}"));
	/* port 80 serves nothing: it redirects to HTTPS */
	CHECK(cf_has("Http", "{\"Port\":80,\"DefaultActions\":[{\"Type\":\"redirect\","
			  "\"RedirectConfig\":{\"Protocol\":\"HTTPS\",\"Port\":\"443\","
			  "\"StatusCode\":\"HTTP_301\"}}]}"));
}

TEST(alb_deletion_protection_is_dropped_only_when_asked)
{
	stack = cf_scratch();
	alb_new(stack, "Lb",
		&(struct alb_props){.subnets = json_pack("[s]", "subnet-1"),
				    .security_group = cf_any("Sg", "AWS::EC2::SecurityGroup"),
				    .access_log_bucket = cf_any("Logs", "AWS::S3::Bucket"),
				    .allow_deletion = true});
	CHECK_STR(alb_attribute("Lb", "deletion_protection.enabled"), "false");
}

TEST(ecs_variables_are_name_value_pairs)
{
	stack = cf_scratch();
	struct sm_resource *secret = cf_any("Secret", "AWS::SecretsManager::Secret");
	sm_stack_add_output(stack, "Env",
			    sm_fn_to_json_string(ecs_environment((const struct ecs_variable[]){
				    {"A", json_string("1")}, {"B", sm_ref(secret)}, {0}})),
			    "env", NULL);
	sm_stack_add_output(stack, "Sec",
			    sm_fn_to_json_string(ecs_secrets((const struct ecs_variable[]){
				    {"PW", ecs_secret_field(sm_ref(secret), "password")}, {0}})),
			    "sec", NULL);
	const json_t *out = json_object_get(cf_resolved(), "Outputs");
	char *env = json_dumps(json_object_get(json_object_get(out, "Env"), "Value"), JSON_COMPACT);
	char *sec = json_dumps(json_object_get(json_object_get(out, "Sec"), "Value"), JSON_COMPACT);
	CHECK_CONTAINS(env, "[{\"Name\":\"A\",\"Value\":\"1\"},{\"Name\":\"B\",\"Value\":"
			    "{\"Ref\":\"Secret\"}}]");
	/* ARN:json-key:version-stage:version-id */
	CHECK_CONTAINS(sec, "[{\"Name\":\"PW\",\"ValueFrom\":{\"Fn::Join\":[\"\",[{\"Ref\":"
			    "\"Secret\"},\":password::\"]]}}]");
	free(env);
	free(sec);
	/* a variable without value names it */
	stack = cf_scratch();
	sm_stack_add_output(stack, "Env",
			    sm_fn_to_json_string(ecs_environment(
				    (const struct ecs_variable[]){{"A", NULL}, {0}})),
			    "env", NULL);
	CHECK(cf_fails_naming("'Value'"));
}

static struct vpc vpc;

static struct rds_placement placement(const char *const *parameters)
{
	return (struct rds_placement){.vpc = &vpc,
				      .security_group = cf_any("DbSg", "AWS::EC2::SecurityGroup"),
				      .kms_key = cf_any("Key", "AWS::KMS::Key"),
				      .logs_key = cf_any("LogsKey", "AWS::KMS::Key"),
				      .log_retention_days = 30,
				      .subnet_group_description = "db subnets",
				      .parameter_group_description = "db parameters",
				      .parameters = parameters};
}

/* a PostgreSQL instance with only its required props (and `weaken` set) */
static int postgres(const char *version, bool weaken, struct rds_postgres *db,
		    struct diag_list *dl)
{
	stack = cf_scratch();
	CHECK(vpc_new(stack, "Vpc", &(struct vpc_props){.cidr = "10.0.0.0/16"}, &vpc, dl) == 0);
	return rds_postgres_new(
		stack, "Db",
		&(struct rds_postgres_props){
			.identifier = "db-1",
			.engine_version = version,
			.instance_class = "db.t4g.micro",
			.database_name = "shop",
			.master_username = "admin",
			.allocated_storage = 20,
			.max_allocated_storage = 100,
			.backup_window = "03:00-04:00",
			.maintenance_window = "sun:04:30-sun:05:30",
			.where = placement((const char *const[]){"log_statement", "ddl", NULL}),
			.rotation_security_group = cf_any("AppSg", "AWS::EC2::SecurityGroup"),
			.master_secret_description = "db master",
			.single_az = weaken,
			.allow_deletion = weaken,
			.removal_policy = weaken ? "Delete" : NULL},
		db, dl);
}

static const char *attribute_of(const char *id, const char *attr)
{
	return json_string_value(
		json_object_get(json_object_get(json_object_get(cf_resolved(), "Resources"), id), attr));
}

TEST(rds_postgres_defaults_are_the_secure_ones)
{
	struct rds_postgres db;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(postgres("17.2", false, &db, &dl) == 0);
	CHECK(cf_has("Db", "{\"StorageEncrypted\":true,\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},"
			"\"PubliclyAccessible\":false,\"MultiAZ\":true,\"DeletionProtection\":true,"
			"\"EnableIAMDatabaseAuthentication\":true,\"Port\":5432,"
			"\"BackupRetentionPeriod\":7,\"MonitoringInterval\":60,"
			"\"EnablePerformanceInsights\":true,"
			"\"DBSubnetGroupName\":{\"Ref\":\"DbSubnetGroup\"}}"));
	CHECK_STR(attribute_of("Db", "DeletionPolicy"), "Snapshot");
	CHECK_STR(attribute_of("Db", "UpdateReplacePolicy"), "Snapshot");
	/* the family follows the major version; TLS is forced before the caller's parameters */
	CHECK(cf_has("DbParameterGroup", "{\"Family\":\"postgres17\",\"Parameters\":"
				      "{\"rds.force_ssl\":\"1\",\"log_statement\":\"ddl\"}}"));
	/* the isolated subnets only */
	CHECK(cf_has("DbSubnetGroup", "{\"SubnetIds\":[{\"Ref\":\"VpcIsolatedSubnet1\"},"
				   "{\"Ref\":\"VpcIsolatedSubnet2\"}]}"));
	/* the password is generated into a KMS-encrypted secret, never written */
	CHECK(cf_has("DbMasterSecret", "{\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},"
				    "\"GenerateSecretString\":{\"SecretStringTemplate\":"
				    "\"{\\\"username\\\":\\\"admin\\\"}\",\"PasswordLength\":32}}"));
	CHECK(cf_has("DbMasterSecretRotation", "{\"HostedRotationLambda\":{\"RotationType\":"
					    "\"PostgreSQLSingleUser\"}}"));
	/* the master password outlives the stack with the snapshot it opens */
	CHECK_STR(attribute_of("DbMasterSecret", "DeletionPolicy"), "Retain");
	CHECK_STR(attribute_of("DbMasterSecret", "UpdateReplacePolicy"), "Retain");
	/* the export log groups exist, encrypted, before the instance */
	/* named after the instance, whose identifier carries the stack's ID: retained, they
	 * outlive the stack, and the next stack of the name must not meet them (SM-DEP-080) */
#define DB_1 "{\"Fn::Join\":[\"-\",[\"db-1\",{\"Fn::Select\":[0,{\"Fn::Split\":[\"-\",{\"Fn::Select\":[2," \
	     "{\"Fn::Split\":[\"/\",{\"Ref\":\"AWS::StackId\"}]}]}]}]}]]}"
	CHECK(cf_has("Db", "{\"DBInstanceIdentifier\":" DB_1 "}"));
	CHECK(cf_has("DbLogsPostgresql", "{\"LogGroupName\":{\"Fn::Join\":[\"\",[\"/aws/rds/instance/\"," DB_1
				      ",\"/postgresql\"]]},"
				      "\"KmsKeyId\":{\"Fn::GetAtt\":[\"LogsKey\",\"Arn\"]}}"));
	CHECK(cf_depends("Db", "DbLogsPostgresql"));
	CHECK(cf_depends("Db", "DbMonitoringRolePolicy"));
	/* a replica keeps the protection and the parameter group */
	rds_postgres_add_replica(stack, "DbReplica", &db, "db-1-replica");
	CHECK(cf_has("DbReplica", "{\"SourceDBInstanceIdentifier\":{\"Ref\":\"Db\"},"
			       "\"DeletionProtection\":true,\"PubliclyAccessible\":false,"
			       "\"DBParameterGroupName\":{\"Ref\":\"DbParameterGroup\"}}"));
	diag_list_release(&dl);
}

TEST(rds_postgres_is_weakened_only_when_asked)
{
	struct rds_postgres db;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(postgres("16.4", true, &db, &dl) == 0);
	CHECK(cf_has("Db", "{\"MultiAZ\":false,\"DeletionProtection\":false,"
			"\"PubliclyAccessible\":false,\"StorageEncrypted\":true}"));
	CHECK_STR(attribute_of("Db", "DeletionPolicy"), "Delete");
	CHECK(attribute_of("DbMasterSecret", "DeletionPolicy") == NULL);
	CHECK(cf_has("DbParameterGroup", "{\"Family\":\"postgres16\"}"));
	diag_list_release(&dl);
}

TEST(rds_postgres_refuses_a_version_without_a_major)
{
	struct rds_postgres db;
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(postgres("latest", false, &db, &dl) == -1);
	CHECK(dl.nr == 1);
	CHECK_CONTAINS(dl.nr ? dl.items[0].message : NULL, "'latest'");
	CHECK(sm_stack_find_resource(stack, "Db") == NULL);
	diag_list_release(&dl);
}

TEST(rds_cross_region_replica_defaults_are_the_secure_ones)
{
	struct rds_postgres db;
	struct diag_list dl = DIAG_LIST_INIT;
	stack = cf_scratch();
	CHECK(vpc_new(stack, "Vpc", &(struct vpc_props){.cidr = "10.2.0.0/16"}, &vpc, &dl) == 0);
	CHECK(rds_postgres_cross_region_replica_new(
		      stack, "Db",
		      &(struct rds_cross_region_replica_props){
			      .identifier = "db-dr",
			      .source_arn = json_string("arn:aws:rds:eu-west-1:123456789012:db:db-1"),
			      .engine_version = "16.4",
			      .instance_class = "db.t4g.micro",
			      .where = placement(NULL)},
		      &db, &dl) == 0);
	CHECK(cf_has("DbReplica", "{\"SourceDBInstanceIdentifier\":\"arn:aws:rds:eu-west-1:123456789012:db:db-1\","
			       "\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},\"MultiAZ\":true,"
			       "\"DeletionProtection\":true,\"PubliclyAccessible\":false,"
			       "\"DBSubnetGroupName\":{\"Ref\":\"DbSubnetGroup\"}}"));
	CHECK_STR(attribute_of("DbReplica", "DeletionPolicy"), "Retain");
	CHECK(cf_has("DbParameterGroup", "{\"Family\":\"postgres16\",\"Parameters\":{\"rds.force_ssl\":\"1\"}}"));
	CHECK(cf_depends("DbReplica", "DbLogsPostgresql") == false);
	CHECK(cf_depends("DbReplica", "DbReplicaLogsPostgresql"));
	diag_list_release(&dl);
}

static int web_acl(bool behind_cloudfront, const char *log_name, struct diag_list *dl)
{
	struct waf_web_acl acl;
	stack = cf_scratch();
	return waf_web_acl_new(stack, "Acl",
			       &(struct waf_web_acl_props){.behind_cloudfront = behind_cloudfront,
							   .metric_name = "ShopAlb",
							   .log_group_name = log_name,
							   .logs_key = cf_any("LogsKey", "AWS::KMS::Key"),
							   .log_retention_days = 90},
			       &acl, dl);
}

TEST(waf_web_acl_defaults_are_the_secure_ones)
{
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(web_acl(false, "aws-waf-logs-shop", &dl) == 0);
	CHECK(cf_has("Acl", "{\"Scope\":\"REGIONAL\",\"DefaultAction\":{\"Allow\":{}},\"Rules\":["
			 "{\"Name\":\"AWSManagedRulesAmazonIpReputationList\",\"Priority\":0},"
			 "{\"Name\":\"AWSManagedRulesCommonRuleSet\"},"
			 "{\"Name\":\"AWSManagedRulesKnownBadInputsRuleSet\"},"
			 "{\"Name\":\"AWSManagedRulesSQLiRuleSet\"},"
			 "{\"Name\":\"RateLimitPerIp\",\"Action\":{\"Block\":{}},\"Statement\":"
			 "{\"RateBasedStatement\":{\"Limit\":2000,\"AggregateKeyType\":\"IP\"}}}],"
			 "\"VisibilityConfig\":{\"MetricName\":\"ShopAlb\",\"SampledRequestsEnabled\":true}}"));
	CHECK(json_array_size(json_object_get(
		      json_object_get(json_object_get(json_object_get(cf_resolved(), "Resources"), "Acl"),
				      "Properties"),
		      "Rules")) == 5);
	/* every request logged, encrypted */
	/* named per stack: retained, the group outlives it (SM-DEP-080) */
	CHECK(cf_has("AclLogs", "{\"LogGroupName\":{\"Fn::Join\":[\"-\",[\"aws-waf-logs-shop\",{\"Fn::Select\":[0,"
			     "{\"Fn::Split\":[\"-\",{\"Fn::Select\":[2,{\"Fn::Split\":[\"/\",{\"Ref\":\"AWS::StackId\"}]}]}]}]}]]},"
			     "\"RetentionInDays\":90,"
			     "\"KmsKeyId\":{\"Fn::GetAtt\":[\"LogsKey\",\"Arn\"]}}"));
	CHECK(cf_has("AclLogging", "{\"ResourceArn\":{\"Fn::GetAtt\":[\"Acl\",\"Arn\"]},"
				"\"LogDestinationConfigs\":[{\"Fn::GetAtt\":[\"AclLogs\",\"Arn\"]}]}"));
	diag_list_release(&dl);
}

/* behind CloudFront the limit keys on the viewer's address, and direct requests on their source */
TEST(waf_web_acl_behind_cloudfront_limits_the_forwarded_address)
{
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(web_acl(true, "aws-waf-logs-shop", &dl) == 0);
	CHECK(cf_has("Acl", "{\"Rules\":[{},{},{},{},"
			 "{\"Name\":\"RateLimitPerForwardedIp\",\"Statement\":{\"RateBasedStatement\":"
			 "{\"AggregateKeyType\":\"FORWARDED_IP\",\"ForwardedIPConfig\":"
			 "{\"HeaderName\":\"X-Forwarded-For\"}}}},"
			 "{\"Name\":\"RateLimitPerIpDirect\",\"Statement\":{\"RateBasedStatement\":"
			 "{\"AggregateKeyType\":\"IP\",\"ScopeDownStatement\":{\"NotStatement\":{}}}}}]}"));
	diag_list_release(&dl);
}

TEST(waf_web_acl_refuses_a_log_group_waf_cannot_write)
{
	struct diag_list dl = DIAG_LIST_INIT;
	CHECK(web_acl(false, "/waf/shop", &dl) == -1);
	CHECK(dl.nr == 1);
	CHECK_CONTAINS(dl.nr ? dl.items[0].message : NULL, "aws-waf-logs-");
	CHECK(sm_stack_find_resource(stack, "Acl") == NULL);
	diag_list_release(&dl);
}

TEST(alarm_sets_notify_on_alarm_and_on_ok)
{
	stack = cf_scratch();
	struct sm_resource *topic = cf_any("Topic", "AWS::SNS::Topic");
	alarms_for_load_balancer(
		stack, "",
		&(struct load_balancer_alarm_props){
			.load_balancer = cf_any("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
			.target_group = cf_any("Tg", "AWS::ElasticLoadBalancingV2::TargetGroup"),
			.latency_p95_seconds = 0.5,
			.latency_description = "slow"},
		topic);
	alarms_for_postgres(stack, cf_any("Db", "AWS::RDS::DBInstance"), "db.r6g.large", topic);
	alarms_for_postgres(stack, cf_any("Small", "AWS::RDS::DBInstance"), "db.t4g.micro", topic);
	const char *ids[] = {"Alb5xxAlarm", "Target5xxAlarm", "LatencyP95Alarm",
			     "UnhealthyHostsAlarm", "DbCpuAlarm", "DbStorageAlarm",
			     "DbConnectionsAlarm"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		CHECK(cf_has(ids[i], "{\"AlarmActions\":[{\"Ref\":\"Topic\"}],\"OKActions\":"
				  "[{\"Ref\":\"Topic\"}],\"TreatMissingData\":\"notBreaching\"}"));
	/* a percentile is an extended statistic; the target is the caller's */
	CHECK(cf_has("LatencyP95Alarm", "{\"ExtendedStatistic\":\"p95\",\"Threshold\":0.5}"));
	CHECK(cf_has("UnhealthyHostsAlarm", "{\"Dimensions\":[{\"Name\":\"LoadBalancer\"},"
					 "{\"Name\":\"TargetGroup\"}]}"));
	/* 80 % of LEAST(memory / 9531392, 5000): 16 GiB and 1 GiB of memory */
	CHECK(cf_has("DbConnectionsAlarm", "{\"Threshold\":1441.0}"));
	CHECK(cf_has("SmallConnectionsAlarm", "{\"Threshold\":90.0}"));
	alarm_topic_new(stack, "Alerts", "alerts", cf_any("Key", "AWS::KMS::Key"), "ops@example.com");
	CHECK(cf_has("Alerts", "{\"KmsMasterKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]}}"));
	/* TLS only, and CloudWatch publishes for this account's alarms only */
	CHECK(cf_has("AlertsPolicy", "{\"PolicyDocument\":{\"Statement\":[{\"Effect\":\"Deny\","
				  "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}},"
				  "{\"Principal\":{\"Service\":\"cloudwatch.amazonaws.com\"},"
				  "\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":"
				  "{\"Ref\":\"AWS::AccountId\"}}}}]}}"));
	CHECK(cf_has("AlertsEmail", "{\"Protocol\":\"email\",\"Endpoint\":\"ops@example.com\"}"));
	alarm_replica_lag(stack, "LagAlarm", cf_any("Replica", "AWS::RDS::DBInstance"), 30, topic);
	CHECK(cf_has("LagAlarm", "{\"MetricName\":\"ReplicaLag\",\"Threshold\":30.0,"
			      "\"Dimensions\":[{\"Value\":{\"Ref\":\"Replica\"}}]}"));
}

TEST(cdn_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	struct sm_resource *bucket = cf_any("Assets", "AWS::S3::Bucket");
	struct sm_resource *headers = cdn_security_headers_new(stack, "Headers", "shop-headers");
	struct sm_resource *oac = cdn_origin_access_control_new(stack, "Oac", "shop-assets");
	cdn_distribution_new(stack, "Cdn",
			     &(struct cdn_distribution_props){
				     .aliases = json_pack("[s]", "shop.example"),
				     .bucket = bucket,
				     .origin_access_control = oac,
				     .api_domain = "origin.shop.example",
				     .api_path = "/api/*",
				     .headers_policy = headers,
				     .certificate_arn = json_string("arn:aws:acm:us-east-1:1:certificate/x"),
				     .price_class = "PriceClass_100",
				     .web_acl = cf_any("Acl", "AWS::WAFv2::WebACL"),
				     .log_bucket = cf_any("Logs", "AWS::S3::Bucket")});
	CHECK(cf_has("Oac", "{\"OriginAccessControlConfig\":{\"SigningBehavior\":\"always\","
			 "\"SigningProtocol\":\"sigv4\",\"OriginAccessControlOriginType\":\"s3\"}}"));
	CHECK(cf_has("Headers", "{\"ResponseHeadersPolicyConfig\":{\"SecurityHeadersConfig\":{"
			     "\"StrictTransportSecurity\":{\"AccessControlMaxAgeSec\":63072000,"
			     "\"IncludeSubdomains\":true,\"Preload\":true},"
			     "\"FrameOptions\":{\"FrameOption\":\"DENY\"}}}}"));
	CHECK(cf_has("Cdn", "{\"DistributionConfig\":{"
			 "\"ViewerCertificate\":{\"MinimumProtocolVersion\":\"TLSv1.2_2021\","
			 "\"SslSupportMethod\":\"sni-only\"},"
			 "\"DefaultCacheBehavior\":{\"ViewerProtocolPolicy\":\"redirect-to-https\","
			 "\"ResponseHeadersPolicyId\":{\"Ref\":\"Headers\"}},"
			 "\"CacheBehaviors\":[{\"PathPattern\":\"/api/*\",\"ViewerProtocolPolicy\":"
			 "\"https-only\",\"CachePolicyId\":\"" CDN_CACHE_DISABLED "\"}],"
			 "\"Origins\":[{\"OriginAccessControlId\":{\"Fn::GetAtt\":[\"Oac\",\"Id\"]}},"
			 "{\"CustomOriginConfig\":{\"OriginProtocolPolicy\":\"https-only\","
			 "\"OriginSSLProtocols\":[\"TLSv1.2\"]}}],"
			 "\"WebACLId\":{\"Fn::GetAtt\":[\"Acl\",\"Arn\"]},"
			 "\"Logging\":{\"Bucket\":{\"Fn::GetAtt\":[\"Logs\",\"DomainName\"]}}}}"));
}

TEST(bucket_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Plain", &(struct bucket_props){0}, &b);
	CHECK(cf_has("Plain", "{\"BucketEncryption\":{\"ServerSideEncryptionConfiguration\":[{"
			   "\"ServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]},"
			   "\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,"
			   "\"BlockPublicPolicy\":true,\"IgnorePublicAcls\":true,"
			   "\"RestrictPublicBuckets\":true},"
			   "\"VersioningConfiguration\":{\"Status\":\"Enabled\"},"
			   "\"OwnershipControls\":{\"Rules\":[{\"ObjectOwnership\":"
			   "\"BucketOwnerEnforced\"}]}}"));
	CHECK(cf_has("PlainPolicy", "{\"Bucket\":{\"Ref\":\"Plain\"},\"PolicyDocument\":{"
				 "\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":"
				 "\"Deny\",\"Action\":[\"s3:*\"],\"Condition\":{\"Bool\":{"
				 "\"aws:SecureTransport\":\"false\"}}}]}}"));
	const json_t *props = json_object_get(
		json_object_get(json_object_get(cf_resolved(), "Resources"), "Plain"), "Properties");
	CHECK(!json_object_get(props, "LoggingConfiguration"));
	CHECK(!json_object_get(props, "LifecycleConfiguration"));

	struct sm_resource *key = kms_key_new(stack, "Key", "test key", NULL, NULL);
	bucket_new(stack, "Sealed",
		   &(struct bucket_props){.kms_key = key,
					  .access_log_bucket = b.bucket,
					  .access_log_prefix = "s3/sealed/"},
		   &b);
	CHECK(cf_has("Sealed", "{\"BucketEncryption\":{\"ServerSideEncryptionConfiguration\":[{"
			    "\"ServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\","
			    "\"KMSMasterKeyID\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]}},"
			    "\"BucketKeyEnabled\":true}]},\"LoggingConfiguration\":{"
			    "\"DestinationBucketName\":{\"Ref\":\"Plain\"},"
			    "\"LogFilePrefix\":\"s3/sealed/\"}}"));
	/* a key is kept (Retain) and rotated unless said otherwise */
	CHECK(cf_has("Key", "{\"EnableKeyRotation\":true,\"Enabled\":true}"));
	const json_t *k = json_object_get(json_object_get(cf_resolved(), "Resources"), "Key");
	CHECK_STR(json_string_value(json_object_get(k, "DeletionPolicy")), "Retain");
}

TEST(bucket_lifecycle_rules_come_from_a_table)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Logs",
		   &(struct bucket_props){
			   .lifecycle = (const struct bucket_lifecycle_rule[]){
				   {.id = "Expire", .expiration_days = 90, .noncurrent_days = 7},
				   {.id = "Archive",
				    .prefix = "old/",
				    .transition_to = "GLACIER",
				    .transition_days = 30},
				   {.id = "Abort", .abort_incomplete_days = 1},
				   {0}}},
		   &b);
	CHECK(cf_has("Logs", "{\"LifecycleConfiguration\":{\"Rules\":["
			  "{\"Id\":\"Expire\",\"Status\":\"Enabled\",\"ExpirationInDays\":90,"
			  "\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":7}},"
			  "{\"Id\":\"Archive\",\"Status\":\"Enabled\",\"Prefix\":\"old/\","
			  "\"Transitions\":[{\"StorageClass\":\"GLACIER\",\"TransitionInDays\":30}]},"
			  "{\"Id\":\"Abort\",\"Status\":\"Enabled\",\"AbortIncompleteMultipartUpload\":"
			  "{\"DaysAfterInitiation\":1}}]}}"));
	const json_t *rules = json_object_get(
		json_object_get(json_object_get(json_object_get(json_object_get(cf_resolved(),
										 "Resources"),
							"Logs"),
					"Properties"),
				"LifecycleConfiguration"),
		"Rules");
	CHECK(json_array_size(rules) == 3);
}

TEST(bucket_lifecycle_rule_without_id_fails_naming_it)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Logs",
		   &(struct bucket_props){.lifecycle = (const struct bucket_lifecycle_rule[]){
					  {.expiration_days = 90}, {0}}},
		   &b);
	CHECK(cf_fails_naming("'Id'"));
}

TEST(bucket_replication_names_only_its_buckets_and_keys)
{
	stack = cf_scratch();
	struct bucket src, dst;
	struct sm_resource *key = kms_key_new(stack, "Key", "source", NULL, NULL);
	struct sm_resource *rkey = kms_key_new(stack, "ReplicaKey", "replica", NULL, NULL);
	bucket_new(stack, "ReplicaBucket", &(struct bucket_props){.kms_key = rkey}, &dst);
	bucket_new(stack, "AssetsBucket", &(struct bucket_props){.kms_key = key}, &src);
	struct sm_resource *role = bucket_replicate(
		&src, &(struct bucket_replication_props){.rule_id = "ToDr",
							 .source_key = key,
							 .destination = dst.bucket,
							 .destination_key = rkey});
	CHECK_STR(sm_resource_id(role), "AssetsReplicationRole");
	CHECK(cf_has("AssetsBucket",
		  "{\"ReplicationConfiguration\":{\"Role\":{\"Fn::GetAtt\":[\"AssetsReplicationRole\","
		  "\"Arn\"]},\"Rules\":[{\"Id\":\"ToDr\",\"Status\":\"Enabled\",\"Filter\":{},"
		  "\"SourceSelectionCriteria\":{\"SseKmsEncryptedObjects\":{\"Status\":\"Enabled\"}},"
		  "\"Destination\":{\"Bucket\":{\"Fn::GetAtt\":[\"ReplicaBucket\",\"Arn\"]},"
		  "\"EncryptionConfiguration\":{\"ReplicaKmsKeyID\":{\"Fn::GetAtt\":[\"ReplicaKey\","
		  "\"Arn\"]}}},\"DeleteMarkerReplication\":{\"Status\":\"Disabled\"}}]}}"));
	CHECK(cf_has("AssetsReplicationPolicy",
		  "{\"Roles\":[{\"Ref\":\"AssetsReplicationRole\"}],\"PolicyDocument\":{"
		  "\"Statement\":[{\"Action\":[\"s3:GetReplicationConfiguration\",\"s3:ListBucket\"],"
		  "\"Resource\":[{\"Fn::GetAtt\":[\"AssetsBucket\",\"Arn\"]}]}]}}"));
}

TEST(bucket_replication_without_destination_fails_naming_it)
{
	stack = cf_scratch();
	struct bucket src;
	struct sm_resource *key = kms_key_new(stack, "Key", "source", NULL, NULL);
	bucket_new(stack, "AssetsBucket", &(struct bucket_props){.kms_key = key}, &src);
	bucket_replicate(&src, &(struct bucket_replication_props){.rule_id = "ToDr",
								  .source_key = key,
								  .destination_key = key});
	CHECK(cf_fails_naming("Destination.Bucket"));
}

TEST(bucket_delivery_statement_and_its_failure)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Logs", &(struct bucket_props){0}, &b);
	bucket_allow_delivery(&b, "S3Logs", iam_service("logging.s3.amazonaws.com"), "/s3/*",
			      iam_condition("StringEquals", "aws:SourceAccount",
					    json_string("111122223333"), NULL));
	CHECK(cf_has("LogsPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"},"
		  "{\"Sid\":\"S3Logs\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
		  "\"logging.s3.amazonaws.com\"},\"Action\":\"s3:PutObject\",\"Condition\":{"
		  "\"StringEquals\":{\"aws:SourceAccount\":\"111122223333\"}}}]}}"));
	/* a principal that could not be built fails the synthesis, naming it */
	bucket_allow_delivery(&b, "Nobody", NULL, "/x/*", NULL);
	CHECK(cf_fails_naming("'Principal'"));
}

/* two conditions on one operator keep both keys; one key twice fails loudly */
TEST(condition_and_merges_an_operator_and_refuses_a_key_twice)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Logs", &(struct bucket_props){0}, &b);
	bucket_allow_delivery(
		&b, "Both", iam_service("logging.s3.amazonaws.com"), "/s3/*",
		iam_condition_and(iam_condition("StringEquals", "aws:SourceAccount",
						json_string("111122223333"), NULL),
				  iam_condition("StringEquals", "aws:SourceOrgID",
						json_string("o-1"), NULL)));
	CHECK(cf_has("LogsPolicy",
		     "{\"PolicyDocument\":{\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"},"
		     "{\"Sid\":\"Both\",\"Condition\":{\"StringEquals\":{"
		     "\"aws:SourceAccount\":\"111122223333\",\"aws:SourceOrgID\":\"o-1\"}}}]}}"));
	bucket_allow_delivery(
		&b, "Twice", iam_service("logging.s3.amazonaws.com"), "/x/*",
		iam_condition_and(iam_condition("StringEquals", "aws:SourceAccount",
						json_string("111122223333"), NULL),
				  iam_condition("StringEquals", "aws:SourceAccount",
						json_string("444455556666"), NULL)));
	CHECK(cf_fails_naming("'aws:SourceAccount' given twice under StringEquals"));
}

TEST(cloudtrail_defaults_are_the_secure_ones)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Audit", &(struct bucket_props){0}, &b);
	struct sm_resource *key =
		kms_key_new(stack, "Key", "audit", cloudtrail_key_statements("t"), NULL);
	cloudtrail_new(stack, "Trail",
		       &(struct cloudtrail_props){.name = "t",
						  .bucket = &b,
						  .prefix = "ct",
						  .kms_key = key,
						  .log_retention_days = 365});
	CHECK(cf_has("Trail", "{\"TrailName\":\"t\",\"IsLogging\":true,\"S3KeyPrefix\":\"ct\","
			   "\"IsMultiRegionTrail\":true,\"IncludeGlobalServiceEvents\":true,"
			   "\"EnableLogFileValidation\":true,\"KMSKeyId\":{\"Fn::GetAtt\":[\"Key\","
			   "\"Arn\"]},\"CloudWatchLogsLogGroupArn\":{\"Fn::GetAtt\":[\"TrailLogs\","
			   "\"Arn\"]},\"CloudWatchLogsRoleArn\":{\"Fn::GetAtt\":[\"TrailLogsRole\","
			   "\"Arn\"]}}"));
	CHECK(cf_has("TrailLogs", "{\"RetentionInDays\":365,\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\","
			       "\"Arn\"]}}"));
	/* it waits for the bucket's policy and its role's: CloudTrail checks both at creation */
	CHECK(cf_depends("Trail", "AuditPolicy"));
	CHECK(cf_depends("Trail", "TrailLogsRolePolicy"));
	/* the bucket lets this trail only write, with the owner in control of the objects */
	CHECK(cf_has("AuditPolicy",
		  "{\"PolicyDocument\":{\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"},"
		  "{\"Sid\":\"CloudTrailAclCheck\",\"Action\":\"s3:GetBucketAcl\"},"
		  "{\"Sid\":\"CloudTrailWrite\",\"Action\":\"s3:PutObject\",\"Condition\":{"
		  "\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\",\"aws:SourceArn\":"
		  "{\"Fn::Sub\":\"arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:"
		  "trail/t\"}}}}]}}"));
	CHECK(cf_has("Key", "{\"KeyPolicy\":{\"Statement\":[{\"Action\":\"kms:*\"},"
			 "{\"Sid\":\"AllowCloudTrailEncrypt\",\"Action\":\"kms:GenerateDataKey*\"},"
			 "{\"Sid\":\"AllowCloudTrailDescribeKey\",\"Action\":\"kms:DescribeKey\"}]}}"));
}

TEST(cloudtrail_without_a_key_fails_naming_it)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Audit", &(struct bucket_props){0}, &b);
	cloudtrail_new(stack, "Trail",
		       &(struct cloudtrail_props){
			       .name = "t", .bucket = &b, .prefix = "ct", .log_retention_days = 365});
	CHECK(cf_fails_naming("'KMSKeyId'"));
}

TEST(config_records_everything_and_rules_wait_for_it)
{
	stack = cf_scratch();
	struct bucket b;
	bucket_new(stack, "Audit", &(struct bucket_props){0}, &b);
	struct config_recorder rec;
	config_recorder_new(stack, "Config",
			    &(struct config_recorder_props){.bucket = &b, .prefix = "config"}, &rec);
	static const char *const rules[] = {"S3_BUCKET_SSL_REQUESTS_ONLY", NULL};
	config_managed_rules_new(stack, "Rule", "shop-", rules, &rec);
	CHECK(cf_has("ConfigRecorder", "{\"RecordingGroup\":{\"AllSupported\":true,"
				    "\"IncludeGlobalResourceTypes\":true}}"));
	CHECK(cf_has("ConfigDeliveryChannel", "{\"S3KeyPrefix\":\"config\"}"));
	CHECK(cf_depends("ConfigDeliveryChannel", "ConfigRecorder"));
	CHECK(cf_depends("ConfigDeliveryChannel", "AuditPolicy"));
	CHECK(cf_depends("ConfigDeliveryChannel", "ConfigRolePolicy"));
	CHECK(cf_has("Rule1", "{\"ConfigRuleName\":\"shop-s3-bucket-ssl-requests-only\",\"Source\":{"
			   "\"Owner\":\"AWS\",\"SourceIdentifier\":\"S3_BUCKET_SSL_REQUESTS_ONLY\"}}"));
	CHECK(cf_depends("Rule1", "ConfigRecorder") && cf_depends("Rule1", "ConfigDeliveryChannel"));
	/* the account's own recorder: the rules wait for nothing */
	config_managed_rules_new(stack, "Own", "shop-", rules, NULL);
	CHECK(!json_object_get(cf_resource("Own1"), "DependsOn"));
}

TEST(dns_constructs_validate_and_fail_over)
{
	stack = cf_scratch();
	dns_certificate_new(stack, "Cert",
			    &(struct dns_certificate_props){.domain = "shop.example",
							    .alternative_name = "www.shop.example",
							    .hosted_zone_id = "Z1"});
	CHECK(cf_has("Cert", "{\"ValidationMethod\":\"DNS\",\"DomainValidationOptions\":["
			  "{\"DomainName\":\"shop.example\",\"HostedZoneId\":\"Z1\"},"
			  "{\"DomainName\":\"www.shop.example\",\"HostedZoneId\":\"Z1\"}]}"));
	struct sm_resource *checks[3] = {NULL};
	static const char *const names[] = {"shop.example", "origin.shop.example"};
	for (int i = 0; i < 2; i++)
		checks[i] = dns_https_check_new(
			stack, i ? "B" : "A",
			&(struct dns_https_check_props){.domain = json_string(names[i]),
							.path = i ? "/health" : "/",
							.interval_seconds = 30,
							.failure_threshold = 3});
	struct sm_resource *all =
		dns_all_healthy_new(stack, "Both", (const struct sm_resource *const *)checks);
	dns_alias_new(stack, "Apex",
		      &(struct dns_alias_props){.hosted_zone_id = "Z1",
						.name = "shop.example",
						.type = "A",
						.target = json_string("d1.cloudfront.net"),
						.target_zone = DNS_CLOUDFRONT_ZONE,
						.primary_check = all});
	CHECK(cf_has("A", "{\"HealthCheckConfig\":{\"Type\":\"HTTPS\",\"Port\":443,\"EnableSNI\":true}}"));
	CHECK(cf_has("Both", "{\"HealthCheckConfig\":{\"Type\":\"CALCULATED\",\"HealthThreshold\":2}}"));
	CHECK(cf_has("Apex", "{\"Failover\":\"PRIMARY\",\"HealthCheckId\":{\"Ref\":\"Both\"},"
			  "\"AliasTarget\":{\"HostedZoneId\":\"" DNS_CLOUDFRONT_ZONE "\"}}"));
	/* a load balancer's zone is an attribute of it, not a constant */
	struct sm_resource *lb = cf_any("Lb", "AWS::ElasticLoadBalancingV2::LoadBalancer");
	dns_alias_new(stack, "Origin",
		      &(struct dns_alias_props){.hosted_zone_id = "Z1",
						.name = "origin.shop.example",
						.type = "A",
						.target = sm_getatt(lb, "DNSName"),
						.target_zone_ref = sm_getatt(lb, "CanonicalHostedZoneID")});
	CHECK(cf_has("Origin", "{\"AliasTarget\":{\"DNSName\":{\"Fn::GetAtt\":[\"Lb\",\"DNSName\"]},"
			    "\"HostedZoneId\":{\"Fn::GetAtt\":[\"Lb\",\"CanonicalHostedZoneID\"]},"
			    "\"EvaluateTargetHealth\":false}}"));
	CHECK(!json_object_get(json_object_get(cf_resource("Origin"), "Properties"), "Failover"));
}

TEST(dns_certificate_without_a_zone_fails_naming_it)
{
	stack = cf_scratch();
	dns_certificate_new(stack, "Cert",
			    &(struct dns_certificate_props){.domain = "shop.example",
							    .alternative_name = "www.shop.example"});
	CHECK(cf_fails_naming("HostedZoneId"));
}

TEST(secret_is_generated_and_encrypted)
{
	stack = cf_scratch();
	struct sm_resource *key = kms_key_new(stack, "Key", "k", NULL, NULL);
	secret_new(stack, "Secret",
		   &(struct secret_props){.name = "shop/app",
					  .description = "app",
					  .kms_key = key,
					  .generate_key = "sessionKey",
					  .length = 48});
	CHECK(cf_has("Secret", "{\"KmsKeyId\":{\"Fn::GetAtt\":[\"Key\",\"Arn\"]},"
			    "\"GenerateSecretString\":{\"GenerateStringKey\":\"sessionKey\","
			    "\"PasswordLength\":48}}"));
	CHECK(!json_object_get(json_object_get(cf_resource("Secret"), "Properties"), "SecretString"));
	CHECK(cf_has("Secret", "{\"Name\":\"shop/app\"}"));
	/* a name per stack, for a secret that outlives it (SM-DEP-080) */
	stack = cf_scratch();
	key = kms_key_new(stack, "Key", "k", NULL, NULL);
	secret_new(stack, "Secret",
		   &(struct secret_props){.name = "shop/app",
					  .description = "app",
					  .kms_key = key,
					  .generate_key = "sessionKey",
					  .length = 48,
					  .name_per_stack = true,
					  .retain_policy = "Retain"});
	CHECK(cf_has("Secret", "{\"Name\":{\"Fn::Join\":[\"-\",[\"shop/app\",{\"Fn::Select\":[0,"
			    "{\"Fn::Split\":[\"-\",{\"Fn::Select\":[2,{\"Fn::Split\":[\"/\","
			    "{\"Ref\":\"AWS::StackId\"}]}]}]}]}]]}}"));
	stack = cf_scratch();
	secret_new(stack, "Secret",
		   &(struct secret_props){.name = "shop/app",
					  .description = "app",
					  .generate_key = "sessionKey",
					  .length = 48});
	CHECK(cf_fails_naming("'KmsKeyId'"));
}

int main(void)
{
	RUN(alb_defaults_are_the_secure_ones);
	RUN(alb_deletion_protection_is_dropped_only_when_asked);
	RUN(ecs_variables_are_name_value_pairs);
	RUN(rds_postgres_defaults_are_the_secure_ones);
	RUN(rds_postgres_is_weakened_only_when_asked);
	RUN(rds_postgres_refuses_a_version_without_a_major);
	RUN(rds_cross_region_replica_defaults_are_the_secure_ones);
	RUN(waf_web_acl_defaults_are_the_secure_ones);
	RUN(waf_web_acl_behind_cloudfront_limits_the_forwarded_address);
	RUN(waf_web_acl_refuses_a_log_group_waf_cannot_write);
	RUN(alarm_sets_notify_on_alarm_and_on_ok);
	RUN(cdn_defaults_are_the_secure_ones);
	RUN(bucket_defaults_are_the_secure_ones);
	RUN(bucket_lifecycle_rules_come_from_a_table);
	RUN(bucket_lifecycle_rule_without_id_fails_naming_it);
	RUN(bucket_replication_names_only_its_buckets_and_keys);
	RUN(bucket_replication_without_destination_fails_naming_it);
	RUN(bucket_delivery_statement_and_its_failure);
	RUN(condition_and_merges_an_operator_and_refuses_a_key_twice);
	RUN(cloudtrail_defaults_are_the_secure_ones);
	RUN(cloudtrail_without_a_key_fails_naming_it);
	RUN(config_records_everything_and_rules_wait_for_it);
	RUN(dns_constructs_validate_and_fail_over);
	RUN(dns_certificate_without_a_zone_fails_naming_it);
	RUN(secret_is_generated_and_encrypted);
	cf_release();
	return test_done();
}
