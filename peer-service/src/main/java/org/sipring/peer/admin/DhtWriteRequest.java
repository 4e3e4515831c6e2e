package org.sipring.peer.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.StoredValue;

/**
 * The JSON body of {@code PUT /api/v1/dht/{kind}/{resourceName}}, checked field by field and turned
 * into the values of one Store. Either {@code {"values":[entry, ...]}} or one entry on its own:
 *
 * <pre>
 * entry = { "key": text | "keyBase64": base64     (dictionary only, required)
 *           "index": 0..4294967295                 (array only; omitted or 4294967295 appends)
 *           "value": text | "valueBase64": base64  (exactly one, unless "exists": false)
 *           "lifetime": 1..4294967295              (seconds, default 3600)
 *           "exists": true | false }               (false deletes the entry)
 * </pre>
 *
 * Anything else (unknown fields, wrong types, numbers out of range, bad base64, a key or index
 * given twice) is refused with a message that names the field; nothing is stored then.
 */
final class DhtWriteRequest {

    static final long DEFAULT_LIFETIME = 3600;
    static final long MAX_UINT32 = 0xffffffffL;
    /** RFC 6940 §7.4.1.3: the array index that appends after the last entry. */
    static final long APPEND = MAX_UINT32;
    /** DictionaryKey is {@code opaque<0..2^16-1>} (§7.2.3). */
    static final int MAX_KEY_BYTES = 0xffff;

    private static final Set<String> COMMON = Set.of("value", "valueBase64", "lifetime", "exists");

    private DhtWriteRequest() {
    }

