#!/usr/bin/env bash
# compose up -d / ps / logs / down of a web service and a "database" service, busybox tools only:
#   - db is built by up (missing image), keeps its data in the named volume app_dbdata, serves it with
#     httpd on port 9000 and has a health check; web waits for it (condition: service_healthy);
#   - both are in the network namespace of app_default (loopback only): web's CGI script reaches db by
#     its service name (/etc/hosts → 127.0.0.1), and the test reaches web through the published port
#     127.0.0.1:PORT (the network holder's forwarder);
#   - the volume keeps its data across down / up; down -v removes it;
#   - containers are named app-<service>-<n> and labelled; scale, network_mode none, a port conflict.
# After each down nothing is left running or mounted.
source "$MYBUILD_E2E_LIB"
source "$(dirname "$MYBUILD_E2E_LIB")/containers.bash"
container_test_setup
PORT=$((20000 + $$ % 20000))
mkdir -p app/site/cgi-bin
cat >app/site/cgi-bin/value <<'SCRIPT'
#!/bin/sh
echo "Content-Type: text/plain"
echo
printf 'GET /value HTTP/1.0\r\n\r\n' | nc db 9000 | tail -n 1
SCRIPT
chmod +x app/site/cgi-bin/value
cat >app/compose.yaml <<EOF
services:
  db:
    build:
      dockerfile_inline: |
        FROM ctr-base:latest
        RUN mkdir -p /data
    init: true
    command: ["sh", "-c", "mkdir -p /data/www; [ -f /data/www/value ] || echo first-value >/data/www/value; echo db ready; exec httpd -f -p 9000 -h /data/www"]
    volumes: [dbdata:/data]
    healthcheck:
      test: ["CMD-SHELL", "printf 'GET /value HTTP/1.0\\\\r\\\\n\\\\r\\\\n' | nc 127.0.0.1 9000 | grep -q value"]
      interval: 200ms
      retries: 100
  web:
    image: ctr-base:latest
    init: true
    depends_on:
      db: {condition: service_healthy}
    # Binds are noexec: the CGI script is copied into the container's own filesystem.
    command: ["sh", "-c", "mkdir -p /srv/cgi-bin && cp /site/cgi-bin/value /srv/cgi-bin/ && exec httpd -f -p 8080 -h /srv"]
    volumes: ["./site:/site:ro"]
    ports: ["127.0.0.1:$PORT:8080"]
  worker:
    image: ctr-base:latest
    init: true
    scale: 2
    network_mode: none
    environment: {ROLE: worker}
    command: ["sh", "-c", "echo worker \$\$ROLE; exec sleep 1000"]
volumes:
  dbdata:
EOF
cd app
compose() { "$MYBUILD" compose "$@"; }
get() { printf 'GET %s HTTP/1.0\r\n\r\n' "$1" | /bin/busybox nc 127.0.0.1 "$PORT" | tail -n 1; }

compose up -d >"$E2E_WORK/up.out" 2>"$E2E_WORK/up.err" || { cat "$E2E_WORK/up.err"; fail "compose up -d"; }
pass "compose up -d builds the missing image and starts the project"
grep -q " Network app_default  Created" "$E2E_WORK/up.err" || fail "up names the network: $(cat "$E2E_WORK/up.err")"
for c in app-db-1 app-web-1 app-worker-1 app-worker-2; do
  grep -q " Container $c  Started" "$E2E_WORK/up.err" || fail "up starts $c: $(cat "$E2E_WORK/up.err")"
done
pass "containers are named <project>-<service>-<n>"
assert_eq "first-value" "$(get /cgi-bin/value)" "the test reaches web on 127.0.0.1:$PORT, web reaches db by its name"
ps_out=$(compose ps)
assert_contains "$ps_out" "(healthy)" "compose ps shows db's health"
assert_contains "$ps_out" "127.0.0.1:$PORT->8080/tcp" "compose ps shows the published port"
assert_eq "app-db-1 app-web-1 app-worker-1 app-worker-2" "$(compose ps | awk 'NR > 1 {print $1}' | xargs)" "compose ps lists the project's containers"
web_id=$("$MYBUILD" ps | awk '$NF == "app-web-1" {print $1}')
assert_eq "app web 1" "$(jq -r '[.labels["com.docker.compose.project"], .labels["com.docker.compose.service"], .labels["com.docker.compose.container-number"]] | join(" ")' "$MYBUILD_ROOT"/containers/"$web_id"*/config.json)" \
  "containers carry the compose labels"
wait_until "the workers have written their output" sh -c "\"$MYBUILD\" compose logs worker | grep -q 'worker-2 *| worker worker'"
assert_contains "$(compose logs db)" "db-1  | db ready" "compose logs prefixes each line with <service>-<n>"
status=0
"$MYBUILD" exec app-worker-1 sh -c 'printf "GET / HTTP/1.0\r\n\r\n" | nc db 9000' >/dev/null 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "a network_mode none service does not reach the network"
pass "a network_mode none service does not reach the network"
status=0
printf 'GET / HTTP/1.0\r\n\r\n' | /bin/busybox nc 127.0.0.1 9000 >/dev/null 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "db's port is not on the host"
pass "the network's ports are not on the host's loopback (only published ones are)"

# Up again: nothing changes.
compose up -d 2>"$E2E_WORK/up2.err" >/dev/null || fail "a second up"
assert_eq 4 "$(grep -c '  Running$' "$E2E_WORK/up2.err")" "a second up leaves the running containers as they are"

# The volume keeps the data across down / up.
"$MYBUILD" exec app-db-1 sh -c 'echo second-value >/data/www/value' || fail "writing to the volume"
compose down >"$E2E_WORK/down.out" 2>&1 || { cat "$E2E_WORK/down.out"; fail "compose down"; }
assert_eq "" "$("$MYBUILD" ps -a -q)" "down removes every container"
[ -z "$(ls "$MYBUILD_ROOT/networks")" ] || fail "down removes the network: $(ls "$MYBUILD_ROOT/networks")"
pass "down removes the network"
assert_no_leaks "compose down" "network-holder --dir $MYBUILD_ROOT"
[ -d "$MYBUILD_ROOT/volumes/app_dbdata" ] || fail "down keeps the volume"
pass "down keeps the volume"
compose up -d >/dev/null 2>&1 || fail "up after down"
assert_eq "second-value" "$(get /cgi-bin/value)" "the named volume kept db's data across down / up"
compose down -v >"$E2E_WORK/down.out" 2>&1 || fail "compose down -v"
grep -q " Volume app_dbdata  Removed" "$E2E_WORK/down.out" || fail "down -v names the volume: $(cat "$E2E_WORK/down.out")"
[ ! -e "$MYBUILD_ROOT/volumes/app_dbdata" ] || fail "down -v removes the volume"
pass "down -v removes the volume"
assert_no_leaks "compose down -v" "network-holder --dir $MYBUILD_ROOT"

# Two services listening on one port of one network: refused before anything starts.
mkdir -p "$E2E_WORK/clash" && cd "$E2E_WORK/clash"
cat >compose.yaml <<'EOF'
services:
  a: {image: ctr-base:latest, command: [sleep, "100"], ports: ["8000"]}
  b: {image: ctr-base:latest, command: [sleep, "100"], ports: ["8000"]}
EOF
status=0
compose up -d >"$E2E_WORK/out" 2>&1 || status=$?
assert_eq 1 "$status" "a port conflict fails up"
assert_contains "$(cat "$E2E_WORK/out")" "services a and b both listen on port 8000 of network clash_default" "the error names both services"
assert_eq "" "$("$MYBUILD" ps -a -q)" "nothing was started"
