/*
 * Run a command N times and print its peak resident set size (the max of
 * ru_maxrss over the runs, in KiB) and the median wall time in
 * microseconds: "maxrss_kib=1234 median_us=567". stdout of the command
 * is discarded.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long run_once(char **argv, long *us)
{
    struct timespec a, b;
    struct rusage ru;
    int status;
    pid_t pid;

    clock_gettime(CLOCK_MONOTONIC, &a);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    wait4(pid, &status, 0, &ru);
    clock_gettime(CLOCK_MONOTONIC, &b);
    *us = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "maxrss: %s exited with status %d\n", argv[0],
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return ru.ru_maxrss;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long rss = 0, r, *times;
    int i, n;

    if (argc < 3) {
        fprintf(stderr, "usage: maxrss <runs> <command> [args...]\n");
        return 2;
    }
    n = (int)strtol(argv[1], NULL, 10);
    if (n < 1)
        n = 1;
    times = calloc((size_t)n, sizeof(*times));
    for (i = 0; i < n; i++) {
        r = run_once(argv + 2, &times[i]);
        if (r > rss)
            rss = r;
    }
    qsort(times, (size_t)n, sizeof(*times), cmp_long);
    printf("maxrss_kib=%ld median_us=%ld\n", rss, times[n / 2]);
    free(times);
    return 0;
}
