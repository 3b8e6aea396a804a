#include "analysis/diff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/secrets.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

static const char *rank(char r)
{
	return r == 'R' ? "yes" : r == 'M' ? "maybe" : "no";
}

static char worse(char a, char b)
{
	if (a == 'R' || b == 'R')
		return 'R';
	if (a == 'M' || b == 'M')
		return 'M';
	return 0;
}

static void add_leaf(const json_t *a, const json_t *b, const struct strbuf *path, json_t *out,
		     char repl)
{
	json_t *c = json_pack("{ss ss}", "path", path->buf + (path->buf[0] == '.'), "replacement",
			      rank(repl));
	json_object_set(c, "old", a ? (json_t *)a : json_null());
	json_object_set(c, "new", b ? (json_t *)b : json_null());
	json_array_append_new(out, c);
}

static void diff_values(const json_t *a, const json_t *b, struct strbuf *path, json_t *out,
			char repl);

/* Lists longer than this are compared as a whole (the alignment is quadratic). */
#define DIFF_LIST_ALIGN_MAX 400

/*
 * How alike two list elements are: equal members count 2, members alike
 * count their likeness, lists the elements they share (an IAM statement
 * whose actions grew is still most like its old self).
 */
static size_t likeness(const json_t *x, const json_t *y)
{
	size_t n = 0, i, j;
	const char *k;
	json_t *v, *w;
	if (json_is_object(x) && json_is_object(y)) {
		json_object_foreach ((json_t *)x, k, v) {
			w = json_object_get(y, k);
			n += w && json_equal(v, w) ? 2 : w ? likeness(v, w) : 0;
		}
	} else if (json_is_array(x) && json_is_array(y)) {
		json_array_foreach (x, i, v)
			json_array_foreach (y, j, w)
				if (json_equal(v, w)) {
					n++;
					break;
				}
	}
	return n;
}

/*
 * Between two anchors: old a[i..i2), new b[j..j2). Each old element is paired
 * with the most alike new one after the last pair (a statement whose action
 * grew is one change, not a removal and an addition); scalars left over in
 * equal numbers are paired in order; the rest is removed or added.
 */
static void diff_run(const json_t *a, size_t i, size_t i2, const json_t *b, size_t j, size_t j2,
		     struct strbuf *path, json_t *out, char repl)
{
	size_t base = path->len, next = j;
	size_t *pair = malloc((i2 - i + 1) * sizeof(size_t));
	if (!pair)
		abort();
	for (size_t x = i; x < i2; x++) {
		size_t best = SIZE_MAX, score = 0;
		for (size_t y = next; y < j2; y++) {
			size_t l = likeness(json_array_get(a, x), json_array_get(b, y));
			if (l > score)
				score = l, best = y;
		}
		if (best == SIZE_MAX && i2 - i == j2 - j && !json_is_object(json_array_get(a, x)))
			best = j + (x - i); /* scalars, as many on each side: in order */
		if (best != SIZE_MAX && best < next)
			best = SIZE_MAX;
		pair[x - i] = best;
		if (best != SIZE_MAX)
			next = best + 1;
	}
	size_t x = i;
	for (size_t y = j; y <= j2; y++) {
		/* old elements paired with nothing before this new one: removed */
		while (x < i2 && (pair[x - i] == SIZE_MAX || pair[x - i] < y)) {
			if (pair[x - i] == SIZE_MAX) {
				strbuf_setlen(path, base);
				strbuf_addf(path, "[%zu]", x);
				diff_values(json_array_get(a, x), NULL, path, out, repl);
			}
			x++;
		}
		if (y == j2)
			break;
		strbuf_setlen(path, base);
		strbuf_addf(path, "[%zu]", y);
		bool paired = x < i2 && pair[x - i] == y;
		diff_values(paired ? json_array_get(a, x) : NULL, json_array_get(b, y), path, out,
			    repl);
		x += paired;
	}
	free(pair);
	strbuf_setlen(path, base);
}

/*
 * Two lists, aligned on their longest common subsequence of equal
 * elements: what is between two anchors is paired in order (a change
 * inside an element, down to its leaf) and the rest is added or removed.
 * An IAM statement or a security-group rule inserted at the front shows as
 * one element added, not as every element after it changed.
 */
