/*
 * Private to json5.c and json5_lex.c: the parser state and the lexical
 * layer (UTF-8 decoding, whitespace and comments, strings, identifier
 * keys, error reporting). Not part of the json5.h contract.
 */
#ifndef OC_JSON_JSON5_LEX_H
#define OC_JSON_JSON5_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "json/json5.h"

struct json5_parser {
    const unsigned char *p;
    size_t n;
    size_t pos;
    int max_depth;
    bool had_comments;
    bool failed;
    struct buf scratch; /* unescaped strings and number texts */
    struct json5_error e;
};

/* JSON5 WhiteSpace or LineTerminator. */
bool json5_lex_is_space(uint32_t cp);

/* Record the first error (at byte offset at) and return -1. */
int json5_lex_fail(struct json5_parser *ps, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "unexpected character 'x'" / "... U+XXXX", "unexpected end of input" or
 * "invalid UTF-8", whichever describes the text at offset at. */
int json5_lex_fail_char(struct json5_parser *ps, size_t at);
/* 1-based line and code-point column of byte offset at. */
void json5_lex_locate(const unsigned char *p, size_t at, int *line,
                      int *column);

/* Skip whitespace and comments; 0 or -1. */
int json5_lex_skip(struct json5_parser *ps);

/*
 * Scan the string literal at ps->pos (which holds its quote). On success
 * (*s, *len) is the decoded UTF-8 text: a span of the input, or ps->scratch
 * when there were escapes (valid until the next lexer call).
 */
int json5_lex_string(struct json5_parser *ps, const char **s, size_t *len);
/* Same for an identifier property name; -1 when there is none at pos. */
int json5_lex_ident(struct json5_parser *ps, const char **s, size_t *len);

#endif
