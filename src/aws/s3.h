/*
 * The S3 calls deploy needs: upload a template above CloudFormation's
 * 51,200-byte inline limit to the bootstrap bucket. Path-style addressing
 * (https://s3.REGION.amazonaws.com/BUCKET/KEY, or ENDPOINT/BUCKET/KEY), so
 * that --endpoint-url works; the x-amz-content-sha256 header S3 requires is
 * always signed.
 */
#ifndef SM_AWS_S3_H
#define SM_AWS_S3_H

#include <stddef.h>

#include "aws/client.h"
#include "base/diag.h"

int s3_put_object(struct aws_client *c, const char *bucket, const char *key, const char *body,
		  size_t len, const char *content_type, struct diag_list *dl);

/*
 * The URL CloudFormation reads an uploaded template from (TemplateURL):
 * https://s3.REGION.amazonaws.com/BUCKET/KEY, or ENDPOINT/BUCKET/KEY. malloc'd.
 */
char *s3_object_url(const struct aws_client *c, const char *bucket, const char *key);

#endif
