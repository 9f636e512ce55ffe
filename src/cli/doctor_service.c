/*
 * doctor's audit of an installed gateway service (systemd user unit or
 * launchd agent): secrets baked into its environment (moved to
 * <state>/.env by --fix, which the gateway reads itself) and a program
 * path that no longer exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/xalloc.h"
#include "cli/doctor.h"
#include "config/dotenv.h"
#include "config/env.h"
#include "gateway/svcfile.h"
#include "base/banned.h"

struct svc {
    char *path;
    bool plist;
    struct svc_file f;
    struct buf text;
};

static const char *real_home(struct doctor *d)
{
    const char *h = getenv("HOME");

    return h && *h == '/' ? h : cli_paths(d->ctx)->home;
}

/* Where the service definition for this profile would be. */
static char *service_path(struct doctor *d, bool plist)
{
    const char *profile = cli_paths(d->ctx)->profile;
    const char *xdg = getenv("XDG_CONFIG_HOME");
    bool named = profile && *profile && strcmp(profile, "default") != 0;

    if (plist)
        return xasprintf("%s/Library/LaunchAgents/ai.openclaw.%s.plist",
                         real_home(d), named ? profile : "gateway");
    return xasprintf("%s%s/systemd/user/openclaw-gateway%s%s.service",
                     xdg && *xdg == '/' ? xdg : real_home(d),
                     xdg && *xdg == '/' ? "" : "/.config", named ? "-" : "",
                     named ? profile : "");
}

static bool is_secret_key(const char *k)
{
    return env_is_credential_key(k) || !strcmp(k, "OPENCLAW_GATEWAY_TOKEN") ||
           !strcmp(k, "OPENCLAW_GATEWAY_PASSWORD");
}

/* A .env line for key=value that dotenv reads back as value; NULL when
 * the value cannot be written safely. */
static char *dotenv_line(const char *key, const char *value)
{
    if (strchr(value, '\n'))
        return NULL;
    if (!strchr(value, '\''))
        return xasprintf("%s='%s'\n", key, value);
    if (!strchr(value, '"') && !strchr(value, '\\'))
        return xasprintf("%s=\"%s\"\n", key, value);
    return NULL;
}

/* The value the service really gets for key: its last assignment (as
 * systemd and launchd apply them); *conflict when earlier ones differ. */
static const char *effective_value(const struct svc *s, const char *key,
                                   bool *conflict)
{
    const char *v = NULL;
    size_t i;

    *conflict = false;
    for (i = 0; i < s->f.nenv; i++) {
        if (strcmp(s->f.env[i].key, key) != 0)
            continue;
        if (v && strcmp(v, s->f.env[i].value) != 0)
            *conflict = true;
        v = s->f.env[i].value;
    }
    return v;
}

/* Decide for one secret key: append it to text (the .env) and/or mark it
 * safe to remove from the unit. */
static void move_key(struct doctor *d, const struct svc *s, const char *key,
                     const struct dotenv *de, struct buf *text,
                     struct strlist *moved)
{
    const struct dotenv_entry *have = dotenv_get(de, key);
    bool conflict;
    const char *v = effective_value(s, key, &conflict);
    char *line;

    if (!v || !*v || conflict) {
        if (conflict)
            doctor_add(d, SEV_WARN, "Service", NULL,
                       "%s is set more than once, to different values; "
                       "left in place: remove the stale ones yourself",
                       key);
        return;
    }
    if (have) {
        if (!strcmp(have->value, v))
            strlist_push(moved, key);
        else
            doctor_add(d, SEV_WARN, "Service", NULL,
                       "%s differs from the one in ~/.openclaw/.env; left "
                       "in place: keep the one that works",
                       key);
        return;
    }
    line = dotenv_line(key, v);
    if (line) {
        buf_addstr(text, line);
        strlist_push(moved, key);
        secret_wipe(line, strlen(line));
        free(line);
    }
}

/* Add the baked secrets to <state>/.env (those it lacks); fills moved
 * with every key now safe to remove from the unit. */
static int move_to_dotenv(struct doctor *d, struct svc *s,
                          struct strlist *moved)
{
    char *path = path_join(cli_paths(d->ctx)->state_dir, ".env");
    struct strlist seen = STRLIST_INIT;
    struct buf text;
    struct dotenv de;
    size_t i, len0;
    int rc = 0;

    buf_init(&text, (size_t)4 << 20);
    dotenv_init(&de);
    if (fsx_read_file(path, (size_t)4 << 20, &text, NULL) == 0)
        dotenv_parse(text.p, text.len, &de);
    len0 = text.len;
    if (text.len && text.p[text.len - 1] != '\n')
        buf_addch(&text, '\n');
    for (i = 0; i < s->f.nenv; i++) {
        const char *k = s->f.env[i].key;
        if (!is_secret_key(k) || strlist_has(&seen, k))
            continue;
        strlist_push(&seen, k);
        move_key(d, s, k, &de, &text, moved);
    }
    if (text.len > len0 + 1 && fsx_write_atomic(path, text.p, text.len, NULL))
        rc = -1;
    strlist_release(&seen);
    dotenv_release(&de);
    buf_wipe_release(&text);
    free(path);
    return rc;
}

