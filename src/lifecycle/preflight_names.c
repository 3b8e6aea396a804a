/*
 * Preflight of the names the templates take from the account or the world:
 * Route 53 hosted zones and S3 bucket names (preflight_int.h).
 *
 * Route 53: a record set in a zone that does not exist fails its CREATE
 * (NoSuchHostedZone); a record whose name is outside the zone is refused
 * ("RRSet with DNS name ... is not permitted in zone ...",
 * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html);
 * ACM's DNS validation needs its CNAME in public DNS, so a private zone
 * leaves the certificate PENDING_VALIDATION until CloudFormation gives up
 * (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
 * A record the zone already holds, of the same name and type or a CNAME of
 * the name, fails the CREATE of ours ("Tried to create resource record set
 * ... but it already exists"; "... is not permitted because a conflicting
 * RRSet of type CNAME with the same DNS name already exists": a CNAME cannot
 * share its name,
 * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#CNAMEFormat)
 * unless a stack of ours that declares it is deployed, and so owns it.
 *
 * S3: bucket names are global across all accounts; CloudFormation cannot
 * create a bucket whose name exists, in another account or in this one
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html,
 * HeadBucket's answers: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/describe.h"
#include "aws/route53.h"
#include "base/common.h"
#include "base/xalloc.h"
#include "lifecycle/preflight_int.h"

static const char *type_of(const json_t *res)
{
	return json_string_value(json_object_get(res, "Type")) ?: "";
}

/* zone -> {"where": "Stack/Id", "acm": bool, "names": [record names]} */
static void zone_use(json_t *zones, const char *zone, const char *stack, const char *id, bool acm,
		     const char *record)
{
	json_t *u = json_object_get(zones, zone);
	if (!u) {
		char *w = xstrfmt("%s/%s", stack, id);
		u = json_pack("{ss sb s[]}", "where", w, "acm", 0, "names");
		free(w);
		json_object_set_new(zones, zone, u);
	}
	if (acm)
		json_object_set_new(u, "acm", json_true());
	if (record)
		json_array_append_new(json_object_get(u, "names"), json_string(record));
}

static void collect_record(json_t *zones, const json_t *rs, const char *zone,
			   const struct sm_template *t, const char *id)
{
	const char *z = json_string_value(json_object_get(rs, "HostedZoneId")) ?: zone;
	const char *name = json_string_value(json_object_get(rs, "Name")),
		   *type = json_string_value(json_object_get(rs, "Type"));
	if (!z)
		return;
	zone_use(zones, z, t->stack_name, id, false, name);
	/* zone -> "records": [{name, type, stack, region, id}], for the existing-record check */
	json_t *u = json_object_get(zones, z), *recs = json_object_get(u, "records");
	if (!recs)
		json_object_set_new(u, "records", recs = json_array());
	if (name && type)
		json_array_append_new(recs, json_pack("{ss ss ss ss* ss}", "name", name, "type",
						      type, "stack", t->stack_name, "region",
						      t->region, "id", id));
}

static void collect_zones(struct sm_template *t, json_t *zones)
{
	const char *id;
	json_t *res;
	json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
		const json_t *p = json_object_get(res, "Properties");
		const char *type = type_of(res);
		size_t i;
		json_t *x;
		if (!strcmp(type, "AWS::Route53::RecordSet")) {
			collect_record(zones, p, NULL, t, id);
		} else if (!strcmp(type, "AWS::Route53::RecordSetGroup")) {
			const char *z = json_string_value(json_object_get(p, "HostedZoneId"));
			json_array_foreach (json_object_get(p, "RecordSets"), i, x) {
				collect_record(zones, x, z, t, id);
			}
		} else if (!strcmp(type, "AWS::CertificateManager::Certificate")) {
			json_array_foreach (json_object_get(p, "DomainValidationOptions"), i, x) {
				const char *z =
					json_string_value(json_object_get(x, "HostedZoneId"));
				if (z)
					zone_use(zones, z, t->stack_name, id, true, NULL);
			}
		}
	}
}

