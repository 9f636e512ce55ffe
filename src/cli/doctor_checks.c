/*
 * doctor's checks of the state directory, the config file, permissions
 * of everything that holds a secret, leftover legacy credential files,
 * and the gateway's mode and auth (see doctor.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/store.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "cli/common.h"
#include "cli/config_edit.h"
#include "cli/doctor.h"
#include "json/jsonx.h"
#include "base/banned.h"

/* ---- state dir ------------------------------------------------------- */

static void owner_problem(struct doctor *d, const char *shown,
                          const struct stat *st)
{
    char *fix = xasprintf("sudo chown -R \"$(id -un)\" %s", shown);

    doctor_add(d, SEV_PROBLEM, "State", fix,
               "State dir %s belongs to uid %u, not to you (uid %u); files "
               "openclaw writes there may be unreadable",
               shown, (unsigned)st->st_uid, (unsigned)geteuid());
    free(fix);
}

void doctor_check_state(struct doctor *d)
{
    const struct oc_paths *p = cli_paths(d->ctx);
    char *shown = doctor_path(d, p->state_dir);
    struct stat st;

    if (stat(p->state_dir, &st) != 0)
        doctor_add(d, SEV_INFO, "State", "openclaw onboard",
                   "State dir %s does not exist yet: nothing is set up", shown);
    else if (!S_ISDIR(st.st_mode))
        doctor_add(d, SEV_PROBLEM, "State", NULL,
                   "%s is not a directory; move it aside so openclaw can "
                   "create its state dir there",
                   shown);
    else if (st.st_uid != geteuid())
        owner_problem(d, shown, &st);
    else if (access(p->state_dir, W_OK) != 0)
        doctor_add(d, SEV_PROBLEM, "State", NULL,
                   "State dir %s is not writable: %s", shown, strerror(errno));
    else
        doctor_add(d, SEV_OK, "State", NULL, "State dir %s", shown);
    free(shown);
}

/* ---- config ---------------------------------------------------------- */

static void config_problems(struct doctor *d, const char *shown)
{
    const struct config_problems *pr = &d->cfg.problems;
    char *fix =
        xasprintf("edit %s, then run `openclaw config validate`", shown);
    char *file;
    size_t i;

    for (i = 0; i < pr->n; i++) {
        const struct config_problem *q = &pr->v[i];
        file = q->file ? doctor_path(d, q->file) : xstrdup(shown);
        if (q->line)
            doctor_add(d, SEV_PROBLEM, "Config", fix, "%s:%d:%d: %s", file,
                       q->line, q->column, q->message);
        else
            doctor_add(d, SEV_PROBLEM, "Config", fix, "%s: %s",
                       q->path ? q->path : file, q->message);
        free(file);
    }
    free(fix);
}

static void config_unknown(struct doctor *d)
{
    const struct strlist *u = &d->cfg.unknown;
    struct strlist shown = STRLIST_INIT;
    char *list;
    size_t i;

    if (!u->n)
        return;
    for (i = 0; i < u->n && i < 12; i++)
        strlist_push(&shown, u->v[i]);
    if (u->n > 12)
        strlist_pushf(&shown, "... (%zu more)", u->n - 12);
    list = strlist_join(&shown, ", ");
    doctor_add(d, SEV_INFO, "Config", NULL,
               "%zu key%s not used by this implementation (kept as they are, "
               "for OpenClaw): %s",
               u->n, u->n == 1 ? " is" : "s are", list);
    free(list);
    strlist_release(&shown);
}

