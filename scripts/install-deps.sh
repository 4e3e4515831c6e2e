#!/usr/bin/env bash
# Installs what building and testing sipring needs on Debian 12: a JDK 17, tshark, SIPp
# (sip-tester), baresip, openssl, iproute2, procps and curl. Idempotent and non-interactive; runs as root or through sudo, and
# touches apt not at all when everything is already there.
set -euo pipefail

# command -> Debian package providing it
declare -A PACKAGE_OF=(
  [javac]=openjdk-17-jdk-headless
  [tshark]=tshark
  [sipp]=sip-tester
  [baresip]=baresip
  [openssl]=openssl
  [ip]=iproute2
  [ps]=procps
  [curl]=curl
)

missing=()
for cmd in "${!PACKAGE_OF[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    missing+=("${PACKAGE_OF[$cmd]}")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: everything needed is installed"
  exit 0
fi

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${missing[*]} and no apt-get to install them with" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
apt_env=(env DEBIAN_FRONTEND=noninteractive)
"${as_root[@]}" "${apt_env[@]}" apt-get update -q
"${as_root[@]}" "${apt_env[@]}" apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
echo "install-deps: done"
