/*
 * Functions we never call: each has a bounded or reentrant replacement
 * (buf_addf/snprintf, str_parse_int64, gmtime_r, mkstemp/openat(O_EXCL),
 * getrandom, posix_spawn). Include this header last in every .c file so a
 * use becomes a compile error.
 */
#ifndef OC_BASE_BANNED_H
#define OC_BASE_BANNED_H

#define OC_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) OC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) OC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) OC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) OC_BANNED(strncat)
#undef sprintf
#define sprintf(...) OC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) OC_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) OC_BANNED(strtok)
#undef gets
#define gets(x) OC_BANNED(gets)
#undef atoi
#define atoi(x) OC_BANNED(atoi)
#undef atol
#define atol(x) OC_BANNED(atol)
#undef atoll
#define atoll(x) OC_BANNED(atoll)
#undef gmtime
#define gmtime(x) OC_BANNED(gmtime)
#undef localtime
#define localtime(x) OC_BANNED(localtime)
#undef ctime
#define ctime(x) OC_BANNED(ctime)
#undef asctime
#define asctime(x) OC_BANNED(asctime)
#undef mktemp
#define mktemp(x) OC_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) OC_BANNED(tmpnam)
#undef rand
#define rand() OC_BANNED(rand)
#undef system
#define system(x) OC_BANNED(system)

#endif
