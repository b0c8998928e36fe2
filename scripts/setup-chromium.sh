#!/usr/bin/env bash
# Installs Debian's Chromium for the e2e tests, only when /usr/bin/chromium is missing (playwright's own download fails here).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup-chromium: /usr/bin/chromium is missing and this user can neither install it (not root) nor use sudo" >&2
  exit 1
fi

echo "setup-chromium: installing chromium from Debian packages"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version 2>/dev/null || true
