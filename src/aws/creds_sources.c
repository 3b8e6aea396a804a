/*
 * The sources of the credential chain that run a program or talk HTTP
 * (creds_internal.h). What they answer is JSON (jansson); no key, secret or
 * token ever goes into a message, and the buffers that held them are wiped.
 *
 *   credential_process:
 * https://docs.aws.amazon.com/cli/v1/userguide/cli-configure-sourcing-external.html SSO token cache
 * and GetRoleCredentials:
 *     https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
 *   container: https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
 *   instance metadata:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
 */
#include "aws/dynlib.h" /* first: libcrypto (SHA-1 of the SSO cache name) on first use */

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/creds_internal.h"
#include "aws/sigv4.h"
#include "aws/sts.h"
#include "base/common.h"
#include "base/xalloc.h"

extern char **environ;

#define PROCESS_MAX_OUTPUT (1 << 20) /* a credential process answers a few hundred bytes */
#define CONTAINER_TIMEOUT_MS 2000L   /* botocore: 2 s, 3 attempts */
#define CONTAINER_ATTEMPTS 3
#define IMDS_TOKEN_TTL "21600" /* six hours, the SDKs' default */

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static void wipe(struct strbuf *sb)
{
	if (sb->len)
		explicit_bzero(sb->buf, sb->len);
	strbuf_release(sb);
}

static const char *jget(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/*
 * Keys from a JSON object with the given member names (token and
 * expiration names may be NULL). The expiration is an ISO 8601 string, or a
 * number of milliseconds (the SSO portal). 1, or -1 naming what is missing.
 */
static int keys_from_json(const json_t *o, const char *ak_name, const char *sk_name,
			  const char *token_name, const char *exp_name, const char *what,
			  struct aws_creds *out, struct diag_list *dl)
{
	const char *ak = jget(o, ak_name), *sk = jget(o, sk_name);
	const char *token = token_name ? jget(o, token_name) : NULL;
	const json_t *exp = exp_name ? json_object_get(o, exp_name) : NULL;
	time_t t = 0;
	if (json_is_string(exp))
		t = aws_parse_time(json_string_value(exp));
	else if (json_is_integer(exp))
		t = (time_t)(json_integer_value(exp) / 1000);
	else if (exp && !json_is_null(exp))
		t = -1;
	const char *missing = !json_is_object(o) ? "a JSON object"
			      : !ak		 ? ak_name
			      : !sk		 ? sk_name
			      : t < 0		 ? exp_name
						 : NULL;
	if (missing) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: the answer lacks a valid %s", what,
			 missing);
		return -1;
	}
	out->access_key = xstrdup(ak);
	out->secret_key = xstrdup(sk);
	out->session_token = token ? xstrdup(token) : NULL;
	out->expiration = t;
	return 1;
}

/* The JSON document in `sb`, or NULL with a diagnostic (never quoting it: it holds keys). */
static json_t *parse_json(const struct strbuf *sb, const char *what, struct diag_list *dl)
{
	json_error_t err;
	json_t *doc = json_loadb(sb->buf, sb->len, 0, &err);
	if (!doc)
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "%s: the answer is not JSON (line %d, column %d)", what, err.line,
			 err.column);
	return doc;
}

/* ---- credential_process ---- */

/* Split like a POSIX shell's words: quotes and backslashes, no expansion. NULL when unbalanced. */
static char **split_command(const char *s)
{
	char **argv = NULL;
	size_t nr = 0, alloc = 0;
	struct strbuf w = STRBUF_INIT;
	bool in_word = false;
	for (const char *p = s;; p++) {
		if (!*p || *p == ' ' || *p == '\t') {
			if (in_word) {
				ALLOC_GROW(argv, nr + 2, alloc);
				argv[nr++] = strbuf_detach(&w, NULL);
				strbuf_init(&w, 0);
				in_word = false;
			}
			if (!*p)
				break;
			continue;
		}
		in_word = true;
		if (*p == '\\' && p[1]) {
			strbuf_addch(&w, *++p);
		} else if (*p == '\'' || *p == '"') {
			char q = *p++;
			while (*p && *p != q) {
				if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				strbuf_addch(&w, *p++);
			}
			if (!*p)
				goto bad;
		} else {
			strbuf_addch(&w, *p);
		}
	}
	strbuf_release(&w);
	if (!nr)
		return NULL;
	argv[nr] = NULL;
	return argv;
bad:
	strbuf_release(&w);
	for (size_t i = 0; i < nr; i++)
		free(argv[i]);
	free(argv);
	return NULL;
}

