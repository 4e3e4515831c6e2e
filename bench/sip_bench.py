#!/usr/bin/env python3
"""Helpers of bench/run-sip-bench.sh (standard library only).

  sip_bench.py users FILE FIRST COUNT POPULATION PREFIX PASSWORD TARGETS
      SIPp injection file: COUNT users PREFIX<n> from index FIRST (modulo POPULATION when it is
      not 0), each line "user;password;target-ip", the targets in turn
  sip_bench.py calls FILE SEED COUNT CALLEES PREFIX TARGETS
      SIPp injection file of COUNT calls: each line "callee;target-ip", the callee one of PREFIX<0..CALLEES-1>
      at random (seeded with SEED), the targets in turn
  sip_bench.py kam-subscribers FILE POPULATION PREFIX DOMAIN PASSWORD
      Kamailio db_berkeley subscriber table (db_load -T text) with the same users
  sip_bench.py provision URL1,URL2.. TOKEN POPULATION PREFIX DOMAIN PASSWORD [THREADS]
      PUT /api/v1/subscribers/{user@domain} for every user, over keep-alive connections
  sip_bench.py step STAT_CSV RTT_CSV RATE CALLS [RETRANS_LIMIT]
      key=value summary of one SIPp run (its -trace_stat and -trace_rtt files), status=pass|fail
  sip_bench.py invite-step STAT_CSV RTT_CSV RATE CALLS RETRANS_LIMIT [UAS_COUNTS_CSV]
      the same for a run of invite.xml or invite-redirect.xml; with the callee's -trace_counts file, also
      what reached the callee (every call's ACK must have, for status=pass)
  sip_bench.py probe LOCAL_IP TARGETS DOMAIN PREFIX FIRST POPULATION SECONDS WARMUP [PASSWORD]
      closed-loop REGISTERs over UDP, one at a time, from one socket; latency in microseconds
  sip_bench.py probe-invite LOCAL_IP TARGETS DOMAIN PREFIX MODE SECONDS WARMUP
      closed-loop calls over UDP from one socket that is caller and callee at once: it registers itself as
      PREFIX<n> through each target, then one call at a time; MODE proxy: INVITE, the socket answers its
      own INVITE 200 as callee, ACK and BYE along the Record-Route, 200; MODE redirect: INVITE, 302, ACK;
      INVITE to 200 (or 302) in microseconds
  sip_bench.py threads PID...
      CPU clock ticks of every thread of the processes, one "pid<TAB>tid<TAB>name<TAB>ticks" line each
  sip_bench.py thread-cpu BEFORE AFTER SECONDS
      CPU used between two "threads" snapshots, by thread name (numbers folded), in % of one core
  sip_bench.py jfr-top JFR_JSON [N]
      hottest methods of a JFR recording's jdk.ExecutionSample events (jfr print --json)
"""
import csv
import hashlib
import http.client
import json
import os
import random
import re
import socket
import sys
import threading
import time
from collections import Counter


def user(prefix, i):
    return "%s%07d" % (prefix, i)


def users(path, first, count, population, prefix, password, targets):
    first, count, population = int(first), int(count), int(population)
    targets = targets.split(",")
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for k in range(count):
            i = first + k
            if population:
                i %= population
            f.write("%s;%s;%s\n" % (user(prefix, i), password, targets[k % len(targets)]))


def calls(path, seed, count, callees, prefix, targets):
    rnd = random.Random(int(seed))
    count, callees = int(count), int(callees)
    targets = targets.split(",")
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for k in range(count):
            f.write("%s;%s\n" % (user(prefix, rnd.randrange(callees)), targets[k % len(targets)]))


def kam_subscribers(path, population, prefix, domain, password):
    # columns and key as in Debian's /usr/share/kamailio/db_berkeley/kamailio/subscriber
    with open(path, "w") as f:
        f.write("METADATA_COLUMNS\nid(int) username(str) domain(str) password(str) ha1(str) ha1b(str)\n"
                "METADATA_KEY\n1 2 \nMETADATA_READONLY\n0\nMETADATA_LOGFLAGS\n0\n"
                "METADATA_DEFAULTS\nNIL|''|''|''|''|''\n")
        for i in range(int(population)):
            u = user(prefix, i)
            ha1 = hashlib.md5(("%s:%s:%s" % (u, domain, password)).encode()).hexdigest()
            ha1b = hashlib.md5(("%s@%s:%s:%s" % (u, domain, domain, password)).encode()).hexdigest()
            f.write("%s|%s|\n%d|%s|%s|%s|%s|%s|\n" % (u, domain, i + 1, u, domain, password, ha1, ha1b))


