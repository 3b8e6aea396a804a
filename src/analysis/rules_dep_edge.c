/*
 * Deployability rules (SM-DEP-02x): regions and scopes, what a service needs
 * of its log or delivery bucket, and edge set-ups that deploy but cannot work.
 */
#include <stdio.h>
#include <strings.h>

#include "analysis/check_ctx.h"
#include "base/common.h"

static const struct sm_rule_meta dep_cf_cert_region = DEP_RULE(
	"021", SM_SEV_ERROR, "CloudFront certificate outside us-east-1",
	"CloudFront only takes ACM certificates from US East (N. Virginia): the distribution fails "
	"with 'The specified SSL certificate doesn't exist, isn't in us-east-1 region'.",
	"Request or import the certificate in us-east-1 (a stack or config in us-east-1) and use "
	"that ARN.",
	"https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html");
static const struct sm_rule_meta dep_waf_scope = DEP_RULE(
	"022", SM_SEV_ERROR, "WAF web ACL of the wrong scope or region for what it protects",
	"A web ACL of scope CLOUDFRONT can only be created in us-east-1 and only attached to "
	"distributions; a REGIONAL web ACL cannot be a distribution's WebACLId, and a CLOUDFRONT "
	"one "
	"cannot be associated with a load balancer or API.",
	"Create CLOUDFRONT-scope web ACLs in a us-east-1 stack for distributions; use REGIONAL "
	"ones "
	"in the resource's region for load balancers and APIs.",
	"https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html");
static const struct sm_rule_meta dep_elb_log_bucket = DEP_RULE(
	"023", SM_SEV_ERROR, "Load balancer access logs to a bucket encrypted with KMS",
	"Elastic Load Balancing only writes access logs to buckets encrypted with S3-managed keys "
	"(SSE-S3); with SSE-KMS default encryption the attribute update fails (Access Denied for "
	"bucket) and no log is written.",
	"Give the access-log bucket SSEAlgorithm AES256 and a policy for the ELB log delivery "
	"principal.",
	"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/"
	"enable-access-logging.html");
static const struct sm_rule_meta dep_cf_log_bucket = DEP_RULE(
	"024", SM_SEV_ERROR, "CloudFront standard logs to a bucket with ACLs disabled",
	"CloudFront standard logging (legacy) writes with the awslogsdelivery account's ACL grant: "
	"a bucket with ObjectOwnership BucketOwnerEnforced (the default for new buckets since "
	"April "
	"2023) makes the distribution fail: 'The S3 bucket that you specified for CloudFront logs "
	"does not enable ACL access'.",
	"Set the log bucket's OwnershipControls to BucketOwnerPreferred (ACLs enabled), or use "
	"standard logging v2 (AWS::Logs::DeliverySource/Delivery).",
	"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html");
static const struct sm_rule_meta dep_replication_versioning = DEP_RULE(
	"025", SM_SEV_ERROR, "S3 replication without versioning on the source or destination",
	"S3 replication requires versioning on both buckets: PutBucketReplication answers "
	"InvalidRequest ('Versioning must be Enabled on the bucket').",
	"Set VersioningConfiguration Status Enabled on the source and the destination bucket.",
	"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html");
static const struct sm_rule_meta dep_origin_name = DEP_RULE(
	"026", SM_SEV_ERROR, "HTTPS origin reached by a name its certificate does not cover",
	"CloudFront checks that the origin's certificate matches the origin domain name; a load "
	"balancer's own DNS name (*.elb.amazonaws.com) is in no certificate you can hold, so every "
	"request through that origin answers 502 (SSL negotiation failure).",
	"Point the origin at a DNS name of your domain (a Route 53 alias to the load balancer) "
	"that "
	"the listener's certificate covers.",
	"https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
	"http-502-bad-gateway.html");
static const struct sm_rule_meta dep_ip_behind_proxy = DEP_RULE(
	"027", SM_SEV_ERROR, "WAF rule keyed on the client IP of a load balancer behind CloudFront",
	"Behind CloudFront the load balancer sees CloudFront's edge addresses: a rate limit by IP "
	"throttles every user of one edge together, and IP sets, geo and reputation rules judge "
	"the edge, not the client.",
	"Aggregate on FORWARDED_IP with ForwardedIPConfig (X-Forwarded-For, FallbackBehavior "
	"MATCH), or move the rule to the distribution's CLOUDFRONT web ACL.",
	"https://docs.aws.amazon.com/waf/latest/developerguide/"
	"waf-rule-statement-forwarded-ip-address.html");
