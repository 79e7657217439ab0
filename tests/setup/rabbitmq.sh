#!/usr/bin/env bash
# Installs Debian's rabbitmq-server for the cluster tests (they start their own broker on a
# free loopback port, so the packaged service must not keep 5672 or epmd busy).
set -euo pipefail

if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "rabbitmq-server is missing and this script is not root; run: sudo apt-get install -y rabbitmq-server" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101 stops the package from starting its service during install.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
  fi
  apt-get update -q
  apt-get install -y -q --no-install-recommends rabbitmq-server
  [ "$created_policy" -eq 1 ] && rm -f "$policy"
fi

# Never leave the packaged broker running: it would hold 5672 and the user's expectations.
if [ "$(id -u)" -eq 0 ]; then
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl stop rabbitmq-server >/dev/null 2>&1 || true
    systemctl disable rabbitmq-server >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then
    service rabbitmq-server stop >/dev/null 2>&1 || true
  fi
  if [ -x /usr/sbin/update-rc.d ]; then update-rc.d rabbitmq-server disable >/dev/null 2>&1 || true; fi
fi

command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || { echo "rabbitmq-server still missing" >&2; exit 1; }