def provision(urls, token, population, prefix, domain, password, threads=8):
    urls = urls.split(",")
    population, threads = int(population), int(threads)
    body = json.dumps({"password": password})
    failures = []
    started = time.monotonic()

    def worker(t):
        host, port = urls[t % len(urls)].rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        for i in range(t, population, threads):
            path = "/api/v1/subscribers/%s@%s" % (user(prefix, i), domain)
            for attempt in range(5):
                try:
                    conn.request("PUT", path, body, {"Authorization": "Bearer " + token,
                                                     "Content-Type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    if r.status == 200:
                        break
                    if attempt == 4:
                        failures.append("%s: HTTP %d" % (path, r.status))
                    time.sleep(0.2)
                except (OSError, http.client.HTTPException) as e:
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port), timeout=30)
                    if attempt == 4:
                        failures.append("%s: %s" % (path, e))
                    time.sleep(0.2)
        conn.close()

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    secs = time.monotonic() - started
    print("provisioned %d subscribers in %.1f s (%.0f /s), %d failed" % (population - len(failures), secs,
          (population - len(failures)) / secs, len(failures)))
    for f in failures[:5]:
        print("  " + f)
    sys.exit(1 if failures else 0)


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def step(stat_csv, rtt_csv, rate, calls, retrans_limit="0.01"):
    out = step_summary(stat_csv, rtt_csv, rate, calls, retrans_limit)
    print(" ".join("%s=%s" % kv for kv in out.items()))


def step_summary(stat_csv, rtt_csv, rate, calls, retrans_limit="0.01"):
    """Summary of one SIPp run. It passes when every call succeeded, the responses kept up with the
    offered rate (the span from the first to the last response is within 5 %, plus 1 s for a late
    retransmission, of the span over which SIPp started the calls) and at most RETRANS_LIMIT of the
    calls needed a retransmission (each costs the caller 500 ms)."""
    rate, calls, retrans_limit = float(rate), int(calls), float(retrans_limit)
    with open(stat_csv) as f:
        rows = [r for r in csv.reader(f, delimiter=";") if r]
    head, last = rows[0], rows[-1]
    col = {name: i for i, name in enumerate(head)}

    def get(name):
        return int(last[col[name]]) if name in col and col[name] < len(last) and last[col[name]] else 0

    out = {
        "calls": get("OutgoingCall(C)"),
        "ok": get("SuccessfulCall(C)"),
        "failed": get("FailedCall(C)"),
        "retrans": get("Retransmissions(C)"),
        "unexpected": get("FailedUnexpectedMessage(C)"),
        "udp_timeouts": get("FailedMaxUDPRetrans(C)"),
    }
    rtts, dates = [], []
    if os.path.exists(rtt_csv):
        with open(rtt_csv) as f:
            for line in f:
                p = line.strip().split(";")
                # Date_ms;response_time_ms;rtd_no
                try:
                    dates.append(float(p[0]))
                    rtts.append(float(p[1]))
                except (ValueError, IndexError):
                    pass
    rtts.sort()
    span = (max(dates) - min(dates)) / 1000.0 if len(dates) > 1 else 0.0
    achieved = (len(dates) - 1) / span if span > 0 else 0.0
    offered_span = (calls - 1) / rate
    kept_up = span <= offered_span * 1.05 + 1.0
    ok = out["failed"] == 0 and out["ok"] == calls and kept_up and out["retrans"] <= retrans_limit * calls
    out["achieved"] = "%.0f" % achieved
    out["p50_ms"] = "%.0f" % pct(rtts, 50)
    out["p99_ms"] = "%.0f" % pct(rtts, 99)
    out["max_ms"] = "%.0f" % (rtts[-1] if rtts else float("nan"))
    out["status"] = "pass" if ok else "fail"
    return out


def last_row(path):
    """Header and last row of a SIPp -trace_stat or -trace_counts file, as a dict of the numeric columns."""
    with open(path) as f:
        rows = [r for r in csv.reader(f, delimiter=";") if r]
    if len(rows) < 2:
        return {}
    return {name: int(v) for name, v in zip(rows[0], rows[-1]) if v.isdigit()}


