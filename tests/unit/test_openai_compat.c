/*
 * The OpenAI Chat Completions conversions: request bodies into the
 * system prompt, pi-ai history and input, tools and slash command;
 * model names into agents; a turn's message and usage into completions,
 * chunks and errors (compared as the exact bytes sent); failure kinds
 * into HTTP status, type and code. JSON in the tables is written with '
 * for " (turned back at run time); \\' is an escaped quote.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "base/buf.h"
#include "base/xalloc.h"
#include "gateway/openai_compat.h"
#include "json/jsonx.h"
#include "base/banned.h"

/* ---- helpers ------------------------------------------------------------ */

/* v (stolen) serialized as sent, against want in ' notation. */
static void wire_is(const char *name, json_t *v, const char *want)
{
    char *got = v ? jsonx_dumps(v, 0) : NULL;
    char *w = tu_dq(want);

    tu_str_is(name, "JSON", got, w);
    free(got);
    free(w);
    json_decref(v);
}

/* Messages carry the time they were converted; drop it (checking it is
 * there) so the rest compares exactly. */
static void drop_timestamps(const char *name, json_t *msgs)
{
    json_t *m;
    size_t i;

    json_array_foreach (msgs, i, m) {
        if (!json_is_integer(json_object_get(m, "timestamp")))
            fail_msg("%s: message %zu has no timestamp", name, i);
        json_object_del(m, "timestamp");
    }
}

static void json_is(const char *name, const char *what, json_t *got,
                    const char *want)
{
    json_t *w = tu_jq(want);
    char *g, *ws;

    if (!w && !got)
        return;
    if (w && got && json_equal(got, w)) {
        json_decref(w);
        return;
    }
    g = got ? jsonx_dumps(got, 0) : xstrdup("(null)");
    ws = w ? jsonx_dumps(w, 0) : xstrdup("(null)");
    fail_msg("%s: %s is\n%s\nwant\n%s", name, what, g, ws);
}

/* ---- oa_parse_request --------------------------------------------------- */

#define U(t) "{'role':'user','content':[{'type':'text','text':'" t "'}]}"
#define AS(t)                                                                  \
    "{'role':'assistant','content':[{'type':'text','text':'" t "'}],"          \
    "'stopReason':'stop'}"
#define UM(t)      "{'role':'user','content':'" t "'}"
#define AM(t)      "{'role':'assistant','content':'" t "'}"
#define BODY(msgs) "{'messages':[" msgs "]}"

struct pcase {
    const char *name;
    const char *body;
    int rc;
    const char *msg; /* rc != 0: a substring of the message */
    /* rc == 0: all checked (NULL: expected NULL) */
    const char *model;
    const char *agent;
    bool stream, include_usage;
    const char *user;
    const char *system;
    const char *history, *input; /* pi-ai, without timestamps */
    const char *tools;
    const char *command;
};

