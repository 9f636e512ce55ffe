/*
 * Fuzz the config layer on untrusted text: the first line is a config
 * path (cpath_parse), the rest a config (json5 -> validate -> ${VAR}
 * substitution -> redaction), then get/set/unset of that path on the
 * tree. Nothing may crash, leak or trip a sanitizer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strlist.h"
#include "base/xalloc.h"
#include "config/config.h"
#include "config/cpath.h"
#include "config/subst.h"
#include "config/validate.h"
#include "json/json5.h"
#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_path(json_t *root, const char *raw)
{
    struct cpath p;

    if (cpath_parse(raw, &p, NULL))
        return;
    cpath_get(root, &p);
    cpath_found_depth(root, &p);
    cpath_set(root, &p, json_string("fuzz"), NULL);
    cpath_unset(root, &p);
    cpath_release(&p);
}

static void exercise_config(json_t *root)
{
    struct config_problems problems;
    struct strlist unknown = STRLIST_INIT, notes = STRLIST_INIT;
    struct subst_marks marks = {0};
    json_t *red;

    problems_init(&problems);
    subst_tree(root, &notes, &marks);
    config_validate(root, &problems, &unknown, &notes, &marks);
    subst_marks_release(&marks);
    red = config_redacted(root);
    json_decref(red);
    problems_release(&problems);
    strlist_release(&unknown);
    strlist_release(&notes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *nl;
    char *path;
    json_t *root;

    if (size > 65536)
        return 0;
    nl = memchr(data, '\n', size);
    if (!nl)
        return 0;
    path = xmemdupz(data, (size_t)(nl - (const char *)data));
    root = json5_parse(nl + 1, size - (size_t)(nl + 1 - (const char *)data),
                       NULL, NULL, NULL);
    if (root) {
        exercise_config(root);
        if (json_is_object(root) || json_is_array(root))
            exercise_path(root, path);
        json_decref(root);
    }
    free(path);
    return 0;
}
