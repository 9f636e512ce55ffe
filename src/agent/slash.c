/*
 * Slash commands (see slash.h): parsing, the /model family and the small
 * ones. The /model status, /models and /status texts are in
 * slash_views.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/slash.h"
#include "agent/slash_internal.h"
#include "auth/store.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "json/jsonx.h"
#include "provider/modelref.h"
#include "base/banned.h"

/* ---- "<model>@<profile>" ------------------------------------------------- */

/* "@" + 8 digits, or a quant tag (q4_k_m, 8bit): part of the model id. */
static bool version_suffix(const char *s)
{
    size_t n = strcspn(s, "@/"), i;

    if (n == 8 && strspn(s, "0123456789") == 8)
        return true;
    if (n > 1 && s[0] == 'q' && isdigit((unsigned char)s[1]))
        return true;
    for (i = 0; i < n && isdigit((unsigned char)s[i]); i++)
        ;
    return i > 0 && n - i == 3 && !strncmp(s + i, "bit", 3);
}

void slash_split_profile(const char *ref, char *model, size_t msz,
                         char *profile, size_t psz)
{
    const char *slash = strrchr(ref, '/'), *at;

    at = strchr(slash ? slash : ref, '@');
    if (at && version_suffix(at + 1))
        at = strchr(at + 1, '@');
    str_copyn(model, msz, ref, (at ? at - ref : (long)strlen(ref)));
    str_copy(profile, psz, at ? at + 1 : "");
}

/* ---- labels -------------------------------------------------------------- */

char *slash_alias_of(json_t *cfg, const char *ref)
{
    struct strlist names = STRLIST_INIT, targets = STRLIST_INIT;
    char *alias = NULL;
    size_t i;

    modelref_aliases(cfg, &names, &targets);
    for (i = 0; i < names.n && !alias; i++)
        if (!strcmp(targets.v[i], ref))
            alias = xstrdup(names.v[i]);
    strlist_release(&names);
    strlist_release(&targets);
    return alias;
}

char *slash_default_ref(json_t *cfg, const char *agent_id)
{
    struct model_ref r;
    char buf[320];

    if (modelref_resolve(cfg, modelref_default(cfg, agent_id), &r, NULL,
                         NULL) != 0)
        return xstrdup(modelref_default(cfg, agent_id));
    return xstrdup(modelref_format(&r, buf, sizeof(buf)));
}

char *slash_current_ref(const struct slash_ctx *c)
{
    const char *p = jsonx_get_str(c->sess->entry, "providerOverride");
    const char *m = jsonx_get_str(c->sess->entry, "modelOverride");

    if (p && m)
        return xasprintf("%s/%s", p, m);
    return slash_default_ref(c->cfg, c->agent_id);
}

/* ---- /model <ref> ---------------------------------------------------------
 */

struct selection {
    const char *provider, *model, *profile; /* NULL model: clear */
};

static bool apply_selection(json_t *entry, void *arg)
{
    const struct selection *s = arg;

    if (s->model) {
        json_object_set_new(entry, "providerOverride",
                            json_string(s->provider));
        json_object_set_new(entry, "modelOverride", json_string(s->model));
        json_object_set_new(entry, "modelOverrideSource", json_string("user"));
    } else {
        json_object_del(entry, "providerOverride");
        json_object_del(entry, "modelOverride");
        json_object_del(entry, "modelOverrideSource");
    }
    if (s->profile && *s->profile) {
        json_object_set_new(entry, "authProfileOverride",
                            json_string(s->profile));
        json_object_set_new(entry, "authProfileOverrideSource",
                            json_string("user"));
        json_object_del(entry, "authProfileOverrideCompactionCount");
    }
    return true;
}

