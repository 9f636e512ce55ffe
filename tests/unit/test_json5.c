/*
 * JSON5 conformance for json5_parse: tables of valid inputs with the
 * compact JSON they must produce, invalid inputs with the exact message
 * (and position where it matters), number typing, depth limits and the
 * had_comments flag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct ok_case {
    const char *in;
    size_t n;
    const char *want; /* jsonx_dumps(value, 0) */
};

struct err_case {
    const char *in;
    size_t n;
    const char *msg;
    int line; /* 0: position not checked */
    int column;
};

#define OK(in, want)                                                           \
    {                                                                          \
        in, sizeof(in) - 1, want                                               \
    }
#define ERR(in, msg)                                                           \
    {                                                                          \
        in, sizeof(in) - 1, msg, 0, 0                                          \
    }
#define ERRAT(in, msg, l, c)                                                   \
    {                                                                          \
        in, sizeof(in) - 1, msg, l, c                                          \
    }

/* Raw UTF-8 for the special code points, spliced into literals. */
#define NBSP "\xc2\xa0"
#define BOM  "\xef\xbb\xbf"
#define LS   "\xe2\x80\xa8"
#define PS   "\xe2\x80\xa9"
#define IDSP "\xe3\x80\x80"

#define EOI      "unexpected end of input"
#define AFTER    "unexpected text after the value"
#define OBJ_SEP  "expected ',' or '}' after property value"
#define ARR_SEP  "expected ',' or ']' after array element"
#define COLON    "expected ':' after property name"
#define NAME     "expected property name or '}'"
#define UNTERM   "unterminated string"
#define BADU8    "invalid UTF-8"
#define UNPAIRED "unpaired surrogate in \\u escape"
#define NAN_MSG  "NaN is not supported (JSON cannot represent it)"
#define INF_MSG  "Infinity is not supported (JSON cannot represent it)"
#define BIG_MSG  "number too large (JSON cannot represent Infinity)"
#define LEAD0    "leading zeros are not allowed"
#define BAD_X    "invalid escape sequence '\\x' (expected 2 hex digits)"
#define BAD_U    "invalid escape sequence '\\u' (expected 4 hex digits)"

static const struct ok_case comments[] = {
    OK("// c\n1", "1"),
    OK("1 // c", "1"),
    OK("/* c */ 1", "1"),
    OK("1 /* c */", "1"),
    OK("/**/1", "1"),
    OK("/***/1", "1"),
    OK("/* ** / * */1", "1"),
    OK("/* // */ 1", "1"),
    OK("// /* \n 1", "1"),
    OK("1//", "1"),
    OK("1//\n", "1"),
    OK("// a\r1", "1"),
    OK("// a" LS "1", "1"),
    OK("// a" PS "1", "1"),
    OK("/* a\nb\r\nc */ 1", "1"),
    OK("/* \xc3\xa9 \xf0\x9f\x98\x80 */ 1", "1"),
    OK("[/*a*/1/*b*/,/*c*/2/*d*/]", "[1,2]"),
    OK("{/*a*/x/*b*/:/*c*/1/*d*/,/*e*/}", "{\"x\":1}"),
    OK("[1,//c\n2]", "[1,2]"),
    OK("{a://c\n1}", "{\"a\":1}"),
    OK("/*a*//*b*/1/*c*//*d*/", "1"),
    OK("'// not a comment'", "\"// not a comment\""),
    OK("\"/* nor this */\"", "\"/* nor this */\""),
    OK("{'a/*':'*/'}", "{\"a/*\":\"*/\"}"),
};

static const struct ok_case commas[] = {
    OK("[1,]", "[1]"),
    OK("[1,2,3,]", "[1,2,3]"),
    OK("[ 1 , ]", "[1]"),
    OK("[[],]", "[[]]"),
    OK("[{},]", "[{}]"),
    OK("{a:1,}", "{\"a\":1}"),
    OK("{a:1 , }", "{\"a\":1}"),
    OK("{a:1,b:2,}", "{\"a\":1,\"b\":2}"),
    OK("{a:[1,],b:{c:1,},}", "{\"a\":[1],\"b\":{\"c\":1}}"),
    OK("[]", "[]"),
    OK("{}", "{}"),
    OK("[ ]", "[]"),
    OK("{ }", "{}"),
};

