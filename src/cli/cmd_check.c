/* solemate check: security and compliance rules, text/JSON/SARIF output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/check.h"
#include "base/arena.h"
#include "base/common.h"
#include "base/fsutil.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_report.h"

static const struct cli_command_doc check_doc = {
	.name = "check",
	.args = "[PATH...]",
	.max_args = -1,
	.description =
		"Run the security and compliance rules (AWS Foundational Security Best\n"
		"Practices, PCI DSS, CIS AWS Foundations, and the cdk-nag packs' rules) over\n"
		"templates: PATHs (templates or assembly directories), or --env/--config\n"
		"synthesized in memory. Findings can be suppressed in a resource's Metadata, in\n"
		"cdk-nag's format: {\"cdk_nag\": {\"rules_to_suppress\": [{\"id\": ..., "
		"\"reason\":\n"
		"...}]}}, by our rule ID or a cdk-nag ID; a suppression needs a reason.\n"
		"\n"
		"Values are read as CloudFormation would: parameters take their Default or\n"
		"AllowedValues, Conditions and Fn::If are evaluated, and a finding that holds\n"
		"only in one branch says which ([when IsProd=false]).\n",
	.exit = "0 no unsuppressed error, 1 unsuppressed errors, 2 bad usage or input\n",
};

#define sev_name cli_severity_name

/* Unsuppressed findings of one rule. */
static size_t rule_findings(const struct sm_findings *f, const struct sm_rule_meta *r)
{
	size_t n = 0;
	for (size_t i = 0; i < f->nr; i++)
		n += f->items[i].rule == r && !f->items[i].suppressed;
	return n;
}

static void print_rules_json(unsigned packs, const struct sm_findings *f)
{
	json_t *arr = json_array();
	const struct sm_rule_meta *const *r = check_rules();
	for (size_t i = 0; r[i]; i++) {
		if (!(check_rule_packs(r[i]) & packs))
			continue;
		json_t *o = json_pack("{ss ss ss ss ss ss ss* ss* ss}", "id", r[i]->id, "severity",
				      sev_name(r[i]->severity), "title", r[i]->title, "why",
				      r[i]->why, "fix", r[i]->fix, "controls", r[i]->controls,
				      "cdkNag", r[i]->nag_ids, "doc", r[i]->doc, "packs",
				      check_pack_names(check_rule_packs(r[i])));
		if (r[i]->nag_partial) /* those of cdkNag whose suppression alone does not mute */
			json_object_set_new(o, "cdkNagPartial", json_string(r[i]->nag_partial));
		if (f)
			json_object_set_new(o, "findings",
					    json_integer((json_int_t)rule_findings(f, r[i])));
		json_array_append_new(arr, o);
	}
	json_t *out = json_pack("{so}", "rules", arr);
	char *s = jio_dump_json(out, NULL); /* malloc, not the arena */
	fputs(s, stdout);
	free(s);
	json_decref(out);
}

static void print_rules(unsigned packs, const struct sm_findings *f)
{
	const struct sm_rule_meta *const *rules = check_rules();
	size_t n = 0;
	for (size_t i = 0; rules[i]; i++) {
		if (!(check_rule_packs(rules[i]) & packs))
			continue;
		n++;
		printf("%-11s %-8s %s\n            packs: %s; controls: %s\n", rules[i]->id,
		       sev_name(rules[i]->severity), rules[i]->title,
		       check_pack_names(check_rule_packs(rules[i])), rules[i]->controls);
		if (rules[i]->doc)
			printf("            doc: %s\n", rules[i]->doc);
		if (f)
			printf("            findings: %zu\n", rule_findings(f, rules[i]));
	}
	printf("%zu rules\n", n);
}