void doctor_check_config(struct doctor *d)
{
    char *shown = doctor_path(d, d->cfg.path);
    size_t i;

    if (!d->cfg.exists)
        doctor_add(d, SEV_INFO, "Config", "openclaw onboard",
                   "No config file at %s: defaults apply", shown);
    else if (d->cfg.problems.n)
        config_problems(d, shown);
    else
        doctor_add(d, SEV_OK, "Config", NULL, "%s is valid", shown);
    config_unknown(d);
    for (i = 0; i < d->cfg.warnings.n; i++)
        /* the Gateway section reports gateway.mode, with its fix */
        if (!str_has_prefix(d->cfg.warnings.v[i], "gateway.mode "))
            doctor_add(d, SEV_WARN, "Config", NULL, "%s", d->cfg.warnings.v[i]);
    if (d->cfg.had_comments)
        doctor_add(d, SEV_INFO, "Config", NULL,
                   "%s has comments; the next change made by openclaw (or "
                   "OpenClaw) rewrites it as plain JSON, keeping the old "
                   "text in %s.bak",
                   shown, shown);
    free(shown);
}

/* ---- permissions ----------------------------------------------------- */

/* Check one path against the most it should allow (0700 or 0600). */
static void check_mode(struct doctor *d, const char *path, mode_t want,
                       enum doctor_sev sev)
{
    struct stat st;
    char *shown, *fix, *q;
    struct finding *f;

    if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode) ||
        !(st.st_mode & 077 & ~want))
        return;
    shown = doctor_path(d, path);
    fix = xasprintf("chmod %o %s", (unsigned)want, shown);
    f = doctor_add(d, sev, "Permissions", fix,
                   "%s is %s by others (mode %o); it should be %o", shown,
                   st.st_mode & 022 ? "writable" : "readable",
                   (unsigned)(st.st_mode & 0777), (unsigned)want);
    q = xasprintf("Run `%s`?", fix);
    if (st.st_uid == geteuid() && doctor_may_fix(d, q) &&
        chmod(path, want) == 0)
        f->fixed = true;
    free(q);
    free(fix);
    free(shown);
}

/* Every regular file in dir (not recursive). */
static void check_files_in(struct doctor *d, const char *dir)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    char *path;

    if (!dh)
        return;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
            continue;
        path = path_join(dir, e->d_name);
        check_mode(d, path, 0600, SEV_PROBLEM);
        free(path);
    }
    closedir(dh);
}

static void check_agent_modes(struct doctor *d, const char *dir)
{
    static const char *const files[] = {AUTH_STORE_FILE, "auth-state.json",
                                        "auth.json", NULL};
    char *path;
    size_t i;

    check_mode(d, dir, 0700, SEV_WARN);
    for (i = 0; files[i]; i++) {
        path = path_join(dir, files[i]);
        check_mode(d, path, 0600, SEV_PROBLEM);
        free(path);
    }
}

void doctor_check_permissions(struct doctor *d)
{
    const struct oc_paths *p = cli_paths(d->ctx);
    struct strlist ids = STRLIST_INIT;
    size_t before = d->n, i;
    char *path;

    check_mode(d, p->state_dir, 0700, SEV_WARN);
    check_mode(d, d->cfg.path, 0600, SEV_PROBLEM);
    for (i = 0; i < CONFIG_BACKUP_COUNT; i++) {
        path = i ? xasprintf("%s.bak.%zu", d->cfg.path, i)
                 : xasprintf("%s.bak", d->cfg.path);
        check_mode(d, path, 0600, SEV_PROBLEM);
        free(path);
    }
    path = path_join(p->state_dir, ".env");
    check_mode(d, path, 0600, SEV_PROBLEM);
    free(path);
    path = path_join(p->state_dir, "credentials");
    check_mode(d, path, 0700, SEV_WARN);
    check_files_in(d, path);
    free(path);
    config_agent_ids(d->cfg.root, &ids);
    for (i = 0; i < ids.n; i++) {
        path = config_agent_dir(d->cfg.root, p, ids.v[i]);
        check_agent_modes(d, path);
        free(path);
    }
    strlist_release(&ids);
    if (d->n == before)
        doctor_add(d, SEV_OK, "Permissions", NULL,
                   "Config, .env and credential files are private (600, "
                   "dirs 700)");
}

/* ---- legacy files ---------------------------------------------------- */

