/*
 * Sessions as OpenClaw keeps them (reference openclaw-gateway-config.md
 * §5.4, §6): <agentDir>/../sessions/sessions.json maps a session key
 * ("agent:main:main") to an entry {sessionId, updatedAt, sessionFile,
 * providerOverride, modelOverride, modelOverrideSource, authProfileOverride,
 * authProfileOverrideSource, thinkingLevel, token counters, ...}; every
 * change is a locked read-modify-write of that file (fields we do not know
 * are kept). The conversation itself is <sessionId>.jsonl, append-only: a
 * {"type":"session","version":3,...} header, then one entry per line
 * ({"type":"message","id","parentId","timestamp","message":{...}}, and
 * "model_change" entries), each written with one write(2).
 */
#ifndef OC_AGENT_SESSIONS_H
#define OC_AGENT_SESSIONS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

#define SESSIONS_FILE "sessions.json"

struct session {
    char *dir;        /* the agent's sessions dir */
    char *key;        /* session key */
    char *id;         /* sessionId */
    char *file;       /* transcript path */
    json_t *entry;    /* the entry as of the last open/update (a copy) */
    char last_id[16]; /* id of the transcript's last entry, "" if none */
};

/* "agent:<agentId>:<key>" for a bare key; a full key is kept. Caller
 * frees. */
char *session_key(const char *agent_id, const char *key);

/*
 * Open (creating if needed) the session key in dir (created 0700). With
 * want_id the session switches to that id. The transcript gets its header
 * when it is new. 0, or a negative error with err filled.
 */
int session_open(const char *dir, const char *key, const char *want_id,
                 const char *cwd, struct session *s, struct oc_err *err);
void session_release(struct session *s);

/*
 * Locked read-modify-write of the session's entry: fn edits it (return
 * false to write nothing). s->entry is refreshed. 0 or a negative error.
 */
int session_update(struct session *s, bool (*fn)(json_t *entry, void *arg),
                   void *arg, struct oc_err *err);

/*
 * A new session id for the key (/new, /reset): the old transcript is
 * kept, renamed <id>.jsonl.reset.<timestamp>; user model and profile
 * selections are kept, automatic ones dropped.
 */
int session_reset(struct session *s, struct oc_err *err);

/* Append a {"type":type, ...fields} entry; message entries get
 * {"message": msg}. 0 or a negative error. */
int session_append_message(struct session *s, json_t *msg, struct oc_err *err);
int session_append_event(struct session *s, const char *type, json_t *fields,
                         struct oc_err *err);

/* The conversation so far (messages of "message" entries, in order; at
 * most the last max, 0 for all). New reference. */
json_t *session_history(const struct session *s, size_t max);

/* Keys of sessions.json in dir, with their entries (a new object). */
json_t *session_list(const char *dir, struct oc_err *err);

#endif
