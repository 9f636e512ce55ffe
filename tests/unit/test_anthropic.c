/*
 * The Anthropic Messages provider: the exact headers and body built for a
 * request (auth modes, betas, cache breakpoints, conversation conversion,
 * thinking), and the assembly of canned SSE transcripts, each of which
 * must give the same message, usage, status and streamed text however its
 * bytes are split. JSON in the tables is written with ' for " (turned back
 * at run time); a literal apostrophe is \u0027.
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
#include "provider/anthropic.h"
#include "provider/catalogue.h"
#include "provider/sse.h"
#include "base/banned.h"

#define KEY "sk-ant-api03-KEY"
#define TOK "sk-ant-oat01-TOKEN"

/* ---- helpers ------------------------------------------------------------ */

/* A text-only model with a small output limit. */
static const struct model_info small_text = {
    .provider = "anthropic",
    .id = "claude-small",
    .name = "claude-small",
    .thinking = "budget",
    .context_window = 100000,
    .max_tokens = 8192,
    .default_max_tokens = 4096,
    .reasoning = true,
    .image_input = false,
};

/* A request as the tables describe it; NULL members take the defaults. */
struct rq {
    const char *model;  /* claude-opus-4-5 */
    const char *secret; /* KEY */
    bool bearer;
    const struct model_info *info; /* the catalogue's entry */
    const char *system;            /* "SYS"; "" for none */
    const char *messages;          /* one user message "hi" */
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
    q->r.provider = "anthropic";
    q->r.api = "anthropic-messages";
    q->r.base_url = "https://api.anthropic.com";
    q->r.model = s->model ? s->model : "claude-opus-4-5";
    if (s->info)
        q->r.info = s->info;
    else if (catalogue_lookup(NULL, "anthropic", q->r.model, &q->info) == 0)
        q->r.info = &q->info;
    q->r.system = s->system ? s->system : "SYS";
    q->r.messages =
        tu_jq(s->messages ? s->messages : "[{'role':'user','content':'hi'}]");
    q->r.tools = tu_jq(s->tools);
    q->r.thinking = s->thinking;
    q->r.params = tu_jq(s->params);
    q->r.headers = tu_jq(s->headers);
    q->r.user_id = s->user_id;
    q->r.cred.secret = s->secret ? s->secret : KEY;
    q->r.cred.bearer = s->bearer;
}

static void req_release(struct req *q)
{
    json_decref(q->r.messages);
    json_decref(q->r.tools);
    json_decref(q->r.params);
    json_decref(q->r.headers);
}

/* ---- headers ------------------------------------------------------------ */

#define B_TTL      "extended-cache-ttl-2025-04-11"
#define B_CC       "claude-code-20250219"
#define B_OAUTH    "oauth-2025-04-20"
#define B_TOOLS    "fine-grained-tool-streaming-2025-05-14"
#define B_THINK    "interleaved-thinking-2025-05-14"
#define B_1M       "context-1m-2025-08-07"
#define API_BETAS  B_TTL "," B_TOOLS "," B_THINK
#define AUTH_BETAS B_CC "," B_OAUTH "," B_TOOLS "," B_THINK

#define COMMON                                                                 \
    "anthropic-version: 2023-06-01\n"                                          \
    "content-type: application/json\n"                                         \
    "accept: application/json\n"                                               \
    "anthropic-dangerous-direct-browser-access: true\n"
#define API_H(betas)                                                           \
    "x-api-key: " KEY "\n" COMMON "anthropic-beta: " betas "\n"                \
    "user-agent: openclaw-c/" OC_VERSION
#define BEARER_H(secret, betas)                                                \
    "Authorization: Bearer " secret "\n" COMMON "anthropic-beta: " betas "\n"  \
    "user-agent: claude-cli/2.1.75\n"                                          \
    "x-app: cli"
#define AUTH_H(betas) BEARER_H(TOK, betas)

struct hcase {
    const char *name;
    struct rq rq;
    const char *want; /* the lines, joined with \n */
};

