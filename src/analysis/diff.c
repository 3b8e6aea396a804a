#include "analysis/diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/secrets.h"
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

/* Leaf-level differences between two property values. */
static void diff_values(const json_t *a, const json_t *b, struct strbuf *path, json_t *out,
			char repl)
{
	size_t base = path->len;
	if (json_is_object(a) && json_is_object(b) && json_object_size(a) != 1 &&
	    json_object_size(b) != 1) {
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
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	json_t *c = json_pack("{ss ss}", "path", path->buf + (path->buf[0] == '.'), "replacement",
			      rank(repl));
	json_object_set(c, "old", a ? (json_t *)a : json_null());
	json_object_set(c, "new", b ? (json_t *)b : json_null());
	json_array_append_new(out, c);
}

static bool stateful(struct cfn_schema *schema, const char *type)
{
	/* the schema marks some; these hold data whatever it says */
	static const char *const extra[] = {
		"AWS::S3::Bucket",	    "AWS::RDS::DBInstance",
		"AWS::RDS::DBCluster",	    "AWS::KMS::Key",
		"AWS::Logs::LogGroup",	    "AWS::DynamoDB::Table",
		"AWS::EFS::FileSystem",	    "AWS::SecretsManager::Secret",
		"AWS::Backup::BackupVault", NULL};
	for (int i = 0; extra[i]; i++)
		if (!strcmp(type, extra[i]))
			return true;
	return schema && cfn_schema_is_stateful(schema, type);
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
static void mask_changes(json_t *changes, size_t first)
{
	for (size_t i = first; i < json_array_size(changes); i++) {
		json_t *c = json_array_get(changes, i);
		if (!json_is_null(json_object_get(c, "old")))
			json_object_set_new(c, "old", json_string(SECRET_MASK));
		if (!json_is_null(json_object_get(c, "new")))
			json_object_set_new(c, "new", json_string(SECRET_MASK));
	}
}

static json_t *diff_stack(const char *name, const json_t *ot, const json_t *nt,
			  struct cfn_schema *schema, struct diff_summary *sum)
{
	json_t *res = json_array(), *sec = json_array();
	const json_t *orr = json_object_get(ot, "Resources"),
		     *nrr = json_object_get(nt, "Resources");
	const char *id;
	json_t *r;
	json_object_foreach ((json_t *)orr, id, r) {
		const char *type = json_string_value(json_object_get(r, "Type")) ?: "?";
		json_t *n = json_object_get(nrr, id);
		bool st = stateful(schema, type);
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
				diff_values(a, b, &path, changes, 0);
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
		json_array_append_new(res,
				      json_pack("{ss ss ss ss sb sb}", "id", id, "type", type,
						"change", "added", "replacement", "no", "stateful",
						stateful(schema, type), "dataAtRisk", 0));
		sum->added++;
		security_lines(id, type, NULL, r, sec);
	}
	sum->security += json_array_size(sec);
	const char *status = !ot		    ? "added"
			     : !nt		    ? "removed"
			     : json_array_size(res) ? "modified"
						    : "unchanged";
	return json_pack("{ss ss so so}", "stack", name, "status", status, "resources", res,
			 "security", sec);
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

static void print_value(FILE *out, const json_t *v)
{
	char *s = json_is_null(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s && strlen(s) > 100)
		fprintf(out, "%.97s...", s);
	else
		fputs(s ? s : "(none)", out);
	free(s);
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
		json_t *sec = json_object_get(s, "security");
		if (json_array_size(sec)) {
			fprintf(out,
				"%sSecurity changes (IAM statements, security-group rules):%s\n",
				yellow, off);
			json_array_foreach (sec, j, r) {
				fprintf(out, "  %s %s %s (%s)\n",
					json_string_value(json_object_get(r, "change")),
					json_string_value(json_object_get(r, "kind")),
					json_string_value(json_object_get(r, "resource")),
					json_string_value(json_object_get(r, "type")));
			}
		}
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
	}
}
