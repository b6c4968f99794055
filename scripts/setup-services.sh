#!/usr/bin/env bash
# Makes sure the services the tests need are present and running: Postgres (with pgvector when
# the server is the machine's Debian Postgres), Redis and Chromium. Writes what it found to
# .cache/test-services.env for scripts/test.sh to `source`.
#
# Runs as root on Debian (CI: a fresh clone). Idempotent, and quick when everything is there:
# apt is only touched when something is missing. Tool output goes to .cache/setup-services.log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
CACHE=$REPO/.cache
ENV_FILE=$CACHE/test-services.env
LOG=$CACHE/setup-services.log
TRIXIE_SRC=/etc/apt/sources.list.d/masteria-pgvector-trixie-src.sources
CHROMIUM=/usr/bin/chromium
export DEBIAN_FRONTEND=noninteractive

APT_UPDATED=0
PG_URL='' PG_DESC='' PG_NOTE='' PG_MAJOR='' PG_VERSION='' PGVECTOR=0 PGVECTOR_SOURCE='' REDIS=''
START_MS=$(date +%s%3N)

say() { printf '%s\n' "$*"; }
die() {
  printf 'setup-services: FAILED: %s\n' "$*" >&2
  exit 1
}

# Runs a command with its output appended to $LOG; on failure shows the end of it and stops.
logged() {
  printf '\n$ %s\n' "$*" >>"$LOG"
  # 9>&-: daemons started from here must not inherit (and keep holding) the lock.
  if ! "$@" >>"$LOG" 2>&1 9>&-; then
    tail -n 30 "$LOG" >&2
    die "'$*' failed (full output: ${LOG#"$REPO"/})"
  fi
}

# wait_for SECONDS COMMAND...: retries COMMAND until it succeeds or time runs out.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Hides the password in a URL before printing it.
redact() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

apt_update() {
  ((APT_UPDATED)) && return 0
  say "apt: updating package lists"
  logged apt-get -q -o DPkg::Lock::Timeout=600 update
  APT_UPDATED=1
}

apt_install() {
  apt_update
  say "apt: installing $*"
  logged apt-get -q -y -o DPkg::Lock::Timeout=600 install "$@"
}

# ---------------------------------------------------------------------------------- Postgres

# pg_query URL SQL: prints the result rows, columns joined by '|'.
pg_query() {
  if command -v psql >/dev/null; then
    PGCONNECT_TIMEOUT=5 psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"
  else # no Postgres client on this machine: use node-postgres from node_modules
    node -e '
      const client = new (require("pg").Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
      client.connect()
        .then(() => client.query(process.argv[2]))
        .then((result) => {
          for (const row of [].concat(result).at(-1).rows) console.log(Object.values(row).join("|"));
          return client.end();
        })
        .catch((error) => { console.error(error.message); process.exit(1); });
    ' "$1" "$2"
  fi
}

pg_login_ok() { pg_query "$1" 'select 1' >/dev/null 2>&1; }

# pg_answers HOST PORT: is a Postgres server accepting connections there?
pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$1" -p "$2" -t 3
  else
    # shellcheck disable=SC2016 # $0/$1 are expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
  fi
}

# URL with its database replaced (for the scratch database).
url_with_db() { sed -E "s#^([a-z]+://[^/?]*)(/[^?]*)?#\\1/$2#" <<<"$1"; }

# Prints "version cluster port status" of the Debian cluster listening on port $1 (any if empty).
debian_cluster() {
  command -v pg_lsclusters >/dev/null || return 0
  pg_lsclusters -h 2>/dev/null | awk -v port="${1:-}" '
    !found && (port == "" || $3 == port) { print $1, $2, $3, $4; found = 1 }'
}

