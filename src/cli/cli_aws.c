/* The AWS commands' shared layer (cli_aws.h). */
#include "aws/dynlib.h" /* first: libcrypto through the pointers loaded on first use */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/s3.h"
#include "aws/stack_events.h"
#include "aws/sts.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/region.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "lib/environments.h"

volatile sig_atomic_t cli_interrupted;

static void on_sigint(int sig)
{
	static const char msg[] = "\nsolemate: interrupted again: exiting now\n";
	if (cli_interrupted) {
		/* the user insists: nothing more is cleaned up */
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
			_exit(130);
		_exit(130);
	}
	cli_interrupted = sig;
}

void cli_catch_interrupt(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a prompt's read returns EINTR instead of waiting on */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool cli_aws_sleep(const struct cli_aws *ca, unsigned ms)
{
	(void)ca;
	while (ms && !cli_interrupted) {
		unsigned slice = ms < 100 ? ms : 100;
		struct timespec ts = {slice / 1000, (long)(slice % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !cli_interrupted;
}

int cli_aws_parse_option(struct cli_aws_opts *o, int argc, char **argv, int *i, const char *cmd)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{"--profile", offsetof(struct cli_aws_opts, profile)},
		{"--region", offsetof(struct cli_aws_opts, region)},
		{"--endpoint-url", offsetof(struct cli_aws_opts, endpoint_url)},
	};
	if (!strcmp(argv[*i], "--allow-insecure-endpoint")) {
		o->allow_insecure_endpoint = true;
		return 1;
	}
	for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++) {
		size_t n = strlen(opts[k].name);
		const char *arg = argv[*i], *val;
		if (strncmp(arg, opts[k].name, n) || (arg[n] && arg[n] != '='))
			continue;
		if (arg[n] == '=') {
			val = arg + n + 1;
		} else if (*i + 1 < argc) {
			val = argv[++*i];
		} else {
			cli_usage_error(cmd, "option '%s' needs a value", opts[k].name);
			return -1;
		}
		if (!*val) {
			cli_usage_error(cmd, "option '%s' needs a non-empty value", opts[k].name);
			return -1;
		}
		*(const char **)((char *)o + opts[k].off) = val;
		return 1;
	}
	return 0;
}

static unsigned env_ms(const char *name, unsigned def)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return def;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	return *end || n > 600000 ? def : (unsigned)n;
}

/* 127.0.0.0/8 written as four decimal numbers, or localhost, or [::1]. */
static bool host_is_loopback(const char *host, size_t n)
{
	if ((n == 9 && !strncasecmp(host, "localhost", 9)) || (n == 5 && !memcmp(host, "[::1]", 5)))
		return true;
	unsigned part[4];
	int used = 0;
	char buf[16];
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, host, n);
	buf[n] = '\0';
	if (sscanf(buf, "%3u.%3u.%3u.%3u%n", &part[0], &part[1], &part[2], &part[3], &used) != 4 ||
	    (size_t)used != n || strspn(buf, "0123456789.") != n)
		return false;
	return part[0] == 127 && part[1] < 256 && part[2] < 256 && part[3] < 256;
}

/*
 * An endpoint URL must be http(s)://HOST[:PORT][/PATH], without user
 * information (which would change the host curl connects to and what is
 * signed), and plain http only to this machine (issue 19): every request
 * carries the credentials' session token and a signature that an observer
 * could replay. --allow-insecure-endpoint lets it through, with a warning.
 */
static int check_endpoint(const char *url, bool allow_insecure, struct diag_list *dl)
{
	struct diag *d;
	bool http = !strncasecmp(url, "http://", 7);
	if (!http && strncasecmp(url, "https://", 8)) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "endpoint URL '%s' is not an http:// or https:// URL", url);
		diag_set_hint(d, "for example --endpoint-url http://127.0.0.1:5000");
		return -1;
	}
	const char *auth = url + (http ? 7 : 8);
	size_t auth_len = strcspn(auth, "/?#");
	if (memchr(auth, '@', auth_len)) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "endpoint URL '%s' carries user information (before '@')", url);
		diag_set_hint(d, "give only the scheme, host and port: http(s)://HOST[:PORT]");
		return -1;
	}
	if (!http)
		return 0;
	size_t host_len = auth_len;
	if (auth[0] == '[') {
		const char *close = memchr(auth, ']', auth_len);
		host_len = close ? (size_t)(close - auth) + 1 : auth_len;
	} else {
		const char *colon = memchr(auth, ':', auth_len);
		if (colon)
			host_len = (size_t)(colon - auth);
	}
	if (host_is_loopback(auth, host_len))
		return 0;
	if (!allow_insecure) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "endpoint URL '%s' is plain http:// to '%.*s', another machine: the "
			     "requests, with the session token and signatures, would cross the "
			     "network in clear text",
			     url, (int)host_len, auth);
		diag_set_hint(d, "use https://, or http:// to this machine only (localhost, "
				 "127.0.0.1); --allow-insecure-endpoint if you really mean it");
		return -1;
	}
	struct diag_list warn = DIAG_LIST_INIT;
	diag_add(&warn, DIAG_WARNING, NULL, 0, 0, NULL,
		 "endpoint URL '%s' is plain http:// to '%.*s' (--allow-insecure-endpoint): the "
		 "requests, with the session token, cross the network in clear text",
		 url, (int)host_len, auth);
	cli_print_diags(&warn);
	diag_list_release(&warn);
	return 0;
}

