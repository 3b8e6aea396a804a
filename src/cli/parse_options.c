/* One option table and parser for every command (see parse_options.h). */
#include "cli/parse_options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/suggest.h"
#include "base/xalloc.h"
#include "cli/cli.h"

int cli_verbose;
bool cli_quiet;

/* the command being parsed, for messages */
static const char *parse_cmd = "";

/* The options every command takes, after its own. */
static bool want_help, want_completion, parse_only;
/* --parse-only: what the parse took, one "--long[=value]" a line (tests/cli/option_table.sh) */
static struct strbuf parsed = STRBUF_INIT;
static int common_verbose;
static bool common_quiet, common_no_color;

static const struct cli_option common_options[] = {
	OPT_GROUP("common options:"),
	OPT_BOOL('h', "help", &want_help, "show this help and exit"),
	OPT_BOOL('v', "verbose", &common_verbose,
		 "say more: the AWS requests made, with their timings (never secrets);\n"
		 "twice for each attempt of a retried request"),
	OPT_BOOL('q', "quiet", &common_quiet, "print only what was asked for and errors"),
	OPT_BOOL(0, "no-color", &common_no_color, "no colour, as with NO_COLOR set"),
	{.type = CLI_OPT_BOOL,
	 .long_name = "completion-helper",
	 .value = &want_completion,
	 .flags = CLI_OPT_HIDDEN},
	{.type = CLI_OPT_BOOL,
	 .long_name = "parse-only",
	 .value = &parse_only,
	 .flags = CLI_OPT_HIDDEN},
	OPT_END(),
};

static bool takes_arg(const struct cli_option *o)
{
	switch (o->type) {
	case CLI_OPT_STRING:
	case CLI_OPT_CHOICE:
	case CLI_OPT_INT:
	case CLI_OPT_LIST:
		return true;
	case CLI_OPT_CALLBACK:
		return o->argh != NULL;
	default:
		return false;
	}
}

static bool is_option(const struct cli_option *o)
{
	return o->type != CLI_OPT_END && o->type != CLI_OPT_GROUP;
}

/* "--name" or "-n", for messages */
static void opt_name(struct strbuf *sb, const struct cli_option *o)
{
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	else
		strbuf_addf(sb, "-%c", o->short_name);
}

static int verror(const struct cli_option *o, const char *fmt, va_list ap)
{
	struct strbuf name = STRBUF_INIT;

	fprintf(stderr, "solemate %s: ", parse_cmd);
	if (o) {
		opt_name(&name, o);
		fprintf(stderr, "option '%s': ", name.buf);
	}
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nsee 'solemate %s --help'\n", parse_cmd);
	strbuf_release(&name);
	return -1;
}

