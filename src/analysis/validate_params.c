/*
 * validate: the Parameters section
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html):
 * each parameter's keys and their value types, its Type (the basic types, the
 * AWS-specific ones and the SSM parameter types), and its Default against its
 * own AllowedValues, AllowedPattern, lengths and range. Conditions
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html):
 * each is a condition function with the arguments it takes. Logical IDs are
 * shared by parameters and resources: a name may be only one of them.
 */
#include "analysis/validate_int.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/common.h"
#include "base/xalloc.h"

static const char *const aws_types[] = {"AWS::EC2::AvailabilityZone::Name",
					"AWS::EC2::Image::Id",
					"AWS::EC2::Instance::Id",
					"AWS::EC2::KeyPair::KeyName",
					"AWS::EC2::SecurityGroup::GroupName",
					"AWS::EC2::SecurityGroup::Id",
					"AWS::EC2::Subnet::Id",
					"AWS::EC2::Volume::Id",
					"AWS::EC2::VPC::Id",
					"AWS::Route53::HostedZone::Id",
					NULL};

static bool in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncmp(s, *list, n))
			return true;
	return false;
}

/* "List<X>" -> X; else NULL. */
static const char *list_of(const char *t, size_t *n)
{
	size_t len = strlen(t);
	if (len > 6 && !strncmp(t, "List<", 5) && t[len - 1] == '>') {
		*n = len - 6;
		return t + 5;
	}
	return NULL;
}

static bool valid_type(const char *t)
{
	size_t n;
	const char *inner;
	if (!strcmp(t, "String") || !strcmp(t, "Number") || !strcmp(t, "List<Number>") ||
	    !strcmp(t, "CommaDelimitedList") || !strcmp(t, "AWS::SSM::Parameter::Name"))
		return true;
	if (in_list(t, strlen(t), aws_types))
		return true;
	if ((inner = list_of(t, &n)) && in_list(inner, n, aws_types))
		return true;
	static const char ssm[] = "AWS::SSM::Parameter::Value<";
	size_t len = strlen(t);
	if (!strncmp(t, ssm, sizeof(ssm) - 1) && t[len - 1] == '>') {
		const char *v = t + sizeof(ssm) - 1;
		size_t vn = len - sizeof(ssm); /* without the closing '>' */
		char *val = xstrndup(v, vn);
		bool ok = !strcmp(val, "String") || !strcmp(val, "List<String>") ||
			  !strcmp(val, "CommaDelimitedList") || in_list(val, vn, aws_types) ||
			  ((inner = list_of(val, &n)) && in_list(inner, n, aws_types));
		free(val);
		return ok;
	}
	return false;
}

static const char *const param_keys[] = {"Type",	  "Default",	    "Description",
					 "AllowedValues", "AllowedPattern", "ConstraintDescription",
					 "MaxLength",	  "MinLength",	    "MaxValue",
					 "MinValue",	  "NoEcho",	    NULL};

