/*
 * Terminal output: whether to use colour (a TTY, NO_COLOR unset, TERM not
 * "dumb", no --no-color) and the few styles we use.
 */
#ifndef OC_CLI_TERM_H
#define OC_CLI_TERM_H

#include <stdbool.h>
#include <stdio.h>

enum term_style {
    TERM_PLAIN,
    TERM_BOLD,
    TERM_DIM,
    TERM_RED,
    TERM_GREEN,
    TERM_YELLOW
};

/* --no-color was given. */
void term_disable_color(void);
/* Should output to fp be coloured? */
bool term_color(FILE *fp);
/* The escape sequence that starts/ends style on fp ("" without colour). */
const char *term_on(FILE *fp, enum term_style style);
const char *term_off(FILE *fp);

#endif
