/* solemate preflight: read-only questions to the account before a deploy (lifecycle/preflight.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/json_io.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "cli/cli_aws.h"
#include "lib/environments.h"
#include "lib/solemate_stack.h"
#include "lifecycle/preflight.h"

static const struct cli_command_doc preflight_doc = {
	.name = "preflight",
	.description =
		"First, as deploy does, make sure the credentials belong to the\n"
		"configuration's accountId (another account is bad input: exit 2, and\n"
		"nothing else is asked). Then ask that account, with read-only calls, what\n"
		"the templates alone cannot tell, before anything is created: the\n"
		"certificates exist, are ISSUED, cover the names that use them and sit in\n"
		"us-east-1 for CloudFront (a placeholder ARN is refused before any call); the\n"
		"RDS engine version and instance class are orderable in the region; the\n"
		"account does not already hold the singletons the stacks would create (a\n"
		"Config recorder, an anomaly monitor of the same dimension); the hosted zone\n"
		"exists (public where ACM validates in it) and holds the records' names; named\n"
		"S3 buckets are free or already the stack's; service quotas leave room (VPCs,\n"
		"Elastic IPs, internet and NAT gateways, Fargate vCPUs, RDS instances: the\n"
		"value from Service Quotas, else the documented default, then a warning).\n"
		"A check AWS does not answer is a warning. 'deploy' runs it first.\n",
	.exit = "0 no error, 1 errors, 2 bad usage or bad input (a placeholder in the\n"
		"configuration, credentials of another account)\n",
};

struct region_clients {
	struct cli_aws *ca;
	char *region[16];
	struct lc_client cc[16];
	size_t nr;
};

static struct aws_client *client_for(void *ctx, const char *region)
{
	struct region_clients *rc = ctx;
	if (!rc->ca)
		return NULL; /* no credentials: the offline checks only */
	for (size_t i = 0; i < rc->nr; i++)
		if (!strcmp(rc->region[i], region))
			return &rc->cc[i].c;
	if (rc->nr == sizeof(rc->cc) / sizeof(rc->cc[0]))
		return NULL;
	rc->region[rc->nr] = xstrdup(region);
	lc_client_init(&rc->ca->s, rc->region[rc->nr], &rc->cc[rc->nr]);
	return &rc->cc[rc->nr++].c;
}

static const char *sev_name(enum pf_severity s)
{
	return s == PF_ERROR ? "error" : s == PF_WARNING ? "warning" : "info";
}

static void print_report(const struct pf_report *r, const char *env, bool json)
{
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < r->nr; i++) {
			const struct pf_finding *f = &r->items[i];
			json_array_append_new(arr, json_pack("{ss ss ss ss ss sb}", "severity",
							     sev_name(f->severity), "check",
							     f->check, "subject", f->subject,
							     "message", f->message, "fix", f->fix,
							     "badInput", f->bad_input));
		}
		json_t *out = json_pack("{ss so sI sI}", "environment", env, "findings", arr,
					"errors", (json_int_t)pf_count(r, PF_ERROR), "warnings",
					(json_int_t)pf_count(r, PF_WARNING));
		char *s = jio_dump_json(out, NULL);
		fputs(s, stdout);
		free(s);
		json_decref(out);
		return;
	}
	for (size_t i = 0; i < r->nr; i++) {
		const struct pf_finding *f = &r->items[i];
		printf("  %-7s %-15s %s: %s\n          fix: %s\n", sev_name(f->severity), f->check,
		       f->subject, f->message, f->fix);
	}
	printf("preflight %s: %zu error%s, %zu warning%s\n", env, pf_count(r, PF_ERROR),
	       pf_count(r, PF_ERROR) == 1 ? "" : "s", pf_count(r, PF_WARNING),
	       pf_count(r, PF_WARNING) == 1 ? "" : "s");
}

/*
 * The account check of deploy (cli_aws_check_account) as preflight's first
 * finding: credentials of another account (bad input, exit 2) or that STS
 * refuses stop it there, before any question to that account. True when
 * the account is the configuration's.
 */
