/* Route 53 record sets (route53.h): REST-XML requests through aws_send. */
#include "aws/route53.h"
#include "aws/dynlib.h" /* libxml2 through the pointers loaded on first use */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/common.h"
#include "base/xalloc.h"

#define R53_API "/2013-04-01"
#define R53_NS "https://route53.amazonaws.com/doc/2013-04-01/"

void r53_record_release(struct r53_record *r)
{
	free(r->name);
	free(r->type);
	free(r->set_identifier);
	free(r->failover);
	free(r->health_check_id);
	free(r->alias_zone);
	free(r->alias_dns);
	for (size_t i = 0; i < r->values_nr; i++)
		free(r->values[i]);
	free(r->values);
	memset(r, 0, sizeof(*r));
}

void r53_records_free(struct r53_record *r, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		r53_record_release(&r[i]);
	free(r);
}

const char *r53_bare_id(const char *id)
{
	const char *slash = strrchr(id, '/');
	return slash ? slash + 1 : id;
}

bool r53_name_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

static void parse_record(xmlNodePtr n, struct r53_record *r)
{
	memset(r, 0, sizeof(*r));
	r->name = aws_xml_path_text(n, "Name");
	r->type = aws_xml_path_text(n, "Type");
	r->set_identifier = aws_xml_path_text(n, "SetIdentifier");
	r->failover = aws_xml_path_text(n, "Failover");
	r->health_check_id = aws_xml_path_text(n, "HealthCheckId");
	char *ttl = aws_xml_path_text(n, "TTL");
	r->ttl = ttl ? strtol(ttl, NULL, 10) : -1;
	free(ttl);
	xmlNodePtr alias = aws_xml_child(n, "AliasTarget");
	if (alias) {
		r->alias = true;
		r->alias_zone = aws_xml_path_text(alias, "HostedZoneId");
		r->alias_dns = aws_xml_path_text(alias, "DNSName");
		char *eval = aws_xml_path_text(alias, "EvaluateTargetHealth");
		r->alias_evaluate_health = eval && !strcmp(eval, "true");
		free(eval);
	}
	xmlNodePtr rrs = aws_xml_child(n, "ResourceRecords");
	size_t alloc = 0;
	for (xmlNodePtr v = rrs ? aws_xml_child(rrs, "ResourceRecord") : NULL; v;
	     v = aws_xml_next_same(v)) {
		char *value = aws_xml_path_text(v, "Value");
		if (!value)
			continue;
		ALLOC_GROW(r->values, r->values_nr + 1, alloc);
		r->values[r->values_nr++] = value;
	}
}

/* A GET of the Route 53 API; *doc is the answer (owned). */
static int r53_get(struct aws_client *c, const char *operation, const char *path, const char *query,
		   xmlDocPtr *doc, struct diag_list *dl)
{
	struct aws_request req = {
		.service = "route53",
		.method = "GET",
		.path = path,
		.query = query,
		.operation = operation,
	};
	struct aws_response resp;
	aws_response_init(&resp);
	*doc = NULL;
	int rc = aws_send(c, &req, &resp, dl);
	if (rc == 0 && !(*doc = aws_xml_parse(resp.body.buf, resp.body.len))) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "Route 53 %s: the answer is not XML",
			 operation);
		rc = -1;
	}
	aws_response_release(&resp);
	return rc;
}

#define FREE_AND_NULL(p) (free(p), (p) = NULL)

static void query_add(struct strbuf *q, const char *key, const char *value)
{
	if (q->len)
		strbuf_addch(q, '&');
	strbuf_addf(q, "%s=", key);
	sigv4_uri_encode(q, value, strlen(value), 0);
}

int r53_list_records(struct aws_client *c, const char *zone, const char *name,
		     struct r53_record **out, size_t *nr, struct diag_list *dl)
{
	char *path = xstrfmt(R53_API "/hostedzone/%s/rrset", r53_bare_id(zone));
	char *next_name = xstrdup(name), *next_type = NULL, *next_id = NULL;
	size_t alloc = 0;
	int rc = 0;
	*out = NULL;
	*nr = 0;
	while (next_name && rc == 0) {
		struct strbuf q = STRBUF_INIT;
		query_add(&q, "name", next_name);
		if (next_type)
			query_add(&q, "type", next_type);
		if (next_id)
			query_add(&q, "identifier", next_id);
		xmlDocPtr doc;
		rc = r53_get(c, "ListResourceRecordSets", path, q.buf, &doc, dl);
		strbuf_release(&q);
		FREE_AND_NULL(next_name);
		FREE_AND_NULL(next_type);
		FREE_AND_NULL(next_id);
		if (rc < 0)
			break;
		xmlNodePtr root = xmlDocGetRootElement(doc);
		xmlNodePtr sets = root ? aws_xml_child(root, "ResourceRecordSets") : NULL;
		bool past = false; /* listed in order: once past `name`, the rest is not ours */
		for (xmlNodePtr s = sets ? aws_xml_child(sets, "ResourceRecordSet") : NULL; s;
		     s = aws_xml_next_same(s)) {
			struct r53_record r;
			parse_record(s, &r);
			if (!r.name || !r53_name_equal(r.name, name)) {
				past = true;
				r53_record_release(&r);
				continue;
			}
			ALLOC_GROW(*out, *nr + 1, alloc);
			(*out)[(*nr)++] = r;
		}
		char *truncated = root ? aws_xml_path_text(root, "IsTruncated") : NULL;
		if (!past && truncated && !strcmp(truncated, "true")) {
			next_name = aws_xml_path_text(root, "NextRecordName");
			next_type = aws_xml_path_text(root, "NextRecordType");
			next_id = aws_xml_path_text(root, "NextRecordIdentifier");
			if (next_name && !r53_name_equal(next_name, name))
				FREE_AND_NULL(next_name);
		}
		free(truncated);
		xmlFreeDoc(doc);
	}
	free(next_name);
	free(next_type);
	free(next_id);
	free(path);
	if (rc < 0) {
		r53_records_free(*out, *nr);
		*out = NULL;
		*nr = 0;
	}
	return rc;
}

