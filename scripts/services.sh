#!/usr/bin/env bash
# Make sure the services the integration tests use are up: MariaDB, Redis and RabbitMQ.
#
#   bash scripts/services.sh                  # all three
#   bash scripts/services.sh mariadb redis    # only these
#
# A service that already answers is left alone; one that does not is started, then waited for
# (SERVICES_WAIT_SECONDS, default 60). The database the tests use is created when missing.
# Running it again changes nothing. Exits non-zero, naming the service and showing the end of
# its log, when a service cannot be started.
#
# Addresses follow the test settings: MICROCREDS_MYSQL_HOST/PORT/USER/PASSWORD/NAME (127.0.0.1,
# 3306, root, empty, microcreds), MICROCREDS_REDIS_HOST/PORT (127.0.0.1, 6379) and
# MICROCREDS_RABBITMQ_HOST/PORT (127.0.0.1, 5672).
set -euo pipefail

WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-60}

MYSQL_HOST=${MICROCREDS_MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MICROCREDS_MYSQL_PORT:-3306}
MYSQL_USER=${MICROCREDS_MYSQL_USER:-root}
MYSQL_PASSWORD=${MICROCREDS_MYSQL_PASSWORD:-}
MYSQL_NAME=${MICROCREDS_MYSQL_NAME:-microcreds}
MARIADB_LOG=${MARIADB_LOG:-/var/log/mysql/error.log}

REDIS_HOST=${MICROCREDS_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${MICROCREDS_REDIS_PORT:-6379}
REDIS_DIR=${REDIS_DIR:-/var/lib/redis}
REDIS_LOG=${REDIS_LOG:-/var/log/redis/ci.log}

RABBITMQ_HOST=${MICROCREDS_RABBITMQ_HOST:-127.0.0.1}
RABBITMQ_PORT=${MICROCREDS_RABBITMQ_PORT:-5672}
RABBITMQ_LOG_DIR=${RABBITMQ_LOG_DIR:-/var/log/rabbitmq}

say() { printf 'services: %s\n' "$*"; }

fail() {
    # fail SERVICE MESSAGE [LOGFILE]
    printf 'services: ERROR: %s: %s\n' "$1" "$2" >&2
    if [[ -n "${3:-}" && -r "$3" ]]; then
        printf 'services: last lines of %s:\n' "$3" >&2
        tail -n 25 "$3" >&2 || true
    fi
    exit 1
}

need() {
    # need SERVICE COMMAND...: every command must be installed
    local service=$1 cmd
    shift
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || fail "$service" "'$cmd' is not installed"
    done
}

tcp_open() {
    # tcp_open HOST PORT: true when something accepts connections there
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_until() {
    # wait_until SERVICE LOGFILE CHECK...: run CHECK every second until it succeeds
    local service=$1 log=$2 deadline=$((SECONDS + WAIT_SECONDS))
    shift 2
    until "$@"; do
        if ((SECONDS >= deadline)); then
            fail "$service" "no answer within ${WAIT_SECONDS}s" "$log"
        fi
        sleep 1
    done
}

# --- MariaDB -----------------------------------------------------------------------------------

mysql_args() {
    local args=(--protocol=tcp -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER")
    [[ -n "$MYSQL_PASSWORD" ]] && args+=("-p$MYSQL_PASSWORD")
    printf '%s\n' "${args[@]}"
}

mariadb_ping() {
    local args
    mapfile -t args < <(mysql_args)
    mysqladmin "${args[@]}" --connect-timeout=2 ping >/dev/null 2>&1
}

ensure_mariadb() {
    need mariadb mysqladmin mysql
    if mariadb_ping; then
        say "MariaDB answers on $MYSQL_HOST:$MYSQL_PORT"
    else
        say "MariaDB does not answer on $MYSQL_HOST:$MYSQL_PORT; starting it"
        need mariadb start-stop-daemon
        [[ -x /usr/sbin/mariadbd ]] || fail mariadb "/usr/sbin/mariadbd is not installed"
        # /run is often a fresh tmpfs: the server needs its socket and pid directory.
        if [[ ! -d /run/mysqld ]]; then
            mkdir -p /run/mysqld
            chown mysql:mysql /run/mysqld 2>/dev/null || true
        fi
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ||
            fail mariadb "start-stop-daemon could not start /usr/sbin/mariadbd" "$MARIADB_LOG"
        wait_until mariadb "$MARIADB_LOG" mariadb_ping
        say "MariaDB started"
    fi
    local args
    mapfile -t args < <(mysql_args)
    mysql "${args[@]}" -e "CREATE DATABASE IF NOT EXISTS \`$MYSQL_NAME\`
        CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
        fail mariadb "could not create the database $MYSQL_NAME"
    say "database $MYSQL_NAME is there"
}

# --- Redis -------------------------------------------------------------------------------------

redis_ping() {
    [[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

ensure_redis() {
    need redis redis-cli
    if redis_ping; then
        say "Redis answers on $REDIS_HOST:$REDIS_PORT"
        return
    fi
    say "Redis does not answer on $REDIS_HOST:$REDIS_PORT; starting it"
    need redis redis-server
    mkdir -p "$REDIS_DIR" "$(dirname "$REDIS_LOG")"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir "$REDIS_DIR" --logfile "$REDIS_LOG" ||
        fail redis "redis-server did not start" "$REDIS_LOG"
    wait_until redis "$REDIS_LOG" redis_ping
    say "Redis started"
}

# --- RabbitMQ ----------------------------------------------------------------------------------

rabbitmq_ping() {
    tcp_open "$RABBITMQ_HOST" "$RABBITMQ_PORT" && rabbitmq-diagnostics -q check_running >/dev/null 2>&1
}

newest_rabbitmq_log() {
    ls -t "$RABBITMQ_LOG_DIR"/*.log 2>/dev/null | head -n 1 || true
}

ensure_rabbitmq() {
    need rabbitmq rabbitmq-diagnostics
    if rabbitmq_ping; then
        say "RabbitMQ answers on $RABBITMQ_HOST:$RABBITMQ_PORT"
        return
    fi
    say "RabbitMQ does not answer on $RABBITMQ_HOST:$RABBITMQ_PORT; starting it"
    need rabbitmq rabbitmq-server
    # -detached returns at once, also when the node is already booting: the wait decides.
    rabbitmq-server -detached || fail rabbitmq "rabbitmq-server did not start" "$(newest_rabbitmq_log)"
    wait_until rabbitmq "$(newest_rabbitmq_log)" rabbitmq_ping
    say "RabbitMQ started"
}

# -----------------------------------------------------------------------------------------------

services=("$@")
((${#services[@]})) || services=(mariadb redis rabbitmq)
for service in "${services[@]}"; do
    case "$service" in
    mariadb | mysql) ensure_mariadb ;;
    redis) ensure_redis ;;
    rabbitmq) ensure_rabbitmq ;;
    *) fail "$service" "unknown service (known: mariadb, redis, rabbitmq)" ;;
    esac
done
