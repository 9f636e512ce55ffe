/*
 * Replay a fuzz corpus through a target's LLVMFuzzerTestOneInput without
 * libFuzzer, so gcc test builds run every corpus file on every build. Each
 * argument is a file or a directory of files; a crash or sanitizer report
 * fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    struct buf b;
    struct oc_err err;

    buf_init(&b, (size_t)16 << 20);
    if (fsx_read_file(path, b.max, &b, &err)) {
        fprintf(stderr, "replay: %s\n", oc_err_msg(&err));
        return -1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)b.p, b.len);
    buf_release(&b);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int replay_dir(const char *dir, int *count)
{
    struct dirent **list = NULL;
    int i, n = scandir(dir, &list, NULL, by_name), rc = 0;

    if (n < 0) {
        perror(dir);
        return -1;
    }
    for (i = 0; i < n; i++) {
        char *p = path_join(dir, list[i]->d_name);
        if (list[i]->d_name[0] != '.' && !fsx_is_dir(p)) {
            rc |= replay_file(p);
            (*count)++;
        }
        free(p);
        free(list[i]);
    }
    free(list);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0, count = 0;

    for (i = 1; i < argc; i++) {
        if (fsx_is_dir(argv[i])) {
            rc |= replay_dir(argv[i], &count);
        } else {
            rc |= replay_file(argv[i]);
            count++;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no corpus files found\n");
        return 1;
    }
    printf("replayed %d inputs\n", count);
    return rc ? 1 : 0;
}
