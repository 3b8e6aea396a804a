/*
 * AWS Signature Version 4 request signing (docs: "Create a signed AWS API
 * request"). Pure computation over the caller's request: no I/O, and the
 * secret key never leaves the HMAC chain (nothing here formats it).
 */
#ifndef SM_AWS_SIGV4_H
#define SM_AWS_SIGV4_H

#include <stddef.h>

#include "base/strbuf.h"

struct sigv4_request {
	const char *method;
	const char *host;
	const char *path;  /* raw path, e.g. "/bucket/my key"; NULL or "" means "/" */
	const char *query; /* raw "k=v&k2=v2" (decoded or encoded), may be NULL */
	const char *region;
	const char *service;
	const char *amz_date; /* YYYYMMDDTHHMMSSZ */
	const char *body;
	size_t body_len;
	const char *const *headers; /* extra "name:value" pairs, NULL-terminated, may be NULL */
};

struct sigv4_creds {
	const char *access_key;
	const char *secret_key;
	const char *session_token; /* may be NULL */
};

/*
 * Sign: appends the Authorization header value to `authorization_out` and
 * the hex SHA-256 of the body (the x-amz-content-sha256 value) to
 * `payload_hash_hex_out`. Signed headers: host, x-amz-content-sha256,
 * x-amz-date, x-amz-security-token (with a session token) and the extras.
 * Returns 0, or -1 if a required field is missing or amz_date malformed.
 */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
	       struct strbuf *authorization_out, struct strbuf *payload_hash_hex_out);

/* Exposed for tests: the canonical request the signature covers. */
int sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_creds *creds,
			    struct strbuf *out, struct strbuf *signed_headers);

/* RFC 3986 percent-encoding of `len` bytes; '/' kept when keep_slash. */
void sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, int keep_slash);

#endif
