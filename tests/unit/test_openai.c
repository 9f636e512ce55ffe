/*
 * OpenAI-compatible chat completions (OpenRouter): the exact headers and
 * body built for a request, and the assembly of canned chunk streams,
 * each of which must give the same message, usage, status and streamed
 * text however its bytes are split. JSON in the tables is written with '
 * for " (turned back at run time).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "provider/catalogue.h"
#include "provider/openai.h"
#include "provider/sse.h"
#include "base/banned.h"

#define KEY "sk-or-v1-KEY"

/* ---- helpers ------------------------------------------------------------ */

/* Parse table JSON (' for "); NULL stays NULL. */
static json_t *jq(const char *s)
{
    json_error_t e;
    json_t *v;
    char *t, *p;

    if (!s)
        return NULL;
    t = xstrdup(s);
    for (p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    v = json_loads(t, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("bad test JSON: %s (%s)", t, e.text);
    free(t);
    return v;
}

static char *dump(const json_t *v)
{
    return v ? jsonx_dumps(v, 0) : xstrdup("(absent)");
}

static void same_json(const char *what, const char *key, const json_t *got,
                      const json_t *want)
{
    char *g, *w;

    if (json_is_null(want) ? got == NULL : json_equal(got, want))
        return;
    g = dump(got);
    w = dump(json_is_null(want) ? NULL : want);
    fail_msg("%s: %s is\n%s\nwant\n%s", what, key, g, w);
}

/* A request as the tables describe it; NULL members take the defaults. */
struct rq {
    const char *provider; /* openrouter */
    const char *base_url; /* https://openrouter.ai/api/v1 */
    const char *model;    /* anthropic/claude-sonnet-4.5 (catalogue) */
    const char *system;   /* "SYS"; "" for none */
    const char *messages; /* one user message "hi" */
    const char *tools;
    const char *thinking;
    const char *params;
    const char *headers;
    const char *user_id;
};

struct req {
    struct llm_request r;
    struct model_info info;
};

static void req_init(struct req *q, const struct rq *s)
{
    memset(q, 0, sizeof(*q));
    q->r.provider = s->provider ? s->provider : "openrouter";
    q->r.api = "openai-completions";
    q->r.base_url = s->base_url ? s->base_url : "https://openrouter.ai/api/v1";
    q->r.model = s->model ? s->model : "anthropic/claude-sonnet-4.5";
    if (catalogue_lookup(NULL, q->r.provider, q->r.model, &q->info) == 0)
        q->r.info = &q->info;
    q->r.system = s->system ? s->system : "SYS";
    q->r.messages =
        jq(s->messages ? s->messages : "[{'role':'user','content':'hi'}]");
    q->r.tools = jq(s->tools);
    q->r.thinking = s->thinking;
    q->r.params = jq(s->params);
    q->r.headers = jq(s->headers);
    q->r.user_id = s->user_id;
    q->r.cred.secret = KEY;
}

static void req_release(struct req *q)
{
    json_decref(q->r.messages);
    json_decref(q->r.tools);
    json_decref(q->r.params);
    json_decref(q->r.headers);
}

/* ---- headers ------------------------------------------------------------ */

#define OURS                                                                   \
    "Authorization: Bearer " KEY "\n"                                          \
    "content-type: application/json\n"                                         \
    "accept: application/json\n"                                               \
    "user-agent: openclaw-c/" OC_VERSION
#define ATTRIBUTION                                                            \
    "\nHTTP-Referer: https://docs.openclaw.ai\n"                               \
    "X-OpenRouter-Title: openclaw-c\n"                                         \
    "X-Title: openclaw-c\n"                                                    \
    "X-OpenRouter-Categories: cli-agent"

struct hcase {
    const char *name;
    struct rq rq;
    const char *want; /* the lines, joined with \n */
};

static const struct hcase hcases[] = {
    {.name = "openrouter", .want = OURS ATTRIBUTION},
    {.name = "another host: no attribution",
     .rq = {.provider = "local", .base_url = "http://127.0.0.1:8080/v1"},
     .want = OURS},
    {.name = "an openrouter.ai base url under another name",
     .rq = {.provider = "proxy"},
     .want = OURS ATTRIBUTION},
    {.name = "configured headers replace ours or are appended",
     .rq = {.headers = "{'X-Title':'mine','User-Agent':'ua/1','X-Extra':'1',"
                       "'X-Number':2}"},
     .want = "Authorization: Bearer " KEY "\n"
             "content-type: application/json\n"
             "accept: application/json\n"
             "User-Agent: ua/1\n"
             "HTTP-Referer: https://docs.openclaw.ai\n"
             "X-OpenRouter-Title: openclaw-c\n"
             "X-Title: mine\n"
             "X-OpenRouter-Categories: cli-agent\n"
             "X-Extra: 1"},
};

static void test_headers(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(hcases) / sizeof(hcases[0]); i++) {
        struct strlist l = STRLIST_INIT;
        struct req q;
        char *got;

        req_init(&q, &hcases[i].rq);
        openai_headers(&q.r, &l);
        got = strlist_join(&l, "\n");
        if (strcmp(got, hcases[i].want) != 0)
            fail_msg("%s: headers\n%s\nwant\n%s", hcases[i].name, got,
                     hcases[i].want);
        free(got);
        strlist_release(&l);
        req_release(&q);
    }
}

/* ---- bodies ------------------------------------------------------------- */

/*
 * A body case: each member of want must equal the body's, a null member
 * must be absent; with exact the whole body must equal want. Laid out by
 * hand: JSON pieces joined with macros read better one per line.
 */
struct bcase {
    const char *name;
    struct rq rq;
    const char *want;
    bool exact;
};

/* clang-format off */
#define SYS_CACHED                                                             \
    "{'role':'system','content':[{'type':'text','text':'SYS',"                 \
    "'cache_control':{'type':'ephemeral'}}]}"
#define SYS_PLAIN "{'role':'system','content':'SYS'}"
#define HI        "{'role':'user','content':'hi'}"
#define TEXT(t)   "{'type':'text','text':'" t "'}"
#define EFFORT(e) "{'reasoning':{'effort':'" e "'}}"
#define TOOL_CALL(id, name, args)                                              \
    "{'type':'toolCall','id':'" id "','name':'" name "','arguments':" args "}"
#define TOOLS_IN                                                               \
    "[{'name':'get_weather','description':'d','parameters':{'type':'object',"  \
    "'properties':{'city':{'type':'string'}},'required':['city']}},"           \
    "{'name':'noargs'}]"
#define TOOLS_WANT                                                             \
    "[{'type':'function','function':{'name':'get_weather','description':'d'," \
    "'parameters':{'type':'object','properties':{'city':{'type':'string'}},"   \
    "'required':['city']},'strict':false}},"                                   \
    "{'type':'function','function':{'name':'noargs','description':'',"         \
    "'parameters':{'type':'object'},'strict':false}}]"
#define CONVERSATION_IN                                                        \
    "[{'role':'user','content':[" TEXT("look") ","                             \
    "{'type':'image','data':'AAA','mimeType':'image/png'}]},"                  \
    "{'role':'assistant','content':["                                          \
    "{'type':'thinking','thinking':'hmm','thinkingSignature':'s'},"            \
    TEXT("Checking.") ","                                                      \
    TOOL_CALL("c1", "get_weather", "{'city':'Oslo'}") "]},"                    \
    "{'role':'toolResult','toolCallId':'c1','toolName':'get_weather',"         \
    "'content':[" TEXT("12C") "," TEXT("sunny") "],'isError':false},"          \
    "{'role':'assistant','content':[" TOOL_CALL("c2", "now", "{}") "]},"       \
    "{'role':'toolResult','toolCallId':'c2','toolName':'now',"                 \
    "'content':[" TEXT("noon") "],'isError':false},"                           \
    "{'role':'assistant','content':[" TEXT("Done") "]}]"
#define CONVERSATION_WANT                                                      \
    "{'messages':["                                                            \
    "{'role':'user','content':[" TEXT("look") ","                              \
    "{'type':'image_url','image_url':{'url':'data:image/png;base64,AAA'}}]},"  \
    "{'role':'assistant','content':'Checking.','tool_calls':[{'id':'c1',"      \
    "'type':'function','function':{'name':'get_weather',"                      \
    "'arguments':'{\\'city\\':\\'Oslo\\'}'}}]},"                               \
    "{'role':'tool','tool_call_id':'c1','content':'12C\\nsunny'},"             \
    "{'role':'assistant','content':null,'tool_calls':[{'id':'c2',"             \
    "'type':'function','function':{'name':'now','arguments':'{}'}}]},"         \
    "{'role':'tool','tool_call_id':'c2','content':'noon'},"                    \
    "{'role':'assistant','content':'Done'}]}"

static const struct bcase bcases[] = {
    {.name = "anthropic model on openrouter: the whole body",
     .want = "{'model':'anthropic/claude-sonnet-4.5',"
             "'messages':[" SYS_CACHED "," HI "],"
             "'stream':true,'stream_options':{'include_usage':true},"
             "'store':false,'max_completion_tokens':32000}",
     .exact = true},
    {.name = "another model: system as a string, no default max",
     .rq = {.model = "openai/gpt-5"},
     .want = "{'messages':[" SYS_PLAIN "," HI "],"
             "'max_completion_tokens':null,'reasoning':null}"},
    {.name = "no system prompt",
     .rq = {.system = ""},
     .want = "{'messages':[" HI "]}"},
    {.name = "thinking high",
     .rq = {.thinking = "high", .params = "{'temperature':0.2}"},
     .want = "{'reasoning':{'effort':'high'},'temperature':0.2}"},
    {.name = "thinking minimal", .rq = {.thinking = "minimal"},
     .want = EFFORT("minimal")},
    {.name = "thinking xhigh", .rq = {.thinking = "xhigh"},
     .want = EFFORT("xhigh")},
    {.name = "thinking off is none", .rq = {.thinking = "off"},
     .want = EFFORT("none")},
    {.name = "auto: no reasoning",
     .rq = {.model = "auto", .thinking = "high"},
     .want = "{'reasoning':null,'max_completion_tokens':8192}"},
    {.name = "openrouter/auto: no reasoning",
     .rq = {.model = "openrouter/auto", .thinking = "high"},
     .want = "{'reasoning':null,'max_completion_tokens':null}"},
    {.name = "another host: no reasoning, no cache_control",
     .rq = {.provider = "local", .base_url = "http://127.0.0.1:8080/v1",
            .model = "anthropic/claude-x", .thinking = "high"},
     .want = "{'reasoning':null,'messages':[" SYS_PLAIN "," HI "]}"},
    {.name = "maxTokens and user",
     .rq = {.params = "{'maxTokens':1000}", .user_id = "u-1"},
     .want = "{'max_completion_tokens':1000,'user':'u-1','temperature':null}"},
    {.name = "tools as functions",
     .rq = {.tools = TOOLS_IN},
     .want = "{'tools':" TOOLS_WANT "}"},
    {.name = "no tools",
     .rq = {.tools = "[]"},
     .want = "{'tools':null}"},
    {.name = "a conversation",
     .rq = {.system = "", .messages = CONVERSATION_IN},
     .want = CONVERSATION_WANT},
};
/* clang-format on */

static void check_body(const struct bcase *c)
{
    struct req q;
    json_t *body, *want = jq(c->want), *w;
    const char *key;

    req_init(&q, &c->rq);
    body = openai_body(&q.r);
    assert_non_null(body);
    if (c->exact)
        same_json(c->name, "the body", body, want);
    json_object_foreach (want, key, w)
        same_json(c->name, key, json_object_get(body, key), w);
    json_decref(want);
    json_decref(body);
    req_release(&q);
}

static void test_bodies(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bcases) / sizeof(bcases[0]); i++)
        check_body(&bcases[i]);
}