int cli_aws_open(struct cli_aws *ca, const struct cli_aws_opts *o, const char *fallback_region,
		 struct diag_list *dl)
{
	memset(ca, 0, sizeof(*ca));
	struct aws_creds_opts co = {
		.profile = o->profile,
		.region = o->region,
		.fallback_region = fallback_region,
		.endpoint_url = o->endpoint_url,
		.mfa_prompt = cli_mfa_prompt,
	};
	if (o->region && region_check(o->region, "--region", dl) < 0)
		return -1;
	/* the endpoints first: the chain may already send keys to STS */
	ca->endpoint_url = o->endpoint_url;
	ca->sts_endpoint_url = aws_sts_endpoint_url(o->endpoint_url);
	if (!ca->endpoint_url) {
		const char *e = getenv("AWS_ENDPOINT_URL");
		ca->endpoint_url = e && *e ? e : NULL;
	}
	if (ca->endpoint_url &&
	    check_endpoint(ca->endpoint_url, o->allow_insecure_endpoint, dl) < 0)
		return -1;
	if (ca->sts_endpoint_url &&
	    (!ca->endpoint_url || strcmp(ca->sts_endpoint_url, ca->endpoint_url)) &&
	    check_endpoint(ca->sts_endpoint_url, o->allow_insecure_endpoint, dl) < 0)
		return -1;
	if (aws_creds_load(&co, &ca->creds, dl) < 0)
		return -1;
	/* before any host name is built from it (issue 19) */
	if (region_check(ca->creds.region,
			 "the region from AWS_REGION, AWS_DEFAULT_REGION or the profile", dl) < 0) {
		aws_creds_release(&ca->creds);
		return -1;
	}
	ca->forced_region = o->region;
	ca->progress_tty = isatty(STDOUT_FILENO);
	ca->prompt_tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	ca->color = cli_color(stdout);
	ca->poll_ms = env_ms("SOLEMATE_POLL_MS", 2000);
	pthread_mutex_init(&ca->out_lock, NULL);
	pthread_mutex_init(&ca->lock, NULL);
	return 0;
}

void cli_aws_close(struct cli_aws *ca)
{
	aws_creds_release(&ca->creds);
	pthread_mutex_destroy(&ca->out_lock);
	pthread_mutex_destroy(&ca->lock);
}

const char *cli_stack_region(const struct cli_aws *ca, const struct sm_template *t)
{
	if (ca->forced_region)
		return ca->forced_region;
	if (t && t->region && strcmp(t->region, "unknown-region"))
		return t->region;
	return ca->creds.region;
}

void cli_client_init(struct cli_aws *ca, const char *region, struct cli_client *cc)
{
	cc->creds = ca->creds;
	if (region)
		cc->creds.region = (char *)region;
	aws_client_init(&cc->c, &cc->creds, ca->endpoint_url);
}

void cli_client_done(struct cli_aws *ca, struct cli_client *cc)
{
	pthread_mutex_lock(&ca->lock);
	ca->requests += cc->c.requests;
	ca->retries += cc->c.retries;
	pthread_mutex_unlock(&ca->lock);
	cc->c.requests = cc->c.retries = 0;
}

void cli_aws_say(struct cli_aws *ca, const char *stack, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&ca->out_lock);
	if (stack)
		printf(ca->color ? "\033[1m%s\033[0m | " : "%s | ", stack);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

void cli_aws_diags(struct cli_aws *ca, const struct diag_list *dl)
{
	pthread_mutex_lock(&ca->out_lock);
	fflush(stdout);
	cli_print_diags(dl);
	pthread_mutex_unlock(&ca->out_lock);
}

bool cli_aws_confirm(struct cli_aws *ca, const char *question)
{
	char line[64];
	bool yes = false;

	if (!ca->prompt_tty || cli_interrupted)
		return false;
	pthread_mutex_lock(&ca->out_lock);
	fflush(stdout);
	fprintf(stderr, "%s (y/n) ", question);
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) && !cli_interrupted)
		yes = line[0] == 'y' || line[0] == 'Y';
	else
		fputc('\n', stderr);
	pthread_mutex_unlock(&ca->out_lock);
	return yes;
}

/* ---- following a stack operation ---- */

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

int cli_watch_begin(struct cli_aws *ca, struct aws_client *c, struct cli_watch *w,
		    struct diag_list *dl)
{
	(void)ca;
	free(w->marker);
	w->marker = NULL;
	if (!w->events)
		w->events = json_array();
	/*
	 * Only the newest event is needed (issue 19: not the whole history
	 * before every change set): events after it are this operation's, and
	 * later polls stop at the marker, reading only what is new.
	 */
	return cfn_latest_stack_event(c, w->stack_id ? w->stack_id : w->stack, &w->marker, dl);
}

static bool status_failed(const char *s)
{
	return strstr(s, "FAILED") != NULL;
}

