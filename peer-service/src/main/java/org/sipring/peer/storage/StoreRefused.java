package org.sipring.peer.storage;

/**
 * A store or update the RELOAD rules refuse (RFC 6940 §7.4.1.2); nothing was changed. Carries the
 * RELOAD error code the responsible peer answers with.
 */
public final class StoreRefused extends RuntimeException {

    public static final int FORBIDDEN = 0x02;
    public static final int GENERATION_COUNTER_TOO_LOW = 0x05;
    public static final int DATA_TOO_LARGE = 0x08;
    public static final int DATA_TOO_OLD = 0x09;
    public static final int UNKNOWN_KIND = 0x0c;
    public static final int INVALID_MESSAGE = 0x14;

    private final int errorCode;

    public StoreRefused(int errorCode, String reason) {
        super(reason, null, false, false);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
