/*
 * The part of openclaw.json this implementation reads, as a declarative
 * table. A known key with a wrong type or value is an error naming its
 * path; keys not in the table are kept untouched and listed as "not used
 * by this implementation" (objects marked SCHEMA_OPEN take any members
 * without listing them). The table is data: schema.c; the walker:
 * validate.c.
 */
#ifndef OC_CONFIG_SCHEMA_H
#define OC_CONFIG_SCHEMA_H

#include <stdint.h>

enum schema_kind {
    SK_ANY = 0,
    SK_OBJECT, /* known members in fields; others per rest or unknown */
    SK_MAP,    /* any key; every value per item */
    SK_ARRAY,  /* every element per item */
    SK_STRING,
    SK_BOOL,
    SK_INT,     /* integer within [min, max] */
    SK_NUMBER,  /* any finite number within [min, max] */
    SK_ENUM,    /* one of choices */
    SK_STRINGS, /* array of strings */
    SK_STRING_OR_STRINGS,
    SK_MODEL, /* "provider/model" or {primary, fallbacks} */
    SK_SECRET /* string or SecretRef {source, provider, id} */
};

#define SCHEMA_OPEN     1u /* unknown members are expected: not listed */
#define SCHEMA_REQUIRED 2u /* the member must be present */
#define SCHEMA_NONEMPTY 4u /* strings: must not be empty */

struct schema {
    const char *key;
    const struct schema *fields; /* SK_OBJECT members, {NULL}-terminated */
    const struct schema *item;   /* SK_MAP/SK_ARRAY values; SK_OBJECT rest */
    const char *const *choices;  /* SK_ENUM, NULL-terminated */
    int64_t min, max;            /* SK_INT/SK_NUMBER bounds (min <= max) */
    enum schema_kind kind;
    unsigned flags;
};

/* The root of openclaw.json. */
extern const struct schema schema_root;

#endif