static void check_default(struct vctx *c, const json_t *p, const char *type, const char *path)
{
	const json_t *def = json_object_get(p, "Default");
	char *dp = xstrfmt("%s.Default", path);
	double d, lim;
	const char *s = json_string_value(def);
	if (!strcmp(type, "Number") && !vd_number(def, &d)) {
		vd_report(c, DIAG_ERROR, dp, "the Default of a Number parameter must be a number");
		goto out;
	}
	const json_t *allowed = json_object_get(p, "AllowedValues");
	if (json_is_array(allowed) && json_array_size(allowed) && strncmp(type, "List<", 5) &&
	    strcmp(type, "CommaDelimitedList")) {
		size_t i;
		json_t *a;
		bool found = false;
		json_array_foreach (allowed, i, a) {
			double x;
			found |= json_equal(a, (json_t *)def) ||
				 (vd_number(a, &x) && vd_number(def, &d) && x == d) ||
				 (json_is_string(a) && s && !strcmp(json_string_value(a), s));
		}
		if (!found)
			vd_report(c, DIAG_ERROR, dp, "the Default is not one of the AllowedValues");
	}
	if (s && (vd_number(json_object_get(p, "MinLength"), &lim) && (double)strlen(s) < lim))
		vd_report(c, DIAG_ERROR, dp, "the Default is shorter than MinLength %g", lim);
	if (s && (vd_number(json_object_get(p, "MaxLength"), &lim) && (double)strlen(s) > lim))
		vd_report(c, DIAG_ERROR, dp, "the Default is longer than MaxLength %g", lim);
	if (vd_number(def, &d) && !strcmp(type, "Number")) {
		if (vd_number(json_object_get(p, "MinValue"), &lim) && d < lim)
			vd_report(c, DIAG_ERROR, dp, "the Default is below MinValue %g", lim);
		if (vd_number(json_object_get(p, "MaxValue"), &lim) && d > lim)
			vd_report(c, DIAG_ERROR, dp, "the Default is above MaxValue %g", lim);
	}
	/* AllowedPattern is a Java regular expression matched against the whole
	 * value; one without escapes or Java-only syntax reads the same as POSIX */
	const char *pat = json_string_value(json_object_get(p, "AllowedPattern"));
	if (s && pat && !strpbrk(pat, "\\?") && !strcmp(type, "String")) {
		char *anchored = xstrfmt("^(%s)$", pat);
		regex_t re;
		if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
			if (regexec(&re, s, 0, NULL, 0) != 0)
				vd_report(c, DIAG_ERROR, dp,
					  "the Default '%s' does not match AllowedPattern", s);
			regfree(&re);
		}
		free(anchored);
	}
out:
	free(dp);
}

static void check_parameter(struct vctx *c, const char *name, const json_t *p)
{
	char *path = xstrfmt("Parameters.%s", name);
	const char *k;
	json_t *v;
	if (!json_is_object(p)) {
		vd_report(c, DIAG_ERROR, path, "parameter '%s' must be an object with a Type",
			  name);
		goto out;
	}
	json_object_foreach ((json_t *)p, k, v) {
		char *kp = xstrfmt("%s.%s", path, k);
		double d;
		if (!in_list(k, strlen(k), param_keys))
			vd_report(c, DIAG_ERROR, kp, "a parameter has no attribute '%s'", k);
		else if (json_is_null(v))
			vd_report(c, DIAG_ERROR, kp, "%s must have a value (it is null)", k);
		else if ((!strcmp(k, "MinValue") || !strcmp(k, "MaxValue") ||
			  !strcmp(k, "MinLength") || !strcmp(k, "MaxLength")) &&
			 !vd_number(v, &d))
			vd_report(c, DIAG_ERROR, kp, "%s must be a number", k);
		else if (!strcmp(k, "AllowedValues") && !json_is_array(v))
			vd_report(c, DIAG_ERROR, kp, "AllowedValues must be a list");
		else if (!strcmp(k, "NoEcho") && !json_is_boolean(v) &&
			 !(json_is_string(v) && (!strcasecmp(json_string_value(v), "true") ||
						 !strcasecmp(json_string_value(v), "false"))))
			vd_report(c, DIAG_ERROR, kp, "NoEcho must be true or false");
		else if ((!strcmp(k, "Description") || !strcmp(k, "AllowedPattern") ||
			  !strcmp(k, "ConstraintDescription") || !strcmp(k, "Type")) &&
			 !json_is_string(v))
			vd_report(c, DIAG_ERROR, kp, "%s must be a string", k);
		free(kp);
	}
	size_t i;
	json_array_foreach (json_object_get(p, "AllowedValues"), i, v) {
		if (!json_is_string(v) && !json_is_number(v) && !json_is_boolean(v)) {
			char *kp = xstrfmt("%s.AllowedValues[%zu]", path, i);
			vd_report(c, DIAG_ERROR, kp,
				  "an allowed value must be a string or a number");
			free(kp);
		}
	}
	const char *type = json_string_value(json_object_get(p, "Type"));
	if (!json_object_get(p, "Type")) {
		vd_report(c, DIAG_ERROR, path, "parameter '%s' has no Type", name);
	} else if (type && !valid_type(type)) {
		char *tp = xstrfmt("%s.Type", path);
		struct diag *d = vd_report(c, DIAG_ERROR, tp, "'%s' is not a parameter type", type);
		diag_set_hint(d,
			      "String, Number, List<Number>, CommaDelimitedList, an AWS-specific "
			      "type (AWS::EC2::VPC::Id, ...) or AWS::SSM::Parameter::Value<...>");
		free(tp);
	}
	if (type && valid_type(type) && json_object_get(p, "Default") &&
	    !json_is_null(json_object_get(p, "Default")))
		check_default(c, p, type, path);
out:
	free(path);
}