static const struct hcase hcases[] = {
    {.name = "api key", .want = API_H(API_BETAS)},
    {.name = "setup-token", .rq = {.secret = TOK}, .want = AUTH_H(AUTH_BETAS)},
    {.name = "bearer flag",
     .rq = {.secret = "opaque-access", .bearer = true},
     .want = BEARER_H("opaque-access", AUTH_BETAS)},
    {.name = "configured betas are unioned after the built-ins",
     .rq = {.headers =
                "{'Anthropic-Beta':' b-1 , " B_TOOLS ",b-1,, b-2 ,b-1'}"},
     .want = API_H(API_BETAS ",b-1,b-2")},
    {.name = "configured betas never drop the auth ones",
     .rq = {.secret = TOK,
            .headers = "{'anthropic-beta':'" B_1M ",b-1," B_OAUTH "'}"},
     .want = AUTH_H(AUTH_BETAS ",b-1")},
    {.name = "anthropicBeta string after the configured header",
     .rq = {.params = "{'anthropicBeta':'p-1, h-1'}",
            .headers = "{'anthropic-beta':'h-1'}"},
     .want = API_H(API_BETAS ",h-1,p-1")},
    {.name = "anthropicBeta array",
     .rq = {.params = "{'anthropicBeta':['a-1','b-1,a-1',' c-1 ',7]}"},
     .want = API_H(API_BETAS ",a-1,b-1,c-1")},
    {.name = "context1m on sonnet-4",
     .rq = {.model = "claude-sonnet-4-5", .params = "{'context1m':true}"},
     .want = API_H(API_BETAS "," B_1M)},
    {.name = "context1m on an adaptive opus-4",
     .rq = {.model = "claude-opus-4-6", .params = "{'context1m':true}"},
     .want = API_H(B_TTL "," B_TOOLS "," B_1M)},
    {.name = "context1m ignored on haiku",
     .rq = {.model = "claude-haiku-4-5", .params = "{'context1m':true}"},
     .want = API_H(API_BETAS)},
    {.name = "context1m false",
     .rq = {.params = "{'context1m':false}"},
     .want = API_H(API_BETAS)},
    {.name = "context-1m dropped for tokens from every source",
     .rq = {.secret = TOK,
            .params = "{'context1m':true,'anthropicBeta':['" B_1M "','x-1']}",
            .headers = "{'anthropic-beta':'" B_1M "'}"},
     .want = AUTH_H(AUTH_BETAS ",x-1")},
    {.name = "adaptive sonnet-4-6 token: no interleaved thinking",
     .rq = {.model = "claude-sonnet-4-6", .secret = TOK},
     .want = AUTH_H(B_CC "," B_OAUTH "," B_TOOLS)},
    {.name = "adaptive by id without a catalogue entry",
     .rq = {.model = "claude-opus-4.6-custom"},
     .want = API_H(B_TTL "," B_TOOLS)},
    {.name = "other configured headers replace ours or are appended",
     .rq = {.headers = "{'User-Agent':'x','Accept':'text/event-stream',"
                       "'X-Extra':'1','X-Number':5}"},
     .want = "x-api-key: " KEY "\n"
             "anthropic-version: 2023-06-01\n"
             "content-type: application/json\n"
             "Accept: text/event-stream\n"
             "anthropic-dangerous-direct-browser-access: true\n"
             "anthropic-beta: " API_BETAS "\n"
             "User-Agent: x\n"
             "X-Extra: 1"},
    {.name = "token: x-app can be replaced",
     .rq = {.secret = TOK, .headers = "{'X-App':'desktop'}"},
     .want = "Authorization: Bearer " TOK "\n" COMMON
             "anthropic-beta: " AUTH_BETAS "\n"
             "user-agent: claude-cli/2.1.75\n"
             "X-App: desktop"},
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
        anthropic_headers(&q.r, &l);
        got = strlist_join(&l, "\n");
        if (strcmp(got, hcases[i].want) != 0)
            fail_msg("%s: headers\n%s\nwant\n%s", hcases[i].name, got,
                     hcases[i].want);
        free(got);
        strlist_release(&l);
        req_release(&q);
    }
}

static void test_oauth_token(void **state)
{
    (void)state;
    assert_true(anthropic_is_oauth_token("sk-ant-oat01-abc"));
    assert_false(anthropic_is_oauth_token("sk-ant-api03-abc"));
    assert_false(anthropic_is_oauth_token("sk-or-v1-abc"));
    assert_false(anthropic_is_oauth_token(NULL));
}

/* ---- bodies ------------------------------------------------------------- */

/*
 * A body case: each member of want must equal the body's, a null member
 * must be absent; with exact the whole body must equal want. The tables
 * are laid out by hand (JSON pieces joined with macros read better one
 * per line than as clang-format wraps them).
 */
struct bcase {
    const char *name;
    struct rq rq;
    const char *want;
    bool exact;
};

/* clang-format off */
#define CC   "{'type':'ephemeral'}"
#define CC1H "{'type':'ephemeral','ttl':'1h'}"
#define CC5M "{'type':'ephemeral','ttl':'5m'}"
#define IDENTITY                                                               \
    "{'type':'text','text':'You are Claude Code, Anthropic\\u0027s "           \
    "official CLI for Claude.','cache_control':" CC "}"
#define SYS_CC(cc) "[{'type':'text','text':'SYS','cache_control':" cc "}]"
#define HI_CC(cc)                                                              \
    "[{'role':'user','content':[{'type':'text','text':'hi',"                   \
    "'cache_control':" cc "}]}]"
#define CACHED(cc)  "{'system':" SYS_CC(cc) ",'messages':" HI_CC(cc) "}"
#define UNCACHED                                                               \
    "{'system':[{'type':'text','text':'SYS'}],"                                \
    "'messages':[{'role':'user','content':'hi'}]}"
#define TEXT(t)     "{'type':'text','text':'" t "'}"
#define TEXT_CC(t)  "{'type':'text','text':'" t "','cache_control':" CC "}"
#define USER(c)     "{'role':'user','content':" c "}"
#define ASSIST(c)   "{'role':'assistant','content':" c "}"
#define IMG(data, mime)                                                        \
    "{'type':'image','data':'" data "','mimeType':'" mime "'}"
/* The API's image block, without its closing brace. */
#define API_IMG(data, mime)                                                    \
    "{'type':'image','source':{'type':'base64','media_type':'" mime "',"       \
    "'data':'" data "'}"
#define TOOL_CALL(id, name, args)                                              \
    "{'type':'toolCall','id':'" id "','name':'" name "','arguments':" args "}"
#define TOOL_USE(id, name, input)                                              \
    "{'type':'tool_use','id':'" id "','name':'" name "','input':" input "}"
#define RESULT(id, content, err)                                               \
    "{'role':'toolResult','toolCallId':'" id "','toolName':'t',"               \
    "'content':" content ",'isError':" err "}"
/* The API's tool_result block, without its closing brace. */
#define API_RESULT(id, content, err)                                           \
    "{'type':'tool_result','tool_use_id':'" id "','content':" content ","      \
    "'is_error':" err