/* A record name (with or without the final dot) inside the zone `zone`. */
static bool in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);
	if (n && name[n - 1] == '.')
		n--;
	if (n == z)
		return !strncasecmp(name, zone, n);
	return n > z && name[n - z - 1] == '.' && !strncasecmp(name + n - z, zone, z);
}

/* Does a record the zone holds already take the name of ours (type `type`)? Its type, or NULL. */
static const char *taken_by(const struct r53_record *have, size_t nr, const char *type)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(have[i].type, type) || !strcmp(have[i].type, "CNAME") ||
		    (!strcmp(type, "CNAME") && strcmp(have[i].type, "NS") &&
		     strcmp(have[i].type, "SOA")))
			return have[i].type;
	return NULL;
}

/* A stack of ours that declares `name` and `type` is deployed: the record is its own. */
static bool declared_by_a_deployed_stack(const json_t *recs, const char *name, const char *type,
					 const struct pf_opts *o, json_t *deployed)
{
	size_t i;
	json_t *d;
	json_array_foreach (recs, i, d) {
		const char *stack = json_string_value(json_object_get(d, "stack")),
			   *region = json_string_value(json_object_get(d, "region")) ?: o->region;
		if (!r53_name_equal(json_string_value(json_object_get(d, "name")), name) ||
		    strcmp(json_string_value(json_object_get(d, "type")), type))
			continue;
		json_t *known = json_object_get(deployed, stack);
		if (!known) {
			struct aws_client *c = region ? o->client(o->client_ctx, region) : NULL;
			known = json_boolean(c && pf_stack_exists(c, stack));
			json_object_set_new(deployed, stack, known);
		}
		if (json_is_true(known))
			return true;
	}
	return false;
}

/* Each record of ours whose name and type the zone already holds for someone else. */
static void check_existing_records(struct aws_client *c, const char *zone, const char *key,
				   const json_t *recs, const struct pf_opts *o, struct pf_report *r)
{
	json_t *deployed = json_object(), *seen = json_object();
	size_t i;
	json_t *d;
	json_array_foreach (recs, i, d) {
		const char *name = json_string_value(json_object_get(d, "name")),
			   *type = json_string_value(json_object_get(d, "type"));
		char *once = xstrfmt("%s %s", name, type);
		bool again = json_object_get(seen, once) != NULL;
		json_object_set_new(seen, once, json_true());
		free(once);
		if (again || declared_by_a_deployed_stack(recs, name, type, o, deployed))
			continue;
		struct r53_record *have = NULL;
		size_t nr = 0;
		struct diag_list dl = DIAG_LIST_INIT;
		if (r53_list_records(c, zone, name, &have, &nr, &dl) < 0) {
			pf_unanswered(r, "hosted-zone", key, &dl);
			continue;
		}
		const char *other = taken_by(have, nr, type);
		if (other)
			pf_report_add(
				r, PF_ERROR, "hosted-zone", key,
				"Delete or rename that record first (a name that serves visitors "
				"today: delete it and deploy at once, in a quiet hour), or leave "
				"hostedZoneId out and point the name at the distribution yourself.",
				"hosted zone %s already holds a %s record named %s, which no "
				"deployed stack of these declares: CloudFormation cannot create "
				"%s/%s (%s %s) beside it",
				zone, other, name, json_string_value(json_object_get(d, "stack")),
				json_string_value(json_object_get(d, "id")), type, name);
		r53_records_free(have, nr);
	}
	json_decref(seen);
	json_decref(deployed);
}

