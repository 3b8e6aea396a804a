/*
 * Credentials and region the way the AWS SDKs find them (creds.h): the
 * chain, the profiles, refreshing; the sources that talk HTTP or run a
 * program are in creds_sources.c. The INI
 * reading follows botocore's raw_config_parse: option names are
 * case-insensitive, whole-line comments start with '#' or ';', values are
 * trimmed, indented lines after an option continue it (the nested `s3 =`
 * blocks) and are skipped, as configparser does. Messages name variables and files, never
 * a value: any line of these files may hold a secret.
 */
#include "aws/creds.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "aws/client.h"
#include "aws/creds_internal.h"
#include "aws/sts.h"
#include "base/common.h"
#include "base/date.h"
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

/*
 * A device (AWS_CONFIG_FILE=/dev/zero) is refused (EINVAL) and anything else
 * read up to CREDS_FILE_MAX_BYTES (EFBIG): these files are small, and the
 * chain must not read forever nor fill memory.
 */
#define CREDS_FILE_MAX_BYTES ((size_t)16 << 20)

int creds_read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		fclose(f);
		errno = EINVAL;
		return -1;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		strbuf_add(out, buf, n);
		if (out->len > CREDS_FILE_MAX_BYTES) {
			fclose(f);
			errno = EFBIG;
			return -1;
		}
	}
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
	if (creds_read_file(path, &text) < 0) {
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

/* What one resolution needs: the options, the files, the region for STS. */
struct resolver {
	const struct aws_creds_opts *opts;
	char *cred_path, *config_path;
	const char *region; /* the resolved region, or NULL (STS then uses us-east-1) */
	bool explicit_profile;
};

/* Both sections of one profile: [NAME] of the credentials file, [profile NAME] of config. */
struct profile {
	const char *name;
	struct ini_section cred, config;
	int seen; /* in either file */
};

static void profile_release(struct profile *p)
{
	ini_section_release(&p->cred);
	ini_section_release(&p->config);
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

static int profile_load(const struct resolver *rs, const char *name, struct profile *p,
			struct diag_list *dl)
{
	memset(p, 0, sizeof(*p));
	p->name = name;
	int r = rs->config_path ? load_config_section(rs->config_path, name, &p->config, dl) : 0;
	if (r < 0)
		return -1;
	p->seen = r;
	r = rs->cred_path ? ini_load_section(rs->cred_path, name, &p->cred, dl) : 0;
	if (r < 0)
		return -1;
	p->seen |= r;
	return 0;
}

/* A setting of the profile: the credentials file's wins over config's, as in botocore. */
static const char *pget(const struct profile *p, const char *key)
{
	const char *v = ini_get(&p->cred, key);
	return v ? v : ini_get(&p->config, key);
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
	out->source = xstrfmt("profile %s (%s)", profile, path);
	return 1;
}

/* Static keys of a profile: the credentials file first, then config. */
static int static_keys(const struct resolver *rs, const struct profile *p, struct aws_creds *out,
		       struct diag_list *dl)
{
	int r = keys_from_section(&p->cred, rs->cred_path, p->name, out, dl);
	if (r == 0)
		r = keys_from_section(&p->config, rs->config_path, p->name, out, dl);
	return r;
}

static int env_keys(struct aws_creds *out, struct diag_list *dl)
{
	const char *ak = env("AWS_ACCESS_KEY_ID"), *sk = env("AWS_SECRET_ACCESS_KEY");
	if (!ak && !sk)
		return 0;
	if (!ak || !sk) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s is set but %s is not",
			 ak ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
			 ak ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return -1;
	}
	set_keys(out, ak, sk, env("AWS_SESSION_TOKEN"));
	out->source = xstrdup("environment");
	return 1;
}

/* An STS client with `base`'s keys (or none, for web identity) in the resolved region. */
static void sts_client(const struct resolver *rs, struct aws_creds *base, struct aws_client *c)
{
	free(base->region);
	base->region = xstrdup(rs->region ? rs->region : "us-east-1");
	aws_client_init(c, base, aws_sts_endpoint_url(rs->opts->endpoint_url));
}

/* "solemate-<seconds>", botocore's "botocore-session-<seconds>" in our name. */
static char *default_session_name(void)
{
	return xstrfmt("solemate-%lld", (long long)time(NULL));
}

static int parse_duration(const struct profile *p, int *out, struct diag_list *dl)
{
	const char *v = pget(p, "duration_seconds");
	*out = 0;
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	/* STS: 900 s to the role's maximum session duration, at most 12 hours */
	if (*end || n < 900 || n > 43200) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "profile '%s': duration_seconds '%s' is not a number of "
					  "seconds from 900 to 43200",
					  p->name, v);
		diag_set_hint(d, "STS AssumeRole accepts 900 (15 minutes) to 43200 (12 hours)");
		return -1;
	}
	*out = (int)n;
	return 0;
}

