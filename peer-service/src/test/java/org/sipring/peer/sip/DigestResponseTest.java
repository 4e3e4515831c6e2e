package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The digest response check against the published examples: RFC 2617 §3.5 (MD5, qop=auth) and
 * RFC 7616 §3.9.1 (SHA-256 and MD5, qop=auth), and the RFC 2069 form without qop.
 */
class DigestResponseTest {

    /** RFC 2617 §3.5. */
    private static final class Rfc2617 {
        static final String USER = "Mufasa";
        static final String REALM = "testrealm@host.com";
        static final String PASSWORD = "Circle Of Life";
        static final String NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
        static final String URI = "/dir/index.html";
        static final String CNONCE = "0a4f113b";
        static final String HA1 = "939e7578ed9e3c518a452acee763bce9";
        static final String RESPONSE = "6629fae49393a05397450978507c4ef1";
        /** The same request without qop (RFC 2069 form), MD5(HA1:nonce:HA2), computed independently. */
        static final String RESPONSE_WITHOUT_QOP = "670fd8c2df070c60b045671b8b24ff02";
    }

    /** RFC 7616 §3.9.1. */
    private static final class Rfc7616 {
        static final String USER = "Mufasa";
        static final String REALM = "http-auth@example.org";
        static final String PASSWORD = "Circle of Life";
        static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        static final String URI = "/dir/index.html";
        static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        static final String SHA256_RESPONSE = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";
        static final String MD5_RESPONSE = "8ca523f5e9506fed4657c9700eebdbec";
    }

    private static DigestResponse rfc2617(String response, String uri, String nc, String method) {
        return new DigestResponse(Rfc2617.USER, Rfc2617.REALM, Rfc2617.NONCE, uri, response, DigestAlgorithm.MD5,
            Rfc2617.CNONCE, nc, "auth", method);
    }

    private static DigestResponse rfc2617() {
        return rfc2617(Rfc2617.RESPONSE, Rfc2617.URI, "00000001", "GET");
    }

    private static String rfc2617Ha1(String password) {
        return DigestAlgorithm.MD5.ha1(Rfc2617.USER, Rfc2617.REALM, password);
    }

    private static DigestResponse rfc7616(DigestAlgorithm algorithm, String response) {
        return new DigestResponse(Rfc7616.USER, Rfc7616.REALM, Rfc7616.NONCE, Rfc7616.URI, response, algorithm,
            Rfc7616.CNONCE, "00000001", "auth", "GET");
    }

    private static DigestResponse withNc(String nc) {
        return rfc2617(Rfc2617.RESPONSE, Rfc2617.URI, nc, "GET");
    }

    @Nested
    class PublishedVectors {

        @Test
        void rfc2617Ha1IsTheOneTheRfcShows() {
            assertThat(rfc2617Ha1(Rfc2617.PASSWORD)).isEqualTo(Rfc2617.HA1);
        }

        @Test
        void rfc2617Md5ResponseMatches() {
            assertThat(rfc2617().matches(rfc2617Ha1(Rfc2617.PASSWORD))).isTrue();
        }

        @Test
        void rfc7616Sha256ResponseMatches() {
            String ha1 = DigestAlgorithm.SHA_256.ha1(Rfc7616.USER, Rfc7616.REALM, Rfc7616.PASSWORD);
            assertThat(rfc7616(DigestAlgorithm.SHA_256, Rfc7616.SHA256_RESPONSE).matches(ha1)).isTrue();
        }

        @Test
        void rfc7616Md5ResponseMatches() {
            String ha1 = DigestAlgorithm.MD5.ha1(Rfc7616.USER, Rfc7616.REALM, Rfc7616.PASSWORD);
            assertThat(rfc7616(DigestAlgorithm.MD5, Rfc7616.MD5_RESPONSE).matches(ha1)).isTrue();
        }

