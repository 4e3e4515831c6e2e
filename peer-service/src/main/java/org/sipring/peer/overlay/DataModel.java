package org.sipring.peer.overlay;

/** RELOAD data models (RFC 6940 §7.2). */
public enum DataModel {
    SINGLE(1), ARRAY(2), DICTIONARY(3);

    public final int value;

    DataModel(int value) {
        this.value = value;
    }
}
