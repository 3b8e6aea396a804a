/*
 * One signed HTTPS request to an AWS service, with retries: libcurl for the
 * transport, our SigV4 (sigv4.h) for the signature.
 *
 * Endpoints: https://SERVICE.REGION.amazonaws.com (S3: https://s3.REGION.
 * amazonaws.com, path-style; Route 53, a global service: https://route53.
 * amazonaws.com, signed for us-east-1), or `endpoint_url` for every service
 * (moto, a proxy, LocalStack). Retries: throttling (HTTP 429, 400 with Throttling /
 * ThrottlingException / RequestLimitExceeded / SlowDown codes), 5xx and
 * network errors (connection refused or reset, timeouts), up to
 * max_attempts, sleeping base_delay_ms * 2^attempt with full jitter, capped
 * at 20 s. Other 4xx are not retried.
 */
#ifndef SM_AWS_CLIENT_H
#define SM_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/creds.h"
#include "base/diag.h"
#include "base/strbuf.h"

struct aws_client {
	/*
	 * Borrowed. When creds->provider is set the keys are asked of it at
	 * each attempt (aws_creds_keys), so that temporary keys are refreshed
	 * before they expire during a long deploy.
	 */
	const struct aws_creds *creds;
	const char *endpoint_url; /* NULL: the real AWS endpoints */
	int max_attempts;	  /* default 5 (aws_client_init) */
	unsigned base_delay_ms;	  /* default 200; SOLEMATE_RETRY_BASE_MS overrides */
	long timeout_ms;	  /* whole-request timeout, default 60000 */
	/* counters, for tests and the end-of-run summary */
	unsigned long requests; /* HTTP requests sent, retries included */
	unsigned long retries;
};

void aws_client_init(struct aws_client *c, const struct aws_creds *creds, const char *endpoint_url);

struct aws_response {
	long status; /* HTTP status, 0 when no response */
	struct strbuf body;
	char *request_id;    /* x-amzn-RequestId / x-amz-request-id, or NULL */
	char *error_code;    /* AWS error Code (from the XML or JSON body), or NULL */
	char *error_message; /* AWS error Message, or NULL */
};

void aws_response_init(struct aws_response *r);
void aws_response_release(struct aws_response *r);

struct aws_request {
	const char *service;	  /* "cloudformation", "s3" (signing name) */
	const char *method;	  /* "POST", "PUT", "GET", ... */
	const char *path;	  /* raw path, "/" when NULL */
	const char *query;	  /* raw query string or NULL */
	const char *content_type; /* or NULL */
	const char *target;	  /* X-Amz-Target of JSON protocols
				     ("CertificateManager.DescribeCertificate"), or NULL */
	const char *operation;	  /* for messages, when neither the body, the query nor the
				     target names it (REST APIs: "ChangeResourceRecordSets") */
	const char *body;
	size_t body_len;
	bool anonymous; /* sent unsigned (STS AssumeRoleWithWebIdentity needs no keys) */
};

/*
 * Send with retries. 0 on HTTP 2xx (resp filled); -1 otherwise with one
 * diagnostic: "CloudFormation CreateChangeSet: ValidationError: <AWS's
 * message> (HTTP 400, request id ...)" or the network error after the last
 * attempt. resp is filled as far as it got in both cases.
 */
int aws_send(struct aws_client *c, const struct aws_request *req, struct aws_response *resp,
	     struct diag_list *dl);

/*
 * An unsigned request to a full URL: the container and instance-metadata
 * credential endpoints, the SSO portal. Retried like aws_send (network
 * errors, 5xx, 429) up to max_attempts (at least 1). The headers may carry
 * tokens: no message ever shows them. 0 on HTTP 2xx; -1 with one
 * diagnostic "LABEL: ..." otherwise (resp filled as far as it got).
 */
struct aws_http_request {
	const char *label;	    /* for messages: "EC2 instance metadata" */
	const char *method;	    /* "GET", "PUT" */
	const char *url;	    /* http:// or https:// */
	const char *const *headers; /* "Name: value" lines, NULL-terminated, may be NULL */
	long timeout_ms;	    /* whole request; 0: 60 s */
	int max_attempts;
};

int aws_http(const struct aws_http_request *req, struct aws_response *resp, struct diag_list *dl);

/*
 * What an attempt of aws_send or aws_http was, for a caller that shows the
 * requests made (solemate -v). Never a secret: the URL without its query,
 * no header, no body.
 */
struct aws_trace_event {
	const char *label;	/* "CloudFormation CreateStack", "EC2 instance metadata" */
	const char *method;	/* "POST" */
	const char *url;	/* scheme, host and path only */
	long status;		/* HTTP status, 0 when no answer */
	const char *error_code; /* AWS error code, or NULL */
	const char *request_id; /* or NULL */
	double ms;		/* this attempt's time */
	int attempt;		/* 1, 2, ... */
	bool last;		/* no retry follows */
};
typedef void (*aws_trace_fn)(const struct aws_trace_event *ev);
/*
 * Call `fn` after every attempt, from whichever thread made it (NULL: none).
 * Set it before any request; it is process-wide.
 */
void aws_set_trace(aws_trace_fn fn);

#endif
