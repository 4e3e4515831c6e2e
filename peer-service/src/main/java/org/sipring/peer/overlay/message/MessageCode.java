package org.sipring.peer.overlay.message;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** RELOAD message codes (RFC 6940 §14.8). Requests are odd, answers are request + 1. */
public enum MessageCode {
    PROBE_REQ(0x01), PROBE_ANS(0x02),
    ATTACH_REQ(0x03), ATTACH_ANS(0x04),
    STORE_REQ(0x07), STORE_ANS(0x08),
    FETCH_REQ(0x09), FETCH_ANS(0x0a),
    FIND_REQ(0x0d), FIND_ANS(0x0e),
    JOIN_REQ(0x0f), JOIN_ANS(0x10),
    LEAVE_REQ(0x11), LEAVE_ANS(0x12),
    UPDATE_REQ(0x13), UPDATE_ANS(0x14),
    ROUTE_QUERY_REQ(0x15), ROUTE_QUERY_ANS(0x16),
    PING_REQ(0x17), PING_ANS(0x18),
    STAT_REQ(0x19), STAT_ANS(0x1a),
    APP_ATTACH_REQ(0x1d), APP_ATTACH_ANS(0x1e),
    CONFIG_UPDATE_REQ(0x21), CONFIG_UPDATE_ANS(0x22),
    /** exp_a: range synchronization between neighbors (digest, pull, push); docs/protocol.md. */
    EXP_A_REQ(0x23), EXP_A_ANS(0x24),
    /** exp_b: an atomic read-modify-write of one slot at its responsible peer; docs/protocol.md. */
    EXP_B_REQ(0x25), EXP_B_ANS(0x26),
    ERROR(0xffff);

    private static final Map<Integer, MessageCode> BY_VALUE = new HashMap<>();

    static {
        for (MessageCode c : values()) {
            BY_VALUE.put(c.value, c);
        }
    }

    private final int value;

    MessageCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public boolean isRequest() {
        return this != ERROR && (value & 1) == 1;
    }

    public boolean isResponse() {
        return !isRequest();
    }

    public static Optional<MessageCode> of(int value) {
        return Optional.ofNullable(BY_VALUE.get(value));
    }
}
