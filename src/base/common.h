/*
 * Included by every C file of the library and the command, after its
 * other includes (git's git-compat-util.h): the C library headers the
 * banned list needs declared first, then base/banned.h, so that no file
 * can call strcpy, sprintf, strtok, ... (tests/cli/layers.sh checks that
 * every file includes it and that nothing includes banned.h directly).
 */
#ifndef SM_COMMON_H
#define SM_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#endif
