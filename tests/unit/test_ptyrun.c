/*
 * Finding the setup-token in what `claude setup-token` printed to a
 * terminal: colour and cursor escapes removed, a token wrapped over
 * several lines (with or without a box margin) joined, the last token
 * printed wins, and text after the token is not swallowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cli/ptyrun.h"

#define PFX "sk-ant-oat01-"
#define TOK                                                                    \
    PFX "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_ab"   \
        "cdefghijklmnopqrstuvwxyz0123"

static char *find(const char *text, size_t width)
{
    return ptyrun_find_token(text, strlen(text), PFX, width);
}

static void expect_tok(const char *text, size_t width, const char *want)
{
    char *got = find(text, width);

    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_plain_line(void **state)
{
    (void)state;
    expect_tok("Your token:\r\n" TOK "\r\nStore it safely.\r\n", 200, TOK);
}

static void test_escapes_removed(void **state)
{
    (void)state;
    expect_tok("\033[32m\xe2\x9c\x93 Done\033[0m\r\n\033[1m" TOK
               "\033[0m\r\n\033]0;title\a",
               200, TOK);
}

static void test_wrapped_at_width(void **state)
{
    char text[512];
    size_t w = 40;

    (void)state;
    /* the terminal wrapped the token at 40 columns */
    snprintf(text, sizeof(text), "%.40s\r\n%.40s\r\n%s\r\n\r\nNext line\r\n",
             TOK, TOK + 40, TOK + 80);
    expect_tok(text, w, TOK);
}

static void test_wrapped_in_box(void **state)
{
    char text[512];

    (void)state;
    /* ink-style box: "│ " margins on continuation lines */
    snprintf(text, sizeof(text),
             "\xe2\x94\x82 %.58s\r\n\xe2\x94\x82 %s\r\n\xe2\x94\x82\r\n", TOK,
             TOK + 58);
    expect_tok(text, 60, TOK);
}

static void test_short_line_not_joined(void **state)
{
    (void)state;
    /* a whole token on a short line: the next word is not part of it */
    expect_tok(TOK "\r\nStore\r\n", 200, TOK);
}

static void test_last_wins_and_none(void **state)
{
    (void)state;
    expect_tok(PFX "old-old-old-old-old-old-old-old-old-old-old-old-old-old-"
                   "old-old-old-old-old\r\nthen\r\n" TOK "\r\n",
               200, TOK);
    expect_tok("no token here\r\n", 80, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_line),
        cmocka_unit_test(test_escapes_removed),
        cmocka_unit_test(test_wrapped_at_width),
        cmocka_unit_test(test_wrapped_in_box),
        cmocka_unit_test(test_short_line_not_joined),
        cmocka_unit_test(test_last_wins_and_none),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