static const struct ok_case keys[] = {
    OK("{a:1}", "{\"a\":1}"),
    OK("{$:1}", "{\"$\":1}"),
    OK("{_:1}", "{\"_\":1}"),
    OK("{$_a1:1}", "{\"$_a1\":1}"),
    OK("{A_b$9:1}", "{\"A_b$9\":1}"),
    OK("{\\u0061:1}", "{\"a\":1}"),
    OK("{a\\u0062c:1}", "{\"abc\":1}"),
    OK("{\\u0024:1}", "{\"$\":1}"),
    OK("{\\u005F:1}", "{\"_\":1}"),
    OK("{x\\u0030:1}", "{\"x0\":1}"),
    OK("{\\u00fc:1}", "{\"\xc3\xbc\":1}"),
    OK("{\xc3\xbc:1}", "{\"\xc3\xbc\":1}"),
    OK("{\xe6\x97\xa5\xe6\x9c\xac:1}", "{\"\xe6\x97\xa5\xe6\x9c\xac\":1}"),
    OK("{\xce\xa9mega:1}", "{\"\xce\xa9mega\":1}"),
    OK("{a\xe2\x80\x8c"
       "b:1}",
       "{\"a\xe2\x80\x8c"
       "b\":1}"),
    OK("{true:1,false:2,null:3}", "{\"true\":1,\"false\":2,\"null\":3}"),
    OK("{NaN:1,Infinity:2}", "{\"NaN\":1,\"Infinity\":2}"),
    OK("{if:1,for:2,class:3}", "{\"if\":1,\"for\":2,\"class\":3}"),
    OK("{a :1}", "{\"a\":1}"),
    OK("{a" NBSP ":1}", "{\"a\":1}"),
    OK("{'a b':1}", "{\"a b\":1}"),
    OK("{\"\":1}", "{\"\":1}"),
    OK("{'\\u0000':1}", "{\"\\u0000\":1}"),
    OK("{__proto__:1}", "{\"__proto__\":1}"),
    OK("{a:1,b:2,a:3}", "{\"a\":3,\"b\":2}"),
    OK("{a:{x:1},a:2}", "{\"a\":2}"),
    OK("{'a':1,\"a\":2,a:3}", "{\"a\":3}"),
    OK("{a\\u0062:1,ab:2}", "{\"ab\":2}"),
};

static const struct ok_case strings[] = {
    OK("\"abc\"", "\"abc\""),
    OK("'abc'", "\"abc\""),
    OK("''", "\"\""),
    OK("\"\"", "\"\""),
    OK("'a\"b'", "\"a\\\"b\""),
    OK("\"a'b\"", "\"a'b\""),
    OK("'\\''", "\"'\""),
    OK("\"\\\"\"", "\"\\\"\""),
    OK("'\\b\\f\\n\\r\\t\\v\\0'", "\"\\b\\f\\n\\r\\t\\u000b\\u0000\""),
    OK("'\\0a'", "\"\\u0000a\""),
    OK("'\\/'", "\"/\""),
    OK("'\\\\'", "\"\\\\\""),
    OK("'\\x41\\x7a'", "\"Az\""),
    OK("'\\xff'", "\"\xc3\xbf\""),
    OK("'\\xFf'", "\"\xc3\xbf\""),
    OK("'\\u0041'", "\"A\""),
    OK("'\\u00e9'", "\"\xc3\xa9\""),
    OK("'\\u20AC'", "\"\xe2\x82\xac\""),
    OK("'\\uD83D\\uDE00'", "\"\xf0\x9f\x98\x80\""),
    OK("'\\ud83d\\ude00'", "\"\xf0\x9f\x98\x80\""),
    OK("'\\uDBFF\\uDFFF'", "\"\xf4\x8f\xbf\xbf\""),
    OK("'\\u0000'", "\"\\u0000\""),
    OK("'\\u001F'", "\"\\u001f\""),
    OK("'\\a\\c\\d\\q'", "\"acdq\""),
    OK("'\\\xc3\xa9'", "\"\xc3\xa9\""),
    OK("'a\\\nb'", "\"ab\""),
    OK("'a\\\rb'", "\"ab\""),
    OK("'a\\\r\nb'", "\"ab\""),
    OK("'a\\" LS "b'", "\"ab\""),
    OK("'a\\" PS "b'", "\"ab\""),
    OK("'\\uD83D\\\n\\uDE00'", "\"\xf0\x9f\x98\x80\""),
    OK("'a" LS "b'", "\"a" LS "b\""),
    OK("'a" PS "b'", "\"a" PS "b\""),
    OK("'a\tb'", "\"a\\tb\""),
    OK("'a\x01"
       "b'",
       "\"a\\u0001b\""),
    OK("'a\x7f"
       "b'",
       "\"a\x7f"
       "b\""),
    OK("'\xf0\x9f\x98\x80'", "\"\xf0\x9f\x98\x80\""),
    OK("'" BOM "'", "\"" BOM "\""),
    OK("'a\\x00b'", "\"a\\u0000b\""),
};

