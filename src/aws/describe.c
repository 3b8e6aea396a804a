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
#include "base/common.h"
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

int aws_query_call(struct aws_client *c, const char *service, const struct strbuf *body,
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

void aws_form_add(struct strbuf *b, const char *key, const char *value)
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
	aws_form_add(&b, "Engine", engine);
	if (version)
		aws_form_add(&b, "EngineVersion", version);
	if (instance_class)
		aws_form_add(&b, "DBInstanceClass", instance_class);
	xmlDocPtr doc;
	int rc = aws_query_call(c, "rds", &b, &doc, dl);
	*count = 0;
	if (rc == 0) {
		*count = count_named(xmlDocGetRootElement(doc), "OrderableDBInstanceOption");
		xmlFreeDoc(doc);
	}
	strbuf_release(&b);
	return rc;
}

int ec2_count_items(struct aws_client *c, const char *action, const char *set, const char *form,
		    size_t *count, struct diag_list *dl)
{
	char *token = NULL;
	int rc = 0;
	*count = 0;
	do {
		struct strbuf b = STRBUF_INIT;
		strbuf_addf(&b, "Action=%s&Version=2016-11-15%s", action, form ? form : "");
		if (token)
			aws_form_add(&b, "NextToken", token);
		free(token);
		token = NULL;
		xmlDocPtr doc;
		rc = aws_query_call(c, "ec2", &b, &doc, dl);
		strbuf_release(&b);
		if (rc < 0)
			break;
		xmlNodePtr root = xmlDocGetRootElement(doc);
		xmlNodePtr s = aws_xml_child(root, set);
		/* only the set's own items: an item holds nested sets of items too */
		for (xmlNodePtr x = s ? aws_xml_child(s, "item") : NULL; x;
		     x = aws_xml_next_same(x))
			(*count)++;
		token = aws_xml_path_text(root, "nextToken");
		xmlFreeDoc(doc);
	} while (token);
	free(token);
	return rc;
}

int ec2_prefix_list_id(struct aws_client *c, const char *name, char **id, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=DescribeManagedPrefixLists&Version=2016-11-15");
	aws_form_add(&b, "Filter.1.Name", "prefix-list-name");
	aws_form_add(&b, "Filter.1.Value.1", name);
	xmlDocPtr doc;
	int rc = aws_query_call(c, "ec2", &b, &doc, dl);
	*id = NULL;
	if (rc == 0) {
		*id = aws_xml_path_text(xmlDocGetRootElement(doc),
					"prefixListSet/item/prefixListId");
		xmlFreeDoc(doc);
	}
	strbuf_release(&b);
	return rc;
}

int ec2_address_count(struct aws_client *c, size_t *count, struct diag_list *dl)
{
	return ec2_count_items(c, "DescribeAddresses", "addressesSet", NULL, count, dl);
}

int rds_account_quota(struct aws_client *c, const char *name, double *used, double *max,
		      bool *found, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=DescribeAccountAttributes&Version=2014-10-31");
	xmlDocPtr doc;
	int rc = aws_query_call(c, "rds", &b, &doc, dl);
	*found = false;
	if (rc == 0) {
		for (xmlNodePtr q = aws_xml_find(xmlDocGetRootElement(doc), "AccountQuota"); q;
		     q = aws_xml_next_same(q)) {
			char *n = aws_xml_path_text(q, "AccountQuotaName");
			char *u = aws_xml_path_text(q, "Used"), *m = aws_xml_path_text(q, "Max");
			if (n && u && m && !strcmp(n, name)) {
				*used = strtod(u, NULL);
				*max = strtod(m, NULL);
				*found = true;
			}
			free(n);
			free(u);
			free(m);
		}
		xmlFreeDoc(doc);
	}
	strbuf_release(&b);
	return rc;
}

int sq_quota_value(struct aws_client *c, const char *service_code, const char *quota_code,
		   double *value, bool *is_default, struct diag_list *dl)
{
	json_t *in = json_pack("{ss ss}", "ServiceCode", service_code, "QuotaCode", quota_code);
	json_t *ans = NULL;
	struct diag_list mine = DIAG_LIST_INIT;
	*is_default = false;
	int rc = aws_json_call(c, "servicequotas", "ServiceQuotasV20190624.GetServiceQuota", in,
			       &ans, &mine);
	if (rc < 0 && mine.nr && strstr(mine.items[0].message, "NoSuchResourceException")) {
		/* no applied value: the default one is what applies */
		diag_list_release(&mine);
		*is_default = true;
		rc = aws_json_call(c, "servicequotas",
				   "ServiceQuotasV20190624.GetAWSDefaultServiceQuota", in, &ans,
				   &mine);
	}
	json_t *v = json_object_get(json_object_get(ans, "Quota"), "Value");
	if (rc == 0 && !json_is_number(v)) {
		diag_add(&mine, DIAG_ERROR, NULL, 0, 0, NULL,
			 "Service Quotas: no value for %s %s in the answer", service_code,
			 quota_code);
		rc = -1;
	}
	if (rc == 0)
		*value = json_number_value(v);
	diag_list_move(dl, &mine);
	json_decref(ans);
	json_decref(in);
	return rc;
}