/* ---- error bodies ------------------------------------------------------- */

static void test_parse_error(void **state)
{
    static const char credits[] = "{\"error\":{\"code\":402,\"message\":"
                                  "\"Insufficient credits\"}}";
    static const char typed[] =
        "{\"error\":{\"type\":\"invalid_request_error\","
        "\"message\":\"bad\"}}";
    static const char html[] = "<html>502 Bad Gateway</html>";
    struct llm_result r;

    (void)state;
    llm_result_init(&r);
    openai_parse_error(credits, sizeof(credits) - 1, &r);
    assert_string_equal(r.error_type, "402");
    assert_string_equal(r.error_message, "Insufficient credits");
    llm_result_release(&r);
    openai_parse_error(typed, sizeof(typed) - 1, &r);
    assert_string_equal(r.error_type, "invalid_request_error");
    assert_string_equal(r.error_message, "bad");
    llm_result_release(&r);
    openai_parse_error(html, sizeof(html) - 1, &r);
    assert_string_equal(r.error_type, "");
    assert_string_equal(r.error_message, html);
    llm_result_release(&r);
}

/* ---- stream transcripts ------------------------------------------------- */

/*
 * What a stream must give: status, stop_reason, the message's content and
 * usage (input, output, cache read). The sink's text and thinking must be
 * the content's text and thinking.
 */