/* The profile must exist in this agent's store and be for provider. */
static char *check_profile(struct slash_ctx *c, const char *provider,
                           const char *id)
{
    char *dir = config_agent_dir(c->cfg, c->paths, c->agent_id), *err = NULL;
    const struct auth_cred *cr;
    struct auth_store s;

    auth_store_init(&s);
    if (auth_store_load(&s, dir, c->paths, NULL) != 0)
        err = xasprintf("Auth profile \"%s\" not found.", id);
    else if (!(cr = auth_store_find(&s, id)))
        err = xasprintf("Auth profile \"%s\" not found.", id);
    else if (strcmp(cr->provider_norm, provider) != 0)
        err = xasprintf("Auth profile \"%s\" is for %s, not %s.", id,
                        cr->provider_norm, provider);
    auth_store_release(&s);
    free(dir);
    return err;
}

static char *acknowledge(struct slash_ctx *c, const char *ref,
                         const struct selection *sel)
{
    char *alias = slash_alias_of(c->cfg, ref), *out;
    struct buf b;

    buf_init(&b, 0);
    if (!sel->model)
        buf_addf(&b, "Model reset to default (%s%s%s%s).", alias ? alias : "",
                 alias ? " (" : "", ref, alias ? ")" : "");
    else if (alias)
        buf_addf(&b, "Model set to %s (%s).", alias, ref);
    else
        buf_addf(&b, "Model set to %s.", ref);
    if (sel->profile && *sel->profile)
        buf_addf(&b, "\nAuth profile set to %s.", sel->profile);
    out = buf_detach(&b, NULL);
    free(alias);
    return out;
}

static char *select_model(struct slash_ctx *c, const char *arg)
{
    char model[320], profile[160], ref[320], *def, *err, *out;
    struct selection sel = {0};
    struct model_ref r;
    struct oc_err oerr;
    json_t *ev;

    slash_split_profile(arg, model, sizeof(model), profile, sizeof(profile));
    if (!*model)
        return xstrdup("Auth profile override requires a model selection.");
    if (strspn(model, "0123456789") == strlen(model))
        return xstrdup("Numeric model selection is not supported in chat.\n"
                       "Browse: /models (providers) or /models <provider> "
                       "(models)\nSwitch: /model <provider/model>");
    if (modelref_resolve(c->cfg, model, &r, NULL, &oerr) != 0)
        return xasprintf("%s", oc_err_msg(&oerr));
    modelref_format(&r, ref, sizeof(ref));
    if (*profile && (err = check_profile(c, r.provider, profile)))
        return err;
    def = slash_default_ref(c->cfg, c->agent_id);
    sel = (struct selection){r.provider, strcmp(ref, def) ? r.model : NULL,
                             profile};
    free(def);
    if (session_update(c->sess, apply_selection, &sel, &oerr) != 0)
        return xasprintf("could not save the selection: %s", oc_err_msg(&oerr));
    ev = json_pack("{s:s}", "model", ref);
    session_append_event(c->sess, "model_change", ev, NULL);
    json_decref(ev);
    out = acknowledge(c, ref, &sel);
    return out;
}

static char *model_default(struct slash_ctx *c)
{
    struct selection sel = {0};
    char *def = slash_default_ref(c->cfg, c->agent_id), *out;
    struct oc_err err;

    if (session_update(c->sess, apply_selection, &sel, &err) != 0)
        out = xasprintf("could not save the selection: %s", oc_err_msg(&err));
    else
        out = acknowledge(c, def, &sel);
    free(def);
    return out;
}

static char *model_summary(struct slash_ctx *c)
{
    char *cur = slash_current_ref(c);
    char *out = xasprintf("Current: %s\n\nSwitch: /model <provider/model>\n"
                          "Browse: /models (providers) or /models <provider> "
                          "(models)\nMore: /model status",
                          cur);

    free(cur);
    return out;
}

static char *cmd_model(struct slash_ctx *c, const char *arg)
{
    if (!*arg)
        return model_summary(c);
    if (!strcmp(arg, "list"))
        return slash_models(c, "");
    if (!strcmp(arg, "status"))
        return slash_model_status(c);
    if (!strcmp(arg, "default") || !strcmp(arg, "reset"))
        return model_default(c);
    if (str_has_prefix(arg, "status@") || !strcmp(arg, "@"))
        return xstrdup("Auth profile override requires a model selection.");
    return select_model(c, arg);
}

