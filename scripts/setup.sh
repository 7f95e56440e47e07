#!/usr/bin/env bash
# Installs what building and testing need. Idempotent: rerunning installs nothing new.
#   Debian packages: Emscripten, nlohmann_json, Catch2, CMake/g++, clang, PostgreSQL, MariaDB
#   npm: the workspace from package-lock.json (npm ci), only when the lock file changed
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser test of the demo (driven by playwright-core).
APT_PACKAGES=(emscripten nlohmann-json3-dev catch2 cmake g++ make clang postgresql mariadb-server mariadb-client chromium)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # Debian's postinst scripts may try to start the system services; the project runs its own
  # servers on other ports, so a policy that forbids starting them is fine and faster.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

stamp=node_modules/.lunora-lock-stamp
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi
echo "setup: ok"
