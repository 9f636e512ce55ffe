/*
 * openclaw.json: loading (JSON5 -> $include -> env block -> ${VAR} ->
 * validation), the problems found on the way, and writing it back.
 *
 * A missing file is a valid, empty config. Loading never stops at the
 * first problem: syntax errors (with file, line and column), include
 * errors and every schema problem are collected so `config validate` and
 * doctor can show them all.
 */
#ifndef OC_CONFIG_CONFIG_H
#define OC_CONFIG_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"
#include "base/strlist.h"
#include "config/paths.h"
#include "config/problems.h"

/* Largest config file we read. */
#define CONFIG_MAX_FILE ((size_t)8 << 20)

struct config {
    char *path; /* absolute path of the main file */
    bool exists;
    bool had_comments; /* the main file's text had comments */
    json_t *raw;       /* the main file as parsed (no includes, no ${VAR}),
                          NULL when missing or unparsable */
    json_t *root;      /* resolved view; an empty object when unusable */
    json_t *expanded;  /* resolved view before ${VAR} substitution: what
                          may be shown (it holds no substituted secret) */
    struct config_problems problems; /* errors: the config is invalid */
    struct strlist unknown;  /* key paths not used by this implementation */
    struct strlist warnings; /* missing env vars and advisory notes */
};

/* Apply the config env block to the process environment while loading. */
#define CONFIG_APPLY_ENV 1u

void config_init(struct config *cfg);
void config_release(struct config *cfg);

/*
 * Load the file at path. Returns 0 when it is valid; OC_EPARSE (syntax or
 * $include problems) or OC_EINVAL (schema problems) with cfg->problems
 * filled; OC_EIO/OC_ETOOBIG when it cannot be read (err filled, and one
 * problem recorded). cfg is usable for reporting in every case.
 */
int config_load(struct config *cfg, const char *path, unsigned flags,
                struct oc_err *err);

/*
 * Rebuild cfg->root, problems, unknown keys and warnings from cfg->raw
 * (after the caller edited it). Same return codes as config_load.
 */
int config_resolve(struct config *cfg, unsigned flags);

bool config_is_valid(const struct config *cfg);

/* What a write did, for the message the command prints. */
struct config_write_result {
    bool written;          /* the file was replaced */
    char *backup;          /* path of the backup of the old file, or NULL */
    bool dropped_comments; /* the old text had comments that are gone */
};

#define CONFIG_BACKUP_COUNT 5

/*
 * Write cfg->raw back to cfg->path as 2-space JSON plus a newline (what
 * OpenClaw writes), stamping meta.lastTouchedAt/lastTouchedVersion. The
 * old file is kept as <path>.bak (older ones rotate to .bak.1 ... .bak.4).
 * The replacement is atomic, mode 0600, directories 0700.
 */
int config_write(struct config *cfg, struct config_write_result *res,
                 struct oc_err *err);
void config_write_result_release(struct config_write_result *res);

/* The value OpenClaw prints in place of a secret. */
#define CONFIG_REDACTED "__OPENCLAW_REDACTED__"

/* A deep copy of v with secret-looking string values replaced by
 * CONFIG_REDACTED (gateway tokens, passwords, API keys, credential
 * variables in env, Authorization headers). */
json_t *config_redacted(json_t *v);

/* Configured agent ids (normalised, agents.list then agents.entries);
 * just "main" when none are configured. */
void config_agent_ids(const json_t *root, struct strlist *out);

/* The default agent: first agents.list entry with default: true, else
 * the first entry, else "main" (normalised; caller frees). */
char *config_default_agent_id(const json_t *root);
/* Is raw_id (normalised) one of the configured agents (config_agent_ids)? */
bool config_has_agent(const json_t *root, const char *raw_id);
/* The agent's directory (agents.list[].agentDir, "~" expanded, or
 * <state>/agents/<id>/agent). Caller frees. */
char *config_agent_dir(const json_t *root, const struct oc_paths *p,
                       const char *agent_id);

#endif