        @Test
        void theSha256ResponseDoesNotMatchTheMd5Ha1OrTheOtherWayRound() {
            String md5Ha1 = DigestAlgorithm.MD5.ha1(Rfc7616.USER, Rfc7616.REALM, Rfc7616.PASSWORD);
            String shaHa1 = DigestAlgorithm.SHA_256.ha1(Rfc7616.USER, Rfc7616.REALM, Rfc7616.PASSWORD);
            assertThat(rfc7616(DigestAlgorithm.SHA_256, Rfc7616.SHA256_RESPONSE).matches(md5Ha1)).isFalse();
            assertThat(rfc7616(DigestAlgorithm.MD5, Rfc7616.MD5_RESPONSE).matches(shaHa1)).isFalse();
        }

        @Test
        void anUpperCaseHexResponseIsAccepted() {
            String upper = Rfc2617.RESPONSE.toUpperCase(Locale.ROOT);
            assertThat(rfc2617(upper, Rfc2617.URI, "00000001", "GET").matches(rfc2617Ha1(Rfc2617.PASSWORD)))
                .isTrue();
            String ha1 = DigestAlgorithm.SHA_256.ha1(Rfc7616.USER, Rfc7616.REALM, Rfc7616.PASSWORD);
            assertThat(rfc7616(DigestAlgorithm.SHA_256, Rfc7616.SHA256_RESPONSE.toUpperCase(Locale.ROOT))
                .matches(ha1)).isTrue();
        }

        @Test
        void theRfc2069FormWithoutQopMatches() {
            DigestResponse d = new DigestResponse(Rfc2617.USER, Rfc2617.REALM, Rfc2617.NONCE, Rfc2617.URI,
                Rfc2617.RESPONSE_WITHOUT_QOP, DigestAlgorithm.MD5, null, null, null, "GET");
            assertThat(d.qop()).isEmpty();
            assertThat(d.matches(Rfc2617.HA1)).isTrue();
            assertThat(d.matches(rfc2617Ha1("CircleOfLife"))).isFalse();
        }

        @Test
        void theQopResponseIsNotAcceptedAsTheQopLessFormNorTheOtherWayRound() {
            DigestResponse qopLessWithQopResponse = new DigestResponse(Rfc2617.USER, Rfc2617.REALM, Rfc2617.NONCE,
                Rfc2617.URI, Rfc2617.RESPONSE, DigestAlgorithm.MD5, "", "", "", "GET");
            assertThat(qopLessWithQopResponse.matches(Rfc2617.HA1)).isFalse();
            assertThat(rfc2617(Rfc2617.RESPONSE_WITHOUT_QOP, Rfc2617.URI, "00000001", "GET").matches(Rfc2617.HA1))
                .isFalse();
        }
    }

    @Nested
    class WhatDoesNotMatch {

        @Test
        void aWrongPassword() {
            assertThat(rfc2617().matches(rfc2617Ha1("Circle of Life"))).isFalse();
        }

        @Test
        void anotherUri() {
            assertThat(rfc2617(Rfc2617.RESPONSE, "/dir/other.html", "00000001", "GET").matches(Rfc2617.HA1))
                .isFalse();
        }

        @Test
        void anotherMethod() {
            assertThat(rfc2617(Rfc2617.RESPONSE, Rfc2617.URI, "00000001", "REGISTER").matches(Rfc2617.HA1))
                .isFalse();
        }

        @Test
        void anotherNonceCount() {
            assertThat(withNc("00000002").matches(Rfc2617.HA1)).isFalse();
        }

        @Test
        void anotherNonceOrCnonce() {
            DigestResponse nonce = new DigestResponse(Rfc2617.USER, Rfc2617.REALM, Rfc2617.NONCE + "0", Rfc2617.URI,
                Rfc2617.RESPONSE, DigestAlgorithm.MD5, Rfc2617.CNONCE, "00000001", "auth", "GET");
            DigestResponse cnonce = new DigestResponse(Rfc2617.USER, Rfc2617.REALM, Rfc2617.NONCE, Rfc2617.URI,
                Rfc2617.RESPONSE, DigestAlgorithm.MD5, "0a4f113c", "00000001", "auth", "GET");
            assertThat(nonce.matches(Rfc2617.HA1)).isFalse();
            assertThat(cnonce.matches(Rfc2617.HA1)).isFalse();
        }

