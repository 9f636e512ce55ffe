/*
 * Test helpers (see testutil.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/xalloc.h"

char *tu_mkdtemp(void)
{
    const char *t = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/oc-test-XXXXXX", t && *t ? t : "/tmp");

    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return tmpl;
}

void tu_rmrf(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;

    if (!strstr(path, "/oc-test-") || lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    while (d && (e = readdir(d))) {
        char *child;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        child = path_join(path, e->d_name);
        tu_rmrf(child);
        free(child);
    }
    if (d)
        closedir(d);
    rmdir(path);
}

char *tu_write(const char *dir, const char *name, const char *s)
{
    char *p = path_join(dir, name);
    FILE *f = fopen(p, "w");

    if (!f) {
        perror(p);
        abort();
    }
    fputs(s, f);
    fclose(f);
    chmod(p, 0600);
    return p;
}

char *tu_read(const char *path)
{
    struct buf b;

    buf_init(&b, 0);
    if (fsx_read_file(path, b.max, &b, NULL))
        return NULL;
    return buf_detach(&b, NULL);
}

int tu_mode(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return -1;
    return (int)(st.st_mode & 07777);
}
