#!/usr/bin/env bash
# Runs a command inside a private network namespace (veth pair 10.77.0.1 ↔ 10.77.0.2, default route) where Chromium gathers ICE candidates.
# Usage (as root): bash tests/p2p/run-in-netns.sh npx vitest run --config vitest.p2p.config.ts
#
# Why: Chromium gathers no ICE candidates when only loopback exists, and WebRTC tests must never touch the host's own
# network (/work/shared/SETUP-NOTES.md). Inside the namespace the browsers, the static server (127.0.0.1) and the
# signaling server (10.77.0.1) see only each other. Nothing here changes the host's network: the namespace and its
# veth pair disappear with the command.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS…]" >&2
  exit 2
fi

# Already inside (a nested call, or vitest.p2p.config.ts re-running itself): just run the command.
if [ "${FIELDBOOK_NETNS:-}" = "1" ]; then
  exec "$@"
fi

if [ "$(id -u)" != "0" ]; then
  echo "run-in-netns.sh: creating a network namespace needs root (CI runs as root). Try: sudo -E $0 $*" >&2
  exit 77
fi
for tool in unshare ip; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-in-netns.sh: '$tool' is missing (Debian: apt-get install -y util-linux iproute2)" >&2
    exit 77
  fi
done

exec unshare --net -- bash -c '
  set -euo pipefail
  ip link set lo up
  ip link add v0 type veth peer name v1
  ip addr add 10.77.0.1/24 dev v0
  ip addr add 10.77.0.2/24 dev v1
  ip link set v0 up
  ip link set v1 up
  ip route add default via 10.77.0.2 dev v0
  export FIELDBOOK_NETNS=1 FIELDBOOK_NETNS_ADDRESS=10.77.0.1
  exec "$@"
' fieldbook-netns "$@"
