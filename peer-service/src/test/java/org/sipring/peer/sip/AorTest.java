package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3261 §10.3 step 5: the canonical form of an address-of-record, and what is not one. */
class AorTest {

    private static String canonical(String text) {
        return Aor.parse(text).toString();
    }

    @Nested
    class CanonicalForm {

        @Test
        void schemeAndHostAreLowerCasedButTheUserKeepsItsCase() {
            Aor aor = Aor.parse("SIP:Alice@Example.COM");
            assertThat(aor.user()).isEqualTo("Alice");
            assertThat(aor.domain()).isEqualTo("example.com");
            assertThat(aor).hasToString("sip:Alice@example.com");
        }

        @Test
        void usersDifferingOnlyInCaseAreDifferentAors() {
            assertThat(Aor.parse("sip:alice@example.com")).isNotEqualTo(Aor.parse("sip:ALICE@example.com"));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "sip:alice@example.com;transport=tcp             | uri parameters",
            "sip:alice@example.com;user=phone;lr             | several parameters, user-param too",
            "sip:alice@example.com?subject=hi&priority=urgent | headers",
            "sip:alice@example.com;transport=udp?subject=hi  | parameters then headers",
            "<sip:alice@example.com>                         | angle brackets",
            "\"Alice Liddell\" <sip:alice@example.com>;tag=1928301774 | display name and header parameters",
            "Alice <sip:alice@example.com;transport=tls>     | token display name, parameter inside brackets",
            "sips:alice@example.com                          | sips scheme",
            "SIPS:alice@EXAMPLE.com                          | sips scheme in upper case",
            "alice@example.com                               | bare user@host",
            "sip:alice:secret@example.com                    | password",
            "'  sip:alice@example.com  '                     | surrounding blanks",
        })
        void everythingButUserAndHostIsDropped(String text, String what) {
            assertThat(canonical(text)).as(what).isEqualTo("sip:alice@example.com");
        }

        @Test
        void thePortIsKeptInTheDomainButNotInTheHost() {
            Aor aor = Aor.parse("sip:alice@Example.com:5070;transport=tcp");
            assertThat(aor.domain()).isEqualTo("example.com:5070");
            assertThat(aor.host()).isEqualTo("example.com");
            assertThat(aor).hasToString("sip:alice@example.com:5070");
        }

        @Test
        void theHighestPortIsAccepted() {
            assertThat(Aor.parse("sip:alice@example.com:65535").domain()).isEqualTo("example.com:65535");
        }

        @Test
        void withoutAPortTheHostIsTheDomain() {
            Aor aor = Aor.parse("sip:alice@example.com");
            assertThat(aor.host()).isEqualTo("example.com").isEqualTo(aor.domain());
        }

        @ParameterizedTest(name = "{0} -> user {1}")
        @CsvSource({
            "sip:%61lice@example.com,       alice",
            "sip:al%69ce@example.com,       alice",
            "sip:alic%65@example.com,       alice",
            "sip:j%C3%B6rg@example.com,     jörg",
            "sip:first%20last@example.com,  first last",
            "sip:%2B15551234567@example.com, +15551234567",
        })
        void percentEscapesInTheUserAreUnescaped(String text, String user) {
            assertThat(Aor.parse(text).user()).isEqualTo(user);
        }

        @Test
        void anEscapedAndAnUnescapedUserAreTheSameAor() {
            assertThat(Aor.parse("sip:%61lice@example.com")).isEqualTo(Aor.parse("sip:alice@example.com"));
        }

        @Test
        void userCharactersRfc3261AllowsArePassedThrough() {
            assertThat(Aor.parse("sip:a-b_c.d!e~f*g'h(i)j&k=l+m$n,o/p@example.com").user())
                .isEqualTo("a-b_c.d!e~f*g'h(i)j&k=l+m$n,o/p");
        }

        @Test
        void anIpv6HostIsLowerCasedAndKeepsItsBrackets() {
            Aor aor = Aor.parse("sip:alice@[2001:DB8::1]");
            assertThat(aor.domain()).isEqualTo("[2001:db8::1]");
            assertThat(aor.host()).isEqualTo("[2001:db8::1]");
        }