/* AssumeRoleWithWebIdentity with the token in `token_file`. 1 or -1. */
static int web_identity(const struct resolver *rs, const char *token_file, const char *role_arn,
			const char *session_name, const char *what, struct aws_creds *out,
			struct diag_list *dl)
{
	struct strbuf token = STRBUF_INIT;
	int got = creds_read_file(token_file, &token);
	if (got < 0 || !token.len) {
		/* creds_read_file refuses a device with EINVAL */
		const char *why = got == 0	    ? "empty"
				  : errno == EINVAL ? "a device, not a file"
						    : strerror(errno);
		struct diag *d = diag_add(dl, DIAG_ERROR, token_file, 0, 0, NULL,
					  "cannot read the web identity token file '%s' (%s): %s",
					  token_file, what, why);
		diag_set_hint(d, "the CI provider writes it (GitHub Actions: permissions: "
				 "id-token: write, then aws-actions/configure-aws-credentials)");
		strbuf_release(&token);
		return -1;
	}
	while (token.len && (token.buf[token.len - 1] == '\n' || token.buf[token.len - 1] == '\r'))
		strbuf_setlen(&token, token.len - 1);
	char *session = session_name ? NULL : default_session_name();
	struct sts_assume_role_input in = {
		.role_arn = role_arn,
		.session_name = session_name ? session_name : session,
		.web_identity_token = token.buf,
	};
	struct aws_creds none = {0};
	struct aws_client c;
	sts_client(rs, &none, &c);
	int rc = sts_assume_role_with_web_identity(&c, &in, out, dl);
	explicit_bzero(token.buf, token.len);
	strbuf_release(&token);
	free(session);
	aws_creds_release(&none);
	if (rc < 0) {
		diag_add(dl, DIAG_NOTE, NULL, 0, 0, NULL,
			 "while assuming role %s with the web identity of %s", role_arn, what);
		return -1;
	}
	out->source = xstrfmt("web-identity (%s)", role_arn);
	return 1;
}

static int resolve_profile(const struct resolver *rs, const char *name, int hops,
			   struct aws_creds *out, struct diag_list *dl);

/* The keys a role_arn profile starts from: source_profile or credential_source. 1 or -1. */
static int role_base(const struct resolver *rs, const struct profile *p, int hops,
		     struct aws_creds *base, struct diag_list *dl)
{
	const char *src = pget(p, "source_profile"), *csrc = pget(p, "credential_source");
	struct diag *d;
	if (src && csrc) {
		d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			     "profile '%s' has both source_profile and credential_source", p->name);
		diag_set_hint(d, "keep one of them");
		return -1;
	}
	if (src) {
		int r;
		if (!strcmp(src, p->name)) /* a profile's own keys assume its role */
			r = static_keys(rs, p, base, dl);
		else
			r = resolve_profile(rs, src, hops + 1, base, dl);
		if (r == 0) {
			d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				     "source_profile '%s' of profile '%s' has no credentials", src,
				     p->name);
			diag_set_hint(d, "give [%s] keys, a role_arn, sso or credential_process",
				      src);
		}
		return r > 0 ? 1 : -1;
	}
	if (csrc) {
		int r = -2;
		if (!strcmp(csrc, "Environment"))
			r = env_keys(base, dl);
		else if (!strcmp(csrc, "Ec2InstanceMetadata"))
			r = creds_from_imds(base, dl);
		else if (!strcmp(csrc, "EcsContainer"))
			r = creds_from_container(base, dl);
		if (r == -2) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "profile '%s': credential_source '%s' is not Environment, "
				 "Ec2InstanceMetadata or EcsContainer",
				 p->name, csrc);
			return -1;
		}
		if (r == 0)
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "profile '%s': credential_source %s has no credentials", p->name,
				 csrc);
		return r > 0 ? 1 : -1;
	}
	d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
		     "profile '%s' has role_arn but neither source_profile nor credential_source",
		     p->name);
	diag_set_hint(d, "add source_profile = PROFILE (the keys that may assume the role)");
	return -1;
}

