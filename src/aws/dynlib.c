/* libcurl and libxml2 loaded on first use (dynlib.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

#define SM_AWS_DYNLIB_IMPL /* the real names here, not the macros */
#include "aws/dynlib.h"
#include "base/common.h"

struct aws_dynlib aws_dynlib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failed_lib, *failed_pkg, *failed_why;

static const struct {
	int lib; /* 0 libcurl, 1 libxml2, 2 libcrypto */
	const char *name;
	size_t off;
} symbols[] = {
#define SYM(lib, name)                                                                             \
	{                                                                                          \
		lib, #name, offsetof(struct aws_dynlib, p_##name)                                  \
	}
	SYM(0, curl_global_init),
	SYM(0, curl_easy_init),
	SYM(0, curl_easy_setopt),
	SYM(0, curl_easy_perform),
	SYM(0, curl_easy_getinfo),
	SYM(0, curl_easy_cleanup),
	SYM(0, curl_easy_strerror),
	SYM(0, curl_slist_append),
	SYM(0, curl_slist_free_all),
	SYM(1, xmlInitParser),
	SYM(1, xmlReadMemory),
	SYM(1, xmlDocGetRootElement),
	SYM(2, EVP_Digest),
	SYM(2, EVP_sha256),
	SYM(2, EVP_sha1),
	SYM(2, HMAC),
	SYM(2, SHA256),
	SYM(2, RAND_bytes),
	SYM(2, OPENSSL_cleanse),
	SYM(1, xmlFreeDoc),
	SYM(1, xmlNodeGetContent),
	SYM(1, xmlFree),
#undef SYM
};

static void load(void)
{
	static const char *const sonames[] = {"libcurl.so.4", "libxml2.so.2", "libcrypto.so.3"};
	static const char *const packages[] = {"libcurl4", "libxml2", "libssl3"};
	void *h[3];
	for (int i = 0; i < 3; i++) {
		h[i] = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
		if (!h[i]) {
			failed_lib = sonames[i];
			failed_pkg = packages[i];
			failed_why = dlerror();
			return;
		}
	}
	for (size_t k = 0; k < sizeof(symbols) / sizeof(symbols[0]); k++) {
		void *p = dlsym(h[symbols[k].lib], symbols[k].name);
		if (!p) {
			failed_lib = sonames[symbols[k].lib];
			failed_pkg = packages[symbols[k].lib];
			failed_why = symbols[k].name;
			return;
		}
		/* POSIX: a void * from dlsym converts to a function pointer */
		*(void **)((char *)&aws_dynlib + symbols[k].off) = p;
	}
	/* both want their globals set up once, before threads use them */
	aws_dynlib.curl_init = aws_dynlib.p_curl_global_init(CURL_GLOBAL_DEFAULT);
	aws_dynlib.p_xmlInitParser();
}

int aws_dynlib_load(struct diag_list *dl)
{
	pthread_once(&once, load);
	if (failed_lib) {
		struct diag *d = diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
					  "cannot load %s, which the AWS commands need (%s)",
					  failed_lib, failed_why ? failed_why : "unknown error");
		diag_set_hint(d, "install it: apt-get install %s", failed_pkg);
		return -1;
	}
	if (aws_dynlib.curl_init != CURLE_OK) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "libcurl failed to initialise");
		return -1;
	}
	return 0;
}
