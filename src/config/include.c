/*
 * $include resolution (see include.h). Tested in tests/unit/test_config.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/fsx.h"
#include "base/path.h"
#include "base/strlist.h"
#include "base/xalloc.h"
#include "config/include.h"
#include "json/json5.h"
#include "json/jsonx.h"
#include "base/banned.h"

#define INCLUDE_KEY "$include"

struct ictx {
    struct strlist roots; /* real paths includes may live under */
    struct strlist stack; /* real paths being included, for cycles */
    struct config_problems *problems;
    const char *main_file; /* as named (may be a symlink) */
    char *main_real_dir;   /* directory of the file it resolves to */
};

static int resolve_value(json_t **slot, const char *file, struct ictx *c,
                         int depth);

/* Allowed roots: the directory of the config as named and of the file it
 * resolves to (a symlinked config may include files next to either), and
 * OPENCLAW_INCLUDE_ROOTS. */
static void add_roots(struct ictx *c, const char *main_file)
{
    char *dir = path_dirname(main_file), *real = path_realpath(dir);
    const char *env = getenv("OPENCLAW_INCLUDE_ROOTS");
    char *copy, *tok, *save = NULL, *target = path_realpath(main_file);

    strlist_push(&c->roots, real ? real : dir);
    free(real);
    free(dir);
    if (target) {
        dir = path_dirname(target);
        strlist_push(&c->roots, dir);
        free(dir);
        free(target);
    }
    if (!env || !*env)
        return;
    copy = xstrdup(env);
    for (tok = strtok_r(copy, ":", &save); tok;
         tok = strtok_r(NULL, ":", &save)) {
        real = path_realpath(tok);
        if (real)
            strlist_push_take(&c->roots, real);
    }
    free(copy);
}

static bool inside_roots(const struct ictx *c, const char *real)
{
    size_t i;

    for (i = 0; i < c->roots.n; i++)
        if (path_is_within(real, c->roots.v[i]))
            return true;
    return false;
}

static int fail(struct ictx *c, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct ictx *c, const char *file, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problems_vadd(c->problems, IN_FILE(file, 0, 0), fmt, ap);
    va_end(ap);
    return OC_EPARSE;
}

/*
 * Where name (from file) is: relative to file's directory, and for the
 * main config, if it is a symlink and nothing is there, relative to the
 * directory of the file it points to (a config kept with its includes in
 * a dotfiles directory).
 */
static char *find_include(const char *name, const char *file,
                          const struct ictx *c)
{
    char *dir = path_dirname(file), *joined = path_join(dir, name);
    char *real = path_realpath(joined);

    free(joined);
    free(dir);
    if (!real && c->main_real_dir && !strcmp(file, c->main_file) &&
        name[0] != '/') {
        joined = path_join(c->main_real_dir, name);
        real = path_realpath(joined);
        free(joined);
    }
    return real;
}

/* Absolute, symlink-free path of an include named in file. */
static char *locate(const char *name, const char *file, struct ictx *c)
{
    char *real = find_include(name, file, c);

    if (!real)
        problems_add(c->problems, IN_FILE(file, 0, 0),
                     "$include file not found: %s (%s)", name,
                     errno == ENOENT ? "no such file" : "cannot resolve");
    else if (!inside_roots(c, real)) {
        problems_add(c->problems, IN_FILE(file, 0, 0),
                     "$include '%s' is outside the config directory; add "
                     "its directory to OPENCLAW_INCLUDE_ROOTS to allow it",
                     name);
        FREE_AND_NULL(real);
    }
    return real;
}

static int check_cycle(struct ictx *c, const char *real, const char *file)
{
    char *chain;
    int rc;

    if (!strlist_has(&c->stack, real))
        return 0;
    chain = strlist_join(&c->stack, " -> ");
    rc = fail(c, file, "circular $include: %s", chain);
    free(chain);
    return rc;
}

static json_t *parse_file(const char *real, struct ictx *c)
{
    struct json5_error e;
    struct oc_err err;
    struct buf b;
    json_t *v;

    buf_init(&b, INCLUDE_MAX_FILE);
    if (fsx_read_file(real, INCLUDE_MAX_FILE, &b, &err)) {
        problems_add(c->problems, IN_FILE(real, 0, 0), "%s", oc_err_msg(&err));
        return NULL;
    }
    v = json5_parse(b.p, b.len, NULL, NULL, &e);
    if (!v)
        problems_add(c->problems, IN_FILE(real, e.line, e.column), "%s",
                     e.text);
    buf_release(&b);
    return v;
}