static void legacy_leftover(struct doctor *d, const char *id, const char *dir)
{
    struct strlist missing = STRLIST_INIT, differ = STRLIST_INIT;
    char *path = path_join(dir, "auth.json"), *shown, *list, *q;
    struct finding *f;
    struct oc_err err;
    int n;

    if (auth_legacy_compare(dir, cli_paths(d->ctx), &missing, &differ) < 0)
        goto out;
    shown = doctor_path(d, path);
    if (missing.n) {
        list = strlist_join(&missing, ", ");
        f = doctor_add(d, SEV_WARN, "Legacy files", "openclaw doctor --fix",
                       "%s (agent %s) has credentials the store lacks: %s",
                       shown, id, list);
        q = xasprintf("Import %s into the agent's store?", list);
        if (doctor_may_fix(d, q) &&
            auth_store_import_legacy(dir, cli_paths(d->ctx), &n, &err) == 0)
            f->fixed = true;
        free(q);
        free(list);
    }
    if (differ.n) {
        list = strlist_join(&differ, ", ");
        doctor_add(d, SEV_WARN, "Legacy files", NULL,
                   "%s (agent %s) holds other credentials than the store's "
                   "%s; keep the one that works (the store's is in use) and "
                   "delete the file",
                   shown, id, list);
        free(list);
    } else if (!missing.n) {
        doctor_add(d, SEV_INFO, "Legacy files", NULL,
                   "%s (agent %s) is a leftover copy of what the store holds; "
                   "you can delete it",
                   shown, id);
    }
    free(shown);
out:
    strlist_release(&missing);
    strlist_release(&differ);
    free(path);
}

static int import_noop(struct auth_store *s, void *arg, struct oc_err *err)
{
    (void)s;
    (void)arg;
    (void)err;
    return 0;
}

/* An agent with legacy files and no store yet: the first command that
 * reads the store imports them; --fix does it now. */
static void legacy_pending(struct doctor *d, const char *id, const char *dir)
{
    struct auth_store s;
    struct finding *f;
    struct oc_err err;
    char *q;

    auth_store_init(&s);
    if (auth_store_peek(&s, dir, cli_paths(d->ctx), NULL) == 0 &&
        s.legacy_pending) {
        f = doctor_add(d, SEV_WARN, "Legacy files", "openclaw doctor --fix",
                       "agent %s: legacy credentials (auth.json / "
                       "credentials/oauth.json) are not imported into "
                       "auth-profiles.json yet (%zu profile%s)",
                       id, s.ncreds, s.ncreds == 1 ? "" : "s");
        q = xasprintf("Import them for agent %s now?", id);
        if (doctor_may_fix(d, q) &&
            auth_store_update(dir, cli_paths(d->ctx), import_noop, NULL,
                              &err) >= 0)
            f->fixed = true;
        free(q);
    }
    auth_store_release(&s);
}

void doctor_check_legacy(struct doctor *d)
{
    struct strlist ids = STRLIST_INIT;
    char *dir, *store, *legacy;
    size_t i;

    config_agent_ids(d->cfg.root, &ids);
    for (i = 0; i < ids.n; i++) {
        dir = config_agent_dir(d->cfg.root, cli_paths(d->ctx), ids.v[i]);
        store = path_join(dir, AUTH_STORE_FILE);
        legacy = path_join(dir, "auth.json");
        if (access(store, F_OK) != 0)
            legacy_pending(d, ids.v[i], dir);
        else if (access(legacy, F_OK) == 0)
            legacy_leftover(d, ids.v[i], dir);
        free(legacy);
        free(store);
        free(dir);
    }
    strlist_release(&ids);
}

/* ---- gateway --------------------------------------------------------- */

static json_t *gw(struct doctor *d, const char *key)
{
    return json_object_get(jsonx_get_obj(d->cfg.root, "gateway"), key);
}

