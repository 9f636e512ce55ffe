/*
 * sessions.json and transcripts (see sessions.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/sessions.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/secret.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define SESSIONS_MAX   ((size_t)64 << 20)
#define TRANSCRIPT_MAX ((size_t)256 << 20)

char *session_key(const char *agent_id, const char *key)
{
    if (!key || !*key)
        key = "main";
    if (str_has_prefix(key, "agent:"))
        return xstrdup(key);
    return xasprintf("agent:%s:%s", agent_id, key);
}

/* A random UUID (v4), as OpenClaw's session ids. */
static char *new_uuid(void)
{
    char hex[33];

    if (secret_random_hex(16, hex, sizeof(hex)))
        die("no randomness for a session id");
    hex[12] = '4';
    hex[16] = "89ab"[hex[16] % 4];
    return xasprintf("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
                     hex + 16, hex + 20);
}

static char *now_iso(void)
{
    char t[CLOCK_ISO_MAX];

    clock_iso8601(clock_wall_ms(), t, sizeof(t));
    return xstrdup(t);
}

/* ---- sessions.json ------------------------------------------------------- */

static json_t *read_index(const char *path, struct oc_err *err)
{
    struct buf b;
    struct json5_error je;
    json_t *doc;
    int rc;

    buf_init(&b, SESSIONS_MAX);
    rc = fsx_read_file(path, SESSIONS_MAX, &b, err);
    if (rc == OC_ENOENT) {
        buf_release(&b);
        return json_object();
    }
    doc = rc ? NULL : json5_parse(b.p, b.len, NULL, NULL, &je);
    if (!rc && !json_is_object(doc)) {
        json_decref(doc);
        doc = NULL;
        oc_err_set(err, OC_EPARSE,
                   "cannot read '%s': not a sessions file (move it aside; "
                   "sessions start afresh)",
                   path);
    }
    buf_release(&b);
    return doc;
}

static int write_index(const char *path, json_t *doc, struct oc_err *err)
{
    char *text = jsonx_dumps(doc, 2);
    char *withnl = xasprintf("%s\n", text ? text : "{}");
    int rc = fsx_write_atomic(path, withnl, strlen(withnl), err);

    free(text);
    free(withnl);
    return rc;
}

typedef bool (*entry_fn)(json_t *entry, void *arg);

/* Locked: load the index, let fn edit the key's entry (created empty),
 * write when fn says so; *copy gets the entry afterwards. */
static int with_entry(const char *dir, const char *key, entry_fn fn, void *arg,
                      json_t **copy, struct oc_err *err)
{
    char *path = path_join(dir, SESSIONS_FILE);
    struct fsx_lock lk = FSX_LOCK_INIT;
    json_t *doc = NULL, *entry;
    int rc = fsx_mkdir_p(dir, FSX_DIR_MODE, err);

    if (!rc)
        rc = fsx_lock_acquire(&lk, path, NULL, err);
    if (!rc && !(doc = read_index(path, err)))
        rc = OC_EPARSE;
    if (!rc) {
        entry = json_object_get(doc, key);
        if (!json_is_object(entry)) {
            entry = json_object();
            json_object_set_new(doc, key, entry);
        }
        if (fn(entry, arg)) {
            json_object_set_new(entry, "updatedAt",
                                json_integer(clock_wall_ms()));
            rc = write_index(path, doc, err);
        }
        if (copy)
            *copy = json_deep_copy(entry);
    }
    fsx_lock_release(&lk);
    json_decref(doc);
    free(path);
    return rc;
}

/* ---- opening
 * ------------------------------------------------------------------ */

struct open_arg {
    const char *dir, *want_id;
};

