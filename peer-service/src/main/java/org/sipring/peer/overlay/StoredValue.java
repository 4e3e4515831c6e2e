package org.sipring.peer.overlay;

/**
 * One stored value (RFC 6940 §7.1 StoredData with its StoredDataValue).
 *
 * @param storageTime milliseconds since the epoch, set by the storing peer
 * @param lifetime    seconds the value lives after storage
 * @param index       the array index (ARRAY model), else 0
 * @param key         the dictionary key (DICTIONARY model), else empty
 * @param exists      false marks a deletion (§7.4.1.3)
 * @param value       the opaque data
 */
public record StoredValue(long storageTime, long lifetime, long index, byte[] key, boolean exists, byte[] value) {

    public StoredValue {
        key = key == null ? new byte[0] : key.clone();
        value = value == null ? new byte[0] : value.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }
}