int cli_option_error(const struct cli_option *opt, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(opt, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_error(const struct cli_option *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int parse_error(const struct cli_option *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(o, fmt, ap);
	va_end(ap);
	return CLI_PARSE_ERROR;
}

/* "a, b or c" from "a|b|c" */
static void choices_text(struct strbuf *sb, const char *choices)
{
	size_t nr = 1;
	for (const char *p = choices; *p; p++)
		nr += *p == '|';
	size_t k = 0;
	for (const char *p = choices; *p; k++) {
		size_t n = strcspn(p, "|");
		if (k)
			strbuf_addstr(sb, k + 1 == nr ? " or " : ", ");
		strbuf_add(sb, p, n);
		p += n + (p[n] == '|');
	}
}

static int set_choice(const struct cli_option *o, const char *arg)
{
	const char *names[32];
	char buf[256];
	size_t nr = 0;

	if (strlen(o->choices) >= sizeof(buf))
		abort(); /* a table's mistake */
	memcpy(buf, o->choices, strlen(o->choices) + 1);
	for (char *p = buf; p && nr < 32;) {
		names[nr++] = p;
		p = strchr(p, '|');
		if (p)
			*p++ = '\0';
	}
	for (size_t k = 0; k < nr; k++) {
		if (!strcmp(names[k], arg)) {
			*(const char **)o->value = arg;
			return 0;
		}
	}
	struct strbuf sb = STRBUF_INIT;
	choices_text(&sb, o->choices);
	const char *best = suggest_closest(arg, names, nr);
	if (best)
		parse_error(o, "unknown value '%s' (%s); did you mean '%s'?", arg, sb.buf, best);
	else
		parse_error(o, "unknown value '%s' (%s)", arg, sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int set_value(const struct cli_option *o, const char *arg)
{
	if (o->long_name && !(o->flags & CLI_OPT_HIDDEN))
		strbuf_addf(&parsed, "--%s%s%s\n", o->long_name, arg ? "=" : "", arg ? arg : "");
	if (arg && !*arg && (o->flags & CLI_OPT_NONEMPTY))
		return parse_error(o, "needs a non-empty value"), -1;
	if (!arg && takes_arg(o)) /* what takes a value always gets one; a flag gets NULL */
		return parse_error(o, "needs a value"), -1;
	switch (o->type) {
	case CLI_OPT_BOOL:
		if (o->value == &common_verbose)
			common_verbose++;
		else
			*(bool *)o->value = true;
		return 0;
	case CLI_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case CLI_OPT_SET_STRING:
		*(const char **)o->value = o->set_to;
		return 0;
	case CLI_OPT_CHOICE:
		return set_choice(o, arg);
	case CLI_OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end || errno || v < o->min || v > o->max)
			return parse_error(o, "wants a whole number from %ld to %ld, not '%s'",
					   o->min, o->max, arg),
			       -1;
		*(int *)o->value = (int)v;
		return 0;
	}
	case CLI_OPT_LIST:
		if (*o->nr >= o->cap)
			return parse_error(o, "given more than %d times", o->cap), -1;
		((const char **)o->value)[(*o->nr)++] = arg;
		return 0;
	case CLI_OPT_CALLBACK:
		return o->callback(o, arg);
	default:
		return -1;
	}
}

static const struct cli_option *find_long(const struct cli_option *opts, const char *name,
					  size_t len)
{
	for (const struct cli_option *t = opts;; t = common_options) {
		for (const struct cli_option *o = t; o->type != CLI_OPT_END; o++)
			if (is_option(o) && o->long_name && strlen(o->long_name) == len &&
			    !strncmp(o->long_name, name, len))
				return o;
		if (t == common_options)
			return NULL;
	}
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (const struct cli_option *t = opts;; t = common_options) {
		for (const struct cli_option *o = t; o->type != CLI_OPT_END; o++)
			if (is_option(o) && o->short_name == c)
				return o;
		if (t == common_options)
			return NULL;
	}
}

/* "unknown option '--fromat'; did you mean '--format'?" */
static int unknown_option(const struct cli_option *opts, const char *written, const char *name,
			  size_t len)
{
	const char *names[256];
	size_t nr = 0;
	char *want = xstrndup(name, len);

	for (const struct cli_option *t = opts;; t = common_options) {
		for (const struct cli_option *o = t; o->type != CLI_OPT_END && nr < 256; o++)
			if (is_option(o) && o->long_name && !(o->flags & CLI_OPT_HIDDEN))
				names[nr++] = o->long_name;
		if (t == common_options)
			break;
	}
	const char *best = suggest_closest(want, names, nr);
	if (best)
		parse_error(NULL, "unknown option '%s'; did you mean '--%s'?", written, best);
	else
		parse_error(NULL, "unknown option '%s'", written);
	free(want);
	return CLI_PARSE_ERROR;
}

static int parse_long(const struct cli_option *opts, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *name = a + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = find_long(opts, name, len);

	if (!o) {
		char *written = xstrndup(a, len + 2); /* as written before any '=' */
		int r = unknown_option(opts, written, name, len);
		free(written);
		return r;
	}
	if (!takes_arg(o)) {
		if (eq)
			return parse_error(o, "takes no value");
		return set_value(o, NULL) < 0 ? CLI_PARSE_ERROR : 0;
	}
	const char *arg = eq ? eq + 1 : NULL;
	if (!arg) {
		if (*i + 1 >= argc)
			return parse_error(o, "needs a value (%s)", o->argh);
		arg = argv[++*i];
	}
	return set_value(o, arg) < 0 ? CLI_PARSE_ERROR : 0;
}

/* -abc, -ovalue, -o value */
static int parse_short(const struct cli_option *opts, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	for (size_t j = 1; a[j]; j++) {
		const struct cli_option *o = find_short(opts, a[j]);
		if (!o) {
			if (j == 1 && a[2] && find_long(opts, a + 1, strcspn(a + 1, "=")))
				return parse_error(NULL, "unknown option '%s'; did you mean '-%s'?",
						   a, a);
			return parse_error(NULL, "unknown switch '-%c'", a[j]);
		}
		if (!takes_arg(o)) {
			if (set_value(o, NULL) < 0)
				return CLI_PARSE_ERROR;
			continue;
		}
		const char *arg = a[j + 1] ? a + j + 1 : NULL;
		if (!arg) {
			if (*i + 1 >= argc)
				return parse_error(o, "needs a value (%s)", o->argh);
			arg = argv[++*i];
		}
		return set_value(o, arg) < 0 ? CLI_PARSE_ERROR : 0;
	}
	return 0;
}

/*
 * One line per option, tab-separated: --long, -s (or "-"), kind (flag,
 * value, file, env, stack, choice), the choices space-separated (or "-"),
 * the help on one line. scripts/gen-docs.sh makes the completions of it.
 */
static void completion_helper(const struct cli_option *opts)
{
	for (const struct cli_option *t = opts;; t = common_options) {
		for (const struct cli_option *o = t; o->type != CLI_OPT_END; o++) {
			if (!is_option(o) || (o->flags & CLI_OPT_HIDDEN) || !o->long_name)
				continue;
			const char *kind = !takes_arg(o)	       ? "flag"
					   : o->type == CLI_OPT_CHOICE ? "choice"
					   : o->flags & CLI_OPT_FILE   ? "file"
					   : o->flags & CLI_OPT_ENV    ? "env"
					   : o->flags & CLI_OPT_STACK  ? "stack"
								       : "value";
			printf("--%s\t", o->long_name);
			if (o->short_name)
				printf("-%c", o->short_name);
			else
				putchar('-'); /* no field is empty: shells' read joins empty fields
					       */
			printf("\t%s\t", kind);
			for (const char *c = o->choices; c && *c; c++)
				putchar(*c == '|' ? ' ' : *c);
			if (!o->choices)
				putchar('-');
			putchar('\t');
			for (const char *h = o->help ? o->help : ""; *h; h++)
				putchar(*h == '\n' || *h == '\t' ? ' ' : *h);
			putchar('\n');
		}
		if (t == common_options)
			break;
	}
}

/* -v: one line per AWS request on stderr; -vv: per attempt */
static void trace_request(const struct aws_trace_event *ev)
{
	if (!ev->last && cli_verbose < 2)
		return;
	char status[32];
	if (ev->status)
		snprintf(status, sizeof(status), "%ld", ev->status);
	else
		snprintf(status, sizeof(status), "no answer");
	fprintf(stderr, "solemate: %s %s %s -> %s%s%s %.0f ms%s%.0d%s%s%s\n", ev->label, ev->method,
		ev->url, status, ev->error_code ? " " : "", ev->error_code ? ev->error_code : "",
		ev->ms, ev->attempt > 1 ? ", attempt " : "", ev->attempt > 1 ? ev->attempt : 0,
		ev->request_id ? " (request id " : "", ev->request_id ? ev->request_id : "",
		ev->request_id ? ")" : "");
}

int cli_parse_exit(int r)
{
	return r == CLI_PARSE_HELP ? cli_finish_stdout(SM_EXIT_OK) : SM_EXIT_USAGE;
}

int cli_parse_options(int argc, char **argv, const struct cli_option *opts,
		      const struct cli_command_doc *doc)
{
	int n = 0;
	bool operands_only = false;

	parse_cmd = doc->name;
	want_help = want_completion = parse_only = common_quiet = common_no_color = false;
	strbuf_reset(&parsed);
	common_verbose = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = 0;
		if (operands_only || a[0] != '-' || !a[1]) {
			argv[1 + n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			operands_only = true;
			continue;
		}
		r = a[1] == '-' ? parse_long(opts, argc, argv, &i)
				: parse_short(opts, argc, argv, &i);
		if (r < 0)
			return r;
		if (want_help || want_completion)
			break; /* --help wins over what follows */
	}
	if (want_completion) {
		completion_helper(opts);
		return CLI_PARSE_HELP;
	}
	if (want_help) {
		cli_usage_with_options(stdout, opts, doc);
		return CLI_PARSE_HELP;
	}
	if (doc->max_args >= 0 && n > doc->max_args) {
		if (!doc->max_args)
			return parse_error(NULL, "unexpected argument '%s' (%s takes no operand)",
					   argv[1 + doc->max_args], doc->name);
		return parse_error(NULL, "unexpected argument '%s' (at most %d)",
				   argv[1 + doc->max_args], doc->max_args);
	}
	if (parse_only) {
		fputs(parsed.buf, stdout);
		for (int k = 1; k <= n; k++)
			printf("operand=%s\n", argv[k]);
		strbuf_release(&parsed);
		return CLI_PARSE_HELP;
	}
	strbuf_release(&parsed);
	cli_verbose = common_verbose;
	aws_set_trace(cli_verbose ? trace_request : NULL);
	cli_quiet = common_quiet;
	if (common_no_color)
		setenv("NO_COLOR", "1", 1); /* https://no-color.org */
	argv[1 + n] = NULL;
	return n;
}

/* "-o, --out DIR" / "--format text|json" / "--rules" */
static void option_column(struct strbuf *sb, const struct cli_option *o)
{
	if (o->short_name)
		strbuf_addf(sb, "-%c%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	if (takes_arg(o))
		strbuf_addf(sb, " %s", o->argh);
}

#define HELP_COLUMN 24 /* where the help text starts; a longer option gets its own line */
#define HELP_WIDTH 80

/*
 * The help text from column `col` (HELP_COLUMN on the lines after), words
 * wrapped at HELP_WIDTH: a table's help is prose, its line breaks are spaces.
 */
static void print_help_text(FILE *out, const char *help, size_t col)
{
	size_t at = HELP_COLUMN; /* the column the cursor is at after the indent */

	fprintf(out, "%*s", (int)col, "");
	at = HELP_COLUMN;
	bool first = true;
	for (const char *p = help; *p;) {
		p += strspn(p, " \n");
		size_t n = strcspn(p, " \n");
		if (!n)
			break;
		if (!first && at + 1 + n > HELP_WIDTH) {
			fprintf(out, "\n%*s", HELP_COLUMN, "");
			at = HELP_COLUMN;
		} else if (!first) {
			fputc(' ', out);
			at++;
		}
		fprintf(out, "%.*s", (int)n, p);
		at += n;
		first = false;
		p += n;
	}
	fputc('\n', out);
}

static void print_options(FILE *out, const struct cli_option *opts)
{
	for (const struct cli_option *o = opts; o->type != CLI_OPT_END; o++) {
		if (o->type == CLI_OPT_GROUP) {
			fprintf(out, "\n%s\n", o->help);
			continue;
		}
		if (o->flags & CLI_OPT_HIDDEN)
			continue;
		struct strbuf col = STRBUF_INIT;
		option_column(&col, o);
		fprintf(out, "  %s", col.buf);
		size_t used = 2 + col.len;
		if (used + 2 > HELP_COLUMN) {
			fputc('\n', out);
			used = 0;
		}
		print_help_text(out, o->help ? o->help : "", HELP_COLUMN - used);
		strbuf_release(&col);
	}
}

/* "[--env NAME]... [--format text|json] [--rules] [PATH...]", wrapped under `indent` */
static void generated_synopsis(FILE *out, const struct cli_option *opts,
			       const struct cli_command_doc *doc, size_t indent)
{
	size_t col = indent;
	struct strbuf item = STRBUF_INIT;

	for (const struct cli_option *o = opts;; o++) {
		strbuf_reset(&item);
		if (o->type == CLI_OPT_END) {
			if (!doc->args)
				break;
			strbuf_addstr(&item, doc->args);
		} else if (!is_option(o) || (o->flags & CLI_OPT_HIDDEN) || !o->long_name) {
			continue;
		} else {
			strbuf_addf(&item, "[--%s", o->long_name);
			if (takes_arg(o))
				strbuf_addf(&item, " %s", o->argh);
			strbuf_addstr(&item, o->type == CLI_OPT_LIST ? "]..." : "]");
		}
		if (col > indent && col + 1 + item.len > 90) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		}
		if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fputs(item.buf, out);
		col += item.len;
		if (o->type == CLI_OPT_END)
			break;
	}
	fputc('\n', out);
	strbuf_release(&item);
}

void cli_usage_with_options(FILE *out, const struct cli_option *opts,
			    const struct cli_command_doc *doc)
{
	if (doc->usage) {
		bool first = true;
		for (const char *p = doc->usage; *p; first = false) {
			size_t n = strcspn(p, "\n");
			fprintf(out, "%s solemate %s %.*s\n", first ? "usage:" : "      ",
				doc->name, (int)n, p);
			p += n + (p[n] == '\n');
		}
	} else {
		fprintf(out, "usage: solemate %s ", doc->name);
		generated_synopsis(out, opts, doc, strlen("usage: solemate  ") + strlen(doc->name));
	}
	if (doc->description)
		fprintf(out, "\n%s", doc->description);
	fputc('\n', out);
	print_options(out, opts);
	print_options(out, common_options);
	if (doc->after)
		fprintf(out, "\n%s", doc->after);
	if (doc->exit)
		fprintf(out, "\nexit: %s", doc->exit);
}
