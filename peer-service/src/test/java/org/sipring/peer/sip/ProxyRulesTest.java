package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Target order, response choice and flow tokens: the proxy's decisions that need no SIP stack. */
class ProxyRulesTest {

    private static Binding binding(String contact, int q, long expiresAt) {
        return new Binding(contact, q, expiresAt, "c", 1, List.of(), null, 0, null);
    }

    @Test
    void targetsAreGroupedByDecreasingQAndExpiredOnesLeftOut() {
        Binding a = binding("sip:a@h", 500, 10_000);
        Binding b = binding("sip:b@h", 1000, 10_000);
        Binding c = binding("sip:c@h", 500, 20_000);
        Binding gone = binding("sip:d@h", 1000, 1_000);
        List<List<Binding>> groups = TargetSet.groups(List.of(a, b, c, gone), 5_000);
        assertThat(groups).containsExactly(List.of(b), List.of(c, a));
        assertThat(TargetSet.groups(List.of(gone), 5_000)).isEmpty();
    }

    @Test
    void theBestResponseIsA6xxElseTheLowestClassFirstReceived() {
        assertThat(ResponseChoice.best(List.of(486, 404, 503))).isEqualTo(0);
        assertThat(ResponseChoice.best(List.of(503, 302, 486))).isEqualTo(1);
        assertThat(ResponseChoice.best(List.of(302, 603))).isEqualTo(1);
        assertThat(ResponseChoice.best(List.of())).isEqualTo(-1);
        assertThat(ResponseChoice.upstream(503)).isEqualTo(500);
        assertThat(ResponseChoice.upstream(486)).isEqualTo(486);
    }

    @Test
    void aFlowTokenIsReadBackOnlyByItsPeerAndOnlyUnaltered() {
        FlowToken tokens = new FlowToken("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
        Flow flow = new Flow("tcp", "192.0.2.7", 40_123, "10.0.0.1:5060");
        String token = tokens.issue(flow);
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(tokens.read(token, "10.0.0.1:5060")).contains(flow);
        assertThat(tokens.read(token, "10.0.0.2:5060")).as("another peer").isEmpty();
        assertThat(new FlowToken("another secret, also long".getBytes(StandardCharsets.UTF_8)).read(token, "10.0.0.1:5060"))
            .as("another overlay's secret").isEmpty();
        byte[] raw = Base64.getUrlDecoder().decode(token);
        raw[10] ^= 1;
        assertThat(tokens.read(Base64.getUrlEncoder().withoutPadding().encodeToString(raw), "10.0.0.1:5060"))
            .as("an edited address").isEmpty();
        assertThat(tokens.read("not*base64", "10.0.0.1:5060")).isEmpty();
        assertThat(tokens.read("", "10.0.0.1:5060")).isEmpty();
    }
}