static const struct ok_case numbers[] = {
    OK("0", "0"),
    OK("-0", "0"),
    OK("+0", "0"),
    OK("1", "1"),
    OK("+1", "1"),
    OK("-1", "-1"),
    OK("0x0", "0"),
    OK("0xff", "255"),
    OK("0XFF", "255"),
    OK("0xAbC", "2748"),
    OK("+0x10", "16"),
    OK("-0x10", "-16"),
    OK(".5", "0.5"),
    OK("+.5", "0.5"),
    OK("-.5", "-0.5"),
    OK("5.", "5"),
    OK("0.", "0"),
    OK("1.5", "1.5"),
    OK("1e3", "1000"),
    OK("1E3", "1000"),
    OK("1e+3", "1000"),
    OK("1e-3", "0.001"),
    OK("1.e2", "100"),
    OK("0e0", "0"),
    OK(".5e1", "5"),
    OK("1.0", "1"),
    OK("-0.0", "0"),
    OK("1.5e1", "15"),
    OK("1e21", "1e+21"),
    OK("1e-7", "1e-7"),
    OK("0.000001", "0.000001"),
    OK("123456789012345678901", "123456789012345680000"),
    OK("9223372036854775807", "9223372036854775807"),
    OK("-9223372036854775808", "-9223372036854775808"),
    OK("9223372036854775808", "9223372036854776000"),
    OK("0x7fffffffffffffff", "9223372036854775807"),
    OK("0x8000000000000000", "9223372036854776000"),
    OK("-0x8000000000000000", "-9223372036854775808"),
    OK("0x10000000000000000", "18446744073709552000"),
    OK("1e-400", "0"),
    OK("4.9e-324", "5e-324"),
    OK("1.7976931348623157e308", "1.7976931348623157e+308"),
    OK("0.1", "0.1"),
    OK("1e0000000000000000000000003", "1000"),
    OK("[1,-2,+3,.4,5.,0x6]", "[1,-2,3,0.4,5,6]"),
};

static const struct ok_case spaces[] = {
    OK("\t1", "1"),
    OK("\v1", "1"),
    OK("\f1", "1"),
    OK(" 1 ", "1"),
    OK("\r\n1\r\n", "1"),
    OK(NBSP "1", "1"),
    OK(BOM "1", "1"),
    OK(BOM "{}", "{}"),
    OK("1" BOM, "1"),
    OK("[1," BOM "2]", "[1,2]"),
    OK(LS "1" PS, "1"),
    OK(IDSP "1", "1"),
    OK("\xe1\x9a\x80"
       "1",
       "1"),
    OK("\xe2\x80\x80"
       "1",
       "1"),
    OK("\xe2\x80\x8a"
       "1",
       "1"),
    OK("\xe2\x80\xaf"
       "1",
       "1"),
    OK("\xe2\x81\x9f"
       "1",
       "1"),
    OK("{\ta\v:\f1" NBSP "}", "{\"a\":1}"),
};

static const struct ok_case scalars[] = {
    OK("true", "true"),
    OK("false", "false"),
    OK("null", "null"),
    OK(" null ", "null"),
    OK("'s'", "\"s\""),
    OK("[true,false,null]", "[true,false,null]"),
    OK("{a:{b:{c:[[[]]]}}}", "{\"a\":{\"b\":{\"c\":[[[]]]}}}"),
    OK("{a:1,b:'2',c:[3],d:{},e:null,f:true}",
       "{\"a\":1,\"b\":\"2\",\"c\":[3],\"d\":{},\"e\":null,\"f\":true}"),
};

