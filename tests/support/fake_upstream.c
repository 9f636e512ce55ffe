/*
 * fake_upstream: a scripted stand-in for the Anthropic Messages API and
 * OpenRouter's chat completions, so integration tests need no network.
 * Written apart from src/http and src/provider on purpose (plain sockets,
 * one poll() loop, jansson), so a bug there cannot hide itself here.
 *
 *   fake_upstream --script FILE --log FILE [--port-file FILE] [--port N]
 *                 [--bind ADDR] [--events FILE]
 *
 * Listens on ADDR (127.0.0.1, IPv4) port N (0: any free port), then writes
 * the port and a newline to --port-file atomically (tests wait for it).
 * Serves until SIGTERM/SIGINT (exit 0), or exits 0 by itself once
 * "exit_after" requests have been answered and their connections closed.
 * Exit 2: bad arguments or script; 1: cannot listen or open the files.
 *
 * Requests: HTTP/1.x, head at most 64 KiB, body by Content-Length or
 * chunked, at most 16 MiB; "Expect: 100-continue" gets a 100 first.
 * Malformed ones get 400 (431: head too big, 413: body too big) and are
 * neither logged nor counted. Every response carries "Connection: close"
 * and the connection is closed after it. Connections are served at once.
 *
 * Log: when a request is complete, before its response, one line is
 * appended to --log and flushed:
 *   {"n":1,"method":"POST","path":"/v1/messages","query":"beta=true",
 *    "headers":{"content-type":"application/json",...},
 *    "body":<the body parsed as JSON, else the body as a string>,
 *    "raw_body":"<the body as a string>"}
 * Header names are lower-cased; repeated ones are joined with ", ". Bytes
 * that are not UTF-8 are logged one code point per byte (Latin-1).
 *
 * Events (--events): when a client goes away while its response is still
 * being sent (it closed or reset the connection), one line is appended:
 *   {"n":3,"event":"peer_closed","at_ms":<wall-clock ms>,"sent":<bytes>}
 * so tests can check that cancelling upstream is prompt.
 *
 * Script: {"steps": [STEP...], "exit_after": N}. Requests are numbered
 * 1, 2, ... in the order they complete. Each takes the first unused step
 * that matches it; when none is left, the last matching step with
 * "repeat": true (again and again); failing that, a 500 api_error
 * "fake_upstream: script exhausted". A step without "match" matches any
 * request; "match": {"path": "/v1/chat/completions", "method": "POST"}
 * (each key optional; the path is compared without the query).
 *
 * STEP (every field optional; at most one of body, json, sse, canned):
 *   "status": 200           response status
 *   "headers": {...}        extra response headers, sent as given; a
 *                           content-type, content-length, cache-control or
 *                           connection here replaces our default one
 *   "body": "text"          sent as is (text/plain unless headers say)
 *   "json": VALUE           sent compact, application/json
 *   "sse": [ITEM...]        text/event-stream, no Content-Length; ITEM:
 *       {"event":"E","data":V}   event: E\ndata: <V compact>\n\n
 *       {"data":V}               data: <V compact>\n\n
 *       {"data_raw":"[DONE]"}    data: [DONE]\n\n   (may have "event")
 *       {"comment":"TEXT"}       : TEXT\n\n
 *       {"raw":"BYTES"}          as is
 *       {"sleep_ms":N}           pause N ms before the next item
 *   "canned": NAME          a realistic stream (below); its parameters sit
 *                           in the step itself or in "params": {...}
 *   "delay_ms": N           pause before the status line
 *   "chunk": N              write the body (each SSE item) N bytes at a time
 *   "drip_ms": N            pause between body writes (SSE items, chunks);
 *                           other connections keep being served meanwhile
 *   "truncate_after": N     send only the first N body bytes, then close
 *   "disconnect": true      read the request, close without a response
 *                           (after delay_ms)
 *   "error_event": {"type":"overloaded_error","message":"Overloaded"}
 *                           canned: end the stream with an error right
 *                           after the first content delta (no message_stop);
 *                           sse: append an "event: error" item
 *   "repeat": true, "match": {...}   see above
 *
 * Canned streams. anthropic_* take "model" ("claude-opus-4-5-20251101"),
 * "usage" (merged into message_start's {"input_tokens":12,
 * "cache_creation_input_tokens":0,"cache_read_input_tokens":0,
 * "output_tokens":1}), "output_tokens" (message_delta's, 9), "stop_reason"
 * and "text" ("Hello from fake upstream.", sent as ~8-byte text_deltas):
 *   anthropic_text: message_start; content_block_start 0 {"type":"text",
 *     "text":""}; ping; content_block_delta text_delta...;
 *     content_block_stop 0; message_delta {"stop_reason":"end_turn",
 *     "stop_sequence":null} usage {"output_tokens":9}; message_stop.
 *   anthropic_tool_use: text block 0 ("text" defaults to "Checking."), then
 *     block 1 {"type":"tool_use","id":"toolu_01Fake","name":"get_weather"
 *     ("tool"),"input":{}} whose "input" ({"city":"Oslo"}) arrives as 3
 *     input_json_delta pieces; stop_reason "tool_use".
 *   anthropic_thinking: block 0 {"type":"thinking","thinking":"",
 *     "signature":""}, thinking_delta pieces of "thinking" ("Let me think
 *     about Oslo."), one signature_delta "sig-fake-123" ("signature"),
 *     stop; then the text block 1.
 *   anthropic_redacted: block 0 {"type":"redacted_thinking","data":
 *     "opaque-fake"} ("data"), no deltas; then the text block 1.
 *   The ping follows the first content_block_start. The message id is
 *   "msg_01FakeUpstream".
 * openrouter_text ("model" "anthropic/claude-opus-4.5", "text", "usage",
 * "finish_reason"): ": OPENROUTER PROCESSING"; chat.completion.chunk data
 * (id "gen-fake-1", created 1760000000) with delta {"role":"assistant",
 * "content":""}; {"content":piece}...; {} with finish_reason "stop"; a
 * usage chunk, "choices":[] and "usage":{"prompt_tokens":20,
 * "completion_tokens":9,"total_tokens":29,"prompt_tokens_details":
 * {"cached_tokens":4}} ("usage" merged in); data: [DONE]. Its error_event
 * is a chunk with "error": E and finish_reason "error" after the first
 * content piece, ending the stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/fsx.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define HEAD_MAX       ((size_t)64 << 10)
#define BODY_MAX       ((size_t)16 << 20)
#define CHUNK_LINE_MAX 4096 /* a chunk-size or trailer line */
#define MAX_CONNS      2048 /* the gateway benchmark opens 1000 streams */
#define LINGER_MS      1000