void pf_check_hosted_zones(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	json_t *zones = json_object();
	for (size_t i = 0; i < a->nr; i++)
		collect_zones(&a->items[i], zones);
	/* Route 53 is global: one client, signed for us-east-1 */
	struct aws_client *c =
		json_object_size(zones) ? o->client(o->client_ctx, "us-east-1") : NULL;
	const char *zone;
	json_t *u;
	json_object_foreach (zones, zone, u) {
		const char *where = json_string_value(json_object_get(u, "where"));
		const char *key = pf_key_for(o, zone, where);
		char *name = NULL;
		bool private_zone = false;
		struct diag_list dl = DIAG_LIST_INIT;
		if (!c)
			break;
		if (route53_hosted_zone(c, zone, &name, &private_zone, &dl) < 0) {
			pf_unanswered(r, "hosted-zone", key, &dl);
			continue;
		}
		if (!name) {
			pf_report_add(
				r, PF_ERROR, "hosted-zone", key,
				"Set the ID of the zone that holds the domain (aws route53 "
				"list-hosted-zones-by-name --dns-name DOMAIN), or create the zone "
				"first.",
				"hosted zone %s does not exist in this account (Route 53 answers "
				"NoSuchHostedZone); %s and every record in it would fail",
				zone, where);
			continue;
		}
		if (private_zone && json_is_true(json_object_get(u, "acm")))
			pf_report_add(
				r, PF_ERROR, "hosted-zone", key,
				"Validate the certificate in the public zone of the domain.",
				"hosted zone %s (%s) is private: ACM's DNS validation needs its "
				"record in public DNS, so the certificate would stay "
				"PENDING_VALIDATION",
				zone, name);
		size_t i;
		json_t *n;
		json_array_foreach (json_object_get(u, "names"), i, n) {
			const char *rn = json_string_value(n);
			if (rn && !in_zone(rn, name))
				pf_report_add(
					r, PF_ERROR, "hosted-zone", key,
					"Use the zone of that name, or a name under the zone.",
					"record %s is not inside hosted zone %s (%s); Route 53 "
					"refuses it (\"RRSet with DNS name %s is not permitted in "
					"zone %s\")",
					rn, zone, name, rn, name);
		}
		check_existing_records(c, zone, key, json_object_get(u, "records"), o, r);
		free(name);
	}
	json_decref(zones);
}

void pf_check_buckets(struct sm_assembly *a, const struct pf_opts *o, struct pf_report *r)
{
	for (size_t i = 0; i < a->nr; i++) {
		struct sm_template *t = &a->items[i];
		const char *region = pf_stack_region(o, t);
		const char *id;
		json_t *res;
		int deployed = -1; /* asked once per stack, only when a name exists */
		json_object_foreach (json_object_get(t->tmpl, "Resources"), id, res) {
			const char *bucket = json_string_value(
				json_object_get(json_object_get(res, "Properties"), "BucketName"));
			if (strcmp(type_of(res), "AWS::S3::Bucket") || !bucket || !region)
				continue;
			struct aws_client *c = o->client(o->client_ctx, region);
			if (!c)
				return;
			char *subject = xstrfmt("%s/%s", t->stack_name, id);
			long status = 0;
			struct diag_list dl = DIAG_LIST_INIT;
			if (s3_head_bucket(c, bucket, &status, &dl) < 0) {
				pf_unanswered(r, "bucket", subject, &dl);
			} else if (status == 200) {
				if (deployed < 0)
					deployed = pf_stack_exists(c, t->stack_name);
				if (!deployed)
					pf_report_add(
						r, PF_ERROR, "bucket", subject,
						"Import the bucket into the stack (resource "
						"import), "
						"delete it, or leave BucketName out so that "
						"CloudFormation names it.",
						"bucket %s already exists in this account, and "
						"stack %s "
						"is not deployed: CloudFormation cannot create it "
						"(\"%s already exists\")",
						bucket, t->stack_name, bucket);
			} else if (status == 403) {
				pf_report_add(
					r, PF_ERROR, "bucket", subject,
					"Pick another BucketName (names are global across "
					"accounts), or leave it out.",
					"bucket %s exists and is not this account's (S3 HeadBucket "
					"answers 403); CloudFormation cannot create it",
					bucket);
			} else if (status == 301 || status == 400) {
				pf_report_add(
					r, PF_ERROR, "bucket", subject,
					"Pick another BucketName, or leave it out.",
					"bucket %s already exists in another region than %s (S3 "
					"HeadBucket answers %ld); bucket names are global",
					bucket, region, status);
			} else if (status != 404) {
				pf_report_add(
					r, PF_WARNING, "bucket", subject,
					"Check the name by hand (aws s3api head-bucket).",
					"could not check: S3 HeadBucket of %s answers HTTP %ld",
					bucket, status);
			}
			free(subject);
		}
	}
}