static const struct err_case errors[] = {
    /* empty and trailing */
    ERRAT("", EOI, 1, 1),
    ERRAT("   ", EOI, 1, 4),
    ERR("// c", EOI),
    ERR("/* c */", EOI),
    ERRAT("1 2", AFTER, 1, 3),
    ERR("{}{}", AFTER),
    ERR("[]]", AFTER),
    ERR("1,", AFTER),
    /* comments */
    ERRAT("/* c", "unterminated comment", 1, 1),
    ERRAT("1 /* c *", "unterminated comment", 1, 3),
    ERRAT("/ 1", "unexpected character '/'", 1, 1),
    ERRAT("1 /", "unexpected character '/'", 1, 3),
    ERR("[1 /x]", "unexpected character '/'"),
    ERR("# c\n1", "unexpected character '#'"),
    /* commas */
    ERRAT("[,]", "unexpected character ','", 1, 2),
    ERRAT("{,}", NAME, 1, 2),
    ERRAT("[1,,]", "unexpected character ','", 1, 4),
    ERRAT("[1,,2]", "unexpected character ','", 1, 4),
    ERR("{a:1,,}", NAME),
    ERR("[,1]", "unexpected character ','"),
    ERR(",", "unexpected character ','"),
    ERRAT("[1 2]", ARR_SEP, 1, 4),
    ERRAT("{a:1 b:2}", OBJ_SEP, 1, 6),
    ERRAT("[1,", EOI, 1, 4),
    ERR("[1", EOI),
    ERR("{a:1", EOI),
    ERR("{a:1,", EOI),
    ERR("{a", EOI),
    ERR("{a:", EOI),
    ERR("{", EOI),
    ERR("[", EOI),
    ERR("[}", "unexpected character '}'"),
    ERR("{]", NAME),
    ERRAT("[1}", ARR_SEP, 1, 3),
    ERR("{a:1]", OBJ_SEP),
    /* keys */
    ERRAT("{1a:1}", NAME, 1, 2),
    ERR("{-a:1}", NAME),
    ERRAT("{a-b:1}", COLON, 1, 3),
    ERRAT("{a b:1}", COLON, 1, 4),
    ERRAT("{'a' 1}", COLON, 1, 6),
    ERR("{a=1}", COLON),
    ERR("{\\u0031:1}", "invalid character in property name (\\u0031)"),
    ERR("{a\\u0020b:1}", "invalid character in property name (\\u0020)"),
    ERR("{\\u00A0:1}", "invalid character in property name (\\u00A0)"),
    ERR("{\\uD83D\\uDE00:1}", "invalid character in property name (\\uD83D)"),
    ERR("{\\x61:1}", "invalid escape in property name (only \\uXXXX is "
                     "allowed)"),
    ERR("{\\u00:1}", BAD_U),
    ERR("{\\", "invalid escape in property name (only \\uXXXX is allowed)"),
    ERR("{a\\:1}", "invalid escape in property name (only \\uXXXX is "
                   "allowed)"),
    ERR("{true}", COLON),
    ERR("{[]:1}", NAME),
    /* strings */
    ERRAT("'abc", UNTERM, 1, 1),
    ERRAT("[1, \"abc", UNTERM, 1, 5),
    ERRAT("'a\nb'", UNTERM, 1, 1),
    ERRAT("'a\rb'", UNTERM, 1, 1),
    ERR("'a\\\r\rb'", UNTERM),
    ERR("'a\\\n\nb'", UNTERM),
    ERR("\"a'", UNTERM),
    ERR("'a\"", UNTERM),
    ERR("'abc\\", UNTERM),
    ERR("'\\", UNTERM),
    ERRAT("'\\1'", "invalid escape sequence '\\1'", 1, 2),
    ERR("'\\9'", "invalid escape sequence '\\9'"),
    ERRAT("'a\\01'", "invalid escape sequence '\\01'", 1, 3),
    ERR("'\\09'", "invalid escape sequence '\\09'"),
    ERR("'\\x4'", BAD_X),
    ERR("'\\xZZ'", BAD_X),
    ERR("'\\x", BAD_X),
    ERR("'\\u12'", BAD_U),
    ERR("'\\u12G4'", BAD_U),
    ERR("'\\u{41}'", BAD_U),
    ERRAT("'\\uD800'", UNPAIRED, 1, 2),
    ERRAT("'\\uDC00'", UNPAIRED, 1, 2),
    ERRAT("'ab\\uD800\\u0041'", UNPAIRED, 1, 4),
    ERR("'\\uD800x'", UNPAIRED),
    ERR("'\\uD800\\n'", UNPAIRED),
    ERR("'\\uD800\\uD800\\uDC00'", UNPAIRED),
    ERR("'\\uDE00\\uD83D'", UNPAIRED),
    /* numbers */
    ERRAT("01", LEAD0, 1, 1),
    ERR("00", LEAD0),
    ERRAT("[-01]", LEAD0, 1, 2),
    ERR("00.5", LEAD0),
    ERR("0x", EOI),
    ERRAT("0xg", "expected a hex digit after '0x'", 1, 3),
    ERRAT(".", "expected a digit after '.'", 1, 1),
    ERR("-.", "expected a digit after '.'"),
    ERR(".e1", "expected a digit after '.'"),
    ERR("-", EOI),
    ERR("+", EOI),
    ERR("1e", EOI),
    ERR("1e+", EOI),
    ERRAT("[1e]", "expected a digit in the exponent", 1, 4),
    ERR("1.5.3", AFTER),
    ERR("1..", AFTER),
    ERR("..5", "expected a digit after '.'"),
    ERR("0x1.5", AFTER),
    ERR("1e5.5", AFTER),
    ERRAT("- 1", "unexpected character U+0020", 1, 2),
    ERR("+-1", "unexpected character '-'"),
    ERR("--1", "unexpected character '-'"),
    ERR("1_000", AFTER),
    ERR("0b101", AFTER),
    ERR("0o17", AFTER),
    ERR("1x", AFTER),
    ERRAT("NaN", NAN_MSG, 1, 1),
    ERRAT("-NaN", NAN_MSG, 1, 1),
    ERR("+NaN", NAN_MSG),
    ERRAT("[Infinity]", INF_MSG, 1, 2),
    ERR("-Infinity", INF_MSG),
    ERR("+Infinity", INF_MSG),
    ERR("{a: NaN}", NAN_MSG),
    ERRAT("Inf", "unexpected character 'I'", 1, 1),
    ERR("nan", "unexpected character 'a'"),
    ERRAT("1e400", BIG_MSG, 1, 1),
    ERR("-1e400", BIG_MSG),
    ERR("0x1"
        "0000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "000",
        BIG_MSG),
    /* literals */
    ERR("tru", EOI),
    ERRAT("truex", AFTER, 1, 5),
    ERRAT("trUe", "unexpected character 'U'", 1, 3),
    ERR("True", "unexpected character 'T'"),
    ERR("nul", EOI),
    ERR("undefined", "unexpected character 'u'"),
    ERR("[a]", "unexpected character 'a'"),
    ERR("{a:b}", "unexpected character 'b'"),
    ERR("`a`", "unexpected character '`'"),
    /* whitespace that is not */
    ERR("\xc2\x85"
        "1",
        "unexpected character U+0085"),
    ERR("\xe2\x80\x8b"
        "1",
        "unexpected character U+200B"),
    ERR("\xe1\xa0\x8e"
        "1",
        "unexpected character U+180E"),
    ERR("\x00"
        "1",
        "unexpected character U+0000"),
    ERR("1\x00", AFTER),
    /* invalid UTF-8 */
    ERRAT("\xff", BADU8, 1, 1),
    ERRAT("'\xc3'", BADU8, 1, 2),
    ERR("'\xc0\xaf'", BADU8),
    ERR("'\xe0\x80\xaf'", BADU8),
    ERR("'\xed\xa0\x80'", BADU8),
    ERR("'\xf4\x90\x80\x80'", BADU8),
    ERR("'\xf8\x88\x80\x80\x80'", BADU8),
    ERR("'\xe2\x82'", BADU8),
    ERR("'\x80'", BADU8),
    ERR("'\xc3\xa9\xa9'", BADU8),
    ERR("{\xc3:1}", BADU8),
    ERR("{a\xff:1}", BADU8),
    ERRAT("// \xff\n1", BADU8, 1, 4),
    ERR("/* \xfe */1", BADU8),
    ERRAT("1 \xff", BADU8, 1, 3),
    ERR("'\\\xff'", BADU8),
    ERR("\xe2\x80", BADU8),
};

