/*
 * The schema walker and the cross-field rules (see validate.h).
 * Tested in tests/unit/test_config.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/xalloc.h"
#include "config/schema.h"
#include "config/validate.h"
#include "json/jsonx.h"
#include "base/banned.h"

struct vctx {
    struct buf path;
    struct config_problems *problems;
    struct strlist *unknown;
    const struct subst_marks *marks;
};

static void check(json_t *v, const struct schema *s, struct vctx *c);

static const char *const secret_sources[] = {"env", "file", "exec", NULL};

static void problem(struct vctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(struct vctx *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    problems_vadd(c->problems, AT_PATH(c->path.len ? c->path.p : "<root>"), fmt,
                  ap);
    va_end(ap);
}

/* "got string "abc"" / "got number 1.5" / "got object". */
static void type_error(struct vctx *c, const char *want, const json_t *got)
{
    char num[32];

    if (subst_marks_has(c->marks, got))
        problem(c, "expected %s, got a string from ${VAR} substitution", want);
    else if (json_is_string(got) && json_string_length(got) <= 40)
        problem(c, "expected %s, got string \"%s\"", want,
                json_string_value(got));
    else if (json_is_number(got)) {
        jsonx_format_double(json_number_value(got), num, sizeof(num));
        problem(c, "expected %s, got number %s", want, num);
    } else
        problem(c, "expected %s, got %s", want, jsonx_type_name(got));
}

/* Descend into key (or index) for the duration of one check. */
static void check_member(json_t *v, const struct schema *s, const char *key,
                         struct vctx *c)
{
    size_t len = c->path.len;

    buf_addf(&c->path, "%s%s", len ? "." : "", key);
    check(v, s, c);
    buf_truncate(&c->path, len);
}

static void check_index(json_t *v, const struct schema *s, size_t i,
                        struct vctx *c)
{
    char key[24];

    snprintf(key, sizeof(key), "%zu", i);
    check_member(v, s, key, c);
}

static const struct schema *field(const struct schema *s, const char *key)
{
    const struct schema *f;

    for (f = s->fields; f && f->key; f++)
        if (!strcmp(f->key, key))
            return f;
    return NULL;
}

static void note_unknown(struct vctx *c, const char *key)
{
    if (c->unknown)
        strlist_pushf(c->unknown, "%s%s%s", c->path.p, c->path.len ? "." : "",
                      key);
}

static void check_required(json_t *v, const struct schema *s, struct vctx *c)
{
    const struct schema *f;

    for (f = s->fields; f && f->key; f++)
        if ((f->flags & SCHEMA_REQUIRED) && !json_object_get(v, f->key))
            problem(c, "missing required key \"%s\"", f->key);
}

static void check_object(json_t *v, const struct schema *s, struct vctx *c)
{
    const struct schema *f;
    const char *key;
    json_t *m;

    if (!json_is_object(v)) {
        type_error(c, "an object", v);
        return;
    }
    json_object_foreach (v, key, m) {
        f = field(s, key);
        if (f)
            check_member(m, f, key, c);
        else if (s->item)
            check_member(m, s->item, key, c);
        else if (!(s->flags & SCHEMA_OPEN))
            note_unknown(c, key);
    }
    check_required(v, s, c);
}

static void check_map(json_t *v, const struct schema *s, struct vctx *c)
{
    const char *key;
    json_t *m;

    if (!json_is_object(v)) {
        type_error(c, "an object", v);
        return;
    }
    json_object_foreach (v, key, m)
        check_member(m, s->item, key, c);
}

static void check_array(json_t *v, const struct schema *s, struct vctx *c)
{
    json_t *m;
    size_t i;

    if (!json_is_array(v)) {
        type_error(c, "a list", v);
        return;
    }
    json_array_foreach (v, i, m)
        check_index(m, s->item, i, c);
}

static void check_string(json_t *v, const struct schema *s, struct vctx *c)
{
    char *t;

    if (!json_is_string(v)) {
        type_error(c, "a string", v);
        return;
    }
    if (!(s->flags & SCHEMA_NONEMPTY))
        return;
    t = str_trim_dup(json_string_value(v));
    if (!*t)
        problem(c, "must not be empty");
    free(t);
}

