#!/usr/bin/env bash
# sipring's SIP registrar against Kamailio 5.6 on this machine. Prints "RESULT ..." lines;
# docs/benchmarks.md ("SIP registrar vs Kamailio") records a run.
#
#   bench/run-sip-bench.sh [register|invite]
#                                       Both parts in turn, or the one named (SCENARIOS="register invite" likewise).
#     register                          REGISTER over UDP with SIPp, each system alone on the machine in turn:
#                                       sipring (3 peer processes on 127.0.0.51-53), Kamailio with usrloc in memory,
#                                       Kamailio with usrloc written through to db_berkeley; digest auth off and on.
#                                       Per system: highest clean rate (step search), SIPp p50/p99, CPU per REGISTER,
#                                       and a closed-loop latency probe in microseconds (about 35 min; SMOKE=1: 4 min)
#     invite                            INVITE routing over UDP, the same systems, auth off, in proxy mode (INVITE,
#                                       100, 180, 200, ACK, BYE, 200, every request through the registrar along its
#                                       Record-Route) and in redirect mode (INVITE, 302 with the contact, ACK): CALLEES
#                                       AORs registered with a callee SIPp's address as contact, then the same search,
#                                       CPU per call and probe (sip_bench.py probe-invite) (about 25 min; SMOKE=1: 5 min)
#
# One SIPp process sends all REGISTERs (all INVITEs); against sipring each call goes to the next of the three peers
# in turn (the injection file names the peer), so every peer receives a third of the requests, as behind DNS SRV,
# while the client costs the machine the same as against Kamailio. The callees of the INVITE part registered through
# the peers in turn too, and each call goes to one of them at random, so two calls in three enter a peer other than
# the one holding the callee's flow.
#
# Environment: SCENARIOS ("register invite"; a positional argument wins), SYSTEMS ("sipring kamailio-mem kamailio-bdb"),
# AUTHS ("off on"), RATES (REGISTER/s offered, ascending: "250 500 750 1000 1500 2000 3000 4000 5000 7500 10000 15000"),
# STEP (s per rate, 15), WARMUP (s at WARMUP_RATE 1500/s before the search, 150: the three peers' JIT compilers share
# the two cores with the load and are still busy after 90 s at 300/s; Kamailio gets 10 at most), RETRIES (1: a rate that fails is run once more before the search
# stops), BISECT (1: rates tried between the last clean and the first failed one), RETRANS_LIMIT (0.01: a rate is clean
# when no call failed, the responses kept up and at most this share of calls was retransmitted), PROBE (s of
# closed-loop probe, 20), AUTH_AORS (subscribers provisioned, 10000), DURABILITY (peer.storage.durability of the peers,
# write-no-sync), KAM_CHILDREN (UDP workers of the in-memory Kamailio, 2; the db_berkeley one runs 1), PROFILE (1: after
# the sipring auth-off search, two more steps at 3/4 of its highest clean rate: the CPU of every peer thread and GC
# counts, then a JFR recording of peer 1; PROFILE_RATE sets another rate), SMOKE (1: short steps, three rates),
# BENCH_IP_BASE (51: peers on 127.0.0.51-53), KAM_IP (127.0.0.60), CLIENT_IP (127.0.0.70), JAVA_OPTS (1 GB heap, G1:
# a peer holds every binding of a 3-peer ring, hundreds of thousands here, and the JE cache; Kamailio gets 2 GB of
# shared memory).
# INVITE part: INVITE_MODES ("proxy redirect"), INVITE_RATES (calls/s offered, ascending: "100 250 500 750 1000 1500
# 2000 3000 4000 5000 7500 10000"), INVITE_WARMUP_RATE (100/s, for WARMUP s), CALLEES (1000 AORs, each registered
# once), HOLD (ms from ACK to BYE, 200: the peers and Kamailio's workers relay an ACK and a BYE on different threads,
# so a BYE sent at once may overtake its ACK), UAS_IP (127.0.0.71) and UAS_PORT (15070): the callee SIPp.
# Everything listens on and sends to 127.0.0.0/8 only. Nothing here runs during ./mvnw verify.
set -euo pipefail

export BENCH_IP_BASE=${BENCH_IP_BASE:-51}
: "${JAVA_OPTS:=-Xmx1g -Xss512k -XX:MaxDirectMemorySize=64m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError}"
export JAVA_OPTS
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ${SMOKE:-0} == 1 ]]; then
  : "${RATES:=250 1000 4000}" "${STEP:=4}" "${WARMUP:=5}" "${PROBE:=3}" "${AUTH_AORS:=300}" "${RETRIES:=0}" "${BISECT:=0}" \
    "${PROFILE:=0}" "${INVITE_RATES:=100 500 2000}" "${CALLEES:=300}"