/* ---- the small ones ---------------------------------------------------- */

static bool set_thinking(json_t *entry, void *arg)
{
    if (arg)
        json_object_set_new(entry, "thinkingLevel", json_string(arg));
    else
        json_object_del(entry, "thinkingLevel");
    return true;
}

static char *cmd_think(struct slash_ctx *c, const char *arg)
{
    static const char *const levels[] = {"off",  "minimal", "low", "medium",
                                         "high", "xhigh",   NULL};
    static const char *const clear[] = {"default", "inherit", "clear",
                                        "reset",   "unpin",   NULL};
    const char *const *l;
    struct oc_err err;

    for (l = clear; *l; l++)
        if (!strcmp(arg, *l)) {
            session_update(c->sess, set_thinking, NULL, &err);
            return xstrdup("Thinking level reset to default.");
        }
    for (l = levels; *l; l++)
        if (!strcmp(arg, *l)) {
            if (session_update(c->sess, set_thinking, (void *)(uintptr_t)*l,
                               &err) != 0)
                return xasprintf("could not save: %s", oc_err_msg(&err));
            return !strcmp(*l, "off")
                       ? xstrdup("Thinking disabled.")
                       : xasprintf("Thinking level set to %s.", *l);
        }
    return xasprintf("Unknown thinking level \"%s\". Use: off, minimal, low, "
                     "medium, high, xhigh (or default).",
                     arg);
}

static char *cmd_new(struct slash_ctx *c)
{
    struct oc_err err;

    if (session_reset(c->sess, &err) != 0)
        return xasprintf("could not start a new session: %s", oc_err_msg(&err));
    return xasprintf("New session started (%s).", c->sess->id);
}

static char *cmd_help(void)
{
    return xstrdup(
        "Commands:\n"
        "/model                 the current model, and how to change it\n"
        "/model <alias|provider/model>[@<profileId>]\n"
        "                       use that model (and auth profile) in this "
        "session\n"
        "/model default         back to the configured default\n"
        "/model status          models, endpoints and credentials\n"
        "/models [provider]     browse models (/model list is the same)\n"
        "/think <level>         off, minimal, low, medium, high, xhigh\n"
        "/new, /reset           start a new session\n"
        "/status                model, credential, tokens, session\n"
        "/usage                 tokens and cost\n"
        "/help                  this list\n"
        "/exit                  leave the chat");
}

/* ---- dispatch ----------------------------------------------------------- */

enum slash_result slash_handle(struct slash_ctx *c, const char *text,
                               char **reply)
{
    char name[32], *arg;
    size_t n;
    const char *p = text;

    *reply = NULL;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '/')
        return SLASH_NOT_COMMAND;
    n = strcspn(p + 1, " \t\r\n:");
    if (n == 0 || n >= sizeof(name))
        return SLASH_NOT_COMMAND;
    str_copyn(name, sizeof(name), p + 1, n);
    p += 1 + n;
    if (*p == ':')
        p++;
    arg = str_trim_dup(p);
    if (!strcmp(name, "model"))
        *reply = cmd_model(c, arg);
    else if (!strcmp(name, "models"))
        *reply = slash_models(c, arg);
    else if (!strcmp(name, "think") || !strcmp(name, "thinking") ||
             !strcmp(name, "t"))
        *reply = cmd_think(c, arg);
    else if (!strcmp(name, "new") || !strcmp(name, "reset"))
        *reply = cmd_new(c);
    else if (!strcmp(name, "status"))
        *reply = slash_status(c);
    else if (!strcmp(name, "usage"))
        *reply = slash_usage(c);
    else if (!strcmp(name, "help") || !strcmp(name, "commands"))
        *reply = cmd_help();
    free(arg);
    if (!strcmp(name, "exit") || !strcmp(name, "quit"))
        return SLASH_EXIT;
    return *reply ? SLASH_HANDLED : SLASH_NOT_COMMAND;
}
