/*
 * Throughput of the JSON5 parser, the JSON.stringify writer and config
 * validation on a large, realistic config (generated: many agents,
 * providers, models and unknown channel sections, with comments).
 * Prints MB/s for each; reproducible input, no I/O in the timed loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "config/problems.h"
#include "config/validate.h"
#include "json/json5.h"
#include "json/jsonx.h"

static void gen(struct buf *b, int agents)
{
    int i;

    buf_addstr(b, "// generated benchmark config\n{\n  agents: {\n"
                  "    defaults: { model: { primary: 'anthropic/claude-"
                  "opus-4-5', fallbacks: ['anthropic/claude-sonnet-4-5'] "
                  "},\n      models: {\n");
    for (i = 0; i < agents; i++)
        buf_addf(b,
                 "        'anthropic/model-%d': { alias: 'm%d', params: "
                 "{ cacheControlTtl: '1h', maxTokens: %d } },\n",
                 i, i, 1000 + i);
    buf_addstr(b, "      },\n    },\n    list: [\n");
    for (i = 0; i < agents; i++)
        buf_addf(b,
                 "      { id: 'agent-%d', workspace: '~/ws/%d', model: "
                 "'anthropic/model-%d' }, // agent %d\n",
                 i, i, i, i);
    buf_addstr(b, "    ],\n  },\n  channels: {\n");
    for (i = 0; i < agents; i++)
        buf_addf(b,
                 "    \"c%d\": { enabled: true, botToken: \"tok-%d\", "
                 "allowFrom: [\"+1555%07d\", 0x%x, .5] },\n",
                 i, i, i, i);
    buf_addstr(b, "  },\n  gateway: { mode: 'local', port: 18789 },\n}\n");
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    struct buf text, out;
    double t0, parse_s, dump_s, valid_s;
    json_t *v = NULL;
    int i, iters = 50;

    buf_init(&text, 0);
    buf_init(&out, 0);
    gen(&text, 2000);
    t0 = now();
    for (i = 0; i < iters; i++) {
        json_decref(v);
        v = json5_parse(text.p, text.len, NULL, NULL, NULL);
    }
    parse_s = (now() - t0) / iters;
    t0 = now();
    for (i = 0; i < iters; i++) {
        buf_reset(&out);
        jsonx_dump(v, 2, &out);
    }
    dump_s = (now() - t0) / iters;
    t0 = now();
    for (i = 0; i < iters; i++) {
        struct config_problems p;
        struct strlist unknown = STRLIST_INIT;
        problems_init(&p);
        config_validate(v, &p, &unknown, NULL, NULL);
        problems_release(&p);
        strlist_release(&unknown);
    }
    valid_s = (now() - t0) / iters;
    printf("config text %.2f MB (JSON5, 2000 agents/models/channels)\n",
           text.len / 1e6);
    printf("json5_parse   %8.1f MB/s  (%.2f ms)\n", text.len / 1e6 / parse_s,
           parse_s * 1e3);
    printf("jsonx_dump    %8.1f MB/s  (%.2f ms, %.2f MB out)\n",
           out.len / 1e6 / dump_s, dump_s * 1e3, out.len / 1e6);
    printf("validate      %8.1f ms\n", valid_s * 1e3);
    json_decref(v);
    buf_release(&text);
    buf_release(&out);
    return 0;
}