static void print_text(const struct sm_findings *f, enum sm_severity min, bool show_muted)
{
	bool color = cli_color(stdout);
	const char *last_stack = "";
	for (size_t i = 0; i < f->nr; i++) {
		const struct sm_finding *x = &f->items[i];
		if (x->rule->severity > min || (x->suppressed && !show_muted))
			continue;
		if (strcmp(last_stack, x->stack)) {
			printf("%s%s%s\n", color ? "\033[1m" : "", x->stack,
			       color ? "\033[0m" : "");
			last_stack = x->stack;
		}
		const char *c = !color				    ? ""
				: x->suppressed			    ? "\033[2m"
				: x->rule->severity == SM_SEV_ERROR ? "\033[31m"
								    : "\033[33m";
		printf("  %s%-7s %-11s%s %s: %s", c,
		       x->suppressed ? "muted" : sev_name(x->rule->severity), x->rule->id,
		       color ? "\033[0m" : "", x->logical_id ? x->logical_id : "(template)",
		       x->message);
		if (x->line)
			printf(" [%s:%d]", x->file, x->line);
		if (x->suppressed)
			printf("\n          suppressed: %s", x->suppress_reason);
		printf("\n");
	}
	printf("%zu error%s, %zu warning%s, %zu suppressed\n", check_count(f, SM_SEV_ERROR),
	       check_count(f, SM_SEV_ERROR) == 1 ? "" : "s", check_count(f, SM_SEV_WARNING),
	       check_count(f, SM_SEV_WARNING) == 1 ? "" : "s",
	       f->nr - check_count(f, SM_SEV_ERROR) - check_count(f, SM_SEV_WARNING) -
		       check_count(f, SM_SEV_INFO));
}

static json_t *findings_json(const struct sm_findings *f, enum sm_severity min)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < f->nr; i++) {
		const struct sm_finding *x = &f->items[i];
		if (x->rule->severity > min)
			continue;
		json_array_append_new(arr, json_pack("{ss ss so so ss* ss* si ss sb ss*}", "rule",
						     x->rule->id, "severity",
						     sev_name(x->rule->severity), "stack",
						     jio_string_escaped(x->stack, false), "file",
						     jio_string_escaped(x->file, false), "resource",
						     x->logical_id, "path", x->path, "line",
						     x->line, "message", x->message, "suppressed",
						     x->suppressed, "reason", x->suppress_reason));
	}
	return arr;
}

/*
 * SARIF 2.1.0, 3.4.3: artifactLocation.uri is a URI reference (RFC 3986),
 * not a file path. A relative path becomes a relative reference resolved
 * against the base "SRCROOT", which originalUriBaseIds defines as the
 * working directory (3.14.14; code scanning uploads rely on it); an absolute
 * path a file:// URI. Characters outside RFC 3986's unreserved set and '/'
 * are percent-encoded.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
#define SARIF_BASE "SRCROOT"

static void uri_encode_path(struct strbuf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			strbuf_addch(out, (char)*p);
		else
			strbuf_addf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static json_t *sarif_artifact(const char *file)
{
	struct strbuf uri = STRBUF_INIT;
	json_t *loc;
	if (file[0] == '/') {
		strbuf_addstr(&uri, "file://");
		uri_encode_path(&uri, file);
		loc = json_pack("{ss}", "uri", uri.buf);
	} else {
		/* "./x" is "x"; a first segment with ':' would read as a scheme */
		while (!strncmp(file, "./", 2))
			file += 2;
		if (strchr(file, ':') &&
		    (!strchr(file, '/') || strchr(file, ':') < strchr(file, '/')))
			strbuf_addstr(&uri, "./");
		uri_encode_path(&uri, file);
		loc = json_pack("{ss ss}", "uri", uri.buf, "uriBaseId", SARIF_BASE);
	}
	strbuf_release(&uri);
	return loc;
}

