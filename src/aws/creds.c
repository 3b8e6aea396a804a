/*
 * Credentials and region the way the AWS CLI finds them (creds.h). The INI
 * reading follows botocore's raw_config_parse: option names are
 * case-insensitive, whole-line comments start with '#' or ';', values are
 * trimmed, indented lines after an option continue it (the nested `s3 =`
 * blocks) and are skipped, as configparser does. Messages name variables and files, never
 * a value: any line of these files may hold a secret.
 */
#include "aws/creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

/* The options of one INI section, in file order. */
struct ini_option {
	char *key, *value;
};

struct ini_section {
	struct ini_option *opts;
	size_t nr, alloc;
};

static void ini_section_release(struct ini_section *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->opts[i].key);
		free(s->opts[i].value);
	}
	free(s->opts);
	memset(s, 0, sizeof(*s));
}

static const char *ini_get(const struct ini_section *s, const char *key)
{
	const char *found = NULL;
	for (size_t i = 0; i < s->nr; i++)
		if (!strcasecmp(s->opts[i].key, key))
			found = s->opts[i].value; /* a repeated option: the last one wins */
	return found && *found ? found : NULL;
}

static void trim(const char **start, const char **end)
{
	while (*start < *end && (**start == ' ' || **start == '\t'))
		(*start)++;
	while (*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

static int read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	int bad = ferror(f);
	fclose(f);
	return bad ? -1 : 0;
}

/*
 * Collect the options of [section] from `path` into *out. 1 when the
 * section is there, 0 when it or the file is not, -1 on a line that is
 * neither a section, an option nor a comment (diagnostic with the line
 * number, never its text).
 */
static int ini_load_section(const char *path, const char *section, struct ini_section *out,
			    struct diag_list *dl)
{
	struct strbuf text = STRBUF_INIT;
	if (read_file(path, &text) < 0) {
		strbuf_release(&text);
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "cannot read '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	int found = 0, in_section = 0, line_no = 0, rc = 0, have_option = 0;
	const char *p = text.buf, *end = text.buf + text.len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *s = p, *e = eol;
		line_no++;
		p = eol + 1;
		int indented = s < e && (*s == ' ' || *s == '\t');
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			if (e[-1] != ']' || e - s < 2) {
				diag_add(dl, DIAG_ERROR, path, line_no, 1, NULL,
					 "expected ']' at the end of the section header");
				rc = -1;
				break;
			}
			const char *ns = s + 1, *ne = e - 1;
			trim(&ns, &ne);
			in_section = (size_t)(ne - ns) == strlen(section) &&
				     !memcmp(ns, section, (size_t)(ne - ns));
			found |= in_section;
			have_option = 0;
			continue;
		}
		if (indented && have_option)
			continue; /* a nested option (`s3 =` block) or a continuation */
		const char *eq = memchr(s, '=', (size_t)(e - s));
		if (!eq) {
			diag_add(dl, DIAG_ERROR, path, line_no, 1, NULL,
				 "expected 'name = value', a [section] or a comment");
			rc = -1;
			break;
		}
		have_option = 1;
		if (!in_section)
			continue;
		const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
		trim(&ks, &ke);
		trim(&vs, &ve);
		ALLOC_GROW(out->opts, out->nr + 1, out->alloc);
		out->opts[out->nr].key = xstrndup(ks, (size_t)(ke - ks));
		out->opts[out->nr].value = xstrndup(vs, (size_t)(ve - vs));
		out->nr++;
	}
	strbuf_release(&text);
	return rc < 0 ? -1 : found;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* $VAR, else ~/.aws/NAME; NULL without HOME. malloc'd. */
static char *aws_file(const char *var, const char *name)
{
	if (env(var))
		return xstrdup(env(var));
	const char *home = env("HOME");
	return home ? xstrfmt("%s/.aws/%s", home, name) : NULL;
}

static void set_keys(struct aws_creds *out, const char *ak, const char *sk, const char *token)
{
	out->access_key = xstrdup(ak);
	out->secret_key = xstrdup(sk);
	out->session_token = token ? xstrdup(token) : NULL;
}

/* Profiles this client cannot turn into keys: say so rather than "no credentials". */
static const char *unsupported_source(const struct ini_section *s)
{
	static const char *const keys[] = {"role_arn", "sso_start_url", "sso_session",
					   "credential_process", "web_identity_token_file"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (ini_get(s, keys[i]))
			return keys[i];
	return NULL;
}

/*
 * Keys from one file's section: 1 found, 0 not there, -1 error. A section
 * with an access key but no secret (or the reverse) is an error, not a
 * fall-through: the user meant that profile.
 */
static int keys_from_section(const struct ini_section *s, const char *path, const char *profile,
			     struct aws_creds *out, struct diag_list *dl)
{
	const char *ak = ini_get(s, "aws_access_key_id");
	const char *sk = ini_get(s, "aws_secret_access_key");
	if (!ak && !sk)
		return 0;
	if (!ak || !sk) {
		diag_add(dl, DIAG_ERROR, path, 0, 0, NULL, "profile '%s' in '%s' has %s but no %s",
			 profile, path, ak ? "aws_access_key_id" : "aws_secret_access_key",
			 ak ? "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	set_keys(out, ak, sk, ini_get(s, "aws_session_token"));
	out->source = xstrdup(path);
	return 1;
}

static char *config_section_name(const char *profile)
{
	return !strcmp(profile, "default") ? xstrdup("default") : xstrfmt("profile %s", profile);
}

/* The profile's section of the config file ([default] also as [profile default]). */
static int load_config_section(const char *path, const char *profile, struct ini_section *out,
			       struct diag_list *dl)
{
	char *name = config_section_name(profile);
	int r = ini_load_section(path, name, out, dl);
	free(name);
	if (r == 0 && !strcmp(profile, "default"))
		r = ini_load_section(path, "profile default", out, dl);
	return r;
}

static int no_credentials(const char *profile, bool explicit_profile, const char *cred_path,
			  const char *config_path, int profile_seen, struct diag_list *dl)
{
	struct diag *d;
	if (explicit_profile && !profile_seen) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "AWS profile '%s' not found in '%s' or '%s'", profile,
			     cred_path ? cred_path : "~/.aws/credentials",
			     config_path ? config_path : "~/.aws/config");
		diag_set_hint(d,
			      "add [%s] to the credentials file (aws configure --profile %s), "
			      "or choose another with AWS_PROFILE / --profile",
			      profile, profile);
		return -1;
	}
	d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
		     "no AWS credentials found (profile '%s': no keys in '%s' or '%s')", profile,
		     cred_path ? cred_path : "~/.aws/credentials",
		     config_path ? config_path : "~/.aws/config");
	diag_set_hint(d,
		      "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
		      "for temporary keys), or AWS_PROFILE / --profile naming a profile with keys");
	return -1;
}

static int find_region(const struct aws_creds_opts *opts, const struct ini_section *config,
		       struct aws_creds *out, struct diag_list *dl)
{
	const char *region = opts && opts->region && *opts->region ? opts->region : NULL;
	if (!region)
		region = env("AWS_REGION");
	if (!region)
		region = env("AWS_DEFAULT_REGION");
	if (!region)
		region = ini_get(config, "region");
	if (!region && opts && opts->fallback_region && *opts->fallback_region)
		region = opts->fallback_region;
	if (!region) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "no AWS region given");
		diag_set_hint(d, "pass --region, set AWS_REGION, or put region = ... in the "
				 "profile's section of ~/.aws/config");
		return -1;
	}
	out->region = xstrdup(region);
	return 0;
}