struct scase {
    const char *name;
    const char *in;
    enum llm_status status;
    const char *stop;
    const char *content;
    int64_t usage[3];
    const char *error_type;
    const char *error_message;
};

#define TRUNC_MSG "the response stream ended before it was complete"

/* clang-format off */
/* Chunks as OpenRouter sends them (reference §7), one data line each. */
#define DATA(json) "data: " json "\n\n"
#define CHUNK(delta, finish)                                                   \
    DATA("{'id':'gen-1760000000-abc','provider':'Anthropic',"                  \
         "'model':'anthropic/claude-sonnet-4.5',"                              \
         "'object':'chat.completion.chunk','created':1760000000,"              \
         "'choices':[{'index':0,'delta':" delta ",'finish_reason':" finish "," \
         "'native_finish_reason':" finish ",'logprobs':null}]}")
#define CONTENT(t) CHUNK("{'role':'assistant','content':'" t "'}", "null")
#define REASONING(t)                                                           \
    CHUNK("{'role':'assistant','content':'','reasoning':'" t "',"              \
          "'reasoning_details':[{'type':'reasoning.text','text':'" t "',"      \
          "'format':'anthropic-claude-v1','index':0}]}", "null")
#define FINISH(r) CHUNK("{'role':'assistant','content':''}", "'" r "'")
#define USAGE(prompt, completion, cached)                                      \
    DATA("{'id':'gen-1760000000-abc','provider':'Anthropic',"                  \
         "'model':'anthropic/claude-sonnet-4.5',"                              \
         "'object':'chat.completion.chunk','created':1760000000,"              \
         "'choices':[{'index':0,'delta':{'role':'assistant','content':''},"    \
         "'finish_reason':null,'native_finish_reason':null,'logprobs':null}]," \
         "'usage':{'prompt_tokens':" #prompt ","                               \
         "'completion_tokens':" #completion ",'total_tokens':0,"               \
         "'cost':0.00054,'is_byok':false,"                                     \
         "'prompt_tokens_details':{'cached_tokens':" #cached "},"              \
         "'completion_tokens_details':{'reasoning_tokens':0}}}")
