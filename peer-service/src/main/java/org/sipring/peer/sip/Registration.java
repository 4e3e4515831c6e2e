package org.sipring.peer.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.StoredValue;

/**
 * How an AOR's registration is laid out in the overlay: one dictionary slot of a private-use kind
 * (RFC 6940 §14.6) under the canonical AOR. Each binding is an entry keyed by
 * {@link Binding#key()} whose lifetime is the binding's remaining expiry, so the storage layer
 * expires it; the subscriber's credentials are the entry with the one-byte key 0x00, which no
 * binding key (a URI or a +sip.instance) can be. Keeping both in one slot lets the responsible
 * peer check the credentials and apply the REGISTER in one atomic update.
 */
public final class Registration {

    public static final Kind KIND = new Kind(0xf0000010L, "sip-registration", DataModel.DICTIONARY);

    static final byte[] CREDENTIALS_KEY = {0};

    /** Bytes one entry may have: a binding with a long Path, or credentials with their nonce uses. */
    public static final int MAX_ENTRY_SIZE = 16 * 1024;

    /** Lifetime of the credentials entry: as long as a uint32 allows; removed explicitly. */
    static final long CREDENTIALS_LIFETIME = 0xffffffffL;

    /** The decoded slot: bindings (malformed entries skipped) and the credentials, if provisioned. */
    record Contents(List<Binding> bindings, Optional<AuthRecord> credentials, List<StoredValue> bindingValues) {
    }

    private Registration() {
    }

    /** Entries the kind may hold: the bindings and the credentials entry. */
    public static int maxEntries(RegistrarPolicy policy) {
        return policy.maxContacts() + 1;
    }

    static Contents read(List<StoredValue> values) {
        List<Binding> bindings = new ArrayList<>();
        List<StoredValue> bindingValues = new ArrayList<>();
        AuthRecord credentials = null;
        for (StoredValue v : values) {
            if (!v.exists()) {
                continue;
            }
            try {
                if (Arrays.equals(v.key(), CREDENTIALS_KEY)) {
                    credentials = RegistrarCodec.decodeAuth(v.value());
                } else {
                    bindings.add(BindingCodec.decode(v.value()));
                    bindingValues.add(v);
                }
            } catch (BindingCodec.MalformedBindingException e) {
                // an entry this version cannot read is left alone; it expires with its lifetime
            }
        }
        return new Contents(bindings, Optional.ofNullable(credentials), bindingValues);
    }

    /** Only the bindings of a fetched slot, for the REST API and the proxy. */
    public static List<Binding> bindings(List<StoredValue> values) {
        return read(values).bindings();
    }

    static StoredValue put(Binding b, long now) {
        return new StoredValue(0, Math.max(1, b.remainingSeconds(now)), 0, b.key().getBytes(StandardCharsets.UTF_8),
            true, BindingCodec.encode(b));
    }

    static StoredValue remove(Binding b, long now) {
        return new StoredValue(0, Math.max(1, b.remainingSeconds(now)), 0, b.key().getBytes(StandardCharsets.UTF_8),
            false, new byte[0]);
    }

    static StoredValue put(AuthRecord a) {
        return new StoredValue(0, CREDENTIALS_LIFETIME, 0, CREDENTIALS_KEY, true, RegistrarCodec.encode(a));
    }

    static StoredValue removeCredentials() {
        return new StoredValue(0, CREDENTIALS_LIFETIME, 0, CREDENTIALS_KEY, false, new byte[0]);
    }
}