static void show_event(struct cli_aws *ca, struct cli_watch *w, const json_t *e, size_t done)
{
	const char *status = jstr(e, "status"), *reason = jstr(e, "reason");
	const char *ts = jstr(e, "timestamp");
	/* hh:mm:ss of an ISO 8601 timestamp */
	const char *t = strchr(ts, 'T');
	char hms[9] = "";
	if (t && strlen(t) >= 9)
		memcpy(hms, t + 1, 8);
	/* one bar redrawn in place only while a single stack is followed */
	pthread_mutex_lock(&ca->lock);
	bool bar = ca->progress_tty && ca->in_flight <= 1;
	pthread_mutex_unlock(&ca->lock);
	pthread_mutex_lock(&ca->out_lock);
	if (bar)
		fputs("\r\033[K", stdout);
	if (!bar || status_failed(status)) {
		const char *col = !ca->color		  ? ""
				  : status_failed(status) ? "\033[31m"
				  : strstr(status, "COMPLETE") && !strstr(status, "ROLLBACK")
					  ? "\033[32m"
					  : "";
		printf("%s | %s | %s%-28s%s | %-34s | %s%s%s\n", w->stack, hms, col, status,
		       ca->color ? "\033[0m" : "", jstr(e, "type"), jstr(e, "logicalId"),
		       *reason ? " : " : "", reason);
	}
	if (bar) {
		char pb[96];
		stack_progress_bar(pb, sizeof(pb), done, w->total, 30);
		printf("%s %s %s %s", w->stack, pb, jstr(e, "logicalId"), status);
	}
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

/* Fetch the events since the marker and print them oldest first. */
static int poll_events(struct cli_aws *ca, struct aws_client *c, struct cli_watch *w,
		       struct diag_list *dl)
{
	json_t *fresh = NULL;
	if (cfn_describe_stack_events(c, w->stack_id ? w->stack_id : w->stack, w->marker, &fresh,
				      dl) < 0)
		return -1;
	size_t n = json_array_size(fresh);
	if (n) {
		free(w->marker);
		w->marker = xstrdup(jstr(json_array_get(fresh, 0), "eventId"));
	}
	for (size_t k = n; k-- > 0;) {
		json_t *e = json_array_get(fresh, k);
		json_array_append(w->events, e);
		size_t done = stack_events_done(w->events, w->stack);
		show_event(ca, w, e, done);
	}
	json_decref(fresh);
	return 0;
}

int cli_watch_run(struct cli_aws *ca, struct aws_client *c, struct cli_watch *w,
		  struct diag_list *dl)
{
	int ret = -1;
	pthread_mutex_lock(&ca->lock);
	ca->in_flight++;
	pthread_mutex_unlock(&ca->lock);
	if (!w->events)
		w->events = json_array();
	for (;;) {
		if (poll_events(ca, c, w, dl) < 0)
			break;
		cfn_stack_release(&w->final);
		int r = cfn_describe_stack(c, w->stack_id ? w->stack_id : w->stack, &w->final, dl);
		if (r < 0)
			break;
		if (r == 0) {
			/* deleted, looked up by name */
			w->gone = true;
			ret = 0;
			break;
		}
		enum stack_state st = stack_status_state(w->final.status);
		if (st != STACK_IN_PROGRESS || !strcmp(w->final.status, "REVIEW_IN_PROGRESS")) {
			/* the last events may have been written after the poll above */
			if (poll_events(ca, c, w, dl) < 0)
				break;
			if (!strcmp(w->final.status, "DELETE_COMPLETE"))
				w->gone = true;
			ret = 0;
			break;
		}
		if (!cli_aws_sleep(ca, ca->poll_ms)) {
			ret = 1;
			break;
		}
	}
	pthread_mutex_lock(&ca->lock);
	ca->in_flight--;
	pthread_mutex_unlock(&ca->lock);
	if (ca->progress_tty) {
		pthread_mutex_lock(&ca->out_lock);
		fputs("\r\033[K", stdout);
		fflush(stdout);
		pthread_mutex_unlock(&ca->out_lock);
	}
	return ret;
}

void cli_watch_release(struct cli_watch *w)
{
	free(w->marker);
	w->marker = NULL;
	json_decref(w->events);
	w->events = NULL;
	cfn_stack_release(&w->final);
}

json_t *cli_deployed_template(struct aws_client *c, const char *stack, int *err,
			      struct diag_list *dl)
{
	char *body = NULL;
	*err = 0;
	if (cfn_get_template(c, stack, &body, dl) < 0) {
		*err = 1;
		return NULL;
	}
	json_t *t = body ? jio_load_auto(stack, body, strlen(body), dl) : NULL;
	if (body && !t)
		*err = 1;
	free(body);
	return t;
}

/* ---- whose stack it is ---- */

/* The environment a stack records, or NULL (malloc'd). */
static char *recorded_environment(const struct cfn_stack *s)
{
	const json_t *tag = json_object_get(s->tags, "Environment");
	if (json_is_string(tag))
		return xstrdup(json_string_value(tag));
	/* solemate_stack.c's "SoleMate %s: %s (managed by solemate)" */
	const char *d = s->description, *prefix = "SoleMate ";
	if (!d || strncmp(d, prefix, strlen(prefix)) || !strstr(d, "(managed by solemate)"))
		return NULL;
	d += strlen(prefix);
	size_t n = strcspn(d, ": ");
	return n && d[n] == ':' ? xstrndup(d, n) : NULL;
}

int cli_stack_owner_check(const struct cfn_stack *s, const char *env, struct diag_list *dl)
{
	if (!s->status || !strcmp(s->status, "REVIEW_IN_PROGRESS") ||
	    !strcmp(s->status, "DELETE_COMPLETE"))
		return 0;
	char *rec = recorded_environment(s);
	int ret = 0;
	if (!rec) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' exists and records no environment (no "
					  "Environment tag, no solemate description): it is not "
					  "environment '%s''s; refusing to touch it",
					  s->name, env);
		diag_set_hint(d,
			      "it was not deployed by solemate for '%s'; if it is yours to "
			      "replace, delete it by hand first",
			      env);
		ret = -1;
	} else if (strcmp(rec, env)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "stack '%s' belongs to environment '%s', not '%s': "
					  "refusing to touch it",
					  s->name, rec, env);
		diag_set_hint(d,
			      "two environments map to the same stack names; use --env %s "
			      "for that environment, or give this one a name of its own",
			      rec);
		ret = -1;
	}
	free(rec);
	return ret;
}

int cli_check_owners(struct cli_aws *ca, const struct plan_waves *waves, const char *env,
		     const char *const *only, size_t only_nr, struct diag_list *dl)
{
	int code = SM_EXIT_OK;
	for (size_t i = 0; i < waves->nr && code != SM_EXIT_FINDINGS; i++) {
		const struct sm_template *t = waves->stacks[i];
		size_t k = 0;
		while (k < only_nr && strcmp(only[k], t->stack_name))
			k++;
		if (only_nr && k == only_nr)
			continue;
		struct cli_client cc;
		struct cfn_stack s = {0};
		cli_client_init(ca, cli_stack_region(ca, t), &cc);
		int r = cfn_describe_stack(&cc.c, t->stack_name, &s, dl);
		if (r < 0)
			code = SM_EXIT_FINDINGS;
		else if (r == 1 && cli_stack_owner_check(&s, env, dl) < 0)
			code = SM_EXIT_USAGE;
		cfn_stack_release(&s);
		cli_client_done(ca, &cc);
	}
	return code;
}

/* ---- deploying one stack ---- */

