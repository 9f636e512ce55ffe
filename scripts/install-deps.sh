#!/bin/sh
# Install the Debian packages openclaw needs to build and test, if missing.
# Non-interactive; uses sudo when not root. Safe to run repeatedly.
set -eu

# "bench" adds the benchmark tools (hyperfine); the default set builds and
# tests.
PKGS="build-essential cmake ninja-build pkgconf clang clang-tidy clang-format \
cppcheck libclang-rt-14-dev libcurl4-openssl-dev libssl-dev libuv1-dev \
libjansson-dev libwslay-dev libedit-dev libbsd-dev libcmocka-dev \
libhttp-parser-dev valgrind tmux curl ca-certificates"

if [ "${1:-}" = bench ]; then
    PKGS="$PKGS hyperfine wrk nginx-light"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all build dependencies present"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-deps: error: missing packages:$missing" >&2
        echo "install-deps: run as root or install sudo" >&2
        exit 1
    fi
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
