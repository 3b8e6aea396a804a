/*
 * Read-only calls that answer what a template alone cannot (used by
 * preflight): ACM, RDS, AWS Config, EC2, Cost Explorer. Each returns 0 with
 * its answer, or -1 with one diagnostic (AWS's error code and message).
 * Nothing here changes anything in the account.
 */
#ifndef SM_AWS_DESCRIBE_H
#define SM_AWS_DESCRIBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"

/* A JSON 1.1 call (ACM, Config, Cost Explorer): `input` is borrowed; *out is the answer (owned). */
int aws_json_call(struct aws_client *c, const char *service, const char *target,
		  const json_t *input, json_t **out, struct diag_list *dl);

/*
 * A Query API call (RDS, EC2): POST of the form `body` ("Action=...&Version=..."
 * and its parameters); *doc is the answer's XML document (owned: xmlFreeDoc).
 */
struct _xmlDoc;
int aws_query_call(struct aws_client *c, const char *service, const struct strbuf *body,
		   struct _xmlDoc **doc, struct diag_list *dl);
/* Append "&key=value" to a form body, the value percent-encoded (RFC 3986). */
void aws_form_add(struct strbuf *b, const char *key, const char *value);

/*
 * ACM DescribeCertificate: *out is the "Certificate" object (owned), NULL with
 * return 0 when ACM answers ResourceNotFoundException.
 */
int acm_describe_certificate(struct aws_client *c, const char *arn, json_t **out,
			     struct diag_list *dl);

/* RDS DescribeOrderableDBInstanceOptions: how many options match (0: not orderable). */
int rds_orderable_count(struct aws_client *c, const char *engine, const char *version,
			const char *instance_class, size_t *count, struct diag_list *dl);

/* AWS Config DescribeConfigurationRecorders: the recorders' names (owned array of strings). */
int config_recorders(struct aws_client *c, json_t **names, struct diag_list *dl);

/*
 * EC2 DescribeManagedPrefixLists filtered by prefix-list-name: *id the list's
 * ID in the client's region (owned), NULL with return 0 when there is none.
 */
int ec2_prefix_list_id(struct aws_client *c, const char *name, char **id, struct diag_list *dl);

/* EC2 DescribeAddresses: how many Elastic IPs the account holds in the region. */
int ec2_address_count(struct aws_client *c, size_t *count, struct diag_list *dl);

/*
 * EC2 Describe* (DescribeVpcs, DescribeInternetGateways, DescribeNatGateways,
 * ...): how many items the answer's `set` ("vpcSet") holds; `form` is added
 * to the request ("&Filter.1.Name=state&Filter.1.Value.1=available") or NULL.
 * Every page is counted (NextToken followed).
 */
int ec2_count_items(struct aws_client *c, const char *action, const char *set, const char *form,
		    size_t *count, struct diag_list *dl);

/*
 * RDS DescribeAccountAttributes: the account quota `name` ("DBInstances"):
 * its use and maximum. *found false when RDS does not list it.
 */
int rds_account_quota(struct aws_client *c, const char *name, double *used, double *max,
		      bool *found, struct diag_list *dl);

/*
 * Service Quotas GetServiceQuota (the applied value), else, when it answers
 * NoSuchResourceException (no applied value), GetAWSDefaultServiceQuota.
 * *is_default tells which answered.
 */
int sq_quota_value(struct aws_client *c, const char *service_code, const char *quota_code,
		   double *value, bool *is_default, struct diag_list *dl);

/*
 * Route 53 GetHostedZone (GET /2013-04-01/hostedzone/ID, the global
 * endpoint): *name the zone's name without the final dot (owned), NULL with
 * return 0 when Route 53 answers NoSuchHostedZone; *private_zone its Config.
 */
int route53_hosted_zone(struct aws_client *c, const char *id, char **name, bool *private_zone,
			struct diag_list *dl);

/*
 * S3 HeadBucket (path-style, the client's region): *status 200 the bucket is
 * ours (readable), 404 no such bucket, 403 it exists and is not ours (or not
 * readable), 301 it exists in another region. Returns -1 only when S3 could
 * not be asked (network, 5xx, credentials); a 4xx/3xx is an answer.
 */
int s3_head_bucket(struct aws_client *c, const char *bucket, long *status, struct diag_list *dl);

/*
 * IAM GetRole (global endpoint): *exists false when IAM answers NoSuchEntity.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
 */
int iam_role_exists(struct aws_client *c, const char *name, bool *exists, struct diag_list *dl);

/* Cost Explorer GetAnomalyMonitors: the monitors (owned array of objects). */
int ce_anomaly_monitors(struct aws_client *c, json_t **monitors, struct diag_list *dl);

#endif
