/*
 * The IAM statements and security-group rules a change adds and removes,
 * as `cdk diff` tables them (diff.h): one row per statement or rule, with
 * the values read as a reviewer reads them (${Role.Arn} for a GetAtt,
 * Fn::Join and Fn::Sub joined), and a note on what widens access: a
 * wildcard action, resource or principal, a rule open to the internet.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/diff.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* A template value as text: references as ${Name} and ${Name.Attr}. */
static void render(struct strbuf *sb, const json_t *v, const char *list_sep)
{
	size_t i;
	json_t *x;
	if (json_is_string(v)) {
		strbuf_addstr(sb, json_string_value(v));
	} else if (json_is_array(v)) {
		json_array_foreach (v, i, x) {
			if (i)
				strbuf_addstr(sb, list_sep);
			render(sb, x, list_sep);
		}
	} else if (json_is_object(v) && json_object_size(v) == 1) {
		const char *k = json_object_iter_key(json_object_iter((json_t *)v));
		const json_t *a = json_object_get(v, k);
		if ((!strcmp(k, "Ref") || !strcmp(k, "Fn::GetAtt")) && json_is_string(a)) {
			/* {"Ref": "X"}, or GetAtt's short form "X.Attr" */
			strbuf_addf(sb, "${%s}", json_string_value(a));
		} else if (!strcmp(k, "Fn::GetAtt") && json_is_array(a) &&
			   json_array_size(a) == 2) {
			strbuf_addf(sb, "${%s.", json_string_value(json_array_get(a, 0)) ?: "?");
			render(sb, json_array_get(a, 1), ".");
			strbuf_addch(sb, '}');
		} else if (!strcmp(k, "Fn::Join") && json_array_size(a) == 2 &&
			   json_is_string(json_array_get(a, 0))) {
			render(sb, json_array_get(a, 1), json_string_value(json_array_get(a, 0)));
		} else if (!strcmp(k, "Fn::Sub")) {
			render(sb, json_is_array(a) ? json_array_get(a, 0) : a, list_sep);
		} else if (!strcmp(k, "Fn::ImportValue")) {
			strbuf_addstr(sb, "${Import:");
			render(sb, a, list_sep);
			strbuf_addch(sb, '}');
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
			strbuf_addstr(sb, s ? s : "?");
			free(s);
		}
	} else if (v && !json_is_null(v)) {
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		strbuf_addstr(sb, s ? s : "?");
		free(s);
	}
}

static char *text(const json_t *v)
{
	struct strbuf sb = STRBUF_INIT;
	render(&sb, v, ", ");
	return strbuf_detach(&sb, NULL);
}

/* "Service:ecs-tasks.amazonaws.com", "AWS:${Role}", "*" */
static char *principal(const json_t *p)
{
	struct strbuf sb = STRBUF_INIT;
	const char *k;
	json_t *v;
	if (json_is_object(p)) {
		json_object_foreach ((json_t *)p, k, v) {
			size_t i;
			json_t *x;
			json_t *one = json_is_array(v) ? v : NULL;
			for (i = 0; one ? i < json_array_size(one) : i < 1; i++) {
				x = one ? json_array_get(one, i) : v;
				if (sb.len)
					strbuf_addstr(&sb, ", ");
				strbuf_addf(&sb, "%s:", k);
				render(&sb, x, ", ");
			}
		}
	} else {
		render(&sb, p, ", ");
	}
	return strbuf_detach(&sb, NULL);
}

static bool has_wildcard(const char *s)
{
	return !strcmp(s, "*") || strstr(s, ":*") || strstr(s, ", *") || !strncmp(s, "*,", 2);
}

static void add_row(json_t *rows, json_t *row)
{
	json_array_append_new(rows, row);
}

/* The statements of a policy document, one row each. `who` is the principal for identity policies.
 */
