/*
 * Signed requests with retries (client.h). One curl easy handle per
 * attempt: nothing is shared between calls, so that deploy's threads may
 * each send through their own struct aws_client at the same time; the only
 * global state, libcurl's and libxml2's loading and initialisation, runs
 * once (dynlib.h). Nothing here logs: the Authorization header and the keys
 * are never formatted into a message.
 */
#include "aws/dynlib.h" /* first: libcurl through the pointers loaded on first use */

#include "aws/client.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "aws/client_internal.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/common.h"
#include "base/region.h"
#include "base/xalloc.h"

#define AWS_DEFAULT_ATTEMPTS 5
#define AWS_DEFAULT_BASE_DELAY_MS 200u
#define AWS_DEFAULT_TIMEOUT_MS 60000L
#define AWS_MAX_DELAY_MS 20000u	      /* the cap of the backoff, as the AWS SDKs have it */
#define AWS_CONNECT_TIMEOUT_MS 10000L /* connecting is quick or it is not happening */

void aws_client_init(struct aws_client *c, const struct aws_creds *creds, const char *endpoint_url)
{
	memset(c, 0, sizeof(*c));
	c->creds = creds;
	c->endpoint_url = endpoint_url && *endpoint_url ? endpoint_url : NULL;
	c->max_attempts = AWS_DEFAULT_ATTEMPTS;
	c->base_delay_ms = AWS_DEFAULT_BASE_DELAY_MS;
	c->timeout_ms = AWS_DEFAULT_TIMEOUT_MS;
	const char *base = getenv("SOLEMATE_RETRY_BASE_MS");
	if (base && *base) {
		char *end;
		unsigned long v = strtoul(base, &end, 10);
		if (!*end && v <= AWS_MAX_DELAY_MS)
			c->base_delay_ms = (unsigned)v;
	}
}

void aws_response_init(struct aws_response *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
}

void aws_response_release(struct aws_response *r)
{
	strbuf_release(&r->body);
	free(r->request_id);
	free(r->error_code);
	free(r->error_message);
	r->status = 0;
	r->request_id = r->error_code = r->error_message = NULL;
}

