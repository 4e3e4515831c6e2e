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

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
join_trials=${JOIN_TRIALS:-5}
sim_heap=${SIM_HEAP:--Xmx6g}

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
