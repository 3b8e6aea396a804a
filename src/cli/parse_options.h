/*
 * One option table and parser for every command (in the manner of git's
 * parse-options.h). A command declares its options once, in a table ending
 * with OPT_END(); from that table come the parsing (`--opt value`,
 * `--opt=value`, `-o value`, `-ovalue`, clustered short flags, `--` ending the
 * options), the `--help` text, and `--completion-helper`, from which
 * scripts/gen-docs.sh generates the man pages and the bash, zsh and fish
 * completions: the four cannot drift apart.
 *
 * Every command also takes the common options: -h/--help, -v/--verbose
 * (repeatable), -q/--quiet and --no-color (NO_COLOR for this run). An unknown
 * option, a missing or unknown value, or an unexpected argument prints an
 * error naming the option (with the closest option or value when one is
 * close enough) and the parse returns CLI_PARSE_ERROR: the command exits 2.
 *
 * The table and what its entries point to must outlive the parse; values
 * point into argv (nothing is allocated).
 */
#ifndef SM_PARSE_OPTIONS_H
#define SM_PARSE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cli_opt_type {
	CLI_OPT_END,
	CLI_OPT_GROUP,	    /* a heading in --help; no option */
	CLI_OPT_BOOL,	    /* bool *value = true */
	CLI_OPT_STRING,	    /* const char **value = the argument */
	CLI_OPT_CHOICE,	    /* const char **value = one of `choices` ("a|b|c") */
	CLI_OPT_SET_STRING, /* const char **value = `set_to`, no argument (an alias) */
	CLI_OPT_INT,	    /* int *value, from `min` to `max` */
	CLI_OPT_LIST,	    /* const char *value[cap], (*nr)++: repeatable */
	CLI_OPT_CALLBACK,   /* callback(opt, argument); an argument unless `argh` is NULL */
};

enum cli_opt_flags {
	CLI_OPT_NONEMPTY = 1 << 0, /* an empty value is refused */
	CLI_OPT_HIDDEN = 1 << 1,   /* parsed, but not in --help, man page or completion */
	CLI_OPT_FILE = 1 << 2,	   /* the value is a path: completion offers files */
	CLI_OPT_ENV = 1 << 3,	   /* the value is an environment name: completion offers them */
	CLI_OPT_STACK = 1 << 4,	   /* the value is a stack name: completion offers them */
};

struct cli_option;
/* 0, or -1 after printing why `arg` is refused (cli_option_error); opt->value is the callback's */
typedef int (*cli_opt_cb)(const struct cli_option *opt, const char *arg);

struct cli_option {
	enum cli_opt_type type;
	char short_name;       /* 0: none */
	const char *long_name; /* without the dashes; NULL: none */
	void *value;
	const char *argh;    /* the argument's name in --help ("FILE"); NULL: no argument */
	const char *help;    /* one line or more ('\n'); the first line starts the entry */
	const char *choices; /* CLI_OPT_CHOICE: "text|json|sarif" */
	const char *set_to;  /* CLI_OPT_SET_STRING */
	int *nr;	     /* CLI_OPT_LIST: the count so far */
	int cap;	     /* CLI_OPT_LIST: room in value[] */
	long min, max;	     /* CLI_OPT_INT */
	cli_opt_cb callback; /* CLI_OPT_CALLBACK */
	unsigned flags;	     /* enum cli_opt_flags */
};

#define OPT_END()                                                                                  \
	{                                                                                          \
		.type = CLI_OPT_END                                                                \
	}
#define OPT_GROUP(h)                                                                               \
	{                                                                                          \
		.type = CLI_OPT_GROUP, .help = (h)                                                 \
	}
#define OPT_BOOL(s, l, v, h)                                                                       \
	{                                                                                          \
		.type = CLI_OPT_BOOL, .short_name = (s), .long_name = (l), .value = (v),           \
		.help = (h)                                                                        \
	}
