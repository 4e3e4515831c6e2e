package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** A binding survives its trip through the stored value; anything but exactly one binding is refused. */
class BindingCodecTest {

    private static final Binding FULL = new Binding("sip:alice@192.0.2.7:40000;transport=tcp", 700,
        1_800_000_000_000L, "a84b4c76e66710@pc33.example", 314_159, List.of("<sip:p1.example;lr>", "<sip:p2;lr>"),
        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1, new Flow("tls", "192.0.2.7", 40000, "c0ffee"));

    @Provide
    Arbitrary<Binding> bindings() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<Flow> flow = Combinators.combine(Arbitraries.of("udp", "tcp", "tls"), text,
            Arbitraries.integers().between(1, 65_535), text).as(Flow::new).injectNull(0.3);
        return Combinators.combine(text, Arbitraries.integers().between(0, 1000), Arbitraries.longs(), text,
            Arbitraries.longs().greaterOrEqual(0), text.list().ofMaxSize(4), text.injectNull(0.5),
            Arbitraries.integers().between(0, Integer.MAX_VALUE))
            .as((c, q, exp, callId, cseq, path, inst, reg) -> new Binding(c, q, exp, callId, cseq, path, inst, reg, null))
            .flatMap(b -> flow.map(f -> new Binding(b.contact(), b.qMillis(), b.expiresAt(), b.callId(), b.cseq(),
                b.path(), b.instanceId(), b.regId(), f)));
    }

    @Property(tries = 300)
    void everyBindingRoundTrips(@ForAll("bindings") Binding b) {
        assertThat(BindingCodec.decode(BindingCodec.encode(b))).isEqualTo(b);
    }

    @Test
    void aFullBindingRoundTrips() {
        assertThat(BindingCodec.decode(BindingCodec.encode(FULL))).isEqualTo(FULL);
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] whole = BindingCodec.encode(FULL);
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            assertThatThrownBy(() -> BindingCodec.decode(cut)).as("first %d of %d bytes", n, whole.length)
                .isInstanceOf(BindingCodec.MalformedBindingException.class);
        }
    }

    @Test
    void trailingBytesAnUnknownFormatABadFlagAndAnOutOfRangeQAreRefused() {
        byte[] whole = BindingCodec.encode(FULL);
        assertThatThrownBy(() -> BindingCodec.decode(Arrays.copyOf(whole, whole.length + 1)))
            .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("after the binding");
        byte[] future = whole.clone();
        future[0] = 2;
        assertThatThrownBy(() -> BindingCodec.decode(future))
            .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("format 2");

        Binding bare = new Binding("sip:a@h", 1000, 1, "c", 1, List.of(), null, 0, null);
        byte[] b = BindingCodec.encode(bare);
        // format, contact (2+7), q (2), expiresAt (8), Call-ID (2+1), CSeq (8), path count (2): the instance flag
        int flagAt = 1 + 9 + 2 + 8 + 3 + 8 + 2;
        b[flagAt] = 7;
        assertThatThrownBy(() -> BindingCodec.decode(b))
            .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("presence flag 7");
        byte[] q = BindingCodec.encode(bare);
        q[1 + 9] = 0x7f;
        assertThatThrownBy(() -> BindingCodec.decode(q))
            .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("q out of");
    }
}