    /** The values to store for a body, in the order given. */
    static List<StoredValue> parse(byte[] body, Kind kind, ObjectMapper json) {
        JsonNode root = JsonBody.parse(body, json);
        if (!root.isObject()) {
            throw new JsonBody.Invalid("the body must be a JSON object: {\"values\":[...]} or one entry");
        }
        List<StoredValue> values = new ArrayList<>();
        if (root.has("values")) {
            Iterator<String> names = root.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!n.equals("values")) {
                    throw new JsonBody.Invalid("unknown field '" + n + "' next to 'values'; put it inside each entry");
                }
            }
            JsonNode list = root.get("values");
            if (!list.isArray() || list.isEmpty()) {
                throw new JsonBody.Invalid("'values' must be a non-empty array of entries");
            }
            for (int i = 0; i < list.size(); i++) {
                values.add(entry(list.get(i), "values[" + i + "]", kind.model()));
            }
        } else {
            values.add(entry(root, null, kind.model()));
        }
        if (kind.model() == DataModel.SINGLE && values.size() > 1) {
            throw new JsonBody.Invalid("kind '" + kind.name() + "' holds a single value; send one entry");
        }
        checkDistinct(values, kind.model());
        return values;
    }

    private static StoredValue entry(JsonNode node, String path, DataModel model) {
        String at = path == null ? "" : path + ".";
        String what = path == null ? "the body" : path;
        if (!node.isObject()) {
            throw new JsonBody.Invalid(what + " must be a JSON object");
        }
        Set<String> allowed = allowedFields(model);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                throw new JsonBody.Invalid("unknown field '" + at + n + "'; " + (model == DataModel.ARRAY ? "an " : "a ")
                    + model.name().toLowerCase() + " entry takes "
                    + String.join(", ", orderedFields(model)));
            }
        }
        boolean exists = true;
        if (node.has("exists")) {
            JsonNode e = node.get("exists");
            if (!e.isBoolean()) {
                throw new JsonBody.Invalid("'" + at + "exists' must be true or false");
            }
            exists = e.booleanValue();
        }
        byte[] value = bytes(node, "value", "valueBase64", at, Integer.MAX_VALUE);
        if (exists && value == null) {
            throw new JsonBody.Invalid(what + " needs 'value' (UTF-8 text) or 'valueBase64' (binary)");
        }
        if (!exists && value != null) {
            throw new JsonBody.Invalid(what + " deletes (exists: false) and takes no value");
        }
        long lifetime = DEFAULT_LIFETIME;
        if (node.has("lifetime")) {
            lifetime = uint32(node.get("lifetime"), at + "lifetime", 1, "seconds");
        }
        long index = 0;
        byte[] key = null;
        switch (model) {
            case ARRAY -> {
                if (node.has("index")) {
                    index = uint32(node.get("index"), at + "index", 0, "(omit it to append)");
                } else if (!exists) {
                    throw new JsonBody.Invalid(what + " deletes (exists: false) and needs the 'index' to delete");
                } else {
                    index = APPEND;
                }
                if (!exists && index == APPEND) {
                    throw new JsonBody.Invalid("'" + at + "index' of a deletion must name an entry, 0..4294967294");
                }
            }
            case DICTIONARY -> {
                key = bytes(node, "key", "keyBase64", at, MAX_KEY_BYTES);
                if (key == null) {
                    throw new JsonBody.Invalid(what + " needs 'key' (UTF-8 text) or 'keyBase64' (binary)");
                }
            }
            case SINGLE -> {
            }
        }
        return new StoredValue(0, lifetime, index, key, exists, exists ? value : new byte[0]);
    }

    /** The bytes of a text field or its base64 twin, null when neither is given. */
    private static byte[] bytes(JsonNode node, String text, String base64, String at, int maxBytes) {
        boolean hasText = node.has(text);
        boolean hasBase64 = node.has(base64);
        if (hasText && hasBase64) {
            throw new JsonBody.Invalid("give either '" + at + text + "' or '" + at + base64 + "', not both");
        }
        byte[] out = null;
        if (hasText) {
            JsonNode t = node.get(text);
            if (!t.isTextual()) {
                throw new JsonBody.Invalid("'" + at + text + "' must be a string (use '" + base64 + "' for binary data)");
            }
            out = t.textValue().getBytes(StandardCharsets.UTF_8);
        } else if (hasBase64) {
            JsonNode b = node.get(base64);
            if (!b.isTextual()) {
                throw new JsonBody.Invalid("'" + at + base64 + "' must be a base64 string");
            }
            try {
                out = Base64.getDecoder().decode(b.textValue());
            } catch (IllegalArgumentException e) {
                throw new JsonBody.Invalid("'" + at + base64 + "' is not valid base64 (RFC 4648 §4, standard alphabet)");
            }
        }
        if (out != null && out.length > maxBytes) {
            throw new JsonBody.Invalid("'" + at + (hasText ? text : base64) + "' is " + out.length + " bytes; at most "
                + maxBytes + " allowed");
        }
        return out;
    }

    private static long uint32(JsonNode n, String field, long min, String unit) {
        String range = "'" + field + "' must be an integer " + min + ".." + MAX_UINT32 + " " + unit;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new JsonBody.Invalid(range);
        }
        long v = n.longValue();
        if (v < min || v > MAX_UINT32) {
            throw new JsonBody.Invalid(range + ", not " + v);
        }
        return v;
    }

    private static void checkDistinct(List<StoredValue> values, DataModel model) {
        if (model == DataModel.SINGLE) {
            return;
        }
        Set<ByteBuffer> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            StoredValue v = values.get(i);
            if (model == DataModel.ARRAY && v.index() == APPEND) {
                continue;
            }
            ByteBuffer name = model == DataModel.ARRAY ? ByteBuffer.allocate(8).putLong(0, v.index())
                : ByteBuffer.wrap(v.key());
            if (!seen.add(name)) {
                throw new JsonBody.Invalid("values[" + i + "] repeats the " + (model == DataModel.ARRAY ? "index " + v.index()
                    : "key of an earlier entry") + "; name each entry once");
            }
        }
    }

    private static Set<String> allowedFields(DataModel model) {
        Set<String> s = new HashSet<>(COMMON);
        s.addAll(extraFields(model));
        return s;
    }

    private static List<String> extraFields(DataModel model) {
        return switch (model) {
            case SINGLE -> List.of();
            case ARRAY -> List.of("index");
            case DICTIONARY -> List.of("key", "keyBase64");
        };
    }

    private static Set<String> orderedFields(DataModel model) {
        Set<String> s = new LinkedHashSet<>(extraFields(model));
        s.addAll(List.of("value", "valueBase64", "lifetime", "exists"));
        return s;
    }
}