enum cstate { ST_READ, ST_SEND, ST_LINGER, ST_DEAD };
enum ckstate { CK_SIZE, CK_DATA, CK_CRLF, CK_TRAILER, CK_DONE };

struct seg {
    size_t end;   /* offset in resp where this write ends */
    int delay_ms; /* pause before starting it */
};

struct conn {
    int fd;
    enum cstate state;
    struct buf in; /* received and not yet parsed */
    bool head_done, chunked, http11, cut;
    char *method, *path, *query;
    json_t *headers;  /* lower-cased name -> value */
    size_t body_left; /* Content-Length bytes still to come */
    enum ckstate ck;
    size_t ck_left; /* bytes left in the current chunk */
    struct buf body;
    size_t cont_left; /* bytes of the 100 Continue still to send */
    long n;           /* request number; 0 until complete, or malformed */
    struct buf resp;
    struct seg *segs;
    size_t nseg, segcap, seg_i, pos;
    long long next_at; /* no write before this (monotonic ms) */
};

struct server {
    int lfd;
    json_t *script, *steps;
    bool *used;
    FILE *log;
    FILE *events; /* --events, or NULL */
    struct conn **conns;
    size_t nconn;
    long nreq, finished, exit_after;
};

struct pacing {
    int delay_ms, drip_ms;
    size_t chunk;
};

struct canned {
    json_t *items;
    json_t *error; /* error_event, or NULL */
    int index;     /* current content block */
    bool pinged, ended;
};

static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";
static volatile sig_atomic_t got_signal;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* p[0..n) as a JSON string: as is when UTF-8, else Latin-1 decoded. */
static json_t *text_json(const char *p, size_t n)
{
    json_t *s = json_stringn(p, n);
    struct buf b;
    size_t i;

    if (s)
        return s;
    buf_init(&b, 0);
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];

        if (ch < 0x80) {
            buf_addch(&b, (char)ch);
            continue;
        }
        buf_addch(&b, (char)(0xc0 | ch >> 6));
        buf_addch(&b, (char)(0x80 | (ch & 0x3f)));
    }
    s = json_stringn(b.p, b.len);
    buf_release(&b);
    return s;
}

static const char *reason(int status)
{
    static const struct {
        int code;
        const char *text;
    } t[] = {{200, "OK"},
             {201, "Created"},
             {204, "No Content"},
             {400, "Bad Request"},
             {401, "Unauthorized"},
             {402, "Payment Required"},
             {403, "Forbidden"},
             {404, "Not Found"},
             {408, "Request Timeout"},
             {413, "Payload Too Large"},
             {429, "Too Many Requests"},
             {431, "Request Header Fields Too Large"},
             {500, "Internal Server Error"},
             {502, "Bad Gateway"},
             {503, "Service Unavailable"},
             {504, "Gateway Timeout"},
             {529, "Overloaded"}};
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].code == status)
            return t[i].text;
    return "Status";
}

/* ---- script ---- */

static int int_member(const json_t *obj, const char *key, int dflt)
{
    json_t *v = json_object_get(obj, key);

    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

/* A canned stream's parameter: step.params.key, else step.key. */
static json_t *param(const json_t *step, const char *key)
{
    json_t *v = json_object_get(json_object_get(step, "params"), key);

    return v ? v : json_object_get(step, key);
}

static const char *param_str(const json_t *step, const char *key,
                             const char *dflt)
{
    json_t *v = param(step, key);

    return json_is_string(v) ? json_string_value(v) : dflt;
}

static json_int_t param_int(const json_t *step, const char *key,
                            json_int_t dflt)
{
    json_t *v = param(step, key);

    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static bool nonneg_ok(const json_t *obj, const char *key, long long max)
{
    json_t *v = json_object_get(obj, key);

    return !v || (json_is_integer(v) && json_integer_value(v) >= 0 &&
                  json_integer_value(v) <= max);
}

static bool sse_ok(const json_t *items)
{
    size_t i;
    json_t *it;

    if (!json_is_array(items))
        return false;
    json_array_foreach (items, i, it) {
        if (!json_is_object(it) || !nonneg_ok(it, "sleep_ms", INT_MAX))
            return false;
    }
    return true;
}

static bool canned_known(const char *name)
{
    static const char *const names[] = {
        "anthropic_text", "anthropic_tool_use", "anthropic_thinking",
        "anthropic_redacted", "openrouter_text"};
    size_t i;

    for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i]))
            return true;
    return false;
}

/* NULL when step is usable, else what is wrong with it. */
static const char *check_step(const json_t *st)
{
    static const char *const forms[] = {"body", "json", "sse", "canned"};
    static const char *const ints[] = {"delay_ms", "chunk", "drip_ms",
                                       "truncate_after"};
    int nforms = 0;
    size_t i;
    json_t *v;

    if (!json_is_object(st))
        return "not an object";
    for (i = 0; i < 4; i++)
        nforms += json_object_get(st, forms[i]) != NULL;
    if (nforms > 1)
        return "more than one of body, json, sse, canned";
    for (i = 0; i < 4; i++)
        if (!nonneg_ok(st, ints[i], INT_MAX))
            return "delay_ms, chunk, drip_ms, truncate_after: integers >= 0";
    v = json_object_get(st, "status");
    if (v && (!json_is_integer(v) || json_integer_value(v) < 100 ||
              json_integer_value(v) > 999))
        return "\"status\" must be an integer from 100 to 999";
    if ((v = json_object_get(st, "body")) && !json_is_string(v))
        return "\"body\" must be a string";
    if ((v = json_object_get(st, "sse")) && !sse_ok(v))
        return "\"sse\" must be an array of objects";
    if ((v = json_object_get(st, "canned")) &&
        !canned_known(json_string_value(v)))
        return "unknown \"canned\" stream";
    if ((v = json_object_get(st, "headers")) && !json_is_object(v))
        return "\"headers\" must be an object";
    return NULL;
}

