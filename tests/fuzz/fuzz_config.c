/* libFuzzer target: the configuration loader must never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "lib/environments.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct env_config cfg;
	struct diag_list dl = DIAG_LIST_INIT;
	if (env_config_parse("fuzz.json", (const char *)data, size, &cfg, &dl) == 0)
		env_config_release(&cfg);
	diag_list_release(&dl);
	return 0;
}