#define DONE       DATA("[DONE]")
#define PROCESSING ": OPENROUTER PROCESSING\n\n"
#define CALL_START(i, id, name)                                                \
    CHUNK("{'role':'assistant','content':null,'tool_calls':[{'index':" #i ","  \
          "'id':'" id "','type':'function','function':{'name':'" name "',"     \
          "'arguments':''}}]}", "null")
#define CALL_ARGS(i, a)                                                        \
    CHUNK("{'tool_calls':[{'index':" #i ",'function':{'arguments':'" a "'}}]}",\
          "null")
#define ERROR_CHUNK(code, message)                                             \
    DATA("{'id':'gen-1760000000-abc','object':'chat.completion.chunk',"        \
         "'created':1760000000,'model':'anthropic/claude-sonnet-4.5',"         \
         "'provider':'Anthropic','error':{'code':" code ","                    \
         "'message':'" message "','metadata':{'raw':'overloaded'}},"           \
         "'choices':[{'index':0,'delta':{'content':''},"                       \
         "'finish_reason':'error'}]}")

static const struct scase scases[] = {
    {.name = "text, processing comments, usage",
     .in = PROCESSING
           PROCESSING
           CONTENT("Hel")
           CONTENT("lo!")
           FINISH("stop")
           USAGE(120, 30, 100)
           DONE,
     .stop = "stop",
     .content = "[" TEXT("Hello!") "]",
     .usage = {20, 30, 100}},
    {.name = "reasoning then text",
     .in = REASONING("Think")
           REASONING("ing.")
           CHUNK("{'reasoning_content':' More.'}", "null")
           CONTENT("Answer")
           FINISH("stop")
           USAGE(10, 5, 0)
           DONE,
     .stop = "stop",
     .content = "[{'type':'thinking','thinking':'Thinking. More.'},"
                TEXT("Answer") "]",
     .usage = {10, 5, 0}},
    {.name = "two tool calls in fragments",
     .in = CONTENT("Checking.")
           CALL_START(0, "call_1", "get_weather")
           CALL_ARGS(0, "{\\'ci")
           CALL_START(1, "call_2", "now")
           CALL_ARGS(0, "ty\\': \\'Os")
           CALL_ARGS(1, "{}")
           CALL_ARGS(0, "lo\\'}")
           FINISH("tool_calls")
           USAGE(50, 20, 0)
           DONE,
     .stop = "toolUse",
     .content = "[" TEXT("Checking.") ","
                TOOL_CALL("call_1", "get_weather", "{'city':'Oslo'}") ","
                TOOL_CALL("call_2", "now", "{}") "]",
     .usage = {50, 20, 0}},
    {.name = "malformed tool arguments at length",
     .in = CALL_START(0, "call_1", "get_weather")
           CALL_ARGS(0, "{\\'city\\': \\'Os")
           FINISH("length")
           DONE,
     .stop = "length",
     .content = "[{'type':'toolCall','id':'call_1','name':'get_weather',"
                "'arguments':{},'malformedArguments':'{\\'city\\': \\'Os'}]"},
    {.name = "an error chunk mid-stream",
     .in = CONTENT("Partial")
           ERROR_CHUNK("502", "Provider returned error")
           CONTENT(" never")
           DONE,
     .status = LLM_STREAM_ERROR,
     .stop = "error",
     .content = "[" TEXT("Partial") "]",
     .error_type = "502",
     .error_message = "Provider returned error"},
    {.name = "an error chunk with a string code",
     .in = PROCESSING ERROR_CHUNK("'server_error'", "Internal"),
     .status = LLM_STREAM_ERROR,
     .stop = "error",
     .content = "[]",
     .error_type = "server_error",
     .error_message = "Internal"},
    {.name = "cut inside a chunk",
     .in = PROCESSING
           CONTENT("Hel")
           CONTENT("lo")
           "data: {'id':'gen-1760000000-abc','choices':[{'index':0,",
     .status = LLM_TRUNCATED,
     .stop = "error",
     .content = "[" TEXT("Hello") "]",
     .error_message = TRUNC_MSG},
    {.name = "no finish_reason and no [DONE]",
     .in = CONTENT("abc") USAGE(3, 1, 0),
     .status = LLM_TRUNCATED,
     .stop = "error",
     .content = "[" TEXT("abc") "]",
     .usage = {3, 1, 0},
     .error_message = TRUNC_MSG},
    {.name = "a finish_reason without [DONE] is complete",
     .in = CONTENT("abc") FINISH("length"),
     .stop = "length",
     .content = "[" TEXT("abc") "]"},
    {.name = "content_filter",
     .in = CONTENT("abc") FINISH("content_filter") DONE,
     .stop = "error",
     .content = "[" TEXT("abc") "]"},
    {.name = "junk and late chunks ignored",
     .in = DATA("not json")
           DATA("[1,2]")
           DATA("{'choices':[]}")
           ": comment\n\n"
           "event: custom\ndata: {'choices':[{'index':0,'delta':"
           "{'content':'ok'}}]}\n\n"
           DATA("{'choices':[{'index':0,'delta':{'content':'!'}}],"
                "'usage':null}")
           FINISH("stop")
           DONE
           CONTENT("late")
           DONE,
     .stop = "stop",
     .content = "[" TEXT("ok!") "]"},
};
/* clang-format on */