static const struct bcase cache_cases[] = {
    {.name = "api key: the whole body",
     .rq = {.params = "{'temperature':0.5}", .user_id = "u-1"},
     .want = "{'model':'claude-opus-4-5','max_tokens':32000,'stream':true,"
             "'system':" SYS_CC(CC) ","
             "'messages':" HI_CC(CC) ","
             "'temperature':0.5,'metadata':{'user_id':'u-1'}}",
     .exact = true},
    {.name = "setup-token: identity block first, no ttl",
     .rq = {.secret = TOK, .params = "{'cacheControlTtl':'1h'}"},
     .want = "{'system':[" IDENTITY "," TEXT_CC("SYS") "],"
             "'messages':" HI_CC(CC) "}"},
    {.name = "setup-token: no ttl for long retention either",
     .rq = {.secret = TOK, .system = "", .params = "{'cacheRetention':'long'}"},
     .want = "{'system':[" IDENTITY "],'messages':" HI_CC(CC) "}"},
    {.name = "bearer flag: identity block",
     .rq = {.secret = "opaque", .bearer = true},
     .want = "{'system':[" IDENTITY "," TEXT_CC("SYS") "]}"},
    {.name = "no system prompt",
     .rq = {.system = ""},
     .want = "{'system':null,'messages':" HI_CC(CC) "}"},
    {.name = "cacheControlTtl 1h",
     .rq = {.params = "{'cacheControlTtl':'1h'}"},
     .want = CACHED(CC1H)},
    {.name = "cacheControlTtl 5m",
     .rq = {.params = "{'cacheControlTtl':'5m'}"},
     .want = CACHED(CC5M)},
    {.name = "cacheControlTtl of another value",
     .rq = {.params = "{'cacheControlTtl':'2h'}"},
     .want = CACHED(CC)},
    {.name = "cacheRetention none",
     .rq = {.params = "{'cacheRetention':'none'}"},
     .want = UNCACHED},
    {.name = "cacheRetention none wins over cacheControlTtl",
     .rq = {.params = "{'cacheControlTtl':'1h','cacheRetention':'none'}"},
     .want = UNCACHED},
    {.name = "cacheRetention short wins over cacheControlTtl",
     .rq = {.params = "{'cacheControlTtl':'1h','cacheRetention':'short'}"},
     .want = CACHED(CC)},
    {.name = "cacheRetention long wins over cacheControlTtl",
     .rq = {.params = "{'cacheRetention':'long','cacheControlTtl':'5m'}"},
     .want = CACHED(CC1H)},
    {.name = "a final assistant message gets no breakpoint",
     .rq = {.messages = "[" USER("'hi'") "," ASSIST("[" TEXT("yo") "]") "]"},
     .want = "{'system':" SYS_CC(CC) ","
             "'messages':[" USER("'hi'") "," ASSIST("[" TEXT("yo") "]") "]}"},
    {.name = "only the last block of the final user message",
     .rq = {.messages = "[" USER("'a'") ","
                        ASSIST("[" TEXT("b") "]") ","
                        USER("[" TEXT("c") "," TEXT("d") "]") "]"},
     .want = "{'messages':[" USER("'a'") ","
             ASSIST("[" TEXT("b") "]") ","
             USER("[" TEXT("c") "," TEXT_CC("d") "]") "]}"},
    {.name = "an image as the last block",
     .rq = {.messages = "[" USER("[" TEXT("look") ","
                                 IMG("AAA", "image/jpeg") "]") "]"},
     .want = "{'messages':[" USER("[" TEXT("look") ","
                                  API_IMG("AAA", "image/jpeg")
                                  ",'cache_control':" CC "}]") "]}"},
    {.name = "unknown user blocks dropped; the last kept block marked",
     .rq = {.messages = "[" USER("[" TEXT("a") ","
                                 "{'type':'document','data':'x'}]") "]"},
     .want = "{'messages':[" USER("[" TEXT_CC("a") "]") "]}"},
    {.name = "a tool result as the last block",
     .rq = {.messages = "[" RESULT("t1", "[" TEXT("ok") "]", "false") "]"},
     .want = "{'messages':[" USER("[" API_RESULT("t1", "'ok'", "false")
                                  ",'cache_control':" CC "}]") "]}"},
};

/* Tool results (text, image only, text and image) after two tool calls. */
#define GROUP_IN                                                               \
    "[" USER("'weather?'") ","                                                 \
    ASSIST("[" TEXT("Checking.") ","                                           \
           TOOL_CALL("call.1/x", "get_weather", "{'city':'Oslo'}") ","         \
           TOOL_CALL("toolu_2", "shot", "{}") "]") ","                         \
    RESULT("call.1/x", "[" TEXT("12C") "," TEXT("sunny") "]", "false") ","     \
    RESULT("toolu_2", "[" IMG("AAA", "image/png") "]", "true") ","             \
    RESULT("toolu_3", "[" TEXT("see") "," IMG("BBB", "image/gif") "]",         \
           "false") "]"
#define GROUP_WANT                                                             \
    "{'messages':[" USER("'weather?'") ","                                     \
    ASSIST("[" TEXT("Checking.") ","                                           \
           TOOL_USE("call_1_x", "get_weather", "{'city':'Oslo'}") ","          \
           TOOL_USE("toolu_2", "shot", "{}") "]") ","                          \
    USER("[" API_RESULT("call_1_x", "'12C\\nsunny'", "false") "},"             \
             API_RESULT("toolu_2", "[" TEXT("(see attached image)") ","        \
                                   API_IMG("AAA", "image/png") "}]",           \
                        "true") "},"                                           \
             API_RESULT("toolu_3", "[" TEXT("see") ","                         \
                                   API_IMG("BBB", "image/gif") "}]",           \
                        "false") ",'cache_control':" CC "}]") "]}"
#define LONG_ID                                                                \
    "toolu.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
#define LONG_ID_64                                                             \
    "toolu_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz012345"
#define THINKING_IN                                                            \
    "[" USER("'  '") "," USER("[" TEXT("") "]") ","                            \
    ASSIST("[{'type':'thinking','thinking':'hmm','thinkingSignature':'sig1'}," \
           "{'type':'thinking','thinking':'no sig','thinkingSignature':''},"   \
           "{'type':'thinking','thinking':' '},"                               \
           "{'type':'redactedThinking','data':'opaque'},"                      \
           TEXT("") "," TEXT(" \\n\\t ") "," TEXT("answer") "]") ","           \
    USER("'next'") "]"