static void statements(json_t *rows, const char *owner, const json_t *doc, const char *who,
		       const char *self)
{
	const json_t *st = json_object_get(doc, "Statement");
	json_t *one = json_is_object(st) ? json_pack("[O]", st) : NULL;
	size_t i;
	json_t *s;
	json_array_foreach (one ? one : st, i, s) {
		bool not_a = !json_object_get(s, "Action") && json_object_get(s, "NotAction");
		bool not_r = !json_object_get(s, "Resource") && json_object_get(s, "NotResource");
		bool not_p = !json_object_get(s, "Principal") && json_object_get(s, "NotPrincipal");
		char *action = text(json_object_get(s, not_a ? "NotAction" : "Action"));
		char *res = self ? xstrdup(self)
				 : text(json_object_get(s, not_r ? "NotResource" : "Resource"));
		char *prin =
			who ? xstrdup(who)
			    : principal(json_object_get(s, not_p ? "NotPrincipal" : "Principal"));
		const json_t *c = json_object_get(s, "Condition");
		char *cond = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("");
		const char *effect = json_string_value(json_object_get(s, "Effect")) ?: "?";
		bool allow = !strcmp(effect, "Allow");
		const char *note = !allow				   ? ""
				   : has_wildcard(action) || not_a	   ? "wildcard action"
				   : !self && (has_wildcard(res) || not_r) ? "wildcard resource"
				   : !who && (has_wildcard(prin) || not_p) ? "any principal"
									   : "";
		char *a2 = not_a ? xstrfmt("NOT %s", action) : xstrdup(action);
		char *r2 = not_r ? xstrfmt("NOT %s", res) : xstrdup(res);
		char *p2 = not_p ? xstrfmt("NOT %s", prin) : xstrdup(prin);
		add_row(rows, json_pack("{ss ss ss ss ss ss ss}", "owner", owner, "resource", r2,
					"effect", effect, "action", a2, "principal", p2,
					"condition", cond, "note", note));
		free(a2), free(r2), free(p2);
		free(action), free(res), free(prin), free(cond);
	}
	json_decref(one);
}

/* "tcp 443", "tcp 1024-65535", "Everything" */
static char *protocol(const json_t *rule)
{
	const json_t *p = json_object_get(rule, "IpProtocol");
	char *proto = text(p);
	if (!strcmp(proto, "-1") || !strcmp(proto, "all")) {
		free(proto);
		return xstrdup("Everything");
	}
	char *from = text(json_object_get(rule, "FromPort")),
	     *to = text(json_object_get(rule, "ToPort"));
	char *s = !*from		      ? xstrdup(proto)
		  : !strcmp(from, to) || !*to ? xstrfmt("%s %s", proto, from)
					      : xstrfmt("%s %s-%s", proto, from, to);
	free(proto), free(from), free(to);
	return s;
}

static void rule_row(json_t *rows, const char *owner, const char *group, bool in, const json_t *r)
{
	static const char *const peers[] = {"CidrIp",
					    "CidrIpv6",
					    "SourceSecurityGroupId",
					    "DestinationSecurityGroupId",
					    "SourcePrefixListId",
					    "DestinationPrefixListId",
					    "SourceSecurityGroupName"};
	struct strbuf peer = STRBUF_INIT;
	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		const json_t *v = json_object_get(r, peers[i]);
		if (!v)
			continue;
		if (peer.len)
			strbuf_addstr(&peer, ", ");
		render(&peer, v, ", ");
	}
	char *proto = protocol(r);
	bool open = in && (!strcmp(peer.buf, "0.0.0.0/0") || !strcmp(peer.buf, "::/0"));
	add_row(rows, json_pack("{ss ss ss ss ss ss}", "owner", owner, "group", group, "direction",
				in ? "In" : "Out", "protocol", proto, "peer", peer.buf, "note",
				open ? "open to the internet" : ""));
	free(proto);
	strbuf_release(&peer);
}

