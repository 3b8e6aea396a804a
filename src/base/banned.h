/*
 * Functions that are too easy to misuse, made compile errors (git's
 * banned.h). Use strbuf_addf/xstrfmt and memcpy with explicit lengths.
 */
#ifndef SM_BANNED_H
#define SM_BANNED_H

#define SM_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SM_BANNED(strcpy)
#undef strcat
#define strcat(x, y) SM_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SM_BANNED(strncpy)
#undef sprintf
#define sprintf(...) SM_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SM_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SM_BANNED(strtok)
#undef gets
#define gets(x) SM_BANNED(gets)
#undef atoi
#define atoi(x) SM_BANNED(atoi)

#endif