/* A Route 53 hosted zone ID as the API takes it: "Z123", not "/hostedzone/Z123". */
static bool zone_id_ok(const char *id)
{
	if (!*id || strlen(id) > 32)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

int route53_hosted_zone(struct aws_client *c, const char *id, char **name, bool *private_zone,
			struct diag_list *dl)
{
	*name = NULL;
	*private_zone = false;
	if (!strncmp(id, "/hostedzone/", 12))
		id += 12;
	if (!zone_id_ok(id))
		return 0; /* no such zone can exist: Route 53 IDs are upper-case letters and digits
			   */
	char *path = xstrfmt("/2013-04-01/hostedzone/%s", id);
	struct aws_request req = {.service = "route53", .method = "GET", .path = path};
	struct aws_response resp;
	struct diag_list mine = DIAG_LIST_INIT;
	aws_response_init(&resp);
	int rc = aws_send(c, &req, &resp, &mine);
	if (rc == 0) {
		xmlDocPtr doc = aws_xml_parse(resp.body.buf, resp.body.len);
		xmlNodePtr hz = doc ? aws_xml_find(xmlDocGetRootElement(doc), "HostedZone") : NULL;
		char *n = hz ? aws_xml_path_text(hz, "Name") : NULL;
		if (!n) {
			diag_add(&mine, DIAG_ERROR, NULL, 0, 0, NULL,
				 "Route 53 GetHostedZone: the answer names no hosted zone");
			rc = -1;
		} else {
			size_t l = strlen(n);
			if (l > 1 && n[l - 1] == '.')
				n[l - 1] = '\0';
			*name = n;
			char *pz = aws_xml_path_text(hz, "Config/PrivateZone");
			*private_zone = pz && !strcmp(pz, "true");
			free(pz);
		}
		if (doc)
			xmlFreeDoc(doc);
	} else if (resp.error_code && !strcmp(resp.error_code, "NoSuchHostedZone")) {
		rc = 0; /* an answer: no such zone */
		diag_list_release(&mine);
	}
	diag_list_move(dl, &mine);
	aws_response_release(&resp);
	free(path);
	return rc;
}

int s3_head_bucket(struct aws_client *c, const char *bucket, long *status, struct diag_list *dl)
{
	char *path = xstrfmt("/%s", bucket);
	struct aws_request req = {.service = "s3", .method = "HEAD", .path = path};
	struct aws_response resp;
	struct diag_list mine = DIAG_LIST_INIT;
	aws_response_init(&resp);
	int rc = aws_send(c, &req, &resp, &mine);
	*status = resp.status;
	/* a 3xx or 4xx is S3's answer about the name; only no answer or a 5xx is not */
	if (rc < 0 && resp.status >= 300 && resp.status < 500) {
		rc = 0;
		diag_list_release(&mine);
	}
	diag_list_move(dl, &mine);
	aws_response_release(&resp);
	free(path);
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

int iam_role_exists(struct aws_client *c, const char *name, bool *exists, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=GetRole&Version=2010-05-08");
	aws_form_add(&b, "RoleName", name);
	struct aws_request req = {
		.service = "iam",
		.method = "POST",
		.path = "/",
		.content_type = "application/x-www-form-urlencoded; charset=utf-8",
		.body = b.buf,
		.body_len = b.len,
	};
	struct aws_response resp;
	struct diag_list mine = DIAG_LIST_INIT;
	aws_response_init(&resp);
	int rc = aws_send(c, &req, &resp, &mine);
	*exists = rc == 0;
	if (rc < 0 && resp.error_code && !strcmp(resp.error_code, "NoSuchEntity")) {
		rc = 0; /* an answer: no such role */
		diag_list_release(&mine);
	}
	diag_list_move(dl, &mine);
	aws_response_release(&resp);
	strbuf_release(&b);
	return rc;
}