/* Read stdout and stderr of the child until both close. */
static void drain(int out_fd, int err_fd, struct strbuf *out, struct strbuf *err)
{
	struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
	struct strbuf *bufs[2] = {out, err};
	int open_fds = 2;
	char buf[4096];
	while (open_fds) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			ssize_t n = read(fds[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			} else if (bufs[i]->len < PROCESS_MAX_OUTPUT) {
				strbuf_add(bufs[i], buf, (size_t)n);
			}
		}
	}
	explicit_bzero(buf, sizeof(buf));
}

/* Run argv; its stdout and stderr collected. The exit status (wait status), or -1 + errno. */
static int run_process(char **argv, struct strbuf *out, struct strbuf *err)
{
	int po[2], pe[2];
	if (pipe(po) < 0)
		return -1;
	if (pipe(pe) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	posix_spawn_file_actions_addclose(&fa, pe[0]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (rc) {
		close(po[0]);
		close(pe[0]);
		errno = rc;
		return -1;
	}
	drain(po[0], pe[0], out, err);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int creds_from_process(const char *profile, const char *command, struct aws_creds *out,
		       struct diag_list *dl)
{
	char *what = xstrfmt("credential_process of profile '%s'", profile);
	char **argv = split_command(command);
	struct strbuf so = STRBUF_INIT, se = STRBUF_INIT;
	json_t *doc = NULL;
	int rc = -1;
	struct diag *d;
	if (!argv) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: unbalanced quotes in the command",
			 what);
		goto out;
	}
	int status = run_process(argv, &so, &se);
	if (status < 0) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: cannot run '%s': %s", what,
			     argv[0], strerror(errno));
		diag_set_hint(d, "check credential_process in ~/.aws/config");
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* its own error message, first line and shortened: a tool's words, not keys */
		size_t n = strcspn(se.buf, "\r\n");
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s failed (%s %d)%s%.*s%s", what,
			     WIFEXITED(status) ? "exit status" : "signal",
			     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			     n ? ": " : "", (int)(n > 200 ? 200 : n), se.buf, n > 200 ? "..." : "");
		diag_set_hint(d, "run the command by hand to see why; its credentials were not "
				 "used");
		goto out;
	}
	if (!(doc = parse_json(&so, what, dl)))
		goto out;
	const json_t *v = json_object_get(doc, "Version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "%s: the answer's Version is not 1 (the only version there is)", what);
		goto out;
	}
	rc = keys_from_json(doc, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration",
			    what, out, dl);
	if (rc > 0)
		out->source = xstrfmt("profile %s (credential_process)", profile);
out:
	json_decref(doc);
	wipe(&so);
	strbuf_release(&se);
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
	free(what);
	return rc;
}

/* ---- SSO ---- */

static char *sha1_hex(const char *s)
{
	unsigned char md[20];
	unsigned int n = 0;
	struct diag_list ignore = DIAG_LIST_INIT;
	int loaded = aws_dynlib_load(&ignore);
	diag_list_release(&ignore);
	if (loaded < 0 || !EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL) || n != 20)
		return NULL;
	char *hex = xmalloc(41);
	for (unsigned i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hex;
}

static void sso_login_hint(struct diag *d, const char *profile)
{
	diag_set_hint(d, "run aws sso login --profile %s", profile);
}

