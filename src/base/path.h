/*
 * Path strings: join, dirname/basename, "~" expansion, containment. Pure
 * string operations; nothing here touches the file system except
 * path_realpath.
 */
#ifndef OC_BASE_PATH_H
#define OC_BASE_PATH_H

#include <stdbool.h>

/* "a" + "b" -> "a/b" (one slash); an absolute b is returned as is. */
char *path_join(const char *a, const char *b);
/* Directory part ("." when none); caller frees. */
char *path_dirname(const char *p);
/* Last component (borrowed pointer into p). */
const char *path_basename(const char *p);
/* "~" or "~/x" -> home + rest; other paths are copied. */
char *path_expand_tilde(const char *p, const char *home);
/* Lexically normalise: collapse "//", "/./", resolve ".." (absolute only). */
char *path_normalize(const char *p);
/* Is p equal to root or inside it? Both must be normalised absolute paths. */
bool path_is_within(const char *p, const char *root);
/* realpath(3) that returns NULL with errno set; caller frees. */
char *path_realpath(const char *p);

#endif
