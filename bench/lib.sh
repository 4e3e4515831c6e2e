# Shared by the bench scripts: sourced, not run. Settings from the environment (BENCH_IP_BASE,
# BENCH_OVERLAY_PORT, BENCH_API_PORT, JAVA_OPTS), the builds, and peer processes on 127.0.0.x.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run=$root/bench/run
jar=$root/peer-service/target/peer-service.jar
ip_base=${BENCH_IP_BASE:-41}
overlay_port=${BENCH_OVERLAY_PORT:-16084}
api_port=${BENCH_API_PORT:-18080}
: "${JAVA_OPTS:=-Xmx128m -Xss512k -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m -XX:+ExitOnOutOfMemoryError}"
mvn=("$root/mvnw" -B -q)
read_token=$(printf "bench-read-%016d" $$)
admin_token=$(printf "bench-admin-%016d" $$)

# ---------------------------------------------------------------- builds

test_classpath() {
  "${mvn[@]}" -o -pl peer-service test-compile >&2
  if [[ ! -s peer-service/target/bench.classpath || peer-service/pom.xml -nt peer-service/target/bench.classpath
        || pom.xml -nt peer-service/target/bench.classpath ]]; then
    "${mvn[@]}" -pl peer-service dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/bench.classpath >&2
  fi
  echo "peer-service/target/test-classes:peer-service/target/classes:$(cat peer-service/target/bench.classpath)"
}

build_jar() {
  "${mvn[@]}" -o -pl peer-service package -DskipTests >&2
}

# ---------------------------------------------------------------- peer processes

ip() { echo "127.0.0.$((ip_base + $1 - 1))"; }

now_ms() { date +%s%3N; }

state() { # state N
  curl -fsS --max-time 2 -H "Authorization: Bearer $read_token" "http://$(ip "$1"):$api_port/api/v1/peer" 2>/dev/null \
    | grep -o '"state":"[A-Z_]*"' | cut -d'"' -f4 || true
}

start_peer() { # start_peer N BOOTSTRAP [EXTRA ARGS...]
  local n=$1 bootstrap=$2
  shift 2
  rm -rf "$run/peer$n"
  mkdir -p "$run/peer$n"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  PEER_API_ADMIN_TOKEN=$admin_token PEER_API_READ_TOKEN=$read_token nohup java $JAVA_OPTS -jar "$jar" \
    --peer.overlay.name=bench.sipring \
    --peer.overlay.listen="$(ip "$n"):$overlay_port" \
    --peer.overlay.bootstrap="$bootstrap" \
    --peer.overlay.tls.enabled=false \
    --peer.storage.dir="$run/peer$n" \
    --server.address="$(ip "$n")" --server.port="$api_port" \
    "$@" >"$run/peer$n.log" 2>&1 </dev/null &
  echo $! >"$run/peer$n.pid"
}

wait_active() { # wait_active N; echoes ms since epoch when ACTIVE was first seen
  local n=$1 deadline=$((SECONDS + 120))
  until [[ $(state "$n") == ACTIVE ]]; do
    kill -0 "$(cat "$run/peer$n.pid")" 2>/dev/null || { echo "peer$n exited; see $run/peer$n.log" >&2; return 1; }
    ((SECONDS < deadline)) || { echo "peer$n not ACTIVE after 120 s" >&2; return 1; }
    sleep 0.05
  done
  now_ms
}

stop_pid_file() { # stop_pid_file FILE SECONDS: SIGTERM the process named in FILE, SIGKILL after SECONDS, forget FILE
  local file=$1 seconds=$2 pid
  [[ -s $file ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop_peer() { # graceful stop of a peer a script started (a killed one is only forgotten)
  stop_pid_file "$run/peer$1.pid" 30
}

stop_all() {
  for n in 1 2 3 4 5; do stop_peer "$n"; done
}