int aws_creds_load(const struct aws_creds_opts *opts, struct aws_creds *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	const char *flag_profile = opts && opts->profile && *opts->profile ? opts->profile : NULL;
	bool explicit_profile = flag_profile || env("AWS_PROFILE");
	const char *profile = flag_profile ? flag_profile : env("AWS_PROFILE");
	if (!profile)
		profile = env("AWS_DEFAULT_PROFILE");
	if (!profile)
		profile = "default";

	char *cred_path = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	char *config_path = aws_file("AWS_CONFIG_FILE", "config");
	struct ini_section cred = {0}, config = {0};
	int rc = -1, got = 0, profile_seen = 0;

	int rconf = config_path ? load_config_section(config_path, profile, &config, dl) : 0;
	if (rconf < 0)
		goto out;
	profile_seen = rconf;

	const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
	if (!explicit_profile && (ak || sk)) {
		if (!ak || !sk) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s is set but %s is not",
				 ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
				 ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
			goto out;
		}
		set_keys(out, ak, sk, env("AWS_SESSION_TOKEN"));
		out->source = xstrdup("environment");
		got = 1;
	}
	if (!got && cred_path) {
		int r = ini_load_section(cred_path, profile, &cred, dl);
		if (r < 0)
			goto out;
		profile_seen |= r;
		if ((got = keys_from_section(&cred, cred_path, profile, out, dl)) < 0)
			goto out;
	}
	if (!got && (got = keys_from_section(&config, config_path, profile, out, dl)) < 0)
		goto out;
	if (!got) {
		const char *how = unsupported_source(&config);
		if (!how)
			how = unsupported_source(&cred);
		if (how) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "AWS profile '%s' gets its keys through '%s', "
						  "which solemate does not support",
						  profile, how);
			diag_set_hint(d,
				      "export them first: eval \"$(aws configure "
				      "export-credentials --profile %s --format env)\"",
				      profile);
		} else {
			no_credentials(profile, explicit_profile, cred_path, config_path,
				       profile_seen, dl);
		}
		goto out;
	}
	if (strcmp(out->source, "environment"))
		out->profile = xstrdup(profile);
	if (find_region(opts, &config, out, dl) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		aws_creds_release(out);
	ini_section_release(&cred);
	ini_section_release(&config);
	free(cred_path);
	free(config_path);
	return rc;
}

void aws_creds_release(struct aws_creds *c)
{
	if (!c)
		return;
	/* Wipe the secrets before handing the memory back (a core dump, a reused block). */
	if (c->secret_key)
		explicit_bzero(c->secret_key, strlen(c->secret_key));
	if (c->session_token)
		explicit_bzero(c->session_token, strlen(c->session_token));
	free(c->access_key);
	free(c->secret_key);
	free(c->session_token);
	free(c->region);
	free(c->profile);
	free(c->source);
	memset(c, 0, sizeof(*c));
}