/* The cached access token (malloc'd), or NULL with a diagnostic. */
static char *sso_cached_token(const struct creds_sso *sso, struct diag_list *dl)
{
	const char *home = env("HOME");
	char *key = sha1_hex(sso->session ? sso->session : sso->start_url);
	char *path = home && key ? xstrfmt("%s/.aws/sso/cache/%s.json", home, key) : NULL;
	struct strbuf text = STRBUF_INIT;
	json_t *doc = NULL;
	char *token = NULL;
	struct diag *d;
	if (!path || creds_read_file(path, &text) < 0) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "profile '%s' uses SSO and there is no cached SSO token (%s)",
			     sso->profile, path ? path : "no HOME");
		sso_login_hint(d, sso->profile);
		goto out;
	}
	char *what = xstrfmt("the SSO token cache '%s'", path);
	doc = parse_json(&text, what, dl);
	free(what);
	if (!doc)
		goto out;
	const char *tok = jget(doc, "accessToken"), *exp = jget(doc, "expiresAt");
	time_t t = exp ? aws_parse_time(exp) : -1;
	if (!tok || t < 0) {
		d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "the SSO token cache '%s' lacks %s",
			     path, !tok ? "accessToken" : "a valid expiresAt");
		sso_login_hint(d, sso->profile);
		goto out;
	}
	if (time(NULL) >= t) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "the SSO session of profile '%s' has expired (at %s)", sso->profile,
			     exp);
		sso_login_hint(d, sso->profile);
		goto out;
	}
	token = xstrdup(tok);
out:
	json_decref(doc);
	wipe(&text);
	free(path);
	free(key);
	return token;
}

int creds_from_sso(const struct creds_sso *sso, struct aws_creds *out, struct diag_list *dl)
{
	const char *missing = !sso->start_url	 ? "sso_start_url"
			      : !sso->sso_region ? "sso_region"
			      : !sso->account_id ? "sso_account_id"
			      : !sso->role_name	 ? "sso_role_name"
						 : NULL;
	if (missing) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "SSO profile '%s' has no %s%s", sso->profile, missing,
					  sso->session && (!strcmp(missing, "sso_start_url") ||
							   !strcmp(missing, "sso_region"))
						  ? " in its [sso-session] section"
						  : "");
		diag_set_hint(d, "aws configure sso --profile %s writes the settings",
			      sso->profile);
		return -1;
	}
	char *token = sso_cached_token(sso, dl);
	if (!token)
		return -1;
	const char *base = aws_service_endpoint_url(sso->endpoint_flag, "AWS_ENDPOINT_URL_SSO");
	struct strbuf url = STRBUF_INIT;
	if (base)
		strbuf_addstr(&url, base);
	else
		strbuf_addf(&url, "https://portal.sso.%s.amazonaws.com", sso->sso_region);
	while (url.len && url.buf[url.len - 1] == '/')
		strbuf_setlen(&url, url.len - 1);
	strbuf_addstr(&url, "/federation/credentials?account_id=");
	sigv4_uri_encode(&url, sso->account_id, strlen(sso->account_id), 0);
	strbuf_addstr(&url, "&role_name=");
	sigv4_uri_encode(&url, sso->role_name, strlen(sso->role_name), 0);
	char *header = xstrfmt("x-amz-sso_bearer_token: %s", token);
	const char *headers[] = {header, NULL};
	struct aws_http_request req = {
		.label = "SSO GetRoleCredentials",
		.method = "GET",
		.url = url.buf,
		.headers = headers,
		.max_attempts = 3,
	};
	struct aws_response resp;
	int rc = aws_http(&req, &resp, dl);
	explicit_bzero(header, strlen(header));
	explicit_bzero(token, strlen(token));
	free(header);
	free(token);
	if (rc < 0) {
		if (resp.status == 401 || resp.status == 403) {
			struct diag *d =
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "the SSO portal refused the cached token of profile "
					 "'%s' for role %s in account %s",
					 sso->profile, sso->role_name, sso->account_id);
			sso_login_hint(d, sso->profile);
		}
		goto out;
	}
	rc = -1;
	json_t *doc = parse_json(&resp.body, "SSO GetRoleCredentials", dl);
	if (doc)
		rc = keys_from_json(json_object_get(doc, "roleCredentials"), "accessKeyId",
				    "secretAccessKey", "sessionToken", "expiration",
				    "SSO GetRoleCredentials", out, dl);
	json_decref(doc);
	if (rc > 0)
		out->source = xstrfmt("profile %s (sso %s/%s)", sso->profile, sso->account_id,
				      sso->role_name);