def invite_step(stat_csv, rtt_csv, rate, calls, retrans_limit="0.01", uas_counts_csv=None):
    """step's summary of a caller's run; with the callee's -trace_counts file, what reached the
    callee: INVITEs, ACKs and BYEs received, 200s it retransmitted (no ACK within 500 ms) and
    messages it did not expect (INVITE retransmissions after its 200, requests of calls it no
    longer knows). A lost ACK does not fail the caller's call, so the rate is only clean when the
    callee received an ACK for every call."""
    out = step_summary(stat_csv, rtt_csv, rate, calls, retrans_limit)
    if uas_counts_csv is not None:
        counts = last_row(uas_counts_csv) if os.path.exists(uas_counts_csv) else {}

        def count(suffix):
            return sum(v for k, v in counts.items() if k.endswith(suffix))

        status = out.pop("status")
        out["invites"] = count("_INVITE_Recv")
        out["acks"] = count("_ACK_Recv")
        out["byes"] = count("_BYE_Recv")
        out["uas_200_retrans"] = count("_200_Retrans")
        out["uas_unexpected"] = count("_Unexp")
        out["status"] = "pass" if status == "pass" and out["acks"] >= int(calls) else "fail"
    print(" ".join("%s=%s" % kv for kv in out.items()))


HDR_RE = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]+))')


def digest(challenge, method, uri, username, password, nc="00000001"):
    params = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
              for m in HDR_RE.finditer(challenge)}
    realm, nonce = params["realm"], params["nonce"]
    cnonce = os.urandom(8).hex()
    ha1 = hashlib.md5(("%s:%s:%s" % (username, realm, password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    if "qop" in params:
        resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2)).encode()).hexdigest()
        extra = ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        resp = hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()
        extra = ""
    opaque = ', opaque="%s"' % params["opaque"] if "opaque" in params else ""
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm=MD5%s%s'
            % (username, realm, nonce, uri, resp, extra, opaque))


def probe(local_ip, targets, domain, prefix, first, population, seconds, warmup, password=None):
    """One REGISTER (and its digest answer when challenged) at a time; each timed from the first
    send to the 200 with time.perf_counter_ns, so the figure includes Python's own send and receive
    (a few microseconds)."""
    targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in targets.split(",")]
    first, population, seconds, warmup = int(first), int(population), float(seconds), float(warmup)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local_ip, 0))
    s.settimeout(2.0)
    lport = s.getsockname()[1]
    uri = "sip:" + domain
    lat, timeouts, bad, n = [], 0, Counter(), 0
    start = time.monotonic()
    measuring_from = start + warmup
    while True:
        now = time.monotonic()
        if now >= measuring_from + seconds:
            break
        i = first + n
        if population:
            i %= population
        u = user(prefix, i)
        target = targets[n % len(targets)]
        n += 1
        call_id = "probe-%d-%d@%s" % (os.getpid(), n, local_ip)

        def request(cseq, auth=None):
            return ("REGISTER %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK-p%d-%d;rport\r\n"
                    "From: <sip:%s@%s>;tag=p%d\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: %d REGISTER\r\n"
                    "Contact: <sip:%s@%s:%d>\r\nExpires: 3600\r\nMax-Forwards: 70\r\n%s"
                    "User-Agent: sip-bench-probe\r\nContent-Length: 0\r\n\r\n"
                    % (uri, local_ip, lport, n, cseq, u, domain, n, u, domain, call_id, cseq, u, local_ip, lport,
                       "Authorization: %s\r\n" % auth if auth else "")).encode()

        def exchange(data):
            s.sendto(data, target)
            while True:
                resp = s.recv(65535).decode("utf-8", "replace")
                if ("Call-ID: " + call_id) in resp or ("i: " + call_id) in resp:
                    return resp

        warm = now < measuring_from
        t0 = time.perf_counter_ns()
        try:
            resp = exchange(request(1))
            code = resp.split(" ", 2)[1]
            if code == "401" and password is not None:
                m = re.search(r"^WWW-Authenticate:\s*(Digest .*)$", resp, re.M | re.I)
                resp = exchange(request(2, digest(m.group(1), "REGISTER", uri, u, password)))
                code = resp.split(" ", 2)[1]
        except socket.timeout:
            timeouts += 1
            continue
        t1 = time.perf_counter_ns()
        if code != "200":
            bad[code] += 1
            continue
        if not warm:
            lat.append((t1 - t0) / 1000.0)
    lat.sort()
    print("n=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f mean_us=%.0f rate=%.0f timeouts=%d%s"
          % (len(lat), pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 99.9), lat[-1] if lat else float("nan"),
             sum(lat) / len(lat) if lat else float("nan"), len(lat) / seconds, timeouts,
             "".join(" status_%s=%d" % kv for kv in sorted(bad.items()))))


COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
           "c": "content-type"}
SDP = "v=0\r\no=%s 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"


class Msg:
    """A SIP message read just enough: start line, header lines by (long, lower-case) name."""

    def __init__(self, data):
        text = data.decode("utf-8", "replace")
        head = text.split("\r\n\r\n", 1)[0]
        lines = head.split("\r\n")
        self.first = lines[0]
        self.response = self.first.startswith("SIP/2.0 ")
        self.code = int(self.first.split(" ", 2)[1]) if self.response else 0
        self.method = None if self.response else self.first.split(" ", 1)[0]
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and self.headers:
                name, prev = self.headers[-1]
                self.headers[-1] = (name, prev + " " + line.strip())
                continue
            name = line.split(":", 1)[0].strip().lower()
            self.headers.append((COMPACT.get(name, name), line))

    def lines(self, name):
        return [line for n, line in self.headers if n == name]

    def value(self, name):
        lines = self.lines(name)
        return lines[0].split(":", 1)[1].strip() if lines else ""

    def cseq_method(self):
        parts = self.value("cseq").split()
        return parts[1] if len(parts) > 1 else ""


def name_addrs(values):
    """The entries of comma-separated name-addr header values, in order."""
    out = []
    for value in values:
        depth, cur = 0, ""
        for ch in value:
            depth += ch == "<"
            depth -= ch == ">"
            if ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
            else:
                cur += ch
        if cur.strip():
            out.append(cur.strip())
    return out


def uri_of(name_addr):
    return name_addr[name_addr.index("<") + 1:name_addr.index(">")] if "<" in name_addr else name_addr.split(";")[0]


def host_port(uri):
    m = re.match(r"sips?:(?:[^@;>]*@)?([^:;>]+)(?::(\d+))?", uri)
    return m.group(1), int(m.group(2) or 5060)