fi
systems=${SYSTEMS:-sipring kamailio-mem kamailio-bdb}
auths=${AUTHS:-off on}
rates=${RATES:-250 500 750 1000 1500 2000 3000 4000 5000 7500 10000 15000}
step_s=${STEP:-15}
warmup_s=${WARMUP:-150}
warmup_rate=${WARMUP_RATE:-1500}
retries=${RETRIES:-1}
retrans_limit=${RETRANS_LIMIT:-0.01}
bisect=${BISECT:-1}
probe_s=${PROBE:-20}
auth_aors=${AUTH_AORS:-10000}
durability=${DURABILITY:-write-no-sync}
kam_children=${KAM_CHILDREN:-2}
profile=${PROFILE:-1}
invite_modes=${INVITE_MODES:-proxy redirect}
invite_rates=${INVITE_RATES:-100 250 500 750 1000 1500 2000 3000 4000 5000 7500 10000}
invite_warmup_rate=${INVITE_WARMUP_RATE:-100}
callees=${CALLEES:-1000}
hold_ms=${HOLD:-200}
uas_ip=${UAS_IP:-127.0.0.71}
uas_port=${UAS_PORT:-15070}
kam_ip=${KAM_IP:-127.0.0.60}
client_ip=${CLIENT_IP:-127.0.0.70}
sip_port=5060
domain=bench.sipring
password="bench-pw-0123"
bench=$root/bench
out=$run/sip
scenarios=${1:-${SCENARIOS:-register invite}}
routing=proxy # peer.sip.routing of the peers
kam_define=   # -A of Kamailio's configuration for the INVITE part: WITH_ROUTING or WITH_REDIRECT
kam_tag=      # names Kamailio's log: auth-on, invite-proxy...

# ---------------------------------------------------------------- set-up

