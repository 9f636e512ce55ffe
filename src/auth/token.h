/*
 * What a pasted secret must look like before anything is written
 * (reference openclaw-auth.md §6.2-§6.3), durations for --expires-in, and
 * profile id rules.
 *
 * Anthropic setup-tokens start "sk-ant-oat01-" and are at least 80
 * characters once every whitespace character (line wraps from the
 * terminal included) is removed. The messages also catch the common
 * mistakes: an API key pasted as a token (and the reverse), and an OAuth
 * "code#state" copied from a login page.
 */
#ifndef OC_AUTH_TOKEN_H
#define OC_AUTH_TOKEN_H

#include <stdint.h>

#define ANTHROPIC_SETUP_TOKEN_PREFIX "sk-ant-oat01-"
#define ANTHROPIC_SETUP_TOKEN_MIN    80

/*
 * The value to store: for anthropic every whitespace character removed,
 * otherwise trimmed; then cleaned as OpenClaw cleans secrets. Caller
 * frees (and should wipe).
 */
char *token_clean(const char *provider, const char *raw);

/* NULL when token is acceptable for provider, else a message saying
 * what is wrong and what to do (a static string or buf). */
const char *token_check(const char *provider, const char *token, char *buf,
                        size_t bufsz);
/* The same for an API key (a static string, or NULL). */
const char *apikey_check(const char *provider, const char *key);

/*
 * "365d", "12h", "30m", "45s", "1500ms", "1h30m", or a bare number of
 * days. 0 and *ms set, or OC_EINVAL.
 */
int duration_parse_ms(const char *s, int64_t *ms);

/*
 * A profile id for provider: id if given (it must be "<provider>:<name>"
 * with a non-empty name and no whitespace), else "<provider>:<dflt>".
 * Returns a new string, or NULL with *why set.
 */
char *profile_id_make(const char *provider, const char *id, const char *dflt,
                      const char **why);

#endif