/* {"SRCROOT": {"uri": "file:///working/dir/"}}: the base of the relative URIs */
static json_t *sarif_base_ids(void)
{
	char *cwd = getcwd(NULL, 0);
	struct strbuf uri = STRBUF_INIT;
	strbuf_addstr(&uri, "file://");
	uri_encode_path(&uri, cwd ? cwd : "/");
	if (uri.buf[uri.len - 1] != '/')
		strbuf_addch(&uri, '/'); /* a base URI ends with a slash (3.14.14) */
	json_t *o = json_pack("{s{ss}}", SARIF_BASE, "uri", uri.buf);
	strbuf_release(&uri);
	free(cwd);
	return o;
}

static json_t *sarif(const struct sm_findings *f, enum sm_severity min, unsigned packs)
{
	json_t *rules = json_array(), *results = json_array();
	const struct sm_rule_meta *const *all = check_rules();
	for (size_t i = 0; all[i]; i++) {
		if (!(check_rule_packs(all[i]) & packs))
			continue;
		json_t *tags = json_array();
		unsigned rp = check_rule_packs(all[i]);
		json_array_append_new(
			tags, json_string(rp == CHECK_PACK_DEPLOY ? "deployability" : "security"));
		for (const char *p = check_pack_names(rp); *p;) {
			size_t n = strcspn(p, " ");
			json_array_append_new(tags, json_stringn(p, n));
			p += n + (p[n] == ' ');
		}
		char *help = NULL;
		size_t len =
			strlen(all[i]->why) + strlen(all[i]->fix) + strlen(all[i]->controls) + 32;
		help = malloc(len);
		snprintf(help, len, "%s Fix: %s Controls: %s", all[i]->why, all[i]->fix,
			 all[i]->controls);
		json_array_append_new(
			rules, json_pack("{ss s{ss} s{ss} s{ss} s{ss} s{so}}", "id", all[i]->id,
					 "shortDescription", "text", all[i]->title,
					 "fullDescription", "text", all[i]->why, "help", "text",
					 help, "defaultConfiguration", "level",
					 all[i]->severity == SM_SEV_ERROR     ? "error"
					 : all[i]->severity == SM_SEV_WARNING ? "warning"
									      : "note",
					 "properties", "tags", tags));
		if (all[i]->doc)
			json_object_set_new(json_array_get(rules, json_array_size(rules) - 1),
					    "helpUri", json_string(all[i]->doc));
		json_object_set_new(
			json_object_get(json_array_get(rules, json_array_size(rules) - 1),
					"properties"),
			"findings", json_integer((json_int_t)rule_findings(f, all[i])));
		free(help);
	}
	for (size_t i = 0; i < f->nr; i++) {
		const struct sm_finding *x = &f->items[i];
		if (x->rule->severity > min)
			continue;
		/* any bytes may name a file: percent-encoded in the URI (sarif_artifact) */
		json_t *loc = json_pack("{s{so}}", "physicalLocation", "artifactLocation",
					sarif_artifact(x->file));
		if (x->line)
			json_object_set_new(json_object_get(loc, "physicalLocation"), "region",
					    json_pack("{sisi}", "startLine", x->line, "startColumn",
						      x->col ? x->col : 1));
		if (x->logical_id)
			json_object_set_new(loc, "logicalLocations",
					    json_pack("[{ss ss}]", "name", x->logical_id,
						      "fullyQualifiedName",
						      x->path ? x->path : x->logical_id));
		json_t *res = json_pack("{ss ss s{ss} s[o]}", "ruleId", x->rule->id, "level",
					x->rule->severity == SM_SEV_ERROR     ? "error"
					: x->rule->severity == SM_SEV_WARNING ? "warning"
									      : "note",
					"message", "text", x->message, "locations", loc);
		/* SARIF 3.35.2: "inSource" when the template's own Metadata mutes it,
		 * "external" when a configuration's acceptance or a baseline does */
		if (x->suppressed)
			json_object_set_new(
				res, "suppressions",
				json_pack("[{ss ss}]", "kind",
					  x->suppress_external ? "external" : "inSource",
					  "justification", x->suppress_reason));
		json_array_append_new(results, res);
	}
	return json_pack("{ss ss s[{s{s{ss ss ss so}} so so}]}", "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0",
			 "runs", "tool", "driver", "name", "solemate", "version", SM_VERSION,
			 "informationUri", "https://github.com/solemate/solemate", "rules", rules,
			 "originalUriBaseIds", sarif_base_ids(), "results", results);
}