out:
	wipe(&resp.body);
	aws_response_release(&resp);
	strbuf_release(&url);
	return rc;
}

/* ---- container credentials ---- */

char *creds_container_url(const char *relative, const char *full)
{
	if (relative && *relative)
		return xstrfmt("http://169.254.170.2%s%s", *relative == '/' ? "" : "/", relative);
	return full && *full ? xstrdup(full) : NULL;
}

/*
 * The SDKs send the token over plain HTTP only to the container agents'
 * addresses and the loopback interface: anything else must be https.
 */
static bool container_url_allowed(const char *url)
{
	if (!strncasecmp(url, "https://", 8))
		return true;
	if (strncasecmp(url, "http://", 7))
		return false;
	const char *h = url + 7;
	size_t n = strcspn(h, "/?#");
	static const char *const hosts[] = {"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
					    "localhost", "[::1]"};
	const char *close = h[0] == '[' ? memchr(h, ']', n) : NULL;
	size_t hn = close ? (size_t)(close - h) + 1 : strcspn(h, ":/?#");
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if (strlen(hosts[i]) == hn && !strncasecmp(h, hosts[i], hn))
			return true;
	return hn > 4 && !strncmp(h, "127.", 4);
}

int creds_from_container(struct aws_creds *out, struct diag_list *dl)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	char *url = creds_container_url(rel, full);
	if (!url)
		return 0;
	const char *var = rel ? "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
			      : "AWS_CONTAINER_CREDENTIALS_FULL_URI";
	struct strbuf token = STRBUF_INIT;
	char *header = NULL;
	int rc = -1;
	struct diag *d;
	if (!rel && !container_url_allowed(url)) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is plain http to a host that "
			     "is not the container agent or this machine",
			     url);
		diag_set_hint(d, "use https, or the loopback address, or 169.254.170.2/.23");
		goto out;
	}
	const char *token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	if (token_file) {
		if (creds_read_file(token_file, &token) < 0) {
			diag_add(dl, DIAG_ERROR, token_file, 0, 0, NULL,
				 "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '%s': %s",
				 token_file, strerror(errno));
			goto out;
		}
		while (token.len && strchr("\r\n ", token.buf[token.len - 1]))
			strbuf_setlen(&token, token.len - 1);
	} else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
		strbuf_addstr(&token, env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	}
	if (memchr(token.buf, '\n', token.len) || memchr(token.buf, '\r', token.len)) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "the container authorization token has a line break in it");
		goto out;
	}
	if (token.len)
		header = xstrfmt("Authorization: %s", token.buf);
	const char *headers[] = {header, NULL};
	char *label = xstrfmt("container credentials (%s)", var);
	struct aws_http_request req = {
		.label = label,
		.method = "GET",
		.url = url,
		.headers = headers,
		.timeout_ms = CONTAINER_TIMEOUT_MS,
		.max_attempts = CONTAINER_ATTEMPTS,
	};
	struct aws_response resp;
	if (aws_http(&req, &resp, dl) == 0) {
		json_t *doc = parse_json(&resp.body, label, dl);
		if (doc)
			rc = keys_from_json(doc, "AccessKeyId", "SecretAccessKey", "Token",
					    "Expiration", label, out, dl);
		json_decref(doc);
	}
	wipe(&resp.body);
	aws_response_release(&resp);
	free(label);
	if (rc > 0)
		out->source = xstrdup("container");
out:
	if (header)
		explicit_bzero(header, strlen(header));
	free(header);
	wipe(&token);
	free(url);
	return rc;
}

/* ---- EC2 instance metadata ---- */

