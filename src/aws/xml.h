/*
 * The little of libxml2 the AWS client needs: parse a response, walk it by
 * local names (AWS answers carry a default namespace we need not match),
 * copy text out. Parsing never prints (libxml2's default error handler
 * would write to stderr) and never fetches anything from the network.
 */
#ifndef SM_AWS_XML_H
#define SM_AWS_XML_H

#include <libxml/tree.h>
#include <stddef.h>

/* The document, or NULL when `buf` is not well-formed XML. xmlFreeDoc() it. */
xmlDocPtr aws_xml_parse(const char *buf, size_t len);

/* First element child of `n` named `local` (any namespace), or NULL. */
xmlNodePtr aws_xml_child(xmlNodePtr n, const char *local);

/* Follow "A/B/C" from `n` by aws_xml_child; NULL when a step is missing. */
xmlNodePtr aws_xml_path(xmlNodePtr n, const char *path);

/* The next element sibling after `n` with the same local name (for <member> lists). */
xmlNodePtr aws_xml_next_same(xmlNodePtr n);

/* First element named `local` in the subtree of `n` (n included), depth first. */
xmlNodePtr aws_xml_find(xmlNodePtr n, const char *local);

/* The text of `n` (malloc'd), or NULL when `n` is NULL. */
char *aws_xml_text(xmlNodePtr n);

/* The text of aws_xml_path(n, path), or NULL when missing or empty. malloc'd. */
char *aws_xml_path_text(xmlNodePtr n, const char *path);

/*
 * The <ACTIONResult> element of a Query API answer <ACTIONResponse> (the
 * root itself when an action sends no Result), *doc set for xmlFreeDoc().
 * NULL with a diagnostic "SERVICE ACTION: unexpected answer ..." when the
 * document is not that answer.
 */
struct diag_list;
xmlNodePtr aws_xml_result(const char *xml, size_t len, const char *service, const char *action,
			  xmlDocPtr *doc, struct diag_list *dl);

#endif
