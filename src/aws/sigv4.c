/*
 * AWS SigV4. The query string is decoded and re-encoded so that callers may
 * pass either form; the path is encoded once (S3 semantics: no double
 * encoding), which is also what every other service accepts for the plain
 * paths we use.
 */
#include "aws/dynlib.h" /* first: libcrypto through the pointers loaded on first use */

#include "aws/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

/* libcrypto is loaded on first use (dynlib.h); a failure is reported by aws_send. */
static bool crypto_loaded(void)
{
	struct diag_list ignore = DIAG_LIST_INIT;
	int r = aws_dynlib_load(&ignore);
	diag_list_release(&ignore);
	return r == 0;
}

static void hex(struct strbuf *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		strbuf_addch(out, digits[d[i] >> 4]);
		strbuf_addch(out, digits[d[i] & 15]);
	}
}

static void sha256_hex(struct strbuf *out, const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hex(out, md, n);
}

static void hmac(unsigned char out[32], const void *key, size_t klen, const char *msg)
{
	unsigned int n = 32;
	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n);
}

void sigv4_uri_encode(struct strbuf *out, const char *s, size_t len, int keep_slash)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (keep_slash && c == '/'))
			strbuf_addch(out, (char)c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode; '+' stays literal (AWS query strings are not forms). */
static void uri_decode(struct strbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			strbuf_addch(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			strbuf_addch(out, s[i]);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split on '&', each pair encoded as "enc(k)=enc(v)", sorted bytewise. */
static void canonical_query(struct strbuf *out, const char *q)
{
	size_t n = 0, cap = 8;
	char **items = xmalloc(cap * sizeof(*items));
	while (q && *q) {
		size_t plen = strcspn(q, "&");
		if (plen) {
			const char *eq = memchr(q, '=', plen);
			size_t klen = eq ? (size_t)(eq - q) : plen;
			struct strbuf raw = STRBUF_INIT, enc = STRBUF_INIT;
			uri_decode(&raw, q, klen);
			sigv4_uri_encode(&enc, raw.buf, raw.len, 0);
			strbuf_addch(&enc, '=');
			strbuf_reset(&raw);
			if (eq)
				uri_decode(&raw, eq + 1, plen - klen - 1);
			sigv4_uri_encode(&enc, raw.buf, raw.len, 0);
			strbuf_release(&raw);
			if (n == cap)
				items = xrealloc(items, (cap *= 2) * sizeof(*items));
			items[n++] = strbuf_detach(&enc, NULL);
		}
		q += plen;
		if (*q == '&')
			q++;
	}
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, '&');
		strbuf_addstr(out, items[i]);
		free(items[i]);
	}
	free(items);
}

/* "name:value" lowercased name, trimmed value with inner spaces collapsed. */
static char *canonical_header(const char *name, size_t nlen, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < nlen; i++)
		strbuf_addch(&sb, (char)tolower((unsigned char)name[i]));
	strbuf_addch(&sb, ':');
	while (*value == ' ' || *value == '\t')
		value++;
	int space = 0;
	for (; *value; value++) {
		if (*value == ' ' || *value == '\t') {
			space = 1;
			continue;
		}
		if (space)
			strbuf_addch(&sb, ' ');
		space = 0;
		strbuf_addch(&sb, *value);
	}
	return strbuf_detach(&sb, NULL);
}

static int valid_date(const char *d)
{
	if (!d || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
		return 0;
	for (int i = 0; i < 15; i++)
		if (i != 8 && !isdigit((unsigned char)d[i]))
			return 0;
	return 1;
}

static int complete(const struct sigv4_request *r, const struct sigv4_creds *c)
{
	return r && c && r->method && r->host && r->region && r->service &&
	       valid_date(r->amz_date) && c->access_key && c->secret_key &&
	       (r->body || !r->body_len);
}

int sigv4_canonical_request(const struct sigv4_request *req, const struct sigv4_creds *creds,
			    struct strbuf *out, struct strbuf *signed_headers)
{
	if (!crypto_loaded())
		return -1;
	if (!complete(req, creds))
		return -1;
	size_t n = 0, extra = 0;
	while (req->headers && req->headers[extra])
		extra++;
	char **h = xmalloc((extra + 4) * sizeof(*h));
	struct strbuf payload = STRBUF_INIT;
	sha256_hex(&payload, req->body ? req->body : "", req->body_len);
	h[n++] = canonical_header("host", 4, req->host);
	h[n++] = canonical_header("x-amz-content-sha256", 20, payload.buf);
	h[n++] = canonical_header("x-amz-date", 10, req->amz_date);
	if (creds->session_token && *creds->session_token)
		h[n++] = canonical_header("x-amz-security-token", 20, creds->session_token);
	for (size_t i = 0; i < extra; i++) {
		const char *colon = strchr(req->headers[i], ':');
		if (!colon)
			continue;
		h[n++] = canonical_header(req->headers[i], (size_t)(colon - req->headers[i]),
					  colon + 1);
	}
	qsort(h, n, sizeof(*h), cmp_str);

	strbuf_addf(out, "%s\n", req->method);
	const char *path = req->path && *req->path ? req->path : "/";
	sigv4_uri_encode(out, path, strlen(path), 1);
	strbuf_addch(out, '\n');
	canonical_query(out, req->query);
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "%s\n", h[i]);
		if (i)
			strbuf_addch(signed_headers, ';');
		strbuf_add(signed_headers, h[i], (size_t)(strchr(h[i], ':') - h[i]));
		free(h[i]);
	}
	free(h);
	strbuf_addf(out, "\n%s\n%s", signed_headers->buf, payload.buf);
	strbuf_release(&payload);
	return 0;
}

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_creds *creds,
	       struct strbuf *authorization_out, struct strbuf *payload_hash_hex_out)
{
	struct strbuf creq = STRBUF_INIT, signed_h = STRBUF_INIT, sts = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT;
	if (!crypto_loaded())
		return -1;
	if (sigv4_canonical_request(req, creds, &creq, &signed_h)) {
		strbuf_release(&creq);
		strbuf_release(&signed_h);
		return -1;
	}
	char date[9];
	memcpy(date, req->amz_date, 8);
	date[8] = '\0';
	strbuf_addf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n", req->amz_date, date,
		    req->region, req->service);
	sha256_hex(&sts, creq.buf, creq.len);

	/* The derived key chain; the key buffer is wiped before release. */
	unsigned char k[32];
	strbuf_addf(&key, "AWS4%s", creds->secret_key);
	hmac(k, key.buf, key.len, date);
	OPENSSL_cleanse(key.buf, key.len);
	strbuf_release(&key);
	hmac(k, k, 32, req->region);
	hmac(k, k, 32, req->service);
	hmac(k, k, 32, "aws4_request");
	unsigned char sig[32];
	hmac(sig, k, 32, sts.buf);
	OPENSSL_cleanse(k, sizeof(k));

	strbuf_addf(authorization_out,
		    "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
		    "Signature=",
		    creds->access_key, date, req->region, req->service, signed_h.buf);
	hex(authorization_out, sig, 32);
	if (payload_hash_hex_out)
		sha256_hex(payload_hash_hex_out, req->body ? req->body : "", req->body_len);
	strbuf_release(&creq);
	strbuf_release(&signed_h);
	strbuf_release(&sts);
	return 0;
}
