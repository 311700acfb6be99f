#!/usr/bin/env bash
# Fetches the reference tools the differential tests compare composemod with, without
# touching the system's apt setup: Docker Compose 2.40.3 and podman-compose 1.6.0 from Debian
# unstable (sid), and Docker Compose 2.26.1 from Debian 13 (trixie) for version notes.
#
#   scripts/reference-compose.sh          fetch (once) and print the tools' paths
#   scripts/reference-compose.sh --print  print the paths of what is already there (no network)
#
# Cache: $COMPOSEMOD_REFERENCE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/composemod/reference.
# It holds, beside the apt lists and .debs it used:
#   docker-compose-<version>/docker-compose   the Compose v2 CLI plugin, runnable on its own
#   podman-compose/bin/podman-compose         a wrapper: python3 -m podman_compose with Debian's
#                                             python3-yaml and python3-dotenv on PYTHONPATH and a
#                                             stand-in `podman` (prints a version, else `[]`) on PATH
#   tools.env                                 KEY=VALUE lines the tests read (paths, versions)
# The tests find the tools through tools.env (or COMPOSEMOD_DOCKER_COMPOSE / _PODMAN_COMPOSE)
# and skip with a message when they are absent. Nothing here runs at test time.
set -euo pipefail
# a failure inside $(...) (a download, an extraction) must stop the script too
shopt -s inherit_errexit
trap 'echo "reference tools: could not be installed (no network or no Debian archive reachable?); the differential tests will skip" >&2' ERR

dir=${COMPOSEMOD_REFERENCE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/composemod/reference}
mkdir -p "$dir"
env_file="$dir/tools.env"

print() {
  if [ -f "$env_file" ]; then cat "$env_file"; else echo "no reference tools in $dir" >&2; return 1; fi
}
if [ "${1:-}" = "--print" ]; then print; exit $?; fi

# What the tests are written against. A suite that moved on is used with a warning.
want_compose=2.40.3
want_podman=1.6.0
want_compose_old=2.26.1

mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n 1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hsE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# apt-get with its own sources list, lists and cache under $dir; the system's setup is untouched.
apt_for() { # suite, then apt-get arguments
  local suite=$1; shift
  local root="$dir/apt-$suite"
  mkdir -p "$root/lists/partial" "$root/cache/archives/partial"
  echo "deb [signed-by=$keyring] $mirror $suite main" >"$root/sources.list"
  apt-get -q \
    -o Dir::Etc::SourceList="$root/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$root/lists" -o Dir::Cache="$root/cache" \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o APT::Sandbox::User=root "$@"
}

# Downloads packages of a suite into $dir/debs-<suite> (once) and prints the .deb paths.
fetch_debs() { # suite, then package names
  local suite=$1; shift
  local out="$dir/debs-$suite"
  mkdir -p "$out"
  local missing=0 p
  for p in "$@"; do ls "$out/${p}"_*.deb >/dev/null 2>&1 || missing=1; done
  if [ "$missing" = 1 ]; then
    apt_for "$suite" update >&2
    (cd "$out" && apt_for "$suite" download "$@" >&2)
  fi
  for p in "$@"; do ls "$out/${p}"_*.deb | tail -n 1; done
}

deb_version() { dpkg-deb -f "$1" Version | sed 's/-[^-]*$//; s/^[0-9]*://'; }

install_compose() { # suite, wanted version -> prints the install dir
  local suite=$1 want=$2 deb version target
  deb=$(fetch_debs "$suite" docker-compose)
  version=$(deb_version "$deb")
  [ "$version" = "$want" ] || echo "warning: Debian $suite has docker-compose $version, the tests are written against $want" >&2
  target="$dir/docker-compose-$version"
  if [ ! -x "$target/docker-compose" ]; then
    local tmp; tmp=$(mktemp -d "$dir/.x.XXXXXX")
    dpkg-deb -x "$deb" "$tmp"
    mkdir -p "$target"
    cp "$tmp/usr/libexec/docker/cli-plugins/docker-compose" "$target/docker-compose.tmp"
    chmod 0755 "$target/docker-compose.tmp"
    mv "$target/docker-compose.tmp" "$target/docker-compose"
    rm -rf "$tmp"
  fi
  "$target/docker-compose" version >/dev/null
  echo "$target"
}

install_podman_compose() { # prints the wrapper path
  local debs version target tmp
  mapfile -t debs < <(fetch_debs sid podman-compose python3-yaml python3-dotenv)
  version=$(deb_version "${debs[0]}")
  [ "$version" = "$want_podman" ] || echo "warning: Debian sid has podman-compose $version, the tests are written against $want_podman" >&2
  target="$dir/podman-compose-$version"
  if [ ! -x "$target/bin/podman-compose" ]; then
    tmp=$(mktemp -d "$dir/.x.XXXXXX")
    for d in "${debs[@]}"; do dpkg-deb -x "$d" "$tmp"; done
    rm -rf "$target"
    mkdir -p "$target/bin"
    cp -r "$tmp/usr/lib/python3/dist-packages" "$target/python"
    rm -rf "$tmp"
    # podman-compose asks `podman --version` at start and runs podman for some commands; the
    # stand-in answers the first and prints an empty JSON list for anything else.
    cat >"$target/bin/podman" <<'SH'
#!/bin/sh
case "$1" in
  --version|version) echo "podman version 5.4.2" ;;
  *) echo "[]" ;;
esac
SH
    cat >"$target/bin/podman-compose" <<SH
#!/bin/sh
# podman-compose $version (Debian sid) with a stand-in podman; see scripts/reference-compose.sh
PATH="$target/bin:\$PATH" PYTHONPATH="$target/python\${PYTHONPATH:+:\$PYTHONPATH}" exec "\${COMPOSEMOD_PYTHON:-$python}" -m podman_compose "\$@"
SH
    chmod 0755 "$target/bin/podman" "$target/bin/podman-compose"
  fi
  "$target/bin/podman-compose" --version >/dev/null
  echo "$target/bin/podman-compose"
}

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null || [ ! -f "$keyring" ]; then
  echo "reference tools: apt-get, dpkg-deb and $keyring are needed (a Debian machine); the differential tests will skip" >&2
  exit 1
fi
# Debian's own python3 (the one python3-yaml targets); any python3 >= 3.9 runs podman-compose.
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

compose_dir=$(install_compose sid "$want_compose")
compose_old_dir=$(install_compose trixie "$want_compose_old")
podman_compose=$(install_podman_compose)

{
  echo "DOCKER_COMPOSE=$compose_dir/docker-compose"
  echo "DOCKER_COMPOSE_VERSION=$("$compose_dir/docker-compose" version --short)"
  echo "DOCKER_COMPOSE_OLD=$compose_old_dir/docker-compose"
  echo "DOCKER_COMPOSE_OLD_VERSION=$("$compose_old_dir/docker-compose" version --short)"
  echo "PODMAN_COMPOSE=$podman_compose"
  echo "PODMAN_COMPOSE_VERSION=$("$podman_compose" --version 2>/dev/null | sed -n 's/^podman-compose version //p')"
} >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
print
