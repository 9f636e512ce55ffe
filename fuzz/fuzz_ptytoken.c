/*
 * Fuzz finding a setup-token in terminal output (cli/ptyrun): arbitrary
 * bytes, escape sequences and widths never crash, and what is found
 * always starts with the prefix and is made of token characters.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ptyrun.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prefix[] = "sk-ant-oat01-";
    size_t width, i;
    char *tok;

    if (size < 1 || size > 65536)
        return 0;
    width = data[0];
    tok = ptyrun_find_token((const char *)data + 1, size - 1, prefix, width);
    if (tok) {
        if (strncmp(tok, prefix, strlen(prefix)) != 0)
            abort();
        for (i = 0; tok[i]; i++)
            if (!isalnum((unsigned char)tok[i]) && tok[i] != '-' &&
                tok[i] != '_')
                abort();
        free(tok);
    }
    return 0;
}
