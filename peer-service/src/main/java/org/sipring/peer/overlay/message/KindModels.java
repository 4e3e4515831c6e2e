package org.sipring.peer.overlay.message;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;

/**
 * Resolves a Kind-ID to its data model. The data model of stored values is not carried on the
 * wire (RFC 6940 §7.2), so the codec needs this to decode Store and Fetch bodies.
 */
@FunctionalInterface
public interface KindModels {

    /** Knows no kind: Store/Fetch requests decode as UnknownKindReq, answers with values fail. */
    KindModels NONE = kindId -> Optional.empty();

    Optional<DataModel> modelOf(long kindId);

    static KindModels of(Kind... kinds) {
        return of(java.util.List.of(kinds));
    }

    static KindModels of(Collection<Kind> kinds) {
        Map<Long, DataModel> map = new HashMap<>();
        for (Kind k : kinds) {
            map.put(k.id(), k.model());
        }
        return of(map);
    }

    static KindModels of(Map<Long, DataModel> models) {
        Map<Long, DataModel> copy = Map.copyOf(models);
        return kindId -> Optional.ofNullable(copy.get(kindId));
    }
}