static void range_error(struct vctx *c, const struct schema *s,
                        const char *what, const json_t *v)
{
    char lo[32], hi[32], got[32];

    snprintf(lo, sizeof(lo), "%lld", (long long)s->min);
    snprintf(hi, sizeof(hi), "%lld", (long long)s->max);
    jsonx_format_double(json_number_value(v), got, sizeof(got));
    problem(c, "expected %s from %s to %s, got %s", what, lo, hi, got);
}

static void check_int(json_t *v, const struct schema *s, struct vctx *c)
{
    json_int_t n;

    if (!json_is_integer(v)) {
        type_error(c, "an integer", v);
        return;
    }
    n = json_integer_value(v);
    if (n < s->min || n > s->max)
        range_error(c, s, "an integer", v);
}

static void check_number(json_t *v, const struct schema *s, struct vctx *c)
{
    double d;

    if (!json_is_number(v)) {
        type_error(c, "a number", v);
        return;
    }
    d = json_number_value(v);
    if (d < (double)s->min || d > (double)s->max)
        range_error(c, s, "a number", v);
}

static void enum_error(struct vctx *c, const char *const *choices, json_t *got)
{
    struct buf b;
    size_t i;

    buf_init(&b, 0);
    for (i = 0; choices[i]; i++)
        buf_addf(&b, "%s%s", i ? ", " : "", choices[i]);
    if (subst_marks_has(c->marks, got))
        problem(c,
                "invalid value from ${VAR} substitution; expected one of: %s",
                b.p);
    else
        problem(c, "invalid value \"%s\"; expected one of: %s",
                json_string_value(got), b.p);
    buf_release(&b);
}

static void check_enum(json_t *v, const char *const *choices, struct vctx *c)
{
    size_t i;

    if (!json_is_string(v)) {
        type_error(c, "a string", v);
        return;
    }
    for (i = 0; choices[i]; i++)
        if (!strcmp(choices[i], json_string_value(v)))
            return;
    enum_error(c, choices, v);
}

static bool all_strings(json_t *v)
{
    json_t *m;
    size_t i;

    json_array_foreach (v, i, m)
        if (!json_is_string(m))
            return false;
    return true;
}

static void check_strings(json_t *v, bool or_string, struct vctx *c)
{
    if (or_string && json_is_string(v))
        return;
    if (!json_is_array(v) || !all_strings(v))
        type_error(c,
                   or_string ? "a string or a list of strings"
                             : "a list of strings",
                   v);
}

static const struct schema model_obj_fields[] = {
    {.key = "primary", .kind = SK_STRING, .flags = SCHEMA_NONEMPTY},
    {.key = "fallbacks", .kind = SK_STRINGS},
    {.key = NULL},
};
static const struct schema model_obj = {.kind = SK_OBJECT,
                                        .fields = model_obj_fields};

static void check_model(json_t *v, struct vctx *c)
{
    static const struct schema model_str = {.kind = SK_STRING,
                                            .flags = SCHEMA_NONEMPTY};

    if (json_is_string(v)) {
        check_string(v, &model_str, c);
        return;
    }
    if (json_is_object(v)) {
        check_object(v, &model_obj, c);
        return;
    }
    type_error(c, "a model ref (\"provider/model\") or {primary, fallbacks}",
               v);
}

static const struct schema secret_ref_fields[] = {
    {.key = "source",
     .kind = SK_ENUM,
     .choices = secret_sources,
     .flags = SCHEMA_REQUIRED},
    {.key = "provider", .kind = SK_STRING, .flags = SCHEMA_NONEMPTY},
    {.key = "id",
     .kind = SK_STRING,
     .flags = SCHEMA_REQUIRED | SCHEMA_NONEMPTY},
    {.key = NULL},
};
static const struct schema secret_ref = {.kind = SK_OBJECT,
                                         .fields = secret_ref_fields};

static void check_secret(json_t *v, struct vctx *c)
{
    if (json_is_string(v))
        return;
    if (json_is_object(v)) {
        check_object(v, &secret_ref, c);
        return;
    }
    type_error(c, "a string or a SecretRef {source, provider, id}", v);
}