static char *change_set_name(void)
{
	unsigned char rnd[4] = {0};
	time_t now = time(NULL);
	struct tm tm;
	char ts[32];
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%d%H%M%S", &tm);
	struct diag_list ignore = DIAG_LIST_INIT;
	int loaded = aws_dynlib_load(&ignore); /* done by the calls before: cheap */
	diag_list_release(&ignore);
	if (loaded < 0 || RAND_bytes(rnd, sizeof(rnd)) != 1)
		memcpy(rnd, &now, sizeof(rnd) < sizeof(now) ? sizeof(rnd) : sizeof(now));
	return xstrfmt(CLI_CHANGE_SET_PREFIX "%s-%02x%02x%02x%02x", ts, rnd[0], rnd[1], rnd[2],
		       rnd[3]);
}

/* Ours: our name prefix and our description (cli_deploy_stack sets both). */
static bool change_set_is_ours(const json_t *cs)
{
	return !strncmp(jstr(cs, "name"), CLI_CHANGE_SET_PREFIX, strlen(CLI_CHANGE_SET_PREFIX)) &&
	       !strcmp(jstr(cs, "description"), CLI_CHANGE_SET_DESCRIPTION);
}

/*
 * A change set that could not be deleted is a loaded gun (issue 19): anyone
 * may execute it later, with changes no one approved. Said loudly, with the
 * command that removes it.
 */
static void change_set_left_behind(struct diag_list *dl, const struct aws_client *c,
				   const char *stack, const char *cs)
{
	struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				  "change set '%s' of stack '%s' could not be deleted: it is left "
				  "behind, and executing it would apply changes this run did not "
				  "approve",
				  cs, stack);
	diag_set_hint(d,
		      "delete it: aws cloudformation delete-change-set --stack-name %s "
		      "--change-set-name %s --region %s",
		      stack, cs, c->creds->region);
}

/*
 * Remove the change sets that earlier runs (killed, or denied
 * DeleteChangeSet) left on the stack, before a new one is made. 0, or -1
 * + diag when one could not be listed or deleted.
 */
static int remove_stale_change_sets(struct cli_aws *ca, struct aws_client *c, const char *stack,
				    struct diag_list *dl)
{
	json_t *list = NULL;
	size_t i;
	const json_t *cs;
	int ret = 0;
	if (cfn_list_change_sets(c, stack, &list, dl) < 0)
		return -1;
	json_array_foreach (list, i, cs) {
		const char *exec = jstr(cs, "executionStatus");
		if (!change_set_is_ours(cs) || !strcmp(exec, "EXECUTE_IN_PROGRESS") ||
		    !strcmp(exec, "EXECUTE_COMPLETE"))
			continue;
		cli_aws_say(ca, stack, "deleting change set %s (%s, %s) left by an earlier run\n",
			    jstr(cs, "name"), jstr(cs, "status"), exec);
		if (cfn_delete_change_set(c, stack, jstr(cs, "name"), dl) < 0) {
			change_set_left_behind(dl, c, stack, jstr(cs, "name"));
			ret = -1;
		}
	}
	json_decref(list);
	return ret;
}

/* The bootstrap bucket of a region, from the toolkit stack's outputs. */
static char *toolkit_bucket(struct aws_client *c, const char *env, struct diag_list *dl)
{
	struct cfn_stack s = {0};
	char *bucket = NULL;
	int r = cfn_describe_stack(c, CLI_TOOLKIT_STACK, &s, dl);
	if (r == 1) {
		const json_t *b = json_object_get(s.outputs, "BucketName");
		if (json_is_string(b))
			bucket = xstrdup(json_string_value(b));
	}
	if (r >= 0 && !bucket) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the template must be uploaded to S3, and region %s is not "
				 "bootstrapped (no stack %s with a BucketName output)",
				 c->creds->region, CLI_TOOLKIT_STACK);
		diag_set_hint(d, "run 'solemate bootstrap --env %s' first", env ? env : "NAME");
	}
	cfn_stack_release(&s);
	return bucket;
}

static char *upload_template(struct aws_client *c, const char *env, const char *stack,
			     const char *body, size_t len, struct diag_list *dl)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	char *bucket = toolkit_bucket(c, env, dl), *key = NULL, *url = NULL;
	/* toolkit_bucket called AWS: the libraries are loaded when it succeeded */
	if (!bucket || aws_dynlib_load(dl) < 0) {
		free(bucket);
		return NULL;
	}
	SHA256((const unsigned char *)body, len, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	/* content-addressed: a retry uploads the same object again, harmlessly */
	key = xstrfmt("templates/%s-%s.template.json", stack, hex);
	if (s3_put_object(c, bucket, key, body, len, "application/json", dl) == 0)
		url = s3_object_url(c, bucket, key);
	free(key);
	free(bucket);
	return url;
}

static const char *action_mark(const char *action)
{
	return !strcmp(action, "Add") ? "[+]" : !strcmp(action, "Remove") ? "[-]" : "[~]";
}

