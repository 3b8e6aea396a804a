/*
 * The Route 53 calls a regional failover needs (REST-XML, API version
 * 2013-04-01, global endpoint route53.amazonaws.com signed for us-east-1):
 *
 *  - ListResourceRecordSets (GET /2013-04-01/hostedzone/ID/rrset?name=...):
 *    https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html
 *  - ChangeResourceRecordSets (POST /2013-04-01/hostedzone/ID/rrset/), UPSERT:
 *    https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
 *  - GetChange (GET /2013-04-01/change/ID): PENDING until INSYNC:
 *    https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetChange.html
 *
 * Each returns 0 with its answer, or -1 with one diagnostic.
 */
#ifndef SM_AWS_ROUTE53_H
#define SM_AWS_ROUTE53_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/client.h"
#include "base/diag.h"
#include "base/strbuf.h"

/* One resource record set. Strings owned (r53_record_release). */
struct r53_record {
	char *name; /* as Route 53 writes it: "origin.example.com." */
	char *type; /* A, AAAA, CNAME, ... */
	char *set_identifier;
	char *failover; /* PRIMARY, SECONDARY, or NULL (not a failover record) */
	char *health_check_id;
	long ttl; /* -1: none (alias records) */
	/* an alias record: AliasTarget */
	bool alias;
	char *alias_zone, *alias_dns;
	bool alias_evaluate_health;
	/* otherwise: the values of ResourceRecords */
	char **values;
	size_t values_nr;
};

void r53_record_release(struct r53_record *r);
void r53_records_free(struct r53_record *r, size_t nr);

/* "Z123" of "Z123" or "/hostedzone/Z123" (the same for "/change/C1"): a pointer into `id`. */
const char *r53_bare_id(const char *id);

/* Two DNS names equal, ignoring case and a final dot. */
bool r53_name_equal(const char *a, const char *b);

/* The record sets of `zone` named `name` (every type and set identifier), every page. */
int r53_list_records(struct aws_client *c, const char *zone, const char *name,
		     struct r53_record **out, size_t *nr, struct diag_list *dl);

/* The ChangeResourceRecordSetsRequest document that UPSERTs `rec` (exposed for tests). */
void r53_upsert_document(struct strbuf *out, const struct r53_record *rec, const char *comment);

/* UPSERT `rec` in `zone`; *change_id (owned) is ChangeInfo/Id, for r53_change_status. */
int r53_upsert(struct aws_client *c, const char *zone, const struct r53_record *rec,
	       const char *comment, char **change_id, struct diag_list *dl);

/* GetChange: *status (owned) PENDING or INSYNC. */
int r53_change_status(struct aws_client *c, const char *change_id, char **status,
		      struct diag_list *dl);

#endif