/* Error positions across line breaks and multi-byte characters. */
static const struct err_case positions[] = {
    ERRAT("{\n  a: 1\n  b: 2\n}", OBJ_SEP, 3, 3),
    ERRAT("\"\xc3\xa9\" x", AFTER, 1, 5),
    ERRAT("[\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\", x]",
          "unexpected character 'x'", 1, 9),
    ERRAT("[\"\xf0\x9f\x98\x80\" 1]", ARR_SEP, 1, 6),
    ERRAT("\r\n\r\n  }", "unexpected character '}'", 3, 3),
    ERRAT("\r\r}", "unexpected character '}'", 3, 1),
    ERRAT("\n\r\n}", "unexpected character '}'", 3, 1),
    ERRAT("\n\n\n}", "unexpected character '}'", 4, 1),
    ERRAT(LS "}", "unexpected character '}'", 2, 1),
    ERRAT(PS PS " }", "unexpected character '}'", 3, 2),
    ERRAT("[1,\n 2,\n 3 4]", ARR_SEP, 3, 4),
    ERRAT("// c\r\n/* d\n */ x", "unexpected character 'x'", 3, 5),
    ERRAT(BOM "x", "unexpected character 'x'", 1, 2),
    ERRAT("{\r\n  a: 'x\r\n", UNTERM, 2, 6),
    ERRAT("[\n\t'\\1']", "invalid escape sequence '\\1'", 2, 3),
    ERRAT("{\n  \"\xc3\xa9\xc3\xa9\": NaN\n}", NAN_MSG, 2, 9),
};