static void restart_hint(struct doctor *d, const struct svc *s)
{
    char *base = xstrdup(strrchr(s->path, '/') + 1);

    if (s->plist)
        doctor_add(d, SEV_INFO, "Service", NULL,
                   "Reload the agent to apply: launchctl bootout gui/$UID "
                   "%s; launchctl bootstrap gui/$UID %s",
                   s->path, s->path);
    else
        doctor_add(d, SEV_INFO, "Service", NULL,
                   "Apply it: systemctl --user daemon-reload && systemctl "
                   "--user restart %s",
                   base);
    free(base);
}

/* Secret keys with a value in the definition (each once). */
static size_t secret_keys(const struct svc *s)
{
    struct strlist seen = STRLIST_INIT;
    size_t i, n;

    for (i = 0; i < s->f.nenv; i++)
        if (is_secret_key(s->f.env[i].key) && *s->f.env[i].value &&
            !strlist_has(&seen, s->f.env[i].key))
            strlist_push(&seen, s->f.env[i].key);
    n = seen.n;
    strlist_release(&seen);
    return n;
}

/* fi: the index of the finding (doctor_add may move the array). */
static void fix_secrets(struct doctor *d, struct svc *s, size_t fi)
{
    struct strlist moved = STRLIST_INIT;
    char *text, *bak;

    if (!doctor_may_fix(d, "Move these secrets into ~/.openclaw/.env and "
                           "remove them from the service definition?"))
        return;
    if (move_to_dotenv(d, s, &moved) == 0 && moved.n) {
        text = s->plist ? svc_strip_plist(s->text.p, s->text.len, &moved)
                        : svc_strip_systemd(s->text.p, s->text.len, &moved);
        bak = xasprintf("%s.bak", s->path);
        /* the old definition is kept (0600: it holds the secrets) */
        if (fsx_write_atomic(bak, s->text.p, s->text.len, NULL) == 0 &&
            fsx_write_atomic(s->path, text, strlen(text), NULL) == 0) {
            d->v[fi].fixed = moved.n == secret_keys(s);
            restart_hint(d, s);
        }
        free(bak);
        secret_wipe(text, strlen(text));
        free(text);
    }
    strlist_release(&moved);
}

static void check_secrets(struct doctor *d, struct svc *s, const char *shown)
{
    struct strlist keys = STRLIST_INIT;
    char *list;
    size_t i;

    for (i = 0; i < s->f.nenv; i++)
        if (is_secret_key(s->f.env[i].key) && *s->f.env[i].value)
            strlist_pushf(&keys, "%s (line %d)", s->f.env[i].key,
                          s->f.env[i].line);
    if (keys.n) {
        list = strlist_join(&keys, ", ");
        doctor_add(d, SEV_PROBLEM, "Service", "openclaw doctor --fix",
                   "%s has secrets written into it: %s. Unit files are "
                   "readable by tools like `systemctl show` and go stale "
                   "when you rotate a key; the gateway reads "
                   "~/.openclaw/.env itself",
                   shown, list);
        fix_secrets(d, s, d->n - 1);
        free(list);
    }
    strlist_release(&keys);
}

static void check_exec(struct doctor *d, struct svc *s, const char *shown)
{
    if (!s->f.exec) {
        doctor_add(d, SEV_PROBLEM, "Service",
                   "openclaw gateway install --force",
                   "%s does not say which program to run", shown);
    } else if (s->f.exec[0] == '/' && access(s->f.exec, X_OK) != 0) {
        doctor_add(d, SEV_PROBLEM, "Service",
                   "openclaw gateway install --force",
                   "%s runs %s (line %d), which does not exist or is not "
                   "executable; the service cannot start",
                   shown, s->f.exec, s->f.exec_line);
    } else {
        doctor_add(d, SEV_OK, "Service", NULL, "%s runs %s", shown, s->f.exec);
    }
}

static void audit(struct doctor *d, char *path, bool plist)
{
    struct svc s = {.path = path, .plist = plist};
    char *shown;

    buf_init(&s.text, SVCFILE_MAX);
    if (fsx_read_file(path, SVCFILE_MAX, &s.text, NULL) != 0) {
        buf_release(&s.text);
        return;
    }
    d->service_installed = true;
    svc_file_init(&s.f);
    if (plist)
        svc_parse_plist(s.text.p, s.text.len, &s.f);
    else
        svc_parse_systemd(s.text.p, s.text.len, &s.f);
    shown = doctor_path(d, path);
    check_exec(d, &s, shown);
    check_secrets(d, &s, shown);
    free(shown);
    svc_file_release(&s.f);
    buf_wipe_release(&s.text);
}

void doctor_check_service(struct doctor *d)
{
    char *unit = service_path(d, false), *plist = service_path(d, true);

    audit(d, unit, false);
    audit(d, plist, true);
    if (!d->service_installed)
        doctor_add(d, SEV_INFO, "Service", NULL,
                   "No gateway service is installed (checked %s)",
                   strrchr(unit, '/') + 1);
    free(unit);
    free(plist);
}
