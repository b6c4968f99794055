#!/usr/bin/env bash
# `npm test`: sets up what the tests need (Postgres + pgvector, Redis, Chromium), then runs every check.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
step() { printf '\n\033[1m==> %s\033[0m (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "services"
bash scripts/setup-services.sh
# shellcheck disable=SC1091
source .cache/test-services.env

step "typecheck"
npx tsc --noEmit

step "lint"
npx eslint . --max-warnings 0

step "build"
npx remix build

step "vitest (unit + integration against Postgres and Redis)"
npx vitest run

step "playwright e2e (Chromium, JavaScript on and off)"
npx playwright test

step "all checks passed"
