package org.sipring.peer.overlay.message;

/** The forwarding header carries a RELOAD version other than 1.0 (0x0a); §6.3.2 says reject it. */
public final class UnsupportedVersionException extends DecodeException {

    private final int version;

    public UnsupportedVersionException(int version) {
        super(String.format("unsupported RELOAD version 0x%02x", version), null);
        this.version = version;
    }

    public int version() {
        return version;
    }

    @Override
    public ErrorCode errorCode() {
        return ErrorCode.INCOMPATIBLE_WITH_OVERLAY;
    }

    @Override
    UnsupportedVersionException withHeader(ForwardingHeader h) {
        return this;
    }
}
