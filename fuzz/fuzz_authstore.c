/*
 * Fuzz a hostile auth-profiles.json through the real load path
 * (auth/store: JSON5, profiles, usageStats, legacy import rules) and
 * everything models status and doctor then do with it: eligibility,
 * health, masked labels, candidate order, the credential a request would
 * pick, and why a profile is not used. Nothing may crash or leak, and no
 * label may hold a whole secret.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/health.h"
#include "auth/resolve.h"
#include "auth/store.h"
#include "base/path.h"
#include "base/xalloc.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;

static void remove_dir(void)
{
    char *file = path_join(dir, "auth-profiles.json");

    unlink(file);
    free(file);
    rmdir(dir);
    free(dir);
}

static void setup(void)
{
    char tmpl[] = "/tmp/oc-fuzz-store-XXXXXX";

    if (dir)
        return;
    if (!mkdtemp(tmpl))
        abort();
    dir = xstrdup(tmpl);
    atexit(remove_dir);
}

static void exercise(struct auth_store *s, json_t *cfg, const char *prov)
{
    struct auth_query q = {cfg, prov, "claude-opus-4-5", 1795363519953LL};
    struct strlist ids = STRLIST_INIT;
    struct profile_health h;
    struct usage_stats st;
    struct auth_pick pick;
    struct buf b;
    size_t i;

    buf_init(&b, 0);
    for (i = 0; i < s->ncreds; i++) {
        health_of(&s->creds[i], q.now, &h);
        auth_store_stats(s, s->creds[i].id, &st);
        buf_reset(&b);
        health_label(&s->creds[i], &st, q.now, &b);
        if (s->creds[i].secret && strlen(s->creds[i].secret) >= 24 &&
            strstr(b.p, s->creds[i].secret))
            abort(); /* a label showed a whole secret */
        buf_reset(&b);
        auth_unfit_reason(&s->creds[i], cfg, prov, q.now, &b);
    }
    buf_release(&b);
    auth_candidates(s, &q, NULL, &ids);
    strlist_release(&ids);
    auth_pick(s, &q, NULL, &pick);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct oc_paths paths = {0};
    struct auth_store s;
    char *file;
    FILE *f;
    json_t *cfg;

    if (size > 65536)
        return 0;
    setup();
    file = path_join(dir, "auth-profiles.json");
    f = fopen(file, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    paths.home = dir;
    paths.state_dir = dir;
    cfg = json_object();
    auth_store_init(&s);
    if (auth_store_load(&s, dir, &paths, NULL) == 0) {
        exercise(&s, cfg, "anthropic");
        exercise(&s, cfg, "openrouter");
    }
    auth_store_release(&s);
    json_decref(cfg);
    free(file);
    return 0;
}
