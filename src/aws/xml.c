#include "aws/dynlib.h" /* first: libxml2 through the pointers loaded on first use */

#include "aws/xml.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/xalloc.h"

xmlDocPtr aws_xml_parse(const char *buf, size_t len)
{
	/* loaded already by aws_send, which reports a failure to load */
	struct diag_list ignore = DIAG_LIST_INIT;
	int loaded = aws_dynlib_load(&ignore);
	diag_list_release(&ignore);
	if (loaded < 0 || !buf || len > INT_MAX)
		return NULL;
	return xmlReadMemory(buf, (int)len, "response.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int is(xmlNodePtr n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && n->name && !strcmp((const char *)n->name, local);
}

xmlNodePtr aws_xml_child(xmlNodePtr n, const char *local)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is(c, local))
			return c;
	return NULL;
}

xmlNodePtr aws_xml_path(xmlNodePtr n, const char *path)
{
	char step[128];
	while (n && *path) {
		size_t len = strcspn(path, "/");
		if (len >= sizeof(step))
			return NULL;
		memcpy(step, path, len);
		step[len] = '\0';
		n = aws_xml_child(n, step);
		path += len;
		if (*path == '/')
			path++;
	}
	return n;
}

xmlNodePtr aws_xml_next_same(xmlNodePtr n)
{
	for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
		if (is(c, (const char *)n->name))
			return c;
	return NULL;
}

xmlNodePtr aws_xml_find(xmlNodePtr n, const char *local)
{
	if (!n || is(n, local))
		return n;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		xmlNodePtr found = aws_xml_find(c, local);
		if (found)
			return found;
	}
	return NULL;
}

char *aws_xml_text(xmlNodePtr n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	char *s = xstrdup(t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

char *aws_xml_path_text(xmlNodePtr n, const char *path)
{
	char *s = aws_xml_text(aws_xml_path(n, path));
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

xmlNodePtr aws_xml_result(const char *xml, size_t len, const char *service, const char *action,
			  xmlDocPtr *doc, struct diag_list *dl)
{
	*doc = aws_xml_parse(xml, len);
	xmlNodePtr root = *doc ? xmlDocGetRootElement(*doc) : NULL;
	char name[96];
	snprintf(name, sizeof(name), "%sResponse", action);
	if (root && !strcmp((const char *)root->name, name)) {
		snprintf(name, sizeof(name), "%sResult", action);
		xmlNodePtr result = aws_xml_child(root, name);
		/* Actions with nothing to say may send an empty <...Result/> or none at all. */
		return result ? result : root;
	}
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
		 "%s %s: unexpected answer (%s, not a %sResponse document)", service, action,
		 *doc ? "another XML document" : "not well-formed XML", action);
	if (*doc)
		xmlFreeDoc(*doc);
	*doc = NULL;
	return NULL;
}