void vd_check_parameters(struct vctx *c)
{
	const char *name;
	json_t *p;
	json_object_foreach ((json_t *)c->parameters, name, p) {
		check_parameter(c, name, p);
		if (json_object_get(c->resources, name)) {
			char *path = xstrfmt("Resources.%s", name);
			vd_report(c, DIAG_ERROR, path,
				  "'%s' is both a parameter and a resource: logical IDs must be "
				  "unique",
				  name);
			free(path);
		}
	}
}

/* ---- Conditions ---- */

static void check_condition(struct vctx *c, const json_t *v, struct strbuf *path);

static void condition_list(struct vctx *c, const char *fn, const json_t *args, size_t lo, size_t hi,
			   struct strbuf *path)
{
	size_t n = json_array_size(args), base = path->len;
	if (!json_is_array(args) || n < lo || n > hi) {
		if (lo == hi)
			vd_report(c, DIAG_ERROR, path->buf, "%s takes a list of %zu condition%s",
				  fn, lo, lo > 1 ? "s" : "");
		else
			vd_report(c, DIAG_ERROR, path->buf,
				  "%s takes a list of %zu to %zu conditions", fn, lo, hi);
		return;
	}
	size_t i;
	json_t *x;
	json_array_foreach (args, i, x) {
		strbuf_addf(path, ".%s", fn);
		vd_path_index(path, i);
		check_condition(c, x, path);
		strbuf_setlen(path, base);
	}
}

/* A condition: Fn::Equals, Fn::And, Fn::Or, Fn::Not or {"Condition": name}. */
static void check_condition(struct vctx *c, const json_t *v, struct strbuf *path)
{
	const char *fn = json_object_size(v) == 1
				 ? json_object_iter_key(json_object_iter((json_t *)v))
				 : NULL;
	const json_t *args = fn ? json_object_get(v, fn) : NULL;
	if (!fn) {
		if (!json_is_boolean(v))
			vd_report(c, DIAG_ERROR, path->buf,
				  "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or "
				  "Condition");
		return;
	}
	if (!strcmp(fn, "Fn::Equals")) {
		if (!json_is_array(args) || json_array_size(args) != 2)
			vd_report(c, DIAG_ERROR, path->buf,
				  "Fn::Equals takes a list of two values");
		else
			for (size_t i = 0; i < 2; i++) {
				const json_t *x = json_array_get(args, i);
				if (json_is_object(x) && !vd_is_intrinsic(x)) {
					vd_report(c, DIAG_ERROR, path->buf,
						  "Fn::Equals compares strings, numbers or "
						  "functions");
					break;
				}
			}
	} else if (!strcmp(fn, "Fn::And") || !strcmp(fn, "Fn::Or")) {
		condition_list(c, fn, args, 2, 10, path);
	} else if (!strcmp(fn, "Fn::Not")) {
		condition_list(c, fn, args, 1, 1, path);
	} else if (!strcmp(fn, "Condition")) {
		if (!json_is_string(args))
			vd_report(c, DIAG_ERROR, path->buf, "Condition takes a condition's name");
	} else if (strcmp(fn, "Fn::If") && strcmp(fn, "Fn::FindInMap") && strcmp(fn, "Ref")) {
		vd_report(c, DIAG_ERROR, path->buf, "%s is not a condition function", fn);
	}
}

void vd_check_conditions(struct vctx *c)
{
	const char *name;
	json_t *v;
	struct strbuf path = STRBUF_INIT;
	json_object_foreach ((json_t *)c->conditions, name, v) {
		if (!strncmp(name, "Fn::ForEach::", 13))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "Conditions.%s", name);
		check_condition(c, v, &path);
	}
	strbuf_release(&path);
}

/* ---- Mappings and Fn::FindInMap ---- */

/*
 * Each mapping is a map of top-level keys to maps of second-level keys to a
 * string, number or list
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/mappings-section-structure.html).
 */