static int load_script(struct server *s, const char *path)
{
    json_error_t je;
    const char *why;
    size_t i;
    json_t *st;

    s->script = json_load_file(path, 0, &je);
    if (!s->script) {
        fprintf(stderr, "fake_upstream: error: %s:%d: %s\n", path, je.line,
                je.text);
        return -1;
    }
    s->steps = json_object_get(s->script, "steps");
    if (!json_is_array(s->steps) ||
        !nonneg_ok(s->script, "exit_after", LONG_MAX)) {
        fprintf(stderr,
                "fake_upstream: error: %s: want {\"steps\": [...], "
                "\"exit_after\": N}\n",
                path);
        return -1;
    }
    json_array_foreach (s->steps, i, st) {
        if ((why = check_step(st))) {
            fprintf(stderr, "fake_upstream: error: %s: step %zu: %s\n", path,
                    i + 1, why);
            return -1;
        }
    }
    s->exit_after = int_member(s->script, "exit_after", 0);
    s->used = xcalloc(json_array_size(s->steps) + 1, sizeof(*s->used));
    return 0;
}

static bool step_matches(const json_t *step, const struct conn *c)
{
    json_t *m = json_object_get(step, "match");
    const char *path = json_string_value(json_object_get(m, "path"));
    const char *method = json_string_value(json_object_get(m, "method"));

    if (path && strcmp(path, c->path) != 0)
        return false;
    return !method || !strcasecmp(method, c->method);
}

/* The step that answers c, or NULL when the script is exhausted. */
static json_t *pick_step(struct server *s, const struct conn *c)
{
    size_t i, n = json_array_size(s->steps);
    json_t *st;

    for (i = 0; i < n; i++) {
        st = json_array_get(s->steps, i);
        if (!s->used[i] && step_matches(st, c)) {
            s->used[i] = true;
            return st;
        }
    }
    while (n-- > 0) {
        st = json_array_get(s->steps, n);
        if (jsonx_get_bool(st, "repeat", false) && step_matches(st, c))
            return st;
    }
    return NULL;
}

/* ---- canned streams ---- */

/* Append an SSE item {"event": event, "data": data}; steals data. */
static void emit(struct canned *k, const char *event, json_t *data)
{
    if (k->ended) {
        json_decref(data);
        return;
    }
    if (event)
        json_array_append_new(
            k->items, json_pack("{s:s, s:o}", "event", event, "data", data));
    else
        json_array_append_new(k->items, json_pack("{s:o}", "data", data));
}

static json_t *anthropic_error(json_t *error)
{
    return json_pack("{s:s, s:O}", "type", "error", "error", error);
}

static void block_start(struct canned *k, json_t *block)
{
    emit(k, "content_block_start",
         json_pack("{s:s, s:i, s:o}", "type", "content_block_start", "index",
                   k->index, "content_block", block));
    if (!k->pinged)
        emit(k, "ping", json_pack("{s:s}", "type", "ping"));
    k->pinged = true;
}

static void block_delta(struct canned *k, json_t *delta)
{
    emit(k, "content_block_delta",
         json_pack("{s:s, s:i, s:o}", "type", "content_block_delta", "index",
                   k->index, "delta", delta));
    if (k->error && !k->ended) {
        emit(k, "error", anthropic_error(k->error));
        k->ended = true;
    }
}

static void block_stop(struct canned *k)
{
    emit(k, "content_block_stop",
         json_pack("{s:s, s:i}", "type", "content_block_stop", "index",
                   k->index));
    k->index++;
}

/* Length of the next piece of s[0..n): about want bytes, whole UTF-8. */
static size_t piece_len(const char *s, size_t n, size_t want)
{
    size_t k = want < n ? want : n;

    while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
        k++;
    return k;
}

/* s as deltas {"type": type, key: piece} of about piece bytes each. */
static void deltas(struct canned *k, const char *type, const char *key,
                   const char *s, size_t piece)
{
    size_t n = strlen(s), off = 0, len;

    while (off < n) {
        len = piece_len(s + off, n - off, piece ? piece : 1);
        block_delta(k,
                    json_pack("{s:s, s:s%}", "type", type, key, s + off, len));
        off += len;
    }
}

static void text_block(struct canned *k, const char *text)
{
    block_start(k, json_pack("{s:s, s:s}", "type", "text", "text", ""));
    deltas(k, "text_delta", "text", text, 8);
    block_stop(k);
}

static void tool_block(struct canned *k, const json_t *step)
{
    json_t *in = param(step, "input");
    char *js = in ? jsonx_dumps(in, 0) : NULL;
    const char *name = param_str(step, "tool", "get_weather");

    if (!js)
        js = xstrdup("{\"city\":\"Oslo\"}");
    block_start(k, json_pack("{s:s, s:s, s:s, s:{}}", "type", "tool_use", "id",
                             "toolu_01Fake", "name", name, "input"));
    deltas(k, "input_json_delta", "partial_json", js, (strlen(js) + 2) / 3);
    block_stop(k);
    free(js);
}

static void thinking_block(struct canned *k, const json_t *step)
{
    const char *sig = param_str(step, "signature", "sig-fake-123");

    block_start(k, json_pack("{s:s, s:s, s:s}", "type", "thinking", "thinking",
                             "", "signature", ""));
    deltas(k, "thinking_delta", "thinking",
           param_str(step, "thinking", "Let me think about Oslo."), 8);
    block_delta(k, json_pack("{s:s, s:s}", "type", "signature_delta",
                             "signature", sig));
    block_stop(k);
}

static void redacted_block(struct canned *k, const json_t *step)
{
    block_start(k, json_pack("{s:s, s:s}", "type", "redacted_thinking", "data",
                             param_str(step, "data", "opaque-fake")));
    block_stop(k);
}

static void message_start(struct canned *k, const json_t *step)
{
    json_t *usage = json_pack("{s:i, s:i, s:i, s:i}", "input_tokens", 12,
                              "cache_creation_input_tokens", 0,
                              "cache_read_input_tokens", 0, "output_tokens", 1);
    json_t *extra = param(step, "usage");
    const char *model = param_str(step, "model", "claude-opus-4-5-20251101");

    if (json_is_object(extra))
        json_object_update(usage, extra);
    emit(k, "message_start",
         json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:[], s:n, s:n, s:o}}", "type",
                   "message_start", "message", "id", "msg_01FakeUpstream",
                   "type", "message", "role", "assistant", "model", model,
                   "content", "stop_reason", "stop_sequence", "usage", usage));
}

