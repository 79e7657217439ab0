#!/usr/bin/env bash
# Installs what the dashboard's browser test needs on a fresh Debian machine: Debian's chromium and the
# pinned playwright-core. Idempotent. Never `npx playwright install`: it downloads a browser build of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  else
    sudo apt-get update -q
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
  fi
fi

browser=tests/ActorTrainer.Dashboard.Tests/browser
if [ ! -d "$browser/node_modules/playwright-core" ]; then
  (cd "$browser" && npm ci --no-audit --no-fund)
fi
