#!/usr/bin/env bash
# Builds the base notebook image. Without a reachable registry, the
# debian:bookworm-slim parent is made from the Debian mirror with debootstrap.
set -euo pipefail

usage() { echo "usage: $0 [--rebuild] [IMAGE_TAG]" >&2; exit 2; }
log() { echo "[build-base] $*"; }

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
parent_image="debian:bookworm-slim"
debian_mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rebuild=false
tag=""

for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    -h|--help) usage ;;
    -*) echo "[build-base] unknown option: $arg" >&2; usage ;;
    *) [[ -z "$tag" ]] || usage; tag="$arg" ;;
  esac
done
tag="${tag:-nblaunch/base:latest}"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

if image_exists "$tag" && [[ "$rebuild" == false ]]; then
  log "$tag already exists (pass --rebuild to rebuild)"
  exit 0
fi

workdir=""
bootstrap_pid=""
cleanup() {
  if [[ -n "$bootstrap_pid" ]] && kill -0 "$bootstrap_pid" 2>/dev/null; then
    kill -TERM -- "-$bootstrap_pid" 2>/dev/null || true
    wait "$bootstrap_pid" 2>/dev/null || true
  fi
  [[ -n "$workdir" && -d "$workdir" ]] || return 0
  # A failed debootstrap can leave proc/sys mounted inside the target.
  awk -v root="$workdir" 'index($2, root "/") == 1 { print $2 }' /proc/mounts \
    | sort -r | while read -r mnt; do umount -l "$mnt" || true; done
  rm -rf --one-file-system "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Trims what the registry's slim image leaves out too: docs, man pages,
# translations, apt caches; dpkg keeps them out of later installs.
slim_rootfs() {
  local root="$1"
  printf '%s\n' \
    'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    >"$root/etc/dpkg/dpkg.cfg.d/docker-slim"
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log
}

bootstrap_parent() {
  command -v debootstrap >/dev/null || PATH="$PATH:/usr/sbin:/sbin"
  if ! command -v debootstrap >/dev/null; then
    echo "[build-base] cannot pull $parent_image and debootstrap is missing (apt-get install debootstrap)" >&2
    exit 1
  fi
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/nblaunch-rootfs.XXXXXX")"
  local rootfs="$workdir/rootfs" started=$SECONDS
  log "debootstrap bookworm from $debian_mirror into $rootfs"
  # Own session and a background wait: a signal then interrupts us at once,
  # and cleanup can stop debootstrap's whole process group.
  setsid debootstrap --variant=minbase bookworm "$rootfs" "$debian_mirror" >"$workdir/debootstrap.log" 2>&1 &
  bootstrap_pid=$!
  if ! wait "$bootstrap_pid"; then
    tail -n 30 "$workdir/debootstrap.log" >&2
    echo "[build-base] debootstrap failed" >&2
    exit 1
  fi
  slim_rootfs "$rootfs"
  log "debootstrap took $((SECONDS - started))s; importing as $parent_image"
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$parent_image" >/dev/null
}

if image_exists "$parent_image"; then
  log "$parent_image present"
else
  log "pulling $parent_image"
  if timeout 120 docker pull "$parent_image" >/dev/null 2>&1; then
    log "pulled $parent_image"
  else
    log "pull failed; building $parent_image from the Debian mirror"
    bootstrap_parent
  fi
fi

log "building $tag"
started=$SECONDS
docker build -t "$tag" "$script_dir/base"
log "built $tag in $((SECONDS - started))s"
