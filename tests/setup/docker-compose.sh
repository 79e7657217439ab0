#!/usr/bin/env bash
# Debian's docker-compose, used only to validate docker-compose.yml (`docker-compose config`); no engine is needed.
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends docker-compose >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get install -y --no-install-recommends docker-compose >/dev/null
fi
command -v docker-compose >/dev/null
