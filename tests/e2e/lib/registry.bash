# A real registry for the tests/e2e/registry_*.sh scripts: Debian's docker-registry (distribution),
# started on 127.0.0.1 on a free port with its storage in $E2E_WORK, never the system service. Stopped
# (and its directory removed) when the script exits. Source after common.bash.

# _registry_pids: registries started by this script, stopped by the EXIT trap.
_registry_pids=()
stop_registries() {
  local pid
  for pid in "${_registry_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap 'stop_registries; cleanup_e2e' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry NAME [HTPASSWD_FILE [IP CERT KEY]]: starts a registry and sets REGISTRY (127.0.0.1:PORT,
# or IP:PORT) and REGISTRY_LOG (its log file). With an htpasswd file ("" for none) the registry asks for
# Basic credentials; with IP, CERT and KEY it listens on IP with TLS.
start_registry() {
  local name=$1 htpasswd=${2:-} ip=${3:-127.0.0.1} cert=${4:-} key=${5:-} dir="$E2E_WORK/registry-$1" port scheme=http
  [ -x /usr/bin/docker-registry ] || skip "docker-registry is not installed (scripts/install-deps.sh --with-test-tools)"
  require_tool curl
  mkdir -p "$dir/storage"
  port=$(free_port)
  {
    echo "version: 0.1"
    echo "log: {level: info, formatter: text}"
    echo "storage: {filesystem: {rootdirectory: $dir/storage}, delete: {enabled: true}}"
    if [ -n "$cert" ]; then
      scheme=https
      echo "http: {addr: $ip:$port, secret: e2e-secret, tls: {certificate: $cert, key: $key}}"
    else
      echo "http: {addr: $ip:$port, secret: e2e-secret}"
    fi
    if [ -n "$htpasswd" ]; then
      echo "auth: {htpasswd: {realm: e2e, path: $htpasswd}}"
    fi
  } >"$dir/config.yml"
  REGISTRY_LOG="$dir/registry.log"
  # distribution reads REGISTRY_* variables as configuration (REGISTRY_AUTH_FILE would be auth.file).
  local unset_args=() var
  for var in $(compgen -e | grep '^REGISTRY_' || true); do unset_args+=(-u "$var"); done
  env "${unset_args[@]}" /usr/bin/docker-registry serve "$dir/config.yml" >"$REGISTRY_LOG" 2>&1 &
  _registry_pids+=("$!")
  REGISTRY="$ip:$port"
  local i code
  for i in $(seq 1 100); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' "$scheme://$REGISTRY/v2/" || true)
    if [ "$code" = 200 ] || [ "$code" = 401 ]; then return 0; fi
    kill -0 "${_registry_pids[-1]}" 2>/dev/null || { cat "$REGISTRY_LOG" >&2; skip "docker-registry exited at start"; }
    sleep 0.1
  done
  cat "$REGISTRY_LOG" >&2
  skip "docker-registry did not answer on $REGISTRY within 10 s"
}

# htpasswd_file FILE USER PASSWORD: a bcrypt htpasswd entry (the only format distribution accepts).
htpasswd_file() {
  local hash
  hash=$(python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' "$3" 2>/dev/null) ||
    return 1
  [[ "$hash" == '$2'* ]] || return 1
  echo "$2:$hash" >"$1"
}
