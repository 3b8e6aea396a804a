/* libFuzzer target: template loading (JSON or YAML) and positions. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/json_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list dl = DIAG_LIST_INIT;
	json_t *v = jio_load_auto("fuzz.yaml", (const char *)data, size, &dl);
	if (v) {
		char *y = jio_dump_yaml(v, NULL);
		free(y);
		json_decref(v);
	}
	struct jio_posmap *pm = jio_posmap_build((const char *)data, size);
	int l, c;
	jio_posmap_lookup(pm, "Resources", &l, &c);
	jio_posmap_free(pm);
	diag_list_release(&dl);
	return 0;
}