static const struct sm_rule_meta dep_nat_route = DEP_RULE(
	"028", SM_SEV_ERROR, "NAT gateway in a subnet without a route to an internet gateway",
	"A public NAT gateway sends traffic out through its subnet's route table: without a "
	"0.0.0.0/0 route to an internet gateway there, the private subnets behind it reach nothing "
	"(image pulls, AWS APIs without endpoints all time out).",
	"Place the NAT gateway in a public subnet, whose route table sends 0.0.0.0/0 to the "
	"internet gateway.",
	"https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html");

/* "arn:aws:acm:REGION:..." -> REGION (into buf); NULL when not a literal ARN. */
static const char *arn_region(const char *arn, char *buf, size_t n)
{
	if (!arn || strncmp(arn, "arn:", 4))
		return NULL;
	const char *p = arn;
	for (int field = 0; field < 3 && p; field++)
		p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
	if (!p)
		return NULL;
	size_t len = strcspn(p, ":");
	if (!len || len >= n)
		return NULL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static void cf_certificate(struct check_ctx *c, const char *id, const json_t *vc)
{
	const json_t *arn = json_object_get(vc, "AcmCertificateArn");
	char buf[32];
	const char *region = arn_region(jstr(arn), buf, sizeof(buf));
	struct sm_template *where;
	const char *cid;
	const json_t *cert = resource_at(c, arn, &where, &cid);
	if (!region && cert && !strcmp(res_type(cert), "AWS::CertificateManager::Certificate"))
		region = where->region;
	if (region && strcmp(region, "us-east-1"))
		check_report(c, &dep_cf_cert_region, id, "DistributionConfig.ViewerCertificate",
			     "distribution '%s' uses a certificate in %s", id, region);
}

static const char *acl_scope(const json_t *acl)
{
	return jstr(jget(acl, "Properties.Scope")) ?: "";
}

static const json_t *bucket_of_domain(struct check_ctx *c, const json_t *v, const char **bid)
{
	/* {"Fn::GetAtt": [B, "DomainName"|"RegionalDomainName"]} or a Ref to the bucket */
	const json_t *b = resource_at(c, v, NULL, bid);
	return b && !strcmp(res_type(b), "AWS::S3::Bucket") ? b : NULL;
}

bool bucket_acls_disabled(const json_t *bucket)
{
	const json_t *rules = jget(bucket, "Properties.OwnershipControls.Rules");
	if (!json_array_size(rules))
		return true; /* new buckets: BucketOwnerEnforced */
	size_t i;
	json_t *r;
	json_array_foreach (rules, i, r) {
		if (!strcmp(jstr(json_object_get(r, "ObjectOwnership")) ?: "",
			    "BucketOwnerEnforced"))
			return true;
	}
	return false;
}

/* Does a load balancer's DNS name (or any *.elb.amazonaws.com name) serve as this origin's domain?
 */
static const char *elb_origin(struct check_ctx *c, const json_t *dn)
{
	const char *lid;
	const json_t *lb = resource_at(c, dn, NULL, &lid);
	if (lb && (!strcmp(res_type(lb), "AWS::ElasticLoadBalancingV2::LoadBalancer") ||
		   !strcmp(res_type(lb), "AWS::ElasticLoadBalancing::LoadBalancer")))
		return lid;
	const char *s = jstr(dn);
	if (s && strstr(s, ".elb.amazonaws.com"))
		return s;
	return NULL;
}

static void distribution(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *dc = json_object_get(p, "DistributionConfig");
	cf_certificate(c, id, json_object_get(dc, "ViewerCertificate"));
	const char *aid;
	const json_t *acl = resource_at(c, json_object_get(dc, "WebACLId"), NULL, &aid);
	if (acl && !strcmp(res_type(acl), "AWS::WAFv2::WebACL") &&
	    strcmp(acl_scope(acl), "CLOUDFRONT"))
		check_report(c, &dep_waf_scope, id, "DistributionConfig.WebACLId",
			     "distribution '%s' uses web ACL '%s' of scope %s (needs CLOUDFRONT)",
			     id, aid, acl_scope(acl));
	const char *bid;
	const json_t *lb = bucket_of_domain(c, jget(dc, "Logging.Bucket"), &bid);
	if (lb && bucket_acls_disabled(lb))
		check_report(c, &dep_cf_log_bucket, id, "DistributionConfig.Logging",
			     "distribution '%s' logs to '%s', whose ACLs are disabled "
			     "(BucketOwnerEnforced)",
			     id, bid);
	size_t i;
	json_t *o;
	json_array_foreach (json_object_get(dc, "Origins"), i, o) {
		const json_t *co = json_object_get(o, "CustomOriginConfig");
		const char *pol = jstr(json_object_get(co, "OriginProtocolPolicy")) ?: "";
		const char *elb = co ? elb_origin(c, json_object_get(o, "DomainName")) : NULL;
		if (elb && (!strcmp(pol, "https-only") || !strcmp(pol, "match-viewer")))
			check_report(c, &dep_origin_name, id, "DistributionConfig.Origins",
				     "origin '%s' of '%s' is reached over HTTPS by the load "
				     "balancer's own "
				     "DNS name ('%s'), which no certificate of yours covers",
				     jstr(json_object_get(o, "Id")) ?: "?", id, elb);
	}
	(void)r;
}

static void web_acl(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *region = c->t->region;
	if (!strcmp(jstr(json_object_get(p, "Scope")) ?: "", "CLOUDFRONT") && region &&
	    strcmp(region, "us-east-1"))
		check_report(c, &dep_waf_scope, id, "Scope",
			     "web ACL '%s' of scope CLOUDFRONT is in %s (must be us-east-1)", id,
			     region);
	(void)r;
}

/* Is the load balancer an origin of a distribution (directly, or by a Route 53 alias)? */
static bool behind_cloudfront(struct check_ctx *c, struct sm_template *lbt, const char *lb)
{
	size_t nd, nrec;
	const struct typed_res *dist = resources_of_type(c, "AWS::CloudFront::Distribution", &nd);
	const struct typed_res *recs = resources_of_type(c, "AWS::Route53::RecordSet", &nrec);
	for (size_t i = 0; i < nd; i++) {
		struct check_ctx sub = *c;
		sub.t = dist[i].t;
		size_t k;
		json_t *o;
		json_array_foreach (jget(dist[i].res, "Properties.DistributionConfig.Origins"), k,
				    o) {
			struct sm_template *w;
			const json_t *dn = json_object_get(o, "DomainName");
			const char *tid = ref_target_any(&sub, dn, &w);
			if (tid && w == lbt && !strcmp(tid, lb))
				return true;
			/* a record name that aliases the load balancer */
			const char *name = jstr(dn);
			size_t n = name ? strlen(name) : 0;
			for (size_t m = 0; name && m < nrec; m++) {
				struct check_ctx rs = *c;
				rs.t = recs[m].t;
				const json_t *rec = recs[m].res;
				const char *rn = jstr(jget(rec, "Properties.Name")) ?: "";
				if (strncmp(rn, name, n) || (rn[n] && strcmp(rn + n, ".")))
					continue;
				const char *aid = ref_target_any(
					&rs, jget(rec, "Properties.AliasTarget.DNSName"), &w);
				if (aid && w == lbt && !strcmp(aid, lb))
					return true;
			}
		}
	}
	return false;
}

/*
 * Does `s` match only requests without an X-Forwarded-For header, i.e. the
 * ones that reached the load balancer directly, whose source address is the
 * client's? CloudFront adds the header to every request it forwards to a
 * custom origin, so a rule scoped down this way never judges an edge server
 * (AWS WAF developer guide, "Using scope-down statements"). Accepted forms:
 * NOT(size of the header > 0 or >= 1), alone or as a part of an AND.
 */
static bool direct_only(const json_t *s)
{
	size_t i;
	json_t *x;
	json_array_foreach (jget(s, "AndStatement.Statements"), i, x) {
		if (direct_only(x))
			return true;
	}
	const json_t *size = jget(s, "NotStatement.Statement.SizeConstraintStatement");
	const char *header = jstr(jget(size, "FieldToMatch.SingleHeader.Name"));
	const char *op = jstr(json_object_get(size, "ComparisonOperator")) ?: "";
	json_int_t n = json_integer_value(json_object_get(size, "Size"));
	return header && !strcasecmp(header, "x-forwarded-for") &&
	       ((!strcmp(op, "GT") && n == 0) || (!strcmp(op, "GE") && n == 1));
}

/*
 * The first statement in `v` that judges the client address without
 * ForwardedIPConfig, unless it is scoped down to direct requests.
 */
static const char *ip_keyed(const json_t *v)
{
	if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			const char *k = ip_keyed(x);
			if (k)
				return k;
		}
		return NULL;
	}
	if (!json_is_object(v))
		return NULL;
	const json_t *rb = json_object_get(v, "RateBasedStatement");
	const json_t *mg = json_object_get(v, "ManagedRuleGroupStatement");
	if (direct_only(json_object_get(rb ? rb : mg, "ScopeDownStatement")))
		return NULL;
	if (rb && !strcmp(jstr(json_object_get(rb, "AggregateKeyType")) ?: "IP", "IP"))
		return "a rate limit by IP (RateBasedStatement AggregateKeyType IP)";
	const json_t *ips = json_object_get(v, "IPSetReferenceStatement");
	if (ips && !json_object_get(ips, "IPSetForwardedIPConfig"))
		return "an IP set match on the source address";
	const json_t *geo = json_object_get(v, "GeoMatchStatement");
	if (geo && !json_object_get(geo, "ForwardedIPConfig"))
		return "a geo match on the source address";
	const char *name = jstr(json_object_get(mg, "Name")) ?: "";
	if (!strcmp(name, "AWSManagedRulesAmazonIpReputationList") ||
	    !strcmp(name, "AWSManagedRulesAnonymousIpList"))
		return "an IP reputation rule group (it judges the connecting address)";
	const char *k;
	json_t *x;
	json_object_foreach ((json_t *)v, k, x) {
		if (strcmp(k, "ScopeDownStatement")) {
			const char *hit = ip_keyed(x);
			if (hit)
				return hit;
		}
	}
	return NULL;
}