static void check(json_t *v, const struct schema *s, struct vctx *c)
{
    switch (s->kind) {
    case SK_OBJECT:
        check_object(v, s, c);
        break;
    case SK_MAP:
        check_map(v, s, c);
        break;
    case SK_ARRAY:
        check_array(v, s, c);
        break;
    case SK_STRING:
        check_string(v, s, c);
        break;
    case SK_BOOL:
        if (!json_is_boolean(v))
            type_error(c, "true or false", v);
        return;
    case SK_INT:
        check_int(v, s, c);
        break;
    case SK_NUMBER:
        check_number(v, s, c);
        break;
    case SK_ENUM:
        check_enum(v, s->choices, c);
        break;
    case SK_STRINGS:
    case SK_STRING_OR_STRINGS:
        check_strings(v, s->kind == SK_STRING_OR_STRINGS, c);
        break;
    case SK_MODEL:
        check_model(v, c);
        break;
    case SK_SECRET:
        check_secret(v, c);
        break;
    case SK_ANY:
        return;
    }
}

/* One agents.list entry's value for a uniqueness check. */
struct keyed {
    const char *value;
    size_t index;
};

static int by_value_nocase(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcasecmp(x->value, y->value);

    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int by_value(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->value, y->value);

    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/*
 * Report entries of agents.list whose member field repeats an earlier
 * entry's (sorted, so a config with many agents stays fast).
 */
static void check_unique(json_t *list, const char *field, bool nocase,
                         struct config_problems *problems)
{
    size_t i, n = 0, size = json_array_size(list);
    struct keyed *v = xcalloc(size ? size : 1, sizeof(*v));
    int (*cmp)(const void *, const void *) =
        nocase ? by_value_nocase : by_value;

    for (i = 0; i < size; i++)
        if (jsonx_get_str(json_array_get(list, i), field))
            v[n++] = (struct keyed){
                jsonx_get_str(json_array_get(list, i), field), i};
    qsort(v, n, sizeof(*v), cmp);
    for (i = 1; i < n; i++) {
        if ((nocase ? strcasecmp(v[i].value, v[i - 1].value)
                    : strcmp(v[i].value, v[i - 1].value)) != 0)
            continue;
        if (nocase)
            problems_add(problems, AT_PATH("agents.list"),
                         "agent id \"%s\" is used twice (entries %zu and "
                         "%zu)",
                         v[i].value, v[i - 1].index, v[i].index);
        else
            problems_add(problems, AT_PATH("agents.list"),
                         "entries %zu and %zu share agentDir \"%s\"; each "
                         "agent needs its own",
                         v[i - 1].index, v[i].index, v[i].value);
    }
    free(v);
}

/* agents.list: ids unique, agent dirs never shared. */
static void check_agents(json_t *root, struct config_problems *problems)
{
    json_t *list = json_object_get(json_object_get(root, "agents"), "list");

    if (!json_is_array(list))
        return;
    check_unique(list, "id", true, problems);
    check_unique(list, "agentDir", false, problems);
}

static void check_gateway(json_t *root, struct config_problems *problems,
                          struct strlist *notes)
{
    json_t *gw = json_object_get(root, "gateway");
    json_t *auth = json_object_get(gw, "auth");

    if (json_object_get(auth, "token") && json_object_get(auth, "password") &&
        !json_object_get(auth, "mode"))
        problems_add(problems, AT_PATH("gateway.auth"),
                     "both token and password are set; set "
                     "gateway.auth.mode to \"token\" or \"password\"");
    if (notes && json_object_size(root) && !json_object_get(gw, "mode"))
        strlist_push(notes, "gateway.mode is not set; `openclaw gateway` "
                            "starts only with gateway.mode \"local\"");
}

void config_validate(json_t *root, struct config_problems *problems,
                     struct strlist *unknown, struct strlist *notes,
                     const struct subst_marks *marks)
{
    struct vctx c = {.problems = problems, .unknown = unknown, .marks = marks};

    buf_init(&c.path, 0);
    check(root, &schema_root, &c);
    buf_release(&c.path);
    if (!json_is_object(root))
        return;
    check_agents(root, problems);
    check_gateway(root, problems, notes);
}
