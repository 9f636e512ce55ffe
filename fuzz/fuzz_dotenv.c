/*
 * Fuzz the .env parser (config/dotenv.c): any bytes parse without a crash,
 * every key is non-empty and made of key characters, every line number is
 * within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/dotenv.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int key_ok(const char *k)
{
    if (!*k)
        return 0;
    return strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_.-") == strlen(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dotenv d;
    size_t i, lines = 1;

    if (size > 65536)
        return 0;
    for (i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';
    dotenv_init(&d);
    dotenv_parse((const char *)data, size, &d);
    for (i = 0; i < d.n; i++)
        if (!key_ok(d.v[i].key) || d.v[i].line < 1 ||
            (size_t)d.v[i].line > lines)
            abort();
    dotenv_release(&d);
    return 0;
}
