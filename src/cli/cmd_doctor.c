/*
 * `openclaw doctor [--fix|--repair] [--yes] [--non-interactive] [--json]`:
 * runs every check, applies the fixes that are allowed, and prints the
 * findings grouped by section, each problem with the command that fixes
 * it. Exit 0 when nothing needs attention, 1 when problems remain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "cli/common.h"
#include "cli/commands.h"
#include "cli/doctor.h"
#include "cli/prompt.h"
#include "cli/term.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct finding *doctor_add(struct doctor *d, enum doctor_sev sev,
                           const char *section, const char *fix,
                           const char *fmt, ...)
{
    struct finding *f;
    va_list ap;
    char *raw = NULL, *msg;

    va_start(ap, fmt);
    if (vasprintf(&raw, fmt, ap) < 0)
        die("out of memory");
    va_end(ap);
    /* what we print names files as ~/... and never shows a secret */
    msg = xmalloc(strlen(raw) * 2 + 64);
    cli_clean_text(raw, msg, strlen(raw) * 2 + 64);
    free(raw);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
    }
    f = &d->v[d->n++];
    f->sev = sev;
    f->section = xstrdup(section);
    f->message = msg;
    f->fix = fix ? xstrdup(fix) : NULL;
    f->fixed = false;
    return f;
}

bool doctor_may_fix(struct doctor *d, const char *question)
{
    if (d->fix)
        return true;
    return d->ask && prompt_confirm(question, true) == 1;
}

char *doctor_path(struct doctor *d, const char *abs)
{
    return cli_display_path(d->ctx, abs);
}

static const char *mark(enum doctor_sev s)
{
    static const char *const marks[] = {"ok", "info", "warn", "FAIL"};

    return marks[s];
}

static void print_text(const struct doctor *d)
{
    const char *section = NULL;
    size_t i, problems = 0, fixed = 0;

    for (i = 0; i < d->n; i++) {
        const struct finding *f = &d->v[i];
        if (!section || strcmp(section, f->section) != 0) {
            printf("%s%s%s\n", section ? "\n" : "", f->section, "");
            section = f->section;
        }
        printf("  [%s%s%s] %s%s\n",
               term_on(stdout, f->sev == SEV_PROBLEM ? TERM_RED
                               : f->sev == SEV_WARN  ? TERM_YELLOW
                                                     : TERM_PLAIN),
               f->fixed ? "fixed" : mark(f->sev), term_off(stdout), f->message,
               "");
        if (f->fix && !f->fixed && f->sev >= SEV_WARN)
            printf("         fix: %s\n", f->fix);
        problems += f->sev == SEV_PROBLEM && !f->fixed;
        fixed += f->fixed;
    }
    printf("\n%zu problem%s", problems, problems == 1 ? "" : "s");
    if (fixed)
        printf(", %zu fixed", fixed);
    printf(".%s\n", problems && !d->fix
                        ? " Run `openclaw doctor --fix` to apply the fixes "
                          "doctor can make."
                        : "");
}

static void print_json(const struct doctor *d)
{
    static const char *const sev[] = {"ok", "info", "warning", "problem"};
    json_t *arr = json_array(), *o;
    size_t i, problems = 0;
    char *text;

    for (i = 0; i < d->n; i++) {
        const struct finding *f = &d->v[i];
        o = json_pack("{s:s, s:s, s:s, s:b}", "section", f->section, "severity",
                      sev[f->sev], "message", f->message, "fixed", f->fixed);
        if (f->fix)
            json_object_set_new(o, "fix", json_string(f->fix));
        json_array_append_new(arr, o);
        problems += f->sev == SEV_PROBLEM && !f->fixed;
    }
    o = json_pack("{s:b, s:I, s:o}", "ok", problems == 0, "problems",
                  (json_int_t)problems, "findings", arr);
    text = jsonx_dumps(o, 2);
    printf("%s\n", text ? text : "{}");
    free(text);
    json_decref(o);
}

static void release(struct doctor *d)
{
    size_t i;

    for (i = 0; i < d->n; i++) {
        free(d->v[i].section);
        free(d->v[i].message);
        free(d->v[i].fix);
    }
    free(d->v);
    config_release(&d->cfg);
}

static int run_doctor(struct cli_ctx *ctx)
{
    struct doctor d = {.ctx = ctx};
    size_t i;
    int rc = CLI_OK;

    d.fix =
        cli_flag(ctx, "fix") || cli_flag(ctx, "repair") || cli_flag(ctx, "yes");
    d.ask = !cli_flag(ctx, "non-interactive") && !cli_flag(ctx, "json") &&
            prompt_interactive();
    if (cli_load_config(ctx, &d.cfg, CONFIG_APPLY_ENV))
        return CLI_FAIL;
    doctor_check_state(&d);
    doctor_check_config(&d);
    doctor_check_permissions(&d);
    doctor_check_legacy(&d);
    doctor_check_agents(&d);
    doctor_check_gateway(&d);
    doctor_check_service(&d);
    doctor_check_env(&d);
    if (cli_flag(ctx, "json"))
        print_json(&d);
    else
        print_text(&d);
    for (i = 0; i < d.n; i++)
        if (d.v[i].sev == SEV_PROBLEM && !d.v[i].fixed)
            rc = CLI_FAIL;
    release(&d);
    return rc;
}

static const struct cli_opt doctor_opts[] = {
    {"fix", 0, NULL,
     "Apply the fixes doctor can make (permissions, legacy "
     "imports, gateway token)"},
    {"repair", 0, NULL, "Same as --fix"},
    {"yes", 0, NULL, "Accept every fix without asking (same as --fix)"},
    {"non-interactive", 0, NULL, "Never ask; without --fix nothing changes"},
    {"generate-gateway-token", 0, NULL,
     "Generate gateway.auth.token when there is none"},
    {"force", 0, NULL,
     "Accepted for compatibility (service definitions are "
     "never rewritten except to move secrets)"},
    {"deep", 0, NULL, "Accepted for compatibility"},
    {"json", 0, NULL, "Output JSON"},
    {NULL, 0, NULL, NULL},
};

const struct cli_cmd cmd_doctor = {
    .name = "doctor",
    .summary = "Check config, credentials, permissions and the gateway "
               "setup; --fix repairs",
    .help = "Exit 0 when nothing needs attention, 1 when problems remain. "
            "Secrets are\nshown masked.\n",
    .opts = doctor_opts,
    .max_args = 0,
    .run = run_doctor,
};
