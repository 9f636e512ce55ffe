/*
 * Intrusive doubly-linked lists: any struct with `prev` and `next`
 * pointers to its own type, and a head pointer (the connections of a
 * server, the transfers of the HTTP client, the gateway's requests, runs
 * and waiters).
 */
#ifndef OC_BASE_DLIST_H
#define OC_BASE_DLIST_H

#include <stddef.h>

/* Put node first in the list head. */
#define DLIST_PUSH(head, node)                                                 \
    do {                                                                       \
        (node)->prev = NULL;                                                   \
        (node)->next = (head);                                                 \
        if (head)                                                              \
            (head)->prev = (node);                                             \
        (head) = (node);                                                       \
    } while (0)

/* Take node out of the list head. */
#define DLIST_UNLINK(head, node)                                               \
    do {                                                                       \
        if ((node)->prev)                                                      \
            (node)->prev->next = (node)->next;                                 \
        else                                                                   \
            (head) = (node)->next;                                             \
        if ((node)->next)                                                      \
            (node)->next->prev = (node)->prev;                                 \
        (node)->prev = (node)->next = NULL;                                    \
    } while (0)

#endif