void aws_endpoint_get(const struct aws_client *c, const char *service, struct aws_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (!c->endpoint_url) {
		const char *region = c->creds && c->creds->region ? c->creds->region : "us-east-1";
		const char *suffix =
			!strncmp(region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com";
		/* Route 53 has one global endpoint (signed for us-east-1 / cn-northwest-1):
		 * https://docs.aws.amazon.com/general/latest/gr/r53.html */
		if (!strcmp(service, "route53"))
			ep->host = xstrfmt("route53.%s", suffix);
		/* IAM too, outside China:
		 * https://docs.aws.amazon.com/general/latest/gr/iam-service.html */
		else if (!strcmp(service, "iam") && strncmp(region, "cn-", 3))
			ep->host = xstrdup("iam.amazonaws.com");
		else
			ep->host = xstrfmt("%s.%s.%s", service, region, suffix);
		ep->base = xstrfmt("https://%s", ep->host);
		ep->path_prefix = xstrdup("");
		return;
	}
	const char *url = c->endpoint_url;
	const char *sep = strstr(url, "://");
	const char *auth = sep ? sep + 3 : url;
	size_t auth_len = strcspn(auth, "/?#");
	const char *path = auth + auth_len;
	size_t path_len = strcspn(path, "?#");
	while (path_len && path[path_len - 1] == '/')
		path_len--;
	char *scheme = sep ? xstrndup(url, (size_t)(sep - url)) : xstrdup("https");
	for (char *p = scheme; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	/* Drop the scheme's default port: curl leaves it out of Host, so must the signature. */
	size_t host_len = auth_len;
	const char *colon = memrchr(auth, ':', auth_len);
	if (colon && !memchr(colon, ']', auth_len - (size_t)(colon - auth))) {
		const char *port = colon + 1;
		size_t plen = auth_len - (size_t)(port - auth);
		if ((!strcmp(scheme, "https") && plen == 3 && !memcmp(port, "443", 3)) ||
		    (!strcmp(scheme, "http") && plen == 2 && !memcmp(port, "80", 2)))
			host_len = (size_t)(colon - auth);
	}
	ep->host = xstrndup(auth, host_len);
	ep->path_prefix = xstrndup(path, path_len);
	ep->base = xstrfmt("%s://%.*s%s", scheme, (int)auth_len, auth, ep->path_prefix);
	free(scheme);
}

const char *aws_signing_region(const char *service, const char *region)
{
	if (!strcmp(service, "route53"))
		return region && !strncmp(region, "cn-", 3) ? "cn-northwest-1" : "us-east-1";
	if (!strcmp(service, "iam") && !(region && !strncmp(region, "cn-", 3)))
		return "us-east-1";
	return region;
}

void aws_endpoint_release(struct aws_endpoint *ep)
{
	free(ep->base);
	free(ep->host);
	free(ep->path_prefix);
	memset(ep, 0, sizeof(*ep));
}

bool aws_status_retryable(long status, const char *error_code)
{
	static const char *const throttling[] = {
		"Throttling",	      "ThrottlingException",
		"ThrottledException", "RequestLimitExceeded",
		"SlowDown",	      "TooManyRequestsException",
		"RequestThrottled",   "RequestThrottledException",
	};
	if (status == 429 || status >= 500)
		return true;
	if (status >= 400 && status < 500 && error_code)
		for (size_t i = 0; i < sizeof(throttling) / sizeof(throttling[0]); i++)
			if (!strcmp(error_code, throttling[i]))
				return true;
	return false;
}

static bool curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

static unsigned random_below(unsigned n)
{
	if (!n)
		return 0;
	unsigned r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet (early boot): the clock's nanoseconds jitter well enough. */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)&ts;
	}
	return r % n;
}

unsigned aws_retry_delay_ms(unsigned base_delay_ms, int attempt)
{
	unsigned long long cap = base_delay_ms;
	for (int i = 0; i < attempt && cap < AWS_MAX_DELAY_MS; i++)
		cap *= 2;
	if (cap > AWS_MAX_DELAY_MS)
		cap = AWS_MAX_DELAY_MS;
	return random_below((unsigned)cap + 1);
}

static aws_trace_fn trace_fn;

void aws_set_trace(aws_trace_fn fn)
{
	trace_fn = fn;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* an attempt, to the trace: the URL up to its query (a query may carry anything) */
static void trace_attempt(const char *label, const char *method, const char *url,
			  const struct aws_response *resp, double start, int attempt, bool last)
{
	if (!trace_fn)
		return;
	char *bare = xstrndup(url, strcspn(url, "?#"));
	struct aws_trace_event ev = {
		.label = label,
		.method = method,
		.url = bare,
		.status = resp->status,
		.error_code = resp->error_code,
		.request_id = resp->request_id,
		.ms = now_ms() - start,
		.attempt = attempt,
		.last = last,
	};
	trace_fn(&ev);
	free(bare);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	/* A signal (Ctrl-C) cuts the wait short: the caller checks its flag sooner. */
	nanosleep(&ts, NULL);
}

/* "Action" of a Query API body or query string, or NULL. */
static char *query_action(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	while (p && p < end) {
		if ((size_t)(end - p) > 7 && !memcmp(p, "Action=", 7)) {
			const char *v = p + 7;
			const char *amp = memchr(v, '&', (size_t)(end - v));
			return xstrndup(v, (size_t)((amp ? amp : end) - v));
		}
		p = memchr(p, '&', (size_t)(end - p));
		if (p)
			p++;
	}
	return NULL;
}

/* What to call the request in a message: "CloudFormation CreateChangeSet", "S3 PutObject". */
static char *request_label(const struct aws_request *req)
{
	const char *svc = req->service;
	static const char *const names[][2] = {
		{"cloudformation", "CloudFormation"},
		{"s3", "S3"},
		{"sts", "STS"},
		{"rds", "RDS"},
		{"ecs", "ECS"},
		{"application-autoscaling", "Application Auto Scaling"},
		{"route53", "Route 53"},
		{"iam", "IAM"},
	};
	const char *name = svc;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(svc, names[i][0]))
			name = names[i][1];
	if (req->operation)
		return xstrfmt("%s %s", name, req->operation);
	char *action = NULL;
	if (req->body && req->content_type && strstr(req->content_type, "x-www-form-urlencoded"))
		action = query_action(req->body, req->body_len);
	if (!action && req->query)
		action = query_action(req->query, strlen(req->query));
	if (!action && req->target && strchr(req->target, '.'))
		action = xstrdup(strchr(req->target, '.') + 1);
	if (action) {
		char *label = xstrfmt("%s %s", name, action);
		free(action);
		return label;
	}
	const char *path = req->path && *req->path ? req->path : "/";
	if (!strcmp(svc, "s3")) {
		/* path-style: "/bucket" is the bucket, "/bucket/key" an object */
		bool object = strchr(path + 1, '/') != NULL;
		const char *m = req->method, *op = NULL;
		if (!strcmp(m, "PUT"))
			op = object ? "PutObject" : "CreateBucket";
		else if (!strcmp(m, "GET"))
			op = object ? "GetObject" : "ListObjects";
		else if (!strcmp(m, "HEAD"))
			op = object ? "HeadObject" : "HeadBucket";
		else if (!strcmp(m, "DELETE"))
			op = object ? "DeleteObject" : "DeleteBucket";
		if (op)
			return xstrfmt("%s %s", name, op);
	}
	return xstrfmt("%s %s %s", name, req->method, path);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(&((struct aws_response *)arg)->body, data, size * n);
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct aws_response *resp = arg;
	size_t len = size * n;
	static const char *const names[] = {"x-amzn-requestid:", "x-amz-request-id:"};
	for (size_t i = 0; i < 2; i++) {
		size_t nl = strlen(names[i]);
		if (len <= nl || strncasecmp(data, names[i], nl))
			continue;
		const char *v = data + nl, *e = data + len;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
			e--;
		free(resp->request_id);
		resp->request_id = xstrndup(v, (size_t)(e - v));
	}
	return len;
}

static void parse_xml_error(struct aws_response *resp)
{
	xmlDocPtr doc = aws_xml_parse(resp->body.buf, resp->body.len);
	if (!doc)
		return;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	/* CloudFormation: <ErrorResponse><Error><Code>; S3: <Error><Code> at the root */
	xmlNodePtr err = aws_xml_find(root, "Error");
	if (err) {
		resp->error_code = aws_xml_path_text(err, "Code");
		resp->error_message = aws_xml_path_text(err, "Message");
	}
	if (!resp->request_id)
		resp->request_id = aws_xml_text(aws_xml_find(root, "RequestId"));
	xmlFreeDoc(doc);
}

static char *json_str(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (!json_is_string(v))
		v = json_object_get(o, b);
	return json_is_string(v) && *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void parse_json_error(struct aws_response *resp)
{
	json_t *doc = json_loadb(resp->body.buf, resp->body.len, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return;
	}
	char *type = json_str(doc, "__type", "code");
	if (type) {
		/* "com.amazonaws.cloudformation#ThrottlingException" -> the part after '#' */
		const char *hash = strrchr(type, '#');
		resp->error_code = xstrdup(hash ? hash + 1 : type);
		free(type);
	}
	resp->error_message = json_str(doc, "message", "Message");
	json_decref(doc);
}

void aws_response_parse_error(struct aws_response *resp)
{
	const char *p = resp->body.buf;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p == '<')
		parse_xml_error(resp);
	else if (*p == '{')
		parse_json_error(resp);
}

static void amz_date_now(char out[17])
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static struct curl_slist *add_raw_header(struct curl_slist *list, const char *line)
{
	struct curl_slist *l = curl_slist_append(list, line);
	if (!l)
		abort(); /* out of memory, as xmalloc would */
	return l;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *name, const char *value)
{
	char *line = xstrfmt("%s: %s", name, value);
	struct curl_slist *l = add_raw_header(list, line);
	free(line);
	return l;
}

enum attempt_outcome { ATTEMPT_OK, ATTEMPT_FAILED, ATTEMPT_RETRY };

/* What one attempt's result calls for: done, failed for good, or another try. */
static enum attempt_outcome judge_attempt(CURLcode cc, struct aws_response *resp)
{
	if (cc != CURLE_OK)
		return curl_retryable(cc) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
	if (resp->status >= 200 && resp->status < 300)
		return ATTEMPT_OK;
	aws_response_parse_error(resp);
	return aws_status_retryable(resp->status, resp->error_code) ? ATTEMPT_RETRY
								    : ATTEMPT_FAILED;
}

/* The transport of one attempt: send, fill resp. The curl result. */
static CURLcode perform(const char *method, const char *url, struct curl_slist *h, const char *body,
			size_t body_len, long timeout_ms, struct aws_response *resp, char *errbuf)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		snprintf(errbuf, CURL_ERROR_SIZE, "libcurl could not make a handle");
		return CURLE_FAILED_INIT;
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < AWS_CONNECT_TIMEOUT_MS ? timeout_ms : AWS_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "solemate");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	const char *m = method;
	if (!strcmp(m, "GET")) {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (body_len || !strcmp(m, "POST") || !strcmp(m, "PUT")) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
		if (strcmp(m, "POST"))
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m);
	} else {
		curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m);
	}
	errbuf[0] = '\0';
	CURLcode rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_cleanup(curl);
	return rc;
}