#define THINKING_WANT                                                          \
    "{'messages':["                                                            \
    ASSIST("[{'type':'thinking','thinking':'hmm','signature':'sig1'},"         \
           TEXT("no sig") ","                                                  \
           "{'type':'redacted_thinking','data':'opaque'},"                     \
           TEXT("answer") "]") ","                                             \
    USER("[" TEXT_CC("next") "]") "]}"
#define CC_TOOLS                                                               \
    "[{'name':'read','description':'Read a file','parameters':"                \
    "{'type':'object','properties':{'path':{'type':'string'}},"                \
    "'required':['path']}},"                                                   \
    "{'name':'todowrite','description':'t','parameters':"                      \
    "{'type':'object','properties':{}}},"                                      \
    "{'name':'web_fetch','description':'w','parameters':"                      \
    "{'type':'object','properties':{}}}]"
#define CC_TOOLS_WANT                                                          \
    "[{'name':'Read','description':'Read a file','input_schema':"              \
    "{'type':'object','properties':{'path':{'type':'string'}},"                \
    "'required':['path']}},"                                                   \
    "{'name':'TodoWrite','description':'t','input_schema':"                    \
    "{'type':'object','properties':{}}},"                                      \
    "{'name':'web_fetch','description':'w','input_schema':"                    \
    "{'type':'object','properties':{}}}]"

static const struct bcase conversation_cases[] = {
    {.name = "tool results grouped into one user message",
     .rq = {.messages = GROUP_IN},
     .want = GROUP_WANT},
    {.name = "tool-call ids sanitised and cut to 64",
     .rq = {.messages = "[" ASSIST("[" TOOL_CALL(LONG_ID, "t", "{}") "]") ","
                        RESULT("a b", "[" TEXT("ok") "]", "false") "]"},
     .want = "{'messages':[" ASSIST("[" TOOL_USE(LONG_ID_64, "t", "{}") "]") ","
             USER("[" API_RESULT("a_b", "'ok'", "false")
                  ",'cache_control':" CC "}]") "]}"},
    {.name = "thinking replay; empty text dropped",
     .rq = {.messages = THINKING_IN},
     .want = THINKING_WANT},
    {.name = "images dropped for a text-only model",
     .rq = {.model = "claude-small",
            .info = &small_text,
            .messages = "[" USER("[" IMG("AAA", "image/png") "]") ","
                        ASSIST("[" TEXT("ok") "]") ","
                        USER("[" TEXT("look") "," IMG("BBB", "image/png") "]")
                        "]"},
     .want = "{'messages':[" ASSIST("[" TEXT("ok") "]") ","
             USER("[" TEXT_CC("look") "]") "]}"},
    {.name = "images kept for a model that takes them",
     .rq = {.messages = "[" USER("[" IMG("AAA", "image/png") ","
                                 TEXT("what?") "]") "]"},
     .want = "{'messages':[" USER("[" API_IMG("AAA", "image/png") "},"
                                  TEXT_CC("what?") "]") "]}"},
    {.name = "token: Claude Code tool names",
     .rq = {.secret = TOK,
            .tools = CC_TOOLS,
            .messages = "[" USER("'go'") ","
                        ASSIST("[" TOOL_CALL("t1", "read", "{'path':'a'}") ","
                                   TOOL_CALL("t2", "web_fetch", "{}") "]")
                        "]"},
     .want = "{'tools':" CC_TOOLS_WANT ","
             "'messages':[" USER("'go'") ","
             ASSIST("[" TOOL_USE("t1", "Read", "{'path':'a'}") ","
                        TOOL_USE("t2", "web_fetch", "{}") "]") "]}"},
    {.name = "api key: tool names unchanged, schema trimmed",
     .rq = {.tools = "[{'name':'read','description':'d','parameters':"
                     "{'type':'object','properties':{'city':{'type':"
                     "'string'}},'required':['city'],"
                     "'additionalProperties':false,'$defs':{'x':{}}}},"
                     "{'name':'noargs'}]"},
     .want = "{'tools':[{'name':'read','description':'d','input_schema':"
             "{'type':'object','properties':{'city':{'type':'string'}},"
             "'required':['city']}},{'name':'noargs','description':'',"
             "'input_schema':{'type':'object','properties':{}}}]}"},
    {.name = "no tools",
     .rq = {.tools = "[]"},
     .want = "{'tools':null}"},
};

#define BUDGET(b, max)                                                         \
    "{'thinking':{'type':'enabled','budget_tokens':" #b "},"                   \
    "'max_tokens':" #max ",'output_config':null,'temperature':null}"
#define ADAPTIVE(effort)                                                       \
    "{'thinking':{'type':'adaptive'},'output_config':{'effort':'" effort "'}," \
    "'max_tokens':32000,'temperature':null}"
#define NO_THINKING(max)                                                       \
    "{'thinking':null,'output_config':null,'max_tokens':" #max "}"
#define TEMP "{'temperature':0.5}"
#define TEMP_KEPT                                                              \
    "{'thinking':null,'output_config':null,'max_tokens':32000,"                \
    "'temperature':0.5}"

