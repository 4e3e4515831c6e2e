package org.sipring.peer.sip;

import java.util.List;
import java.util.Objects;

/**
 * One registered contact of an address-of-record: what the registrar keeps (RFC 3261 §10.3) and
 * what the proxy needs to reach it (Path, RFC 3327; flow and instance, RFC 5626).
 *
 * @param contact    the contact URI in canonical form, compared as a string
 * @param qMillis    q-value in thousandths
 * @param expiresAt  when the binding expires (epoch milliseconds)
 * @param callId     Call-ID of the REGISTER that last wrote it
 * @param cseq       CSeq number of that REGISTER
 * @param path       Path header values, in order
 * @param instanceId +sip.instance, or null
 * @param regId      reg-id, 0 when absent
 * @param flow       the flow the REGISTER came on, or null when unknown
 */
public record Binding(String contact, int qMillis, long expiresAt, String callId, long cseq, List<String> path,
                      String instanceId, int regId, Flow flow) {

    public Binding {
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(callId, "callId");
        if (qMillis < 0 || qMillis > 1000 || regId < 0) {
            throw new IllegalArgumentException("q out of 0..1000 or negative reg-id");
        }
        path = List.copyOf(path);
    }

    /** The key this binding is stored under (RFC 5626 §6: instance and reg-id when present, else the URI). */
    public String key() {
        return key(contact, instanceId, regId);
    }

    static String key(String uri, String instanceId, int regId) {
        return instanceId != null ? instanceId + ";reg-id=" + regId : uri;
    }

    /** Seconds left before it expires, never negative. */
    public long remainingSeconds(long now) {
        return Math.max(0, (expiresAt - now + 999) / 1000);
    }
}
