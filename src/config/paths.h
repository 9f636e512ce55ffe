/*
 * Where things live, resolved as OpenClaw resolves them (reference
 * openclaw-auth.md §1.1-§1.4):
 *   home:   OPENCLAW_HOME ("~" expanded) > HOME > the passwd entry > cwd
 *   state:  OPENCLAW_STATE_DIR > ~/.openclaw if it exists > legacy
 *           ~/.clawdbot if it exists > ~/.openclaw
 *   config: OPENCLAW_CONFIG_PATH > <state>/openclaw.json if it exists >
 *           legacy <state>/clawdbot.json if it exists > <state>/openclaw.json
 *   agent:  <state>/agents/<agentId>/agent (config agents.list[].agentDir
 *           overrides; see config.h)
 * --profile <name> and --dev only fill in missing environment variables
 * (paths_apply_profile) before resolution, so children inherit them.
 */
#ifndef OC_CONFIG_PATHS_H
#define OC_CONFIG_PATHS_H

#include <stdbool.h>

#include "base/err.h"

#define OC_DEFAULT_AGENT_ID     "main"
#define OC_DEFAULT_GATEWAY_PORT 18789
#define OC_DEV_GATEWAY_PORT     19001

struct oc_paths {
    char *home;           /* effective home directory */
    bool home_overridden; /* home came from OPENCLAW_HOME */
    char *state_dir;
    char *config_path;
    char *profile; /* OPENCLAW_PROFILE, or NULL */
};

/*
 * Fill env defaults for a named profile (OPENCLAW_PROFILE,
 * OPENCLAW_STATE_DIR=~/.openclaw-<name> ("default" has no suffix),
 * OPENCLAW_CONFIG_PATH) and, for dev, OPENCLAW_GATEWAY_PORT=19001.
 * Never overrides a variable that is already set. OC_EINVAL for an
 * invalid name.
 */
int paths_apply_profile(const char *name, bool dev, struct oc_err *err);
/* ^[a-z0-9][a-z0-9_-]{0,63}$, case-insensitive. */
bool paths_valid_profile_name(const char *name);

/* Resolve from the environment; 0 or OC_EIO (no usable home). */
int paths_resolve(struct oc_paths *p, struct oc_err *err);
void paths_release(struct oc_paths *p);

/*
 * Display form of an absolute path: the home prefix becomes "~" (or the
 * literal "$OPENCLAW_HOME" when that is set), as OpenClaw prints paths.
 * Caller frees.
 */
char *paths_shorten(const struct oc_paths *p, const char *abs);

/* <state>/<name>; caller frees. */
char *paths_state_file(const struct oc_paths *p, const char *name);

/* The default per-agent directory <state>/agents/<id>/agent. */
char *paths_default_agent_dir(const struct oc_paths *p, const char *agent_id);
/* An agent's sessions <state>/agents/<id>/sessions. Caller frees. */
char *paths_sessions_dir(const struct oc_paths *p, const char *agent_id);

/*
 * OpenClaw's agent id normalisation: valid ids (^[a-z0-9][a-z0-9_-]{0,63}$,
 * any case) are lower-cased; others have runs of [^a-z0-9_-] replaced by
 * '-', leading/trailing '-' trimmed, and are cut to 64; empty -> "main".
 * Caller frees.
 */
char *paths_normalize_agent_id(const char *raw);

#endif
