package org.sipring.peer.sip;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One Contact of a REGISTER as the registrar reads it (RFC 3261 §10.3 step 7).
 *
 * @param uri        the contact URI, already canonical (see {@link Binding#contact()})
 * @param expires    its expires parameter, if present (seconds)
 * @param qMillis    its q-value in thousandths, 1000 when absent
 * @param instanceId its +sip.instance (RFC 5626 §4.1), or null
 * @param regId      its reg-id (RFC 5626 §4.2), 0 when absent
 */
public record ContactSpec(String uri, OptionalInt expires, int qMillis, String instanceId, int regId) {
    public ContactSpec {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(expires, "expires");
        if (qMillis < 0 || qMillis > 1000) {
            throw new IllegalArgumentException("q out of range: " + qMillis);
        }
    }

    /** The key its binding is stored under: instance and reg-id when present, else the URI (RFC 5626 §6). */
    public String bindingKey() {
        return Binding.key(uri, instanceId, regId);
    }
}
