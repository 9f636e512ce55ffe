/*
 * Signal- and exit-time deletion of temp and lock files (git's tempfile.c
 * idea). The table is fixed-size and edited with signals blocked, so the
 * handler only reads consistent entries and calls async-signal-safe
 * functions (lstat, unlink, getpid, sigaction, raise).
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/banned.h"

#define CLEANUP_SLOTS 32

struct entry {
    volatile sig_atomic_t used;
    pid_t owner;
    struct stat st;
    char expect[CLEANUP_EXPECT_MAX]; /* "" = no content check */
    char path[PATH_MAX];
};

static struct entry table[CLEANUP_SLOTS];
static volatile pid_t groups[8];
static volatile pid_t group_owner[8];
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction previous[sizeof(caught) / sizeof(caught[0])];
static bool installed;

static void block_signals(sigset_t *old)
{
    sigset_t set;
    size_t i;

    sigemptyset(&set);
    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
        sigaddset(&set, caught[i]);
    sigprocmask(SIG_BLOCK, &set, old);
}

static bool content_is(const char *path, const char *expect)
{
    char got[CLEANUP_EXPECT_MAX + 1];
    size_t want = strlen(expect);
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return false;
    n = read(fd, got, sizeof(got));
    close(fd);
    return n == (ssize_t)want && memcmp(got, expect, want) == 0;
}

bool cleanup_same_file(const char *path, const struct stat *st,
                       const char *expect)
{
    struct stat now;

    if (lstat(path, &now) != 0 || now.st_dev != st->st_dev ||
        now.st_ino != st->st_ino)
        return false;
    return !expect || !*expect || content_is(path, expect);
}

int cleanup_add(const char *path, const char *expect)
{
    struct stat st;
    sigset_t old;
    int i, slot = -1;

    if (strlen(path) >= PATH_MAX || lstat(path, &st) != 0 ||
        (expect && strlen(expect) >= CLEANUP_EXPECT_MAX))
        return -1;
    block_signals(&old);
    for (i = 0; i < CLEANUP_SLOTS && slot < 0; i++) {
        if (table[i].used)
            continue;
        memcpy(table[i].path, path, strlen(path) + 1);
        table[i].owner = getpid();
        table[i].st = st;
        memcpy(table[i].expect, expect ? expect : "",
               strlen(expect ? expect : "") + 1);
        table[i].used = 1;
        slot = i;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return slot;
}

void cleanup_remove(int slot)
{
    sigset_t old;

    if (slot < 0 || slot >= CLEANUP_SLOTS)
        return;
    block_signals(&old);
    table[slot].used = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int cleanup_add_group(pid_t pgid)
{
    sigset_t old;
    int i, slot = -1;

    block_signals(&old);
    for (i = 0; i < 8 && slot < 0; i++) {
        if (groups[i])
            continue;
        groups[i] = pgid;
        group_owner[i] = getpid();
        slot = i;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return slot;
}

void cleanup_remove_group(int slot)
{
    sigset_t old;

    if (slot < 0 || slot >= 8)
        return;
    block_signals(&old);
    groups[slot] = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Async-signal-safe: called from the handler. */
static void run_entries(void)
{
    pid_t me = getpid();
    int i;

    for (i = 0; i < 8; i++) {
        if (groups[i] && group_owner[i] == me)
            kill(-groups[i], SIGKILL);
        groups[i] = 0;
    }
    for (i = 0; i < CLEANUP_SLOTS; i++) {
        if (!table[i].used || table[i].owner != me)
            continue;
        if (cleanup_same_file(table[i].path, &table[i].st, table[i].expect))
            unlink(table[i].path);
        table[i].used = 0;
    }
}

void cleanup_run(void)
{
    sigset_t old;

    block_signals(&old);
    run_entries();
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void on_signal(int sig)
{
    size_t i;

    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
        if (caught[i] != sig)
            continue;
        sigaction(sig, &previous[i], NULL);
        if (previous[i].sa_handler != SIG_DFL &&
            !(previous[i].sa_flags & SA_SIGINFO)) {
            previous[i].sa_handler(sig);
            return;
        }
    }
    run_entries();
    raise(sig);
}

static void on_exit_cleanup(void)
{
    cleanup_run();
}

void cleanup_install(void)
{
    struct sigaction sa;
    size_t i;

    if (installed)
        return;
    installed = true;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
        /* A signal the user chose to ignore (nohup) stays ignored. */
        if (sigaction(caught[i], NULL, &previous[i]) == 0 &&
            previous[i].sa_handler == SIG_IGN)
            continue;
        sigaction(caught[i], &sa, NULL);
    }
    atexit(on_exit_cleanup);
}