static void print_changes(struct cli_aws *ca, const char *stack, const char *cs_name,
			  const json_t *changes, struct cfn_schema *schema)
{
	size_t i;
	const json_t *ch;
	pthread_mutex_lock(&ca->out_lock);
	printf("%s | change set %s: %zu change%s\n", stack, cs_name, json_array_size(changes),
	       json_array_size(changes) == 1 ? "" : "s");
	json_array_foreach (changes, i, ch) {
		const char *action = jstr(ch, "action"), *type = jstr(ch, "type");
		const char *repl = jstr(ch, "replacement");
		pthread_mutex_lock(&ca->lock);
		bool stateful = schema && *type && cfn_schema_is_stateful(schema, type);
		pthread_mutex_unlock(&ca->lock);
		bool replaces = !strcmp(repl, "True") || !strcmp(repl, "Conditional");
		printf("%s |   %s %-8s %-40s %s", stack, action_mark(action), action, type,
		       jstr(ch, "logicalId"));
		if (!strcmp(action, "Modify") && *repl)
			printf("  replacement: %s", repl);
		if (stateful && (replaces || !strcmp(action, "Remove")))
			printf(ca->color ? "  \033[1;31m(stateful)\033[0m" : "  (stateful)");
		putchar('\n');
	}
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

/*
 * Delete the change set; and when the stack exists only because of it
 * (REVIEW_IN_PROGRESS after a CREATE change set), the empty stack too, so
 * that a retry starts clean.
 */
static int discard_change_set(struct cli_aws *ca, struct aws_client *c, const char *stack,
			      const char *cs, bool created_stack, struct diag_list *dl)
{
	if (cfn_delete_change_set(c, stack, cs, dl) < 0) {
		change_set_left_behind(dl, c, stack, cs);
		return -1;
	}
	if (!created_stack)
		return 0;
	struct cfn_stack s = {0};
	if (cfn_describe_stack(c, stack, &s, dl) == 1 && s.status &&
	    !strcmp(s.status, "REVIEW_IN_PROGRESS") && cfn_delete_stack(c, stack, dl) == 0) {
		/*
		 * Wait (a bounded while, Ctrl-C or not) for the deletion, so that
		 * a deploy right after does not find the stack half gone.
		 */
		char *id = s.id ? xstrdup(s.id) : xstrdup(stack);
		unsigned waited = 0, step = ca->poll_ms ? ca->poll_ms : 1;
		for (;;) {
			cfn_stack_release(&s);
			int r = cfn_describe_stack(c, id, &s, dl);
			if (r <= 0 || !s.status || strcmp(s.status, "DELETE_IN_PROGRESS") ||
			    waited >= 60000)
				break;
			struct timespec ts = {step / 1000, (long)(step % 1000) * 1000000L};
			nanosleep(&ts, NULL);
			waited += step;
		}
		free(id);
	}
	cfn_stack_release(&s);
	return 0;
}

static void print_outputs(struct cli_aws *ca, const char *stack, const json_t *outputs)
{
	const char *k;
	const json_t *v;
	if (!json_object_size(outputs))
		return;
	pthread_mutex_lock(&ca->out_lock);
	size_t plumbing = 0;
	printf("%s | outputs:\n", stack);
	json_object_foreach ((json_t *)outputs, k, v) {
		/* the engine's cross-stack exports: plumbing, not news */
		if (!strncmp(k, "ExportsOutput", 13)) {
			plumbing++;
			continue;
		}
		printf("%s |   %s = %s\n", stack, k, json_is_string(v) ? json_string_value(v) : "");
	}
	if (plumbing)
		printf("%s |   (and %zu cross-stack export%s)\n", stack, plumbing,
		       plumbing == 1 ? "" : "s");
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

static void explain_interrupt(struct cli_aws *ca, const struct sm_template *t,
			      const struct cli_deploy_opts *o, const char *region,
			      const char *status)
{
	cli_aws_say(ca, t->stack_name,
		    "interrupted: stopped waiting; CloudFormation goes on with the stack (%s)\n",
		    status ? status : "in progress");
	cli_aws_say(ca, t->stack_name,
		    "  follow it:  aws cloudformation describe-stack-events --stack-name %s "
		    "--region %s\n",
		    t->stack_name, region);
	cli_aws_say(ca, t->stack_name,
		    "  resume:     solemate deploy --env %s --stack %s (once it has settled)\n",
		    o->env ? o->env : "NAME", t->stack_name);
}

/*
 * Turn termination protection on. A stack that deployed but could not be
 * protected is not a failed deploy, and not a success either: it is said
 * loudly, with the command that finishes the job.
 */
static enum cli_deploy_result protect(struct cli_aws *ca, struct aws_client *c, const char *name,
				      enum cli_deploy_result res, struct diag_list *dl)
{
	struct diag_list tp = DIAG_LIST_INIT;
	if (cfn_update_termination_protection(c, name, true, &tp) == 0) {
		cli_aws_say(ca, name, "termination protection on\n");
		diag_list_release(&tp);
		return res;
	}
	diag_list_move(dl, &tp);
	struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				  "stack '%s' is deployed, but termination protection could not be "
				  "turned on",
				  name);
	diag_set_hint(d,
		      "aws cloudformation update-termination-protection "
		      "--enable-termination-protection --stack-name %s",
		      name);
	return CLI_DEPLOY_UNPROTECTED;
}

/*
 * The values of the parameters the engine made for references across
 * regions (manifest metadata "solemate:cross-region-ref"): each is an
 * output of a stack of another region, deployed in an earlier wave.
 * NULL and no diagnostic when the stack has none; NULL + diag on error.
 */
static json_t *cross_region_parameters(struct cli_aws *ca, const json_t *manifest,
				       const char *stack, int *err, struct diag_list *dl)
{
	const json_t *arts = json_object_get(manifest, "artifacts");
	char *key = xstrfmt("/%s", stack);
	const json_t *entries =
		json_object_get(json_object_get(json_object_get(arts, stack), "metadata"), key);
	free(key);
	json_t *params = NULL;
	size_t i;
	const json_t *e;
	*err = 0;
	json_array_foreach (entries, i, e) {
		if (strcmp(jstr(e, "type"), "solemate:cross-region-ref"))
			continue;
		const json_t *d = json_object_get(e, "data");
		const char *producer = jstr(d, "producerStack"), *output = jstr(d, "output");
		const char *env = jstr(json_object_get(arts, producer), "environment");
		const char *slash = strrchr(env, '/');
		const char *region = ca->forced_region ? ca->forced_region
				     : slash && strcmp(slash + 1, "unknown-region")
					     ? slash + 1
					     : ca->creds.region;
		struct cli_client cc;
		struct cfn_stack s = {0};
		cli_client_init(ca, region, &cc);
		int r = cfn_describe_stack(&cc.c, producer, &s, dl);
		const json_t *v = r == 1 ? json_object_get(s.outputs, output) : NULL;
		if (r >= 0 && !json_is_string(v)) {
			struct diag *dg =
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "stack '%s' needs output %s of stack '%s' (%s), which "
					 "%s",
					 stack, output, producer, region,
					 r == 1 ? "it does not have" : "is not deployed");
			diag_set_hint(dg, "deploy '%s' first (solemate deploy --stack %s does)",
				      producer, stack);
		}
		if (json_is_string(v)) {
			if (!params)
				params = json_object();
			json_object_set_new(params, jstr(d, "parameter"),
					    json_string(json_string_value(v)));
		} else {
			*err = 1;
		}
		cfn_stack_release(&s);
		cli_client_done(ca, &cc);
		if (*err)
			break;
	}
	if (*err) {
		json_decref(params);
		return NULL;
	}
	return params;
}