static const struct bcase thinking_cases[] = {
    {.name = "budget minimal",
     .rq = {.thinking = "minimal", .params = TEMP},
     .want = BUDGET(1024, 33024)},
    {.name = "budget low",
     .rq = {.thinking = "low", .params = TEMP},
     .want = BUDGET(2048, 34048)},
    {.name = "budget medium",
     .rq = {.thinking = "medium"},
     .want = BUDGET(8192, 40192)},
    {.name = "budget high",
     .rq = {.thinking = "high"},
     .want = BUDGET(16384, 48384)},
    {.name = "budget xhigh is high",
     .rq = {.thinking = "xhigh"},
     .want = BUDGET(16384, 48384)},
    {.name = "budget capped at the model's max output",
     .rq = {.thinking = "high", .params = "{'maxTokens':60000}"},
     .want = BUDGET(16384, 64000)},
    {.name = "small max output: budget is max - 1024",
     .rq = {.model = "claude-small", .info = &small_text, .thinking = "high"},
     .want = BUDGET(7168, 8192)},
    {.name = "adaptive minimal",
     .rq = {.model = "claude-opus-4-6", .thinking = "minimal", .params = TEMP},
     .want = ADAPTIVE("low")},
    {.name = "adaptive low",
     .rq = {.model = "claude-opus-4-6", .thinking = "low"},
     .want = ADAPTIVE("low")},
    {.name = "adaptive medium",
     .rq = {.model = "claude-opus-4-6", .thinking = "medium"},
     .want = ADAPTIVE("medium")},
    {.name = "adaptive high",
     .rq = {.model = "claude-opus-4-6", .thinking = "high"},
     .want = ADAPTIVE("high")},
    {.name = "adaptive xhigh on opus-4-6 is max",
     .rq = {.model = "claude-opus-4-6", .thinking = "xhigh"},
     .want = ADAPTIVE("max")},
    {.name = "adaptive xhigh on sonnet-4-6 is high",
     .rq = {.model = "claude-sonnet-4-6", .thinking = "xhigh"},
     .want = ADAPTIVE("high")},
    {.name = "thinking off keeps temperature",
     .rq = {.thinking = "off", .params = TEMP},
     .want = TEMP_KEPT},
    {.name = "no thinking keeps temperature",
     .rq = {.model = "claude-opus-4-6", .params = TEMP},
     .want = TEMP_KEPT},
    {.name = "maxTokens overrides the default",
     .rq = {.params = "{'maxTokens':1000}"},
     .want = NO_THINKING(1000)},
    {.name = "maxTokens 0 is ignored",
     .rq = {.params = "{'maxTokens':0}"},
     .want = NO_THINKING(32000)},
    {.name = "a model that cannot reason gets no thinking",
     .rq = {.model = "claude-3-haiku-20240307", .thinking = "high"},
     .want = NO_THINKING(4096)},
};
/* clang-format on */

/* Breakpoints anywhere in v. */
static size_t count_cc(json_t *v)
{
    const char *key;
    json_t *x;
    size_t i, n = 0;

    json_object_foreach (v, key, x)
        n += (strcmp(key, "cache_control") == 0) + count_cc(x);
    json_array_foreach (v, i, x)
        n += count_cc(x);
    return n;
}

static void check_body(const struct bcase *c)
{
    struct req q;
    json_t *body, *want = tu_jq(c->want), *w;
    const char *key;

    req_init(&q, &c->rq);
    body = anthropic_body(&q.r);
    assert_non_null(body);
    if (c->exact)
        tu_same_json(c->name, "the body", body, want);
    json_object_foreach (want, key, w)
        tu_same_json(c->name, key, json_object_get(body, key), w);
    if (count_cc(body) > 4)
        fail_msg("%s: more than 4 breakpoints", c->name);
    json_decref(want);
    json_decref(body);
    req_release(&q);
}

static void check_bodies(const struct bcase *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        check_body(&cases[i]);
}

#define CHECK_BODIES(t) check_bodies(t, sizeof(t) / sizeof(t[0]))

static void test_cache_control(void **state)
{
    (void)state;
    CHECK_BODIES(cache_cases);
}

static void test_conversation(void **state)
{
    (void)state;
    CHECK_BODIES(conversation_cases);
}

static void test_thinking(void **state)
{
    (void)state;
    CHECK_BODIES(thinking_cases);
}

/* ---- error bodies -------------------------------------------------------
 */

static void test_parse_error(void **state)
{
    static const char json[] =
        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
        "\"message\":\"Slow down\"},\"request_id\":\"req_011\"}";
    static const char html[] = "<html>502 Bad Gateway</html>";
    struct llm_result r;

    (void)state;
    llm_result_init(&r);
    anthropic_parse_error(json, sizeof(json) - 1, &r);
    assert_string_equal(r.error_type, "rate_limit_error");
    assert_string_equal(r.error_message, "Slow down");
    assert_string_equal(r.request_id, "req_011");
    llm_result_release(&r);
    anthropic_parse_error(html, sizeof(html) - 1, &r);
    assert_string_equal(r.error_type, "");
    assert_string_equal(r.error_message, html);
    llm_result_release(&r);
}

/* ---- stream transcripts ------------------------------------------------- */

/*
 * What a transcript must give: status, stop_reason, the raw stop reason
 * (providerStopReason, NULL when absent), the message's content and usage
 * (input, output, cache read, cache write, of which 1h). The sink's text
 * and thinking must be the content's text and thinking.
 */
struct scase {
    const char *name;
    const char *in;
    enum llm_status status;
    const char *stop;
    const char *raw;
    const char *content;
    int64_t usage[5];
    const char *error_type;
    const char *error_message;
    bool oauth; /* a setup-token request with a tool named "read" */
};

#define TRUNC_MSG "the response stream ended before it was complete"

/* clang-format off */
/* Events as Anthropic sends them (§2.2), one data line each. */
#define EV(name, data) "event: " name "\ndata: " data "\n\n"
#define M_START(usage)                                                         \
    EV("message_start",                                                        \
       "{'type':'message_start','message':{'id':'msg_01Ab','type':'message',"  \
       "'role':'assistant','model':'claude-opus-4-5-20251101','content':[],"   \
       "'stop_reason':null,'stop_sequence':null,'usage':" usage "}}")
#define U0                                                                     \
    "{'input_tokens':18,'cache_creation_input_tokens':0,"                      \
    "'cache_read_input_tokens':0,'output_tokens':2,'service_tier':'standard'}"
#define B_START(i, block)                                                      \
    EV("content_block_start",                                                  \
       "{'type':'content_block_start','index':" i ",'content_block':" block "}")
#define DELTA(i, d)                                                            \
    EV("content_block_delta",                                                  \
       "{'type':'content_block_delta','index':" i ",'delta':" d "}")