static void acl_association(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const char *aid, *lid;
	struct sm_template *lbt;
	const json_t *acl = resource_at(c, json_object_get(p, "WebACLArn"), NULL, &aid);
	const json_t *lb = resource_at(c, json_object_get(p, "ResourceArn"), &lbt, &lid);
	if (!acl || strcmp(res_type(acl), "AWS::WAFv2::WebACL"))
		return;
	if (!strcmp(acl_scope(acl), "CLOUDFRONT"))
		check_report(
			c, &dep_waf_scope, id, "WebACLArn",
			"'%s' associates CLOUDFRONT-scope web ACL '%s' with a regional resource",
			id, aid);
	if (!lb || strcmp(res_type(lb), "AWS::ElasticLoadBalancingV2::LoadBalancer") ||
	    !behind_cloudfront(c, lbt, lid))
		return;
	size_t i;
	json_t *rule;
	json_array_foreach (jget(acl, "Properties.Rules"), i, rule) {
		const char *why = ip_keyed(json_object_get(rule, "Statement"));
		if (why)
			check_report(c, &dep_ip_behind_proxy, aid, "Rules",
				     "rule '%s' of web ACL '%s' uses %s, but '%s' sits behind "
				     "CloudFront and "
				     "sees edge addresses",
				     jstr(json_object_get(rule, "Name")) ?: "?", aid, why, lid);
	}
	(void)r;
}

