package org.sipring.peer.overlay.message;

import java.util.Optional;

/** RELOAD error codes (RFC 6940 §14.9), carried in an ErrorResponse. */
public enum ErrorCode {
    FORBIDDEN(0x02),
    NOT_FOUND(0x03),
    REQUEST_TIMEOUT(0x04),
    GENERATION_COUNTER_TOO_LOW(0x05),
    INCOMPATIBLE_WITH_OVERLAY(0x06),
    UNSUPPORTED_FORWARDING_OPTION(0x07),
    DATA_TOO_LARGE(0x08),
    DATA_TOO_OLD(0x09),
    TTL_EXCEEDED(0x0a),
    MESSAGE_TOO_LARGE(0x0b),
    UNKNOWN_KIND(0x0c),
    UNKNOWN_EXTENSION(0x0d),
    RESPONSE_TOO_LARGE(0x0e),
    CONFIG_TOO_OLD(0x0f),
    CONFIG_TOO_NEW(0x10),
    IN_PROGRESS(0x11),
    EXP_A(0x12),
    EXP_B(0x13),
    INVALID_MESSAGE(0x14);

    private final int value;

    ErrorCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Optional<ErrorCode> of(int value) {
        for (ErrorCode c : values()) {
            if (c.value == value) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