#define T_DELTA(i, t) DELTA(i, "{'type':'text_delta','text':'" t "'}")
#define THINK(i, t)   DELTA(i, "{'type':'thinking_delta','thinking':'" t "'}")
#define SIG(i, s)     DELTA(i, "{'type':'signature_delta','signature':'" s "'}")
#define PJSON(i, j)                                                            \
    DELTA(i, "{'type':'input_json_delta','partial_json':'" j "'}")
#define B_STOP(i)                                                              \
    EV("content_block_stop", "{'type':'content_block_stop','index':" i "}")
#define PING EV("ping", "{'type':'ping'}")
#define M_DELTA(reason, usage)                                                 \
    EV("message_delta",                                                        \
       "{'type':'message_delta','delta':{'stop_reason':" reason ","            \
       "'stop_sequence':null},'usage':" usage "}")
#define M_STOP     EV("message_stop", "{'type':'message_stop'}")
#define OUT(n)     "{'output_tokens':" #n "}"
#define TEXT_BLOCK "{'type':'text','text':''}"
#define TOOL_BLOCK(name)                                                       \
    "{'type':'tool_use','id':'toolu_01Xy','name':'" name "','input':{}}"
/* One text block "x", then the given stop reason. */
#define STOP_ONLY(reason)                                                      \
    M_START(U0) B_START("0", TEXT_BLOCK) T_DELTA("0", "x") B_STOP("0")         \
    M_DELTA(reason, OUT(3)) M_STOP