def probe_invite(local_ip, targets, domain, prefix, mode, seconds, warmup):
    """Closed-loop calls, one at a time, from one UDP socket that is both caller and callee: it
    registers itself as the contact of one AOR through each target, so the proxy sends the INVITE
    back to it; it answers 200 at once (no 180), then sends ACK and BYE along the Record-Route and
    waits for the BYE's 200, answering its own ACK and BYE as callee on the way. Redirect: INVITE,
    302 (its Contact must be this socket), ACK. Timed with time.perf_counter_ns from the INVITE's
    send to the 200 (302); the figure includes Python handling the INVITE as callee (callee_p50_us)
    and its own sends and receives."""
    targets = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in targets.split(",")]
    seconds, warmup = float(seconds), float(warmup)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local_ip, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    lport = s.getsockname()[1]
    me = "%s:%d" % (local_ip, lport)
    pid = os.getpid()
    aors = [user(prefix, i) for i in range(len(targets))]
    acked, answered, byes_before_ack = set(), set(), [0]
    callee_us = []

    def callee(m, data, addr):
        """The socket as callee: every INVITE answered 200 at once, ACK noted, BYE answered 200."""
        t0 = time.perf_counter_ns()
        call_id = m.value("call-id")
        if m.method == "ACK":
            acked.add(call_id)
            return
        if m.method not in ("INVITE", "BYE"):
            return
        if m.method == "BYE" and call_id not in acked:
            byes_before_ack[0] += 1
        to = m.lines("to")[0] + (";tag=callee" if m.method == "INVITE" and ";tag=" not in m.lines("to")[0] else "")
        body = SDP % ("callee", local_ip, local_ip, 16002) if m.method == "INVITE" else ""
        resp = ["SIP/2.0 200 OK"] + m.lines("via") + (m.lines("record-route") if m.method == "INVITE" else []) \
            + m.lines("from") + [to] + m.lines("call-id") + m.lines("cseq") \
            + ["Contact: <sip:callee@%s>" % me] \
            + (["Content-Type: application/sdp"] if body else []) + ["Content-Length: %d" % len(body), "", body]
        s.sendto("\r\n".join(resp).encode(), addr)
        if m.method == "INVITE":
            answered.add(call_id)
            callee_us.append((time.perf_counter_ns() - t0) / 1000.0)

    def await_response(call_id, method, final=True, timeout=2.0):
        """The next response to METHOD of the call (a final one unless final is False), serving
        requests to the socket as callee meanwhile; raises socket.timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            s.settimeout(left)
            data, addr = s.recvfrom(65535)
            m = Msg(data)
            if not m.response:
                callee(m, data, addr)
            elif m.value("call-id") == call_id and m.cseq_method() == method and (m.code >= 200 or not final):
                return m

    def request(method, ruri, branch, to, call_id, cseq, routes=(), contact=True, body=""):
        lines = ["%s %s SIP/2.0" % (method, ruri), "Via: SIP/2.0/UDP %s;branch=%s;rport" % (me, branch)]
        lines += ["Route: %s" % r for r in routes]
        lines += ["From: <sip:caller@%s>;tag=%s" % (domain, call_id.split("@")[0]), "To: %s" % to,
                  "Call-ID: %s" % call_id, "CSeq: %d %s" % (cseq, method), "Max-Forwards: 70"]
        if contact:
            lines.append("Contact: <sip:caller@%s>" % me)
        if body:
            lines.append("Content-Type: application/sdp")
        lines += ["User-Agent: sip-bench-probe", "Content-Length: %d" % len(body), "", body]
        return "\r\n".join(lines).encode()

    # the socket registers itself, one AOR through each target
    for i, aor in enumerate(aors):
        call_id = "pr-%d-%d@%s" % (pid, i, local_ip)
        for attempt in range(3):
            s.sendto(("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-pr%d-%d-%d;rport\r\n"
                      "From: <sip:%s@%s>;tag=r%d\r\nTo: <sip:%s@%s>\r\nCall-ID: %s\r\nCSeq: %d REGISTER\r\n"
                      "Contact: <sip:%s@%s>\r\nExpires: 3600\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
                      % (domain, me, pid, i, attempt, aor, domain, i, aor, domain, call_id, attempt + 1, aor, me)).encode(),
                     targets[i])
            try:
                r = await_response(call_id, "REGISTER")
            except socket.timeout:
                continue
            if r.code == 200:
                break
            print("probe-invite: REGISTER of %s through %s:%d answered %d" % ((aor,) + targets[i] + (r.code,)))
            sys.exit(1)
        else:
            print("probe-invite: no answer to the REGISTER of %s through %s:%d" % ((aor,) + targets[i]))
            sys.exit(1)

    lat, bye_lat, timeouts, bad, n = [], [], 0, Counter(), 0
    no_rr, no_contact = 0, 0
    start = time.monotonic()
    measuring_from = start + warmup
    while True:
        now = time.monotonic()
        if now >= measuring_from + seconds:
            break
        aor = aors[n % len(aors)]
        target = targets[(n // len(aors)) % len(targets)]
        n += 1
        call_id = "pi-%d-%d@%s" % (pid, n, local_ip)
        ruri = "sip:%s@%s" % (aor, domain)
        branch = "z9hG4bK-pi%d-%d" % (pid, n)
        invite = request("INVITE", ruri, branch, "<%s>" % ruri, call_id, 1,
                         body=SDP % ("caller", local_ip, local_ip, 16000))
        warm = now < measuring_from
        t0 = time.perf_counter_ns()
        s.sendto(invite, target)
        try:
            final = await_response(call_id, "INVITE")
        except socket.timeout:
            timeouts += 1
            continue
        t1 = time.perf_counter_ns()
        expected = 302 if mode == "redirect" else 200
        if final.code != 200:
            # ACK for a non-2xx final response: hop by hop, the INVITE's Via
            s.sendto(request("ACK", ruri, branch, final.value("to"), call_id, 1, contact=False), target)
        if final.code != expected:
            bad[final.code] += 1
            continue
        if mode == "redirect":
            if ("@" + me) not in " ".join(final.lines("contact")):
                no_contact += 1
        else:
            # the route set: the Record-Route of the 200 in reverse; requests go to its first entry
            routes = list(reversed(name_addrs(v.split(":", 1)[1] for v in final.lines("record-route"))))
            remote = uri_of(final.value("contact"))
            if not routes:
                no_rr += 1
            dest = host_port(uri_of(routes[0]) if routes else remote)
            to = final.value("to")
            s.sendto(request("ACK", remote, branch + "-ack", to, call_id, 1, routes, contact=False), dest)
            t2 = time.perf_counter_ns()
            s.sendto(request("BYE", remote, branch + "-bye", to, call_id, 2, routes, contact=False), dest)
            try:
                bye = await_response(call_id, "BYE")
            except socket.timeout:
                timeouts += 1
                continue
            if bye.code != 200:
                bad["bye_%d" % bye.code] += 1
                continue
            if not warm:
                bye_lat.append((time.perf_counter_ns() - t2) / 1000.0)
        if not warm:
            lat.append((t1 - t0) / 1000.0)
    # late ACKs
    try:
        await_response("none", "none", timeout=0.5)
    except socket.timeout:
        pass
    lat.sort()
    bye_lat.sort()
    callee_us.sort()
    extra = ""
    if mode == "redirect":
        extra = " no_contact=%d" % no_contact
    else:
        extra = (" bye_p50_us=%.0f bye_p99_us=%.0f callee_p50_us=%.0f acks_lost=%d byes_before_ack=%d no_record_route=%d"
                 % (pct(bye_lat, 50), pct(bye_lat, 99), pct(callee_us, 50), len(answered - acked), byes_before_ack[0],
                    no_rr))
    print("n=%d p50_us=%.0f p90_us=%.0f p99_us=%.0f p999_us=%.0f max_us=%.0f mean_us=%.0f rate=%.0f timeouts=%d%s%s"
          % (len(lat), pct(lat, 50), pct(lat, 90), pct(lat, 99), pct(lat, 99.9), lat[-1] if lat else float("nan"),
             sum(lat) / len(lat) if lat else float("nan"), len(lat) / seconds, timeouts, extra,
             "".join(" status_%s=%s" % kv for kv in sorted(bad.items(), key=str))))


def threads(*pids):
    for pid in pids:
        try:
            tids = os.listdir("/proc/%s/task" % pid)
        except OSError:
            continue
        for tid in tids:
            try:
                with open("/proc/%s/task/%s/stat" % (pid, tid)) as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            print("%s\t%s\t%s\t%d" % (pid, tid, name, int(fields[11]) + int(fields[12])))


def thread_cpu(before, after, seconds):
    hz = os.sysconf("SC_CLK_TCK")

    def load(path):
        with open(path) as f:
            return {(p, t): (name, int(ticks)) for p, t, name, ticks in (l.rstrip("\n").split("\t") for l in f if l.strip())}

    b, a = load(before), load(after)
    used = Counter()
    for key, (name, ticks) in a.items():
        used[re.sub(r"[0-9]+", "N", name)] += ticks - b.get(key, (name, 0))[1]
    total = sum(used.values())
    print("threads of the peers, %% of one core over %.0f s (all: %.0f %%):" % (float(seconds), 100.0 * total / hz / float(seconds)))
    for name, ticks in used.most_common(15):
        if ticks > 0:
            print("  %6.1f %%  %s" % (100.0 * ticks / hz / float(seconds), name))


def jfr_top(path, n=25):
    with open(path) as f:
        data = json.load(f)
    events = data["recording"]["events"]
    top, pkg, app = Counter(), Counter(), Counter()
    for e in events:
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        if not frames:
            continue

        def cls(fr):
            return fr["method"]["type"]["name"].replace("/", ".")

        def name(fr):
            return "%s.%s" % (cls(fr), fr["method"]["name"])

        top[name(frames[0])] += 1
        seen = set()
        for fr in frames:
            t = cls(fr)
            parts = t.split(".")
            area = ".".join(parts[:4]) if t.startswith("org.sipring.") else ".".join(parts[:2])
            if area not in seen:
                seen.add(area)
                pkg[area] += 1
        for fr in frames:
            t = cls(fr)
            if t.startswith("org.sipring.") and "$$Lambda" not in t:
                app[name(fr)] += 1
                break
    total = sum(top.values())
    print("samples %d" % total)
    print("top frames (self):")
    for k, v in top.most_common(int(n)):
        print("  %5.1f%%  %s" % (100.0 * v / total, k))
    print("packages on the stack (inclusive):")
    for k, v in pkg.most_common(int(n)):
        print("  %5.1f%%  %s" % (100.0 * v / total, k))
    print("innermost sipring frame:")
    for k, v in app.most_common(int(n)):
        print("  %5.1f%%  %s" % (100.0 * v / total, k))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"users": users, "calls": calls, "kam-subscribers": kam_subscribers, "provision": provision, "step": step,
     "invite-step": invite_step, "probe": probe, "probe-invite": probe_invite, "threads": threads,
     "thread-cpu": thread_cpu, "jfr-top": jfr_top}[cmd](*args)
