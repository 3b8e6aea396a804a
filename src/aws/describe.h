/*
 * Read-only calls that answer what a template alone cannot (used by
 * preflight): ACM, RDS, AWS Config, EC2, Cost Explorer. Each returns 0 with
 * its answer, or -1 with one diagnostic (AWS's error code and message).
 * Nothing here changes anything in the account.
 */
#ifndef SM_AWS_DESCRIBE_H
#define SM_AWS_DESCRIBE_H

#include <jansson.h>
#include <stddef.h>

#include "aws/client.h"

/* A JSON 1.1 call (ACM, Config, Cost Explorer): `input` is borrowed; *out is the answer (owned). */
int aws_json_call(struct aws_client *c, const char *service, const char *target,
		  const json_t *input, json_t **out, struct diag_list *dl);

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

/* EC2 DescribeAddresses: how many Elastic IPs the account holds in the region. */
int ec2_address_count(struct aws_client *c, size_t *count, struct diag_list *dl);

/* Cost Explorer GetAnomalyMonitors: the monitors (owned array of objects). */
int ce_anomaly_monitors(struct aws_client *c, json_t **monitors, struct diag_list *dl);

#endif
