#!/bin/sh
# Runs git with RLIMIT_FSIZE set, so no file it (or index-pack under it) writes can grow past
# NBLAUNCH_GIT_MAX_FILE_BYTES: a download is cut at the limit while it streams.
# prlimit is util-linux's (an essential package); without it, refuse rather than run unlimited.
command -v prlimit >/dev/null 2>&1 || { echo "nblaunch: prlimit (util-linux) is needed to limit clone sizes" >&2; exit 126; }
exec prlimit --fsize="${NBLAUNCH_GIT_MAX_FILE_BYTES:?}" git "$@"
