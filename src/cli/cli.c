/* Placeholder dispatcher, replaced by the command table. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/banned.h"

int cli_main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("OpenClaw %s\n", OC_VERSION);
        return 0;
    }
    return 2;
}