static bool ensure_id(json_t *entry, void *arg)
{
    const struct open_arg *a = arg;
    const char *id = jsonx_get_str(entry, "sessionId");
    char *fresh = NULL, *file;

    if (id && *id && (!a->want_id || !strcmp(id, a->want_id)))
        return false;
    if (!a->want_id)
        fresh = new_uuid();
    json_object_set_new(entry, "sessionId",
                        json_string(a->want_id ? a->want_id : fresh));
    file = xasprintf("%s/%s.jsonl", a->dir, a->want_id ? a->want_id : fresh);
    json_object_set_new(entry, "sessionFile", json_string(file));
    free(file);
    free(fresh);
    return true;
}

/* The id of the transcript's last entry, so new lines chain to it. */
static void read_last_id(struct session *s)
{
    struct buf b;
    const char *line, *end;
    json_t *j;

    s->last_id[0] = '\0';
    buf_init(&b, TRANSCRIPT_MAX);
    if (fsx_read_file(s->file, TRANSCRIPT_MAX, &b, NULL) == 0 && b.len) {
        end = b.p + b.len;
        while (end > b.p && (end[-1] == '\n' || end[-1] == '\r'))
            end--;
        line = end;
        while (line > b.p && line[-1] != '\n')
            line--;
        j = json_loadb(line, (size_t)(end - line), 0, NULL);
        if (jsonx_get_str(j, "id") && strlen(jsonx_get_str(j, "id")) < 16 &&
            strcmp(jsonx_get_str(j, "type") ? jsonx_get_str(j, "type") : "",
                   "session") != 0)
            str_copy(s->last_id, sizeof(s->last_id), jsonx_get_str(j, "id"));
        json_decref(j);
    }
    buf_release(&b);
}

static int append_line(const char *file, json_t *obj, struct oc_err *err)
{
    char *text = jsonx_dumps(obj, 0); /* JSON.stringify's bytes */
    char *line = xasprintf("%s\n", text ? text : "{}");
    size_t n = strlen(line);
    int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    int rc = 0;

    if (fd < 0 || write(fd, line, n) != (ssize_t)n)
        rc = oc_err_errno(err, OC_EIO, "cannot write '%s'", file);
    if (fd >= 0)
        close(fd);
    free(text);
    free(line);
    return rc;
}

static int write_header(struct session *s, const char *cwd, struct oc_err *err)
{
    char *ts = now_iso();
    json_t *h =
        json_pack("{s:s, s:i, s:s, s:s, s:s}", "type", "session", "version", 3,
                  "id", s->id, "timestamp", ts, "cwd", cwd ? cwd : "");
    int rc = append_line(s->file, h, err);

    json_decref(h);
    free(ts);
    return rc;
}

int session_open(const char *dir, const char *key, const char *want_id,
                 const char *cwd, struct session *s, struct oc_err *err)
{
    struct open_arg a = {dir, want_id};
    int rc;

    memset(s, 0, sizeof(*s));
    s->dir = xstrdup(dir);
    s->key = xstrdup(key);
    rc = with_entry(dir, key, ensure_id, &a, &s->entry, err);
    if (rc)
        return rc;
    s->id = xstrdup(jsonx_get_str(s->entry, "sessionId"));
    s->file = xasprintf("%s/%s.jsonl", dir, s->id);
    if (!fsx_exists(s->file))
        rc = write_header(s, cwd, err);
    read_last_id(s);
    return rc;
}

void session_release(struct session *s)
{
    free(s->dir);
    free(s->key);
    free(s->id);
    free(s->file);
    json_decref(s->entry);
    memset(s, 0, sizeof(*s));
}

int session_update(struct session *s, bool (*fn)(json_t *entry, void *arg),
                   void *arg, struct oc_err *err)
{
    json_t *copy = NULL;
    int rc = with_entry(s->dir, s->key, fn, arg, &copy, err);

    if (!rc) {
        json_decref(s->entry);
        s->entry = copy;
    }
    return rc;
}

/* ---- reset ------------------------------------------------------------------
 */