/* One attempt of a signed request: sign with a fresh date and the keys of now, send. */
static CURLcode send_once(const struct aws_client *c, const struct aws_request *req,
			  const struct aws_endpoint *ep, const char *path, const char *url,
			  const struct aws_keys *keys, struct aws_response *resp, char *errbuf)
{
	struct curl_slist *h = NULL;
	h = add_header(h, "Host", ep->host);
	if (!req->anonymous) {
		char date[17];
		amz_date_now(date);
		struct sigv4_request sr = {
			.method = req->method,
			.host = ep->host,
			.path = path,
			.query = req->query,
			.region = aws_signing_region(req->service, c->creds->region),
			.service = req->service,
			.amz_date = date,
			.body = req->body,
			.body_len = req->body_len,
		};
		struct sigv4_creds sc = {keys->access_key, keys->secret_key, keys->session_token};
		struct strbuf auth = STRBUF_INIT, hash = STRBUF_INIT;
		if (sigv4_sign(&sr, &sc, &auth, &hash) < 0) {
			strbuf_release(&auth);
			strbuf_release(&hash);
			curl_slist_free_all(h);
			snprintf(errbuf, CURL_ERROR_SIZE,
				 "the request cannot be signed (missing field)");
			return CURLE_BAD_FUNCTION_ARGUMENT;
		}
		h = add_header(h, "X-Amz-Date", date);
		h = add_header(h, "X-Amz-Content-Sha256", hash.buf);
		if (keys->session_token && *keys->session_token)
			h = add_header(h, "X-Amz-Security-Token", keys->session_token);
		h = add_header(h, "Authorization", auth.buf);
		explicit_bzero(auth.buf, auth.len);
		strbuf_release(&auth);
		strbuf_release(&hash);
	}
	/* "Name:" with no value removes a header curl would add on its own. */
	if (req->content_type)
		h = add_header(h, "Content-Type", req->content_type);
	else
		h = add_raw_header(h, "Content-Type:");
	if (req->target) /* the JSON protocol's operation */
		h = add_header(h, "X-Amz-Target", req->target);
	h = add_raw_header(h, "Expect:"); /* no 100-continue round trip for large bodies */
	CURLcode rc =
		perform(req->method, url, h, req->body, req->body_len, c->timeout_ms, resp, errbuf);
	curl_slist_free_all(h);
	return rc;
}