        @Test
        void aTruncatedOrEmptyResponse() {
            assertThat(rfc2617(Rfc2617.RESPONSE.substring(1), Rfc2617.URI, "00000001", "GET").matches(Rfc2617.HA1))
                .isFalse();
            assertThat(rfc2617("", Rfc2617.URI, "00000001", "GET").matches(Rfc2617.HA1)).isFalse();
        }
    }

    @Nested
    class NonceCount {

        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "00000001, 1",
            "0000000a, 10",
            "0000000A, 10",
            "000000ff, 255",
            "00000000, 0",
            "ffffffff, 4294967295",
        })
        void eightHexDigitsAreTheCount(String nc, long count) {
            assertThat(withNc(nc).nonceCount()).isEqualTo(count);
        }

        @ParameterizedTest(name = "''{0}''")
        @NullAndEmptySource
        @ValueSource(strings = {"1", "0000001", "000000001", "0000000g", "zzzzzzzz", "0000 001", " 00000001"})
        void anythingButEightHexDigitsIsMinusOne(String nc) {
            assertThat(withNc(nc).nonceCount()).isEqualTo(-1);
        }

        @Test
        void aSignedCountIsNotEightHexDigits() {
            assertThat(withNc("+0000001").nonceCount()).isEqualTo(-1);
            assertThat(withNc("-0000002").nonceCount()).isEqualTo(-1);
        }

        @Test
        void withoutQopThereIsNoCount() {
            DigestResponse d = new DigestResponse("u", "r", "n", "sip:r", "x", DigestAlgorithm.MD5, null, null, null,
                "REGISTER");
            assertThat(d.nc()).isEmpty();
            assertThat(d.nonceCount()).isEqualTo(-1);
        }
    }

    @Nested
    class Algorithm {

        @ParameterizedTest
        @NullAndEmptySource
        void anAbsentAlgorithmIsMd5(String token) {
            assertThat(DigestAlgorithm.of(token)).contains(DigestAlgorithm.MD5);
        }

        @ParameterizedTest
        @CsvSource({"MD5, MD5", "md5, MD5", "Md5, MD5", "SHA-256, SHA_256", "sha-256, SHA_256", "Sha-256, SHA_256"})
        void theTokenIsReadCaseInsensitively(String token, DigestAlgorithm expected) {
            assertThat(DigestAlgorithm.of(token)).contains(expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {"MD5-sess", "SHA-256-sess", "SHA-512-256", "SHA256", "SHA_256", "sha", " MD5"})
        void anUnknownTokenIsEmpty(String token) {
            assertThat(DigestAlgorithm.of(token)).isEmpty();
        }

        @Test
        void eachAlgorithmsTokenReadsBackAsItself() {
            for (DigestAlgorithm a : DigestAlgorithm.values()) {
                assertThat(DigestAlgorithm.of(a.token())).contains(a);
            }
        }

        @Test
        void hashIsLowerCaseHexOfTheUtf8Bytes() {
            assertThat(DigestAlgorithm.MD5.hash("")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
            assertThat(DigestAlgorithm.SHA_256.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat(DigestAlgorithm.MD5.hash("\u00e9")).as("UTF-8 C3 A9, not Latin-1 E9")
                .isEqualTo("66ddcd97cfdeabb2f6fb8a999b4bc76f");
        }

        @Test
        void ha1IsTheHashOfUserRealmAndPasswordJoinedByColons() {
            assertThat(DigestAlgorithm.SHA_256.ha1("a", "b", "c")).isEqualTo(DigestAlgorithm.SHA_256.hash("a:b:c"));
        }
    }
}
