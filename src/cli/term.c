/*
 * Colour decisions for terminal output (see term.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/term.h"
#include "base/banned.h"

static bool disabled;

void term_disable_color(void)
{
    disabled = true;
}

bool term_color(FILE *fp)
{
    const char *term = getenv("TERM");
    const char *nc = getenv("NO_COLOR");

    if (disabled || (nc && *nc) || (term && !strcmp(term, "dumb")))
        return false;
    return isatty(fileno(fp)) == 1;
}

const char *term_on(FILE *fp, enum term_style style)
{
    static const char *const codes[] = {"",         "\033[1m",  "\033[2m",
                                        "\033[31m", "\033[32m", "\033[33m"};

    return term_color(fp) ? codes[style] : "";
}

const char *term_off(FILE *fp)
{
    return term_color(fp) ? "\033[0m" : "";
}
