/*
 * SigV4 signing: our signer against botocore's on fixed inputs
 * (tests/fixtures/sigv4/cases.json, written by make-cases.py; the CLI test
 * sigv4_oracle regenerates it with the installed botocore and points
 * SIGV4_CASES at the fresh copy), plus encoding and bad-input cases.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "support/test.h"

static const char *str_or_null(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int sign_case(json_t *c, struct strbuf *auth)
{
	struct strbuf hash = STRBUF_INIT;
	json_t *hs = json_object_get(c, "headers");
	const char *headers[8] = {0};
	for (size_t i = 0; i < json_array_size(hs) && i < 7; i++)
		headers[i] = json_string_value(json_array_get(hs, i));
	const char *body = str_or_null(c, "body");
	struct sigv4_request req = {
		.method = str_or_null(c, "method"),
		.host = str_or_null(c, "host"),
		.path = str_or_null(c, "path"),
		.query = str_or_null(c, "query"),
		.region = str_or_null(c, "region"),
		.service = str_or_null(c, "service"),
		.amz_date = str_or_null(c, "amzDate"),
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.headers = headers,
	};
	struct sigv4_creds creds = {
		.access_key = str_or_null(c, "accessKey"),
		.secret_key = str_or_null(c, "secretKey"),
		.session_token = str_or_null(c, "sessionToken"),
	};
	int r = sigv4_sign(&req, &creds, auth, &hash);
	strbuf_release(&hash);
	return r;
}

TEST(matches_botocore_on_every_case)
{
	const char *path = getenv("SIGV4_CASES");
	if (!path)
		path = "tests/fixtures/sigv4/cases.json";
	json_error_t err;
	json_t *doc = json_load_file(path, 0, &err);
	CHECK(doc != NULL);
	if (!doc) {
		printf("#   %s: %s\n", path, err.text);
		return;
	}
	json_t *cases = json_object_get(doc, "cases");
	CHECK(json_array_size(cases) >= 6);
	size_t i;
	json_t *c;
	json_array_foreach (cases, i, c) {
		struct strbuf auth = STRBUF_INIT;
		int r = sign_case(c, &auth);
		const char *want = str_or_null(c, "authorization");
		CHECK(r == 0);
		CHECK(want && !strcmp(auth.buf, want));
		if (!want || strcmp(auth.buf, want))
			printf("#   case %s\n#   ours:     %s\n#   botocore: %s\n",
			       str_or_null(c, "name"), auth.buf, want ? want : "(none)");
		strbuf_release(&auth);
	}
	json_decref(doc);
}

TEST(uri_encoding_is_rfc3986)
{
	struct strbuf b = STRBUF_INIT;
	const char *s = "a b/c+d~e_f.g-h*i\xc3\xbc";
	sigv4_uri_encode(&b, s, strlen(s), 1);
	CHECK_STR(b.buf, "a%20b/c%2Bd~e_f.g-h%2Ai%C3%BC");
	strbuf_reset(&b);
	sigv4_uri_encode(&b, "x/y=z", 5, 0);
	CHECK_STR(b.buf, "x%2Fy%3Dz");
	strbuf_release(&b);
}

TEST(session_token_is_signed_and_secret_never_appears)
{
	struct strbuf canon = STRBUF_INIT, signed_h = STRBUF_INIT, auth = STRBUF_INIT,
		      hash = STRBUF_INIT;
	struct sigv4_request req = {.method = "POST",
				    .host = "h",
				    .path = "/",
				    .region = "us-east-1",
				    .service = "cloudformation",
				    .amz_date = "20261202T120000Z",
				    .body = "",
				    .body_len = 0};
	struct sigv4_creds creds = {"AKID", "SECRETSECRET", "TOKEN"};
	CHECK(sigv4_canonical_request(&req, &creds, &canon, &signed_h) == 0);
	CHECK_STR(signed_h.buf, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	CHECK(strstr(canon.buf, "x-amz-security-token:TOKEN\n") != NULL);
	CHECK(sigv4_sign(&req, &creds, &auth, &hash) == 0);
	CHECK(strstr(auth.buf, "SECRETSECRET") == NULL && strstr(canon.buf, "SECRET") == NULL);
	/* the SHA-256 of the empty body, which S3 wants in x-amz-content-sha256 */
	CHECK_STR(hash.buf, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	strbuf_release(&canon);
	strbuf_release(&signed_h);
	strbuf_release(&auth);
	strbuf_release(&hash);
}

TEST(bad_input_is_refused)
{
	struct strbuf auth = STRBUF_INIT, hash = STRBUF_INIT;
	struct sigv4_creds creds = {"AKID", "S", NULL};
	struct sigv4_request req = {.method = "GET",
				    .host = "h",
				    .region = "us-east-1",
				    .service = "s3",
				    .amz_date = "2026-12-02"};
	CHECK(sigv4_sign(&req, &creds, &auth, &hash) < 0); /* malformed date */
	req.amz_date = "20261202T120000Z";
	req.body_len = 3; /* a length without a body */
	CHECK(sigv4_sign(&req, &creds, &auth, &hash) < 0);
	req.body_len = 0;
	creds.secret_key = NULL;
	CHECK(sigv4_sign(&req, &creds, &auth, &hash) < 0);
	strbuf_release(&auth);
	strbuf_release(&hash);
}

int main(void)
{
	RUN(matches_botocore_on_every_case);
	RUN(uri_encoding_is_rfc3986);
	RUN(session_token_is_signed_and_secret_never_appears);
	RUN(bad_input_is_refused);
	return test_done();
}