static int set_mode_local(struct config *cfg, void *arg)
{
    json_t *g = jsonx_get_obj(cfg->raw, "gateway");

    (void)arg;
    if (jsonx_get_str(g, "mode"))
        return CLI_EDIT_UNCHANGED;
    if (!g) {
        g = json_object();
        json_object_set_new(cfg->raw, "gateway", g);
    }
    json_object_set_new(g, "mode", json_string("local"));
    return 0;
}

static void gateway_mode(struct doctor *d)
{
    const char *mode = json_string_value(gw(d, "mode"));
    struct config_write_result res;
    struct finding *f;

    if (mode && !strcmp(mode, "local"))
        return;
    if (mode) {
        doctor_add(d, SEV_INFO, "Gateway", NULL,
                   "gateway.mode is \"%s\": this host does not run the "
                   "gateway",
                   mode);
        return;
    }
    f = doctor_add(d, SEV_WARN, "Gateway",
                   "openclaw config set gateway.mode local",
                   "gateway.mode is unset; gateway start will be blocked");
    if (doctor_may_fix(d, "Set gateway.mode to local?") &&
        cli_config_edit(d->ctx, set_mode_local, NULL, false, &res) == CLI_OK) {
        config_write_result_release(&res);
        f->fixed = true;
    }
}

static bool has_secret(json_t *v, const char *env)
{
    const char *s = json_string_value(v);

    if (json_is_object(v))
        return true; /* a SecretRef; resolved when the gateway starts */
    if (s && *s && !strstr(s, "${"))
        return true;
    s = getenv(env);
    return s && *s;
}

static int set_token(struct config *cfg, void *arg)
{
    json_t *g = jsonx_get_obj(cfg->raw, "gateway"), *a;

    if (!g) {
        g = json_object();
        json_object_set_new(cfg->raw, "gateway", g);
    }
    a = jsonx_get_obj(g, "auth");
    if (!a) {
        a = json_object();
        json_object_set_new(g, "auth", a);
    }
    if (json_object_get(a, "token"))
        return CLI_EDIT_UNCHANGED;
    json_object_set_new(a, "mode", json_string("token"));
    json_object_set_new(a, "token", json_string(arg));
    return 0;
}

static void generate_token(struct doctor *d, struct finding *f)
{
    struct config_write_result res;
    char tok[64];

    if (!cli_flag(d->ctx, "generate-gateway-token") &&
        !doctor_may_fix(d, "Generate a gateway token now?"))
        return;
    if (secret_random_hex(24, tok, sizeof(tok)) == 0 &&
        cli_config_edit(d->ctx, set_token, tok, false, &res) == CLI_OK) {
        config_write_result_release(&res);
        f->fixed = true;
    }
    secret_wipe(tok, sizeof(tok));
}

static void gateway_auth(struct doctor *d)
{
    json_t *auth = gw(d, "auth");
    const char *mode = jsonx_get_str(auth, "mode");
    const char *bind = json_string_value(gw(d, "bind"));
    bool token =
        has_secret(json_object_get(auth, "token"), "OPENCLAW_GATEWAY_TOKEN");
    bool password = has_secret(json_object_get(auth, "password"),
                               "OPENCLAW_GATEWAY_PASSWORD");
    bool loopback = !bind || !strcmp(bind, "loopback");
    struct finding *f;

    if ((mode && !strcmp(mode, "none")) || (!token && !password)) {
        f = doctor_add(d, loopback ? SEV_WARN : SEV_PROBLEM, "Gateway",
                       "openclaw doctor --fix --generate-gateway-token",
                       "Gateway auth is off or missing a token%s",
                       loopback ? ""
                                : "; with gateway.bind not loopback the "
                                  "gateway refuses to start");
        if (!(mode && !strcmp(mode, "none")))
            generate_token(d, f);
        return;
    }
    doctor_add(d, SEV_OK, "Gateway", NULL, "Gateway auth: %s (bind %s)",
               token ? "token" : "password", bind ? bind : "loopback");
}

void doctor_check_gateway(struct doctor *d)
{
    gateway_mode(d);
    gateway_auth(d);
}