        @Test
        void anIpv6HostWithAPortLosesOnlyThePortInHost() {
            Aor aor = Aor.parse("<sip:alice@[2001:db8::1]:5061;transport=tls>");
            assertThat(aor.domain()).isEqualTo("[2001:db8::1]:5061");
            assertThat(aor.host()).isEqualTo("[2001:db8::1]");
        }

        @Test
        void anIpv4HostIsKeptAsIs() {
            Aor aor = Aor.parse("sip:alice@192.0.2.7:5060");
            assertThat(aor.domain()).isEqualTo("192.0.2.7:5060");
            assertThat(aor.host()).isEqualTo("192.0.2.7");
        }

        @Test
        void theCanonicalFormParsesToItself() {
            Aor aor = Aor.parse("\"Bob\" <SIPS:Bob@Biloxi.Example.COM:5061;transport=tls?x=y>");
            assertThat(Aor.parse(aor.toString())).isEqualTo(aor);
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {" ", "\t\n"})
        void nullOrBlankIsRefused(String text) {
            assertThatThrownBy(() -> Aor.parse(text)).isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("required");
        }

        @ParameterizedTest(name = "{1}: {0}")
        @CsvSource(delimiter = '|', value = {
            "sip:@example.com       | no user",
            "@example.com           | bare, no user",
            "sip:example.com        | no @",
            "example.com            | bare, no @",
            "sip:alice@             | no host",
            "sip:alice@exa_mple.com | bad host character",
            "sip:alice@example.com: | port without digits",
            "sip:alice@example.com:123456 | port of six digits",
            "sip:al ice@example.com | space in the user",
            "sip:alice@example.com> | stray '>'",
            "tel:+15551234567       | tel URI",
            "tel:+1-201-555-0123;phone-context=example.com | tel URI with a context",
        })
        void whatIsNotSipUserAtHostIsRefused(String text, String what) {
            assertThatThrownBy(() -> Aor.parse(text)).as(what).isInstanceOf(Aor.InvalidAorException.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:al#ice@example.com", "sip:al\"ice@example.com", "sip:jörg@example.com",
            "sip:al[i]ce@example.com"})
        void userCharactersASipUriDoesNotAllowAreRefused(String text) {
            assertThatThrownBy(() -> Aor.parse(text)).isInstanceOf(Aor.InvalidAorException.class);
        }

        @Test
        void theCharacterReasonIsNamedForAnOtherwiseWellFormedUri() {
            assertThatThrownBy(() -> Aor.parse("sip:al#ice@example.com")).isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("characters a SIP URI does not allow");
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:alice%@example.com", "sip:alice%4@example.com", "sip:al%zzice@example.com",
            "sip:%g1alice@example.com", "sip:%@example.com"})
        void aBadPercentEscapeIsRefused(String text) {
            assertThatThrownBy(() -> Aor.parse(text)).isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("bad %-escape");
        }

        @ParameterizedTest
        @ValueSource(strings = {"sip:alice@example.com:65536", "sip:alice@example.com:99999",
            "sip:alice@[2001:db8::1]:70000"})
        void aPortAbove65535IsRefused(String text) {
            assertThatThrownBy(() -> Aor.parse(text)).isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("port out of range");
        }

        @ParameterizedTest
        @ValueSource(strings = {"<sip:alice@example.com", "\"Alice\" <sip:alice@example.com;transport=tcp"})
        void anUnbalancedAngleBracketIsRefused(String text) {
            assertThatThrownBy(() -> Aor.parse(text)).isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("unbalanced '<'");
        }

        @Test
        void theMessageQuotesTheTextWithoutControlCharacters() {
            assertThatThrownBy(() -> Aor.parse("sip:alice\r\n@example.com"))
                .isInstanceOf(Aor.InvalidAorException.class)
                .hasMessageContaining("'sip:alice??@example.com'");
        }

        @Test
        void aUriOfAnotherSchemeWithAUserinfoIsRefused() {
            for (String text : new String[] {"mailto:alice@example.com", "tel:+15551234567@example.com",
                "https://alice@example.com"}) {
                assertThatThrownBy(() -> Aor.parse(text)).as(text).isInstanceOf(Aor.InvalidAorException.class);
            }
        }
    }

    @Test
    void theRecordRefusesAnEmptyUserOrDomain() {
        assertThatThrownBy(() -> new Aor("", "example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Aor("alice", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Aor(null, "example.com")).isInstanceOf(NullPointerException.class);
    }
}