static void failure_diag(struct diag_list *dl, const char *label, const struct aws_response *r,
			 int attempts)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%s: ", label);
	if (r->error_code)
		strbuf_addf(&sb, "%s: %s", r->error_code,
			    r->error_message ? r->error_message : "(no message)");
	else if (r->body.len) {
		/* Not an AWS error document (a proxy's page?): its first line, shortened. */
		size_t n = strcspn(r->body.buf, "\r\n");
		strbuf_addf(&sb, "unexpected answer '%.*s%s'", (int)(n > 120 ? 120 : n),
			    r->body.buf, n > 120 ? "..." : "");
	} else
		strbuf_addstr(&sb, "no error details");
	strbuf_addf(&sb, " (HTTP %ld", r->status);
	if (r->request_id)
		strbuf_addf(&sb, ", request id %s", r->request_id);
	if (attempts > 1)
		strbuf_addf(&sb, ", gave up after %d attempts", attempts);
	strbuf_addch(&sb, ')');
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s", sb.buf);
	strbuf_release(&sb);
}

int aws_send(struct aws_client *c, const struct aws_request *req, struct aws_response *resp,
	     struct diag_list *dl)
{
	/* libcurl's global set-up is not thread-safe in 7.88: done once, in there */
	if (aws_dynlib_load(dl) < 0)
		return -1;
	if (!req->service || !req->method) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "AWS request without a service or method");
		return -1;
	}
	char *label = request_label(req);
	const struct aws_creds *cr = c->creds;
	const char *unusable =
		!cr ? "no credentials"
		: !req->anonymous && !cr->provider && (!cr->access_key || !cr->secret_key)
			? "no credentials"
		: !cr->region ? "no region"
		/* the host name is built from it: never from anything else */
		: !region_name_valid(cr->region) ? "the region is not an AWS region name"
						 : NULL;
	if (unusable) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: %s", label, unusable);
		free(label);
		return -1;
	}
	struct aws_endpoint ep;
	aws_endpoint_get(c, req->service, &ep);
	struct strbuf path = STRBUF_INIT, url = STRBUF_INIT;
	strbuf_addf(&path, "%s%s", ep.path_prefix, req->path && *req->path ? req->path : "/");
	strbuf_addf(&url, "%.*s", (int)(strlen(ep.base) - strlen(ep.path_prefix)), ep.base);
	sigv4_uri_encode(&url, path.buf, path.len, 1);
	if (req->query && *req->query)
		strbuf_addf(&url, "?%s", req->query);

	int attempts = c->max_attempts > 0 ? c->max_attempts : 1, rc = -1, attempt;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode cc = CURLE_OK;
	bool keys_failed = false;
	for (attempt = 0; attempt < attempts; attempt++) {
		if (attempt) {
			c->retries++;
			sleep_ms(aws_retry_delay_ms(c->base_delay_ms, attempt - 1));
		}
		aws_response_release(resp);
		aws_response_init(resp);
		/* the keys of now: a provider refreshes them before they expire */
		struct aws_keys keys = {0};
		if (!req->anonymous && aws_creds_keys(cr, &keys, dl) < 0) {
			keys_failed = true;
			break;
		}
		c->requests++;
		double start = now_ms();
		cc = send_once(c, req, &ep, path.buf, url.buf, &keys, resp, errbuf);
		aws_keys_release(&keys);
		enum attempt_outcome out = judge_attempt(cc, resp);
		trace_attempt(label, req->method, url.buf, resp, start, attempt + 1,
			      out != ATTEMPT_RETRY || attempt + 1 == attempts);
		if (out == ATTEMPT_OK)
			rc = 0;
		if (out != ATTEMPT_RETRY)
			break;
	}
	int made = attempt < attempts ? attempt + 1 : attempts;
	if (keys_failed) {
		/* the provider said why; nothing was sent */
	} else if (rc < 0 && cc != CURLE_OK) {
		struct strbuf tries = STRBUF_INIT;
		if (made > 1)
			strbuf_addf(&tries, ", gave up after %d attempts", made);
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "%s: cannot reach %s: %s (curl error %d%s)", label, ep.base,
			 errbuf[0] ? errbuf : curl_easy_strerror(cc), (int)cc, tries.buf);
		strbuf_release(&tries);
	} else if (rc < 0)
		failure_diag(dl, label, resp, made);
	aws_endpoint_release(&ep);
	strbuf_release(&path);
	strbuf_release(&url);
	free(label);
	return rc;
}