static const char *lb_attr(const json_t *p, const char *key)
{
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "LoadBalancerAttributes"), i, a) {
		if (!strcmp(jstr(json_object_get(a, "Key")) ?: "", key))
			return jstr(json_object_get(a, "Value"));
	}
	return NULL;
}

static void load_balancer(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (strcmp(lb_attr(p, "access_logs.s3.enabled") ?: "", "true"))
		return;
	size_t i;
	json_t *a;
	json_array_foreach (json_object_get(p, "LoadBalancerAttributes"), i, a) {
		if (strcmp(jstr(json_object_get(a, "Key")) ?: "", "access_logs.s3.bucket"))
			continue;
		const char *bid;
		const json_t *b = bucket_of_domain(c, json_object_get(a, "Value"), &bid);
		const json_t *enc = json_array_get(
			jget(b, "Properties.BucketEncryption.ServerSideEncryptionConfiguration"),
			0);
		const char *alg =
			jstr(jget(enc, "ServerSideEncryptionByDefault.SSEAlgorithm")) ?: "";
		if (b && !strncmp(alg, "aws:kms", 7))
			check_report(c, &dep_elb_log_bucket, id, "LoadBalancerAttributes",
				     "'%s' writes access logs to '%s', encrypted with %s", id, bid,
				     alg);
	}
	(void)r;
}

