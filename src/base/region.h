/*
 * AWS region names, checked once, strictly, before any path or host name is
 * built from one (issue 19): "us-east-1", "us-gov-west-1", "cn-north-1",
 * "ap-southeast-2": ^[a-z]{2}(-[a-z]+)+-[0-9]+$, at most 32 characters. A
 * region comes from --region, AWS_REGION, a profile, a configuration or a
 * manifest, and ends up in "cloudformation.REGION.amazonaws.com" and in
 * "data/prices/REGION.json": "x@127.0.0.1:9/" or "../../etc/x" must never.
 */
#ifndef SM_REGION_H
#define SM_REGION_H

#include <stdbool.h>

#include "base/diag.h"

#define REGION_NAME_MAX 32

bool region_name_valid(const char *region);
/*
 * 0 when `region` is a valid name; else -1 and an error naming it and where
 * it came from (`source`: "--region", "AWS_REGION", a file, ...).
 */
int region_check(const char *region, const char *source, struct diag_list *dl);

/*
 * The Elastic Load Balancing account that delivers access logs in `region`,
 * for the regions opened before August 2022 (the ALB user guide, "Attach a
 * policy to your S3 bucket"; the CDK's region-info ELBV2_ACCOUNTS); NULL for
 * the others, where the service principal
 * logdelivery.elasticloadbalancing.amazonaws.com writes.
 */
const char *region_elb_log_account(const char *region);

#endif