int aws_http(const struct aws_http_request *req, struct aws_response *resp, struct diag_list *dl)
{
	aws_response_init(resp);
	if (aws_dynlib_load(dl) < 0)
		return -1;
	struct curl_slist *h = add_raw_header(NULL, "Expect:");
	for (const char *const *p = req->headers; p && *p; p++)
		h = add_raw_header(h, *p);
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : AWS_DEFAULT_TIMEOUT_MS;
	int attempts = req->max_attempts > 0 ? req->max_attempts : 1, attempt, rc = -1;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode cc = CURLE_OK;
	for (attempt = 0; attempt < attempts; attempt++) {
		if (attempt)
			sleep_ms(aws_retry_delay_ms(AWS_DEFAULT_BASE_DELAY_MS / 2, attempt - 1));
		aws_response_release(resp);
		aws_response_init(resp);
		const char *body = !strcmp(req->method, "PUT") ? "" : NULL;
		double start = now_ms();
		cc = perform(req->method, req->url, h, body, 0, timeout, resp, errbuf);
		enum attempt_outcome out = judge_attempt(cc, resp);
		trace_attempt(req->label, req->method, req->url, resp, start, attempt + 1,
			      out != ATTEMPT_RETRY || attempt + 1 == attempts);
		if (out == ATTEMPT_OK)
			rc = 0;
		if (out != ATTEMPT_RETRY)
			break;
	}
	curl_slist_free_all(h);
	int made = attempt < attempts ? attempt + 1 : attempts;
	if (rc < 0 && cc != CURLE_OK)
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "%s: cannot reach %s: %s (curl error %d)", req->label, req->url,
			 errbuf[0] ? errbuf : curl_easy_strerror(cc), (int)cc);
	else if (rc < 0)
		failure_diag(dl, req->label, resp, made);
	return rc;
}
