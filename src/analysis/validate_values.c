/*
 * validate: the value constraints of the registry schemas (enums, patterns,
 * string lengths, numeric ranges, list sizes and uniqueness) and the
 * relations between an object's properties (exactly one of, at least one
 * of, requires, excludes), as scripts/schema_constraints.py encodes them in
 * data/cfn-schema.txt. A value CloudFormation resolves at deploy (an
 * intrinsic function) is not checked; both branches of an Fn::If are.
 */
#include "analysis/validate_int.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/cfn_eval.h"
#include "base/cidr.h"
#include "base/common.h"
#include "base/json_io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* The scalar as CloudFormation passes it: "45", "true", "gp3"; false if not a scalar. */
static bool scalar_text(const json_t *v, char *buf, size_t n, const char **out)
{
	if (json_is_string(v))
		*out = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(buf, n, "%lld", (long long)json_integer_value(v)), *out = buf;
	else if (json_is_real(v))
		snprintf(buf, n, "%.17g", json_real_value(v)), *out = buf;
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? "true" : "false";
	else
		return false;
	return true;
}

bool vd_number(const json_t *v, double *d)
{
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return true;
	}
	if (!json_is_string(v) || !*json_string_value(v))
		return false;
	char *end;
	*d = strtod(json_string_value(v), &end);
	return *end == '\0' && isfinite(*d);
}

static bool enum_has(const json_t *allowed, const json_t *v, const char *text)
{
	size_t i;
	json_t *a;
	double dv, da;
	bool num = vd_number(v, &dv);
	json_array_foreach (allowed, i, a) {
		char buf[40];
		const char *at;
		if (num && json_is_number(a) && vd_number(a, &da) && da == dv)
			return true;
		if (scalar_text(a, buf, sizeof(buf), &at) && !strcmp(at, text))
			return true;
	}
	return false;
}