static int assume_role_profile(const struct resolver *rs, const struct profile *p, int hops,
			       struct aws_creds *out, struct diag_list *dl)
{
	const char *role_arn = pget(p, "role_arn");
	const char *token_file = pget(p, "web_identity_token_file");
	const char *session_name = pget(p, "role_session_name");
	if (token_file) {
		int r = web_identity(rs, token_file, role_arn, session_name, p->name, out, dl);
		if (r > 0) {
			free(out->source);
			out->source = xstrfmt("profile %s (web-identity %s)", p->name, role_arn);
		}
		return r;
	}
	int duration;
	if (parse_duration(p, &duration, dl) < 0)
		return -1;
	struct aws_creds base = {0};
	if (role_base(rs, p, hops, &base, dl) < 0)
		return -1;
	const char *serial = pget(p, "mfa_serial");
	char code[64] = "";
	if (serial) {
		if (!rs->opts->mfa_prompt ||
		    rs->opts->mfa_prompt(p->name, serial, code, sizeof(code), rs->opts->mfa_arg) <
			    0 ||
		    !*code) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "profile '%s' needs an MFA code for %s "
						  "(mfa_serial) and there is no terminal to ask",
						  p->name, serial);
			diag_set_hint(d,
				      "run it on a terminal, or export temporary keys first "
				      "(aws configure export-credentials --profile %s --format "
				      "env)",
				      p->name);
			aws_creds_release(&base);
			return -1;
		}
	}
	char *session = session_name ? NULL : default_session_name();
	struct sts_assume_role_input in = {
		.role_arn = role_arn,
		.session_name = session_name ? session_name : session,
		.external_id = pget(p, "external_id"),
		.duration_seconds = duration,
		.serial_number = serial,
		.token_code = serial ? code : NULL,
	};
	struct aws_client c;
	sts_client(rs, &base, &c);
	int rc = sts_assume_role(&c, &in, out, dl);
	explicit_bzero(code, sizeof(code));
	free(session);
	if (rc < 0) {
		diag_add(dl, DIAG_NOTE, NULL, 0, 0, NULL,
			 "while profile '%s' assumed role %s with the keys of %s", p->name,
			 role_arn, base.source ? base.source : "its source");
		aws_creds_release(&base);
		return -1;
	}
	aws_creds_release(&base);
	out->source = xstrfmt("profile %s (assume-role %s)", p->name, role_arn);
	return 1;
}

/* An SSO profile: its [sso-session NAME] (or the legacy settings in the profile). */
static int sso_profile(const struct resolver *rs, const struct profile *p, struct aws_creds *out,
		       struct diag_list *dl)
{
	struct creds_sso sso = {
		.profile = p->name,
		.session = pget(p, "sso_session"),
		.start_url = pget(p, "sso_start_url"),
		.sso_region = pget(p, "sso_region"),
		.account_id = pget(p, "sso_account_id"),
		.role_name = pget(p, "sso_role_name"),
		.endpoint_flag = rs->opts->endpoint_url,
	};
	struct ini_section sec = {0};
	int r = 0;
	if (sso.session) {
		char *name = xstrfmt("sso-session %s", sso.session);
		r = rs->config_path ? ini_load_section(rs->config_path, name, &sec, dl) : 0;
		free(name);
		if (r == 0) {
			struct diag *d =
				diag_add(dl, DIAG_ERROR, rs->config_path, 0, 0, NULL,
					 "profile '%s' names sso_session '%s', which has no "
					 "[sso-session %s] section",
					 p->name, sso.session, sso.session);
			diag_set_hint(d, "aws configure sso --profile %s writes it", p->name);
		}
		if (r <= 0) {
			ini_section_release(&sec);
			return -1;
		}
		sso.start_url = ini_get(&sec, "sso_start_url");
		sso.sso_region = ini_get(&sec, "sso_region");
	}
	r = creds_from_sso(&sso, out, dl);
	ini_section_release(&sec);
	return r;
}

/*
 * One profile's keys, in botocore's order: role_arn, web identity (the
 * environment's, only for the profile named at the top), SSO, the
 * credentials file's keys, credential_process, the config file's keys.
 * 1 found, 0 nothing there, -1 error.
 */