static void diff_lists(const json_t *a, const json_t *b, struct strbuf *path, json_t *out,
		       char repl)
{
	size_t n = json_array_size(a), m = json_array_size(b), base = path->len;
	/* lcs[i][j]: the common subsequence of a[i..] and b[j..] */
	unsigned *lcs = calloc((n + 1) * (m + 1), sizeof(unsigned));
	if (!lcs)
		abort();
#define LCS(i, j) lcs[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			LCS(i, j) = json_equal(json_array_get(a, i), json_array_get(b, j))
					    ? LCS(i + 1, j + 1) + 1
				    : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j)
								    : LCS(i, j + 1);
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && json_equal(json_array_get(a, i), json_array_get(b, j))) {
			i++, j++;
			continue;
		}
		/* the run up to the next anchor */
		size_t i2 = i, j2 = j;
		while (i2 < n || j2 < m) {
			if (i2 < n && j2 < m &&
			    json_equal(json_array_get(a, i2), json_array_get(b, j2)) &&
			    LCS(i2, j2) == LCS(i2 + 1, j2 + 1) + 1)
				break;
			if (j2 >= m || (i2 < n && LCS(i2 + 1, j2) >= LCS(i2, j2 + 1)))
				i2++;
			else
				j2++;
		}
		diff_run(a, i, i2, b, j, j2, path, out, repl);
		i = i2;
		j = j2;
	}
#undef LCS
	free(lcs);
	strbuf_setlen(path, base);
}

/* An object whose one key is an intrinsic function ("Ref", "Fn::Join", ...). */
static const char *intrinsic(const json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) != 1)
		return NULL;
	const char *k = json_object_iter_key(json_object_iter((json_t *)v));
	return !strcmp(k, "Ref") || !strcmp(k, "Condition") || !strncmp(k, "Fn::", 4) ? k : NULL;
}

/*
 * The differences between two values, down to the leaves: objects key by
 * key, lists element by element (diff_lists), an intrinsic function into
 * its arguments when both sides call the same one; the path names the leaf
 * ("Properties.Policies[0].PolicyDocument.Statement[2].Action[1]").
 */
static void diff_values(const json_t *a, const json_t *b, struct strbuf *path, json_t *out,
			char repl)
{
	size_t base = path->len;
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	const char *ia = intrinsic(a), *ib = intrinsic(b);
	bool same_shape = json_is_object(a) && json_is_object(b) &&
			  (!ia || !ib || !strcmp(ia, ib)) && !ia == !ib;
	if (same_shape) {
		const char *k;
		json_t *x;
		json_object_foreach ((json_t *)a, k, x) {
			strbuf_addch(path, '.');
			strbuf_addstr(path, k);
			diff_values(x, json_object_get(b, k), path, out, repl);
			strbuf_setlen(path, base);
		}
		json_object_foreach ((json_t *)b, k, x) {
			if (json_object_get(a, k))
				continue;
			strbuf_addch(path, '.');
			strbuf_addstr(path, k);
			diff_values(NULL, x, path, out, repl);
			strbuf_setlen(path, base);
		}
		return;
	}
	if (json_is_array(a) && json_is_array(b) && json_array_size(a) <= DIFF_LIST_ALIGN_MAX &&
	    json_array_size(b) <= DIFF_LIST_ALIGN_MAX) {
		diff_lists(a, b, path, out, repl);
		return;
	}
	add_leaf(a, b, path, out, repl);
}

/* Security-relevant summary lines for one resource change. */
static void security_lines(const char *id, const char *type, const json_t *old_r,
			   const json_t *new_r, json_t *sec)
{
	bool iam = strstr(type, "AWS::IAM::") || !strcmp(type, "AWS::S3::BucketPolicy") ||
		   !strcmp(type, "AWS::KMS::Key") || !strcmp(type, "AWS::SNS::TopicPolicy");
	bool sg = !strcmp(type, "AWS::EC2::SecurityGroup") ||
		  !strcmp(type, "AWS::EC2::SecurityGroupIngress") ||
		  !strcmp(type, "AWS::EC2::SecurityGroupEgress");
	if (!iam && !sg)
		return;
	char *o = old_r ? json_dumps(json_object_get(old_r, "Properties"),
				     JSON_COMPACT | JSON_SORT_KEYS)
			: NULL;
	char *n = new_r ? json_dumps(json_object_get(new_r, "Properties"),
				     JSON_COMPACT | JSON_SORT_KEYS)
			: NULL;
	if (!o || !n || strcmp(o, n))
		json_array_append_new(sec,
				      json_pack("{ss ss ss ss}", "resource", id, "type", type,
						"kind", iam ? "iam" : "security-group", "change",
						!old_r	 ? "added"
						: !new_r ? "removed"
							 : "modified"));
	free(o);
	free(n);
}

