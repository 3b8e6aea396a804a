/*
 * S3 PutObject, path-style (s3.h). The key is encoded the way the signer
 * encodes the path (RFC 3986, '/' kept), so that the URL curl sends and the
 * canonical request S3 rebuilds from it agree.
 */
#include "aws/s3.h"

#include <stdlib.h>
#include <string.h>

#include "aws/client_internal.h"
#include "aws/sigv4.h"
#include "base/common.h"
#include "base/xalloc.h"

static int valid_names(const char *bucket, const char *key, struct diag_list *dl)
{
	if (bucket && *bucket && !strchr(bucket, '/') && key && *key)
		return 0;
	diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL, "S3 PutObject: %s",
		 !bucket || !*bucket   ? "no bucket name"
		 : strchr(bucket, '/') ? "a bucket name has no '/'"
				       : "no object key");
	return -1;
}

int s3_put_object(struct aws_client *c, const char *bucket, const char *key, const char *body,
		  size_t len, const char *content_type, struct diag_list *dl)
{
	if (valid_names(bucket, key, dl) < 0)
		return -1;
	char *path = xstrfmt("/%s/%s", bucket, key);
	struct aws_request req = {
		.service = "s3",
		.method = "PUT",
		.path = path,
		.content_type = content_type ? content_type : "application/octet-stream",
		.body = body ? body : "",
		.body_len = body ? len : 0,
	};
	struct aws_response resp;
	aws_response_init(&resp);
	int rc = aws_send(c, &req, &resp, dl);
	aws_response_release(&resp);
	free(path);
	return rc;
}

char *s3_object_url(const struct aws_client *c, const char *bucket, const char *key)
{
	struct aws_endpoint ep;
	aws_endpoint_get(c, "s3", &ep);
	struct strbuf url = STRBUF_INIT;
	strbuf_addf(&url, "%s/", ep.base);
	sigv4_uri_encode(&url, bucket, strlen(bucket), 0);
	strbuf_addch(&url, '/');
	sigv4_uri_encode(&url, key, strlen(key), 1);
	aws_endpoint_release(&ep);
	return strbuf_detach(&url, NULL);
}
