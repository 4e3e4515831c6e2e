package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RingTest {

    static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    final Ring ring = new Ring(List.of(id('5'), id('1'), id('9'), id('3'), id('7')));

    @Test
    void neighboursWrapAround() {
        assertThat(ring.ids()).containsExactly(id('1'), id('3'), id('5'), id('7'), id('9'));
        assertThat(ring.successors(id('7'), 3)).containsExactly(id('9'), id('1'), id('3'));
        assertThat(ring.predecessors(id('3'), 3)).containsExactly(id('1'), id('9'), id('7'));
    }

    @Test
    void smallRingsHaveShorterLists() {
        Ring two = new Ring(List.of(id('a'), id('b')));
        assertThat(two.successors(id('a'), 3)).containsExactly(id('b'));
        assertThat(two.predecessors(id('a'), 3)).containsExactly(id('b'));
        assertThat(new Ring(List.of(id('a'))).successors(id('a'), 3)).isEmpty();
    }

    @Test
    void mismatchDescribesTheDifference() {
        PeerStatus right = new PeerStatus(id('5'), "ACTIVE", "127.0.0.1:1",
            List.of(new PeerStatus.Ref(id('3'), "a"), new PeerStatus.Ref(id('1'), "a"), new PeerStatus.Ref(id('9'), "a")),
            List.of(new PeerStatus.Ref(id('7'), "a"), new PeerStatus.Ref(id('9'), "a"), new PeerStatus.Ref(id('1'), "a")),
            3, 5, 1);
        assertThat(ring.mismatch(right, 3)).isNull();
        PeerStatus wrong = new PeerStatus(id('5'), "ACTIVE", "127.0.0.1:1", right.predecessors(),
            List.of(new PeerStatus.Ref(id('9'), "a")), 3, 5, 1);
        assertThat(ring.mismatch(wrong, 3)).contains("successors [99999999] expected [77777777, 99999999, 11111111]");
    }
}
