#!/usr/bin/env bash
# sipring overlay benchmarks. Prints "RESULT ..." lines; docs/benchmarks.md records a run.
#
#   bench/run-overlay-bench.sh hops [MODE N LOOKUPS SEED BATCH SPACING TIMERS]
#                                       simulator hop counts; without arguments the table in the doc
#   bench/run-overlay-bench.sh balance  largest range / mean range, N = 3..50, 20 seeds
#   bench/run-overlay-bench.sh lookup   lookup latency, 5 in-JVM peers over loopback TCP
#   bench/run-overlay-bench.sh join     time to ACTIVE for a 5th peer process joining a 4-peer ring
#   bench/run-overlay-bench.sh heap     idle heap of the 5 peer processes (after a forced GC)
#   bench/run-overlay-bench.sh all      everything above (about 50 minutes on 2 cores)
#
# Environment: BENCH_IP_BASE (default 41: peers on 127.0.0.41..45), BENCH_OVERLAY_PORT (16084),
# BENCH_API_PORT (18080), JOIN_TRIALS (5), JAVA_OPTS (the flags of scripts/local-overlay.sh),
# SIM_HEAP (-Xmx6g for the simulator JVM). Nothing here runs during ./mvnw verify.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run=$root/bench/run
jar=$root/peer-service/target/peer-service.jar
ip_base=${BENCH_IP_BASE:-41}
overlay_port=${BENCH_OVERLAY_PORT:-16084}
api_port=${BENCH_API_PORT:-18080}
join_trials=${JOIN_TRIALS:-5}
: "${JAVA_OPTS:=-Xmx128m -Xss512k -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=48m -XX:+ExitOnOutOfMemoryError}"
sim_heap=${SIM_HEAP:--Xmx6g}
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

# ---------------------------------------------------------------- simulator

hops() {
  local cp
  cp=$(test_classpath)
  if (($# > 0)); then
    # shellcheck disable=SC2086 # sim_heap is one flag
    java $sim_heap -XX:+UseParallelGC -XX:ParallelGCThreads=1 -cp "$cp" org.sipring.peer.bench.HopCountBench "$@" | grep '^RESULT'
    return
  fi
  # real joins one at a time, every 200 ms, simulator-test timers (N = 1,000 with the view: ~15 min)
  for mode in full chord; do
    for n in 10 100 1000; do
      java $sim_heap -XX:+UseParallelGC -XX:ParallelGCThreads=1 -cp "$cp" org.sipring.peer.bench.HopCountBench "$mode" "$n" 5000 1 | grep '^RESULT'
    done
  done
  # large rings: 10 joins every 200 ms, configured random Node-IDs, stabilize 5 s (docs/benchmarks.md)
  for n in 1000 10000; do
    for mode in chord origins; do
      java $sim_heap -XX:+UseParallelGC -XX:ParallelGCThreads=1 -cp "$cp" org.sipring.peer.bench.HopCountBench "$mode" "$n" 5000 1 10 200 slow \
        random-ids | grep '^RESULT'
    done
  done
}

balance() {
  local cp
  cp=$(test_classpath)
  java -Xmx1g -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.BalanceBench 20 1 | grep '^RESULT'
}

lookup() {
  local cp
  cp=$(test_classpath)
  for mode in full chord; do
    java -Xmx512m -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.LoopbackLookupBench 20000 "$overlay_port" "$mode" \
      | grep '^RESULT'
  done
}

# ---------------------------------------------------------------- peer processes

ip() { echo "127.0.0.$((ip_base + $1 - 1))"; }

now_ms() { date +%s%3N; }

state() { # state N
  curl -fsS --max-time 2 -H "Authorization: Bearer $read_token" "http://$(ip "$1"):$api_port/api/v1/peer" 2>/dev/null \
    | grep -o '"state":"[A-Z_]*"' | cut -d'"' -f4 || true
}

start_peer() { # start_peer N BOOTSTRAP; echoes the pid
  local n=$1 bootstrap=$2
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
    >"$run/peer$n.log" 2>&1 </dev/null &
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

stop_peer() { # graceful stop of a peer this script started
  local n=$1 pid
  [[ -s $run/peer$n.pid ]] || return 0
  pid=$(cat "$run/peer$n.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$run/peer$n.pid"
}

stop_all() {
  for n in 1 2 3 4 5; do stop_peer "$n"; done
}

log_ms() { # log_ms FILE PATTERN: ms since epoch of the first log line matching
  local ts
  ts=$(grep -m1 "$2" "$1" | cut -d' ' -f1)
  [[ -n $ts ]] && date -d "$ts" +%s%3N
}

start_ring() { # 4 peers, peer1 founds the overlay
  mkdir -p "$run"
  build_jar
  start_peer 1 ""
  wait_active 1 >/dev/null
  for n in 2 3 4; do
    start_peer "$n" "$(ip 1):$overlay_port"
    wait_active "$n" >/dev/null
  done
  sleep 5
}

join() {
  trap stop_all EXIT
  start_ring
  local t launch active joined joining bootstrap
  for t in $(seq 1 "$join_trials"); do
    bootstrap="$(ip $((1 + (t - 1) % 4))):$overlay_port"
    launch=$(now_ms)
    start_peer 5 "$bootstrap"
    active=$(wait_active 5)
    joining=$(log_ms "$run/peer5.log" "joining the overlay through")
    joined=$(log_ms "$run/peer5.log" "joined the overlay as")
    echo "RESULT join trial=$t via=$bootstrap | process start -> ACTIVE seen by API: $((active - launch)) ms" \
      "| process start -> 'joined' log line: $((joined - launch)) ms" \
      "| join call -> joined (log lines): $((joined - joining)) ms"
    stop_peer 5
    sleep 3
  done
  stop_all
}

heap() {
  trap stop_all EXIT
  start_ring
  start_peer 5 "$(ip 1):$overlay_port"
  wait_active 5 >/dev/null
  echo "idle for 60 s ..." >&2
  sleep 60
  local n pid used committed rss
  for n in 1 2 3 4 5; do
    pid=$(cat "$run/peer$n.pid")
    jcmd "$pid" GC.run >/dev/null
    sleep 1
    # after a full GC the old generation holds the live set; eden is (nearly) empty
    read -r used committed < <(jstat -gc "$pid" | awk 'NR==2 {printf "%.1f %.1f\n", ($3+$4+$6+$8)/1024, ($1+$2+$5+$7)/1024}')
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
    echo "RESULT heap peer$n | heap used after GC: ${used} MB | heap committed: ${committed} MB" \
      "| metaspace used: $(jstat -gc "$pid" | awk 'NR==2 {printf "%.1f", $10/1024}') MB | RSS: ${rss} MB | JAVA_OPTS: $JAVA_OPTS"
  done
  jcmd "$(cat "$run/peer1.pid")" GC.heap_info
  stop_all
}

case ${1:-all} in
  hops) shift; hops "$@" ;;
  balance) balance ;;
  lookup) lookup ;;
  join) join ;;
  heap) heap ;;
  all) balance; lookup; join; heap; hops ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