static const struct scase scases[] = {
    {.name = "text only",
     .in = M_START(U0)
           B_START("0", TEXT_BLOCK)
           PING
           T_DELTA("0", "Hello")
           T_DELTA("0", "! How can")
           T_DELTA("0", " I help?")
           B_STOP("0")
           M_DELTA("'end_turn'", OUT(15))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[" TEXT("Hello! How can I help?") "]",
     .usage = {18, 15, 0, 0, 0}},
    {.name = "text and a tool call in three pieces",
     .in = M_START(U0)
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "Checking.")
           B_STOP("0")
           B_START("1", TOOL_BLOCK("get_weather"))
           PJSON("1", "")
           PJSON("1", "{\\'ci")
           PJSON("1", "ty\\': \\'Os")
           PJSON("1", "lo\\'}")
           B_STOP("1")
           M_DELTA("'tool_use'", OUT(61))
           M_STOP,
     .stop = "toolUse",
     .raw = "tool_use",
     .content = "[" TEXT("Checking.") ","
                TOOL_CALL("toolu_01Xy", "get_weather", "{'city':'Oslo'}") "]",
     .usage = {18, 61, 0, 0, 0}},
    {.name = "a tool call without input",
     .in = M_START(U0)
           B_START("0", TOOL_BLOCK("now"))
           B_STOP("0")
           M_DELTA("'tool_use'", OUT(5))
           M_STOP,
     .stop = "toolUse",
     .raw = "tool_use",
     .content = "[" TOOL_CALL("toolu_01Xy", "now", "{}") "]",
     .usage = {18, 5, 0, 0, 0}},
    {.name = "thinking, signature and text",
     .in = M_START(U0)
           B_START("0", "{'type':'thinking','thinking':'','signature':''}")
           THINK("0", "User wants")
           THINK("0", " Oslo.")
           SIG("0", "EqQBCkYIBx")
           B_STOP("0")
           B_START("1", TEXT_BLOCK)
           T_DELTA("1", "It is 12C.")
           B_STOP("1")
           M_DELTA("'end_turn'", OUT(40))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[{'type':'thinking','thinking':'User wants Oslo.',"
                "'thinkingSignature':'EqQBCkYIBx'}," TEXT("It is 12C.") "]",
     .usage = {18, 40, 0, 0, 0}},
    {.name = "redacted thinking",
     .in = M_START(U0)
           B_START("0", "{'type':'redacted_thinking','data':'EmwKAhgBEgy3va'}")
           B_STOP("0")
           B_START("1", TEXT_BLOCK)
           T_DELTA("1", "Done.")
           B_STOP("1")
           M_DELTA("'end_turn'", OUT(9))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[{'type':'redactedThinking','data':'EmwKAhgBEgy3va'},"
                TEXT("Done.") "]",
     .usage = {18, 9, 0, 0, 0}},
    {.name = "null counters in message_delta keep message_start's",
     .in = M_START("{'input_tokens':25,'cache_creation_input_tokens':100,"
                   "'cache_read_input_tokens':200,'output_tokens':1}")
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "ok")
           B_STOP("0")
           M_DELTA("'end_turn'",
                   "{'input_tokens':null,'cache_creation_input_tokens':null,"
                   "'cache_read_input_tokens':null,'output_tokens':7}")
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[" TEXT("ok") "]",
     .usage = {25, 7, 200, 100, 0}},
    {.name = "cache usage with 1h writes",
     .in = M_START("{'input_tokens':18,'cache_creation_input_tokens':3000,"
                   "'cache_read_input_tokens':500,'cache_creation':"
                   "{'ephemeral_5m_input_tokens':2000,"
                   "'ephemeral_1h_input_tokens':1000},'output_tokens':2,"
                   "'service_tier':'standard'}")
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "Hi")
           B_STOP("0")
           M_DELTA("'end_turn'", OUT(61))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[" TEXT("Hi") "]",
     .usage = {18, 61, 500, 3000, 1000}},
    {.name = "an error event after content",
     .in = M_START(U0)
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "Partial")
           EV("error", "{'type':'error','error':{'type':'overloaded_error',"
                       "'message':'Overloaded'}}")
           T_DELTA("0", " ignored")
           B_STOP("0")
           M_STOP,
     .status = LLM_STREAM_ERROR,
     .stop = "error",
     .content = "[" TEXT("Partial") "]",
     .usage = {18, 2, 0, 0, 0},
     .error_type = "overloaded_error",
     .error_message = "Overloaded"},
    {.name = "cut inside an event",
     .in = M_START(U0)
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "Hello")
           T_DELTA("0", " wor")
           "event: content_block_delta\n"
           "data: {'type':'content_block_delta','index':0,"
           "'delta':{'type':'text_delta','text':'ld'}}",
     .status = LLM_TRUNCATED,
     .stop = "error",
     .content = "[" TEXT("Hello wor") "]",
     .usage = {18, 2, 0, 0, 0},
     .error_message = TRUNC_MSG},
    {.name = "cut before message_stop",
     .in = M_START(U0)
           B_START("0", TOOL_BLOCK("get_weather"))
           PJSON("0", "{\\'city\\': \\'Oslo\\'}")
           B_STOP("0")
           M_DELTA("'tool_use'", OUT(20)),
     .status = LLM_TRUNCATED,
     .stop = "error",
     .raw = "tool_use",
     .content = "[" TOOL_CALL("toolu_01Xy", "get_weather",
                              "{'city':'Oslo'}") "]",
     .usage = {18, 20, 0, 0, 0},
     .error_message = TRUNC_MSG},
    {.name = "unknown events, blocks and deltas are ignored",
     .in = ": a comment\n\n"
           M_START(U0)
           EV("future_event", "{'type':'future_event','x':1}")
           "event: ping\ndata: keepalive\n\n"
           B_START("0", "{'type':'server_tool_use','id':'srvtoolu_1',"
                        "'name':'web_search','input':{}}")
           PJSON("0", "{\\'query\\': \\'oslo\\'}")
           B_STOP("0")
           B_START("1", "{'type':'web_search_tool_result',"
                        "'tool_use_id':'srvtoolu_1','content':[]}")
           B_STOP("1")
           B_START("2", TEXT_BLOCK)
           T_DELTA("2", "Sunny")
           DELTA("2", "{'type':'citations_delta','citation':"
                      "{'type':'web_search_result_location','url':'https://x'}}")
           DELTA("2", "{'type':'brand_new_delta','text':'no'}")
           THINK("2", "wrong block")
           T_DELTA("9", "no block")
           T_DELTA("2", ".")
           B_STOP("2")
           T_DELTA("2", " after stop")
           PING
           M_DELTA("'end_turn'", OUT(30))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[" TEXT("Sunny.") "]",
     .usage = {18, 30, 0, 0, 0}},
    {.name = "stop reason max_tokens",
     .in = STOP_ONLY("'max_tokens'"),
     .stop = "length",
     .raw = "max_tokens",
     .content = "[" TEXT("x") "]",
     .usage = {18, 3, 0, 0, 0}},
    {.name = "stop reason refusal",
     .in = STOP_ONLY("'refusal'"),
     .stop = "error",
     .raw = "refusal",
     .content = "[" TEXT("x") "]",
     .usage = {18, 3, 0, 0, 0}},
    {.name = "stop reason stop_sequence",
     .in = STOP_ONLY("'stop_sequence'"),
     .stop = "stop",
     .raw = "stop_sequence",
     .content = "[" TEXT("x") "]",
     .usage = {18, 3, 0, 0, 0}},
    {.name = "an unknown stop reason is stop",
     .in = STOP_ONLY("'model_context_window_exceeded'"),
     .stop = "stop",
     .raw = "model_context_window_exceeded",
     .content = "[" TEXT("x") "]",
     .usage = {18, 3, 0, 0, 0}},
    {.name = "a null stop reason",
     .in = STOP_ONLY("null"),
     .stop = "stop",
     .content = "[" TEXT("x") "]",
     .usage = {18, 3, 0, 0, 0}},
    {.name = "malformed tool JSON at max_tokens",
     .in = M_START(U0)
           B_START("0", TOOL_BLOCK("get_weather"))
           PJSON("0", "{\\'city\\': \\'Os")
           B_STOP("0")
           M_DELTA("'max_tokens'", OUT(4096))
           M_STOP,
     .stop = "length",
     .raw = "max_tokens",
     .content = "[{'type':'toolCall','id':'toolu_01Xy','name':'get_weather',"
                "'arguments':{},'malformedArguments':'{\\'city\\': \\'Os'}]",
     .usage = {18, 4096, 0, 0, 0}},
    {.name = "token: tool names mapped back",
     .in = M_START(U0)
           B_START("0", TOOL_BLOCK("Read"))
           PJSON("0", "{\\'path\\':\\'a\\'}")
           B_STOP("0")
           B_START("1", TOOL_BLOCK("WebFetch"))
           B_STOP("1")
           M_DELTA("'tool_use'", OUT(12))
           M_STOP,
     .stop = "toolUse",
     .raw = "tool_use",
     .content = "[" TOOL_CALL("toolu_01Xy", "read", "{'path':'a'}") ","
                TOOL_CALL("toolu_01Xy", "WebFetch", "{}") "]",
     .usage = {18, 12, 0, 0, 0},
     .oauth = true},
    /* Deltas go through jscan or, for shapes it leaves alone, jansson:
     * the text is the same either way. */
    {.name = "deltas in every shape jansson reads",
     .in = M_START(U0)
           B_START("0", TEXT_BLOCK)
           T_DELTA("0", "caf\\u00e9 \\ud83d\\ude00\\n")
           DELTA("'0'", "{'type':'text_delta','text':'a'}")
           DELTA("0.0", "{'type':'text_delta','text':'b'}")
           EV("content_block_delta",
              "{'type':'content_block_delta','index':0,'delta':"
              "{'type':'text_delta','text':'c'},'x':1,'y':2}")
           DELTA("0", "{'type':'text_delta','text':'no','text':'d'}")
           DELTA("0", "{'type':'text_delta','text':'\\u0000'}")
           DELTA("0", "{'type':'text_delta','text':7}")
           DELTA("0", "{'type':'t\\u0065xt_delta','text':'e'}")
           EV("content_block_delta",
              "{'t\\u0079pe':'content_block_delta','index':0,'delta':"
              "{'type':'text_delta','text':'f'}}")
           DELTA("1", "{'type':'text_delta','text':'no block 1'}")
           DELTA("0", "{'type':'thinking_delta','thinking':'not text'}")
           B_STOP("0")
           T_DELTA("0", "closed")
           M_DELTA("'end_turn'", OUT(5))
           M_STOP,
     .stop = "stop",
     .raw = "end_turn",
     .content = "[" TEXT("caf\\u00e9 \\ud83d\\ude00\\nabcdef") "]",
     .usage = {18, 5, 0, 0, 0}},
};
/* clang-format on */