static void xml_text(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}

static void xml_element(struct strbuf *out, const char *tag, const char *value)
{
	if (!value)
		return;
	strbuf_addf(out, "<%s>", tag);
	xml_text(out, value);
	strbuf_addf(out, "</%s>", tag);
}

void r53_upsert_document(struct strbuf *out, const struct r53_record *rec, const char *comment)
{
	strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<ChangeResourceRecordSetsRequest xmlns=\"" R53_NS "\"><ChangeBatch>");
	xml_element(out, "Comment", comment);
	strbuf_addstr(out, "<Changes><Change><Action>UPSERT</Action><ResourceRecordSet>");
	xml_element(out, "Name", rec->name);
	xml_element(out, "Type", rec->type);
	xml_element(out, "SetIdentifier", rec->set_identifier);
	xml_element(out, "Failover", rec->failover);
	if (rec->alias) {
		strbuf_addstr(out, "<AliasTarget>");
		xml_element(out, "HostedZoneId", rec->alias_zone);
		xml_element(out, "DNSName", rec->alias_dns);
		xml_element(out, "EvaluateTargetHealth",
			    rec->alias_evaluate_health ? "true" : "false");
		strbuf_addstr(out, "</AliasTarget>");
	} else {
		if (rec->ttl >= 0)
			strbuf_addf(out, "<TTL>%ld</TTL>", rec->ttl);
		strbuf_addstr(out, "<ResourceRecords>");
		for (size_t i = 0; i < rec->values_nr; i++) {
			strbuf_addstr(out, "<ResourceRecord>");
			xml_element(out, "Value", rec->values[i]);
			strbuf_addstr(out, "</ResourceRecord>");
		}
		strbuf_addstr(out, "</ResourceRecords>");
	}
	xml_element(out, "HealthCheckId", rec->health_check_id);
	strbuf_addstr(out, "</ResourceRecordSet></Change></Changes></ChangeBatch>"
			   "</ChangeResourceRecordSetsRequest>");
}

int r53_upsert(struct aws_client *c, const char *zone, const struct r53_record *rec,
	       const char *comment, char **change_id, struct diag_list *dl)
{
	struct strbuf doc = STRBUF_INIT;
	r53_upsert_document(&doc, rec, comment);
	char *path = xstrfmt(R53_API "/hostedzone/%s/rrset/", r53_bare_id(zone));
	struct aws_request req = {
		.service = "route53",
		.method = "POST",
		.path = path,
		.content_type = "application/xml",
		.operation = "ChangeResourceRecordSets",
		.body = doc.buf,
		.body_len = doc.len,
	};
	struct aws_response resp;
	aws_response_init(&resp);
	*change_id = NULL;
	int rc = aws_send(c, &req, &resp, dl);
	if (rc == 0) {
		xmlDocPtr x = aws_xml_parse(resp.body.buf, resp.body.len);
		xmlNodePtr root = x ? xmlDocGetRootElement(x) : NULL;
		*change_id = root ? aws_xml_path_text(root, "ChangeInfo/Id") : NULL;
		if (!*change_id) {
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "Route 53 ChangeResourceRecordSets: unexpected answer (no "
				 "ChangeInfo/Id)");
			rc = -1;
		}
		if (x)
			xmlFreeDoc(x);
	}
	aws_response_release(&resp);
	free(path);
	strbuf_release(&doc);
	return rc;
}

int r53_change_status(struct aws_client *c, const char *change_id, char **status,
		      struct diag_list *dl)
{
	char *path = xstrfmt(R53_API "/change/%s", r53_bare_id(change_id));
	xmlDocPtr doc;
	*status = NULL;
	int rc = r53_get(c, "GetChange", path, NULL, &doc, dl);
	free(path);
	if (rc < 0)
		return -1;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	*status = root ? aws_xml_path_text(root, "ChangeInfo/Status") : NULL;
	xmlFreeDoc(doc);
	if (!*status) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "Route 53 GetChange: unexpected answer (no ChangeInfo/Status)");
		return -1;
	}
	return 0;
}