struct num_case {
    const char *in;
    json_type type;
    json_int_t i;
    double d;
};

static const struct num_case num_types[] = {
    {"0", JSON_INTEGER, 0, 0},
    {"-0", JSON_INTEGER, 0, 0},
    {"42", JSON_INTEGER, 42, 0},
    {"-0x2A", JSON_INTEGER, -42, 0},
    {"1.0", JSON_INTEGER, 1, 0},
    {"1e3", JSON_INTEGER, 1000, 0},
    {"-0.0", JSON_INTEGER, 0, 0},
    {"2.5e1", JSON_INTEGER, 25, 0},
    {"9007199254740993", JSON_INTEGER, 9007199254740993LL, 0},
    {"9007199254740992.0", JSON_INTEGER, 9007199254740992LL, 0},
    {"-9007199254740992e0", JSON_INTEGER, -9007199254740992LL, 0},
    {"9007199254740994.0", JSON_REAL, 0, 9007199254740994.0},
    {"1e16", JSON_REAL, 0, 1e16},
    {"9223372036854775807", JSON_INTEGER, INT64_MAX, 0},
    {"-9223372036854775808", JSON_INTEGER, INT64_MIN, 0},
    {"9223372036854775808", JSON_REAL, 0, 9223372036854775808.0},
    {"-9223372036854775809", JSON_REAL, 0, -9223372036854775808.0},
    {"0xFFFFFFFFFFFFFFFF", JSON_REAL, 0, 18446744073709551615.0},
    {"0x7FFFFFFFFFFFFFFF", JSON_INTEGER, INT64_MAX, 0},
    {"0.5", JSON_REAL, 0, 0.5},
    {"-.25", JSON_REAL, 0, -0.25},
    {"1e-3", JSON_REAL, 0, 0.001},
    {"5e-324", JSON_REAL, 0, 5e-324},
    {"2.2250738585072014e-308", JSON_REAL, 0, 2.2250738585072014e-308},
    {"1.7976931348623157e308", JSON_REAL, 0, 1.7976931348623157e308},
    {"0.1e1", JSON_INTEGER, 1, 0},
    {"123.456e-2", JSON_REAL, 0, 1.23456},
    {"0.30000000000000004", JSON_REAL, 0, 0.30000000000000004},
    {"1e-400", JSON_INTEGER, 0, 0},
};

static void check_ok(const struct ok_case *c)
{
    struct json5_error err;
    json_t *v;
    char *got;

    memset(&err, 0, sizeof(err));
    v = json5_parse(c->in, c->n, NULL, NULL, &err);
    if (!v)
        fail_msg("input '%s': unexpected error '%s' at %d:%d", c->in, err.text,
                 err.line, err.column);
    got = jsonx_dumps(v, 0);
    if (strcmp(got, c->want) != 0)
        fail_msg("input '%s': got %s, want %s", c->in, got, c->want);
    free(got);
    json_decref(v);
}

static void check_ok_table(const struct ok_case *t, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        check_ok(&t[i]);
}

#define CHECK_OK_TABLE(t) check_ok_table(t, sizeof(t) / sizeof(t[0]))

static void check_err(const struct err_case *c)
{
    struct json5_error err;
    json_t *v;

    memset(&err, 0, sizeof(err));
    v = json5_parse(c->in, c->n, NULL, NULL, &err);
    if (v) {
        char *got = jsonx_dumps(v, 0);
        fail_msg("input '%s': parsed as %s, want error '%s'", c->in, got,
                 c->msg);
    }
    if (strcmp(err.text, c->msg) != 0)
        fail_msg("input '%s': error '%s', want '%s'", c->in, err.text, c->msg);
    if (c->line && (err.line != c->line || err.column != c->column))
        fail_msg("input '%s': error at %d:%d, want %d:%d", c->in, err.line,
                 err.column, c->line, c->column);
    assert_true(err.offset <= c->n);
}