static const struct rq plain_rq = {.model = NULL};
static const struct rq oauth_rq = {
    .secret = TOK,
    .tools = "[{'name':'read','description':'r','parameters':{}}]"};

/* The case's transcript, unsplit (the kit's run). */
static void run_case(const struct scase *c, struct tu_stream_run *o)
{
    struct req q;
    size_t n;
    char *in = tu_stream_bytes(c->in, false, &n);

    req_init(&q, c->oauth ? &oauth_rq : &plain_rq);
    tu_stream_run(&anthropic_stream_ops, &q.r, in, n, NULL, 0, o);
    req_release(&q);
    free(in);
}

static void check_usage(const struct scase *c, const struct tu_stream_run *o)
{
    const struct llm_usage *u = &o->res.usage;
    json_t *ju = json_object_get(o->res.message, "usage");
    struct model_info info;

    assert_int_equal(u->input, c->usage[0]);
    assert_int_equal(u->output, c->usage[1]);
    assert_int_equal(u->cache_read, c->usage[2]);
    assert_int_equal(u->cache_write, c->usage[3]);
    assert_int_equal(u->cache_write_1h, c->usage[4]);
    assert_int_equal(
        catalogue_lookup(NULL, "anthropic", "claude-opus-4-5", &info), 0);
    assert_true(u->cost == llm_cost(&info, u));
    assert_int_equal(json_integer_value(json_object_get(ju, "totalTokens")),
                     c->usage[0] + c->usage[1] + c->usage[2] + c->usage[3]);
    assert_true(json_real_value(json_object_get(json_object_get(ju, "cost"),
                                                "total")) == u->cost);
}

static void check_outcome(const struct scase *c, const struct tu_stream_run *o)
{
    json_t *want = tu_jq(c->content), *msg = o->res.message;

    if (o->res.status != c->status)
        fail_msg("%s: status %d, want %d", c->name, (int)o->res.status,
                 (int)c->status);
    assert_string_equal(o->res.stop_reason, c->stop);
    assert_string_equal(jsonx_get_str(msg, "stopReason"), c->stop);
    if (c->raw)
        assert_string_equal(jsonx_get_str(msg, "providerStopReason"), c->raw);
    else
        assert_null(json_object_get(msg, "providerStopReason"));
    assert_string_equal(jsonx_get_str(msg, "role"), "assistant");
    assert_string_equal(jsonx_get_str(msg, "api"), "anthropic-messages");
    assert_string_equal(jsonx_get_str(msg, "model"), "claude-opus-4-5");
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

/* The usage object as transcripts and --json write it: key order and
 * numbers as OpenClaw's JSON.stringify gives them. */
static void test_usage_json_bytes(void **state)
{
    struct model_info info = {.has_cost = true,
                              .cost_input = 1,
                              .cost_output = 2,
                              .cost_cache_read = 0.5,
                              .cost_cache_write = 4,
                              .cost_cache_write_1h = 8};
    struct llm_usage u = {1000000, 1000000, 2000000, 1000000, 0, 0};
    json_t *j = llm_usage_json(&info, &u);
    char *s = jsonx_dumps(j, 0);

    (void)state;
    assert_string_equal(
        s, "{\"input\":1000000,\"output\":1000000,\"cacheRead\":2000000,"
           "\"cacheWrite\":1000000,\"totalTokens\":5000000,\"cost\":{"
           "\"input\":1,\"output\":2,\"cacheRead\":1,\"cacheWrite\":4,"
           "\"total\":8}}");
    free(s);
    json_decref(j);
    j = llm_usage_json(NULL, &u); /* no price known: zero cost */
    s = jsonx_dumps(json_object_get(j, "cost"), 0);
    assert_string_equal(s, "{\"input\":0,\"output\":0,\"cacheRead\":0,"
                           "\"cacheWrite\":0,\"total\":0}");
    free(s);
    json_decref(j);
}

/* The cost of the 1h-cache case, by hand: opus-4-5 at 5/25/0.5/6.25/10. */
static void test_cost(void **state)
{
    const struct scase *c = &scases[6];
    struct tu_stream_run o;

    (void)state;
    assert_string_equal(c->name, "cache usage with 1h writes");
    run_case(c, &o);
    assert_float_equal(
        o.res.usage.cost,
        (18 * 5 + 61 * 25 + 500 * 0.5 + 2000 * 6.25 + 1000 * 10.0) / 1e6, 1e-9);
    tu_stream_release(&o);
}

/* The properties: where the bytes are split never changes the outcome,
 * and CRLF line ends give the outcome of LF ones. */
static void test_every_split(void **state)
{
    struct req q;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scases) / sizeof(scases[0]); i++) {
        req_init(&q, scases[i].oauth ? &oauth_rq : &plain_rq);
        tu_stream_check_splits(&anthropic_stream_ops, &q.r, scases[i].name,
                               scases[i].in);
        req_release(&q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_oauth_token),
        cmocka_unit_test(test_cache_control),
        cmocka_unit_test(test_conversation),
        cmocka_unit_test(test_thinking),
        cmocka_unit_test(test_parse_error),
        cmocka_unit_test(test_transcripts),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_usage_json_bytes),
        cmocka_unit_test(test_every_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
