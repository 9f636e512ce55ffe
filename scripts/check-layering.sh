#!/bin/sh
# Layering (STYLE.md): base <- json <- config, auth <- provider <- agent
# <- http, gateway <- cli. A module may include its own layer and those
# below it; base/ uses libc only (no curl, libuv or jansson).
set -u
cd "$(dirname "$0")/.." || exit 1
status=0

allowed() {
    case $1 in
    base) echo "base" ;;
    json) echo "base json" ;;
    config) echo "base json config" ;;
    auth) echo "base json config auth" ;;
    provider) echo "base json config auth provider" ;;
    agent) echo "base json config auth provider agent" ;;
    http) echo "base http" ;;
    gateway) echo "base json config auth provider agent http gateway" ;;
    cli) echo "base json config auth provider agent http gateway cli" ;;
    *) echo "" ;;
    esac
}

for f in $(find src -mindepth 2 -name '*.[ch]' | sort); do
    layer=$(echo "$f" | cut -d/ -f2)
    ok=$(allowed "$layer")
    for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*"/\1/p' "$f" | sort -u); do
        case " $ok " in
        *" $inc "*) ;;
        *) echo "$f: $layer/ must not include $inc/"; status=1 ;;
        esac
    done
    if [ "$layer" = base ] && grep -qE '#include <(curl/|uv\.h|jansson\.h|wslay)' "$f"; then
        echo "$f: base/ is libc only"
        status=1
    fi
done
[ $status -eq 0 ] && echo "layering: ok"
exit $status
