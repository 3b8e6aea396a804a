/* Private to src/lifecycle: what its files share. */
#ifndef SM_LIFECYCLE_INT_H
#define SM_LIFECYCLE_INT_H

#include <stddef.h>

#include "aws/client.h"
#include "base/diag.h"

/*
 * Upload a template to the bootstrap bucket of the client's region (the
 * toolkit stack's BucketName output), content-addressed; its URL (caller
 * frees), or NULL + diag (naming 'solemate bootstrap --env ENV' when the
 * region is not bootstrapped).
 */
char *lc_upload_template(struct aws_client *c, const char *env, const char *stack, const char *body,
			 size_t len, struct diag_list *dl);

#endif
