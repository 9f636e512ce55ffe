/*
 * Who listens on a TCP port: the socket's inode from /proc/net/tcp and
 * tcp6 (state 0A, LISTEN), then the process holding that inode among
 * /proc/<pid>/fd (only our own processes are readable, which is what
 * --force may stop anyway). Linux only; elsewhere the owner is unknown.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "gateway/gw_internal.h"
#include "base/banned.h"

/* Split a /proc/net/tcp line: field 1 is "ADDR:PORT" (hex), field 3 the
 * state (hex), field 9 the inode. */
static bool parse_line(char *line, unsigned long *port, unsigned long *state,
                       unsigned long *inode)
{
    char *f[10], *save = NULL, *tok, *colon;
    int n = 0;

    for (tok = strtok_r(line, " \t\n", &save); tok && n < 10;
         tok = strtok_r(NULL, " \t\n", &save))
        f[n++] = tok;
    if (n < 10)
        return false;
    colon = strrchr(f[1], ':');
    if (!colon)
        return false;
    *port = strtoul(colon + 1, NULL, 16);
    *state = strtoul(f[3], NULL, 16);
    *inode = strtoul(f[9], NULL, 10);
    return true;
}

/* The inode of the listening socket on port in one /proc/net file. */
static unsigned long listen_inode(const char *file, int port)
{
    FILE *fp = fopen(file, "re");
    char line[512];
    unsigned long inode = 0, ino, lport, state;

    if (!fp)
        return 0;
    while (!inode && fgets(line, sizeof(line), fp))
        if (parse_line(line, &lport, &state, &ino) &&
            lport == (unsigned long)port && state == 0x0A)
            inode = ino;
    fclose(fp);
    return inode;
}

static bool pid_holds(const char *pid, const char *want)
{
    char dir[64], link[320], target[64];
    struct dirent *e;
    bool found = false;
    DIR *d;
    ssize_t n;

    snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
    d = opendir(dir);
    if (!d)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        n = readlink(link, target, sizeof(target) - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        found = strcmp(target, want) == 0;
    }
    closedir(d);
    return found;
}

pid_t gw_port_owner(int port)
{
    unsigned long inode = listen_inode("/proc/net/tcp", port);
    char want[64];
    struct dirent *e;
    pid_t pid = 0;
    DIR *d;

    if (!inode)
        inode = listen_inode("/proc/net/tcp6", port);
    if (!inode)
        return 0;
    snprintf(want, sizeof(want), "socket:[%lu]", inode);
    d = opendir("/proc");
    if (!d)
        return 0;
    while (!pid && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        if (pid_holds(e->d_name, want))
            pid = (pid_t)strtol(e->d_name, NULL, 10);
    }
    closedir(d);
    return pid;
}

static bool wait_gone(pid_t pid, int64_t ms)
{
    int64_t end = clock_mono_ms() + ms;

    while (clock_mono_ms() < end) {
        if (kill(pid, 0) != 0 && errno == ESRCH)
            return true;
        clock_sleep_ms(20);
    }
    return false;
}

int gw_port_kill(pid_t pid)
{
    if (kill(pid, SIGTERM) != 0)
        return errno == ESRCH ? 0 : -1;
    if (wait_gone(pid, 5000))
        return 0;
    if (kill(pid, SIGKILL) != 0)
        return errno == ESRCH ? 0 : -1;
    return wait_gone(pid, 2000) ? 0 : -1;
}