#define OPT_STRING_F(s, l, v, a, h, f)                                                             \
	{                                                                                          \
		.type = CLI_OPT_STRING, .short_name = (s), .long_name = (l), .value = (v),         \
		.argh = (a), .help = (h), .flags = (f)                                             \
	}
#define OPT_STRING(s, l, v, a, h) OPT_STRING_F(s, l, v, a, h, 0)
#define OPT_FILE(s, l, v, a, h) OPT_STRING_F(s, l, v, a, h, CLI_OPT_FILE | CLI_OPT_NONEMPTY)
#define OPT_CHOICE(s, l, v, c, h)                                                                  \
	{                                                                                          \
		.type = CLI_OPT_CHOICE, .short_name = (s), .long_name = (l), .value = (v),         \
		.argh = (c), .choices = (c), .help = (h)                                           \
	}
#define OPT_SET_STRING(l, v, to, h)                                                                \
	{                                                                                          \
		.type = CLI_OPT_SET_STRING, .long_name = (l), .value = (v), .set_to = (to),        \
		.help = (h)                                                                        \
	}
#define OPT_INT(s, l, v, a, lo, hi, h)                                                             \
	{                                                                                          \
		.type = CLI_OPT_INT, .short_name = (s), .long_name = (l), .value = (v),            \
		.argh = (a), .min = (lo), .max = (hi), .help = (h)                                 \
	}
#define OPT_LIST_F(s, l, v, n, a, h, f)                                                            \
	{                                                                                          \
		.type = CLI_OPT_LIST, .short_name = (s), .long_name = (l), .value = (v),           \
		.nr = (n), .cap = (int)(sizeof(v) / sizeof((v)[0])), .argh = (a), .help = (h),     \
		.flags = (f)                                                                       \
	}
#define OPT_LIST(s, l, v, n, a, h) OPT_LIST_F(s, l, v, n, a, h, 0)
#define OPT_CALLBACK(s, l, v, a, h, cb)                                                            \
	{                                                                                          \
		.type = CLI_OPT_CALLBACK, .short_name = (s), .long_name = (l), .value = (v),       \
		.argh = (a), .help = (h), .callback = (cb)                                         \
	}

/* What --help says beside the table. */
struct cli_command_doc {
	const char *name; /* "check" */
	/*
	 * The synopsis lines after "solemate NAME " ('\n' between forms); NULL:
	 * generated from the table, with `args` at its end.
	 */
	const char *usage;
	const char *args; /* the operands in the generated synopsis: "[PATH...]"; NULL: none */
	const char *description; /* paragraphs before the options */
	const char *after;	 /* paragraphs after the options (examples, notes); may be NULL */
	const char *exit;	 /* "0 ..., 1 ..., 2 ..." */
	int max_args;		 /* operands allowed: 0 none, -1 any number */
};

enum {
	CLI_PARSE_HELP = -1,  /* --help (or --completion-helper) was printed: exit 0 */
	CLI_PARSE_ERROR = -2, /* an error was printed: exit 2 */
};

/* -v given n times (0: none); -q given. Set by every command's parse. */
extern int cli_verbose;
extern bool cli_quiet;

/*
 * Parse argv[1..argc) (argv[0] is the command's name) with `opts` and the
 * common options. The operands, in order, are moved to argv[1..n] and n is
 * returned; or CLI_PARSE_HELP / CLI_PARSE_ERROR (cli_parse_exit).
 */
int cli_parse_options(int argc, char **argv, const struct cli_option *opts,
		      const struct cli_command_doc *doc);
/* The exit code of a parse that returned < 0. */
int cli_parse_exit(int r);
/* The command's --help text, from its table and doc. */
void cli_usage_with_options(FILE *out, const struct cli_option *opts,
			    const struct cli_command_doc *doc);
/* "solemate CMD: option '--x' ...: <message>" on stderr, for callbacks. Returns -1. */
int cli_option_error(const struct cli_option *opt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
