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

#include "aws/stack_events.h"
#include "aws/sts.h"
#include "base/cidr.h"
#include "base/common.h"
#include "base/fsutil.h"
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

bool cli_aws_sleep(unsigned ms)
{
	while (ms && !cli_interrupted) {
		unsigned slice = ms < 100 ? ms : 100;
		struct timespec ts = {slice / 1000, (long)(slice % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return !cli_interrupted;
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
	char buf[16];
	uint32_t addr;
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, host, n);
	buf[n] = '\0';
	return ipv4_parse(buf, &addr) == 0 && addr >> 24 == 127;
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

/* ---- the lifecycle's progress, on the terminal ---- */

static const char *jstr(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

static void say_cb(void *arg, const char *stack, const char *text)
{
	cli_aws_say(arg, stack, "%s", text);
}

static bool status_failed(const char *s)
{
	return strstr(s, "FAILED") != NULL;
}

static void event_cb(void *arg, const char *stack, const json_t *e, size_t done, size_t total,
		     bool alone)
{
	struct cli_aws *ca = arg;
	const char *status = jstr(e, "status"), *reason = jstr(e, "reason");
	const char *ts = jstr(e, "timestamp");
	/* hh:mm:ss of an ISO 8601 timestamp */
	const char *t = strchr(ts, 'T');
	char hms[9] = "";
	if (t && strlen(t) >= 9)
		memcpy(hms, t + 1, 8);
	/* one bar redrawn in place only while a single stack is followed */
	bool bar = ca->progress_tty && alone;
	pthread_mutex_lock(&ca->out_lock);
	if (bar)
		fputs("\r\033[K", stdout);
	if (!bar || status_failed(status)) {
		const char *col = !ca->color		  ? ""
				  : status_failed(status) ? "\033[31m"
				  : strstr(status, "COMPLETE") && !strstr(status, "ROLLBACK")
					  ? "\033[32m"
					  : "";
		printf("%s | %s | %s%-28s%s | %-34s | %s%s%s\n", stack, hms, col, status,
		       ca->color ? "\033[0m" : "", jstr(e, "type"), jstr(e, "logicalId"),
		       *reason ? " : " : "", reason);
	}
	if (bar) {
		char pb[96];
		stack_progress_bar(pb, sizeof(pb), done, total, 30);
		printf("%s %s %s %s", stack, pb, jstr(e, "logicalId"), status);
	}
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

static void settled_cb(void *arg, const char *stack)
{
	struct cli_aws *ca = arg;
	(void)stack;
	if (!ca->progress_tty)
		return;
	pthread_mutex_lock(&ca->out_lock);
	fputs("\r\033[K", stdout);
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

static const char *action_mark(const char *action)
{
	return !strcmp(action, "Add") ? "[+]" : !strcmp(action, "Remove") ? "[-]" : "[~]";
}

static void changes_cb(void *arg, const char *stack, const char *cs_name, const json_t *changes,
		       const bool *stateful)
{
	struct cli_aws *ca = arg;
	size_t i;
	const json_t *ch;
	pthread_mutex_lock(&ca->out_lock);
	printf("%s | change set %s: %zu change%s\n", stack, cs_name, json_array_size(changes),
	       json_array_size(changes) == 1 ? "" : "s");
	json_array_foreach (changes, i, ch) {
		const char *action = jstr(ch, "action"), *type = jstr(ch, "type");
		const char *repl = jstr(ch, "replacement");
		bool replaces = !strcmp(repl, "True") || !strcmp(repl, "Conditional");
		printf("%s |   %s %-8s %-40s %s", stack, action_mark(action), action, type,
		       jstr(ch, "logicalId"));
		if (!strcmp(action, "Modify") && *repl)
			printf("  replacement: %s", repl);
		if (stateful[i] && (replaces || !strcmp(action, "Remove")))
			printf(ca->color ? "  \033[1;31m(stateful)\033[0m" : "  (stateful)");
		putchar('\n');
	}
	fflush(stdout);
	pthread_mutex_unlock(&ca->out_lock);
}

static void outputs_cb(void *arg, const char *stack, const json_t *outputs)
{
	struct cli_aws *ca = arg;
	const char *k;
	const json_t *v;
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

static void diags_cb(void *arg, const struct diag_list *dl)
{
	cli_aws_diags(arg, dl);
}

static bool confirm_cb(void *arg, const char *question)
{
	return cli_aws_confirm(arg, question);
}

static bool sleep_cb(void *arg, unsigned ms)
{
	(void)arg;
	return cli_aws_sleep(ms);
}

static bool interrupted_cb(void *arg)
{
	(void)arg;
	return cli_interrupted != 0;
}

int cli_aws_open(struct cli_aws *ca, const struct cli_aws_opts *o, const char *fallback_region,
		 struct diag_list *dl)
{
	struct aws_creds creds = {0};
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
	const char *endpoint_url = o->endpoint_url;
	ca->sts_endpoint_url = aws_sts_endpoint_url(o->endpoint_url);
	if (!endpoint_url) {
		const char *e = getenv("AWS_ENDPOINT_URL");
		endpoint_url = e && *e ? e : NULL;
	}
	if (endpoint_url && check_endpoint(endpoint_url, o->allow_insecure_endpoint, dl) < 0)
		return -1;
	if (ca->sts_endpoint_url && (!endpoint_url || strcmp(ca->sts_endpoint_url, endpoint_url)) &&
	    check_endpoint(ca->sts_endpoint_url, o->allow_insecure_endpoint, dl) < 0)
		return -1;
	if (aws_creds_load(&co, &creds, dl) < 0)
		return -1;
	/* before any host name is built from it (issue 19) */
	if (region_check(creds.region,
			 "the region from AWS_REGION, AWS_DEFAULT_REGION or the profile", dl) < 0) {
		aws_creds_release(&creds);
		return -1;
	}
	lc_session_init(&ca->s, &creds, endpoint_url, env_ms("SOLEMATE_POLL_MS", 2000));
	ca->s.forced_region = o->region;
	ca->progress_tty = isatty(STDOUT_FILENO);
	ca->prompt_tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	ca->color = cli_color(stdout);
	pthread_mutex_init(&ca->out_lock, NULL);
	ca->s.progress = (struct lc_progress){
		.arg = ca,
		.say = say_cb,
		.event = event_cb,
		.settled = settled_cb,
		.changes = changes_cb,
		.outputs = outputs_cb,
		.diags = diags_cb,
		.confirm = ca->prompt_tty ? confirm_cb : NULL,
		.sleep = sleep_cb,
		.interrupted = interrupted_cb,
	};
	return 0;
}

void cli_aws_close(struct cli_aws *ca)
{
	lc_session_release(&ca->s);
	pthread_mutex_destroy(&ca->out_lock);
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

bool cli_confirm_typed(const char *name)
{
	char line[256];
	fprintf(stderr, "type the name to go on: ");
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || cli_interrupted)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return !strcmp(line, name);
}

int cli_check_owners(struct cli_aws *ca, const struct plan_waves *waves, const char *env,
		     const char *const *only, size_t only_nr, struct diag_list *dl)
{
	switch (lc_check_owners(&ca->s, waves, env, only, only_nr, dl)) {
	case LC_OWNERS_OK:
		return SM_EXIT_OK;
	case LC_OWNERS_FOREIGN:
		return SM_EXIT_USAGE;
	case LC_OWNERS_CALL_FAILED:
		break;
	}
	return SM_EXIT_FINDINGS;
}

/* ---- environments and options ---- */

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
