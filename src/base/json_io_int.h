/*
 * Private to src/base: what the JSON reader, the YAML loader and the position
 * maps share (UTF-8 and \uXXXX decoding as jansson accepts them, the BOM).
 * Inline, so that the readers' inner loops pay no call.
 */
#ifndef SM_JSON_IO_INT_H
#define SM_JSON_IO_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * Length of the UTF-8 sequence at `p` (lead byte >= 0x80) and its code
 * point, or 0 when jansson would refuse it: overlong forms, surrogates,
 * beyond U+10FFFF, truncated.
 */
static inline size_t jio_utf8_decode(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	unsigned c = p[0], v;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
	    (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

static inline bool jio_hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | d;
	}
	*out = v;
	return true;
}

/* CloudFormation reads a template that starts with a UTF-8 byte-order mark. */
static inline size_t jio_bom_len(const char *text, size_t len)
{
	return len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/*
 * The one error for a document nested deeper than JIO_MAX_DEPTH, from either
 * reader: file, line and column of the first container past the limit, the
 * limit, and what to do.
 */
struct diag_list;
void jio_diag_too_deep(struct diag_list *dl, const char *file, int line, int col);

/*
 * The end of the number or literal (true, false, null) at `p`, as the fast
 * JSON reader reads it, or NULL when it is not one (json_read.c).
 */
const char *jio_scan_scalar(const char *p, const char *end);

/*
 * A plain YAML scalar as CloudFormation reads it (YAML 1.1 core: null, bool,
 * int, float, else a string); a new reference (yaml_read.c). The YAML writer
 * quotes a string that would read back as another type.
 */
json_t *jio_yaml_resolve_plain(const char *s);

#endif