static int resolve_profile(const struct resolver *rs, const char *name, int hops,
			   struct aws_creds *out, struct diag_list *dl)
{
	struct profile p;
	int r = -1;
	if (hops >= AWS_CREDS_MAX_HOPS) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "profile '%s': more than %d roles assumed in a chain",
					  name, AWS_CREDS_MAX_HOPS);
		diag_set_hint(d, "the source_profile settings loop back on themselves");
		return -1;
	}
	if (profile_load(rs, name, &p, dl) < 0)
		goto out;
	if (!p.seen && hops) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "source profile '%s' not found in '%s' or '%s'", name,
					  rs->cred_path ? rs->cred_path : "~/.aws/credentials",
					  rs->config_path ? rs->config_path : "~/.aws/config");
		diag_set_hint(d, "check the source_profile settings of your profiles");
		goto out;
	}
	if (pget(&p, "role_arn")) {
		r = assume_role_profile(rs, &p, hops, out, dl);
		goto out;
	}
	if (!hops && env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")) {
		r = web_identity(rs, env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN"),
				 env("AWS_ROLE_SESSION_NAME"), "AWS_WEB_IDENTITY_TOKEN_FILE", out,
				 dl);
		goto out;
	}
	if (pget(&p, "sso_session") || pget(&p, "sso_start_url")) {
		r = sso_profile(rs, &p, out, dl);
		goto out;
	}
	if ((r = keys_from_section(&p.cred, rs->cred_path, name, out, dl)) != 0)
		goto out;
	if (pget(&p, "credential_process")) {
		r = creds_from_process(name, pget(&p, "credential_process"), out, dl);
		goto out;
	}
	r = keys_from_section(&p.config, rs->config_path, name, out, dl);
out:
	if (r > 0 && !out->profile)
		out->profile = xstrdup(name);
	profile_release(&p);
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
		     "no AWS credentials found (profile '%s': no keys in '%s' or '%s'; no "
		     "web identity, container or instance credentials)",
		     profile, cred_path ? cred_path : "~/.aws/credentials",
		     config_path ? config_path : "~/.aws/config");
	diag_set_hint(d,
		      "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
		      "for temporary keys), or AWS_PROFILE / --profile naming a profile with keys, "
		      "a role, SSO or credential_process");
	return -1;
}

static const char *find_region(const struct aws_creds_opts *opts, const struct ini_section *config)
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
	return region;
}

/* The chain once (aws_creds_load, and each refresh): keys, source, profile, region. */
static int resolve(const struct aws_creds_opts *opts, struct aws_creds *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	const char *flag_profile = opts->profile && *opts->profile ? opts->profile : NULL;
	const char *profile = flag_profile ? flag_profile : env("AWS_PROFILE");
	if (!profile)
		profile = env("AWS_DEFAULT_PROFILE");
	if (!profile)
		profile = "default";
	struct resolver rs = {
		.opts = opts,
		.cred_path = aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
		.config_path = aws_file("AWS_CONFIG_FILE", "config"),
		.explicit_profile = flag_profile || env("AWS_PROFILE"),
	};
	struct ini_section config = {0};
	int rc = -1, got = 0;
	int seen = rs.config_path ? load_config_section(rs.config_path, profile, &config, dl) : 0;
	if (seen < 0)
		goto out;
	rs.region = find_region(opts, &config);

	if (!rs.explicit_profile && (got = env_keys(out, dl)) < 0)
		goto out;
	if (!got) {
		struct profile p;
		if (profile_load(&rs, profile, &p, dl) < 0) {
			profile_release(&p);
			goto out;
		}
		seen |= p.seen;
		profile_release(&p);
		if (rs.explicit_profile && !seen) {
			no_credentials(profile, true, rs.cred_path, rs.config_path, seen, dl);
			goto out;
		}
		if ((got = resolve_profile(&rs, profile, 0, out, dl)) < 0)
			goto out;
	}
	if (!got && (got = creds_from_container(out, dl)) < 0)
		goto out;
	if (!got && (got = creds_from_imds(out, dl)) < 0)
		goto out;
	if (!got) {
		no_credentials(profile, rs.explicit_profile, rs.cred_path, rs.config_path, seen,
			       dl);
		goto out;
	}
	if (!rs.region) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "no AWS region given");
		diag_set_hint(d, "pass --region, set AWS_REGION, or put region = ... in the "
				 "profile's section of ~/.aws/config");
		goto out;
	}
	out->region = xstrdup(rs.region);
	rc = 0;
out:
	if (rc < 0)
		aws_creds_release(out);
	ini_section_release(&config);
	free(rs.cred_path);
	free(rs.config_path);
	return rc;
}

/* ---- refreshing temporary keys ---- */

