/*
 * Refreshing an Anthropic OAuth access token (reference openclaw-auth.md
 * §7.1, §7.4): POST {grant_type:"refresh_token", client_id, refresh_token}
 * (no scope) to the token endpoint; the answer {access_token,
 * refresh_token, expires_in} is stored as expires = now + expires_in s -
 * 5 min, under the store lock. The endpoint can be pointed elsewhere with
 * OPENCLAW_TEST_OAUTH_TOKEN_URL (tests only; read from the process env).
 */
#ifndef OC_AGENT_OAUTH_H
#define OC_AGENT_OAUTH_H

#include <stdint.h>

#include "provider/http.h"

#define ANTHROPIC_OAUTH_TOKEN_URL "https://platform.claude.com/v1/oauth/token"
#define ANTHROPIC_OAUTH_CLIENT_ID "9d1c250a-e61b-44d9-88ed-5944d1962f5e"

struct oauth_tokens {
    char access[4096];
    char refresh[4096];
    int64_t expires; /* epoch ms, skew already taken off */
    char error[512]; /* when it failed */
};

/* ok: 1 with t filled, 0 with t->error. t is wiped after the call. */
typedef void (*oauth_done_fn)(void *arg, int ok, struct oauth_tokens *t);

/* Start a refresh; 0, or a negative error (done is then not called). */
int oauth_refresh_start(struct http_client *hc, const char *provider,
                        const char *refresh_token, oauth_done_fn done,
                        void *arg, struct oc_err *err);

#endif