static long env_long(const char *name, long def, long lo, long hi)
{
	const char *v = env(name);
	if (!v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	return *end || n < lo || n > hi ? def : n;
}

struct imds {
	char *base;
	char *token_header; /* "X-aws-ec2-metadata-token: ..." or NULL (IMDSv1) */
	long timeout_ms;
	int attempts;
};

static int imds_get(const struct imds *m, const char *path, struct aws_response *resp,
		    struct diag_list *dl)
{
	char *url = xstrfmt("%s%s", m->base, path);
	const char *headers[] = {m->token_header, NULL};
	struct aws_http_request req = {
		.label = "EC2 instance metadata",
		.method = "GET",
		.url = url,
		.headers = headers,
		.timeout_ms = m->timeout_ms,
		.max_attempts = m->attempts,
	};
	int rc = aws_http(&req, resp, dl);
	free(url);
	return rc;
}

int creds_from_imds(struct aws_creds *out, struct diag_list *dl)
{
	const char *off = env("AWS_EC2_METADATA_DISABLED");
	if (off && !strcasecmp(off, "true"))
		return 0;
	struct imds m = {
		.base = xstrdup(env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
					? env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
					: "http://169.254.169.254"),
		/* botocore: 1 s and one attempt: off EC2 the chain must not hang */
		.timeout_ms = 1000L * env_long("AWS_METADATA_SERVICE_TIMEOUT", 1, 1, 60),
		.attempts = (int)env_long("AWS_METADATA_SERVICE_NUM_ATTEMPTS", 1, 1, 10),
	};
	size_t bl = strlen(m.base);
	while (bl && m.base[bl - 1] == '/')
		m.base[--bl] = '\0';
	struct diag_list quiet = DIAG_LIST_INIT;
	struct aws_response resp;
	char *url = xstrfmt("%s/latest/api/token", m.base), *role = NULL;
	const char *put_headers[] = {"X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL, NULL};
	struct aws_http_request put = {
		.label = "EC2 instance metadata",
		.method = "PUT",
		.url = url,
		.headers = put_headers,
		.timeout_ms = m.timeout_ms,
		.max_attempts = m.attempts,
	};
	/*
	 * As the SDKs: an instance metadata service that does not answer, or
	 * refuses, means "no instance credentials", and the chain ends with
	 * its usual message; only a role's credentials that cannot be read
	 * are an error.
	 */
	int rc = 0;
	if (aws_http(&put, &resp, &quiet) == 0)
		m.token_header = xstrfmt("X-aws-ec2-metadata-token: %.*s", (int)resp.body.len,
					 resp.body.buf);
	else if (resp.status != 403 && resp.status != 404 && resp.status != 405)
		goto out; /* not on EC2 (or IMDS is off there) */
	/* else: an IMDSv1-only endpoint, asked without a token, as the SDKs do */
	wipe(&resp.body);
	aws_response_release(&resp);
	const char *list = "/latest/meta-data/iam/security-credentials/";
	if (imds_get(&m, list, &resp, &quiet) < 0)
		goto out; /* no instance profile: no keys */
	role = xstrndup(resp.body.buf, strcspn(resp.body.buf, "\r\n"));
	aws_response_release(&resp);
	if (!*role)
		goto out;
	char *path = xstrfmt("%s%s", list, role);
	rc = imds_get(&m, path, &resp, dl);
	free(path);
	if (rc == 0) {
		rc = -1;
		json_t *doc = parse_json(&resp.body, "EC2 instance metadata", dl);
		const char *code = jget(doc, "Code");
		if (doc && code && strcmp(code, "Success"))
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "EC2 instance metadata: the credentials of role %s are not "
				 "available (Code %s)",
				 role, code);
		else if (doc)
			rc = keys_from_json(doc, "AccessKeyId", "SecretAccessKey", "Token",
					    "Expiration", "EC2 instance metadata", out, dl);
		json_decref(doc);
	}
	if (rc > 0)
		out->source = xstrfmt("ec2-instance-metadata (%s)", role);
out:
	wipe(&resp.body);
	aws_response_release(&resp);
	diag_list_release(&quiet);
	if (m.token_header)
		explicit_bzero(m.token_header, strlen(m.token_header));
	free(m.token_header);
	free(m.base);
	free(url);
	free(role);
	return rc;
}