static void allowed_list(struct strbuf *sb, const json_t *allowed)
{
	size_t i;
	json_t *a;
	json_array_foreach (allowed, i, a) {
		char buf[40];
		const char *at = "?";
		if (i == 12) {
			strbuf_addf(sb, ", ... (%zu in all)", json_array_size(allowed));
			break;
		}
		scalar_text(a, buf, sizeof(buf), &at);
		strbuf_addf(sb, "%s%s", i ? ", " : "", at);
	}
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The keys of a constraint object, read in one pass (they are one letter each). */
struct cons_view {
	const json_t *e, *p, *l, *L, *m, *M, *i, *I, *u, *f, *each;
};

static void cons_view(const json_t *cons, struct cons_view *cv)
{
	const char *k;
	json_t *x;
	memset(cv, 0, sizeof(*cv));
	jio_object_each ((json_t *)cons, it, k, x) {
		if (k[0] && k[1])
			continue;
		switch (k[0]) {
		case 'e':
			cv->e = x;
			break;
		case 'p':
			cv->p = x;
			break;
		case 'l':
			cv->l = x;
			break;
		case 'L':
			cv->L = x;
			break;
		case 'm':
			cv->m = x;
			break;
		case 'M':
			cv->M = x;
			break;
		case 'i':
			cv->i = x;
			break;
		case 'I':
			cv->I = x;
			break;
		case 'u':
			cv->u = x;
			break;
		case 'f':
			cv->f = x;
			break;
		case '*':
			cv->each = x;
			break;
		default:
			break;
		}
	}
}

/*
 * The formats of the registry schemas that cfn-lint checks beyond patterns
 * (E1103: cfnlint/jsonschema/_format.py) and the schema data carries ("f"):
 * an IPv4 or IPv6 address, and a network, whose address has no bit set past
 * its prefix ("10.0.0.1/24" is not one: EC2 and SES take the block's
 * network address, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html).
 */
static void check_format(struct vctx *c, const char *fmt, const char *text, const char *path)
{
	bool v6 = !strncmp(fmt, "ipv6", 4);
	if (!strchr(fmt, '-')) {
		uint8_t a[16];
		uint32_t a4;
		if ((v6 ? ipv6_parse(text, a) : ipv4_parse(text, &a4)) < 0)
			vd_report(c, DIAG_ERROR, path, "'%s' is not an %s address", text,
				  v6 ? "IPv6" : "IPv4");
		return;
	}
	char net[64];
	enum cidr_form f = cidr_network_form(text, v6, net, sizeof(net));
	if (f == CIDR_MALFORMED)
		vd_report(c, DIAG_ERROR, path, "'%s' is not an %s CIDR block", text,
			  v6 ? "IPv6" : "IPv4");
	else if (f == CIDR_HOST_BITS)
		diag_set_hint(vd_report(c, DIAG_ERROR, path,
					"'%s' is not a network: bits are set past its prefix",
					text),
			      "the network is %s", net);
}

static void check_scalar(struct vctx *c, const struct cons_view *cv, const json_t *v,
			 const char *path)
{
	char buf[40];
	const char *text;
	double d;
	if (!scalar_text(v, buf, sizeof(buf), &text))
		return;
	/* a dynamic reference is resolved at deploy
	 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html)
	 */
	if (!strncmp(text, "{{resolve:", 10))
		return;
	const json_t *allowed = cv->e;
	if (allowed && !enum_has(allowed, v, text)) {
		struct strbuf sb = STRBUF_INIT;
		allowed_list(&sb, allowed);
		struct diag *dg =
			vd_report(c, DIAG_ERROR, path, "'%s' is not an allowed value", text);
		diag_set_hint(dg, "allowed: %s", sb.buf);
		strbuf_release(&sb);
		return;
	}
	size_t i;
	json_t *p;
	json_array_foreach (cv->p, i, p) {
		if (json_is_string(v) && !cfn_schema_match(c->schema, json_string_value(p), text)) {
			struct diag *dg =
				vd_report(c, DIAG_ERROR, path,
					  "'%s' does not match the pattern CloudFormation "
					  "requires",
					  text);
			diag_set_hint(dg, "pattern (POSIX ERE): %s", json_string_value(p));
			return;
		}
	}
	if (cv->f && json_is_string(v))
		check_format(c, json_string_value(cv->f), text, path);
	const json_t *lo = cv->l, *hi = cv->L;
	if (json_is_string(v) && (lo || hi)) {
		size_t n = utf8_length(text);
		if ((lo && (double)n < json_number_value(lo)) ||
		    (hi && (double)n > json_number_value(hi)))
			vd_report(c, DIAG_ERROR, path,
				  "'%.60s%s' is %zu characters long; allowed: %g to %g", text,
				  strlen(text) > 60 ? "..." : "", n, lo ? json_number_value(lo) : 0,
				  hi ? json_number_value(hi) : INFINITY);
	}
	lo = cv->m;
	hi = cv->M;
	if ((lo || hi) && vd_number(v, &d) &&
	    ((lo && d < json_number_value(lo)) || (hi && d > json_number_value(hi)))) {
		if (lo && hi)
			vd_report(c, DIAG_ERROR, path, "%s is out of range: %g to %g", text,
				  json_number_value(lo), json_number_value(hi));
		else
			vd_report(c, DIAG_ERROR, path, "%s is %s %g", text,
				  lo ? "below the minimum" : "above the maximum",
				  json_number_value(lo ? lo : hi));
	}
}

const struct cfn_world *vd_worlds(struct vctx *c, size_t *nr)
{
	if (!c->worlds)
		c->worlds_nr = cfn_worlds((json_t *)c->tmpl, c->t->region, &c->worlds);
	*nr = c->worlds_nr;
	return c->worlds;
}

/* The value at `path` ("Resources.Id.Properties.List[2].Key") of `root`, or NULL. */
static const json_t *value_at(const json_t *root, const char *path)
{
	const json_t *v = root;
	for (const char *p = path; *p && v;) {
		if (*p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			if (*end != ']')
				return NULL;
			v = json_array_get(v, i);
			p = end + 1;
			continue;
		}
		p += *p == '.';
		size_t n = strcspn(p, ".[");
		v = json_object_getn(v, p, n);
		p += n;
	}
	return v;
}

/* An item that a condition may remove: Fn::If (one branch AWS::NoValue) or NoValue itself. */
static bool has_conditional_item(const json_t *v)
{
	size_t i;
	json_t *x;
	json_array_foreach (v, i, x) {
		if (json_object_size(x) == 1 && (json_object_get(x, "Fn::If") || vd_is_no_value(x)))
			return true;
	}
	return false;
}

static bool size_out(const struct cons_view *cv, size_t n)
{
	return (cv->i && (double)n < json_number_value(cv->i)) ||
	       (cv->I && (double)n > json_number_value(cv->I));
}

static struct diag *report_size(struct vctx *c, const struct cons_view *cv, const char *path,
				size_t n)
{
	return vd_report(c, DIAG_ERROR, path, "%zu item%s; allowed: %g to %g", n, n == 1 ? "" : "s",
			 cv->i ? json_number_value(cv->i) : 0,
			 cv->I ? json_number_value(cv->I) : INFINITY);
}

/*
 * A resource's list whose items Fn::If may remove has as many items as the
 * conditions leave: counted in each world the template can take (cfn_eval.h),
 * as CloudFormation would send it, and reported at the first that is out of
 * range, with the conditions that decide it (cfn-lint E3032 does the same
 * per condition scenario). Under an Fn::If of a parent (its world value sits
 * elsewhere) the items are counted as written.
 */
static bool check_size_per_world(struct vctx *c, const struct cons_view *cv, const char *path)
{
	if (strncmp(path, "Resources.", 10) || strstr(path, "Fn::If"))
		return false;
	size_t nr, id_len = strcspn(path + 10, ".[");
	const struct cfn_world *w = vd_worlds(c, &nr);
	for (size_t i = 0; i < nr; i++) {
		const json_t *l = value_at(w[i].tmpl, path);
		if (!json_is_array(l) || !size_out(cv, json_array_size(l)))
			continue; /* the resource is not created, or the size is right */
		struct diag *d = report_size(c, cv, path, json_array_size(l));
		const char *when =
			json_string_value(json_object_getn(w[i].branches, path + 10, id_len));
		if (when)
			diag_set_hint(d, "when %s", when);
		break;
	}
	return true;
}

static void check_list(struct vctx *c, const struct cons_view *cv, const json_t *v,
		       struct strbuf *path)
{
	size_t n = json_array_size(v), base = path->len;
	if ((cv->i || cv->I) &&
	    !(has_conditional_item(v) && check_size_per_world(c, cv, path->buf)) && size_out(cv, n))
		report_size(c, cv, path->buf, n);
	if (cv->u) {
		for (size_t i = 1; i < n; i++) {
			const json_t *x = json_array_get(v, i);
			if (vd_is_intrinsic(x) && !json_object_get(x, "Ref"))
				continue;
			for (size_t j = 0; j < i; j++)
				if (json_equal((json_t *)x, json_array_get(v, j))) {
					vd_path_index(path, i);
					vd_report(c, DIAG_ERROR, path->buf,
						  "duplicate item (the same as item %zu)", j);
					strbuf_setlen(path, base);
					break;
				}
		}
	}
	const json_t *each = cv->each;
	if (each) {
		size_t i;
		json_t *x;
		json_array_foreach (v, i, x) {
			vd_path_index(path, i);
			vd_check_constraints(c, each, x, path);
			strbuf_setlen(path, base);
		}
	}
}

/*
 * What a Ref to a resource returns must be what the property takes (cfn-lint
 * E1041): the registry schema says it of both, the property by a format
 * ("F": AWS::EC2::VPC.Id, AWS::IAM::Role.Arn, ...), the type by the format
 * of its one primary identifier ("rf", "" for none of these). A Ref to a
 * role gives its name, not the ARN a function's Role takes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html#aws-resource-iam-role-return-values);
 * a Ref to a security group gives its ID when it has a VpcId, else its
 * name (aws-resource-ec2-securitygroup.html#aws-resource-ec2-securitygroup-return-values).
 * A parameter, a custom resource and a type without a registry schema
 * (SAM's) are not judged.
 */
static void check_ref_format(struct vctx *c, const char *want, const char *name, const char *path)
{
	const json_t *r = json_object_get(c->resources, name);
	const char *type = json_string_value(json_object_get(r, "Type"));
	if (!type || !strncmp(type, "Custom::", 8))
		return;
	const json_t *rec = cfn_schema_resource(c->schema, type);
	const char *got = json_string_value(json_object_get(rec, "rf"));
	if (!got)
		return;
	if (!strcmp(type, "AWS::EC2::SecurityGroup"))
		got = json_object_get(json_object_get(r, "Properties"), "VpcId")
			      ? "AWS::EC2::SecurityGroup.Id"
			      : "AWS::EC2::SecurityGroup.Name";
	if (!strcmp(want, "AWS::EC2::SecurityGroup.GroupId")) /* cfn-lint's older name */
		want = "AWS::EC2::SecurityGroup.Id";
	if (!strcmp(got, want))
		return;
	struct diag *d =
		*got ? vd_report(c, DIAG_ERROR, path, "!Ref %s returns an %s, this takes an %s",
				 name, got, want)
		     : vd_report(c, DIAG_ERROR, path,
				 "!Ref %s (%s) does not return the %s this takes", name, type,
				 want);
	if (!strcmp(want, "AWS::EC2::SecurityGroup.Id")) {
		diag_set_hint(d, "!GetAtt %s.GroupId", name);
		return;
	}
	/* a Ref for an attribute the resource has: "!GetAtt Role.Arn" */
	size_t tl = strlen(type);
	const char *attr = want + tl + 1;
	if (!strncmp(want, type, tl) && want[tl] == '.') {
		size_t i;
		json_t *a;
		json_array_foreach (json_object_get(rec, "a"), i, a) {
			if (!strcmp(json_string_value(a) ?: "", attr)) {
				diag_set_hint(d, "!GetAtt %s.%s", name, attr);
				break;
			}
		}
	}
}

/* Whether `got` (a format, a list of them, or "") is `want`, or has it among its list. */
static bool format_is(const json_t *got, const char *want)
{
	size_t i;
	json_t *f;
	if (json_is_string(got))
		return !strcmp(json_string_value(got), want);
	json_array_foreach (got, i, f) {
		if (!strcmp(json_string_value(f) ?: "", want))
			return true;
	}
	return false;
}

/*
 * What an Fn::GetAtt returns must be what the property takes (cfn-lint
 * E1040): the registry schema gives the attribute's format ("af": a role's
 * Arn is an AWS::IAM::Role.Arn, its RoleId none); a role's RoleId where its
 * ARN is taken, a group's VpcId where a group is, fail at deploy. Custom
 * resources, nested stacks' outputs, provisioned products and an SSM
 * parameter's Value return whatever they hold: not judged (as cfn-lint).
 */
static void check_getatt_format(struct vctx *c, const char *want, const char *res, const char *attr,
				const char *path)
{
	const char *type =
		json_string_value(json_object_get(json_object_get(c->resources, res), "Type"));
	if (!type || !strncmp(type, "Custom::", 8) ||
	    !strcmp(type, "AWS::CloudFormation::CustomResource") ||
	    !strcmp(type, "AWS::CloudFormation::Stack") ||
	    !strcmp(type, "AWS::ServiceCatalog::CloudFormationProvisionedProduct") ||
	    (!strcmp(type, "AWS::SSM::Parameter") && !strcmp(attr, "Value")))
		return;
	const json_t *rec = cfn_schema_resource(c->schema, type);
	const json_t *af = json_object_get(rec, "af");
	const json_t *got = json_object_get(af, attr);
	if (!strcmp(want, "AWS::EC2::SecurityGroup.GroupId")) /* cfn-lint's older name */
		want = "AWS::EC2::SecurityGroup.Id";
	if (!got || format_is(got, want))
		return; /* an attribute cfn-lint does not know, or the right one */
	struct diag *d = json_is_string(got) && *json_string_value(got)
				 ? vd_report(c, DIAG_ERROR, path,
					     "!GetAtt %s.%s returns an %s, this takes an %s", res,
					     attr, json_string_value(got), want)
				 : vd_report(c, DIAG_ERROR, path,
					     "!GetAtt %s.%s (%s) does not return the %s this takes",
					     res, attr, type, want);
	/* the attribute, or the Ref, of the same resource that gives it */
	const char *k;
	json_t *f;
	json_object_foreach ((json_t *)af, k, f) {
		if (format_is(f, want)) {
			diag_set_hint(d, "!GetAtt %s.%s", res, k);
			return;
		}
	}
	if (!strcmp(json_string_value(json_object_get(rec, "rf")) ?: "", want))
		diag_set_hint(d, "!Ref %s", res);
}

/* The resource and attribute of an Fn::GetAtt ([res, attr] or "res.attr"), in `buf`. */
static bool getatt_parts(const json_t *ga, char *buf, size_t n, const char **res, const char **attr)
{
	if (json_is_array(ga) && json_array_size(ga) == 2) {
		*res = json_string_value(json_array_get(ga, 0));
		*attr = json_string_value(json_array_get(ga, 1));
		return *res && *attr;
	}
	const char *s = json_string_value(ga), *dot = s ? strchr(s, '.') : NULL;
	if (!dot || (size_t)(dot - s) >= n)
		return false;
	memcpy(buf, s, (size_t)(dot - s));
	buf[dot - s] = '\0';
	*res = buf;
	*attr = dot + 1;
	return true;
}

void vd_check_constraints(struct vctx *c, const json_t *cons, const json_t *v, struct strbuf *path)
{
	if (!cons)
		return;
	if (json_object_size(v) == 1) {
		void *it = json_object_iter((json_t *)v);
		const char *fn = json_object_iter_key(it);
		const char *want = NULL;
		if (!strcmp(fn, "Ref") || !strcmp(fn, "Fn::GetAtt"))
			want = json_string_value(json_object_get(cons, "F"));
		if (want && fn[0] == 'R' && json_is_string(json_object_iter_value(it)))
			check_ref_format(c, want, json_string_value(json_object_iter_value(it)),
					 path->buf);
		char buf[256];
		const char *res, *attr;
		if (want && fn[0] == 'F' &&
		    getatt_parts(json_object_iter_value(it), buf, sizeof(buf), &res, &attr))
			check_getatt_format(c, want, res, attr, path->buf);
		if (fn[0] == 'R' || !strcmp(fn, "Fn::GetAtt"))
			return;
	}
	const json_t *fif = json_object_size(v) == 1 ? json_object_get(v, "Fn::If") : NULL;
	if (json_is_array(fif) && json_array_size(fif) == 3) {
		size_t base = path->len;
		for (size_t i = 1; i < 3; i++) {
			const json_t *b = json_array_get(fif, i);
			if (vd_is_no_value(b))
				continue;
			strbuf_addstr(path, ".Fn::If");
			vd_path_index(path, i);
			vd_check_constraints(c, cons, b, path);
			strbuf_setlen(path, base);
		}
		return;
	}
	if (vd_is_intrinsic(v))
		return;
	struct cons_view cv;
	cons_view(cons, &cv);
	if (json_is_array(v))
		check_list(c, &cv, v, path);
	else
		check_scalar(c, &cv, v, path->buf);
}

/* ---- relations between properties ---- */

static bool present(const json_t *obj, const char *k)
{
	const json_t *v = json_object_get(obj, k);
	return v && !vd_is_no_value(v);
}

static bool set_present(const json_t *obj, const json_t *set)
{
	size_t i;
	json_t *k;
	json_array_foreach (set, i, k) {
		if (!present(obj, json_string_value(k)))
			return false;
	}
	return true;
}

static void set_names(struct strbuf *sb, const json_t *sets)
{
	size_t i, j;
	json_t *set, *k;
	json_array_foreach (sets, i, set) {
		strbuf_addstr(sb, i ? ", " : "");
		if (json_is_string(set)) {
			strbuf_addf(sb, "'%s'", json_string_value(set));
			continue;
		}
		json_array_foreach (set, j, k) {
			strbuf_addf(sb, "%s'%s'", j ? " with " : "", json_string_value(k));
		}
	}
}

static void one_of(struct vctx *c, const json_t *sets, size_t hits, bool exactly, const char *path,
		   const struct what *w)
{
	if (hits == 1 || (!exactly && hits > 1))
		return;
	struct strbuf sb = STRBUF_INIT;
	char *what = vd_what_str(w);
	set_names(&sb, sets);
	if (hits == 0)
		vd_report(c, DIAG_ERROR, path, "%s requires %s of %s", what,
			  exactly ? "one" : "at least one", sb.buf);
	else
		vd_report(c, DIAG_ERROR, path, "%s takes only one of %s", what, sb.buf);
	free(what);
	strbuf_release(&sb);
}

void vd_rec_parts(const json_t *rec, struct vd_rec *out)
{
	*out = (struct vd_rec){0};
	const char *k;
	json_t *v;
	jio_object_each ((json_t *)rec, it, k, v) {
		const json_t **to = NULL;
		if (k[0] && !k[1])
			to = k[0] == 'p' ? &out->p : k[0] == 'c' ? &out->c : NULL;
		else if (k[0] == 'r' && k[1] && !k[2])
			to = k[1] == 'x'   ? &out->rx
			     : k[1] == 'o' ? &out->ro
			     : k[1] == 'a' ? &out->ra
					   : NULL;
		else if (k[0] == 'd' && k[1] && !k[2])
			to = k[1] == 'r' ? &out->dr : k[1] == 'x' ? &out->dx : NULL;
		if (to)
			*to = v;
	}
}

void vd_check_relations(struct vctx *c, const struct vd_rec *rec, const json_t *obj,
			const char *path, const struct what *w)
{
	size_t i, j;
	json_t *group, *set;
	json_array_foreach (rec->rx, i, group) {
		size_t hits = 0;
		json_array_foreach (group, j, set) {
			hits += present(obj, json_string_value(set));
		}
		one_of(c, group, hits, true, path, w);
	}
	for (int any = 0; any < 2; any++) {
		json_array_foreach (any ? rec->ra : rec->ro, i, group) {
			size_t hits = 0;
			json_array_foreach (group, j, set) {
				hits += set_present(obj, set);
			}
			one_of(c, group, hits, !any, path, w);
		}
	}
	const char *k;
	json_t *deps, *d;
	json_object_foreach ((json_t *)rec->dr, k, deps) {
		if (!present(obj, k))
			continue;
		json_array_foreach (deps, j, d) {
			if (!present(obj, json_string_value(d)))
				vd_report(c, DIAG_ERROR, path, "'%s' requires '%s'", k,
					  json_string_value(d));
		}
	}
	json_object_foreach ((json_t *)rec->dx, k, deps) {
		if (!present(obj, k))
			continue;
		json_array_foreach (deps, j, d) {
			const char *o = json_string_value(d);
			/* each pair once */
			if (present(obj, o) &&
			    (strcmp(k, o) < 0 || !json_object_get(json_object_get(rec->dx, o), k)))
				vd_report(c, DIAG_ERROR, path,
					  "'%s' and '%s' cannot be used together", k, o);
		}
	}
}