static bool account_finding(struct cli_aws *ca, const struct solemate_unit *u, struct pf_report *r)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *want = u->kind == CONFIG_BASELINE ? u->baseline.account_id : u->env.account_id;
	int code = cli_aws_check_account(ca, u, &dl);
	if (code == SM_EXIT_OK) {
		pf_report_add(r, PF_INFO, "account", "accountId", "nothing to do",
			      "the credentials (%s) belong to account %s, the configuration's",
			      ca->s.creds.source, want);
	} else {
		/* the last diagnostic is the check's own; those before it say why STS failed */
		const struct diag *d = &dl.items[dl.nr - 1];
		struct pf_finding *f = pf_report_add(
			r, PF_ERROR, "account", "accountId", d->hint ? d->hint : "", "%s%s%s",
			d->message, dl.nr > 1 ? ": " : "", dl.nr > 1 ? dl.items[0].message : "");
		f->bad_input = code == SM_EXIT_USAGE;
	}
	diag_list_release(&dl);
	return code == SM_EXIT_OK;
}

int cli_preflight(struct cli_aws *ca, struct sm_assembly *as, const struct solemate_unit *u,
		  bool check_account, bool json)
{
	bool env = u->kind == CONFIG_ENVIRONMENT;
	const struct pf_key keys[] = {
		{"certificateArn", env ? u->env.certificate_arn : NULL},
		{"albCertificateArn", env ? u->env.alb_certificate_arn : NULL},
		{"databaseEngineVersion", env ? u->env.database_engine_version : NULL},
		{"hostedZoneId", env ? u->env.hosted_zone_id : NULL},
	};
	struct region_clients rc = {.ca = ca};
	struct pf_opts o = {.keys = keys,
			    .keys_nr = sizeof(keys) / sizeof(keys[0]),
			    .region = u->region,
			    .client = client_for,
			    .client_ctx = &rc};
	struct pf_report r = PF_REPORT_INIT;
	if (!ca || !check_account || account_finding(ca, u, &r))
		preflight_run(as, &o, &r);
	print_report(&r, u->name, json);
	int code = pf_has_bad_input(&r)	    ? SM_EXIT_USAGE
		   : pf_count(&r, PF_ERROR) ? SM_EXIT_FINDINGS
					    : SM_EXIT_OK;
	for (size_t i = 0; i < rc.nr; i++) {
		if (ca)
			lc_client_done(&ca->s, &rc.cc[i]);
		free(rc.region[i]);
	}
	pf_report_release(&r);
	return code;
}

int cmd_preflight(int argc, char **argv)
{
	struct cli_lifecycle_opts lo = CLI_LIFECYCLE_OPTS_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	bool json = false;
	const char *format = "text";
	const struct cli_option options[] = {
		OPT_INPUTS(&lo.in),
		OPT_CHOICE(0, "format", &format, "text|json", "output format (default: text)"),
		OPT_AWS(&lo.ao),
		OPT_END(),
	};
	int n = cli_parse_options(argc, argv, options, &preflight_doc);
	if (n < 0)
		return cli_parse_exit(n);
	json = !strcmp(format, "json");
	struct solemate_unit unit;
	struct sm_assembly as;
	struct cli_aws ca;
	sm_assembly_init(&as);
	if (cli_env_load(&lo.in, "preflight", &unit, &as, NULL, &dl) < 0) {
		cli_print_diags(&dl);
		sm_assembly_release(&as);
		diag_list_release(&dl);
		return SM_EXIT_USAGE;
	}
	int code = SM_EXIT_USAGE;
	if (cli_aws_open(&ca, &lo.ao, unit.region, &dl) == 0) {
		code = cli_preflight(&ca, &as, &unit, true, json);
		cli_aws_close(&ca);
	} else {
		/* without credentials, what needs none still runs: a placeholder is bad input */
		cli_preflight(NULL, &as, &unit, false, json);
		cli_print_diags(&dl);
		code = SM_EXIT_USAGE;
	}
	sm_assembly_release(&as);
	solemate_unit_release(&unit);
	diag_list_release(&dl);
	return code;
}