static void test_comments(void **state)
{
    (void)state;
    CHECK_OK_TABLE(comments);
}

static void test_trailing_commas(void **state)
{
    (void)state;
    CHECK_OK_TABLE(commas);
}

static void test_keys(void **state)
{
    (void)state;
    CHECK_OK_TABLE(keys);
}

static void test_strings(void **state)
{
    (void)state;
    CHECK_OK_TABLE(strings);
}

static void test_numbers(void **state)
{
    (void)state;
    CHECK_OK_TABLE(numbers);
}

static void test_whitespace(void **state)
{
    (void)state;
    CHECK_OK_TABLE(spaces);
}

static void test_scalars(void **state)
{
    (void)state;
    CHECK_OK_TABLE(scalars);
}

static void test_errors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        check_err(&errors[i]);
}

static void test_positions(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(positions) / sizeof(positions[0]); i++)
        check_err(&positions[i]);
}

static void test_number_types(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(num_types) / sizeof(num_types[0]); i++) {
        const struct num_case *c = &num_types[i];
        json_t *v = json5_parse(c->in, strlen(c->in), NULL, NULL, NULL);
        if (!v || json_typeof(v) != c->type)
            fail_msg("input '%s': wrong type", c->in);
        if (c->type == JSON_INTEGER && json_integer_value(v) != c->i)
            fail_msg("input '%s': got %lld", c->in,
                     (long long)json_integer_value(v));
        if (c->type == JSON_REAL && json_real_value(v) != c->d)
            fail_msg("input '%s': got %.17g", c->in, json_real_value(v));
        json_decref(v);
    }
}

/* n nested arrays (or objects "{a:...}") around 0. */
static char *nested(int n, bool objects)
{
    char *s = malloc((size_t)n * 4 + 2);
    size_t k = 0;
    int i;

    assert_non_null(s);
    for (i = 0; i < n; i++) {
        if (objects) {
            s[k++] = '{';
            s[k++] = 'a';
            s[k++] = ':';
        } else {
            s[k++] = '[';
        }
    }
    s[k++] = '0';
    for (i = 0; i < n; i++)
        s[k++] = objects ? '}' : ']';
    s[k] = '\0';
    return s;
}

static void expect_depth(const struct json5_opts *opts, int n, bool objects,
                         bool ok)
{
    char *s = nested(n, objects);
    struct json5_error err;
    json_t *v = json5_parse(s, strlen(s), opts, NULL, &err);
    int limit =
        opts && opts->max_depth ? opts->max_depth : JSON5_DEFAULT_MAX_DEPTH;

    if (ok) {
        assert_non_null(v);
    } else {
        char want[64];
        /* reported at the first bracket past the limit */
        assert_null(v);
        snprintf(want, sizeof(want), "nesting deeper than %d levels", limit);
        assert_string_equal(err.text, want);
        assert_int_equal(err.line, 1);
        assert_int_equal(err.column, objects ? 3 * limit + 1 : limit + 1);
    }
    json_decref(v);
    free(s);
}

static void test_depth(void **state)
{
    struct json5_opts two = {2}, zero = {0}, big = {1000};

    (void)state;
    expect_depth(NULL, 128, false, true);
    expect_depth(NULL, 129, false, false);
    expect_depth(NULL, 128, true, true);
    expect_depth(NULL, 129, true, false);
    expect_depth(&zero, 129, false, false);
    expect_depth(&two, 2, false, true);
    expect_depth(&two, 3, false, false);
    expect_depth(&two, 3, true, false);
    expect_depth(&big, 1000, false, true);
    expect_depth(&big, 1001, true, false);
    expect_depth(NULL, 5000, false, false);
}

static void test_depth_clamped(void **state)
{
    struct json5_opts huge = {1 << 30};
    struct json5_error err;
    char *s = nested(1001, false);
    json_t *v = json5_parse(s, strlen(s), &huge, NULL, &err);

    (void)state;
    assert_null(v);
    assert_string_equal(err.text, "nesting deeper than 1000 levels");
    free(s);
}