/* Load one included file (with its own includes resolved). */
static json_t *load(const char *name, const char *file, struct ictx *c,
                    int depth)
{
    char *real;
    json_t *v = NULL;

    if (depth >= INCLUDE_MAX_DEPTH) {
        fail(c, file, "$include nesting is deeper than %d levels",
             INCLUDE_MAX_DEPTH);
        return NULL;
    }
    real = locate(name, file, c);
    if (!real || check_cycle(c, real, file)) {
        free(real);
        return NULL;
    }
    v = parse_file(real, c);
    strlist_push(&c->stack, real);
    if (v && resolve_value(&v, real, c, depth + 1)) {
        json_decref(v);
        v = NULL;
    }
    free(c->stack.v[--c->stack.n]);
    free(real);
    return v;
}

static json_t *load_list(const json_t *list, const char *file, struct ictx *c,
                         int depth)
{
    json_t *base = json_object(), *item, *v;
    size_t i;

    json_array_foreach (list, i, item) {
        if (!json_is_string(item)) {
            fail(c, file, "%s entries must be strings", INCLUDE_KEY);
            json_decref(base);
            return NULL;
        }
        v = load(json_string_value(item), file, c, depth);
        if (!json_is_object(v)) {
            if (v)
                fail(c, file, "'%s' must contain an object to be merged",
                     json_string_value(item));
            json_decref(v);
            json_decref(base);
            return NULL;
        }
        jsonx_merge(base, v);
        json_decref(v);
    }
    return base;
}

/* Replace the object in *slot, which has an $include, by its expansion. */
static int expand(json_t **slot, const char *file, struct ictx *c, int depth)
{
    json_t *inc = json_object_get(*slot, INCLUDE_KEY), *base = NULL;

    if (json_is_string(inc))
        base = load(json_string_value(inc), file, c, depth);
    else if (json_is_array(inc))
        base = load_list(inc, file, c, depth);
    else
        return fail(c, file, "%s must be a file name or a list of them",
                    INCLUDE_KEY);
    if (!base)
        return OC_EPARSE;
    json_object_del(*slot, INCLUDE_KEY);
    if (json_object_size(*slot) && !json_is_object(base)) {
        json_decref(base);
        return fail(c, file,
                    "keys next to an %s that is not an object "
                    "cannot be merged",
                    INCLUDE_KEY);
    }
    if (json_object_size(*slot))
        jsonx_merge(base, *slot);
    json_decref(*slot);
    *slot = base;
    return 0;
}

static int resolve_members(json_t *obj, const char *file, struct ictx *c,
                           int depth)
{
    const char *key;
    json_t *child, *copy;
    int rc = 0;

    json_object_foreach (obj, key, child) {
        if (!strcmp(key, INCLUDE_KEY) || !include_present(child))
            continue;
        copy = json_incref(child);
        rc = resolve_value(&copy, file, c, depth);
        if (rc) {
            json_decref(copy);
            return rc;
        }
        json_object_set_new(obj, key, copy);
    }
    return 0;
}

static int resolve_value(json_t **slot, const char *file, struct ictx *c,
                         int depth)
{
    json_t *child;
    size_t i;
    int rc = 0;

    if (json_is_array(*slot)) {
        json_array_foreach (*slot, i, child) {
            json_t *copy = json_incref(child);
            rc = resolve_value(&copy, file, c, depth);
            json_array_set_new(*slot, i, copy);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (!json_is_object(*slot))
        return 0;
    rc = resolve_members(*slot, file, c, depth);
    if (!rc && json_object_get(*slot, INCLUDE_KEY))
        rc = expand(slot, file, c, depth);
    return rc;
}

bool include_present(json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach (v, key, child)
            if (!strcmp(key, INCLUDE_KEY) || include_present(child))
                return true;
    } else if (json_is_array(v)) {
        json_array_foreach (v, i, child)
            if (include_present(child))
                return true;
    }
    return false;
}

int include_resolve(json_t **root, const char *main_file,
                    struct config_problems *problems)
{
    struct ictx c = {STRLIST_INIT, STRLIST_INIT, problems, main_file, NULL};
    char *real = path_realpath(main_file);
    int rc;

    if (!include_present(*root)) {
        free(real);
        return 0;
    }
    if (real)
        c.main_real_dir = path_dirname(real);
    add_roots(&c, main_file);
    strlist_push(&c.stack, real ? real : main_file);
    /* Relative includes of the main file resolve against the directory
     * it was named in, as OpenClaw resolves them. */
    rc = resolve_value(root, main_file, &c, 0);
    strlist_release(&c.stack);
    strlist_release(&c.roots);
    free(c.main_real_dir);
    free(real);
    return rc;
}
