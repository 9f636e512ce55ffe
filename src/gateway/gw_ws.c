/*
 * The WebSocket protocol on the gateway port (being written).
 */
#include "gateway/gw_internal.h"
#include "base/banned.h"

void gw_ws_upgrade(struct gw *g, struct hs_req *r)
{
    (void)g;
    hs_respond(r, 501, "text/plain; charset=utf-8", NULL, "Not Implemented",
               15);
}

void gw_ws_shutdown(struct gw *g)
{
    (void)g;
}

size_t gw_ws_count(const struct gw *g)
{
    (void)g;
    return 0;
}