static void message_end(struct canned *k, const json_t *step, const char *stop)
{
    emit(k, "message_delta",
         json_pack("{s:s, s:{s:s, s:n}, s:{s:I}}", "type", "message_delta",
                   "delta", "stop_reason", param_str(step, "stop_reason", stop),
                   "stop_sequence", "usage", "output_tokens",
                   param_int(step, "output_tokens", 9)));
    emit(k, "message_stop", json_pack("{s:s}", "type", "message_stop"));
}

static void anthropic_stream(struct canned *k, const json_t *step,
                             const char *name)
{
    const char *text = param_str(step, "text", "Hello from fake upstream.");

    message_start(k, step);
    if (!strcmp(name, "anthropic_tool_use")) {
        text_block(k, param_str(step, "text", "Checking."));
        tool_block(k, step);
        message_end(k, step, "tool_use");
        return;
    }
    if (!strcmp(name, "anthropic_thinking"))
        thinking_block(k, step);
    else if (!strcmp(name, "anthropic_redacted"))
        redacted_block(k, step);
    text_block(k, text);
    message_end(k, step, "end_turn");
}

/* A chat.completion.chunk; steals choices. */
static json_t *or_chunk(const json_t *step, json_t *choices)
{
    const char *model = param_str(step, "model", "anthropic/claude-opus-4.5");

    return json_pack("{s:s, s:s, s:s, s:i, s:s, s:o}", "id", "gen-fake-1",
                     "provider", "Anthropic", "object", "chat.completion.chunk",
                     "created", 1760000000, "model", model, "choices", choices);
}

/* [{"index":0,"delta":delta,"finish_reason":finish}]; steals delta. */
static json_t *or_choice(json_t *delta, const char *finish)
{
    return json_pack("[{s:i, s:o, s:s?}]", "index", 0, "delta", delta,
                     "finish_reason", finish);
}

static void or_error(struct canned *k, const json_t *step)
{
    json_t *c = or_chunk(step, or_choice(json_object(), "error"));

    json_object_set(c, "error", k->error);
    emit(k, NULL, c);
    k->ended = true;
}

static void or_usage(struct canned *k, const json_t *step)
{
    json_t *usage = json_pack("{s:i, s:i, s:i, s:{s:i}}", "prompt_tokens", 20,
                              "completion_tokens", 9, "total_tokens", 29,
                              "prompt_tokens_details", "cached_tokens", 4);
    json_t *extra = param(step, "usage");
    json_t *c = or_chunk(step, json_array());

    if (json_is_object(extra))
        json_object_update(usage, extra);
    json_object_set_new(c, "usage", usage);
    emit(k, NULL, c);
}

static void openrouter_stream(struct canned *k, const json_t *step)
{
    const char *text = param_str(step, "text", "Hello from fake upstream.");
    size_t n = strlen(text), off = 0, len;

    json_array_append_new(
        k->items, json_pack("{s:s}", "comment", "OPENROUTER PROCESSING"));
    emit(k, NULL,
         or_chunk(step, or_choice(json_pack("{s:s, s:s}", "role", "assistant",
                                            "content", ""),
                                  NULL)));
    while (off < n) {
        len = piece_len(text + off, n - off, 8);
        emit(k, NULL,
             or_chunk(step,
                      or_choice(json_pack("{s:s%}", "content", text + off, len),
                                NULL)));
        off += len;
        if (k->error && !k->ended)
            or_error(k, step);
    }
    emit(k, NULL,
         or_chunk(step, or_choice(json_object(),
                                  param_str(step, "finish_reason", "stop"))));
    or_usage(k, step);
    if (!k->ended)
        json_array_append_new(k->items,
                              json_pack("{s:s}", "data_raw", "[DONE]"));
}

/* The SSE items of a canned stream (a new array). */
static json_t *canned_items(const json_t *step, const char *name)
{
    struct canned k;

    memset(&k, 0, sizeof(k));
    k.items = json_array();
    k.error = json_object_get(step, "error_event");
    if (!strcmp(name, "openrouter_text"))
        openrouter_stream(&k, step);
    else
        anthropic_stream(&k, step, name);
    return k.items;
}

/* ---- responses ---- */

static void seg_push(struct conn *c, int delay_ms)
{
    if (c->nseg == c->segcap) {
        c->segcap = c->segcap ? st_mult(c->segcap, 2) : 16;
        c->segs = xreallocarray(c->segs, c->segcap, sizeof(*c->segs));
    }
    c->segs[c->nseg].end = c->resp.len;
    c->segs[c->nseg].delay_ms = delay_ms;
    c->nseg++;
}

/* Queue p[0..n) as writes of pc->chunk bytes (0: one), the first after
 * delay_ms, the others pc->drip_ms apart. */
static void add_piece(struct conn *c, const struct pacing *pc, const char *p,
                      size_t n, int delay_ms)
{
    size_t step = pc->chunk ? pc->chunk : n, off = 0, k;

    do {
        k = n - off < step ? n - off : step;
        buf_add(&c->resp, p + off, k);
        seg_push(c, off ? pc->drip_ms : delay_ms);
        off += k;
    } while (off < n);
}

static bool has_header(const json_t *hdrs, const char *name)
{
    /* jansson iterates objects only through non-const pointers */
    json_t *obj = (json_t *)(uintptr_t)hdrs;
    const char *key;
    json_t *v;

    json_object_foreach (obj, key, v) {
        if (!strcasecmp(key, name))
            return true;
    }
    return false;
}

/* Status line and headers; clen < 0 means a close-delimited SSE body. */
static void add_head(struct conn *c, int status, const json_t *hdrs,
                     const char *ctype, long long clen)
{
    json_t *obj = (json_t *)(uintptr_t)hdrs;
    struct buf *o = &c->resp;
    const char *key;
    json_t *v;

    buf_addf(o, "HTTP/1.1 %d %s\r\n", status, reason(status));
    json_object_foreach (obj, key, v) {
        buf_addf(o, "%s: ", key);
        if (json_is_string(v))
            buf_addstr(o, json_string_value(v));
        else
            jsonx_dump(v, 0, o);
        buf_addstr(o, "\r\n");
    }
    if (!has_header(hdrs, "content-type"))
        buf_addf(o, "Content-Type: %s\r\n", ctype);
    if (clen >= 0 && !has_header(hdrs, "content-length"))
        buf_addf(o, "Content-Length: %lld\r\n", clen);
    if (clen < 0 && !has_header(hdrs, "cache-control"))
        buf_addstr(o, "Cache-Control: no-cache\r\n");
    if (!has_header(hdrs, "connection"))
        buf_addstr(o, "Connection: close\r\n");
    buf_addstr(o, "\r\n");
}

