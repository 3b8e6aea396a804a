/* RDS DescribeDBInstances and PromoteReadReplica (rds.h). */
#include "aws/rds.h"
#include "aws/dynlib.h" /* libxml2 through the pointers loaded on first use */

#include <stdlib.h>
#include <string.h>

#include "aws/describe.h"
#include "aws/xml.h"
#include "base/common.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#define RDS_VERSION "2014-10-31"

void rds_instance_release(struct rds_instance *db)
{
	free(db->id);
	free(db->arn);
	free(db->status);
	free(db->source);
	free(db->endpoint);
	free(db->replication_status);
	free(db->replication_message);
	memset(db, 0, sizeof(*db));
}

/* A <DBInstance> element into `out`. */
static void parse_instance(xmlNodePtr n, struct rds_instance *out)
{
	memset(out, 0, sizeof(*out));
	out->id = aws_xml_path_text(n, "DBInstanceIdentifier");
	out->arn = aws_xml_path_text(n, "DBInstanceArn");
	out->status = aws_xml_path_text(n, "DBInstanceStatus");
	out->source = aws_xml_path_text(n, "ReadReplicaSourceDBInstanceIdentifier");
	out->endpoint = aws_xml_path_text(n, "Endpoint/Address");
	out->replication_normal = true;
	out->backup_retention = -1;
	char *retention = aws_xml_path_text(n, "BackupRetentionPeriod");
	if (retention) {
		out->backup_retention = (int)strtol(retention, NULL, 10);
		free(retention);
	}
	xmlNodePtr infos = aws_xml_child(n, "StatusInfos");
	for (xmlNodePtr i = infos ? aws_xml_child(infos, "DBInstanceStatusInfo") : NULL; i;
	     i = aws_xml_next_same(i)) {
		char *type = aws_xml_path_text(i, "StatusType");
		bool replication = type && !strcmp(type, "read replication");
		free(type);
		if (!replication)
			continue;
		out->replication_status = aws_xml_path_text(i, "Status");
		out->replication_message = aws_xml_path_text(i, "Message");
		char *normal = aws_xml_path_text(i, "Normal");
		out->replication_normal = !normal || strcmp(normal, "false");
		free(normal);
		break;
	}
}

/* Send `body` (an RDS action), find <ACTION>Result/DBInstance(s). */
static int rds_call(struct aws_client *c, const char *action, struct strbuf *body, const char *path,
		    struct rds_instance *out, struct diag_list *dl)
{
	xmlDocPtr doc;
	int rc = aws_query_call(c, "rds", body, &doc, dl);
	if (rc < 0)
		return -1;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr result = root ? aws_xml_find(root, path) : NULL;
	if (!result) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
			 "RDS %s: unexpected answer (no %s element)", action, path);
		rc = -1;
	} else if (out) {
		parse_instance(result, out);
	}
	xmlFreeDoc(doc);
	return rc;
}

int rds_describe_instance(struct aws_client *c, const char *id, struct rds_instance *out,
			  struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=DescribeDBInstances&Version=" RDS_VERSION);
	aws_form_add(&b, "DBInstanceIdentifier", id);
	struct diag_list mine = DIAG_LIST_INIT;
	memset(out, 0, sizeof(*out));
	int rc = rds_call(c, "DescribeDBInstances", &b, "DBInstance", out, &mine);
	strbuf_release(&b);
	if (rc == 0)
		return 1;
	if (mine.nr && strstr(mine.items[0].message, "DBInstanceNotFound")) {
		diag_list_release(&mine); /* an answer: no such instance */
		return 0;
	}
	diag_list_move(dl, &mine);
	return -1;
}

int rds_promote_read_replica(struct aws_client *c, const char *id, int backup_retention,
			     struct rds_instance *out, struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addstr(&b, "Action=PromoteReadReplica&Version=" RDS_VERSION);
	aws_form_add(&b, "DBInstanceIdentifier", id);
	if (backup_retention > 0)
		strbuf_addf(&b, "&BackupRetentionPeriod=%d", backup_retention);
	if (out)
		memset(out, 0, sizeof(*out));
	int rc = rds_call(c, "PromoteReadReplica", &b, "DBInstance", out, dl);
	strbuf_release(&b);
	return rc;
}
