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
#include "streamkit.h"
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
        tu_jq(s->messages ? s->messages : "[{'role':'user','content':'hi'}]");
    q->r.tools = tu_jq(s->tools);
    q->r.thinking = s->thinking;
    q->r.params = tu_jq(s->params);
    q->r.headers = tu_jq(s->headers);
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
    json_t *body, *want = tu_jq(c->want), *w;
    const char *key;

    req_init(&q, &c->rq);
    body = openai_body(&q.r);
    assert_non_null(body);
    if (c->exact)
        tu_same_json(c->name, "the body", body, want);
    json_object_foreach (want, key, w)
        tu_same_json(c->name, key, json_object_get(body, key), w);
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

static const struct rq plain_rq = {.model = NULL};

/* The case's transcript, unsplit (the kit's run). */
static void run_case(const struct scase *c, struct tu_stream_run *o)
{
    struct req q;
    size_t n;
    char *in = tu_stream_bytes(c->in, false, &n);

    req_init(&q, &plain_rq);
    tu_stream_run(&openai_stream_ops, &q.r, in, n, NULL, 0, o);
    req_release(&q);
    free(in);
}

static void check_usage(const struct scase *c, const struct tu_stream_run *o)
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

static void check_outcome(const struct scase *c, const struct tu_stream_run *o)
{
    json_t *want = tu_jq(c->content), *msg = o->res.message;

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
    tu_same_json(c->name, "content", json_object_get(msg, "content"), want);
    assert_string_equal(o->res.error_type, c->error_type ? c->error_type : "");
    assert_string_equal(o->res.error_message,
                        c->error_message ? c->error_message : "");
    check_usage(c, o);
    tu_stream_check_sink(c->name, o);
    json_decref(want);
}

static void test_transcripts(void **state)
{
    struct tu_stream_run o;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        run_case(&scases[i], &o);
        check_outcome(&scases[i], &o);
        tu_stream_release(&o);
    }
}

/* The first case by hand: sonnet-4.5 at 3 in, 15 out, 0.3 cache read. */
static void test_cost(void **state)
{
    struct tu_stream_run o;

    (void)state;
    run_case(&scases[0], &o);
    assert_float_equal(o.res.usage.cost, (20 * 3 + 30 * 15 + 100 * 0.3) / 1e6,
                       1e-9);
    tu_stream_release(&o);
}

/* The properties: where the bytes are split never changes the outcome,
 * and CRLF line ends give the outcome of LF ones. */
static void test_every_split(void **state)
{
    struct req q;
    size_t i;

    (void)state;
    req_init(&q, &plain_rq);
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++)
        tu_stream_check_splits(&openai_stream_ops, &q.r, scases[i].name,
                               scases[i].in);
    req_release(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),     cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_parse_error), cmocka_unit_test(test_transcripts),
        cmocka_unit_test(test_cost),        cmocka_unit_test(test_every_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