/* A secret's old and new values are never shown (`cdk diff` shows them): only that it changed. */
static void mask_change(json_t *c)
{
	if (!json_is_null(json_object_get(c, "old")))
		json_object_set_new(c, "old", json_string(SECRET_MASK));
	if (!json_is_null(json_object_get(c, "new")))
		json_object_set_new(c, "new", json_string(SECRET_MASK));
}

static void mask_changes(json_t *changes, size_t first)
{
	for (size_t i = first; i < json_array_size(changes); i++)
		mask_change(json_array_get(changes, i));
}

/* A secret of either template (secret_strings()) copied into a changed value is masked where it
 * stands. */
static void mask_copies(json_t *changes, size_t first, const json_t *secrets)
{
	static const char *const sides[] = {"old", "new"};
	for (size_t i = first; json_object_size(secrets) && i < json_array_size(changes); i++) {
		json_t *c = json_array_get(changes, i);
		for (int k = 0; k < 2; k++) {
			json_t *v = json_object_get(c, sides[k]);
			if (!v || json_is_null(v))
				continue;
			char *text = json_is_string(v)
					     ? xstrdup(json_string_value(v))
					     : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			char *m = secret_mask_text(secrets, text);
			if (m)
				json_object_set_new(c, sides[k], json_string(SECRET_MASK));
			free(m);
			free(text);
		}
	}
}

/*
 * The sections beside Resources that cdk diff also compares: an entry added,
 * removed, or modified leaf by leaf. A NoEcho parameter's values (Default,
 * AllowedValues, ...) are masked; a secret copied into an Output is too.
 */
static const char *const other_sections[] = {"Parameters", "Conditions", "Mappings", "Outputs"};

static void diff_section(const char *section, const json_t *ot, const json_t *nt,
			 const json_t *secrets, json_t *out)
{
	const json_t *os = json_object_get(ot, section), *ns = json_object_get(nt, section);
	json_t *keys = json_object(), *x;
	const char *id;
	json_object_foreach ((json_t *)os, id, x)
		json_object_set_new(keys, id, json_true());
	json_object_foreach ((json_t *)ns, id, x)
		json_object_set_new(keys, id, json_true());
	struct strbuf path = STRBUF_INIT;
	json_object_foreach (keys, id, x) {
		const json_t *a = json_object_get(os, id), *b = json_object_get(ns, id);
		if (a && b && json_equal((json_t *)a, (json_t *)b))
			continue;
		json_t *changes = json_array();
		if (a && b) {
			strbuf_reset(&path);
			diff_values(a, b, &path, changes, 0);
			bool noecho = !strcmp(section, "Parameters") &&
				      (secret_parameter(ot, id) || secret_parameter(nt, id));
			for (size_t i = 0; noecho && i < json_array_size(changes); i++) {
				json_t *c = json_array_get(changes, i);
				if (strcmp(json_string_value(json_object_get(c, "path")), "NoEcho"))
					mask_change(c);
			}
			if (!noecho)
				mask_copies(changes, 0, secrets);
		}
		json_array_append_new(out, json_pack("{ss ss ss so}", "section", section, "id", id,
						     "change",
						     !a	  ? "added"
						     : !b ? "removed"
							  : "modified",
						     "changes", changes));
	}
	strbuf_release(&path);
	json_decref(keys);
}