/* What one run produced. */
struct run {
    struct llm_result res;
    char *msg; /* the message, serialised */
    struct buf text, thinking, tools;
};

static void on_text(void *arg, const char *p, size_t n)
{
    assert_int_equal(buf_add(&((struct run *)arg)->text, p, n), 0);
}

static void on_thinking(void *arg, const char *p, size_t n)
{
    assert_int_equal(buf_add(&((struct run *)arg)->thinking, p, n), 0);
}

static void on_tool(void *arg, const json_t *block)
{
    char *s = jsonx_dumps(block, 0);

    assert_int_equal(buf_addf(&((struct run *)arg)->tools, "%s\n", s), 0);
    free(s);
}

static int on_event(void *arg, const struct sse_event *ev)
{
    return openai_stream_event(arg, ev->event, ev->data, ev->data_len);
}

/* Feed in[0..n) in pieces ending at cuts[0..ncuts) (then the rest). */
static void run_stream(const char *in, size_t n, const size_t *cuts,
                       size_t ncuts, struct run *o)
{
    static const struct rq plain = {.model = NULL};
    struct llm_sink sink = {on_text, on_thinking, on_tool, o};
    struct openai_stream *s;
    struct sse_parser p;
    struct req q;
    size_t i, at = 0, to;

    memset(o, 0, sizeof(*o));
    buf_init(&o->text, 0);
    buf_init(&o->thinking, 0);
    buf_init(&o->tools, 0);
    llm_result_init(&o->res);
    req_init(&q, &plain);
    s = openai_stream_new(&q.r, &sink, &o->res);
    sse_init(&p, 0);
    for (i = 0; i <= ncuts; i++) {
        to = i < ncuts ? cuts[i] : n;
        sse_feed(&p, in + at, to - at, on_event, s);
        at = to;
    }
    sse_finish(&p);
    sse_release(&p);
    openai_stream_end(s);
    openai_stream_free(s);
    o->msg = jsonx_dumps(o->res.message, 0);
    req_release(&q);
}