static const struct pcase pcases[] = {
    {"minimal", BODY(UM("hi")), .model = "openclaw", .history = "[]",
     .input = "[" U("hi") "]"},
    {"system and developer joined",
     BODY("{'role':'system','content':'Be brief.'},"
          "{'role':'developer','content':[{'type':'text','text':'Use metric.'},"
          "{'type':'text','text':'No emoji.'}]},"
          "{'role':'system','content':''}," UM("hi")),
     .model = "openclaw", .system = "Be brief.\n\nUse metric.\nNo emoji.",
     .history = "[]", .input = "[" U("hi") "]"},
    {"system after the user message still counts",
     BODY(UM("hi") ",{'role':'system','content':'S'}"), .model = "openclaw",
     .system = "S", .history = "[]", .input = "[" U("hi") "]"},
    {"user content parts",
     BODY("{'role':'user','content':[{'type':'text','text':'one'},"
          "{'type':'input_text','text':'two'},{'type':'text','text':''},"
          "{'type':'image_url','image_url':{'url':'data:image/"
          "png;base64,iVBO'}},"
          "{'type':'image_url','image_url':{'url':'https://x.test/y.png'}},"
          "{'type':'image_url','image_url':'data:image/jpeg;base64,/9j/'},"
          "{'type':'image_url','image_url':{'url':'data:;base64,AAAA'}},"
          "{'type':'audio','data':'x'}]}"),
     .model = "openclaw", .history = "[]",
     .input = "[{'role':'user','content':[{'type':'text','text':'one\\ntwo'},"
              "{'type':'image','data':'iVBO','mimeType':'image/png'},"
              "{'type':'image','data':'/9j/','mimeType':'image/jpeg'}]}]"},
    {"tool round trip",
     BODY(UM("weather in Paris?") ",{'role':'assistant','content':null,"
                                  "'tool_calls':[{'id':'call_1','type':'"
                                  "function','function':{'name':'get_"
                                  "weather','arguments':'{\\'city\\':\\'"
                                  "Paris\\'}'}}]},"
                                  "{'role':'tool','tool_call_id':'call_1',"
                                  "'content':'sunny'}"),
     .model = "openclaw",
     .history = "[" U(
         "weather in Paris?") ",{'role':'assistant','content':["
                              "{'type':'toolCall','id':'call_1','name':'"
                              "get_weather','arguments':{'city':'Paris'}}],"
                              "'stopReason':'toolUse'}]",
     .input =
         "[{'role':'toolResult','toolCallId':'call_1','toolName':'get_weather',"
         "'content':[{'type':'text','text':'sunny'}],'isError':false}]"},
    {"tool calls with text, odd arguments, unknown ids",
     BODY(UM("q") ",{'role':'assistant','content':'Checking.','tool_calls':["
                  "{'id':'c1','type':'function','function':{'name':'a',"
                  "'arguments':'not json'}},"
                  "{'id':'c2','type':'function','function':{'name':'b',"
                  "'arguments':''}},"
                  "{'id':'c3','type':'function','function':{'name':'c',"
                  "'arguments':'[1]'}}]},"
                  "{'role':'tool','tool_call_id':'c1','content':'A'},"
                  "{'role':'tool','tool_call_id':'c9','name':'zz',"
                  "'content':[{'type':'text','text':'B'}]}"),
     .model = "openclaw",
     .history =
         "[" U("q") ",{'role':'assistant','content':["
                    "{'type':'text','text':'Checking.'},"
                    "{'type':'toolCall','id':'c1','name':'a','arguments':"
                    "{'input':'not json'}},"
                    "{'type':'toolCall','id':'c2','name':'b','arguments':{}},"
                    "{'type':'toolCall','id':'c3','name':'c','arguments':"
                    "{'input':'[1]'}}],'stopReason':'toolUse'}]",
     .input = "[{'role':'toolResult','toolCallId':'c1','toolName':'a',"
              "'content':[{'type':'text','text':'A'}],'isError':false},"
              "{'role':'toolResult','toolCallId':'c9','toolName':'zz',"
              "'content':[{'type':'text','text':'B'}],'isError':false}]"},
    {"split at the last assistant",
     BODY(UM("a") "," AM("b") "," UM("c") "," AM("d") "," UM("e") "," UM("f")),
     .model = "openclaw",
     .history = "[" U("a") "," AS("b") "," U("c") "," AS("d") "]",
     .input = "[" U("e") "," U("f") "]"},
    {"an empty user message is dropped",
     BODY(UM("a") "," AM("b") "," UM("") "," UM("c")), .model = "openclaw",
     .history = "[" U("a") "," AS("b") "]", .input = "[" U("c") "]"},
    {"stream, usage, user, agent model",
     "{'model':'openclaw/ops','stream':true,'stream_options':"
     "{'include_usage':true},'user':'u-42','messages':[" UM("hi") "]}",
     .model = "openclaw/ops", .agent = "ops", .stream = true,
     .include_usage = true, .user = "u-42", .history = "[]",
     .input = "[" U("hi") "]"},
    {"stream without usage",
     "{'model':'agent:main','stream':true,'messages':[" UM("hi") "]}",
     .model = "agent:main", .agent = "main", .stream = true, .history = "[]",
     .input = "[" U("hi") "]"},
    {"non-boolean flags are false, empty user dropped",
     "{'model':'gpt-4o','stream':'yes','stream_options':"
     "{'include_usage':1},'user':'','messages':[" UM("hi") "]}",
     .model = "gpt-4o", .history = "[]", .input = "[" U("hi") "]"},
    {"a non-string user is ignored", "{'user':7,'messages':[" UM("hi") "]}",
     .model = "openclaw", .history = "[]", .input = "[" U("hi") "]"},

    /* slash commands */
    {"a lone slash command", BODY(UM("/new")), .model = "openclaw",
     .history = "[]", .input = "[" U("/new") "]", .command = "/new"},
    {"a slash command after an answer",
     BODY(UM("hi") "," AM("yo") "," UM("/model anthropic/claude")),
     .model = "openclaw", .history = "[" U("hi") "," AS("yo") "]",
     .input = "[" U("/model anthropic/claude") "]",
     .command = "/model anthropic/claude"},
    {"a slash command as a text part",
     BODY("{'role':'user','content':[{'type':'text','text':'/status'}]}"),
     .model = "openclaw", .history = "[]", .input = "[" U("/status") "]",
     .command = "/status"},
    {"not a command: two new messages", BODY(UM("/new") "," UM("more")),
     .model = "openclaw", .history = "[]",
     .input = "[" U("/new") "," U("more") "]"},
    {"not a command: a slash mid-text", BODY(UM("what is /new?")),
     .model = "openclaw", .history = "[]", .input = "[" U("what is /new?") "]"},
    {"not a command: leading space", BODY(UM(" /new")), .model = "openclaw",
     .history = "[]", .input = "[" U(" /new") "]"},
    {"not a command: with an image",
     BODY("{'role':'user','content':[{'type':'text','text':'/new'},"
          "{'type':'image_url','image_url':'data:image/png;base64,AA'}]}"),
     .model = "openclaw", .history = "[]",
     .input = "[{'role':'user','content':[{'type':'text','text':'/new'},"
              "{'type':'image','data':'AA','mimeType':'image/png'}]}]"},
    {"not a command: a tool result",
     BODY("{'role':'assistant','content':'','tool_calls':[{'id':'c','type':"
          "'function','function':{'name':'f','arguments':'{}'}}]},"
          "{'role':'tool','tool_call_id':'c','content':'/x'}"),
     .model = "openclaw",
     .history = "[{'role':'assistant','content':[{'type':'toolCall','id':'c','"
                "name':'f',"
                "'arguments':{}}],'stopReason':'toolUse'}]",
     .input = "[{'role':'toolResult','toolCallId':'c','toolName':'f',"
              "'content':[{'type':'text','text':'/x'}],'isError':false}]"},

    /* tools */
    {"tools converted",
     "{'tools':[{'type':'function','function':{'name':'get_weather',"
     "'description':'Weather now','parameters':{'type':'object','properties':"
     "{'city':{'type':'string'}},'required':['city']}}},"
     "{'type':'function','function':{'name':'ping'}},"
     "{'type':'function','function':{'name':'bad','parameters':[1]}},"
     "{'type':'code_interpreter'},{'type':'function','function':{}}],"
     "'messages':[" UM("hi") "]}",
     .model = "openclaw", .history = "[]", .input = "[" U("hi") "]",
     .tools = "[{'name':'get_weather','description':'Weather now','parameters':"
              "{'type':'object','properties':{'city':{'type':'string'}},"
              "'required':['city']}},"
              "{'name':'ping','description':'','parameters':{}},"
              "{'name':'bad','description':'','parameters':{}}]"},
    {"no function tools", "{'tools':[],'messages':[" UM("hi") "]}",
     .model = "openclaw", .history = "[]", .input = "[" U("hi") "]"},

    /* errors */
    {"malformed JSON", "{not json", .rc = -1, .msg = "Invalid JSON at line 1"},
    {"empty body", "", .rc = -1, .msg = "Invalid JSON"},
    {"duplicate keys", "{'messages':[],'messages':[]}", .rc = -1,
     .msg = "Invalid JSON"},
    {"an array body", "[" UM("hi") "]", .rc = -1,
     .msg = "The request body must be a JSON object."},
    {"no messages", "{'model':'openclaw'}", .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"empty messages", "{'messages':[]}", .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"messages a string", "{'messages':'hi'}", .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"only a system message", BODY("{'role':'system','content':'S'}"), .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"ends with the assistant", BODY(UM("hi") "," AM("yo")), .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"an empty user message", BODY(UM("")), .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"user content null", BODY("{'role':'user','content':null}"), .rc = -1,
     .msg = "Missing user message in `messages`."},
    {"model a number", "{'model':5,'messages':[" UM("hi") "]}", .rc = -1,
     .msg = "`model` must be a string."},
    {"a message not an object", BODY(UM("hi") ",5"), .rc = -1,
     .msg = "Invalid message at `messages[1]`"},
    {"a message without a role", BODY("{'content':'hi'}"), .rc = -1,
     .msg = "Invalid message at `messages[0]`"},
    {"an unknown role", BODY("{'role':'robot','content':'hi'}"), .rc = -1,
     .msg = "Invalid message at `messages[0]`"},
    {"a role not a string", BODY("{'role':1,'content':'hi'}"), .rc = -1,
     .msg = "Invalid message at `messages[0]`"},
};

