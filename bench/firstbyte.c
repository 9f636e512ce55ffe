/*
 * Time to the first byte a command writes to stdout, and to its exit:
 * run it N times and print the medians, "first_us=... total_us=...".
 * With a stand-in upstream that waits a known time before its first text
 * event, first_us minus that wait is what the command adds: start-up,
 * connecting, sending the request and passing the first delta through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static void run_once(char **argv, long *first, long *total)
{
    long t0 = now_us();
    int fd[2], status;
    char buf[4096];
    ssize_t n;
    pid_t pid;

    if (pipe(fd) != 0)
        exit(1);
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    *first = -1;
    while ((n = read(fd[0], buf, sizeof(buf))) > 0)
        if (*first < 0)
            *first = now_us() - t0;
    close(fd[0]);
    waitpid(pid, &status, 0);
    *total = now_us() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "firstbyte: %s exited with status %d\n", argv[0],
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long *first, *total;
    int i, n;

    if (argc < 3) {
        fprintf(stderr, "usage: firstbyte <runs> <command> [args...]\n");
        return 2;
    }
    n = (int)strtol(argv[1], NULL, 10);
    if (n < 1)
        n = 1;
    first = calloc((size_t)n, sizeof(*first));
    total = calloc((size_t)n, sizeof(*total));
    if (!first || !total)
        return 1;
    for (i = 0; i < n; i++)
        run_once(argv + 2, &first[i], &total[i]);
    qsort(first, (size_t)n, sizeof(*first), cmp_long);
    qsort(total, (size_t)n, sizeof(*total), cmp_long);
    printf("first_us=%ld total_us=%ld\n", first[n / 2], total[n / 2]);
    free(first);
    free(total);
    return 0;
}
