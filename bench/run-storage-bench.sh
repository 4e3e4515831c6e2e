#!/usr/bin/env bash
# sipring storage benchmarks. Prints "RESULT ..." lines; docs/benchmarks.md ("Storage") records a run.
#
#   bench/run-storage-bench.sh commit      commit latency and throughput of one store per durability, no overlay, 3 rounds (2 min)
#   bench/run-storage-bench.sh throughput  store/fetch ops/s and latency, 3 in-JVM peers over loopback TCP with
#                                          JE stores, 16 and 64 clients, each durability, 3 rounds (about 20 min)
#   bench/run-storage-bench.sh drain       leave() of a peer holding 1,000,000 values in a 4-peer ring (about 10 min)
#   bench/run-storage-bench.sh footprint   disk and heap per value, 1,000,000 values in one store (about 5 min)
#   bench/run-storage-bench.sh repair      time to three copies after a SIGKILL, 5 peer processes, 20,000 values,
#                                          repair grace 30 s and 3 s, 3 trials each (about 25 min)
#   bench/run-storage-bench.sh all         everything above
#
# Environment: BENCH_IP_BASE (default 41: peers on 127.0.0.41..45), BENCH_OVERLAY_PORT (16084),
# BENCH_API_PORT (18080), CLIENTS ("16 64"), DURABILITIES ("write-no-sync sync no-sync"), ROUNDS (3), KEYS (20000),
# WARMUP (10 s), MEASURE (20 s), DRAIN_VALUES (1333334: the drained peer holds 3/4 of them),
# FOOTPRINT_VALUES (1000000), FOOTPRINT_CACHES_MB ("64 1024"), REPAIR_VALUES (20000), REPAIR_GRACES ("30 3"),
# REPAIR_TRIALS (3), JAVA_OPTS (peer processes: the flags of scripts/local-overlay.sh).
# Nothing here runs during ./mvnw verify.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
clients=${CLIENTS:-16 64}
durabilities=${DURABILITIES:-write-no-sync sync no-sync}
keys=${KEYS:-20000}
warmup=${WARMUP:-10}
measure=${MEASURE:-20}
rounds=${ROUNDS:-3}
drain_values=${DRAIN_VALUES:-1333334}
footprint_values=${FOOTPRINT_VALUES:-1000000}
footprint_caches=${FOOTPRINT_CACHES_MB:-64 1024}
repair_values=${REPAIR_VALUES:-20000}
repair_graces=${REPAIR_GRACES:-30 3}
repair_trials=${REPAIR_TRIALS:-3}

# ---------------------------------------------------------------- in-JVM peers

commit() {
  local cp r
  cp=$(test_classpath)
  for r in $(seq 1 "$rounds"); do
    echo "round $r: $(uptime | sed 's/.*load/load/')"
    java -Xmx512m -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.CommitBench "${durabilities// /,}" "$keys" | grep '^RESULT'
  done
}

throughput() {
  local cp d c ops r
  cp=$(test_classpath)
  # rounds interleave the configurations, so a burst of load from elsewhere does not hit one of them only
  for r in $(seq 1 "$rounds"); do
    for c in $clients; do
      for d in $durabilities; do
        # fetch does not depend on the durability: measured with the default only
        ops=store
        [[ $d == write-no-sync ]] && ops=store,fetch
        echo "round $r: $(uptime | sed 's/.*load/load/')"
        java -Xmx1g -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.StorageThroughputBench \
          "$d" "$c" "$keys" "$warmup" "$measure" 128 "$ip_base" "$overlay_port" "$ops" | grep '^RESULT\|^overlay counters'
      done
    done
  done
}

drain() {
  local cp
  cp=$(test_classpath)
  java -Xmx2g -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.DrainBench "$drain_values" 4 128 "$ip_base" \
    "$overlay_port" | grep '^RESULT\|^the hand-over\|^draining\|^  \|^overlay counters'
}

footprint() {
  local cp mb
  cp=$(test_classpath)
  for mb in $footprint_caches; do
    java -Xmx2g -XX:+UseSerialGC -cp "$cp" org.sipring.peer.bench.StorageFootprintBench "$footprint_values" 128 "$mb" \
      | grep '^RESULT'
  done
}

# ---------------------------------------------------------------- peer processes

repair() {
  local cp grace trial victim n
  cp=$(test_classpath)
  build_jar
  mkdir -p "$run"
  trap stop_all EXIT
  for grace in $repair_graces; do
    for trial in $(seq 1 "$repair_trials"); do
      start_peer 1 "" --peer.storage.repair-grace="${grace}s"
      wait_active 1 >/dev/null
      for n in 2 3 4 5; do
        start_peer "$n" "$(ip 1):$overlay_port" --peer.storage.repair-grace="${grace}s"
        wait_active "$n" >/dev/null
      done
      victim=$((2 + (trial - 1) % 4))
      echo "repair-grace ${grace}s, trial $trial: SIGKILL of peer$victim" >&2
      PEER_API_ADMIN_TOKEN=$admin_token PEER_API_READ_TOKEN=$read_token java -Xmx256m -XX:+UseSerialGC -cp "$cp" \
        org.sipring.peer.bench.RepairBench "$repair_values" "$victim" 5 "$ip_base" "$api_port" "$run" \
        | grep '^RESULT\|^before\|^warning' | sed "s/^RESULT repair /RESULT repair grace=${grace}s trial=$trial /"
      stop_all
      sleep 2
    done
  done
}

case ${1:-all} in
  commit) commit ;;
  throughput) throughput ;;
  drain) drain ;;
  footprint) footprint ;;
  repair) repair ;;
  all) commit; footprint; throughput; drain; repair ;;
  *) sed -n '2,19p' "$0"; exit 2 ;;
esac
