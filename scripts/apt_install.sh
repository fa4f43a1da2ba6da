#!/usr/bin/env bash
# Installs Debian packages the tests need, when a check says they are missing. Never fatal:
# without them the tests that need them skip and say why.
#     apt_install.sh NAME "WHO SKIPS" "CHECK COMMAND" PACKAGE...
set -u
name=$1 skips=$2 check=$3
shift 3
if eval "$check" >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: no apt-get here; $skips will skip" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "$name: not root and no passwordless sudo; $skips will skip" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "$@"; } >/dev/null; then
    echo "$name: apt-get install $* failed; $skips will skip" >&2
fi
exit 0