/* Wait for the change set to be computed: 0 ready, 1 no changes, 2 interrupted, -1 failed. */
static int wait_change_set(struct cli_aws *ca, struct aws_client *c, const char *stack,
			   const char *cs, struct cfn_change_set *out, struct diag_list *dl)
{
	for (;;) {
		cfn_change_set_release(out);
		if (cfn_describe_change_set(c, stack, cs, out, dl) < 0)
			return -1;
		const char *st = out->status ? out->status : "";
		if (!strcmp(st, "CREATE_COMPLETE"))
			return 0;
		if (!strcmp(st, "FAILED")) {
			if (cfn_no_changes_reason(out->status_reason))
				return 1;
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "CloudFormation could not create the change set of '%s': %s",
				 stack,
				 out->status_reason ? out->status_reason : "no reason given");
			return -1;
		}
		if (strcmp(st, "CREATE_PENDING") && strcmp(st, "CREATE_IN_PROGRESS")) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "change set %s of '%s' is in an unexpected state '%s'", cs, stack,
				 st);
			return -1;
		}
		/* change sets take seconds: poll faster than stack events */
		if (!cli_aws_sleep(ca, ca->poll_ms < 1000 ? ca->poll_ms : 1000))
			return 2;
	}
}

enum cli_deploy_result cli_deploy_stack(struct cli_aws *ca, const struct sm_template *t,
					const struct cli_deploy_opts *o, json_t **outputs_out,
					struct diag_list *dl)
{
	struct cli_client cc;
	struct cfn_stack cur = {0};
	struct cfn_change_set cs = {0};
	struct cli_watch w = {0};
	struct plan_verdict v = {0};
	const char *region = cli_stack_region(ca, t), *name = t->stack_name;
	char *body = NULL, *url = NULL, *cs_id = NULL, *cs_name = NULL;
	json_t *old_tmpl = NULL, *params = NULL;
	bool created_stack = false;
	enum cli_deploy_result res = CLI_DEPLOY_FAILED;
	size_t len = 0;

	if (outputs_out)
		*outputs_out = NULL;
	strbuf_init(&v.reasons, 0);
	cli_client_init(ca, region, &cc);
	struct aws_client *c = &cc.c;