# Sets PG_URL to a URL that logs in as postgres on 127.0.0.1:$1. A stock Debian cluster wants a
# password over TCP, so when neither URL works there, the postgres role gets password "postgres".
use_local_login() {
  local port=$1 url
  for url in "postgres://postgres@127.0.0.1:$port/postgres" "postgres://postgres:postgres@127.0.0.1:$port/postgres"; do
    if pg_login_ok "$url"; then
      PG_URL=$url
      return 0
    fi
  done
  [[ -n $(debian_cluster "$port") ]] || return 1
  say "postgres: cannot log in as postgres over TCP; setting its password to 'postgres'"
  logged runuser -u postgres -- psql -XAtq -p "$port" -c "ALTER ROLE postgres PASSWORD 'postgres'"
  PG_URL=postgres://postgres:postgres@127.0.0.1:$port/postgres
  pg_login_ok "$PG_URL"
}

choose_postgres() {
  if [[ -n ${TEST_DATABASE_URL:-} ]]; then
    if pg_login_ok "$TEST_DATABASE_URL"; then
      PG_URL=$TEST_DATABASE_URL
      PG_DESC="using TEST_DATABASE_URL $(redact "$PG_URL")"
      return
    fi
    say "postgres: TEST_DATABASE_URL $(redact "$TEST_DATABASE_URL") does not answer; looking for a local server"
  fi

  if pg_answers 127.0.0.1 5432; then
    use_local_login 5432 || die "127.0.0.1:5432 answers but refuses user postgres (with no password or password 'postgres'); set TEST_DATABASE_URL"
    PG_DESC="using local server 127.0.0.1:5432"
    return
  fi

  local ver name port status
  read -r ver name port status <<<"$(debian_cluster)"
  if [[ -n ${ver:-} ]]; then
    if [[ $status == online* ]]; then
      PG_DESC="using Debian cluster $ver/$name on 127.0.0.1:$port"
    else
      logged pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
      PG_DESC="started Debian cluster $ver/$name on 127.0.0.1:$port"
    fi
    wait_for 30 pg_answers 127.0.0.1 "$port" || die "Debian cluster $ver/$name does not answer on 127.0.0.1:$port (see /var/log/postgresql/)"
    use_local_login "$port" || die "cannot log in to Debian cluster $ver/$name as postgres"
    return
  fi

  local was_running=0
  pg_answers 127.0.0.1 54329 && was_running=1
  logged node scripts/embedded-test-postgres.mjs
  PG_URL=postgres://postgres:postgres@127.0.0.1:54329/postgres
  PG_NOTE="; stop it with: node scripts/embedded-test-postgres.mjs --stop"
  if ((was_running)); then
    PG_DESC="using embedded Postgres on 127.0.0.1:54329"
  else
    PG_DESC="started embedded Postgres on 127.0.0.1:54329"
  fi
}

# True when PG_URL is this machine's Debian Postgres, where pgvector can be built and installed.
is_local_debian_server() {
  local addr port
  IFS='|' read -r addr port <<<"$(pg_query "$PG_URL" "select coalesce(host(inet_server_addr()), ''), inet_server_port()")"
  [[ $addr == 127.0.0.1 || $addr == ::1 ]] || return 1
  local cluster
  cluster=$(debian_cluster "$port")
  [[ -n $cluster && $cluster == "$PG_MAJOR "*" online"* ]]
}

# ---------------------------------------------------------------------------------- pgvector