/* A baseline line's RESOURCE: the logical ID, or "-" for a finding on the template itself. */
#define BASELINE_NO_RESOURCE "-"

/*
 * A baseline: findings known and tracked elsewhere (an issue), muted with the
 * reason the file gives. The lines that still match a finding are appended to
 * `kept` when it is not NULL (for --write-baseline). 0, or -1 after printing
 * why the file is unusable.
 */
static int apply_baseline(const char *path, struct sm_findings *f, struct strbuf *kept)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *text = fs_read_file(path, NULL, &dl);
	if (!text) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		return -1;
	}
	int line = 0, rc = 0;
	for (char *p = text, *next; p && *p; p = next) {
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		line++;
		char rule[64], stack[128], res[256];
		int used = 0;
		if (*p == '#' || strspn(p, " \t\r") == strlen(p))
			continue;
		/*
		 * Each of the first three words whole and within its width: sscanf's
		 * %63s alone cut a long word into two fields (a line with no space at
		 * all passed as RULE STACK RESOURCE REASON)
		 */
		size_t w1 = strcspn(p, " \t"), s1 = w1 + strspn(p + w1, " \t");
		size_t w2 = strcspn(p + s1, " \t"), s2 = s1 + w2 + strspn(p + s1 + w2, " \t");
		size_t w3 = strcspn(p + s2, " \t");
		if (w1 >= sizeof(rule) || w2 >= sizeof(stack) || w3 >= sizeof(res) ||
		    sscanf(p, "%63s %127s %255s %n", rule, stack, res, &used) != 3 || !p[used]) {
			fprintf(stderr, "solemate: %s:%d: expected 'RULE STACK RESOURCE REASON'\n",
				path, line);
			rc = -1;
			break;
		}
		size_t hits = 0;
		for (size_t i = 0; i < f->nr; i++) {
			struct sm_finding *x = &f->items[i];
			const char *id = x->logical_id ? x->logical_id : BASELINE_NO_RESOURCE;
			if (x->suppressed || strcmp(x->rule->id, rule) || strcmp(id, res) ||
			    (strcmp(stack, "*") && strcmp(x->stack ? x->stack : "", stack)))
				continue;
			x->suppressed = true;
			x->suppress_reason = xstrfmt("baseline %s:%d: %s", path, line, p + used);
			x->suppress_external = true;
			hits++;
		}
		if (!hits)
			fprintf(stderr,
				"solemate: %s:%d: %s %s %s matches no finding any more: remove the "
				"line\n",
				path, line, rule, stack, res);
		else if (kept)
			strbuf_addf(kept, "%s\n", p);
	}
	free(text);
	diag_list_release(&dl);
	return rc;
}

/*
 * --write-baseline: the lines of --baseline that still match, then one line
 * per (rule, stack, resource) of the findings nothing mutes yet, its message
 * as the reason to be edited; written atomically. Those findings are then
 * muted, as the file will mute them. 0, or -1 after printing why not.
 */
static int write_baseline(const char *path, const char *from, struct sm_findings *f,
			  struct strbuf *kept)
{
	struct strbuf out = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	size_t added = 0;
	bool *written = xcalloc(f->nr ? f->nr : 1, sizeof(bool));