static bool versioned(const json_t *bucket)
{
	return !strcmp(jstr(jget(bucket, "Properties.VersioningConfiguration.Status")) ?: "",
		       "Enabled");
}

static void bucket(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	const json_t *rc = json_object_get(p, "ReplicationConfiguration");
	if (!rc)
		return;
	if (!versioned(r))
		check_report(c, &dep_replication_versioning, id, "VersioningConfiguration",
			     "bucket '%s' replicates but is not versioned", id);
	size_t i;
	json_t *rule;
	json_array_foreach (json_object_get(rc, "Rules"), i, rule) {
		const char *did;
		const json_t *dst = resource_at(c, jget(rule, "Destination.Bucket"), NULL, &did);
		if (dst && !strcmp(res_type(dst), "AWS::S3::Bucket") && !versioned(dst))
			check_report(c, &dep_replication_versioning, id, "ReplicationConfiguration",
				     "bucket '%s' replicates to '%s', which is not versioned", id,
				     did);
	}
}

bool subnet_routes_out(struct check_ctx *c, struct sm_template *st, const char *sid)
{
	size_t na, nr;
	const struct typed_res *assoc =
		template_resources_of_type(c, st, "AWS::EC2::SubnetRouteTableAssociation", &na);
	const struct typed_res *routes = template_resources_of_type(c, st, "AWS::EC2::Route", &nr);
	bool known = false;
	for (size_t i = 0; i < na; i++) {
		if (strcmp(ref_target(jget(assoc[i].res, "Properties.SubnetId")) ?: "", sid))
			continue;
		const char *rt = ref_target(jget(assoc[i].res, "Properties.RouteTableId"));
		if (!rt)
			continue;
		known = true;
		for (size_t k = 0; k < nr; k++) {
			const json_t *rp = json_object_get(routes[k].res, "Properties");
			if (strcmp(ref_target(json_object_get(rp, "RouteTableId")) ?: "", rt) ||
			    !is_world(jstr(json_object_get(rp, "DestinationCidrBlock"))))
				continue;
			const char *gid = ref_target(json_object_get(rp, "GatewayId"));
			const json_t *gw =
				gid ? json_object_get(json_object_get(st->tmpl, "Resources"), gid)
				    : NULL;
			if (gw ? !strcmp(res_type(gw), "AWS::EC2::InternetGateway")
			       : !strncmp(jstr(json_object_get(rp, "GatewayId")) ?: "", "igw-", 4))
				return true;
		}
	}
	return !known;
}

static void nat_gateway(struct check_ctx *c, const char *id, const json_t *p, const json_t *r)
{
	if (!strcmp(jstr(json_object_get(p, "ConnectivityType")) ?: "public", "private"))
		return;
	const char *sid;
	struct sm_template *st;
	if (!resource_at(c, json_object_get(p, "SubnetId"), &st, &sid) || st != c->t)
		return;
	if (!subnet_routes_out(c, st, sid))
		check_report(c, &dep_nat_route, id, "SubnetId",
			     "NAT gateway '%s' is in subnet '%s', whose route table has no "
			     "0.0.0.0/0 route "
			     "to an internet gateway",
			     id, sid);
	(void)r;
}

const struct resource_rule check_rules_dep_edge[] = {
	{&dep_cf_cert_region, "AWS::CloudFront::Distribution", distribution},
	{&dep_waf_scope, "AWS::WAFv2::WebACL", web_acl},
	{&dep_ip_behind_proxy, "AWS::WAFv2::WebACLAssociation", acl_association},
	{&dep_elb_log_bucket, "AWS::ElasticLoadBalancingV2::LoadBalancer", load_balancer},
	{&dep_cf_log_bucket, "-", NULL},
	{&dep_origin_name, "-", NULL},
	{&dep_replication_versioning, "AWS::S3::Bucket", bucket},
	{&dep_nat_route, "AWS::EC2::NatGateway", nat_gateway},
	{NULL, NULL, NULL},
};
