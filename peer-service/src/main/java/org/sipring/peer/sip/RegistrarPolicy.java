package org.sipring.peer.sip;

/**
 * The registrar's limits (RFC 3261 §10.3 step 7).
 *
 * @param minExpires     shortest non-zero expiry accepted; shorter gets 423 with this Min-Expires
 * @param maxExpires     longer expiries are shortened to this
 * @param defaultExpires expiry when neither the contact nor the request names one
 * @param maxContacts    most bindings one AOR may have; more gets 403
 */
public record RegistrarPolicy(int minExpires, int maxExpires, int defaultExpires, int maxContacts) {
    public RegistrarPolicy {
        if (minExpires < 1 || maxExpires < minExpires || defaultExpires < minExpires || defaultExpires > maxExpires
            || maxContacts < 1) {
            throw new IllegalArgumentException("need 1 <= min-expires <= default-expires <= max-expires and"
                + " max-contacts >= 1");
        }
    }

    public static RegistrarPolicy defaults() {
        return new RegistrarPolicy(60, 86_400, 3_600, 10);
    }
}
