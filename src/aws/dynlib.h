/*
 * libcurl, libxml2 and libcrypto, loaded when the first AWS call is made
 * (dlopen), not when the program starts: with their dependencies (GnuTLS,
 * Kerberos, LDAP, ICU, ...) they are some thirty shared libraries, and
 * loading them cost every command about 5 ms, all of `synth`'s budget
 * (issue 2: 5 ms), for commands that never talk to AWS.
 *
 * Include this header, and no libcurl or libxml2 header after it, in the
 * files that call them: the names below then go through the loaded
 * pointers. aws_dynlib_load() must have succeeded first; it is cheap after
 * the first call and safe from several threads.
 */
#ifndef SM_AWS_DYNLIB_H
#define SM_AWS_DYNLIB_H

/* the function-like type-checking macros would hide the pointers */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "base/diag.h"

struct aws_dynlib {
	CURLcode (*p_curl_global_init)(long flags);
	CURL *(*p_curl_easy_init)(void);
	CURLcode (*p_curl_easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*p_curl_easy_perform)(CURL *curl);
	CURLcode (*p_curl_easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*p_curl_easy_cleanup)(CURL *curl);
	const char *(*p_curl_easy_strerror)(CURLcode code);
	struct curl_slist *(*p_curl_slist_append)(struct curl_slist *list, const char *s);
	void (*p_curl_slist_free_all)(struct curl_slist *list);
	void (*p_xmlInitParser)(void);
	xmlDocPtr (*p_xmlReadMemory)(const char *buf, int size, const char *url, const char *enc,
				     int options);
	xmlNodePtr (*p_xmlDocGetRootElement)(const xmlDoc *doc);
	void (*p_xmlFreeDoc)(xmlDocPtr doc);
	xmlChar *(*p_xmlNodeGetContent)(const xmlNode *node);
	xmlFreeFunc *p_xmlFree; /* libxml2's variable xmlFree (Debian's exports no __xmlFree) */
	int (*p_EVP_Digest)(const void *data, size_t count, unsigned char *md, unsigned int *size,
			    const EVP_MD *type, ENGINE *impl);
	const EVP_MD *(*p_EVP_sha256)(void);
	const EVP_MD *(*p_EVP_sha1)(void);
	unsigned char *(*p_HMAC)(const EVP_MD *evp_md, const void *key, int key_len,
				 const unsigned char *d, size_t n, unsigned char *md,
				 unsigned int *md_len);
	unsigned char *(*p_SHA256)(const unsigned char *d, size_t n, unsigned char *md);
	int (*p_RAND_bytes)(unsigned char *buf, int num);
	void (*p_OPENSSL_cleanse)(void *ptr, size_t len);
	CURLcode curl_init; /* what curl_global_init answered */
};

extern struct aws_dynlib aws_dynlib;

/*
 * Load the three libraries and initialise them, once. 0, or -1 with a diagnostic
 * naming the library that is missing and the package that has it.
 */
int aws_dynlib_load(struct diag_list *dl);

#ifndef SM_AWS_DYNLIB_IMPL
/* curl.h makes these two function-like macros of themselves */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (*aws_dynlib.p_curl_global_init)
#define curl_easy_init (*aws_dynlib.p_curl_easy_init)
#define curl_easy_setopt (*aws_dynlib.p_curl_easy_setopt)
#define curl_easy_perform (*aws_dynlib.p_curl_easy_perform)
#define curl_easy_getinfo (*aws_dynlib.p_curl_easy_getinfo)
#define curl_easy_cleanup (*aws_dynlib.p_curl_easy_cleanup)
#define curl_easy_strerror (*aws_dynlib.p_curl_easy_strerror)
#define curl_slist_append (*aws_dynlib.p_curl_slist_append)
#define curl_slist_free_all (*aws_dynlib.p_curl_slist_free_all)
#define xmlInitParser (*aws_dynlib.p_xmlInitParser)
#define xmlReadMemory (*aws_dynlib.p_xmlReadMemory)
#define xmlDocGetRootElement (*aws_dynlib.p_xmlDocGetRootElement)
#define xmlFreeDoc (*aws_dynlib.p_xmlFreeDoc)
#define xmlNodeGetContent (*aws_dynlib.p_xmlNodeGetContent)
#undef xmlFree
#define xmlFree (*aws_dynlib.p_xmlFree)
#define EVP_Digest (*aws_dynlib.p_EVP_Digest)
#define EVP_sha256 (*aws_dynlib.p_EVP_sha256)
#define EVP_sha1 (*aws_dynlib.p_EVP_sha1)
#define HMAC (*aws_dynlib.p_HMAC)
#define SHA256 (*aws_dynlib.p_SHA256)
#define RAND_bytes (*aws_dynlib.p_RAND_bytes)
#define OPENSSL_cleanse (*aws_dynlib.p_OPENSSL_cleanse)
#endif

#endif