static void run_release(struct run *o)
{
    llm_result_release(&o->res);
    free(o->msg);
    buf_release(&o->text);
    buf_release(&o->thinking);
    buf_release(&o->tools);
}

/* The transcript's bytes: ' as ", and each LF as CRLF when crlf. */
static char *bytes_of(const char *in, bool crlf, size_t *n)
{
    struct buf b;

    buf_init(&b, 0);
    for (; *in; in++) {
        if (crlf && *in == '\n')
            assert_int_equal(buf_addch(&b, '\r'), 0);
        assert_int_equal(buf_addch(&b, *in == '\'' ? '"' : *in), 0);
    }
    return buf_detach(&b, n);
}

/* The concatenated member key of content's blocks of this type. */
static void join_blocks(json_t *content, const char *type, const char *key,
                        struct buf *out)
{
    json_t *b;
    size_t i;

    json_array_foreach (content, i, b)
        if (!strcmp(jsonx_get_str(b, "type"), type))
            assert_int_equal(buf_addstr(out, jsonx_get_str(b, key)), 0);
}

static void check_sink(const struct scase *c, const struct run *o)
{
    json_t *content = json_object_get(o->res.message, "content"), *b;
    struct buf text, thinking, tools;
    size_t i;
    char *s;

    buf_init(&text, 0);
    buf_init(&thinking, 0);
    buf_init(&tools, 0);
    join_blocks(content, "text", "text", &text);
    join_blocks(content, "thinking", "thinking", &thinking);
    if (strcmp(text.p, o->text.p) || strcmp(thinking.p, o->thinking.p))
        fail_msg("%s: the sink got text '%s' thinking '%s'", c->name, o->text.p,
                 o->thinking.p);
    assert_int_equal(o->res.output_started, text.len + thinking.len > 0);
    json_array_foreach (content, i, b) {
        if (strcmp(jsonx_get_str(b, "type"), "toolCall") != 0)
            continue;
        s = jsonx_dumps(b, 0);
        assert_int_equal(buf_addf(&tools, "%s\n", s), 0);
        free(s);
    }
    assert_string_equal(tools.p, o->tools.p);
    buf_release(&text);
    buf_release(&thinking);
    buf_release(&tools);
}

static void check_usage(const struct scase *c, const struct run *o)
{
    const struct llm_usage *u = &o->res.usage;
    struct model_info info;

    assert_int_equal(u->input, c->usage[0]);
    assert_int_equal(u->output, c->usage[1]);
    assert_int_equal(u->cache_read, c->usage[2]);
    assert_int_equal(u->cache_write, 0);
    assert_int_equal(u->cache_write_1h, 0);
    assert_int_equal(catalogue_lookup(NULL, "openrouter",
                                      "anthropic/claude-sonnet-4.5", &info),
                     0);
    assert_true(u->cost == llm_cost(&info, u));
}

