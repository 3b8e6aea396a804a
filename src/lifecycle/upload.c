/* Templates too large to send inline, uploaded to the bootstrap bucket. */
#include "aws/dynlib.h" /* first: libcrypto through the pointers loaded on first use */

#include <stdio.h>
#include <stdlib.h>

#include "aws/cfn.h"
#include "aws/s3.h"
#include "base/common.h"
#include "base/xalloc.h"
#include "lifecycle/deploy.h"
#include "lifecycle/lifecycle_int.h"

/* The bootstrap bucket of a region, from the toolkit stack's outputs. */
static char *toolkit_bucket(struct aws_client *c, const char *env, struct diag_list *dl)
{
	struct cfn_stack s = {0};
	char *bucket = NULL;
	int r = cfn_describe_stack(c, LC_TOOLKIT_STACK, &s, dl);
	if (r == 1) {
		const json_t *b = json_object_get(s.outputs, "BucketName");
		if (json_is_string(b))
			bucket = xstrdup(json_string_value(b));
	}
	if (r >= 0 && !bucket) {
		struct diag *d =
			diag_add(dl, DIAG_ERROR, NULL, 0, 0, NULL,
				 "the template must be uploaded to S3, and region %s is not "
				 "bootstrapped (no stack %s with a BucketName output)",
				 c->creds->region, LC_TOOLKIT_STACK);
		diag_set_hint(d, "run 'solemate bootstrap --env %s' first", env ? env : "NAME");
	}
	cfn_stack_release(&s);
	return bucket;
}

char *lc_upload_template(struct aws_client *c, const char *env, const char *stack, const char *body,
			 size_t len, struct diag_list *dl)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	char *bucket = toolkit_bucket(c, env, dl), *key = NULL, *url = NULL;
	/* toolkit_bucket called AWS: the libraries are loaded when it succeeded */
	if (!bucket || aws_dynlib_load(dl) < 0) {
		free(bucket);
		return NULL;
	}
	SHA256((const unsigned char *)body, len, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	/* content-addressed: a retry uploads the same object again, harmlessly */
	key = xstrfmt("templates/%s-%s.template.json", stack, hex);
	if (s3_put_object(c, bucket, key, body, len, "application/json", dl) == 0)
		url = s3_object_url(c, bucket, key);
	free(key);
	free(bucket);
	return url;
}
