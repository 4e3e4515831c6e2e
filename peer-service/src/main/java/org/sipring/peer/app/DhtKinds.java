package org.sipring.peer.app;

import java.util.List;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.storage.KindSpec;

/**
 * The general-purpose kinds every peer stores, one per RELOAD data model, so operators and other
 * applications can use the DHT through the REST API. Kind-IDs from the private-use range
 * (RFC 6940 §14.6: 0xf0000001-0xfffffffe).
 */
final class DhtKinds {

    static final Kind SINGLE = new Kind(0xf0000001L, "single", DataModel.SINGLE);
    static final Kind ARRAY = new Kind(0xf0000002L, "array", DataModel.ARRAY);
    static final Kind DICTIONARY = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);

    /** All three, as the REST API lists them. */
    static final List<Kind> ALL = List.of(SINGLE, ARRAY, DICTIONARY);

    private DhtKinds() {
    }

    static List<KindSpec> specs(int maxValues, int maxValueSize) {
        return List.of(new KindSpec(SINGLE, 1, maxValueSize), new KindSpec(ARRAY, maxValues, maxValueSize),
            new KindSpec(DICTIONARY, maxValues, maxValueSize));
    }
}
