#!/usr/bin/env bash
# A 3-peer sipring overlay on this machine, with TLS from a development CA:
#   peer I: overlay 127.0.0.I:6084, admin API http://127.0.0.I:8080, data ./run/peerI, log ./run/peerI.log
#
#   scripts/local-overlay.sh          build the jar if needed, start the peers, wait until ACTIVE
#   scripts/local-overlay.sh status   show each peer's state
#   scripts/local-overlay.sh stop     stop the peers gracefully (they leave the overlay)
#
# JAVA_OPTS overrides the per-peer JVM limits below (sized for small machines). The digest challenge
# offers MD5 first here: many SIP clients (SIPp among them) answer only the first challenge and know
# no SHA-256; a production overlay keeps the default order, SHA-256 first (RFC 8760).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run=$root/run
jar=$root/peer-service/target/peer-service.jar
peers=(1 2 3)
overlay_port=6084
api_port=8080
sip_port=5060
sip_domain=sipring.local
: "${JAVA_OPTS:=-Xmx128m -Xss512k -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m -XX:+ExitOnOutOfMemoryError}"

die() {
  echo "local-overlay: $*" >&2
  exit 1
}

pid_of() {
  local file=$run/peer$1.pid
  if [[ -s $file ]] && kill -0 "$(cat "$file")" 2>/dev/null; then
    cat "$file"
  fi
}

api() { # api N PATH
  curl -fsS --max-time 3 -H "Authorization: Bearer $READ_TOKEN" "http://127.0.0.$1:$api_port$2"
}

load_tokens() {
  if [[ ! -s $run/tokens.env ]]; then
    (umask 077 && printf 'ADMIN_TOKEN=dev-admin-%s\nREAD_TOKEN=dev-read-%s\nSIP_SECRET=dev-sip-%s\n' \
      "$(openssl rand -hex 12)" "$(openssl rand -hex 12)" "$(openssl rand -hex 16)" >"$run/tokens.env")
  fi
  # shellcheck source=/dev/null
  source "$run/tokens.env"
  if [[ -z ${SIP_SECRET:-} ]]; then
    (umask 077 && printf 'SIP_SECRET=dev-sip-%s\n' "$(openssl rand -hex 16)" >>"$run/tokens.env")
    # shellcheck source=/dev/null
    source "$run/tokens.env"
  fi
  if [[ -z ${DEMO_PASSWORD:-} ]]; then
    (umask 077 && printf 'DEMO_PASSWORD=demo-%s\n' "$(openssl rand -hex 6)" >>"$run/tokens.env")
    # shellcheck source=/dev/null
    source "$run/tokens.env"
  fi
}

# SIP subscribers alice and bob with the demo password, so a SIP client can register at once.
provision_demo_users() {
  local user
  for user in alice bob; do
    curl -fsS --max-time 10 -X PUT -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
      -d "{\"password\":\"$DEMO_PASSWORD\"}" "http://127.0.0.1:$api_port/api/v1/subscribers/$user@$sip_domain" \
      >/dev/null || die "cannot provision the SIP subscriber $user@$sip_domain"
  done
}

start_peer() {
  local n=$1 bootstrap=$2
  if [[ -n $(pid_of "$n") ]]; then
    echo "peer$n is already running (pid $(pid_of "$n"))"
    return
  fi
  mkdir -p "$run/peer$n"
  # Tokens go through the environment, not the command line, so ps does not show them.
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  PEER_API_ADMIN_TOKEN=$ADMIN_TOKEN PEER_API_READ_TOKEN=$READ_TOKEN PEER_SIP_AUTH_SECRET=$SIP_SECRET \
    nohup java $JAVA_OPTS -jar "$jar" \
    --peer.overlay.listen="127.0.0.$n:$overlay_port" \
    --peer.overlay.bootstrap="$bootstrap" \
    --peer.overlay.tls.certificate="$run/pki/peer$n.crt" \
    --peer.overlay.tls.private-key="$run/pki/peer$n.key" \
    --peer.overlay.tls.ca="$run/pki/ca.crt" \
    --peer.storage.dir="$run/peer$n" \
    --peer.sip.listen="127.0.0.$n:$sip_port" --peer.sip.domains="$sip_domain" \
    --peer.sip.auth.algorithms=MD5,SHA-256 \
    --server.address="127.0.0.$n" --server.port="$api_port" \
    >"$run/peer$n.log" 2>&1 </dev/null &
  echo $! >"$run/peer$n.pid"
  echo "peer$n started (pid $!), log $run/peer$n.log"
}

