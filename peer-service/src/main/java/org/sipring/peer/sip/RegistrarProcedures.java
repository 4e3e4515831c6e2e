package org.sipring.peer.sip;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;

/**
 * The registrar's atomic updates of a {@link Registration} slot, run by the AOR's responsible
 * peer (registered by name at every peer; the overlay replicates their writes before answering).
 * <ul>
 *   <li>{@value #REGISTER}: checks the digest against the credentials entry (RFC 3261 §22.4, nonce
 *       counts against replays), then applies {@link RegisterRules}; argument a {@link RegisterCall},
 *       reply a {@link RegisterReply}. Writes only the entries that changed.</li>
 *   <li>{@value #SET_CREDENTIALS}: replaces the credentials entry (argument an {@link AuthRecord});
 *       the bindings stay.</li>
 *   <li>{@value #REMOVE_CREDENTIALS}: deletes the credentials entry.</li>
 *   <li>{@value #REMOVE_BINDINGS}: deletes every binding; reply the count, 4 bytes.</li>
 * </ul>
 */
public final class RegistrarProcedures {

    public static final String REGISTER = "sip.register";
    public static final String SET_CREDENTIALS = "sip.set-credentials";
    public static final String REMOVE_CREDENTIALS = "sip.remove-credentials";
    public static final String REMOVE_BINDINGS = "sip.remove-bindings";

    private final RegisterRules rules;

    public RegistrarProcedures(RegistrarPolicy policy) {
        this.rules = new RegisterRules(policy);
    }

    /** Every procedure by name, to register with the storage layer. */
    public Map<String, SlotProcedure> all() {
        Map<String, SlotProcedure> all = new HashMap<>();
        all.put(REGISTER, this::register);
        all.put(SET_CREDENTIALS, RegistrarProcedures::setCredentials);
        all.put(REMOVE_CREDENTIALS, RegistrarProcedures::removeCredentials);
        all.put(REMOVE_BINDINGS, RegistrarProcedures::removeBindings);
        return Map.copyOf(all);
    }

    SlotProcedure.Outcome register(List<StoredValue> current, byte[] argument, long now) {
        RegisterCall call = RegistrarCodec.decodeCall(argument);
        Registration.Contents slot = Registration.read(current);
        List<StoredValue> writes = new ArrayList<>();
        if (call.authRequired()) {
            Optional<AuthRecord> credentials = slot.credentials();
            if (credentials.isEmpty()) {
                return reply(List.of(), RegisterReply.refused(401, "Unauthorized"));
            }
            AuthRecord.Check check = credentials.get().check(call.digest(), call.nonceExpiresAt(),
                call.request().callId(), call.request().cseq(), now);
            switch (check.verdict()) {
                case WRONG -> {
                    return reply(List.of(), RegisterReply.refused(401, "Unauthorized"));
                }
                case REPLAYED -> {
                    return reply(List.of(), new RegisterReply(401, "Unauthorized", OptionalInt.empty(),
                        List.of(), true));
                }
                case ACCEPTED -> {
                    if (check.next() != credentials.get()) {
                        writes.add(Registration.put(check.next()));
                    }
                }
            }
        }
        RegisterOutcome outcome = rules.apply(slot.bindings(), call.request(), now);
        if (outcome instanceof RegisterOutcome.Refused r) {
            return reply(writes, new RegisterReply(r.status(), r.reason(), r.minExpires(), List.of(), false));
        }
        RegisterOutcome.Accepted a = (RegisterOutcome.Accepted) outcome;
        if (a.changed()) {
            writes.addAll(changes(slot.bindings(), a.bindings(), now));
        }
        return reply(writes, RegisterReply.ok(a.bindings()));
    }

    /** Entries to write to go from {@code before} to {@code after}: new or changed ones, deletions of the rest. */
    private static List<StoredValue> changes(List<Binding> before, List<Binding> after, long now) {
        Map<String, Binding> old = new HashMap<>();
        before.forEach(b -> old.put(b.key(), b));
        List<StoredValue> writes = new ArrayList<>();
        for (Binding b : after) {
            Binding was = old.remove(b.key());
            if (!b.equals(was)) {
                writes.add(Registration.put(b, now));
            }
        }
        old.values().forEach(b -> writes.add(Registration.remove(b, now)));
        return writes;
    }

    private static SlotProcedure.Outcome setCredentials(List<StoredValue> current, byte[] argument, long now) {
        AuthRecord a = RegistrarCodec.decodeAuth(argument);
        return new SlotProcedure.Outcome(List.of(Registration.put(new AuthRecord(a.ha1(), List.of()))), new byte[0]);
    }

    private static SlotProcedure.Outcome removeCredentials(List<StoredValue> current, byte[] argument, long now) {
        boolean present = Registration.read(current).credentials().isPresent();
        return new SlotProcedure.Outcome(present ? List.of(Registration.removeCredentials()) : List.of(),
            new byte[] {(byte) (present ? 1 : 0)});
    }

    private static SlotProcedure.Outcome removeBindings(List<StoredValue> current, byte[] argument, long now) {
        List<Binding> bindings = Registration.read(current).bindings();
        List<StoredValue> writes = bindings.stream().map(b -> Registration.remove(b, now)).toList();
        return new SlotProcedure.Outcome(writes, ByteBuffer.allocate(4).putInt(bindings.size()).array());
    }

    private static SlotProcedure.Outcome reply(List<StoredValue> writes, RegisterReply reply) {
        return new SlotProcedure.Outcome(writes, RegistrarCodec.encode(reply));
    }
}
