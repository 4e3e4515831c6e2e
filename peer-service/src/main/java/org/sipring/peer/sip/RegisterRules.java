package org.sipring.peer.sip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * RFC 3261 §10.3 steps 6 to 8 as a pure function of an AOR's current bindings, one REGISTER and
 * the time: the registrar applies it at the AOR's responsible peer as one atomic update, so two
 * REGISTERs for one AOR never interleave.
 *
 * <ul>
 *   <li>Expired bindings are gone before anything else is decided.</li>
 *   <li>No Contact: a query; the current bindings, nothing written.</li>
 *   <li>Contact "*" (step 6): only with Expires: 0 and no other Contact, else 400. It removes
 *       every binding, unless one has the request's Call-ID with a CSeq not lower than the
 *       request's: then the update is aborted (400, stale).</li>
 *   <li>Each contact (step 7): its expires parameter, else the Expires header, else the default;
 *       a non-zero expiry under the minimum refuses the whole request with 423 and Min-Expires,
 *       one over the maximum is shortened to it.</li>
 *   <li>Each contact against its existing binding (step 7): a different Call-ID updates it (or
 *       removes it, expiry 0); the same Call-ID updates only with a higher CSeq. A CSeq lower
 *       than that of any binding with the request's Call-ID aborts the whole update (400, stale):
 *       a UA raises the CSeq of each REGISTER of one Call-ID (§10.2.4), so the request is older
 *       than one already applied. A binding with the request's Call-ID and CSeq was written by
 *       this very REGISTER, arriving again (a retransmission, possibly through another peer): it
 *       is left as it is, and the request still gets the current 200.</li>
 *   <li>More than {@code maxContacts} bindings afterwards: 403, nothing written.</li>
 * </ul>
 * A refusal never changes anything: the result is all of the request or none of it (step 7).
 */
public final class RegisterRules {

    /**
     * A request older than what a binding holds (§10.3 step 7: "the update MUST be aborted and the
     * request fails"; the RFC names no code). 400, as Kamailio's registrar answers it ("Invalid CSeq
     * number"): the request itself is at fault, not the server.
     */
    static final int STALE = 400;

    private final RegistrarPolicy policy;

    public RegisterRules(RegistrarPolicy policy) {
        this.policy = policy;
    }

    public RegisterOutcome apply(List<Binding> current, RegisterRequest r, long now) {
        Map<String, Binding> live = new LinkedHashMap<>();
        for (Binding b : current) {
            if (b.expiresAt() > now) {
                live.put(b.key(), b);
            }
        }
        if (r.wildcard()) {
            return removeAll(live, r);
        }
        if (r.contacts().isEmpty()) {
            return new RegisterOutcome.Accepted(List.copyOf(live.values()), false);
        }
        List<Integer> expiries = new ArrayList<>(r.contacts().size());
        for (ContactSpec c : r.contacts()) {
            int e = c.expires().orElse(r.expiresHeader().orElse(policy.defaultExpires()));
            if (e < 0) {
                return refused(400, "negative expires");
            }
            if (e > 0 && e < policy.minExpires()) {
                return new RegisterOutcome.Refused(423, "Interval Too Brief", OptionalInt.of(policy.minExpires()));
            }
            expiries.add(Math.min(e, policy.maxExpires()));
        }
        for (Binding b : live.values()) {
            if (b.callId().equals(r.callId()) && r.cseq() < b.cseq()) {
                return stale(b);
            }
        }
        Map<String, Binding> next = new LinkedHashMap<>(live);
        boolean changed = false;
        for (int i = 0; i < r.contacts().size(); i++) {
            ContactSpec c = r.contacts().get(i);
            Binding old = live.get(c.bindingKey());
            if (old != null && old.callId().equals(r.callId()) && r.cseq() == old.cseq()) {
                continue;
            }
            int e = expiries.get(i);
            if (e == 0) {
                changed |= next.remove(c.bindingKey()) != null;
            } else {
                next.put(c.bindingKey(), new Binding(c.uri(), c.qMillis(), now + e * 1000L, r.callId(), r.cseq(),
                    r.path(), c.instanceId(), c.regId(), r.flow()));
                changed = true;
            }
        }
        if (next.size() > policy.maxContacts() && next.size() > live.size()) {
            return refused(403, "more than " + policy.maxContacts() + " contacts for one address-of-record");
        }
        return new RegisterOutcome.Accepted(List.copyOf(next.values()), changed);
    }

    private static RegisterOutcome removeAll(Map<String, Binding> live, RegisterRequest r) {
        if (!r.contacts().isEmpty() || r.expiresHeader().orElse(-1) != 0) {
            return refused(400, "Contact: * needs Expires: 0 and no other Contact");
        }
        for (Binding b : live.values()) {
            if (b.callId().equals(r.callId()) && r.cseq() <= b.cseq()) {
                return stale(b);
            }
        }
        return new RegisterOutcome.Accepted(List.of(), !live.isEmpty());
    }

    private static RegisterOutcome stale(Binding b) {
        return refused(STALE, "Invalid CSeq number (not above " + b.cseq() + " of a binding)");
    }

    private static RegisterOutcome refused(int status, String reason) {
        return new RegisterOutcome.Refused(status, reason, OptionalInt.empty());
    }
}