static void check_parsed(const struct pcase *c, struct oa_request *q)
{
    tu_str_is(c->name, "model", q->model, c->model);
    tu_str_is(c->name, "agent_id", q->agent_id, c->agent);
    if (q->stream != c->stream || q->include_usage != c->include_usage)
        fail_msg("%s: stream %d include_usage %d", c->name, (int)q->stream,
                 (int)q->include_usage);
    tu_str_is(c->name, "user", q->user, c->user);
    tu_str_is(c->name, "system", q->system, c->system);
    drop_timestamps(c->name, q->history);
    drop_timestamps(c->name, q->input);
    json_is(c->name, "history", q->history, c->history);
    json_is(c->name, "input", q->input, c->input);
    json_is(c->name, "tools", q->tools, c->tools);
    tu_str_is(c->name, "command", q->command, c->command);
}

static void test_parse_request(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
        const struct pcase *c = &pcases[i];
        char *body = tu_dq(c->body);
        struct oa_request q;
        char msg[256] = "";
        int rc;

        oa_request_init(&q);
        rc = oa_parse_request(body, strlen(body), &q, msg, sizeof(msg));
        if (rc != c->rc)
            fail_msg("%s: rc %d, want %d (%s)", c->name, rc, c->rc, msg);
        if (rc == 0) {
            check_parsed(c, &q);
        } else {
            if (!strstr(msg, c->msg))
                fail_msg("%s: message '%s' does not say '%s'", c->name, msg,
                         c->msg);
            if (q.model || q.history || q.input || q.tools || q.system)
                fail_msg("%s: request left filled after an error", c->name);
        }
        oa_request_release(&q);
        free(body);
    }
}

