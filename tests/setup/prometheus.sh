#!/usr/bin/env bash
# Installs Debian's prometheus package (server and promtool) for the /metrics scrape test and the
# deploy/prometheus config check. The tests start their own prometheus on a free loopback port with a
# temporary storage folder, so the packaged service must not run (it would hold :9090 and write /var/lib).
set -euo pipefail

have() { command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; }

if ! have; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "prometheus is missing and this script is not root; run: sudo apt-get install -y prometheus" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101 stops the package from starting its service during install.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
  fi
  # Other jobs may hold the dpkg lock for a while; wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends prometheus
  [ "$created_policy" -eq 1 ] && rm -f "$policy"
fi

# Never leave the packaged server running.
if [ "$(id -u)" -eq 0 ]; then
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl stop prometheus >/dev/null 2>&1 || true
    systemctl disable prometheus >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    service prometheus stop >/dev/null 2>&1 || true
  fi
  if [ -x /usr/sbin/update-rc.d ]; then update-rc.d prometheus disable >/dev/null 2>&1 || true; fi
fi

have || { echo "prometheus or promtool still missing" >&2; exit 1; }