struct aws_creds_provider {
	pthread_mutex_t lock;
	struct aws_creds_opts opts; /* strings owned */
	struct aws_keys keys;
	time_t expiration, fetched;
	unsigned fetches;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void keys_from(struct aws_keys *k, const struct aws_creds *c)
{
	k->access_key = xstrdup(c->access_key);
	k->secret_key = xstrdup(c->secret_key);
	k->session_token = dup_or_null(c->session_token);
}

int aws_creds_load(const struct aws_creds_opts *opts, struct aws_creds *out, struct diag_list *dl)
{
	static const struct aws_creds_opts none = {0};
	if (!opts)
		opts = &none;
	if (resolve(opts, out, dl) < 0)
		return -1;
	if (!out->expiration)
		return 0;
	struct aws_creds_provider *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	/* a refresh asks the same profile again in the region found now */
	p->opts = (struct aws_creds_opts){
		.profile = dup_or_null(out->profile ? out->profile : opts->profile),
		.region = xstrdup(out->region),
		.endpoint_url = dup_or_null(opts->endpoint_url),
		.mfa_prompt = opts->mfa_prompt,
		.mfa_arg = opts->mfa_arg,
	};
	keys_from(&p->keys, out);
	p->expiration = out->expiration;
	p->fetched = time(NULL);
	p->fetches = 1;
	out->provider = p;
	return 0;
}

/* Whether keys fetched at `fetched` that expire at `exp` are due for a refresh at `now`. */
static bool due(time_t now, time_t fetched, time_t exp)
{
	time_t margin = AWS_CREDS_REFRESH_MARGIN;
	if (exp - fetched < 2 * margin)
		margin = (exp - fetched) / 2; /* short-lived keys: refresh half-way */
	return now >= exp - margin;
}

/* Wipe a secret before handing the memory back (a core dump, a reused block). */
static void free_secret(char *s)
{
	if (s)
		explicit_bzero(s, strlen(s));
	free(s);
}

void aws_keys_release(struct aws_keys *k)
{
	free(k->access_key);
	free_secret(k->secret_key);
	free_secret(k->session_token);
	memset(k, 0, sizeof(*k));
}

int aws_creds_keys(const struct aws_creds *c, struct aws_keys *out, struct diag_list *dl)
{
	memset(out, 0, sizeof(*out));
	struct aws_creds_provider *p = c->provider;
	if (!p) {
		if (!c->access_key || !c->secret_key) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "no AWS credentials");
			return -1;
		}
		keys_from(out, c);
		return 0;
	}
	int rc = 0;
	pthread_mutex_lock(&p->lock);
	time_t now = time(NULL);
	if (due(now, p->fetched, p->expiration)) {
		struct aws_creds fresh;
		struct diag_list mine = DIAG_LIST_INIT;
		if (resolve(&p->opts, &fresh, &mine) == 0) {
			aws_keys_release(&p->keys);
			keys_from(&p->keys, &fresh);
			p->expiration = fresh.expiration ? fresh.expiration : now + 3600;
			p->fetched = time(NULL); /* a slow source must not shorten the keys' life */
			p->fetches++;
			aws_creds_release(&fresh);
		} else if (now >= p->expiration) {
			struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
						  "the temporary AWS credentials have expired and "
						  "new ones could not be had");
			diag_set_hint(d, "see the messages below; then run the command again");
			diag_list_move(dl, &mine);
			rc = -1;
		}
		/* otherwise the old keys still work: try again at the next request */
		diag_list_release(&mine);
	}
	if (rc == 0) {
		out->access_key = xstrdup(p->keys.access_key);
		out->secret_key = xstrdup(p->keys.secret_key);
		out->session_token = dup_or_null(p->keys.session_token);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

unsigned aws_creds_fetch_count(const struct aws_creds *c)
{
	if (!c->provider)
		return 1;
	pthread_mutex_lock(&c->provider->lock);
	unsigned n = c->provider->fetches;
	pthread_mutex_unlock(&c->provider->lock);
	return n;
}

static void provider_free(struct aws_creds_provider *p)
{
	pthread_mutex_destroy(&p->lock);
	aws_keys_release(&p->keys);
	free((char *)p->opts.profile);
	free((char *)p->opts.region);
	free((char *)p->opts.endpoint_url);
	free(p);
}

void aws_creds_release(struct aws_creds *c)
{
	if (!c)
		return;
	free(c->access_key);
	free_secret(c->secret_key);
	free_secret(c->session_token);
	free(c->region);
	free(c->profile);
	free(c->source);
	if (c->provider)
		provider_free(c->provider);
	memset(c, 0, sizeof(*c));
}

time_t aws_parse_time(const char *s)
{
	return date_parse_timestamp(s);
}