# Prints the URI and Signed-By of the machine's main Debian archive entry ("deb", this release).
debian_mirror() {
  local codename files=()
  codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
  shopt -s nullglob
  files=(/etc/apt/sources.list.d/*.sources)
  shopt -u nullglob
  if ((${#files[@]})); then
    awk -v want="$codename" '
      BEGIN { RS = ""; FS = "\n" }
      {
        types = uris = suites = signed = enabled = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[ \t#]/ || index($i, ":") == 0) continue
          key = tolower(substr($i, 1, index($i, ":") - 1))
          value = substr($i, index($i, ":") + 1)
          gsub(/^[ \t]+|[ \t]+$/, "", value)
          if (key == "types") types = value
          else if (key == "uris") uris = value
          else if (key == "suites") suites = value
          else if (key == "signed-by") signed = value
          else if (key == "enabled") enabled = tolower(value)
        }
        if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " want " ")) {
          split(uris, uri, /[ \t]+/)
          print uri[1], signed
          exit
        }
      }' "${files[@]}" | head -n 1
  fi
  # One-line format: deb [signed-by=...] URI SUITE COMPONENTS...
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk -v want="$codename" '
    $1 == "deb" {
      signed = ""
      if (match($0, /signed-by=[^] ]+/)) signed = substr($0, RSTART + 10, RLENGTH - 10)
      sub(/\[[^]]*\]/, "")
      if ($3 == want && !found) { print $2, signed; found = 1 }
    }'
}

# pgvector is not in bookworm: add trixie's source packages only (a deb-src entry, no "deb" line,
# so apt never installs trixie binaries) on the machine's own mirror.
add_trixie_deb_src() {
  [[ -f $TRIXIE_SRC ]] && return 0
  local uri signed
  read -r uri signed <<<"$(debian_mirror | head -n 1)"
  [[ -n ${uri:-} ]] || die "cannot find the Debian mirror in /etc/apt/sources.list.d/*.sources or sources.list"
  # An inline key block cannot be copied; Debian's keyring covers trixie.
  if [[ ${signed:-} != /* ]]; then
    signed=/usr/share/keyrings/debian-archive-keyring.gpg
    [[ -f $signed ]] || signed=''
  fi
  {
    say "# Added by Master IA scripts/setup-services.sh to build pgvector, which bookworm lacks."
    say "# Source packages only: no \"deb\" entry, so apt never installs trixie binaries from here."
    say "Types: deb-src"
    say "URIs: $uri"
    say "Suites: trixie"
    say "Components: main"
    if [[ -n $signed ]]; then say "Signed-By: $signed"; fi
  } >"$TRIXIE_SRC"
  say "pgvector: added deb-src trixie main on $uri ($TRIXIE_SRC)"
  APT_UPDATED=0 # the new entry needs its index
}

build_pgvector() {
  local major=$1 dir=$CACHE/pgvector-build src
  say "pgvector: not installed for Postgres $major; building it from Debian trixie source"
  add_trixie_deb_src
  apt_update
  # gcc/make: postgresql-server-dev does not pull a C compiler in.
  apt_install "postgresql-server-dev-$major" dpkg-dev gcc make
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && logged apt-get -q source pgvector/trixie)
  src=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [[ -n $src ]] || die "apt-get source pgvector produced no source folder in ${dir#"$REPO"/}"
  # Build for the server's own major version, whatever /usr/bin/pg_config would pick.
  logged make -C "$src" -j"$(nproc)" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config"
  logged make -C "$src" install PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config"
  PGVECTOR_SOURCE=${src##*/}
}