install_missing() {
  local missing=() as_root=()
  command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
  command -v kamailio >/dev/null 2>&1 || missing+=(kamailio)
  [[ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_berkeley.so ]] || missing+=(kamailio-berkeley-modules)
  command -v db_load >/dev/null 2>&1 || missing+=(db-util)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  ((${#missing[@]} == 0)) && return 0
  ((EUID == 0)) || as_root=(sudo -n)
  echo "installing ${missing[*]}" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >&2
  # Debian's package starts a system-wide Kamailio where an init system runs; the benchmark needs the machine to itself
  if pgrep -x kamailio >/dev/null && command -v systemctl >/dev/null 2>&1; then
    "${as_root[@]}" systemctl stop kamailio >&2 || true
  fi
}

cleanup() {
  local f
  for f in "$out/sipp.pid" "$out/uas.pid"; do
    if [[ -s $f ]]; then
      kill "$(cat "$f")" 2>/dev/null || true
      rm -f "$f"
    fi
  done
  stop_kamailio
  stop_all
}

# ---------------------------------------------------------------- measurement

udp_rcvbuf_errors() { awk '/^Udp: [0-9]/ { print $6 }' /proc/net/snmp; }

cpu_ticks() { # cpu_ticks PID...: user + system clock ticks of the processes
  local t=0 p f
  for p in "$@"; do
    if [[ -r /proc/$p/stat ]]; then
      f=$(sed 's/.*) //' "/proc/$p/stat")
      t=$((t + $(echo "$f" | awk '{ print $12 + $13 }')))
    fi
  done
  echo "$t"
}

server_pids() { # the processes answering the REGISTERs (routing the INVITEs)
  if [[ $system == sipring ]]; then
    cat "$run"/peer{1,2,3}.pid
  else
    pgrep -P "$(cat "$out/kamailio.pid")"
    cat "$out/kamailio.pid"
  fi
}

sipp_run() { # sipp_run TAG RATE CALLS FIRST-USER: one SIPp run; prints its summary line (CALLS: a multiple of RATE,
  # as SIPp writes its response times in blocks of RATE calls)
  local tag=$1 rate=$2 calls=$3 first=$4 dir scenario population=0 t0 t1 r0 r1 times cpu_sipp
  dir=$out/$system-auth-$auth/$tag
  rm -rf "$dir"
  mkdir -p "$dir"
  scenario=$bench/sipp/register.xml
  if [[ $auth == on ]]; then
    scenario=$bench/sipp/register-auth.xml
    population=$auth_aors
  fi
  python3 "$bench/sip_bench.py" users "$dir/users.csv" "$first" "$calls" "$population" u "$password" "$targets"
  # shellcheck disable=SC2046 # one PID per word
  t0=$(cpu_ticks $(server_pids))
  r0=$(udp_rcvbuf_errors)
  times=$(cd "$dir" && {
    sipp -sf "$scenario" -inf users.csv -key domain "$domain" -i "$client_ip" -p 15060 -t u1 \
      -m "$calls" -r "$rate" -rp 1000 -nostdin -nd -buff_size 1048576 -timeout "$((calls / rate + 40))s" \
      -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq "$rate" -trace_err -error_file errors.log \
      "${targets%%,*}:$sip_port" >sipp.out 2>&1 </dev/null &
    echo $! >"$out/sipp.pid"
    wait $! || true
    rm -f "$out/sipp.pid"
    times
  } | tail -n 1)
  # shellcheck disable=SC2046
  t1=$(cpu_ticks $(server_pids))
  r1=$(udp_rcvbuf_errors)
  # children's user and system time of the subshell: SIPp's CPU
  cpu_sipp=$(echo "$times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1e6 }')
  local summary other
  summary=$(python3 "$bench/sip_bench.py" step "$dir/stat.csv" "$(ls "$dir"/register*_rtt.csv 2>/dev/null | head -n 1)" "$rate" "$calls" "$retrans_limit")
  # responses SIPp did not expect (a 401 after the digest answer, 500, 503...), by status code
  other=$( (grep -o "received 'SIP/2.0 [0-9]*" "$dir/errors.log" 2>/dev/null || true) | awk '{ print $NF }' | sort | uniq -c \
    | awk '{ printf "%s%s:%s", sep, $2, $1; sep = "," }')
  echo "$summary server_cpu_us=$(((t1 - t0) * 10000 / calls)) sipp_cpu_us=$((cpu_sipp / calls)) rcvbuf_errors=$((r1 - r0))" \
    "other_responses=${other:-none}"
}

# distinct AORs for every call of a system's run (auth off), or the next ones of the provisioned population
next_user=0

# what step and search run and how they name their RESULT lines: REGISTER (sipp_run, "sip-step ... auth=on") or
# INVITE (invite_run, "sip-invite-step ... mode=proxy")
step_fn=sipp_run
result_prefix=sip
result_key=
search_rates=$rates

step() { # step RATE: prints the RESULT line, returns 0 when the rate was clean
  local rate=$1 calls=$(($1 * step_s)) line
  line=$("$step_fn" "rate-$rate-$next_user" "$rate" "$calls" "$next_user")
  next_user=$((next_user + calls))
  echo "RESULT $result_prefix-step system=$system $result_key rate=$rate $line" | tee -a "$results"
  sleep 2 # let queues drain before the next step
  [[ $line == *status=pass* ]]
}

try_rate() { # try_rate RATE: clean within 1 + RETRIES attempts?
  for _ in $(seq 0 "$retries"); do
    step "$1" && return 0
  done
  return 1
}

search() { # the highest rate of RATES (INVITE_RATES) (and BISECT rates between) with every call clean
  local rate good=0 bad=0 mid
  for rate in $search_rates; do
    if try_rate "$rate"; then
      good=$rate
    else
      bad=$rate
      break
    fi
  done
  if ((bad > 0 && good > 0)); then
    for _ in $(seq 1 "$bisect"); do
      mid=$(((good + bad) / 2))
      ((mid > good && mid < bad)) || break
      if try_rate "$mid"; then good=$mid; else bad=$mid; fi
    done
  fi
  max_rate=$good
  local best
  best=$(grep "RESULT $result_prefix-step system=$system $result_key rate=$good .*status=pass" "$results" | tail -n 1 || true)
  echo "RESULT $result_prefix-max system=$system $result_key max_clean_rate=$good first_failed_rate=$bad step_s=$step_s" \
    "${best#*rate="$good" }" | tee -a "$results"
}

probe() {
  local population=0 line pw=()
  if [[ $auth == on ]]; then
    population=$auth_aors
    pw=("$password")
  fi
  # its own AORs (auth off) or the provisioned ones from the middle of the population (auth on)
  line=$(python3 "$bench/sip_bench.py" probe "$client_ip" "$probe_targets" "$domain" "$probe_prefix" "$((population / 2))" \
    "$population" "$probe_s" 2 "${pw[@]}")
  echo "RESULT sip-probe system=$system auth=$auth $line" | tee -a "$results"
}

warm_up() { # warm_up RUN RATE: RUN (sipp_run or invite_run) at RATE for WARMUP s (Kamailio: 10 s at most)
  local secs=$warmup_s
  [[ $system == sipring ]] || secs=$((warmup_s < 10 ? warmup_s : 10))
  "$1" warmup "$2" "$(($2 * secs))" "$next_user" >/dev/null
  next_user=$((next_user + $2 * secs))
  sleep 1
}

measure() { # warm-up, step search, probe on the running system
  echo "$system, auth $auth: warm-up, then the search ($(uptime | sed 's/.*load/load/'))" >&2
  probe_prefix=u
  [[ $auth == off ]] && probe_prefix=p
  warm_up sipp_run "$warmup_rate"
  search
  probe
}

# ---------------------------------------------------------------- sipring

start_sipring() {
  local n auth_on=false
  [[ $auth == on ]] && auth_on=true
  [[ -f $jar ]] || build_jar
  # the nonce key, the same on every peer; through the environment, as scripts/local-overlay.sh does
  PEER_SIP_AUTH_SECRET=$(printf "bench-sip-secret-%016d" $$)
  export PEER_SIP_AUTH_SECRET
  local sip=("--peer.sip.domains=$domain" "--peer.sip.auth.enabled=$auth_on" "--peer.sip.auth.algorithms=MD5,SHA-256"
    "--peer.storage.durability=$durability" "--peer.sip.routing=$routing")
  start_peer 1 "" --peer.sip.listen="$(ip 1):$sip_port" "${sip[@]}"
  wait_active 1 >/dev/null
  for n in 2 3; do
    start_peer "$n" "$(ip 1):$overlay_port" --peer.sip.listen="$(ip "$n"):$sip_port" "${sip[@]}"
  done
  for n in 2 3; do wait_active "$n" >/dev/null; done
  sleep 5 # stabilization: every peer knows the ring
  if [[ $auth == on ]]; then
    python3 "$bench/sip_bench.py" provision "$(ip 1):$api_port,$(ip 2):$api_port,$(ip 3):$api_port" "$admin_token" \
      "$auth_aors" u "$domain" "$password" 24 >&2
  fi
  targets="$(ip 1),$(ip 2),$(ip 3)"
  probe_targets="$(ip 1):$sip_port,$(ip 2):$sip_port,$(ip 3):$sip_port"
}

sipring_profile() { # two more steps at 3/4 of the highest clean rate: CPU by thread and GC, then JFR of peer 1
  local p1 pids rate=${PROFILE_RATE:-$((max_rate * 3 / 4))} n dir=$out/sipring-auth-$auth/profile-data
  ((rate > 0)) || return 0
  mkdir -p "$dir"
  p1=$(cat "$run/peer1.pid")
  # shellcheck disable=SC2207 # PIDs are words
  pids=($(cat "$run"/peer{1,2,3}.pid))
  for n in 1 2 3; do jstat -gc "${pids[n - 1]}" | tail -n 1 >"$dir/gc-before-$n.txt"; done
  python3 "$bench/sip_bench.py" threads "${pids[@]}" >"$dir/threads-before.txt"
  echo "RESULT sip-profile system=$system auth=$auth rate=$rate $(sipp_run profile-threads "$rate" "$((rate * step_s))" \
    "$next_user")" | tee -a "$results"
  next_user=$((next_user + rate * step_s))
  python3 "$bench/sip_bench.py" threads "${pids[@]}" >"$dir/threads-after.txt"
  for n in 1 2 3; do jstat -gc "${pids[n - 1]}" | tail -n 1 >"$dir/gc-after-$n.txt"; done
  echo "profile at $rate REGISTER/s, ${step_s}s (files in $dir):"
  python3 "$bench/sip_bench.py" thread-cpu "$dir/threads-before.txt" "$dir/threads-after.txt" "$step_s"
  for n in 1 2 3; do
    # jstat -gc: YGC YGCT FGC FGCT are columns 13-16
    paste "$dir/gc-before-$n.txt" "$dir/gc-after-$n.txt" | awk -v n="$n" -v s="$step_s" \
      '{ printf "peer %d GC: %d young collections, %.2f s paused; %d full, %.2f s (in %d s)\n", n, $32 - $13, $33 - $14, $34 - $15, $35 - $16, s }'
  done
  # JFR in a step of its own: starting it makes the JIT compile again
  jcmd "$p1" JFR.start name=sipbench settings=profile filename="$dir/peer1.jfr" >/dev/null
  sleep 5
  echo "RESULT sip-profile-jfr system=$system auth=$auth rate=$rate $(sipp_run profile-jfr "$rate" "$((rate * step_s))" \
    "$next_user")" | tee -a "$results"
  next_user=$((next_user + rate * step_s))
  jcmd "$p1" JFR.stop name=sipbench >/dev/null
  jfr print --json --events jdk.ExecutionSample "$dir/peer1.jfr" >"$dir/samples.json"
  python3 "$bench/sip_bench.py" jfr-top "$dir/samples.json" 20 | tee "$dir/hot-methods.txt"
  rm -f "$dir/samples.json"
}

run_sipring() {
  trap cleanup EXIT
  start_sipring
  measure
  if [[ $profile == 1 && $auth == off ]]; then
    sipring_profile
  fi
  echo "bindings of u0000001@$domain seen from peer 2: $(curl -fsS --max-time 5 -H "Authorization: Bearer $read_token" \
    "http://$(ip 2):$api_port/api/v1/aors/u0000001@$domain" | grep -o '"contact"' | wc -l)"
  peer_warnings
  stop_all
}

peer_warnings() { # WARN and ERROR lines the peers logged after start-up, the most frequent five of each peer
  local n
  for n in 1 2 3; do
    # the start-up lines (JAIN-SIP's TLS defaults) are left out
    grep ' WARN \| ERROR ' "$run/peer$n.log" | grep -v '\[ *main\]' >"$out/peer$n-warnings.txt" || true
    echo "peer$n log after start-up: $(grep -c ' WARN ' "$out/peer$n-warnings.txt" || true) WARN," \
      "$(grep -c ' ERROR ' "$out/peer$n-warnings.txt" || true) ERROR lines"
    sed 's/^[^ ]* *//' "$out/peer$n-warnings.txt" | cut -c1-200 | sort | uniq -c | sort -rn | head -n 5 || true
  done
}

# ---------------------------------------------------------------- Kamailio

kamailio_pid=

stop_kamailio() {
  stop_pid_file "$out/kamailio.pid" 10
}

kamailio_db() { # kamailio_db DIR: a db_berkeley environment with version, location and subscriber tables
  local dir=$1 shipped=/usr/share/kamailio/db_berkeley/kamailio
  rm -rf "$dir"
  mkdir -p "$dir"
  # Debian's version table declares three columns but has two-field rows, so Kamailio would read
  # version 0 and refuse to start: the rows here have all three
  {
    sed -n '1,/^METADATA_DEFAULTS$/p' "$shipped/version"
    sed -n '/^METADATA_DEFAULTS$/{n;p}' "$shipped/version"
    printf 'location|\n1|location|9\nsubscriber|\n2|subscriber|7\nversion|\n3|version|1\n'
  } >"$dir/version.txt"
  # usrloc updates and deletes a contact by its ruid alone, while the shipped location table is keyed
  # by ruid, username and domain: with that key every refresh of an existing binding fails (500)
  sed '/^METADATA_KEY$/{n;s/.*/1 /}' "$shipped/location" >"$dir/location.txt"
  python3 "$bench/sip_bench.py" kam-subscribers "$dir/subscriber.txt" "$auth_aors" u "$domain" "$password"
  local t
  for t in version location subscriber; do
    db_load -T -t hash -f "$dir/$t.txt" -h "$dir" "$t"
    rm -f "$dir/$t.txt"
  done
}

start_kamailio() {
  local defs=(-A "CTLSOCK=\"unix:$out/kamailio-ctl.sock\"") children=$kam_children
  mkdir -p "$out"
  local db=0
  if [[ $system == kamailio-bdb || $auth == on ]]; then
    db=1
    defs+=(-A "DBURL=\"berkeley://$out/kamailio-db\"")
  fi
  if [[ $system == kamailio-bdb ]]; then
    defs+=(-A WITH_DB)
    children=1 # more than one worker deadlocked in Berkeley DB in half the runs with write-through
  fi
  [[ $auth == on ]] && defs+=(-A WITH_AUTH)
  [[ -n $kam_define ]] && defs+=(-A "$kam_define")
  rm -f "$out/kamailio-ctl.sock"
  # 2 GB of shared memory: usrloc keeps every binding there (about 1 KB each) and the search registers
  # hundreds of thousands of AORs; with 512 MB it ran out after about 460,000
  local attempt log=$out/kamailio-$system-$kam_tag.log
  for attempt in 1 2 3; do
    ((db == 0)) || kamailio_db "$out/kamailio-db"
    kamailio -f "$bench/kamailio/registrar.cfg" "${defs[@]}" -l "udp:$kam_ip:$sip_port" -n "$children" \
      -DD -E -m 2048 -M 16 -Y "$out" -P "$out/kamailio.pid" >"$log" 2>&1 </dev/null &
    kamailio_pid=$!
    sleep 3
    kill -0 "$kamailio_pid" 2>/dev/null && break
    # a process that opens the db_berkeley environment at the same moment as another sometimes cannot
    # ("auth_db: unable to connect to the database") and Kamailio stops: start again
    echo "$system did not start (attempt $attempt):" >&2
    grep 'ERROR\|CRITICAL' "$log" | head -n 3 >&2 || true
    wait "$kamailio_pid" || true
    rm -f "$out/kamailio.pid" "$out/kamailio-ctl.sock"
    ((attempt < 3)) || return 1
  done
  echo "$system: $children UDP worker(s) on $kam_ip:$sip_port" >&2
  targets=$kam_ip
  probe_targets=$kam_ip:$sip_port
}

run_kamailio() {
  trap cleanup EXIT
  start_kamailio
  measure
  echo "$system: $(kamcmd -s "unix:$out/kamailio-ctl.sock" stats.get_statistics usrloc: 2>/dev/null \
    | grep -o 'registered_users = [0-9]*' || echo 'no usrloc statistics')"
  kamailio_errors
  stop_kamailio
}

kamailio_errors() {
  echo "$system log: $(grep -c 'ERROR' "$out/kamailio-$system-$kam_tag.log" || true) ERROR lines"
  grep 'ERROR' "$out/kamailio-$system-$kam_tag.log" | sed 's/^ *[0-9]*([0-9]*) //' | sort | uniq -c | sort -rn | head -n 5 || true
}

# ---------------------------------------------------------------- INVITE routing

start_uas() { # start_uas SECONDS: the callee SIPp in the background of the calling shell, in its directory
  # (no -m: SIPp counts a request of a call it no longer knows, such as a late retransmission from an earlier
  # step, as a new call, and once it has its -m calls it drops the INVITEs that follow)
  sipp -sf "$bench/sipp/invite-uas.xml" -i "$uas_ip" -p "$uas_port" -nostdin -nd -buff_size 1048576 \
    -timeout "$1s" -trace_stat -stf uas-stat.csv -fd 1 -trace_counts -trace_err -error_file uas-errors.log \
    >uas.out 2>&1 </dev/null &
  echo $! >"$out/uas.pid"
  # an INVITE relayed before its socket is bound would wait for the proxy's retransmission (500 ms)
  for _ in $(seq 1 50); do
    [[ -n $(ss -Hlun src "$uas_ip:$uas_port" 2>/dev/null) ]] && return 0
    sleep 0.1
  done
  echo "the callee SIPp does not listen on $uas_ip:$uas_port" >&2
}

stop_uas() { # once the caller is done: SIGINT makes SIPp write its counts once more and exit
  local pid
  pid=$(cat "$out/uas.pid")
  sleep 0.5
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$out/uas.pid"
}

invite_run() { # invite_run TAG RATE CALLS SEED: one SIPp caller run (and the callee in proxy mode); prints its summary
  local tag=$1 rate=$2 calls=$3 seed=$4 dir scenario t0 t1 r0 r1 times cpu_sipp uas=()
  dir=$out/invite-$mode-$system/$tag
  rm -rf "$dir"
  mkdir -p "$dir"
  scenario=$bench/sipp/invite.xml
  [[ $mode == redirect ]] && scenario=$bench/sipp/invite-redirect.xml
  python3 "$bench/sip_bench.py" calls "$dir/calls.csv" "$seed" "$calls" "$callees" c "$targets"
  # shellcheck disable=SC2046 # one PID per word
  t0=$(cpu_ticks $(server_pids))
  r0=$(udp_rcvbuf_errors)
  times=$(cd "$dir" && {
    if [[ $mode == proxy ]]; then start_uas "$((calls / rate + 60))"; fi
    # -l: at most 10 s of calls open, then SIPp holds new ones back (and the step fails for not keeping up);
    # -recv_timeout: a call waiting 10 s for its next message fails (with -nd SIPp lets a call whose INVITE got a
    # 4xx-6xx wait for the 200 for ever, and -timeout does not end a run whose calls have all started)
    sipp -sf "$scenario" -inf calls.csv -key domain "$domain" -i "$client_ip" -p 15060 -t u1 \
      -m "$calls" -r "$rate" -rp 1000 -l "$((rate * 10))" -d "$hold_ms" -recv_timeout 10000 -nostdin -nd \
      -buff_size 1048576 -timeout "$((calls / rate + 40))s" -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq "$rate" -trace_err \
      -error_file errors.log "${targets%%,*}:$sip_port" >sipp.out 2>&1 </dev/null &
    echo $! >"$out/sipp.pid"
    wait $! || true
    rm -f "$out/sipp.pid"
    if [[ $mode == proxy ]]; then stop_uas; fi
    times
  } | tail -n 1)
  # shellcheck disable=SC2046
  t1=$(cpu_ticks $(server_pids))
  r1=$(udp_rcvbuf_errors)
  # children's user and system time of the subshell: both SIPps' CPU
  cpu_sipp=$(echo "$times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1e6 }')
  if [[ $mode == proxy ]]; then
    uas=("$(find "$dir" -maxdepth 1 -name 'invite-uas_*_counts.csv' | head -n 1)")
  fi
  local summary other
  summary=$(python3 "$bench/sip_bench.py" invite-step "$dir/stat.csv" \
    "$(find "$dir" -maxdepth 1 -name 'invite*_rtt.csv' | head -n 1)" "$rate" "$calls" "$retrans_limit" "${uas[@]}")
  # responses the caller did not expect (404, 408, 481, 500, 503...), by status code
  other=$( (grep -o "received 'SIP/2.0 [0-9]*" "$dir/errors.log" 2>/dev/null || true) | awk '{ print $NF }' | sort | uniq -c \
    | awk '{ printf "%s%s:%s", sep, $2, $1; sep = "," }')
  echo "$summary server_cpu_us=$(((t1 - t0) * 10000 / calls)) sipp_cpu_us=$((cpu_sipp / calls)) rcvbuf_errors=$((r1 - r0))" \
    "other_responses=${other:-none}"
}

register_callees() { # CALLEES AORs c0000000... registered from the callee SIPp's address, through the targets in turn
  local dir=$out/invite-$mode-$system/callees line
  rm -rf "$dir"
  mkdir -p "$dir"
  python3 "$bench/sip_bench.py" users "$dir/users.csv" 0 "$callees" 0 c "$password" "$targets"
  (cd "$dir" && {
    sipp -sf "$bench/sipp/register.xml" -inf users.csv -key domain "$domain" -i "$uas_ip" -p "$uas_port" -t u1 \
      -m "$callees" -r 200 -rp 1000 -nostdin -nd -timeout 60s -trace_stat -stf stat.csv -fd 1 \
      "${targets%%,*}:$sip_port" >sipp.out 2>&1 </dev/null &
    echo $! >"$out/sipp.pid"
    wait $! || true
    rm -f "$out/sipp.pid"
  })
  line=$(python3 "$bench/sip_bench.py" step "$dir/stat.csv" none 200 "$callees")
  if [[ $line != *" ok=$callees "* ]]; then
    echo "$system: registering the $callees callees failed: $line" >&2
    return 1
  fi
}

probe_invite() {
  local line
  # its own AORs, one registered through each target; prints why when it cannot register them
  line=$(python3 "$bench/sip_bench.py" probe-invite "$client_ip" "$probe_targets" "$domain" q "$mode" "$probe_s" 2) || true
  echo "RESULT sip-invite-probe system=$system mode=$mode $line" | tee -a "$results"
}

measure_invite() { # callees, warm-up, step search, probe on the running system
  echo "$system, INVITE $mode: callees, warm-up, then the search ($(uptime | sed 's/.*load/load/'))" >&2
  register_callees
  warm_up invite_run "$invite_warmup_rate"
  search
  probe_invite
}

run_sipring_invite() {
  trap cleanup EXIT
  routing=$mode
  start_sipring
  measure_invite
  peer_warnings
  stop_all
}

run_kamailio_invite() {
  trap cleanup EXIT
  kam_define=WITH_ROUTING
  [[ $mode == redirect ]] && kam_define=WITH_REDIRECT
  start_kamailio
  measure_invite
  # requests and replies received, requests forwarded statelessly (ACKs for 2xx), replies sent statelessly (302, 404)
  echo "$system: $(kamcmd -s "unix:$out/kamailio-ctl.sock" stats.get_statistics all 2>/dev/null \
    | grep -o '\(core:rcv_requests\|core:rcv_replies_[0-9]xx\|core:fwd_requests\|sl:[0-9]*_replies\) = [1-9][0-9]*' \
    | tr '\n' ' ' || true)"
  kamailio_errors
  stop_kamailio
  kam_define=
}

# ---------------------------------------------------------------- the comparison

ratio_lines() { # ratio_lines NAME KEY CPU-NAME VALUES...: sipring / Kamailio for each KEY value (auth, mode)
  local name=$1 key=$2 cpu=$3 v k s m p c
  shift 3
  for v in "$@"; do
    s=$(grep "^RESULT $name-max system=sipring $key=$v " "$results" | tail -n 1) || continue
    for k in kamailio-mem kamailio-bdb; do
      m=$(grep "^RESULT $name-max system=$k $key=$v " "$results" | tail -n 1) || continue
      p=$(grep "^RESULT $name-probe system=$k $key=$v " "$results" | tail -n 1) || continue
      c=$(grep "^RESULT $name-probe system=sipring $key=$v " "$results" | tail -n 1) || continue
      python3 - "$name" "$key" "$cpu" "$v" "$k" "$s" "$m" "$c" "$p" <<'EOF'
import sys
name, key, cpu, value, other, s, m, c, p = sys.argv[1:]
kv = lambda line: dict(w.split("=", 1) for w in line.split() if "=" in w)
s, m, c, p = kv(s), kv(m), kv(c), kv(p)
def ratio(a, b):
    try:
        return "%.2f" % (float(a) / float(b))
    except (TypeError, ValueError, ZeroDivisionError):
        return "n/a"
print("RESULT %s-ratio %s=%s sipring/%s max_rate=%s %s=%s probe_p50=%s probe_p99=%s" % (
    name, key, value, other, ratio(s.get("max_clean_rate"), m.get("max_clean_rate")),
    cpu, ratio(s.get("server_cpu_us"), m.get("server_cpu_us")), ratio(c.get("p50_us"), p.get("p50_us")),
    ratio(c.get("p99_us"), p.get("p99_us"))))
EOF
    done
  done | tee -a "$results"
}

register() {
  echo "settings: rates [$rates], step ${step_s}s, warm-up ${warmup_s}s at $warmup_rate/s, retries $retries, bisect $bisect," \
    "probe ${probe_s}s, auth AORs $auth_aors, peer durability $durability, kamailio workers $kam_children (bdb: 1)"
  step_fn=sipp_run
  result_prefix=sip
  search_rates=$rates
  routing=proxy
  kam_define=
  for system in $systems; do
    for auth in $auths; do
      next_user=0
      result_key="auth=$auth"
      kam_tag="auth-$auth"
      case $system in
        sipring) run_sipring ;;
        kamailio-mem | kamailio-bdb) run_kamailio ;;
      esac
      sleep 3
    done
  done
  # shellcheck disable=SC2086 # one value per word
  ratio_lines sip auth cpu_per_register $auths
}

invite() {
  echo "invite settings: modes [$invite_modes], rates [$invite_rates], step ${step_s}s, warm-up ${warmup_s}s at" \
    "$invite_warmup_rate/s (Kamailio 10 s at most), retries $retries, bisect $bisect, probe ${probe_s}s, $callees callees" \
    "on $uas_ip:$uas_port, ${hold_ms} ms from ACK to BYE, auth off, peer durability $durability"
  step_fn=invite_run
  result_prefix="sip-invite"
  search_rates=$invite_rates
  auth=off
  for mode in $invite_modes; do
    for system in $systems; do
      next_user=0
      result_key="mode=$mode"
      kam_tag="invite-$mode"
      case $system in
        sipring) run_sipring_invite ;;
        kamailio-mem | kamailio-bdb) run_kamailio_invite ;;
      esac
      sleep 3
    done
  done
  routing=proxy
  # shellcheck disable=SC2086
  ratio_lines sip-invite mode cpu_per_call $invite_modes
}

usage() {
  awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"
  exit 2
}

for scenario in $scenarios; do
  [[ $scenario == register || $scenario == invite ]] || usage
done
for system in $systems; do
  case $system in
    sipring | kamailio-mem | kamailio-bdb) ;;
    *) echo "unknown system $system" >&2; exit 2 ;;
  esac
done
for mode in $invite_modes; do
  [[ $mode == proxy || $mode == redirect ]] || { echo "unknown INVITE mode $mode" >&2; exit 2; }
done
# the EXIT trap (cleanup) also runs when the script is interrupted or terminated
trap 'exit 130' INT
trap 'exit 143' TERM

install_missing
rm -rf "$out"
mkdir -p "$out"
results=$out/results.txt
: >"$results"
echo "sip bench $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, $(uptime | sed 's/.*load/load/')"
for scenario in $scenarios; do
  "$scenario"
done
echo "done $(date -u +%FT%TZ), $(uptime | sed 's/.*load/load/')"