static void check_outcome(const struct scase *c, const struct run *o)
{
    json_t *want = jq(c->content), *msg = o->res.message;

    if (o->res.status != c->status)
        fail_msg("%s: status %d, want %d", c->name, (int)o->res.status,
                 (int)c->status);
    assert_string_equal(o->res.stop_reason, c->stop);
    assert_string_equal(jsonx_get_str(msg, "stopReason"), c->stop);
    assert_string_equal(jsonx_get_str(msg, "role"), "assistant");
    assert_string_equal(jsonx_get_str(msg, "api"), "openai-completions");
    assert_string_equal(jsonx_get_str(msg, "provider"), "openrouter");
    assert_string_equal(jsonx_get_str(msg, "model"),
                        "anthropic/claude-sonnet-4.5");
    same_json(c->name, "content", json_object_get(msg, "content"), want);
    assert_string_equal(o->res.error_type, c->error_type ? c->error_type : "");
    assert_string_equal(o->res.error_message,
                        c->error_message ? c->error_message : "");
    check_usage(c, o);
    check_sink(c, o);
    json_decref(want);
}

static void test_transcripts(void **state)
{
    struct run o;
    size_t i, n;
    char *in;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        in = bytes_of(scases[i].in, false, &n);
        run_stream(in, n, NULL, 0, &o);
        check_outcome(&scases[i], &o);
        run_release(&o);
        free(in);
    }
}

/* The first case by hand: sonnet-4.5 at 3 in, 15 out, 0.3 cache read. */
static void test_cost(void **state)
{
    struct run o;
    size_t n;
    char *in = bytes_of(scases[0].in, false, &n);

    (void)state;
    run_stream(in, n, NULL, 0, &o);
    assert_float_equal(o.res.usage.cost, (20 * 3 + 30 * 15 + 100 * 0.3) / 1e6,
                       1e-9);
    run_release(&o);
    free(in);
}

static void same_run(const struct scase *c, const char *how, size_t at,
                     const struct run *a, const struct run *b)
{
    if (strcmp(a->msg, b->msg) != 0 || a->res.status != b->res.status ||
        strcmp(a->res.stop_reason, b->res.stop_reason) != 0 ||
        memcmp(&a->res.usage, &b->res.usage, sizeof(a->res.usage)) != 0 ||
        strcmp(a->res.error_type, b->res.error_type) != 0 ||
        strcmp(a->res.error_message, b->res.error_message) != 0 ||
        a->res.output_started != b->res.output_started ||
        strcmp(a->text.p, b->text.p) != 0 ||
        strcmp(a->thinking.p, b->thinking.p) != 0 ||
        strcmp(a->tools.p, b->tools.p) != 0)
        fail_msg("%s: split %s at %zu gives\n%s\ntext '%s' status %d\n"
                 "instead of\n%s\ntext '%s' status %d",
                 c->name, how, at, b->msg, b->text.p, (int)b->res.status,
                 a->msg, a->text.p, (int)a->res.status);
}

static void check_splits(const struct scase *c, bool crlf)
{
    struct run one, two;
    size_t k, n, *cuts;
    char *in = bytes_of(c->in, crlf, &n);

    run_stream(in, n, NULL, 0, &one);
    for (k = 0; k <= n; k++) {
        run_stream(in, n, &k, 1, &two);
        same_run(c, crlf ? "once (CRLF)" : "once", k, &one, &two);
        run_release(&two);
    }
    cuts = xcalloc(n, sizeof(*cuts));
    for (k = 0; k + 1 < n; k++)
        cuts[k] = k + 1;
    run_stream(in, n, cuts, n ? n - 1 : 0, &two);
    same_run(c, crlf ? "bytewise (CRLF)" : "bytewise", 0, &one, &two);
    run_release(&two);
    free(cuts);
    run_release(&one);
    free(in);
}

/* The property: where the bytes are split never changes the outcome. */
static void test_every_split(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        check_splits(&scases[i], false);
        check_splits(&scases[i], true);
    }
}

/* CRLF line ends give the same outcome as LF. */
static void test_crlf_same(void **state)
{
    struct run lf, crlf;
    size_t i, n;
    char *a, *b;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        a = bytes_of(scases[i].in, false, &n);
        run_stream(a, n, NULL, 0, &lf);
        b = bytes_of(scases[i].in, true, &n);
        run_stream(b, n, NULL, 0, &crlf);
        same_run(&scases[i], "CRLF", 0, &lf, &crlf);
        run_release(&lf);
        run_release(&crlf);
        free(a);
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),     cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_parse_error), cmocka_unit_test(test_transcripts),
        cmocka_unit_test(test_cost),        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_crlf_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