# Creates the extension in a scratch database and uses it; prints its version.
check_pgvector() {
  local db="setup_services_vector_check_$$" version
  pg_query "$PG_URL" "CREATE DATABASE $db" >>"$LOG" 2>&1 || return 1
  version=$(pg_query "$(url_with_db "$PG_URL" "$db")" "CREATE EXTENSION IF NOT EXISTS vector;
    SELECT extversion FROM pg_extension
    WHERE extname = 'vector' AND '[1,2,3]'::vector <-> '[1,2,5]'::vector = 2" 2>>"$LOG") || true
  pg_query "$PG_URL" "DROP DATABASE IF EXISTS $db" >>"$LOG" 2>&1 || true
  [[ -n $version ]] && say "$version"
}

setup_pgvector() {
  local available local_debian=0 version
  PGVECTOR_SOURCE=''
  is_local_debian_server && local_debian=1
  available=$(pg_query "$PG_URL" "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'") ||
    die "cannot query $(redact "$PG_URL")"
  if [[ -z $available ]]; then
    if ((!local_debian)); then
      say "pgvector: not available on this server (PGVECTOR_AVAILABLE=0: the vector store uses its exact-cosine fallback)"
      return
    fi
    build_pgvector "$PG_MAJOR"
  fi
  if ! version=$(check_pgvector); then
    ((local_debian)) && die "pgvector: CREATE EXTENSION vector failed (see ${LOG#"$REPO"/})"
    say "pgvector: listed by the server but CREATE EXTENSION failed here (PGVECTOR_AVAILABLE=0)"
    return
  fi
  PGVECTOR=1
  if [[ -n $PGVECTOR_SOURCE ]]; then
    say "pgvector: built $version from Debian trixie source ($PGVECTOR_SOURCE) and installed; CREATE EXTENSION works"
  else
    say "pgvector: available ($version; CREATE EXTENSION works)"
  fi
}

# ---------------------------------------------------------------------------------- Redis

redis_ping() { [[ $(timeout 3 redis-cli -u "$1" ping 2>/dev/null) == PONG ]]; }

redis_version() { timeout 3 redis-cli -u "$1" info server 2>/dev/null | sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p'; }

setup_redis() {
  command -v redis-cli >/dev/null || apt_install redis-tools
  if [[ -n ${REDIS_URL:-} ]]; then
    if redis_ping "$REDIS_URL"; then
      REDIS=$REDIS_URL
      say "redis: using REDIS_URL $(redact "$REDIS") ($(redis_version "$REDIS"))"
      return
    fi
    say "redis: REDIS_URL $(redact "$REDIS_URL") does not answer PING; looking for a local server"
  fi
  REDIS=redis://127.0.0.1:6379
  local how="using local server"
  if ! redis_ping "$REDIS"; then
    command -v redis-server >/dev/null || apt_install redis-server
    # The package may have started its own server.
    if ! redis_ping "$REDIS"; then
      logged redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
      wait_for 15 redis_ping "$REDIS" || die "redis-server did not answer PING on 127.0.0.1:6379 (port taken by something else?)"
      how="started redis-server on"
    fi
  fi
  say "redis: $how 127.0.0.1:6379 ($(redis_version "$REDIS"))"
}

# ---------------------------------------------------------------------------------- Chromium

setup_chromium() {
  local how=found version
  if [[ ! -x $CHROMIUM ]]; then
    apt_install chromium
    how=installed
  fi
  # Debian's wrapper prints a harmless "[: unexpected operator" on stderr.
  version=$("$CHROMIUM" --version 2>/dev/null) || true
  version=${version%%$'\n'*}
  [[ $version == Chromium\ [0-9]* ]] || die "$CHROMIUM --version printed '${version}', expected 'Chromium <version>'"
  say "chromium: $how $CHROMIUM ($version)"
}

# ---------------------------------------------------------------------------------- main

mkdir -p "$CACHE"
# Services are machine-wide: let concurrent runs (other clones too) take turns.
exec 9>/tmp/masteria-setup-services.lock
flock -w 1800 9 || die "another setup-services.sh run holds /tmp/masteria-setup-services.lock"
rm -f "$ENV_FILE"
printf '=== %s setup-services.sh\n' "$(date -Is)" >"$LOG"

choose_postgres
server=$(pg_query "$PG_URL" "select current_setting('server_version_num')::int / 10000, split_part(current_setting('server_version'), ' ', 1)") ||
  die "cannot query $(redact "$PG_URL")"
IFS='|' read -r PG_MAJOR PG_VERSION <<<"$server"
say "postgres: $PG_DESC ($PG_VERSION)$PG_NOTE"
setup_pgvector
setup_redis
setup_chromium

{
  printf 'export TEST_DATABASE_URL=%q\n' "$PG_URL"
  printf 'export REDIS_URL=%q\n' "$REDIS"
  printf 'export CHROMIUM_PATH=%q\n' "$CHROMIUM"
  printf 'export PGVECTOR_AVAILABLE=%s\n' "$PGVECTOR"
} >"$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
say "services ready in $(($(date +%s%3N) - START_MS)) ms; wrote ${ENV_FILE#"$REPO"/}"