	int exists = cfn_describe_stack(c, name, &cur, dl);
	if (exists < 0)
		goto out;
	if (exists && cur.status && !strcmp(cur.status, "DELETE_COMPLETE"))
		exists = 0; /* a deleted stack's name is free again */
	if (exists && o->owner_env && cli_stack_owner_check(&cur, o->owner_env, dl) < 0) {
		res = CLI_DEPLOY_REFUSED;
		goto out;
	}
	const char *type = "CREATE";
	if (exists) {
		const char *st = cur.status ? cur.status : "";
		if (!strcmp(st, "ROLLBACK_COMPLETE") || !strcmp(st, "ROLLBACK_FAILED")) {
			/* a first creation that failed holds nothing and cannot be updated */
			cli_aws_say(ca, name,
				    "%s after a failed first creation: deleting it before creating "
				    "it again\n",
				    st);
			struct cli_watch dw = {.stack = name, .stack_id = cur.id};
			if (cli_watch_begin(ca, c, &dw, dl) < 0 ||
			    cfn_delete_stack(c, name, dl) < 0) {
				cli_watch_release(&dw);
				goto out;
			}
			int r = cli_watch_run(ca, c, &dw, dl);
			bool gone = dw.gone;
			cli_watch_release(&dw);
			if (r == 1) {
				res = CLI_DEPLOY_INTERRUPTED;
				goto out;
			}
			if (r < 0 || !gone) {
				diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					 "could not delete the failed stack '%s'", name);
				goto out;
			}
		} else if (!strcmp(st, "REVIEW_IN_PROGRESS")) {
			/* created by a change set that was never executed: still a CREATE */
			if (remove_stale_change_sets(ca, c, name, dl) < 0)
				goto out;
		} else if (stack_status_state(st) == STACK_IN_PROGRESS) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "stack '%s' is %s: another operation is running",
						  name, st);
			diag_set_hint(d,
				      "wait for it to settle (aws cloudformation "
				      "describe-stack-events --stack-name %s), then deploy again",
				      name);
			goto out;
		} else {
			type = "UPDATE";
			if (remove_stale_change_sets(ca, c, name, dl) < 0)
				goto out;
			int err;
			old_tmpl = cli_deployed_template(c, name, &err, dl);
			if (err)
				goto out;
		}
	}

	body = jio_dump_json(t->tmpl, &len);
	if (len > CLI_INLINE_TEMPLATE_LIMIT || o->upload_always) {
		url = upload_template(c, o->env, name, body, len, dl);
		if (!url)
			goto out;
		cli_aws_say(ca, name, "template (%zu bytes) uploaded to %s\n", len, url);
	}
	int perr;
	params = cross_region_parameters(ca, o->manifest, name, &perr, dl);
	if (perr)
		goto out;
	cs_name = change_set_name();
	struct cfn_change_set_input in = {
		.parameters = params,
		.stack = name,
		.name = cs_name,
		.type = type,
		.template_body = url ? NULL : body,
		.template_url = url,
		.description = CLI_CHANGE_SET_DESCRIPTION,
		.role_arn = o->role_arn,
	};
	cli_aws_say(ca, name, "creating change set %s (%s)\n", cs_name, type);
	created_stack = !strcmp(type, "CREATE");
	struct diag_list create_dl = DIAG_LIST_INIT;
	int cr = cfn_create_change_set(c, &in, &cs_id, &create_dl);
	if (cr == 1) {
		/* refused as empty at creation (moto; UpdateStack's wording): no change set made */
		cli_aws_say(ca, name, "no changes\n");
		res = CLI_DEPLOY_UNCHANGED;
		goto out;
	}
	if (cr < 0) {
		/*
		 * A retried CreateChangeSet whose first attempt went through
		 * (the answer was lost) fails with AlreadyExists: the name is
		 * ours alone, so a change set of that name is the one we made.
		 */
		struct diag_list ignore = DIAG_LIST_INIT;
		bool there = cfn_describe_change_set(c, name, cs_name, &cs, &ignore) == 0;
		cfn_change_set_release(&cs);
		if (!there) {
			diag_list_move(dl, &create_dl);
			discard_change_set(ca, c, name, cs_name, created_stack, &ignore);
			diag_list_release(&ignore);
			goto out;
		}
		diag_list_release(&ignore);
	}
	diag_list_release(&create_dl);

	int r = wait_change_set(ca, c, name, cs_name, &cs, dl);
	if (r != 0) {
		int gone = discard_change_set(ca, c, name, cs_name, created_stack, dl);
		if (r == 1) {
			cli_aws_say(ca, name, "no changes\n");
			/* not a success while its change set stays behind (issue 19) */
			res = gone < 0 ? CLI_DEPLOY_FAILED : CLI_DEPLOY_UNCHANGED;
		} else if (r == 2) {
			cli_aws_say(ca, name, "interrupted: %s, nothing was changed\n",
				    gone < 0 ? "the change set could not be deleted"
					     : "change set deleted");
			res = CLI_DEPLOY_INTERRUPTED;
		}
		goto out;
	}

	if (o->show_changes)
		print_changes(ca, name, cs_name, cs.changes, o->schema);
	pthread_mutex_lock(&ca->lock);
	plan_judge(cs.changes, old_tmpl, o->schema, &o->policy, &v);
	pthread_mutex_unlock(&ca->lock);

	bool go = false;
	switch (v.action) {
	case PLAN_NOTHING:
		cli_aws_say(ca, name, "no changes\n");
		res = CLI_DEPLOY_UNCHANGED;
		break;
	case PLAN_REFUSE:
		cli_aws_say(ca, name, "%s", v.reasons.buf);
		cli_aws_say(ca, name,
			    "refused: this would lose data in %s; nothing was changed. If it is "
			    "intended, deploy again with --allow-data-loss\n",
			    o->env ? o->env : "a protected environment");
		res = CLI_DEPLOY_REFUSED;
		break;
	case PLAN_ASK:
		if (v.reasons.len)
			cli_aws_say(ca, name, "%s", v.reasons.buf);
		if (!ca->prompt_tty) {
			cli_aws_say(ca, name,
				    "not approved: %zu change%s need approval (--require-approval) "
				    "and there is no terminal to ask; pass --yes to approve\n",
				    v.changes, v.changes == 1 ? "" : "s");
			res = CLI_DEPLOY_REFUSED;
			break;
		}
		char *q = xstrfmt("deploy these changes to %s?", name);
		go = cli_aws_confirm(ca, q);
		free(q);
		if (!go) {
			cli_aws_say(ca, name, "not deployed: the change set is deleted\n");
			res = cli_interrupted ? CLI_DEPLOY_INTERRUPTED : CLI_DEPLOY_REFUSED;
		}
		break;
	case PLAN_GO:
		if (v.reasons.len)
			cli_aws_say(ca, name, "%s", v.reasons.buf);
		go = true;
		break;
	}
	if (!go || cli_interrupted) {
		if (go)
			res = CLI_DEPLOY_INTERRUPTED;
		/* a refused or unchanged run must not leave an executable change set */
		if (discard_change_set(ca, c, name, cs_name, created_stack, dl) < 0 &&
		    res == CLI_DEPLOY_UNCHANGED)
			res = CLI_DEPLOY_FAILED;
		goto out;
	}

	w.stack = name;
	w.total = json_array_size(cs.changes);
	if (cli_watch_begin(ca, c, &w, dl) < 0) {
		discard_change_set(ca, c, name, cs_name, created_stack, dl);
		goto out;
	}
	struct diag_list exec_dl = DIAG_LIST_INIT;
	if (cfn_execute_change_set(c, name, cs_name, &exec_dl) < 0) {
		/*
		 * A retried ExecuteChangeSet whose first attempt went through is
		 * refused ("cannot be executed in its current status"): the
		 * change set says whether it runs.
		 */
		struct cfn_change_set now = {0};
		struct diag_list ignore = DIAG_LIST_INIT;
		int dr = cfn_describe_change_set(c, name, cs_name, &now, &ignore);
		bool running = dr == 0 && now.execution_status &&
			       strncmp(now.execution_status, "EXECUTE_", 8) == 0;
		cfn_change_set_release(&now);
		if (!running) {
			diag_list_move(dl, &exec_dl);
			diag_list_release(&ignore);
			discard_change_set(ca, c, name, cs_name, created_stack, dl);
			goto out;
		}
		diag_list_release(&ignore);
	}
	diag_list_release(&exec_dl);
	cli_aws_say(ca, name, "executing change set (%zu change%s)\n", w.total,
		    w.total == 1 ? "" : "s");
	r = cli_watch_run(ca, c, &w, dl);
	if (r == 1) {
		explain_interrupt(ca, t, o, region, w.final.status);
		res = CLI_DEPLOY_INTERRUPTED;
		goto out;
	}
	if (r < 0)
		goto out;
	if (stack_status_state(w.final.status) != STACK_OK) {
		const json_t *rc = stack_events_root_cause(w.events);
		struct diag *d;
		if (rc)
			d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				     "stack '%s' failed (%s): %s %s (%s): %s", name, w.final.status,
				     jstr(rc, "status"), jstr(rc, "logicalId"), jstr(rc, "type"),
				     jstr(rc, "reason"));
		else
			d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "stack '%s' failed (%s): %s",
				     name, w.final.status,
				     w.final.status_reason ? w.final.status_reason
							   : "no reason given");
		diag_set_hint(d, "CloudFormation rolled the stack back; fix the cause and deploy "
				 "again");
		goto out;
	}
	cli_aws_say(ca, name, "%s\n", w.final.status);
	print_outputs(ca, name, w.final.outputs);
	if (outputs_out)
		*outputs_out = json_incref(w.final.outputs);
	res = CLI_DEPLOY_DONE;
	if (o->termination_protection && !w.final.termination_protection)
		res = protect(ca, c, name, res, dl);