static void test_had_comments(void **state)
{
    static const struct {
        const char *in;
        bool want;
    } t[] = {
        {"1", false},        {"// c\n1", true},     {"/**/1", true},
        {"1 // c", true},    {"[1,/*x*/]", true},   {"'//'", false},
        {"\"/**/\"", false}, {"{'a//b':1}", false}, {"{a:1}//", true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct json5_info info = {!t[i].want};
        json_t *v = json5_parse(t[i].in, strlen(t[i].in), NULL, &info, NULL);
        assert_non_null(v);
        if (info.had_comments != t[i].want)
            fail_msg("input '%s': had_comments %d", t[i].in, info.had_comments);
        json_decref(v);
    }
}

/* Out-parameters: optional, and filled only for the matching outcome. */
static void test_out_params(void **state)
{
    struct json5_info info = {true};
    struct json5_error err;
    json_t *v;

    (void)state;
    v = json5_parse("[1]", 3, NULL, NULL, NULL);
    assert_non_null(v);
    json_decref(v);
    assert_null(json5_parse("[1", 2, NULL, NULL, NULL));
    assert_null(json5_parse(NULL, 0, NULL, NULL, NULL));
    /* info is untouched on failure */
    assert_null(json5_parse("// c\n[", 6, NULL, &info, NULL));
    assert_true(info.had_comments);
    memset(&err, 0x5a, sizeof(err));
    v = json5_parse("1", 1, NULL, &info, &err);
    assert_non_null(v);
    assert_false(info.had_comments);
    assert_int_equal(err.line, 0x5a5a5a5a);
    json_decref(v);
    assert_null(json5_parse("[1,}", 4, NULL, NULL, &err));
    assert_int_equal(err.offset, 3);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 4);
}

/* The input is (p, n): nothing past n is read. */
static void test_not_terminated(void **state)
{
    static const char text[] = "[12]34 'x' /* ";
    json_t *v;
    char *heap;

    (void)state;
    v = json5_parse(text, 4, NULL, NULL, NULL);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_array_get(v, 0)), 12);
    json_decref(v);
    v = json5_parse(text + 1, 1, NULL, NULL, NULL);
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    /* exact-size heap copies let ASan catch any read past the end */
    heap = malloc(3);
    assert_non_null(heap);
    memcpy(heap, "'ab", 3);
    assert_null(json5_parse(heap, 3, NULL, NULL, NULL));
    memcpy(heap, "1e5", 3);
    v = json5_parse(heap, 3, NULL, NULL, NULL);
    assert_int_equal(json_integer_value(v), 100000);
    json_decref(v);
    memcpy(heap, "tru", 3);
    assert_null(json5_parse(heap, 3, NULL, NULL, NULL));
    memcpy(heap, "0x1", 3);
    v = json5_parse(heap, 3, NULL, NULL, NULL);
    assert_int_equal(json_integer_value(v), 1);
    json_decref(v);
    free(heap);
}

/* Strings and keys may hold NUL; lengths are kept. */
static void test_embedded_nul(void **state)
{
    static const char text[] = "{'k\\0':'a\\u0000b', 'x\\x00':'\\0'}";
    json_t *v = json5_parse(text, sizeof(text) - 1, NULL, NULL, NULL);
    json_t *s;

    (void)state;
    assert_non_null(v);
    s = json_object_getn(v, "k", 2);
    assert_non_null(s);
    assert_int_equal(json_string_length(s), 3);
    assert_memory_equal(json_string_value(s), "a\0b", 3);
    assert_non_null(json_object_getn(v, "x", 2));
    assert_null(json_object_get(v, "k"));
    json_decref(v);
}

/* Raw bytes that are valid but unusual: every printable ASCII in a string,
 * and a long string with many escapes. */
static void test_long_strings(void **state)
{
    char *in = malloc(70000), *want = malloc(40000);
    size_t i, k = 0, w = 0;
    json_t *v;

    (void)state;
    assert_non_null(in);
    assert_non_null(want);
    in[k++] = '"';
    for (i = 0; i < 9000; i++) {
        memcpy(in + k, "\\u00e9x", 7);
        k += 7;
        memcpy(want + w, "\xc3\xa9x", 3);
        w += 3;
    }
    in[k++] = '"';
    v = json5_parse(in, k, NULL, NULL, NULL);
    assert_non_null(v);
    assert_int_equal(json_string_length(v), w);
    assert_memory_equal(json_string_value(v), want, w);
    json_decref(v);
    free(in);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_trailing_commas),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_number_types),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_depth_clamped),
        cmocka_unit_test(test_had_comments),
        cmocka_unit_test(test_out_params),
        cmocka_unit_test(test_not_terminated),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_long_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