wait_active() {
  local n=$1 deadline=$((SECONDS + 120))
  until api "$n" /api/v1/peer 2>/dev/null | grep -q '"state":"ACTIVE"'; do
    if [[ -z $(pid_of "$n") ]]; then
      echo "peer$n exited; last lines of $run/peer$n.log:" >&2
      tail -n 15 "$run/peer$n.log" >&2 || true
      return 1
    fi
    ((SECONDS < deadline)) || { echo "peer$n is not ACTIVE after 120 s; see $run/peer$n.log" >&2; return 1; }
    sleep 1
  done
  echo "peer$n is ACTIVE"
}

start() {
  for cmd in java curl openssl; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd is required (scripts/install-deps.sh)"
  done
  if [[ ! -f $jar ]]; then
    echo "building $jar"
    (cd "$root" && ./mvnw -B -q -DskipTests package)
  fi
  mkdir -p "$run"
  "$root/scripts/dev-ca.sh" "$run/pki" "${#peers[@]}" >/dev/null
  load_tokens
  for n in "${peers[@]}"; do
    if ((n == 1)); then
      start_peer "$n" ""
    else
      start_peer "$n" "127.0.0.1:$overlay_port"
    fi
  done
  local failed=0
  for n in "${peers[@]}"; do
    wait_active "$n" || failed=1
  done
  if ((failed)); then
    echo "local-overlay: not every peer came up; stop the rest with: $0 stop" >&2
    exit 1
  fi
  provision_demo_users
  cat <<INFO

A ${#peers[@]}-peer overlay is running. Register a SIP client with any peer (UDP or TCP):
  registrar/proxy 127.0.0.1:$sip_port (or 127.0.0.2, 127.0.0.3), domain $sip_domain,
  user alice or bob, password $DEMO_PASSWORD (digest authentication; see $run/tokens.env)
  curl -s -H "Authorization: Bearer \$READ_TOKEN" http://127.0.0.2:$api_port/api/v1/aors/alice@$sip_domain
Add a subscriber:
  curl -s -X PUT -H "Authorization: Bearer \$ADMIN_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"password":"..."}' http://127.0.0.1:$api_port/api/v1/subscribers/carol@$sip_domain
Look at the overlay with the read token:
  source $run/tokens.env
  curl -s -H "Authorization: Bearer \$READ_TOKEN" http://127.0.0.1:$api_port/api/v1/peer
  curl -s -H "Authorization: Bearer \$READ_TOKEN" http://127.0.0.2:$api_port/api/v1/overlay/peers
  curl -s http://127.0.0.3:$api_port/actuator/health/readiness
Store and read a value in the DHT (admin token to write):
  curl -s -X PUT -H "Authorization: Bearer \$ADMIN_TOKEN" -H 'Content-Type: application/json' \\
    -d '{"value":"hello"}' http://127.0.0.1:$api_port/api/v1/dht/single/greeting
  curl -s -H "Authorization: Bearer \$READ_TOKEN" http://127.0.0.2:$api_port/api/v1/dht/single/greeting
Drain peer 3 (it hands its data over, then leaves) and watch it:
  curl -s -X POST -H "Authorization: Bearer \$ADMIN_TOKEN" http://127.0.0.3:$api_port/api/v1/peer/drain
  curl -s -H "Authorization: Bearer \$READ_TOKEN" http://127.0.0.3:$api_port/api/v1/peer/drain
Logs: $run/peer1.log .. $run/peer${#peers[@]}.log
Stop: $0 stop
INFO
}

status() {
  [[ -s $run/tokens.env ]] || die "no overlay has been started here"
  load_tokens
  for n in "${peers[@]}"; do
    if [[ -n $(pid_of "$n") ]]; then
      echo "peer$n: $(api "$n" /api/v1/peer || echo 'no answer')"
    else
      echo "peer$n: not running"
    fi
  done
}

stop() {
  local n pid
  for n in "${peers[@]}"; do
    pid=$(pid_of "$n")
    if [[ -n $pid ]]; then
      kill -TERM "$pid"
    fi
  done
  for n in "${peers[@]}"; do
    pid=$(pid_of "$n")
    if [[ -n $pid ]]; then
      local deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.5
      done
      if kill -0 "$pid" 2>/dev/null; then
        echo "peer$n did not stop within 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
    rm -f "$run/peer$n.pid"
    echo "peer$n stopped"
  done
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 [start|status|stop]" >&2; exit 2 ;;
esac