static bool reset_entry(json_t *entry, void *arg)
{
    struct session *s = arg;
    const char *src;
    char *id = new_uuid(), *file = xasprintf("%s/%s.jsonl", s->dir, id);

    json_object_set_new(entry, "sessionId", json_string(id));
    json_object_set_new(entry, "sessionFile", json_string(file));
    /* only the user's own selections survive a reset */
    src = jsonx_get_str(entry, "modelOverrideSource");
    if (!src || strcmp(src, "user") != 0) {
        json_object_del(entry, "providerOverride");
        json_object_del(entry, "modelOverride");
        json_object_del(entry, "modelOverrideSource");
    }
    src = jsonx_get_str(entry, "authProfileOverrideSource");
    if (!src || strcmp(src, "user") != 0) {
        json_object_del(entry, "authProfileOverride");
        json_object_del(entry, "authProfileOverrideSource");
    }
    json_object_del(entry, "authProfileOverrideCompactionCount");
    free(id);
    free(file);
    return true;
}

int session_reset(struct session *s, struct oc_err *err)
{
    char ts[CLOCK_ISO_MAX], *archived;
    int rc;

    clock_iso8601(clock_wall_ms(), ts, sizeof(ts));
    archived = xasprintf("%s.reset.%s", s->file, ts);
    if (fsx_exists(s->file) && rename(s->file, archived) != 0)
        rc = oc_err_errno(err, OC_EIO, "cannot archive '%s'", s->file);
    else
        rc = session_update(s, reset_entry, s, err);
    free(archived);
    if (rc)
        return rc;
    free(s->id);
    free(s->file);
    s->id = xstrdup(jsonx_get_str(s->entry, "sessionId"));
    s->file = xasprintf("%s/%s.jsonl", s->dir, s->id);
    s->last_id[0] = '\0';
    return write_header(s, NULL, err);
}

/* ---- appending and reading
 * ------------------------------------------------------ */

int session_append_event(struct session *s, const char *type, json_t *fields,
                         struct oc_err *err)
{
    char hex[9], *ts = now_iso();
    json_t *e;
    int rc;

    if (secret_random_hex(4, hex, sizeof(hex)))
        die("no randomness for an entry id");
    e = json_pack("{s:s, s:s, s:o, s:s}", "type", type, "id", hex, "parentId",
                  s->last_id[0] ? json_string(s->last_id) : json_null(),
                  "timestamp", ts);
    if (fields)
        json_object_update(e, fields);
    rc = append_line(s->file, e, err);
    if (!rc)
        str_copy(s->last_id, sizeof(s->last_id), hex);
    json_decref(e);
    free(ts);
    return rc;
}

int session_append_message(struct session *s, json_t *msg, struct oc_err *err)
{
    json_t *f = json_pack("{s:O}", "message", msg);
    int rc = session_append_event(s, "message", f, err);

    json_decref(f);
    return rc;
}

static void add_line(json_t *out, const char *line, size_t n)
{
    json_t *j = json_loadb(line, n, 0, NULL), *m;
    const char *type = jsonx_get_str(j, "type");

    m = json_object_get(j, "message");
    if (type && !strcmp(type, "message") && json_is_object(m))
        json_array_append(out, m);
    json_decref(j);
}

json_t *session_history(const struct session *s, size_t max)
{
    json_t *out = json_array(), *tail;
    const char *p, *nl, *end;
    struct buf b;
    size_t i, n;

    buf_init(&b, TRANSCRIPT_MAX);
    if (fsx_read_file(s->file, TRANSCRIPT_MAX, &b, NULL) == 0) {
        end = b.p + b.len;
        for (p = b.p; p < end; p = nl + 1) {
            nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl)
                nl = end;
            if (nl > p)
                add_line(out, p, (size_t)(nl - p));
        }
    }
    buf_release(&b);
    n = json_array_size(out);
    if (!max || n <= max)
        return out;
    tail = json_array();
    for (i = n - max; i < n; i++)
        json_array_append(tail, json_array_get(out, i));
    json_decref(out);
    return tail;
}

json_t *session_list(const char *dir, struct oc_err *err)
{
    char *path = path_join(dir, SESSIONS_FILE);
    json_t *doc = read_index(path, err);

    free(path);
    return doc;
}
