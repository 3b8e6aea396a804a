/*
 * Read-only describe calls (describe.h). JSON 1.1 services take a POST of a
 * JSON document with X-Amz-Target; query services (RDS, EC2) a form body and
 * answer XML.
 */
#include "aws/describe.h"
#include "aws/dynlib.h" /* first: libxml2 through the pointers loaded on first use */

#include <stdlib.h>
#include <string.h>

#include "aws/xml.h"
#include "base/banned.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

int aws_json_call(struct aws_client *c, const char *service, const char *target,
		  const json_t *input, json_t **out, struct diag_list *dl)
{
	char *body = json_dumps(input, JSON_COMPACT);
	struct aws_request req = {
		.service = service,
		.method = "POST",
		.path = "/",
		.content_type = "application/x-amz-json-1.1",
		.target = target,
		.body = body,
		.body_len = strlen(body),
	};
	struct aws_response resp;
	aws_response_init(&resp);
	*out = NULL;
	int rc = aws_send(c, &req, &resp, dl);
	if (rc == 0) {
		*out = json_loadb(resp.body.buf, resp.body.len, 0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: the answer is not JSON",
				 target);
			rc = -1;
		}
	}
	aws_response_release(&resp);
	free(body);
	return rc;
}

int acm_describe_certificate(struct aws_client *c, const char *arn, json_t **out,
			     struct diag_list *dl)
{
	json_t *in = json_pack("{ss}", "CertificateArn", arn), *ans = NULL;
	struct diag_list mine = DIAG_LIST_INIT;
	int rc = aws_json_call(c, "acm", "CertificateManager.DescribeCertificate", in, &ans, &mine);
	json_decref(in);
	*out = NULL;
	if (rc == 0) {
		*out = json_incref(json_object_get(ans, "Certificate"));
	} else if (mine.nr && strstr(mine.items[0].message, "ResourceNotFoundException")) {
		rc = 0; /* an answer: no such certificate */
		diag_list_release(&mine);
	}
	diag_list_move(dl, &mine);
	json_decref(ans);
	return rc;
}

/* A query-protocol call: the answer's XML document (owned) in *doc. */
static int query_call(struct aws_client *c, const char *service, const struct strbuf *body,
		      xmlDocPtr *doc, struct diag_list *dl)
{
	struct aws_request req = {
		.service = service,
		.method = "POST",
		.path = "/",
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.body = body->buf,
		.body_len = body->len,
	};
	struct aws_response resp;
	aws_response_init(&resp);
	*doc = NULL;
	int rc = aws_send(c, &req, &resp, dl);
	if (rc == 0 && !(*doc = aws_xml_parse(resp.body.buf, resp.body.len))) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "%s: the answer is not XML", service);
		rc = -1;
	}
	aws_response_release(&resp);
	return rc;
}

static void form_add(struct strbuf *b, const char *key, const char *value)
{
	strbuf_addf(b, "&%s=", key);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
			strbuf_addch(b, (char)*p);
		else
			strbuf_addf(b, "%%%02X", *p);
	}
}

static size_t count_named(xmlNodePtr n, const char *local)
{
	size_t k = 0;
	for (xmlNodePtr x = aws_xml_find(n, local); x; x = aws_xml_next_same(x))
		k++;
	return k;
}

int rds_orderable_count(struct aws_client *c, const char *engine, const char *version,
			const char *instance_class, size_t *count, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=DescribeOrderableDBInstanceOptions&Version=2014-10-31");
	form_add(&b, "Engine", engine);
	if (version)
		form_add(&b, "EngineVersion", version);
	if (instance_class)
		form_add(&b, "DBInstanceClass", instance_class);
	xmlDocPtr doc;
	int rc = query_call(c, "rds", &b, &doc, dl);
	*count = 0;
	if (rc == 0) {
		*count = count_named(xmlDocGetRootElement(doc), "OrderableDBInstanceOption");
		xmlFreeDoc(doc);
	}
	strbuf_release(&b);
	return rc;
}

int ec2_address_count(struct aws_client *c, size_t *count, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=DescribeAddresses&Version=2016-11-15");
	xmlDocPtr doc;
	int rc = query_call(c, "ec2", &b, &doc, dl);
	*count = 0;
	if (rc == 0) {
		xmlNodePtr set = aws_xml_find(xmlDocGetRootElement(doc), "addressesSet");
		*count = set ? count_named(set, "item") : 0;
		xmlFreeDoc(doc);
	}
	strbuf_release(&b);
	return rc;
}

int config_recorders(struct aws_client *c, json_t **names, struct diag_list *dl)
{
	json_t *in = json_object(), *ans = NULL;
	int rc = aws_json_call(c, "config", "StarlingDoveService.DescribeConfigurationRecorders",
			       in, &ans, dl);
	json_decref(in);
	*names = json_array();
	size_t i;
	json_t *r;
	json_array_foreach (json_object_get(ans, "ConfigurationRecorders"), i, r) {
		if (json_is_string(json_object_get(r, "name")))
			json_array_append(*names, json_object_get(r, "name"));
	}
	json_decref(ans);
	return rc;
}

int ce_anomaly_monitors(struct aws_client *c, json_t **monitors, struct diag_list *dl)
{
	json_t *in = json_object(), *ans = NULL;
	int rc = aws_json_call(c, "ce", "AWSInsightsIndexService.GetAnomalyMonitors", in, &ans, dl);
	json_decref(in);
	*monitors = json_incref(json_object_get(ans, "AnomalyMonitors"));
	if (!*monitors)
		*monitors = json_array();
	json_decref(ans);
	return rc;
}