void vd_check_mappings(struct vctx *c)
{
	const char *name, *top, *key;
	json_t *m, *inner, *v;
	json_object_foreach ((json_t *)c->mappings, name, m) {
		char *path = xstrfmt("Mappings.%s", name);
		if (!json_is_object(m) || !json_object_size(m))
			vd_report(c, DIAG_ERROR, path,
				  "mapping '%s' must be a non-empty map of keys", name);
		json_object_foreach (m, top, inner) {
			if (!json_is_object(inner)) {
				vd_report(c, DIAG_ERROR, path,
					  "'%s.%s' must be a map of second-level keys to values",
					  name, top);
				continue;
			}
			json_object_foreach (inner, key, v) {
				if (json_is_object(v) || json_is_null(v))
					vd_report(c, DIAG_ERROR, path,
						  "'%s.%s.%s' must be a string, a number or a list",
						  name, top, key);
			}
		}
		free(path);
	}
}

/* Fn::FindInMap [MapName, TopKey, SecondKey(, {DefaultValue})]: literal names must exist. */
void vd_check_findinmap(struct vctx *c, const json_t *args, const char *path)
{
	if (!json_is_array(args) || json_array_size(args) < 3 || json_array_size(args) > 4) {
		vd_report(c, DIAG_ERROR, path,
			  "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]");
		return;
	}
	if (json_array_size(args) == 4 &&
	    !json_object_get(json_array_get(args, 3), "DefaultValue")) {
		vd_report(c, DIAG_ERROR, path,
			  "the fourth item of Fn::FindInMap is {\"DefaultValue\": ...}");
		return;
	}
	if (json_array_size(args) == 4)
		return; /* a default (AWS::LanguageExtensions) covers missing keys */
	const char *map = json_string_value(json_array_get(args, 0));
	const char *top = json_string_value(json_array_get(args, 1));
	const char *key = json_string_value(json_array_get(args, 2));
	if (!map)
		return;
	const json_t *m = json_object_get(c->mappings, map);
	if (!m) {
		struct diag *d =
			vd_report(c, DIAG_ERROR, path,
				  "Fn::FindInMap of mapping '%s', which is not defined", map);
		const char *s = c->mappings ? cfn_closest_key(c->mappings, map) : NULL;
		if (s)
			diag_set_hint(d, "did you mean '%s'?", s);
		return;
	}
	if (top && !json_object_get(m, top)) {
		vd_report(c, DIAG_ERROR, path, "mapping '%s' has no key '%s'", map, top);
		return;
	}
	if (top && key && !json_object_get(json_object_get(m, top), key))
		vd_report(c, DIAG_ERROR, path, "mapping '%s' has no key '%s' under '%s'", map, key,
			  top);
}

/* ---- Rules ---- */

/*
 * A rule: an optional RuleCondition and a list of Assertions, each with an
 * Assert and an optional AssertDescription
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html).
 */
void vd_check_rules(struct vctx *c)
{
	const char *name, *k;
	json_t *r, *x;
	json_object_foreach (json_object_get(c->tmpl, "Rules"), name, r) {
		char *path = xstrfmt("Rules.%s", name);
		if (!json_is_object(r)) {
			vd_report(c, DIAG_ERROR, path, "rule '%s' must be an object", name);
			free(path);
			continue;
		}
		json_object_foreach (r, k, x) {
			if (strcmp(k, "RuleCondition") && strcmp(k, "Assertions"))
				vd_report(c, DIAG_ERROR, path, "a rule has no attribute '%s'", k);
		}
		const json_t *as = json_object_get(r, "Assertions");
		if (!json_is_array(as) || !json_array_size(as))
			vd_report(c, DIAG_ERROR, path, "rule '%s' needs a list of Assertions",
				  name);
		size_t i;
		json_array_foreach (as, i, x) {
			if (!json_object_get(x, "Assert"))
				vd_report(c, DIAG_ERROR, path,
					  "assertion %zu of rule '%s' has no Assert", i, name);
			json_object_foreach (x, k, r) {
				if (strcmp(k, "Assert") && strcmp(k, "AssertDescription"))
					vd_report(c, DIAG_ERROR, path,
						  "an assertion has no attribute '%s'", k);
			}
		}
		free(path);
	}
}
