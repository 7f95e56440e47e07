#!/usr/bin/env bash
# Starts/stops the project's own PostgreSQL and MariaDB on loopback ports, in a temporary
# folder. Idempotent: `start` on running servers does nothing.
#   scripts/db.sh start | stop | status | env | restart pg|mysql
# Settings (defaults match wrangler.jsonc's localConnectionString values):
#   LUNORA_DB_DIR (/tmp/lunora-db)  LUNORA_PG_PORT (54329)  LUNORA_MYSQL_PORT (33069)
set -euo pipefail

DB_DIR=${LUNORA_DB_DIR:-/tmp/lunora-db}
PG_PORT=${LUNORA_PG_PORT:-54329}
MY_PORT=${LUNORA_MYSQL_PORT:-33069}
DB_NAME=lunora
DB_USER=lunora
PG_PASSWORD=lunora_pg_pw
MY_PASSWORD=lunora_my_pw

PG_DATA=$DB_DIR/pg
MY_DATA=$DB_DIR/mysql
RUN_DIR=$DB_DIR/run
MY_SOCK=$RUN_DIR/mysqld.sock
MY_PID=$RUN_DIR/mysqld.pid

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)

as_user() { # as_user USER CMD...: run as the service account when we are root
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then
    su "$user" -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

prepare_dirs() {
  mkdir -p "$DB_DIR" "$RUN_DIR" "$PG_DATA" "$MY_DATA"
  chmod 755 "$DB_DIR"
  chmod 1777 "$RUN_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DATA"
    chown mysql:mysql "$MY_DATA"
  fi
  chmod 700 "$PG_DATA"
}

pg_running() { as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

start_pg() {
  if pg_running; then echo "db: postgres already running on $PG_PORT"; return; fi
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    as_user postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  # setsid: the servers get their own session, so they outlive the process group (a test
  # run, a CI step) that happened to start or restart them.
  as_user postgres setsid -w "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$RUN_DIR/postgres.log" -w -t 60 start \
    -o "-p $PG_PORT -k $RUN_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  local psql=(as_user postgres psql -h "$RUN_DIR" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -d postgres -c "select 1 from pg_roles where rolname='$DB_USER'")" ]; then
    "${psql[@]}" -d postgres -c "create role $DB_USER login password '$PG_PASSWORD' createdb"
  fi
  if [ -z "$("${psql[@]}" -d postgres -c "select 1 from pg_database where datname='$DB_NAME'")" ]; then
    "${psql[@]}" -d postgres -c "create database $DB_NAME owner $DB_USER encoding 'UTF8' template template0"
  fi
  echo "db: postgres on 127.0.0.1:$PG_PORT"
}

my_running() { [ -f "$MY_PID" ] && kill -0 "$(cat "$MY_PID")" 2>/dev/null; }

my_sql() { mariadb --no-defaults --socket="$MY_SOCK" -uroot "$@"; }

start_mysql() {
  if my_running; then echo "db: mariadb already running on $MY_PORT"; return; fi
  if [ ! -d "$MY_DATA/mysql" ]; then
    mariadb-install-db --no-defaults --user=mysql --datadir="$MY_DATA" \
      --auth-root-authentication-method=normal --skip-test-db >/dev/null
  fi
  local server
  server=$(command -v mariadbd || echo /usr/sbin/mariadbd)
  # --no-defaults: ignore the system's my.cnf (its socket, port and bind address).
  nohup setsid "$server" --no-defaults --user=mysql --datadir="$MY_DATA" --port="$MY_PORT" \
    --socket="$MY_SOCK" --pid-file="$MY_PID" --bind-address=127.0.0.1 \
    --log-error="$RUN_DIR/mariadb.log" --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_nopad_bin --max-connections=300 >/dev/null 2>&1 &
  for _ in $(seq 1 120); do
    my_sql -e "select 1" >/dev/null 2>&1 && break
    sleep 0.5
  done
  my_sql -e "select 1" >/dev/null || { echo "db: mariadb did not start; see $RUN_DIR/mariadb.log" >&2; exit 1; }
  my_sql <<SQL
DELETE FROM mysql.global_priv WHERE User = '';
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$MY_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$MY_PASSWORD';
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$MY_PASSWORD';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1', '$DB_USER'@'%';
GRANT ALL PRIVILEGES ON \`${DB_NAME}\\_%\`.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1', '$DB_USER'@'%';
GRANT PROCESS, CONNECTION ADMIN ON *.* TO '$DB_USER'@'localhost', '$DB_USER'@'127.0.0.1', '$DB_USER'@'%';
FLUSH PRIVILEGES;
SQL
  echo "db: mariadb on 127.0.0.1:$MY_PORT"
}

stop_pg() {
  if pg_running; then as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; fi
  echo "db: postgres stopped"
}

stop_mysql() {
  if my_running; then
    local pid
    pid=$(cat "$MY_PID")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  echo "db: mariadb stopped"
}

print_env() {
  echo "LUNORA_PG_URL=postgres://$DB_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$DB_NAME"
  echo "LUNORA_MYSQL_URL=mysql://$DB_USER:$MY_PASSWORD@127.0.0.1:$MY_PORT/$DB_NAME"
}

case "${1:-}" in
  start) prepare_dirs; start_pg; start_mysql ;;
  stop) stop_pg; stop_mysql ;;
  status) pg_running && echo "postgres: running" || echo "postgres: stopped"
          my_running && echo "mariadb: running" || echo "mariadb: stopped" ;;
  env) print_env ;;
  restart)  # used by the reliability tests: a server restart between two mutations
    case "${2:-}" in
      pg) as_user postgres setsid -w "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 restart \
            -o "-p $PG_PORT -k $RUN_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
          echo "db: postgres restarted" ;;
      mysql) stop_mysql; prepare_dirs; start_mysql ;;
      *) echo "usage: $0 restart pg|mysql" >&2; exit 2 ;;
    esac ;;
  *) echo "usage: $0 start|stop|status|env|restart pg|mysql" >&2; exit 2 ;;
esac