static void build_plain(struct conn *c, const json_t *step,
                        const struct pacing *pc)
{
    json_t *js = json_object_get(step, "json");
    json_t *text = json_object_get(step, "body");
    const char *ctype = "text/plain; charset=utf-8";
    struct buf body;

    buf_init(&body, 0);
    if (js) {
        jsonx_dump(js, 0, &body);
        ctype = "application/json";
    } else if (text) {
        buf_add(&body, json_string_value(text), json_string_length(text));
    }
    add_head(c, int_member(step, "status", 200),
             json_object_get(step, "headers"), ctype, (long long)body.len);
    seg_push(c, pc->delay_ms);
    if (body.len)
        add_piece(c, pc, body.p, body.len, 0);
    buf_release(&body);
}

static void render_item(const json_t *it, struct buf *o)
{
    const char *ev = jsonx_get_str(it, "event");
    json_t *data = json_object_get(it, "data");
    json_t *raw = json_object_get(it, "raw");
    const char *s;

    if (ev)
        buf_addf(o, "event: %s\n", ev);
    if (data) {
        buf_addstr(o, "data: ");
        jsonx_dump(data, 0, o);
        buf_addstr(o, "\n\n");
    } else if ((s = jsonx_get_str(it, "data_raw"))) {
        buf_addf(o, "data: %s\n\n", s);
    } else if ((s = jsonx_get_str(it, "comment"))) {
        buf_addf(o, ": %s\n\n", s);
    } else if (json_is_string(raw)) {
        buf_add(o, json_string_value(raw), json_string_length(raw));
    } else if (ev) {
        buf_addstr(o, "\n");
    }
}

static void build_sse(struct conn *c, const json_t *step, const json_t *items,
                      const struct pacing *pc)
{
    struct buf ev;
    long long pause = 0;
    bool first = true;
    size_t i;
    json_t *it;

    add_head(c, int_member(step, "status", 200),
             json_object_get(step, "headers"), "text/event-stream", -1);
    seg_push(c, pc->delay_ms);
    buf_init(&ev, 0);
    json_array_foreach (items, i, it) {
        if (json_object_get(it, "sleep_ms")) {
            pause += int_member(it, "sleep_ms", 0);
            continue;
        }
        buf_reset(&ev);
        render_item(it, &ev);
        pause += first ? 0 : pc->drip_ms;
        add_piece(c, pc, ev.p, ev.len, pause > INT_MAX ? INT_MAX : (int)pause);
        pause = 0;
        first = false;
    }
    if (pause)
        add_piece(c, pc, "", 0, pause > INT_MAX ? INT_MAX : (int)pause);
    buf_release(&ev);
}

/* truncate_after: keep the head and N body bytes, then close. */
static void apply_truncate(struct conn *c, const json_t *step)
{
    json_t *t = json_object_get(step, "truncate_after");
    size_t limit, i;

    if (!t)
        return;
    limit = st_add(c->segs[0].end, (size_t)json_integer_value(t));
    for (i = 0; i < c->nseg; i++) {
        if (c->segs[i].end >= limit) {
            c->segs[i].end = limit;
            c->nseg = i + 1;
            break;
        }
    }
    c->cut = true;
}

static json_t *sse_items(const json_t *step)
{
    const char *canned = jsonx_get_str(step, "canned");
    json_t *sse = json_object_get(step, "sse");
    json_t *error = json_object_get(step, "error_event");
    json_t *items;

    if (canned)
        return canned_items(step, canned);
    if (!sse)
        return NULL;
    items = json_copy(sse);
    if (error)
        json_array_append_new(items, json_pack("{s:s, s:o}", "event", "error",
                                               "data", anthropic_error(error)));
    return items;
}

static void build_response(struct conn *c, const json_t *step)
{
    struct pacing pc;
    json_t *items;

    pc.delay_ms = int_member(step, "delay_ms", 0);
    pc.drip_ms = int_member(step, "drip_ms", 0);
    pc.chunk = (size_t)int_member(step, "chunk", 0);
    if (jsonx_get_bool(step, "disconnect", false)) {
        seg_push(c, pc.delay_ms);
        c->cut = true;
        return;
    }
    items = sse_items(step);
    if (items)
        build_sse(c, step, items, &pc);
    else
        build_plain(c, step, &pc);
    json_decref(items);
    apply_truncate(c, step);
}

static void start_send(struct conn *c)
{
    c->state = ST_SEND;
    c->seg_i = 0;
    c->pos = 0;
    c->next_at = now_ms() + c->segs[0].delay_ms;
}

/* Answer with an Anthropic-style error body. */
static void respond_error(struct conn *c, int status, const char *type,
                          const char *msg)
{
    json_t *step =
        json_pack("{s:i, s:{s:s, s:{s:s, s:s}}}", "status", status, "json",
                  "type", "error", "error", "type", type, "message", msg);

    buf_reset(&c->resp);
    c->nseg = 0;
    build_response(c, step);
    json_decref(step);
    start_send(c);
}

static void bad_request(struct conn *c, int status, const char *why)
{
    fprintf(stderr, "fake_upstream: bad request: %s\n", why);
    respond_error(c, status, "invalid_request_error", why);
}

/* ---- requests ---- */

static bool is_tchar(int ch)
{
    return ch > 0x20 && ch < 0x7f && !strchr("\"(),/:;<=>?@[\\]{}", ch);
}

static const char *header(const struct conn *c, const char *name)
{
    return jsonx_get_str(c->headers, name);
}

