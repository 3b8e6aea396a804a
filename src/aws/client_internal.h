/*
 * What client.c shares with the service files (s3.c, cfn.c) and tests, not
 * part of the public interface.
 */
#ifndef SM_AWS_CLIENT_INTERNAL_H
#define SM_AWS_CLIENT_INTERNAL_H

#include <stdbool.h>

#include "aws/client.h"

struct aws_endpoint {
	char *base;	   /* "https://host[:port][/prefix]", no trailing '/' */
	char *host;	   /* what goes in the Host header and is signed: "host" or "host:port" */
	char *path_prefix; /* "" or "/prefix" of the endpoint URL */
};

/*
 * The endpoint of `service` for this client: endpoint_url when set, else
 * https://SERVICE.REGION.amazonaws.com (amazonaws.com.cn in China). The
 * default port of the scheme is dropped from `host`, as curl drops it from
 * the Host header and botocore from the signature.
 */
void aws_endpoint_get(const struct aws_client *c, const char *service, struct aws_endpoint *ep);
void aws_endpoint_release(struct aws_endpoint *ep);

/*
 * The region a request to `service` is signed for: `region`, except for
 * the global services (Route 53: us-east-1, cn-northwest-1 in China), as
 * https://docs.aws.amazon.com/general/latest/gr/r53.html says.
 */
const char *aws_signing_region(const char *service, const char *region);

/* Fill resp->error_code/error_message (and request_id when missing) from its body. */
void aws_response_parse_error(struct aws_response *resp);

/* Whether an answer is worth another attempt: 429, 5xx, throttling codes. */
bool aws_status_retryable(long status, const char *error_code);

/* The full-jitter delay before retry number `attempt` (0-based): [0, min(20 s, base * 2^attempt)].
 */
unsigned aws_retry_delay_ms(unsigned base_delay_ms, int attempt);

#endif