static json_t *diff_stack(const char *name, const json_t *ot, const json_t *nt,
			  struct cfn_schema *schema, struct diff_summary *sum)
{
	json_t *res = json_array(), *sec = json_array(), *secrets = json_object();
	secret_strings_add(secrets, ot);
	secret_strings_add(secrets, nt);
	const json_t *orr = json_object_get(ot, "Resources"),
		     *nrr = json_object_get(nt, "Resources");
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)orr, id, r) {
		const char *type = json_string_value(json_object_get(r, "Type")) ?: "?";
		json_t *n = json_object_get(nrr, id);
		bool st = cfn_schema_is_stateful(schema, type);
		if (!n) {
			const char *dp =
				json_string_value(json_object_get(r, "DeletionPolicy")) ?: "Delete";
			bool risk = st && !strcmp(dp, "Delete");
			json_array_append_new(res,
					      json_pack("{ss ss ss ss sb sb}", "id", id, "type",
							type, "change", "removed", "replacement",
							"no", "stateful", st, "dataAtRisk", risk));
			sum->removed++;
			sum->data_at_risk += risk;
			security_lines(id, type, r, NULL, sec);
			continue;
		}
		const char *ntype = json_string_value(json_object_get(n, "Type")) ?: "?";
		json_t *changes = json_array();
		char repl = strcmp(type, ntype) ? 'R' : 0;
		struct strbuf path = STRBUF_INIT;
		const json_t *op = json_object_get(r, "Properties"),
			     *np = json_object_get(n, "Properties");
		const char *k;
		json_t *x;
		json_t *keys = json_object();
		json_object_foreach ((json_t *)op, k, x)
			json_object_set_new(keys, k, json_true());
		json_object_foreach ((json_t *)np, k, x)
			json_object_set_new(keys, k, json_true());
		json_object_foreach (keys, k, x) {
			const json_t *a = json_object_get(op, k), *b = json_object_get(np, k);
			if (a && b && json_equal((json_t *)a, (json_t *)b))
				continue;
			char pr = schema ? cfn_schema_replacement(schema, type, k) : 0;
			repl = worse(repl, pr);
			strbuf_reset(&path);
			strbuf_addf(&path, "Properties.%s", k);
			size_t first = json_array_size(changes);
			diff_values(a, b, &path, changes, pr);
			if (secret_property(type, k) || secret_value(ot, a) || secret_value(nt, b))
				mask_changes(changes, first);
			else
				mask_copies(changes, first, secrets);
		}
		json_decref(keys);
		static const char *const attrs[] = {"DeletionPolicy", "UpdateReplacePolicy",
						    "DependsOn", "Condition", "Metadata"};
		for (size_t i = 0; i < 5; i++) {
			const json_t *a = json_object_get(r, attrs[i]),
				     *b = json_object_get(n, attrs[i]);
			if ((a || b) && !(a && b && json_equal((json_t *)a, (json_t *)b))) {
				strbuf_reset(&path);
				strbuf_addstr(&path, attrs[i]);
				size_t first = json_array_size(changes);
				diff_values(a, b, &path, changes, 0);
				/* Metadata is not masked by CloudFormation (NoEcho says so): we do
				 */
				if (secret_value(ot, a) || secret_value(nt, b))
					mask_changes(changes, first);
				else
					mask_copies(changes, first, secrets);
			}
		}
		strbuf_release(&path);
		if (!json_array_size(changes) && !repl) {
			json_decref(changes);
			continue;
		}
		bool risk = st && repl == 'R';
		json_t *e =
			json_pack("{ss ss ss ss sb sb so}", "id", id, "type", ntype, "change",
				  "modified", "replacement", rank(repl), "stateful", st,
				  "dataAtRisk", risk || (st && repl == 'M'), "changes", changes);
		json_array_append_new(res, e);
		sum->modified++;
		sum->replaced += repl == 'R';
		sum->data_at_risk += st && repl;
		security_lines(id, ntype, r, n, sec);
	}
	json_object_foreach ((json_t *)nrr, id, r) {
		if (json_object_get(orr, id))
			continue;
		const char *type = json_string_value(json_object_get(r, "Type")) ?: "?";
		json_array_append_new(
			res, json_pack("{ss ss ss ss sb sb}", "id", id, "type", type, "change",
				       "added", "replacement", "no", "stateful",
				       cfn_schema_is_stateful(schema, type), "dataAtRisk", 0));
		sum->added++;
		security_lines(id, type, NULL, r, sec);
	}
	json_t *other = json_array();
	for (size_t i = 0; ot && nt && i < sizeof(other_sections) / sizeof(other_sections[0]); i++)
		diff_section(other_sections[i], ot, nt, secrets, other);
	sum->other += json_array_size(other);
	json_decref(secrets);
	sum->security += json_array_size(sec);
	json_t *iam, *sg;
	diff_security_tables(ot, nt, &iam, &sg);
	sum->iam_rows += json_array_size(iam);
	sum->sg_rows += json_array_size(sg);
	size_t i;
	json_t *row;
	json_array_foreach (iam, i, row)
		sum->widening += !strcmp(json_string_value(json_object_get(row, "change")), "+") &&
				 *json_string_value(json_object_get(row, "note"));
	json_array_foreach (sg, i, row)
		sum->widening += !strcmp(json_string_value(json_object_get(row, "change")), "+") &&
				 *json_string_value(json_object_get(row, "note"));
	const char *status = !ot					      ? "added"
			     : !nt					      ? "removed"
			     : json_array_size(res) || json_array_size(other) ? "modified"
									      : "unchanged";
	return json_pack("{ss ss so so so so so}", "stack", name, "status", status, "resources",
			 res, "sections", other, "security", sec, "iamStatements", iam,
			 "securityGroupRules", sg);
}