/* Offset just past the blank line that ends the head, or 0. */
static size_t head_end(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n')
            return i + 2;
        if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* The line at *off in p[0..n) without its CR LF; advances *off. */
static const char *next_line(const char *p, size_t n, size_t *off, size_t *len)
{
    const char *l = p + *off;
    const char *nl = memchr(l, '\n', n - *off);

    if (!nl)
        return NULL;
    *len = (size_t)(nl - l);
    if (*len && l[*len - 1] == '\r')
        (*len)--;
    *off = (size_t)(nl - p) + 1;
    return l;
}

static int parse_request_line(struct conn *c, const char *l, size_t n)
{
    const char *sp1 = memchr(l, ' ', n), *sp2, *qm, *p;
    const char *end = l + n;

    if (!sp1 || sp1 == l)
        return -1;
    sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
    if (!sp2 || sp2 == sp1 + 1 || end - sp2 != 9 ||
        memcmp(sp2 + 1, "HTTP/1.", 7) != 0 || (sp2[8] != '0' && sp2[8] != '1'))
        return -1;
    for (p = l; p < sp1; p++)
        if (!is_tchar((unsigned char)*p))
            return -1;
    for (p = sp1 + 1; p < sp2; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return -1;
    c->http11 = sp2[8] == '1';
    c->method = xmemdupz(l, (size_t)(sp1 - l));
    qm = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
    if (!qm)
        qm = sp2;
    c->path = xmemdupz(sp1 + 1, (size_t)(qm - sp1 - 1));
    c->query =
        qm < sp2 ? xmemdupz(qm + 1, (size_t)(sp2 - qm - 1)) : xstrdup("");
    return 0;
}

static void add_header(json_t *h, const char *name, const char *v, size_t n)
{
    json_t *old = json_object_get(h, name);
    struct buf b;

    if (!old) {
        json_object_set_new(h, name, text_json(v, n));
        return;
    }
    buf_init(&b, 0);
    buf_add(&b, json_string_value(old), json_string_length(old));
    buf_addstr(&b, ", ");
    buf_add(&b, v, n);
    json_object_set_new(h, name, text_json(b.p, b.len));
    buf_release(&b);
}

static int parse_header_line(struct conn *c, const char *l, size_t n)
{
    const char *colon = memchr(l, ':', n);
    size_t i, nlen, vs, ve;
    char *name;

    if (!colon || colon == l)
        return -1;
    nlen = (size_t)(colon - l);
    for (i = 0; i < nlen; i++)
        if (!is_tchar((unsigned char)l[i]))
            return -1;
    name = xmemdupz(l, nlen);
    for (i = 0; i < nlen; i++)
        if (name[i] >= 'A' && name[i] <= 'Z')
            name[i] = (char)(name[i] - 'A' + 'a');
    vs = nlen + 1;
    ve = n;
    while (vs < ve && (l[vs] == ' ' || l[vs] == '\t'))
        vs++;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    add_header(c->headers, name, l + vs, ve - vs);
    free(name);
    return 0;
}

/* -1 malformed, -2 too big. */
static int parse_length(const char *s, size_t *out)
{
    size_t v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > BODY_MAX)
            return -2;
    }
    *out = v;
    return 0;
}

/* How the body is framed: 0, -1 malformed, -2 too big. */
static int body_framing(struct conn *c)
{
    const char *te = header(c, "transfer-encoding");
    const char *cl = header(c, "content-length");
    size_t n;

    if (!te)
        return cl ? parse_length(cl, &c->body_left) : 0;
    n = strlen(te);
    if (n < 7 || strcasecmp(te + n - 7, "chunked") != 0 ||
        (n > 7 && te[n - 8] != ' ' && te[n - 8] != ','))
        return -1;
    c->chunked = true;
    return 0;
}

static int parse_head(struct conn *c, const char *p, size_t n)
{
    size_t off = 0, len = 0;
    const char *l;
    bool first = true;

    c->headers = json_object();
    while ((l = next_line(p, n, &off, &len)) && len) {
        if (!first && (*l == ' ' || *l == '\t'))
            return -1; /* obsolete line folding */
        if (first ? parse_request_line(c, l, len)
                  : parse_header_line(c, l, len))
            return -1;
        first = false;
    }
    return first ? -1 : body_framing(c);
}

static void in_consume(struct conn *c, size_t k)
{
    if (!k)
        return;
    memmove(c->in.p, c->in.p + k, c->in.len - k);
    buf_truncate(&c->in, c->in.len - k);
}

/* Content-Length body: 1 complete, 0 more to come. */
static int take_plain(struct conn *c)
{
    size_t k = c->in.len < c->body_left ? c->in.len : c->body_left;

    buf_add(&c->body, c->in.p, k);
    in_consume(c, k);
    c->body_left -= k;
    return c->body_left == 0;
}

static int chunk_size(struct conn *c, const char *l, size_t n)
{
    size_t i, v = 0;
    int d = 0;

    for (i = 0; i < n && (d = str_hex_value(l[i])) >= 0; i++) {
        v = v * 16 + (size_t)d;
        if (v > BODY_MAX)
            return -2;
    }
    if (!i || (i < n && l[i] != ';' && l[i] != ' ' && l[i] != '\t'))
        return -1;
    if (v > BODY_MAX - c->body.len)
        return -2;
    c->ck_left = v;
    c->ck = v ? CK_DATA : CK_TRAILER;
    return 1;
}

/* One line of chunked framing: 1 progress, 0 incomplete, < 0 error. */
static int chunk_line(struct conn *c)
{
    size_t off = 0, len = 0;
    const char *l = next_line(c->in.p, c->in.len, &off, &len);
    int r = 1;

    if (!l)
        return c->in.len > CHUNK_LINE_MAX ? -1 : 0;
    if (c->ck == CK_SIZE)
        r = chunk_size(c, l, len);
    else if (c->ck == CK_CRLF && len)
        r = -1;
    else if (c->ck == CK_CRLF)
        c->ck = CK_SIZE;
    else if (!len)
        c->ck = CK_DONE; /* end of the trailer section */
    in_consume(c, off);
    return r;
}

static int chunk_data(struct conn *c)
{
    size_t k = c->in.len < c->ck_left ? c->in.len : c->ck_left;

    if (!k)
        return 0;
    buf_add(&c->body, c->in.p, k);
    in_consume(c, k);
    c->ck_left -= k;
    if (!c->ck_left)
        c->ck = CK_CRLF;
    return 1;
}

/* Chunked body: 1 complete, 0 more to come, -1 malformed, -2 too big. */
static int take_chunked(struct conn *c)
{
    int r = 1;

    while (r == 1 && c->ck != CK_DONE)
        r = c->ck == CK_DATA ? chunk_data(c) : chunk_line(c);
    return r < 0 ? r : c->ck == CK_DONE;
}

