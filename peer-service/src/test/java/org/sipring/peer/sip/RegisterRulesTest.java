package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RFC 3261 §10.3 steps 6 to 8 (and the RFC 5626 binding key), one case per rule, each with the
 * response it must produce.
 */
class RegisterRulesTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final RegistrarPolicy POLICY = new RegistrarPolicy(60, 7_200, 3_600, 3);
    private static final RegisterRules RULES = new RegisterRules(POLICY);
    private static final Flow FLOW = new Flow("tcp", "127.0.0.9", 5062, "c0ffee");

    private static ContactSpec contact(String uri) {
        return new ContactSpec(uri, OptionalInt.empty(), 1000, null, 0);
    }

    private static ContactSpec contact(String uri, int expires) {
        return new ContactSpec(uri, OptionalInt.of(expires), 1000, null, 0);
    }

    private static RegisterRequest register(String callId, long cseq, OptionalInt expires, ContactSpec... contacts) {
        return new RegisterRequest(callId, cseq, expires, false, List.of(contacts), List.of(), FLOW);
    }

    private static RegisterRequest register(String callId, long cseq, ContactSpec... contacts) {
        return register(callId, cseq, OptionalInt.empty(), contacts);
    }

    private static RegisterRequest wildcard(String callId, long cseq, OptionalInt expires) {
        return new RegisterRequest(callId, cseq, expires, true, List.of(), List.of(), FLOW);
    }

    private static List<Binding> accepted(RegisterOutcome o) {
        assertThat(o).isInstanceOf(RegisterOutcome.Accepted.class);
        return ((RegisterOutcome.Accepted) o).bindings();
    }

    private static boolean changed(RegisterOutcome o) {
        return ((RegisterOutcome.Accepted) o).changed();
    }

    private static int status(RegisterOutcome o) {
        assertThat(o).isInstanceOf(RegisterOutcome.Refused.class);
        return ((RegisterOutcome.Refused) o).status();
    }

    private static List<String> contacts(List<Binding> bs) {
        return bs.stream().map(Binding::contact).toList();
    }

    /** One binding registered with Call-ID "a", CSeq 10, 3600 s. */
    private static List<Binding> one() {
        return accepted(RULES.apply(List.of(), register("a", 10, contact("sip:alice@10.0.0.1")), NOW));
    }

    @Nested
    class Step6Wildcard {

        @Test
        void starWithExpiresZeroRemovesEveryBinding200() {
            List<Binding> two = accepted(RULES.apply(one(), register("b", 1, contact("sip:alice@10.0.0.2")), NOW));
            RegisterOutcome o = RULES.apply(two, wildcard("c", 1, OptionalInt.of(0)), NOW);
            assertThat(accepted(o)).isEmpty();
            assertThat(changed(o)).isTrue();
        }

        @Test
        void starWithoutExpiresZeroOrWithAnotherContactIs400() {
            assertThat(status(RULES.apply(one(), wildcard("c", 1, OptionalInt.empty()), NOW))).isEqualTo(400);
            assertThat(status(RULES.apply(one(), wildcard("c", 1, OptionalInt.of(60)), NOW))).isEqualTo(400);
            RegisterRequest mixed = new RegisterRequest("c", 1, OptionalInt.of(0), true,
                List.of(contact("sip:x@h")), List.of(), FLOW);
            assertThat(status(RULES.apply(one(), mixed, NOW))).isEqualTo(400);
        }

        @Test
        void starWithTheSameCallIdAndAnOlderOrEqualCSeqIsAbortedAndRemovesNothing() {
            assertThat(status(RULES.apply(one(), wildcard("a", 10, OptionalInt.of(0)), NOW)))
                .isEqualTo(RegisterRules.STALE);
            assertThat(status(RULES.apply(one(), wildcard("a", 9, OptionalInt.of(0)), NOW)))
                .isEqualTo(RegisterRules.STALE);
            assertThat(accepted(RULES.apply(one(), wildcard("a", 11, OptionalInt.of(0)), NOW))).isEmpty();
        }
    }

    @Nested
    class Step7Expiry {

        @Test
        void theContactParameterWinsOverTheExpiresHeaderWhichWinsOverTheDefault() {
            List<Binding> bs = accepted(RULES.apply(List.of(), register("a", 1, OptionalInt.of(600),
                contact("sip:p@h", 120), contact("sip:h@h")), NOW));
            assertThat(bs).extracting(b -> b.remainingSeconds(NOW)).containsExactly(120L, 600L);
            List<Binding> byDefault = accepted(RULES.apply(List.of(), register("a", 1, contact("sip:d@h")), NOW));
            assertThat(byDefault.get(0).remainingSeconds(NOW)).isEqualTo(3_600);
        }

        @Test
        void anExpiryUnderTheMinimumIs423WithMinExpiresAndChangesNothing() {
            RegisterOutcome o = RULES.apply(one(), register("a", 11, contact("sip:alice@10.0.0.1", 3600),
                contact("sip:new@h", 30)), NOW);
            assertThat(status(o)).isEqualTo(423);
            assertThat(((RegisterOutcome.Refused) o).minExpires()).hasValue(60);
        }

        @Test
        void anExpiryOverTheMaximumIsShortenedToIt() {
            List<Binding> bs = accepted(RULES.apply(List.of(), register("a", 1, contact("sip:p@h", 1_000_000)), NOW));
            assertThat(bs.get(0).remainingSeconds(NOW)).isEqualTo(7_200);
        }

        @Test
        void expiresZeroRemovesThatContactOnly() {
            List<Binding> two = accepted(RULES.apply(one(), register("b", 1, contact("sip:alice@10.0.0.2")), NOW));
            RegisterOutcome o = RULES.apply(two, register("b", 2, contact("sip:alice@10.0.0.2", 0)), NOW);
            assertThat(contacts(accepted(o))).containsExactly("sip:alice@10.0.0.1");
            assertThat(changed(o)).isTrue();
        }

        @Test
        void aNegativeExpiryIs400() {
            assertThat(status(RULES.apply(List.of(), register("a", 1, OptionalInt.of(-5), contact("sip:p@h")), NOW)))
                .isEqualTo(400);
        }

        @Test
        void anExpiredBindingIsGoneBeforeAnythingIsDecided() {
            List<Binding> bs = one();
            long later = bs.get(0).expiresAt();
            assertThat(accepted(RULES.apply(bs, register("z", 1), later))).isEmpty();
            assertThat(accepted(RULES.apply(bs, register("a", 1, contact("sip:alice@10.0.0.1")), later)))
                .as("an old CSeq against an expired binding is a new registration").hasSize(1);
        }
    }

    @Nested
    class Step7CallIdAndCSeq {

        @Test
        void aRefreshWithAHigherCSeqUpdatesTheBinding() {
            List<Binding> bs = accepted(RULES.apply(one(), register("a", 11, contact("sip:alice@10.0.0.1", 120)),
                NOW + 1_000));
            assertThat(bs).hasSize(1);
            assertThat(bs.get(0).cseq()).isEqualTo(11);
            assertThat(bs.get(0).remainingSeconds(NOW + 1_000)).isEqualTo(120);
        }

        @Test
        void aDifferentCallIdUpdatesWhateverItsCSeq() {
            List<Binding> bs = accepted(RULES.apply(one(), register("rebooted", 1, contact("sip:alice@10.0.0.1")),
                NOW));
            assertThat(bs.get(0).callId()).isEqualTo("rebooted");
            assertThat(bs.get(0).cseq()).isEqualTo(1);
        }

        @Test
        void aLowerCSeqWithTheSameCallIdIsAbortedAndNothingChanges() {
            List<Binding> two = accepted(RULES.apply(one(), register("a", 11, contact("sip:alice@10.0.0.2")), NOW));
            assertThat(status(RULES.apply(two, register("a", 10, contact("sip:new@h"),
                contact("sip:alice@10.0.0.1", 0)), NOW))).isEqualTo(RegisterRules.STALE);
        }

        @Test
        void aRetransmissionOfTheAppliedRegisterGetsTheCurrent200AndChangesNothing() {
            List<Binding> bs = one();
            RegisterOutcome again = RULES.apply(bs, register("a", 10, contact("sip:alice@10.0.0.1")), NOW + 500);
            assertThat(accepted(again)).isEqualTo(bs);
            assertThat(changed(again)).isFalse();
        }

        @Test
        void aRetransmittedRemovalIsStillA200() {
            List<Binding> gone = accepted(RULES.apply(one(), register("a", 11, contact("sip:alice@10.0.0.1", 0)), NOW));
            RegisterOutcome again = RULES.apply(gone, register("a", 11, contact("sip:alice@10.0.0.1", 0)), NOW);
            assertThat(accepted(again)).isEmpty();
            assertThat(changed(again)).isFalse();
        }
    }

    @Nested
    class Step8Response {

        @Test
        void aRegisterWithoutContactIsAQueryListingEveryCurrentBinding() {
            List<Binding> two = accepted(RULES.apply(one(), register("b", 1, contact("sip:alice@10.0.0.2")), NOW));
            RegisterOutcome q = RULES.apply(two, register("c", 1), NOW);
            assertThat(contacts(accepted(q))).containsExactly("sip:alice@10.0.0.1", "sip:alice@10.0.0.2");
            assertThat(changed(q)).isFalse();
        }

        @Test
        void aBindingKeepsItsQPathAndFlow() {
            RegisterRequest r = new RegisterRequest("a", 1, OptionalInt.empty(), false,
                List.of(new ContactSpec("sip:p@h", OptionalInt.empty(), 500, null, 0)),
                List.of("<sip:edge.example;lr>"), FLOW);
            Binding b = accepted(RULES.apply(List.of(), r, NOW)).get(0);
            assertThat(b.qMillis()).isEqualTo(500);
            assertThat(b.path()).containsExactly("<sip:edge.example;lr>");
            assertThat(b.flow()).isEqualTo(FLOW);
        }
    }

    @Nested
    class LimitsAndOutbound {

        @Test
        void moreContactsThanTheMaximumIs403AndNothingIsAdded() {
            List<Binding> three = accepted(RULES.apply(List.of(), register("a", 1, contact("sip:1@h"), contact("sip:2@h"),
                contact("sip:3@h")), NOW));
            assertThat(status(RULES.apply(three, register("b", 1, contact("sip:4@h")), NOW))).isEqualTo(403);
            assertThat(accepted(RULES.apply(three, register("a", 2, contact("sip:1@h", 120)), NOW)))
                .as("a refresh at the limit").hasSize(3);
        }

        @Test
        void anInstanceAndRegIdKeyTheBindingSoANewContactUriReplacesTheOldOne() {
            ContactSpec first = new ContactSpec("sip:alice@10.0.0.1:5060", OptionalInt.empty(), 1000,
                "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1);
            ContactSpec moved = new ContactSpec("sip:alice@192.0.2.7:40000", OptionalInt.empty(), 1000,
                "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1);
            ContactSpec secondFlow = new ContactSpec("sip:alice@192.0.2.7:40001", OptionalInt.empty(), 1000,
                "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 2);
            List<Binding> bs = accepted(RULES.apply(List.of(), register("a", 1, first), NOW));
            bs = accepted(RULES.apply(bs, register("a", 2, moved, secondFlow), NOW));
            assertThat(contacts(bs)).containsExactly("sip:alice@192.0.2.7:40000", "sip:alice@192.0.2.7:40001");
        }
    }
}