/* A second parse into the same request replaces the first. */
static void test_parse_reuse(void **state)
{
    char *a = tu_dq("{'model':'openclaw/x','tools':[{'type':'function',"
                    "'function':{'name':'f'}}],'messages':[" UM("/new") "]}");
    char *b = tu_dq(BODY(UM("hi")));
    struct oa_request q;
    char msg[128];

    (void)state;
    oa_request_init(&q);
    assert_int_equal(oa_parse_request(a, strlen(a), &q, msg, sizeof(msg)), 0);
    assert_string_equal(q.command, "/new");
    assert_int_equal(oa_parse_request(b, strlen(b), &q, msg, sizeof(msg)), 0);
    assert_string_equal(q.model, "openclaw");
    assert_null(q.agent_id);
    assert_null(q.tools);
    assert_null(q.command);
    oa_request_release(&q);
    oa_request_release(&q);
    free(a);
    free(b);
}

/* ---- oa_agent_of_model -------------------------------------------------- */

static const struct {
    const char *model, *agent;
} mcases[] = {
    {NULL, NULL},
    {"", NULL},
    {"openclaw", NULL},
    {"openclaw/default", NULL},
    {"openclaw:default", NULL},
    {"agent:default", NULL},
    {"openclaw/x", "x"},
    {"openclaw:x", "x"},
    {"agent:x", "x"},
    {"openclaw/research-bot", "research-bot"},
    {"openclaw/", NULL},
    {"openclaw:", NULL},
    {"agent:", NULL},
    {"gpt-4o", NULL},
    {"anthropic/claude-sonnet-4-5", NULL},
    {"OpenClaw/x", NULL},
    {"openclawx", NULL},
};