	strbuf_addf(
		&out,
		"# solemate check baseline: RULE STACK RESOURCE REASON, one a line (RESOURCE\n"
		"# '-' is the template itself). Written by check --write-baseline%s%s;\n"
		"# replace each reason by why the finding is accepted or where it is tracked.\n",
		from ? " from " : "", from ? from : "");
	strbuf_add(&out, kept->buf, kept->len);
	for (size_t i = 0; i < f->nr; i++) {
		struct sm_finding *x = &f->items[i];
		const char *id = x->logical_id ? x->logical_id : BASELINE_NO_RESOURCE;
		bool seen = false;
		if (x->suppressed)
			continue;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct sm_finding *y = &f->items[j];
			seen = written[j] && y->rule == x->rule && !strcmp(y->stack, x->stack) &&
			       !strcmp(y->logical_id ? y->logical_id : BASELINE_NO_RESOURCE, id);
		}
		x->suppressed = true;
		x->suppress_reason = xstrfmt("baseline %s: %s", path, x->message);
		x->suppress_external = true;
		if (seen)
			continue;
		written[i] = true;
		strbuf_addf(&out, "%s %s %s ", x->rule->id, x->stack, id);
		for (const char *m = x->message; *m; m++)
			strbuf_addch(&out, *m == '\n' || *m == '\r' ? ' ' : *m);
		strbuf_addch(&out, '\n');
		added++;
	}
	int rc = fs_write_atomic(path, out.buf, out.len, &dl);
	if (rc < 0)
		cli_print_diags(&dl);
	else if (!cli_quiet)
		fprintf(stderr, "solemate: wrote %s: %zu new entr%s\n", path, added,
			added == 1 ? "y" : "ies");
	diag_list_release(&dl);
	strbuf_release(&out);
	free(written);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct cli_inputs in = {0};
	struct diag_list dl = DIAG_LIST_INIT;
	struct sm_assembly a;
	struct sm_findings f = SM_FINDINGS_INIT;
	const char *format = "text";
	enum sm_severity min = SM_SEV_WARNING;
	bool show_muted = false, list_rules = false, production = false;
	const char *pack_list = NULL, *baseline = NULL, *write_to = NULL;

	const char *severity = "warning";
	const struct cli_option options[] = {
		OPT_INPUTS(&in),
		OPT_CHOICE(0, "format", &format, "text|json|sarif|junit|markdown",
			   "text (default), json, sarif (SARIF 2.1.0 for code scanning;\n"
			   "relative paths as URIs against SRCROOT, the working directory),\n"
			   "junit (JUnit XML: a suite per stack, a test case per rule,\n"
			   "failed by its findings of --severity and worse), or markdown\n"
			   "(a pull-request comment: counts and rules first, findings\n"
			   "folded, under GitHub's 65,536 characters)"),
		OPT_CHOICE(0, "severity", &severity, "error|warning|info",
			   "show findings of this severity and above (default: warning)"),
		OPT_BOOL(0, "rules", &list_rules,
			 "list the rules (packs, AWS documentation) and exit"),
		OPT_STRING_F(0, "pack", &pack_list, "LIST",
			     "rule packs to run, comma-separated: deploy (what AWS refuses at\n"
			     "create or what cannot work), aws-foundational, pci, cis, solemate\n"
			     "(our house policy: tags), or all. Default: all but solemate; with\n"
			     "--env/--config (our own assembly) solemate too",
			     CLI_OPT_NONEMPTY),
		OPT_BOOL(0, "production", &production,
			 "hold templates read without a manifest to the production rules\n"
			 "(deletion protection, replication, Multi-AZ), as cdk-nag holds\n"
			 "every template; a manifest's terminationProtection decides for\n"
			 "an assembly's stacks"),
		OPT_BOOL(0, "show-suppressed", &show_muted,
			 "list suppressed findings too, with their reasons"),
		OPT_FILE(0, "baseline", &baseline, "FILE",
			 "mute the findings FILE lists, one a line: RULE STACK RESOURCE\n"
			 "REASON (STACK may be *, RESOURCE - for the template itself); an\n"
			 "entry that matches nothing any more\n"
			 "is reported so that the list only shrinks"),
		OPT_FILE(0, "write-baseline", &write_to, "FILE",
			 "write FILE (atomically): the --baseline lines that still match\n"
			 "and a line for every other finding, its message as the reason to\n"
			 "be edited; those findings are then muted"),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &check_doc);
	if (n < 0)
		return cli_parse_exit(n);
	cli_inputs_set_paths(&in, argv, n);
	min = !strcmp(severity, "error")  ? SM_SEV_ERROR
	      : !strcmp(severity, "info") ? SM_SEV_INFO
					  : SM_SEV_WARNING;
	/* our own assembly (--env, --config) gets the house policy too */
	unsigned packs = in.env_nr || in.config_nr ? CHECK_PACKS_ALL : CHECK_PACKS_DEFAULT;
	if (pack_list) {
		const char *bad = "";
		size_t bad_len = 0;
		if (check_parse_packs(pack_list, &packs, &bad, &bad_len) < 0)
			return cli_usage_error(
				"check",
				"unknown rule pack '%.*s' (deploy, aws-foundational, pci, cis, "
				"solemate or all)",
				(int)bad_len, bad);
	}
	if (list_rules && !in.env_nr && !in.config_nr && !in.path_nr) {
		if (!strcmp(format, "json"))
			print_rules_json(packs, NULL);
		else
			print_rules(packs, NULL);
		return SM_EXIT_OK;
	}
	/* the templates and every value derived from them live until exit: one arena */
	arena_begin();
	sm_assembly_init(&a);
	if (cli_inputs_load(&in, &a, &dl) < 0) {
		cli_print_diags(&dl);
		diag_list_release(&dl);
		sm_assembly_release(&a);
		arena_end();
		return SM_EXIT_USAGE;
	}
	for (size_t i = 0; production && i < a.nr; i++)
		if (!a.items[i].protection_known)
			a.items[i].protected_stack = true;
	check_assembly_packs(&a, packs, &f);
	struct strbuf kept = STRBUF_INIT;
	if ((baseline && apply_baseline(baseline, &f, write_to ? &kept : NULL) < 0) ||
	    (write_to && write_baseline(write_to, baseline, &f, &kept) < 0)) {
		strbuf_release(&kept);
		sm_findings_release(&f);
		sm_assembly_release(&a);
		diag_list_release(&dl);
		arena_end();
		return SM_EXIT_USAGE;
	}
	strbuf_release(&kept);
	if (list_rules) {
		/* the rules with their finding counts on these inputs */
		if (!strcmp(format, "json"))
			print_rules_json(packs, &f);
		else
			print_rules(packs, &f);
	} else if (!strcmp(format, "text")) {
		print_text(&f, min, show_muted);
	} else if (!strcmp(format, "junit") || !strcmp(format, "markdown")) {
		struct strbuf sb = STRBUF_INIT;
		if (format[0] == 'j')
			cli_check_junit(&a, &f, min, packs, &sb);
		else
			cli_check_markdown(&a, &f, min, show_muted, &sb);
		cli_put(&sb);
		strbuf_release(&sb);
	} else {
		json_t *out =
			!strcmp(format, "json")
				? json_pack("{so sI sI}", "findings", findings_json(&f, min),
					    "errors", (json_int_t)check_count(&f, SM_SEV_ERROR),
					    "warnings", (json_int_t)check_count(&f, SM_SEV_WARNING))
				: sarif(&f, min, packs);
		char *s = jio_dump_json(out, NULL); /* malloc, not the arena */
		fputs(s, stdout);
		free(s);
		json_decref(out);
	}
	int code = check_count(&f, SM_SEV_ERROR) ? SM_EXIT_FINDINGS : SM_EXIT_OK;
	sm_findings_release(&f);
	sm_assembly_release(&a);
	diag_list_release(&dl);
	arena_end();
	return code;
}