json_t *diff_assemblies(struct sm_assembly *old_a, struct sm_assembly *new_a,
			struct cfn_schema *schema, struct diff_summary *sum)
{
	json_t *stacks = json_array();
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < new_a->nr; i++) {
		struct sm_template *o = sm_assembly_find(old_a, new_a->items[i].stack_name);
		json_array_append_new(stacks,
				      diff_stack(new_a->items[i].stack_name, o ? o->tmpl : NULL,
						 new_a->items[i].tmpl, schema, sum));
	}
	for (size_t i = 0; i < old_a->nr; i++)
		if (!sm_assembly_find(new_a, old_a->items[i].stack_name))
			json_array_append_new(stacks,
					      diff_stack(old_a->items[i].stack_name,
							 old_a->items[i].tmpl, NULL, schema, sum));
	return json_pack("{so}", "stacks", stacks);
}

/* A changed value, whole: the structural diff keeps leaves small; a huge one is counted. */
#define DIFF_VALUE_SHOWN_MAX 2000

static void print_value(FILE *out, const json_t *v)
{
	char *s = json_is_null(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s && strlen(s) > DIFF_VALUE_SHOWN_MAX)
		fprintf(out, "%.*s... (%zu characters; --format json has it whole)",
			DIFF_VALUE_SHOWN_MAX, s, strlen(s));
	else
		fputs(s ? s : "(none)", out);
	free(s);
}

static const char *const iam_cols[] = {"change",    "resource",	 "effect", "action",
				       "principal", "condition", "note"};
static const char *const iam_heads[] = {"",	     "Resource",  "Effect", "Action",
					"Principal", "Condition", ""};
static const char *const sg_cols[] = {"change", "group", "direction", "protocol", "peer", "note"};
static const char *const sg_heads[] = {"", "Group", "Dir", "Protocol", "Peer", ""};

/* A table like cdk diff's: the rows' columns padded, removals red, additions green. */
static void write_table(struct strbuf *out, const char *title, const json_t *rows,
			const char *const *cols, const char *const *heads, size_t ncol,
			const char *red, const char *green, const char *off)
{
	size_t w[8] = {0}, i, c;
	json_t *r;
	if (!json_array_size(rows))
		return;
	for (c = 0; c < ncol; c++)
		w[c] = strlen(heads[c]);
	json_array_foreach (rows, i, r)
		for (c = 0; c < ncol; c++) {
			size_t n = strlen(json_string_value(json_object_get(r, cols[c])) ?: "");
			w[c] = n > w[c] ? n : w[c];
		}
	strbuf_addf(out, "%s\n", title);
	for (c = 0; c < ncol; c++)
		if (c + 1 < ncol || *heads[c])
			strbuf_addf(out, "%s%-*s", c ? " | " : "", c + 1 < ncol ? (int)w[c] : 0,
				    heads[c]);
	strbuf_addch(out, '\n');
	json_array_foreach (rows, i, r) {
		const char *ch = json_string_value(json_object_get(r, "change"));
		strbuf_addstr(out, !strcmp(ch, "+") ? green : red);
		for (c = 0; c < ncol; c++)
			strbuf_addf(out, "%s%-*s", c ? " | " : "", c + 1 < ncol ? (int)w[c] : 0,
				    json_string_value(json_object_get(r, cols[c])) ?: "");
		strbuf_addf(out, "%s\n", off);
	}
}

void diff_security_write(struct strbuf *out, const json_t *iam, const json_t *sg, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
		   *off = color ? "\033[0m" : "";
	write_table(out, "IAM Statement Changes", iam, iam_cols, iam_heads, 7, red, green, off);
	write_table(out, "Security Group Changes", sg, sg_cols, sg_heads, 6, red, green, off);
}