static void log_request(struct server *s, const struct conn *c)
{
    json_t *o = json_object();
    json_t *body = json_loadb(c->body.p, c->body.len, JSON_DECODE_ANY, NULL);
    struct buf line;

    if (!body)
        body = text_json(c->body.p, c->body.len);
    json_object_set_new(o, "n", json_integer(c->n));
    json_object_set_new(o, "method", json_string(c->method));
    json_object_set_new(o, "path", text_json(c->path, strlen(c->path)));
    json_object_set_new(o, "query", text_json(c->query, strlen(c->query)));
    json_object_set(o, "headers", c->headers);
    json_object_set_new(o, "body", body);
    json_object_set_new(o, "raw_body", text_json(c->body.p, c->body.len));
    buf_init(&line, (size_t)256 << 20);
    if (jsonx_dump(o, 0, &line) == 0) {
        buf_addch(&line, '\n');
        fwrite(line.p, 1, line.len, s->log);
        fflush(s->log);
    }
    buf_release(&line);
    json_decref(o);
}

static void on_request(struct server *s, struct conn *c)
{
    json_t *step;

    c->n = ++s->nreq;
    c->cont_left = 0;
    log_request(s, c);
    step = pick_step(s, c);
    if (step) {
        build_response(c, step);
        start_send(c);
    } else {
        respond_error(c, 500, "api_error", "fake_upstream: script exhausted");
    }
}

static void send_continue(struct conn *c)
{
    size_t off = sizeof(continue_line) - 1 - c->cont_left;
    ssize_t n = send(c->fd, continue_line + off, c->cont_left, MSG_NOSIGNAL);

    if (n > 0)
        c->cont_left -= (size_t)n;
}

/* Parse the head once it is all here: 0 (or not yet), else an HTTP error. */
static int take_head(struct conn *c)
{
    size_t end = head_end(c->in.p, c->in.len);
    const char *expect;
    int r;

    if (!end)
        return c->in.len > HEAD_MAX ? 431 : 0;
    if (end > HEAD_MAX)
        return 431;
    r = parse_head(c, c->in.p, end);
    if (r)
        return r == -2 ? 413 : 400;
    in_consume(c, end);
    c->head_done = true;
    expect = header(c, "expect");
    if (expect && !strcasecmp(expect, "100-continue") && c->http11 &&
        (c->chunked || c->body_left)) {
        c->cont_left = sizeof(continue_line) - 1;
        send_continue(c);
    }
    return 0;
}

/* Advance the parser; true once the connection has left ST_READ. */
static bool conn_parse(struct server *s, struct conn *c)
{
    int r;

    if (!c->head_done) {
        r = take_head(c);
        if (r) {
            bad_request(c, r,
                        r == 400   ? "malformed request head"
                        : r == 431 ? "request head too large"
                                   : "request body too large");
            return true;
        }
        if (!c->head_done)
            return false;
    }
    r = c->chunked ? take_chunked(c) : take_plain(c);
    if (r < 0) {
        bad_request(c, r == -2 ? 413 : 400,
                    r == -2 ? "request body too large"
                            : "malformed chunked body");
        return true;
    }
    if (r == 0)
        return false;
    on_request(s, c);
    return true;
}

/* ---- connections ---- */

static void conn_close(struct server *s, struct conn *c)
{
    if (c->n > 0)
        s->finished++;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->state = ST_DEAD;
}

