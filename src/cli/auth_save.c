/*
 * The shared "save a credential" step (see auth_save.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/health.h"
#include "auth/meta.h"
#include "auth/store.h"
#include "auth/token.h"
#include "base/clock.h"
#include "base/secret.h"
#include "cli/auth_save.h"
#include "cli/config_edit.h"
#include "cli/prompt.h"
#include "provider/modelref.h"
#include "base/banned.h"

#define SECRET_INPUT_MAX 65536

static json_t *profile_json(const struct auth_save *s)
{
    json_t *p = json_pack("{s:s, s:s}", "type", auth_type_name(s->type),
                          "provider", s->provider);
    bool key = s->type == AUTH_API_KEY;

    if (s->has_expires)
        json_object_set_new(p, "expires", json_integer(s->expires));
    if (s->ref_env)
        json_object_set_new(p, key ? "keyRef" : "tokenRef",
                            json_pack("{s:s, s:s, s:s}", "source", "env",
                                      "provider", "default", "id", s->ref_env));
    else
        json_object_set_new(p, key ? "key" : "token", json_string(s->secret));
    return p;
}

static int put_profile(struct auth_store *st, void *arg, struct oc_err *err)
{
    const struct auth_save *s = arg;
    struct usage_stats stats;

    (void)err;
    auth_store_put(st, s->profile_id, profile_json(s));
    if (auth_store_stats(st, s->profile_id, &stats)) {
        policy_clear_cooldown(&stats);
        auth_store_set_stats(st, s->profile_id, &stats);
    }
    return 1;
}

static int apply_meta(struct config *cfg, void *arg)
{
    const struct auth_save *s = arg;

    auth_meta_apply(cfg->raw, s->profile_id, s->provider,
                    auth_type_name(s->type));
    return 0;
}

void cli_auth_print_saved(struct cli_ctx *ctx, struct agent_ctx *a,
                          const struct auth_save *s)
{
    char mask[SECRET_MASK_MAX + 64], left[16], when[CLOCK_ISO_MAX];
    char *store = cli_display_path(ctx, a->store_path);

    if (s->ref_env)
        snprintf(mask, sizeof(mask), "ref(env:%s)", s->ref_env);
    else
        secret_mask(s->secret, strlen(s->secret), mask, sizeof(mask));
    printf("Auth profile: %s (%s/%s)\n", s->profile_id, s->provider,
           auth_type_name(s->type));
    if (s->has_expires) {
        health_remaining(s->expires - clock_wall_ms(), left, sizeof(left));
        clock_iso8601(s->expires, when, sizeof(when));
        printf("Saved %s%s (expires %.10s, in %s) to %s\n",
               s->type == AUTH_TOKEN ? "token:" : "", mask, when, left, store);
    } else {
        printf("Saved %s%s to %s\n", s->type == AUTH_TOKEN ? "token:" : "",
               mask, store);
    }
    free(store);
}

/* A hint when the default model does not use this provider. */
static void hint_default_model(struct agent_ctx *a, const char *provider)
{
    struct model_ref r;
    const char *def = modelref_default(a->cfg.root, a->id);

    if (modelref_resolve(a->cfg.root, def, &r, NULL, NULL) == 0 &&
        strcmp(r.provider, provider) != 0)
        printf("Note: the default model is %s; to use %s, run `openclaw "
               "models set %s/<model>`.\n",
               def, provider, provider);
}

int cli_auth_store_put(struct cli_ctx *ctx, struct agent_ctx *a,
                       const struct auth_save *s)
{
    struct auth_save copy = *s;
    struct oc_err err;

    if (auth_store_update(a->dir, cli_paths(ctx), put_profile, &copy, &err) < 0)
        return cli_error("%s", oc_err_msg(&err));
    return CLI_OK;
}

int cli_auth_save(struct cli_ctx *ctx, struct agent_ctx *a, struct auth_save *s)
{
    struct config_write_result res;
    int rc = cli_auth_store_put(ctx, a, s);

    if (rc)
        return rc;
    rc = cli_config_edit(ctx, apply_meta, s, false, &res);
    if (rc)
        return rc;
    cli_report_config_written(ctx, &res);
    config_write_result_release(&res);
    cli_auth_print_saved(ctx, a, s);
    hint_default_model(a, s->provider);
    return CLI_OK;
}

int cli_secret_prepare(const char *provider, enum auth_type type,
                       const char *raw, char **clean)
{
    char buf[200];
    char *c = type == AUTH_TOKEN ? token_clean(provider, raw)
                                 : auth_clean_secret(raw, strlen(raw));
    const char *why = type == AUTH_TOKEN
                          ? token_check(provider, c, buf, sizeof(buf))
                          : apikey_check(provider, c);

    if (why) {
        secret_wipe(c, strlen(c));
        free(c);
        return cli_error("%s; nothing was saved", why);
    }
    *clean = c;
    return CLI_OK;
}

char *cli_read_secret(const char *question, const char *what)
{
    bool too_big;
    char *v;

    if (prompt_interactive()) {
        v = prompt_secret(question);
        if (!v)
            cli_error("no %s entered", what);
        return v;
    }
    v = read_stdin_secret(SECRET_INPUT_MAX, &too_big);
    if (too_big)
        cli_error("the %s on stdin is too large (more than %d KiB); nothing "
                  "was saved",
                  what, SECRET_INPUT_MAX / 1024);
    else if (!v)
        cli_error("no %s on stdin; pipe it in (openclaw ... < file) or run "
                  "this in a terminal to paste it",
                  what);
    return v;
}