/* Parameters, Conditions, Mappings and Outputs, each under its heading as cdk diff shows them. */
static void diff_print_sections(FILE *out, const json_t *sections, const char *red,
				const char *green, const char *yellow, const char *off)
{
	const char *last = NULL;
	size_t i, k;
	json_t *e, *c;
	json_array_foreach (sections, i, e) {
		const char *section = json_string_value(json_object_get(e, "section"));
		const char *ch = json_string_value(json_object_get(e, "change"));
		if (!last || strcmp(last, section))
			fprintf(out, "%s\n", section);
		last = section;
		fprintf(out, "%s%s %s%s\n",
			!strcmp(ch, "added")	 ? green
			: !strcmp(ch, "removed") ? red
						 : yellow,
			!strcmp(ch, "added")	 ? "[+]"
			: !strcmp(ch, "removed") ? "[-]"
						 : "[~]",
			json_string_value(json_object_get(e, "id")), off);
		json_array_foreach (json_object_get(e, "changes"), k, c) {
			const char *path = json_string_value(json_object_get(c, "path"));
			fprintf(out, "    %s: ", *path ? path : "(value)");
			print_value(out, json_object_get(c, "old"));
			fputs(" -> ", out);
			print_value(out, json_object_get(c, "new"));
			fputc('\n', out);
		}
	}
}

void diff_print(FILE *out, const json_t *diff, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
		   *yellow = color ? "\033[33m" : "", *bold = color ? "\033[1m" : "",
		   *off = color ? "\033[0m" : "";
	size_t i, j, k;
	json_t *s, *r, *c;
	json_array_foreach (json_object_get(diff, "stacks"), i, s) {
		const char *status = json_string_value(json_object_get(s, "status"));
		fprintf(out, "%sStack %s%s%s\n", bold,
			json_string_value(json_object_get(s, "stack")), off,
			!strcmp(status, "unchanged") ? " (no differences)"
			: !strcmp(status, "added")   ? " (new stack)"
			: !strcmp(status, "removed") ? " (stack removed)"
						     : "");
		struct strbuf tables = STRBUF_INIT;
		diff_security_write(&tables, json_object_get(s, "iamStatements"),
				    json_object_get(s, "securityGroupRules"), color);
		fputs(tables.buf, out);
		strbuf_release(&tables);
		json_array_foreach (json_object_get(s, "resources"), j, r) {
			const char *ch = json_string_value(json_object_get(r, "change"));
			const char *rep = json_string_value(json_object_get(r, "replacement"));
			const char *sym = !strcmp(ch, "added")	   ? "[+]"
					  : !strcmp(ch, "removed") ? "[-]"
								   : "[~]";
			const char *col = !strcmp(ch, "added")	   ? green
					  : !strcmp(ch, "removed") ? red
								   : yellow;
			fprintf(out, "%s%s %s %s%s", col, sym,
				json_string_value(json_object_get(r, "type")),
				json_string_value(json_object_get(r, "id")), off);
			if (!strcmp(rep, "yes"))
				fprintf(out, " %s(requires replacement)%s", red, off);
			else if (!strcmp(rep, "maybe"))
				fprintf(out, " %s(may cause replacement)%s", yellow, off);
			fputc('\n', out);
			if (json_is_true(json_object_get(r, "dataAtRisk")))
				fprintf(out,
					"    %s!! DATA AT RISK: %s is stateful and would be %s%s\n",
					red, json_string_value(json_object_get(r, "id")),
					!strcmp(ch, "removed") ? "deleted" : "replaced", off);
			json_array_foreach (json_object_get(r, "changes"), k, c) {
				const char *cr =
					json_string_value(json_object_get(c, "replacement"));
				fprintf(out,
					"    %s: ", json_string_value(json_object_get(c, "path")));
				print_value(out, json_object_get(c, "old"));
				fputs(" -> ", out);
				print_value(out, json_object_get(c, "new"));
				if (!strcmp(cr, "yes"))
					fprintf(out, " %s(requires replacement)%s", red, off);
				else if (!strcmp(cr, "maybe"))
					fprintf(out, " %s(may cause replacement)%s", yellow, off);
				fputc('\n', out);
			}
		}
		diff_print_sections(out, json_object_get(s, "sections"), red, green, yellow, off);
	}
}