out:
	if (res == CLI_DEPLOY_UNCHANGED && exists == 1 && o->termination_protection &&
	    !cur.termination_protection)
		res = protect(ca, c, name, res, dl);
	cli_client_done(ca, &cc);
	cli_watch_release(&w);
	strbuf_release(&v.reasons);
	cfn_change_set_release(&cs);
	cfn_stack_release(&cur);
	json_decref(old_tmpl);
	json_decref(params);
	free(body);
	free(url);
	free(cs_id);
	free(cs_name);
	return res;
}

/* ---- environments and waves ---- */

int cli_env_load(const struct cli_inputs *in, const char *cmd, struct solemate_unit *u,
		 struct sm_assembly *a, json_t **manifest_out, struct diag_list *dl)
{
	if (manifest_out)
		*manifest_out = NULL;
	char *path;
	if (in->path_nr || in->env_nr + in->config_nr != 1 ||
	    (in->env_nr && !strcmp(in->envs[0], "all"))) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "%s acts on one environment (or the account baseline) at "
					  "a time",
					  cmd);
		diag_set_hint(d, "name it with --env NAME (a file config/NAME.json; "
				 "--env baseline for the account baseline) or --config FILE");
		return -1;
	}
	if (in->env_nr)
		path = cli_env_config_path(in, in->envs[0]);
	else
		path = xstrdup(in->config_files[0]);
	if (in->env_nr && !fs_exists(path)) {
		struct diag *d = diag_add(dl, DIAG_ERROR, path, 0, 0, NULL,
					  "no configuration for environment '%s'", in->envs[0]);
		cli_hint_unknown_env(d, in, in->envs[0]);
		free(path);
		return -1;
	}
	int r = cli_config_load(in, path, u, dl);
	free(path);
	if (r < 0)
		return -1;
	struct sm_app *app = cli_build_app(in, dl);
	if (!app) {
		solemate_unit_release(u);
		return -1;
	}
	cli_assembly_from_app(a, app);
	if (manifest_out)
		*manifest_out = sm_app_manifest(app, SM_FORMAT_JSON);
	sm_app_free(app);
	return 0;
}

int cli_lifecycle_parse_option(struct cli_lifecycle_opts *o, int argc, char **argv, int *i,
			       const char *cmd, bool stack)
{
	int r = cli_inputs_parse_option(&o->in, argc, argv, i, cmd);
	if (r == 0)
		r = cli_aws_parse_option(&o->ao, argc, argv, i, cmd);
	if (r)
		return r;
	const char *a = argv[*i];
	if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
		o->yes = true;
		return 1;
	}
	if (stack && !strcmp(a, "--stack")) {
		if (*i + 1 >= argc)
			return cli_usage_error(cmd, "option '--stack' needs a stack name"), -1;
		if (o->only_nr >= sizeof(o->only) / sizeof(o->only[0]))
			return cli_usage_error(cmd, "too many --stack options"), -1;
		o->only[o->only_nr++] = argv[++*i];
		return 1;
	}
	if (stack && !strcmp(a, "--concurrency")) {
		if (*i + 1 >= argc)
			return cli_usage_error(cmd, "option '--concurrency' needs a number"), -1;
		const char *v = argv[++*i];
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 32)
			return cli_usage_error(
				       cmd, "--concurrency wants a number from 1 to 32, not '%s'",
				       v),
			       -1;
		o->concurrency = (int)n;
		return 1;
	}
	return 0;
}

struct wave_run {
	struct cli_aws *ca;
	struct sm_template **stacks;
	size_t nr, next, failed;
	cli_stack_fn fn;
	void *ctx;
	pthread_mutex_t lock;
};

static void *wave_worker(void *arg)
{
	struct wave_run *wr = arg;
	for (;;) {
		pthread_mutex_lock(&wr->lock);
		size_t k = wr->next < wr->nr && !cli_interrupted ? wr->next++ : wr->nr;
		pthread_mutex_unlock(&wr->lock);
		if (k >= wr->nr)
			return NULL;
		struct diag_list dl = DIAG_LIST_INIT;
		int r = wr->fn(wr->ca, wr->stacks[k], wr->ctx, &dl);
		if (dl.nr)
			cli_aws_diags(wr->ca, &dl);
		diag_list_release(&dl);
		if (r) {
			pthread_mutex_lock(&wr->lock);
			wr->failed++;
			pthread_mutex_unlock(&wr->lock);
		}
	}
}

size_t cli_run_waves(struct cli_aws *ca, const struct plan_waves *waves, bool reverse,
		     int concurrency, cli_stack_fn fn, void *ctx, size_t *skipped)
{
	size_t failed = 0, started = 0;
	for (size_t n = 0; n < waves->wave_nr; n++) {
		size_t w = reverse ? waves->wave_nr - 1 - n : n;
		struct wave_run wr = {
			.ca = ca,
			.stacks = waves->stacks + waves->wave_start[w],
			.nr = waves->wave_start[w + 1] - waves->wave_start[w],
			.fn = fn,
			.ctx = ctx,
		};
		if (failed || cli_interrupted)
			break;
		pthread_mutex_init(&wr.lock, NULL);
		size_t nthreads = wr.nr < (size_t)concurrency ? wr.nr : (size_t)concurrency;
		if (nthreads <= 1) {
			wave_worker(&wr);
		} else {
			pthread_t *tids = xcalloc(nthreads, sizeof(*tids));
			size_t made = 0;
			for (; made < nthreads; made++)
				if (pthread_create(&tids[made], NULL, wave_worker, &wr))
					break;
			if (!made)
				wave_worker(&wr);
			for (size_t k = 0; k < made; k++)
				pthread_join(tids[k], NULL);
			free(tids);
		}
		pthread_mutex_destroy(&wr.lock);
		started += wr.next;
		failed += wr.failed;
	}
	if (skipped)
		*skipped = waves->nr - started;
	return failed;
}