static void test_agent_of_model(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(mcases) / sizeof(mcases[0]); i++) {
        char *got = oa_agent_of_model(mcases[i].model);

        tu_str_is(mcases[i].model ? mcases[i].model : "(null)", "agent", got,
                  mcases[i].agent);
        free(got);
    }
}

/* ---- the answer --------------------------------------------------------- */

#define CALL                                                                   \
    "{'type':'toolCall','id':'call_1','name':'get_weather',"                   \
    "'arguments':{'city':'Paris'}}"
#define WIRE_CALL                                                              \
    "{'id':'call_1','type':'function','function':{'name':'get_weather',"       \
    "'arguments':'{\\'city\\':\\'Paris\\'}'}}"

static void test_message_text(void **state)
{
    static const struct {
        const char *msg, *text;
    } cases[] = {
        {"{'content':[{'type':'text','text':'Hel'},{'type':'thinking',"
         "'thinking':'hmm'}," CALL ",{'type':'text','text':'lo'}]}",
         "Hello"},
        {"{'content':[" CALL "]}", ""},
        {"{'content':[]}", ""},
        {"{'content':'plain'}", ""},
        {"{}", ""},
        {NULL, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *m = tu_jq(cases[i].msg);
        char *t = oa_message_text(m);

        tu_str_is(cases[i].msg ? cases[i].msg : "NULL", "text", t,
                  cases[i].text);
        free(t);
        json_decref(m);
    }
}

static void test_tool_calls(void **state)
{
    static const struct {
        const char *msg, *calls;
    } cases[] = {
        {"{'content':[{'type':'text','text':'x'}," CALL "]}",
         "[" WIRE_CALL "]"},
        {"{'content':[" CALL ",{'type':'toolCall','id':'c2','name':'now'}]}",
         "[" WIRE_CALL ",{'id':'c2','type':'function','function':"
         "{'name':'now','arguments':'{}'}}]"},
        {"{'content':[{'type':'text','text':'x'}]}", NULL},
        {"{}", NULL},
        /* arguments as JSON.stringify writes them (0.7, not 0.6999...) */
        {"{'content':[{'type':'toolCall','id':'c3','name':'t',"
         "'arguments':{'x':0.7,'n':[1.5e300,-0.0]}}]}",
         "[{'id':'c3','type':'function','function':{'name':'t',"
         "'arguments':'{\\'x\\':0.7,\\'n\\':[1.5e+300,0]}'}}]"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *m = tu_jq(cases[i].msg);

        wire_is(cases[i].msg, oa_tool_calls(m), cases[i].calls);
        json_decref(m);
    }
}

static void test_finish_reason(void **state)
{
    static const struct {
        const char *stop, *finish;
    } cases[] = {
        {"toolUse", "tool_calls"}, {"length", "length"}, {"stop", "stop"},
        {"error", "stop"},         {"aborted", "stop"},  {NULL, "stop"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        tu_str_is(cases[i].stop ? cases[i].stop : "NULL", "finish",
                  oa_finish_reason(cases[i].stop), cases[i].finish);
}

#define USAGE                                                                  \
    "{'prompt_tokens':130,'completion_tokens':5,'total_tokens':135,"           \
    "'prompt_tokens_details':{'cached_tokens':100}}"
#define HEAD(obj)                                                              \
    "{'id':'chatcmpl_1','object':'" obj "','created':1700000000,"              \
    "'model':'openclaw'"

static const struct llm_usage usage = {.input = 10,
                                       .output = 5,
                                       .cache_read = 100,
                                       .cache_write = 20,
                                       .cache_write_1h = 7,
                                       .cost = 0.5};

static void test_usage(void **state)
{
    const struct llm_usage zero = {0};
    const struct llm_usage big = {.input = 3000000000LL, .output = 1};

    (void)state;
    wire_is("usage", oa_usage(&usage), USAGE);
    wire_is("zero", oa_usage(&zero),
            "{'prompt_tokens':0,'completion_tokens':0,'total_tokens':0,"
            "'prompt_tokens_details':{'cached_tokens':0}}");
    wire_is("big", oa_usage(&big),
            "{'prompt_tokens':3000000000,'completion_tokens':1,"
            "'total_tokens':3000000001,"
            "'prompt_tokens_details':{'cached_tokens':0}}");
}

/* The completion as a tree, from the pieces the module exposes: what
 * oa_completion_write's bytes must serialise. */
static json_t *completion_tree(const char *model, const json_t *msg,
                               const char *stop, const struct llm_usage *u)
{
    char *text = oa_message_text(msg);
    json_t *calls = oa_tool_calls(msg);
    json_t *m = json_pack("{s:s, s:o}", "role", "assistant", "content",
                          *text || !calls ? json_string(text) : json_null());

    free(text);
    if (calls)
        json_object_set_new(m, "tool_calls", calls);
    return json_pack("{s:s, s:s, s:I, s:s, s:[{s:i, s:o, s:s}], s:o}", "id",
                     "chatcmpl-xyz", "object", "chat.completion", "created",
                     (json_int_t)1760000000, "model", model, "choices", "index",
                     0, "message", m, "finish_reason", oa_finish_reason(stop),
                     "usage", oa_usage(u));
}

static void completion_bytes_are(const char *name, const char *model,
                                 const json_t *msg, const char *stop,
                                 const struct llm_usage *u)
{
    json_t *doc = completion_tree(model, msg, stop, u);
    struct oa_answer a = {msg, stop, u};
    struct buf fast, slow;

    buf_init(&fast, 0);
    buf_init(&slow, 0);
    assert_non_null(doc);
    assert_int_equal(jsonx_dump(doc, 0, &slow), 0);

    if (oa_completion_write("chatcmpl-xyz", 1760000000, model, &a, &fast) != 0)
        fail_msg("%s: oa_completion_write refused it", name);
    tu_str_is(name, "bytes", fast.p, slow.p);
    json_decref(doc);
    buf_release(&fast);
    buf_release(&slow);
}

static void test_completion(void **state)
{
    static const struct {
        const char *name, *msg, *stop, *want;
    } cases[] = {
        {"text", "{'content':[{'type':'text','text':'Hello'}]}", "stop",
         HEAD("chat.completion") ",'choices':[{'index':0,'message':{'role':"
                                 "'assistant','content':'Hello'},'finish_"
                                 "reason':'stop'}],'usage':" USAGE "}"},
        {"tool calls only", "{'content':[" CALL "]}", "toolUse",
         HEAD("chat.completion") ",'choices':[{'index':0,'message':{'role':"
                                 "'assistant','content':null,'tool_calls':"
                                 "[" WIRE_CALL "]},'finish_reason':'tool_"
                                 "calls'}],'usage':" USAGE "}"},
        {"text and tool calls",
         "{'content':[{'type':'text','text':'Let me check.'}," CALL "]}",
         "toolUse",
         HEAD("chat.completion") ",'choices':[{'index':0,'message':{'role':"
                                 "'assistant','content':'Let me check.',"
                                 "'tool_calls':[" WIRE_CALL "]},"
                                 "'finish_reason':'tool_calls'}],"
                                 "'usage':" USAGE "}"},
        {"cut short", "{'content':[{'type':'text','text':'Hel'}]}", "length",
         HEAD("chat.completion") ",'choices':[{'index':0,'message':{'role':"
                                 "'assistant','content':'Hel'},'finish_"
                                 "reason':'length'}],'usage':" USAGE "}"},
        {"empty", "{'content':[]}", "stop",
         HEAD("chat.completion") ",'choices':[{'index':0,'message':{'role':"
                                 "'assistant','content':''},'finish_"
                                 "reason':'stop'}],'usage':" USAGE "}"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *m = tu_jq(cases[i].msg);

        struct oa_answer a = {m, cases[i].stop, &usage};
        struct buf b;
        char *want = tu_dq(cases[i].want);

        buf_init(&b, 0);
        assert_int_equal(
            oa_completion_write("chatcmpl_1", 1700000000, "openclaw", &a, &b),
            0);
        tu_str_is(cases[i].name, "JSON", b.p, want);
        buf_release(&b);
        free(want);
        completion_bytes_are(cases[i].name, "openclaw", m, cases[i].stop,
                             &usage);
        json_decref(m);
    }
}

/* The completion written straight to bytes is what jsonx writes of the
 * tree, for odd texts, models, stop reasons and counts; text that is not
 * UTF-8 is refused with nothing written. */
static void test_completion_bytes(void **state)
{
    static const char *const texts[] = {
        "say \"hi\" \\ back/forth",
        "line\nbreak\ttab\r\b\f",
        "\x01\x1f\x7f controls",
        "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xe2\x80\xa8",
    };
    static const char *const models[] = {"openclaw", "openclaw/\"odd\"\\",
                                         "openclaw/caf\xc3\xa9"};
    static const char *const stops[] = {"stop", "length", "toolUse", "error",
                                        NULL};
    const struct llm_usage big = {.input = 1234567890123LL,
                                  .output = 7,
                                  .cache_read = 0,
                                  .cache_write = 99};
    struct oa_answer a = {NULL, "stop", &usage};
    json_t *m;
    struct buf b;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        m = json_pack("{s:[{s:s, s:s}]}", "content", "type", "text", "text",
                      texts[i]);
        completion_bytes_are(texts[i], models[i % 3], m, stops[i % 5],
                             i % 2 ? &big : &usage);
        json_decref(m);
    }
    for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
        m = tu_jq("{'content':[{'type':'text','text':'a'},"
                  "{'type':'toolCall','id':'t1','name':'f',"
                  "'arguments':{'q':'\\u00e9'}},{'type':'text','text':'b'}]}");
        completion_bytes_are("two texts and a call", models[i % 3], m, stops[i],
                             &big);
        json_decref(m);
    }
    buf_init(&b, 0);
    buf_addstr(&b, "kept");
    m = json_pack("{s:[{s:s, s:s}]}", "content", "type", "text", "text", "x");
    json_string_set_nocheck(
        json_object_get(json_array_get(json_object_get(m, "content"), 0),
                        "text"),
        "bad \xc3(");
    a.message = m;
    assert_int_equal(oa_completion_write("c", 1, "openclaw", &a, &b), -1);
    json_decref(m);
    m = tu_jq("{'content':[{'type':'text','text':'fine'}]}");
    a.message = m;
    assert_int_equal(oa_completion_write("c", 1, "bad \xed\xa0\x80", &a, &b),
                     -1);
    json_decref(m);
    assert_string_equal(b.p, "kept");
    buf_release(&b);
}

static void test_chunks(void **state)
{
    (void)state;
    wire_is("role chunk",
            oa_chunk("chatcmpl_1", 1700000000, "openclaw",
                     json_pack("{s:s}", "role", "assistant"), NULL),
            HEAD("chat.completion.chunk") ",'choices':[{'index':0,'delta':"
                                          "{'role':'assistant'},'finish_"
                                          "reason':null}]}");
    wire_is("content chunk",
            oa_chunk("chatcmpl_1", 1700000000, "openclaw",
                     json_pack("{s:s}", "content", "Hi \"there\"\n"), NULL),
            HEAD("chat.completion.chunk") ",'choices':[{'index':0,'delta':"
                                          "{'content':'Hi \\'there\\'\\n'},"
                                          "'finish_reason':null}]}");
    wire_is("finish chunk",
            oa_chunk("chatcmpl_1", 1700000000, "openclaw", json_object(),
                     "tool_calls"),
            HEAD("chat.completion.chunk") ",'choices':[{'index':0,'delta':{},"
                                          "'finish_reason':'tool_calls'}]}");
    wire_is("usage chunk",
            oa_usage_chunk("chatcmpl_1", 1700000000, "openclaw", &usage),
            HEAD("chat.completion.chunk") ",'choices':[],'usage':" USAGE "}");
}

/* A text delta written straight to bytes is the chunk jsonx writes. */
static void test_text_chunks(void **state)
{
    static const char *const texts[] = {
        "Hello",
        "say \"hi\" \\ back/forth",
        "line\nbreak\ttab\r\b\f",
        "\x01\x1f\x7f controls",
        "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xe2\x80\xa8",
        " ",
    };
    static const char *const models[] = {"openclaw", "openclaw/\"odd\"\\"};
    struct buf prefix, fast, slow;
    json_t *doc;
    size_t i, m;

    (void)state;
    for (m = 0; m < 2; m++) {
        buf_init(&prefix, 0);
        oa_chunk_prefix("chatcmpl-abc", 1760000000, models[m], &prefix);
        for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
            buf_init(&fast, 0);
            buf_init(&slow, 0);
            assert_int_equal(
                oa_text_chunk(&prefix, texts[i], strlen(texts[i]), &fast), 0);
            doc = oa_chunk("chatcmpl-abc", 1760000000, models[m],
                           json_pack("{s:s}", "content", texts[i]), NULL);
            assert_int_equal(jsonx_dump(doc, 0, &slow), 0);
            assert_string_equal(fast.p, slow.p);
            json_decref(doc);
            buf_release(&fast);
            buf_release(&slow);
        }
        buf_release(&prefix);
    }
    /* not UTF-8: refused, nothing written (jansson would refuse it too) */
    buf_init(&prefix, 0);
    oa_chunk_prefix("chatcmpl-abc", 1, "openclaw", &prefix);
    buf_init(&fast, 0);
    buf_addstr(&fast, "data: ");
    assert_int_equal(oa_text_chunk(&prefix, "bad \xc3(", 6, &fast), -1);
    assert_int_equal(oa_text_chunk(&prefix, "\xed\xa0\x80", 3, &fast), -1);
    assert_string_equal(fast.p, "data: ");
    assert_null(json_stringn("bad \xc3(", 6));
    buf_release(&fast);
    buf_release(&prefix);
}

static void test_errors(void **state)
{
    (void)state;
    wire_is("no code", oa_error("Unauthorized", "unauthorized", NULL),
            "{'error':{'message':'Unauthorized','type':'unauthorized'}}");
    wire_is("with code",
            oa_error("No API key found for provider \"anthropic\".",
                     "authentication_error", "missing-provider-auth"),
            "{'error':{'message':'No API key found for provider "
            "\\'anthropic\\'.','type':'authentication_error',"
            "'code':'missing-provider-auth'}}");
    wire_is("model entry", oa_model_entry("openclaw/main"),
            "{'id':'openclaw/main','object':'model','created':0,"
            "'owned_by':'openclaw','permission':[]}");
}

static void test_failure_of(void **state)
{
    static const struct {
        const char *failure;
        struct oa_failure want;
    } cases[] = {
        {"missing_credentials",
         {401, "authentication_error", "missing-provider-auth"}},
        {"auth", {401, "authentication_error", "provider-auth-rejected"}},
        {"auth_permanent",
         {401, "authentication_error", "provider-auth-rejected"}},
        {"claude_code_only",
         {403, "permission_error", "credential-not-allowed"}},
        {"billing", {402, "billing_error", "insufficient_quota"}},
        {"rate_limit", {429, "rate_limit_error", "rate_limited"}},
        {"cooldown", {429, "rate_limit_error", "all-profiles-cooling-down"}},
        {"overloaded", {503, "overloaded_error", "overloaded"}},
        {"timeout", {408, "api_error", NULL}},
        {"model_not_found", {404, "invalid_request_error", "model_not_found"}},
        {"format", {400, "invalid_request_error", NULL}},
        {"no_model", {500, "api_error", "no-model-configured"}},
        {"unknown", {502, "api_error", NULL}},
        {"something_new", {502, "api_error", NULL}},
        {"", {502, "api_error", NULL}},
        {NULL, {502, "api_error", NULL}},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *name = cases[i].failure ? cases[i].failure : "NULL";
        struct oa_failure got = {0, "x", "x"};

        oa_failure_of(cases[i].failure, &got);
        if (got.status != cases[i].want.status)
            fail_msg("%s: status %d, want %d", name, got.status,
                     cases[i].want.status);
        tu_str_is(name, "type", got.type, cases[i].want.type);
        tu_str_is(name, "code", got.code, cases[i].want.code);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_request),
        cmocka_unit_test(test_parse_reuse),
        cmocka_unit_test(test_agent_of_model),
        cmocka_unit_test(test_message_text),
        cmocka_unit_test(test_tool_calls),
        cmocka_unit_test(test_finish_reason),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_completion),
        cmocka_unit_test(test_completion_bytes),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_text_chunks),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_failure_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