/* Every IAM statement and security-group rule of a template. */
static void collect(const json_t *tmpl, json_t *iam, json_t *sg)
{
	const char *id;
	json_t *r;
	json_object_foreach (json_object_get(tmpl, "Resources"), id, r) {
		const char *type = json_string_value(json_object_get(r, "Type")) ?: "";
		const json_t *p = json_object_get(r, "Properties");
		size_t i;
		json_t *x;
		if (!strcmp(type, "AWS::IAM::Role") || !strcmp(type, "AWS::IAM::User") ||
		    !strcmp(type, "AWS::IAM::Group")) {
			char *self = xstrfmt("${%s.Arn}", id), *who = xstrfmt("AWS:${%s}", id);
			if (json_object_get(p, "AssumeRolePolicyDocument"))
				statements(iam, id, json_object_get(p, "AssumeRolePolicyDocument"),
					   NULL, self);
			json_array_foreach (json_object_get(p, "Policies"), i, x)
				statements(iam, id, json_object_get(x, "PolicyDocument"), who,
					   NULL);
			free(self), free(who);
		} else if (!strcmp(type, "AWS::IAM::Policy") ||
			   !strcmp(type, "AWS::IAM::ManagedPolicy")) {
			struct strbuf who = STRBUF_INIT;
			static const char *const to[] = {"Roles", "Users", "Groups"};
			for (size_t k = 0; k < 3; k++)
				json_array_foreach (json_object_get(p, to[k]), i, x) {
					if (who.len)
						strbuf_addstr(&who, ", ");
					strbuf_addstr(&who, "AWS:");
					render(&who, x, ", ");
				}
			statements(iam, id, json_object_get(p, "PolicyDocument"),
				   who.len ? who.buf : "(not attached)", NULL);
			strbuf_release(&who);
		} else if (!strcmp(type, "AWS::S3::BucketPolicy") ||
			   !strcmp(type, "AWS::SNS::TopicPolicy") ||
			   !strcmp(type, "AWS::SQS::QueuePolicy")) {
			statements(iam, id, json_object_get(p, "PolicyDocument"), NULL, NULL);
		} else if (!strcmp(type, "AWS::KMS::Key")) {
			statements(iam, id, json_object_get(p, "KeyPolicy"), NULL, NULL);
		} else if (!strcmp(type, "AWS::EC2::SecurityGroup")) {
			char *group = xstrfmt("${%s.GroupId}", id);
			json_array_foreach (json_object_get(p, "SecurityGroupIngress"), i, x)
				rule_row(sg, id, group, true, x);
			json_array_foreach (json_object_get(p, "SecurityGroupEgress"), i, x)
				rule_row(sg, id, group, false, x);
			free(group);
		} else if (!strcmp(type, "AWS::EC2::SecurityGroupIngress") ||
			   !strcmp(type, "AWS::EC2::SecurityGroupEgress")) {
			char *group = text(json_object_get(p, "GroupId"));
			rule_row(sg, id, group, !strcmp(type, "AWS::EC2::SecurityGroupIngress"), p);
			free(group);
		}
	}
}

static bool row_in(const json_t *row, const json_t *rows)
{
	size_t i;
	json_t *x;
	json_array_foreach (rows, i, x)
		if (json_equal((json_t *)row, x))
			return true;
	return false;
}

/* Rows of `b` not in `a`, marked `change`, appended to `out`. */
static void changed(const json_t *a, const json_t *b, const char *change, json_t *out)
{
	size_t i;
	json_t *x;
	json_array_foreach (b, i, x) {
		if (row_in(x, a))
			continue;
		json_t *r = json_deep_copy(x);
		json_object_set_new(r, "change", json_string(change));
		json_array_append_new(out, r);
	}
}

void diff_security_tables(const json_t *old_tmpl, const json_t *new_tmpl, json_t **iam_out,
			  json_t **sg_out)
{
	json_t *oi = json_array(), *os = json_array(), *ni = json_array(), *ns = json_array();
	if (old_tmpl)
		collect(old_tmpl, oi, os);
	if (new_tmpl)
		collect(new_tmpl, ni, ns);
	*iam_out = json_array();
	*sg_out = json_array();
	changed(ni, oi, "-", *iam_out);
	changed(oi, ni, "+", *iam_out);
	changed(ns, os, "-", *sg_out);
	changed(os, ns, "+", *sg_out);
	json_decref(oi), json_decref(os), json_decref(ni), json_decref(ns);
}