/* The client left while we were still sending: note when. */
static void peer_closed(struct server *s, struct conn *c)
{
    struct timespec ts;

    if (s->events) {
        clock_gettime(CLOCK_REALTIME, &ts);
        fprintf(s->events,
                "{\"n\":%ld,\"event\":\"peer_closed\",\"at_ms\":%lld,"
                "\"sent\":%zu}\n",
                c->n, (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000,
                c->pos);
        fflush(s->events);
    }
    conn_close(s, c);
}

static void conn_read(struct server *s, struct conn *c)
{
    static char tmp[64 << 10];
    ssize_t n;

    for (;;) {
        n = recv(c->fd, tmp, sizeof(tmp), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            conn_close(s, c);
            return;
        }
        if (buf_add(&c->in, tmp, (size_t)n)) {
            bad_request(c, 431, "request head too large");
            return;
        }
        if (conn_parse(s, c))
            return;
    }
}

/* The response is out: close, or shut down our side and drain. */
static void response_done(struct server *s, struct conn *c)
{
    if (c->cut) {
        conn_close(s, c);
        return;
    }
    shutdown(c->fd, SHUT_WR);
    c->state = ST_LINGER;
    c->next_at = now_ms() + LINGER_MS;
}

static void conn_send(struct server *s, struct conn *c)
{
    const struct seg *sg;
    ssize_t n;

    while (c->seg_i < c->nseg) {
        sg = &c->segs[c->seg_i];
        if (now_ms() < c->next_at)
            return;
        if (c->pos < sg->end) {
            n = send(c->fd, c->resp.p + c->pos, sg->end - c->pos, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
            if (n < 0) {
                peer_closed(s, c);
                return;
            }
            c->pos += (size_t)n;
            continue;
        }
        if (++c->seg_i < c->nseg)
            c->next_at = now_ms() + c->segs[c->seg_i].delay_ms;
    }
    response_done(s, c);
}

static void conn_linger(struct server *s, struct conn *c, short revents)
{
    static char tmp[4096];
    ssize_t n;

    if (now_ms() >= c->next_at) {
        conn_close(s, c);
        return;
    }
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
    while ((n = recv(c->fd, tmp, sizeof(tmp), 0)) > 0)
        ;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        conn_close(s, c);
}

static void conn_step(struct server *s, struct conn *c, short revents)
{
    switch (c->state) {
    case ST_READ:
        if ((revents & POLLOUT) && c->cont_left)
            send_continue(c);
        if (revents & (POLLIN | POLLHUP | POLLERR))
            conn_read(s, c);
        break;
    case ST_SEND:
        if (revents & (POLLERR | POLLHUP | POLLRDHUP))
            peer_closed(s, c);
        else
            conn_send(s, c);
        break;
    case ST_LINGER:
        conn_linger(s, c, revents);
        break;
    case ST_DEAD:
        break;
    }
}

/* Poll events for c; lowers *timeout to c's next timer. */
static short conn_events(const struct conn *c, long long now, int *timeout)
{
    long long t = c->next_at - now;

    if (c->state == ST_READ)
        return (short)(POLLIN | (c->cont_left ? POLLOUT : 0));
    if (c->state == ST_DEAD)
        return 0;
    if (t > 0 && (*timeout < 0 || t < *timeout))
        *timeout = t > INT_MAX ? INT_MAX : (int)t;
    if (c->state == ST_LINGER)
        return POLLIN;
    /* sending: also learn at once when the client goes away */
    return (short)(POLLRDHUP | (t > 0 ? 0 : POLLOUT));
}

static struct conn *conn_new(int fd)
{
    struct conn *c = xcalloc(1, sizeof(*c));

    c->fd = fd;
    c->state = ST_READ;
    buf_init(&c->in, HEAD_MAX + (128 << 10));
    buf_init(&c->body, BODY_MAX);
    buf_init(&c->resp, 0);
    return c;
}

static void conn_free(struct conn *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    buf_release(&c->in);
    buf_release(&c->body);
    buf_release(&c->resp);
    free(c->method);
    free(c->path);
    free(c->query);
    json_decref(c->headers);
    free(c->segs);
    free(c);
}

static void accept_conns(struct server *s)
{
    int fd, one = 1;

    while (s->nconn < MAX_CONNS) {
        fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->conns[s->nconn++] = conn_new(fd);
    }
}

static void reap(struct server *s)
{
    size_t i, j = 0;

    for (i = 0; i < s->nconn; i++) {
        if (s->conns[i]->state == ST_DEAD)
            conn_free(s->conns[i]);
        else
            s->conns[j++] = s->conns[i];
    }
    s->nconn = j;
}

/* ---- the server ---- */

static void on_signal(int sig)
{
    (void)sig;
    got_signal = 1;
}

/* SIGTERM/SIGINT stay blocked except inside ppoll, so none is missed. */
static void setup_signals(void)
{
    struct sigaction sa;
    sigset_t set;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static int fill_pollfds(struct server *s, struct pollfd *pfd)
{
    long long now = now_ms();
    int timeout = -1;
    size_t i;

    pfd[0].fd = s->lfd;
    pfd[0].events = s->nconn < MAX_CONNS ? POLLIN : 0;
    for (i = 0; i < s->nconn; i++) {
        pfd[i + 1].fd = s->conns[i]->fd;
        pfd[i + 1].events = conn_events(s->conns[i], now, &timeout);
        pfd[i + 1].revents = 0;
    }
    pfd[0].revents = 0;
    return timeout;
}

static int serve(struct server *s)
{
    struct pollfd pfd[MAX_CONNS + 1];
    struct timespec ts;
    sigset_t none;
    size_t i, n;
    int timeout;

    sigemptyset(&none);
    while (!got_signal &&
           !(s->exit_after > 0 && s->finished >= s->exit_after)) {
        n = s->nconn;
        timeout = fill_pollfds(s, pfd);
        ts.tv_sec = timeout / 1000;
        ts.tv_nsec = (long)(timeout % 1000) * 1000000;
        if (ppoll(pfd, n + 1, timeout >= 0 ? &ts : NULL, &none) < 0 &&
            errno != EINTR) {
            perror("fake_upstream: poll");
            return 1;
        }
        if (pfd[0].revents & POLLIN)
            accept_conns(s);
        for (i = 0; i < n; i++)
            conn_step(s, s->conns[i], pfd[i + 1].revents);
        reap(s);
    }
    return 0;
}

struct opts {
    const char *script, *log, *port_file, *bind, *events;
    long port;
};

static int parse_port(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*end || end == s || v < 0 || v > 65535)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->bind = "127.0.0.1";
    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--script"))
            o->script = argv[i + 1];
        else if (!strcmp(argv[i], "--log"))
            o->log = argv[i + 1];
        else if (!strcmp(argv[i], "--port-file"))
            o->port_file = argv[i + 1];
        else if (!strcmp(argv[i], "--bind"))
            o->bind = argv[i + 1];
        else if (!strcmp(argv[i], "--events"))
            o->events = argv[i + 1];
        else if (strcmp(argv[i], "--port") != 0 ||
                 parse_port(argv[i + 1], &o->port))
            return -1;
    }
    return i == argc && o->script && o->log ? 0 : -1;
}

static int write_port_file(const char *path, int port)
{
    struct oc_err err;
    char line[16];
    int n = snprintf(line, sizeof(line), "%d\n", port);

    oc_err_clear(&err);
    if (fsx_write_atomic(path, line, (size_t)n, &err)) {
        fprintf(stderr, "fake_upstream: error: %s\n", oc_err_msg(&err));
        return -1;
    }
    return 0;
}

static int start_listen(struct server *s, const struct opts *o)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int one = 1;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->bind, &sa.sin_addr) != 1) {
        fprintf(stderr, "fake_upstream: error: bad --bind '%s'\n", o->bind);
        return -1;
    }
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0 ||
        setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
        listen(s->lfd, 1024) ||
        getsockname(s->lfd, (struct sockaddr *)&sa, &len)) {
        fprintf(stderr, "fake_upstream: error: cannot listen on %s:%ld: %s\n",
                o->bind, o->port, strerror(errno));
        return -1;
    }
    return o->port_file ? write_port_file(o->port_file, ntohs(sa.sin_port)) : 0;
}

static void server_release(struct server *s)
{
    size_t i;

    for (i = 0; i < s->nconn; i++)
        conn_free(s->conns[i]);
    free(s->conns);
    if (s->lfd >= 0)
        close(s->lfd);
    if (s->log)
        fclose(s->log);
    if (s->events)
        fclose(s->events);
    json_decref(s->script);
    free(s->used);
}

int main(int argc, char **argv)
{
    struct server s;
    struct opts o;
    int rc = 2;

    memset(&s, 0, sizeof(s));
    s.lfd = -1;
    s.conns = xcalloc(MAX_CONNS, sizeof(struct conn *));
    if (parse_args(argc, argv, &o)) {
        fprintf(stderr, "usage: fake_upstream --script FILE --log FILE "
                        "[--port-file FILE] [--port N] [--bind ADDR] "
                        "[--events FILE]\n");
        goto out;
    }
    if (load_script(&s, o.script))
        goto out;
    rc = 1;
    s.log = fopen(o.log, "ae");
    if (!s.log) {
        fprintf(stderr, "fake_upstream: error: cannot open '%s': %s\n", o.log,
                strerror(errno));
        goto out;
    }
    s.events = o.events ? fopen(o.events, "ae") : NULL;
    if (o.events && !s.events) {
        fprintf(stderr, "fake_upstream: error: cannot open '%s': %s\n",
                o.events, strerror(errno));
        goto out;
    }
    setup_signals();
    if (start_listen(&s, &o))
        goto out;
    rc = serve(&s);
out:
    server_release(&s);
    return rc;
}
