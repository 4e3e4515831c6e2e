package org.sipring.peer.sip.jainsip;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Requests received by method, responses sent and forwarded by status class, messages dropped without an answer. */
public final class SipCounters {

    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> answered = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> forwarded = new ConcurrentHashMap<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private final LongAdder stunAnswered = new LongAdder();

    void countReceived(String method) {
        received.computeIfAbsent(method.length() > 16 ? "other" : method, m -> new LongAdder()).increment();
    }

    void countAnswered(int status) {
        answered.computeIfAbsent(status / 100, c -> new LongAdder()).increment();
    }

    void countForwarded(int status) {
        forwarded.computeIfAbsent(status / 100, c -> new LongAdder()).increment();
    }

    void countMalformed() {
        malformed.increment();
    }

    void countShed() {
        shed.increment();
    }

    void countStunAnswered() {
        stunAnswered.increment();
    }

    /** STUN Binding requests answered on the SIP UDP port (RFC 5626 keep-alives). */
    public long stunAnswered() {
        return stunAnswered.sum();
    }

    /** Messages the parser rejected (answered 400 by the stack when it could, else dropped). */
    public long malformed() {
        return malformed.sum();
    }

    /** Requests answered 503 at once because too many were waiting for the overlay. */
    public long shed() {
        return shed.sum();
    }

    void countDropped() {
        dropped.increment();
    }

    public long received(String method) {
        LongAdder a = received.get(method);
        return a == null ? 0 : a.sum();
    }

    /** @param statusClass 1 to 6 */
    public long answered(int statusClass) {
        LongAdder a = answered.get(statusClass);
        return a == null ? 0 : a.sum();
    }

    /** Responses of other elements this peer forwarded as a proxy, by class. */
    public long forwarded(int statusClass) {
        LongAdder a = forwarded.get(statusClass);
        return a == null ? 0 : a.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
