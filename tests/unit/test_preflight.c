/*
 * Preflight's bucket check against tests/aws/account_responder.py (no
 * configuration of ours names a bucket, so `solemate preflight --env`
 * cannot reach it): tests/cli/preflight_responder.sh starts the responder
 * with a scenario in which someone-elses-bucket answers 403, already-ours
 * 200 and in-eu-west-1 301, and runs this with
 *
 *   SOLEMATE_TEST_ENDPOINT  the responder's URL
 *   SOLEMATE_TEST_STACK     "Buckets" (deployed) or unset (not deployed)
 *   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION
 *
 * Without SOLEMATE_TEST_ENDPOINT it skips.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/assembly.h"
#include "aws/client.h"
#include "aws/creds.h"
#include "lifecycle/preflight.h"
#include "support/test.h"

static struct aws_client client;

static struct aws_client *client_for(void *ctx, const char *region)
{
	(void)ctx;
	(void)region;
	return &client;
}

static const struct pf_finding *finding_about(const struct pf_report *r, const char *subject)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->items[i].subject, subject))
			return &r->items[i];
	return NULL;
}

static void run(struct pf_report *r)
{
	struct sm_assembly a;
	struct diag_list dl = DIAG_LIST_INIT;
	sm_assembly_init(&a);
	CHECK(sm_assembly_load_path(&a, "tests/fixtures/preflight/buckets.template.json", &dl) == 0);
	free(a.items[0].stack_name);
	a.items[0].stack_name = strdup("Buckets");
	struct pf_opts o = {.region = "us-east-1", .client = client_for};
	preflight_run(&a, &o, r);
	sm_assembly_release(&a);
	diag_list_release(&dl);
}

TEST(bucket_names)
{
	struct pf_report r = PF_REPORT_INIT;
	bool deployed = getenv("SOLEMATE_TEST_STACK") != NULL;
	run(&r);
	const struct pf_finding *f = finding_about(&r, "Buckets/Taken");
	CHECK(f && f->severity == PF_ERROR && !strcmp(f->check, "bucket"));
	if (f)
		CHECK_CONTAINS(f->message, "is not this account's");
	f = finding_about(&r, "Buckets/Elsewhere");
	CHECK(f && f->severity == PF_ERROR);
	if (f)
		CHECK_CONTAINS(f->message, "another region");
	f = finding_about(&r, "Buckets/Ours");
	if (deployed) {
		CHECK(f == NULL); /* the deployed stack's own bucket */
	} else {
		CHECK(f && f->severity == PF_ERROR);
		if (f)
			CHECK_CONTAINS(f->message, "already exists in this account");
	}
	CHECK(finding_about(&r, "Buckets/Free") == NULL);
	CHECK(finding_about(&r, "Buckets/Unnamed") == NULL);
	for (size_t i = 0; i < r.nr; i++)
		printf("# %s %s: %s\n", r.items[i].check, r.items[i].subject, r.items[i].message);
	pf_report_release(&r);
}

int main(void)
{
	const char *endpoint = getenv("SOLEMATE_TEST_ENDPOINT");
	if (!endpoint || !*endpoint) {
		printf("ok 1 - preflight # SKIP SOLEMATE_TEST_ENDPOINT not set "
		       "(tests/cli/preflight_responder.sh sets it)\n1..1\n");
		return 0;
	}
	struct aws_creds creds;
	struct diag_list dl = DIAG_LIST_INIT;
	if (aws_creds_load(&(struct aws_creds_opts){.fallback_region = "us-east-1"}, &creds, &dl) <
	    0) {
		printf("Bail out! no credentials\n");
		diag_list_release(&dl);
		return 1;
	}
	aws_client_init(&client, &creds, endpoint);
	RUN(bucket_names);
	aws_creds_release(&creds);
	return test_done();
}
