package org.sipring.peer.sip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A subscriber's credentials as the AOR's responsible peer keeps them, next to the bindings in the
 * same slot: one HA1 per digest algorithm (never the password, RFC 3261 §22.4), and the nonces
 * recently used for this AOR with the highest nonce count seen, so a replayed Authorization is
 * refused wherever it arrives (RFC 2617 §3.2.2: nc must grow).
 */
public record AuthRecord(Map<DigestAlgorithm, String> ha1, List<NonceUse> nonces) {

    /** Nonce uses kept per AOR; beyond it the use of the nonce that expires first is dropped. */
    static final int MAX_NONCES = 32;

    /**
     * How long after a nonce's expiry its use is still remembered: the receiving peer judges
     * freshness on its clock and this peer forgets on its own, so a clock difference smaller than
     * this cannot open a replay window.
     */
    static final long CLOCK_MARGIN_MILLIS = 60_000;

    /**
     * @param nc     highest nonce count accepted (0 for the qop-less form, which allows one use)
     * @param callId the Call-ID and CSeq of the request that used it, so its retransmission passes
     */
    public record NonceUse(String nonce, long expiresAt, long nc, String callId, long cseq) {
        public NonceUse {
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(callId, "callId");
        }
    }

    public AuthRecord {
        ha1 = Map.copyOf(ha1);
        nonces = List.copyOf(nonces);
    }

    /** The HA1 of every algorithm for a new password. */
    public static AuthRecord forPassword(Aor aor, String password) {
        Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            ha1.put(a, a.ha1(aor.user(), aor.host(), password));
        }
        return new AuthRecord(ha1, List.of());
    }

    /** What checking one Authorization found. */
    public enum Verdict {
        /** Right password, fresh nonce count: go on (the record to keep is in {@link Check#next}). */
        ACCEPTED,
        /** Wrong password, unknown algorithm or a malformed count: challenge again. */
        WRONG,
        /** Right password, but this nonce and count were used by another request: a new nonce is needed. */
        REPLAYED
    }

    public record Check(Verdict verdict, AuthRecord next) {
    }

    /**
     * Checks a digest response for a request with this Call-ID and CSeq. The nonce itself (its
     * tag and age) is checked by the receiving peer before it gets here.
     */
    public Check check(DigestResponse d, long nonceExpiresAt, String callId, long cseq, long now) {
        String h = ha1.get(d.algorithm());
        if (h == null || !d.matches(h)) {
            return new Check(Verdict.WRONG, this);
        }
        long nc = d.qop().isEmpty() ? 0 : d.nonceCount();
        if (nc < 0 || (!d.qop().isEmpty() && nc == 0)) {
            return new Check(Verdict.WRONG, this);
        }
        List<NonceUse> kept = new ArrayList<>();
        NonceUse previous = null;
        for (NonceUse u : nonces) {
            if (u.nonce().equals(d.nonce())) {
                previous = u;
            } else if (u.expiresAt() + CLOCK_MARGIN_MILLIS >= now) {
                kept.add(u);
            }
        }
        if (previous != null && nc <= previous.nc()) {
            boolean retransmission = nc == previous.nc() && callId.equals(previous.callId()) && cseq == previous.cseq();
            return new Check(retransmission ? Verdict.ACCEPTED : Verdict.REPLAYED, this);
        }
        kept.sort(Comparator.comparingLong(NonceUse::expiresAt));
        while (kept.size() >= MAX_NONCES) {
            kept.remove(0);
        }
        kept.add(new NonceUse(d.nonce(), nonceExpiresAt, nc, callId, cseq));
        return new Check(Verdict.ACCEPTED, new AuthRecord(ha1, kept));
    }
}
