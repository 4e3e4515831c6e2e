package org.sipring.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sipring.peer.app.FakeOverlay;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.storage.SlotStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** {@code /api/v1/dht/{kind}/{name}} against a fake overlay that records every Store, Fetch and update. */
@WebMvcTest(DhtController.class)
@ContextConfiguration(classes = {DhtController.class, AdminConfiguration.class, ApiExceptionHandler.class,
    DhtControllerTest.Fakes.class})
class DhtControllerTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";
    static final String ALICE = "sip:alice@example.org";
    /** The top 128 bits of SHA-1("sip:alice@example.org"). */
    static final String ALICE_ID = "fdfbd5d7a777037523f569849c4acc7b";
    static final Kind SINGLE = new Kind(0xf0000001L, "single", DataModel.SINGLE);
    static final Kind ARRAY = new Kind(0xf0000002L, "array", DataModel.ARRAY);
    static final Kind DICTIONARY = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);
    static final long APPEND = 0xffffffffL;

    @TestConfiguration
    static class Fakes {
        @Bean
        DhtOverlay overlay() {
            return new DhtOverlay(new FakeOverlay(FakeOverlay.peer('5', 5)));
        }

        @Bean
        DhtKindCatalog kinds() {
            return DhtKindCatalog.of(List.of(SINGLE, ARRAY, DICTIONARY));
        }

        @Bean
        ApiTokens tokens() {
            return new ApiTokens(ADMIN, Optional.of(READ));
        }

        @Bean
        LocalData localData() {
            return new LocalData() {
                @Override
                public CompletableFuture<List<StoredValue>> fetchLocal(String resourceName, Kind kind) {
                    List<StoredValue> held = resourceName.equals("held-here")
                        ? List.of(new StoredValue(1_700_000_000_000L, 60, 0, new byte[0], true,
                            "local copy".getBytes(StandardCharsets.UTF_8)))
                        : List.of();
                    return CompletableFuture.completedFuture(held);
                }

                @Override
                public StorageCounts counts() {
                    return new StorageCounts(3, 5, 4096, 0);
                }
            };
        }
    }

    record Store(String name, Kind kind, List<StoredValue> values) {
    }

    record Update(String name, Kind kind, String procedure, byte[] argument) {
    }

    /** Records the DHT calls and answers them as scripted; the rest is a {@link FakeOverlay}. */
    static final class DhtOverlay implements Overlay {
        final FakeOverlay base;
        final List<Store> stores = new CopyOnWriteArrayList<>();
        final List<String> fetches = new CopyOnWriteArrayList<>();
        final List<Update> updates = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        volatile StoreResult storeResult;
        volatile List<StoredValue> held;
        volatile UpdateResult updateResult;

        DhtOverlay(FakeOverlay base) {
            this.base = base;
        }

        void reset() {
            stores.clear();
            fetches.clear();
            updates.clear();
            failure = null;
            storeResult = new StoreResult(7, List.of(NodeId.fromHex("7".repeat(32)), NodeId.fromHex("9".repeat(32))));
            held = List.of();
            updateResult = new UpdateResult(8, new byte[0]);
        }

        boolean touched() {
            return !stores.isEmpty() || !fetches.isEmpty() || !updates.isEmpty();
        }

        private <T> CompletableFuture<T> answer(T value) {
            return failure == null ? CompletableFuture.completedFuture(value) : CompletableFuture.failedFuture(failure);
        }

        @Override
        public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
            stores.add(new Store(resourceName, kind, List.copyOf(values)));
            return answer(storeResult);
        }

        @Override
        public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
            fetches.add(kind.name() + "/" + resourceName);
            return answer(held);
        }

        @Override
        public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument) {
            updates.add(new Update(resourceName, kind, procedure, argument.clone()));
            return answer(updateResult);
        }

        @Override
        public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
            return base.join(bootstrapPeers);
        }

        @Override
        public CompletableFuture<Void> leave() {
            return base.leave();
        }

        @Override
        public CompletableFuture<PeerInfo> lookup(String resourceName) {
            return base.lookup(resourceName);
        }

        @Override
        public CompletableFuture<PeerSnapshot> snapshot() {
            return base.snapshot();
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    DhtOverlay overlay;

    @BeforeEach
    void reset() {
        overlay.reset();
    }

    static MockHttpServletRequestBuilder as(String token, MockHttpServletRequestBuilder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    static MockHttpServletRequestBuilder putJson(String path, String body) {
        return put(path).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    /** Performs a request and, when the controller answered asynchronously, its dispatch. */
    ResultActions call(String token, MockHttpServletRequestBuilder request) throws Exception {
        ResultActions first = mvc.perform(as(token, request));
        MvcResult r = first.andReturn();
        return r.getRequest().isAsyncStarted() ? mvc.perform(asyncDispatch(r)) : first;
    }

    static ResultActions isProblem(ResultActions r, int status, String title) throws Exception {
        return r.andExpect(status().is(status))
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(status))
            .andExpect(jsonPath("$.title").value(title))
            .andExpect(content().string(not(containsString("Exception"))))
            .andExpect(content().string(not(containsString("\tat "))));
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ local scope

    @Test
    void localScopeReadsThisPeersOwnCopyWithoutTheOverlay() throws Exception {
        call(READ, get("/api/v1/dht/single/held-here?scope=local"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.values[0].value").value("local copy"));
        isProblem(call(READ, get("/api/v1/dht/single/elsewhere?scope=local")), 404, "No values");
        assertThat(overlay.fetches).isEmpty();
    }

    @Test
    void anUnknownScopeIsRefused() throws Exception {
        isProblem(call(READ, get("/api/v1/dht/single/held-here?scope=everywhere")), 400, "Invalid request")
            .andExpect(jsonPath("$.detail").value(containsString("scope must be overlay or local")));
        assertThat(overlay.fetches).isEmpty();
    }

    // ------------------------------------------------------------------ PUT

    @Test
    void putStoresDictionaryEntriesAsTextAndBinary() throws Exception {
        call(ADMIN, putJson("/api/v1/dht/dictionary/" + ALICE, """
            {"values":[{"key":"k1","value":"text","lifetime":60},
                       {"key":"k2","valueBase64":"AP8Q"},
                       {"keyBase64":"AAE=","value":"bin key","lifetime":4294967295}]}"""))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.resource").value(ALICE))
            .andExpect(jsonPath("$.resourceId").value(ALICE_ID))
            .andExpect(jsonPath("$.kind").value("dictionary"))
            .andExpect(jsonPath("$.generation").value(7))
            .andExpect(jsonPath("$.replicas[0]").value("7".repeat(32)))
            .andExpect(jsonPath("$.replicas[1]").value("9".repeat(32)))
            .andExpect(jsonPath("$.replicas.length()").value(2));
        assertThat(overlay.stores).hasSize(1);
        Store s = overlay.stores.get(0);
        assertThat(s.name()).isEqualTo(ALICE);
        assertThat(s.kind()).isEqualTo(DICTIONARY);
        List<StoredValue> v = s.values();
        assertThat(v).hasSize(3);
        assertThat(utf8(v.get(0).key())).isEqualTo("k1");
        assertThat(utf8(v.get(0).value())).isEqualTo("text");
        assertThat(v.get(0).lifetime()).isEqualTo(60);
        assertThat(v.get(0).exists()).isTrue();
        assertThat(v.get(0).storageTime()).isZero();
        assertThat(v.get(1).value()).containsExactly(0x00, 0xff, 0x10);
        assertThat(v.get(1).lifetime()).isEqualTo(DhtWriteRequest.DEFAULT_LIFETIME).isEqualTo(3600);
        assertThat(v.get(2).key()).containsExactly(0x00, 0x01);
        assertThat(v.get(2).lifetime()).isEqualTo(4294967295L);
    }

    @Test
    void putAppendsToAnArrayWithoutAnIndex() throws Exception {
        call(ADMIN, putJson("/api/v1/dht/array/queue", """
            {"values":[{"value":"a"},{"index":0,"value":"b"},{"index":4294967294,"value":"c"},{"value":"d"}]}"""))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.kind").value("array"));
        List<StoredValue> v = overlay.stores.get(0).values();
        assertThat(v).extracting(StoredValue::index).containsExactly(APPEND, 0L, 4294967294L, APPEND);
        assertThat(v).allSatisfy(x -> assertThat(x.key()).isEmpty());
    }

    @Test
    void putTakesTheSingleValueShorthand() throws Exception {
        call(ADMIN, putJson("/api/v1/dht/single/motd", "{\"value\":\"hello\",\"lifetime\":60}"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.resource").value("motd"))
            .andExpect(jsonPath("$.kind").value("single"));
        StoredValue v = overlay.stores.get(0).values().get(0);
        assertThat(utf8(v.value())).isEqualTo("hello");
        assertThat(v.lifetime()).isEqualTo(60);
        assertThat(v.index()).isZero();
        assertThat(v.key()).isEmpty();

        call(ADMIN, putJson("/api/v1/dht/single/motd", "{\"values\":[{\"value\":\"\"}]}")).andExpect(status().isOk());
        assertThat(overlay.stores.get(1).values().get(0).value()).isEmpty();
        assertThat(overlay.stores.get(1).values().get(0).lifetime()).isEqualTo(3600);
    }

    @Test
    void putDeletesEntriesMarkedNotExisting() throws Exception {
        call(ADMIN, putJson("/api/v1/dht/dictionary/d", """
            {"values":[{"key":"gone","exists":false,"lifetime":120},{"key":"kept","value":"v","exists":true}]}"""))
            .andExpect(status().isOk());
        List<StoredValue> v = overlay.stores.get(0).values();
        assertThat(v.get(0).exists()).isFalse();
        assertThat(v.get(0).value()).isEmpty();
        assertThat(v.get(0).lifetime()).isEqualTo(120);
        assertThat(v.get(1).exists()).isTrue();

        call(ADMIN, putJson("/api/v1/dht/array/a", "{\"index\":2,\"exists\":false}")).andExpect(status().isOk());
        assertThat(overlay.stores.get(1).values().get(0).index()).isEqualTo(2);
        call(ADMIN, putJson("/api/v1/dht/single/s", "{\"exists\":false}")).andExpect(status().isOk());
        assertThat(overlay.stores.get(2).values().get(0).exists()).isFalse();
    }

    @Test
    void putDecodesPercentEncodedNames() throws Exception {
        mvc.perform(as(ADMIN, put(java.net.URI.create("/api/v1/dht/single/sip%3Abob%40example.org%20x"))
                .contentType(MediaType.APPLICATION_JSON).content("{\"value\":\"v\"}")))
            .andReturn();
        assertThat(overlay.stores).extracting(Store::name).containsExactly("sip:bob@example.org x");
    }

    // ------------------------------------------------------------------ auth

    @Test
    void writesNeedTheAdminToken() throws Exception {
        String body = "{\"value\":\"v\"}";
        isProblem(call(null, putJson("/api/v1/dht/single/x", body)), 401, "Unauthorized")
            .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"sipring\""))
            .andExpect(jsonPath("$.detail").value("a bearer token is required"));
        isProblem(call("wrong-token-0123456789", putJson("/api/v1/dht/single/x", body)), 401, "Unauthorized");
        isProblem(call(READ, putJson("/api/v1/dht/single/x", body)), 403, "Forbidden")
            .andExpect(jsonPath("$.detail").value("the read token cannot change anything; use the admin token"));
        isProblem(call(READ, delete("/api/v1/dht/single/x")), 403, "Forbidden");
        isProblem(call(null, delete("/api/v1/dht/single/x")), 401, "Unauthorized");
        assertThat(overlay.touched()).isFalse();
    }

    @Test
    void readsNeedAToken() throws Exception {
        isProblem(call(null, get("/api/v1/dht/single/x")), 401, "Unauthorized");
        assertThat(overlay.touched()).isFalse();
        overlay.held = List.of(new StoredValue(1000, 10, 0, null, true, new byte[] {'v'}));
        call(READ, get("/api/v1/dht/single/x")).andExpect(status().isOk());
        call(ADMIN, get("/api/v1/dht/single/x")).andExpect(status().isOk());
        assertThat(overlay.fetches).containsExactly("single/x", "single/x");
    }

    // ------------------------------------------------------------------ GET

    @Test
    void getListsDictionaryValuesWithTimes() throws Exception {
        overlay.held = List.of(
            new StoredValue(1_700_000_000_000L, 3600, 0, "k1".getBytes(StandardCharsets.UTF_8), true,
                "text".getBytes(StandardCharsets.UTF_8)),
            new StoredValue(1_700_000_000_123L, 60, 0, new byte[] {(byte) 0xff}, true, new byte[] {0, (byte) 0xc3}),
            new StoredValue(1_700_000_000_000L, 60, 0, "dead".getBytes(StandardCharsets.UTF_8), false, new byte[0]));
        call(READ, get("/api/v1/dht/dictionary/" + ALICE))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.resource").value(ALICE))
            .andExpect(jsonPath("$.resourceId").value(ALICE_ID))
            .andExpect(jsonPath("$.kind").value("dictionary"))
            .andExpect(jsonPath("$.values.length()").value(2))
            .andExpect(jsonPath("$.values[0].key").value("k1"))
            .andExpect(jsonPath("$.values[0].keyBase64").value("azE="))
            .andExpect(jsonPath("$.values[0].index").doesNotExist())
            .andExpect(jsonPath("$.values[0].value").value("text"))
            .andExpect(jsonPath("$.values[0].valueBase64").value("dGV4dA=="))
            .andExpect(jsonPath("$.values[0].storageTime").value("2023-11-14T22:13:20Z"))
            .andExpect(jsonPath("$.values[0].lifetime").value(3600))
            .andExpect(jsonPath("$.values[0].expiresAt").value("2023-11-14T23:13:20Z"))
            .andExpect(jsonPath("$.values[1].key").doesNotExist())
            .andExpect(jsonPath("$.values[1].keyBase64").value("/w=="))
            .andExpect(jsonPath("$.values[1].value").doesNotExist())
            .andExpect(jsonPath("$.values[1].valueBase64").value("AMM="))
            .andExpect(jsonPath("$.values[1].storageTime").value("2023-11-14T22:13:20.123Z"))
            .andExpect(jsonPath("$.values[1].expiresAt").value("2023-11-14T22:14:20.123Z"));
        assertThat(overlay.fetches).containsExactly("dictionary/" + ALICE);
    }

    @Test
    void getListsArrayIndexesAndSingleValues() throws Exception {
        overlay.held = List.of(new StoredValue(0, 1, 0, null, true, new byte[] {'a'}),
            new StoredValue(0, 1, 4294967294L, null, true, new byte[] {'b'}));
        call(READ, get("/api/v1/dht/array/a"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.values[0].index").value(0))
            .andExpect(jsonPath("$.values[0].key").doesNotExist())
            .andExpect(jsonPath("$.values[0].keyBase64").doesNotExist())
            .andExpect(jsonPath("$.values[1].index").value(4294967294L))
            .andExpect(jsonPath("$.values[1].value").value("b"));
        overlay.held = List.of(new StoredValue(0, 1, 0, null, true, new byte[] {'s'}));
        call(READ, get("/api/v1/dht/single/s"))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.values.length()").value(1))
            .andExpect(jsonPath("$.values[0].index").doesNotExist())
            .andExpect(jsonPath("$.values[0].key").doesNotExist())
            .andExpect(jsonPath("$.values[0].value").value("s"))
            .andExpect(jsonPath("$.values[0].storageTime").value("1970-01-01T00:00:00Z"))
            .andExpect(jsonPath("$.values[0].expiresAt").value("1970-01-01T00:00:01Z"));
    }

    @Test
    void getWithoutValuesIs404() throws Exception {
        isProblem(call(READ, get("/api/v1/dht/single/nothing")), 404, "No values")
            .andExpect(jsonPath("$.detail").value("no values of kind 'single' under 'nothing'"));
        overlay.held = List.of(new StoredValue(0, 1, 0, null, false, new byte[0]));
        isProblem(call(READ, get("/api/v1/dht/single/nothing")), 404, "No values");
    }

    // ------------------------------------------------------------------ DELETE

    @Test
    void deleteClearsTheSlotAtOnce() throws Exception {
        call(ADMIN, delete("/api/v1/dht/dictionary/" + ALICE))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.resource").value(ALICE))
            .andExpect(jsonPath("$.resourceId").value(ALICE_ID))
            .andExpect(jsonPath("$.kind").value("dictionary"))
            .andExpect(jsonPath("$.generation").value(8));
        assertThat(overlay.updates).hasSize(1);
        Update u = overlay.updates.get(0);
        assertThat(u.name()).isEqualTo(ALICE);
        assertThat(u.kind()).isEqualTo(DICTIONARY);
        assertThat(u.procedure()).isEqualTo(SlotStore.CLEAR);
        assertThat(u.argument()).isEmpty();
        assertThat(overlay.stores).isEmpty();
    }

    // ------------------------------------------------------------------ bad requests

    @Test
    void anUnknownKindIs404ListingTheKnownOnes() throws Exception {
        for (MockHttpServletRequestBuilder r : List.of(get("/api/v1/dht/blob/x"), delete("/api/v1/dht/blob/x"),
            putJson("/api/v1/dht/blob/x", "{\"value\":\"v\"}"))) {
            isProblem(call(ADMIN, r), 404, "Unknown kind")
                .andExpect(jsonPath("$.detail").value("no DHT kind named 'blob'; known kinds: single, array, dictionary"))
                .andExpect(jsonPath("$.kinds").value(org.hamcrest.Matchers.contains("single", "array", "dictionary")));
        }
        assertThat(overlay.touched()).isFalse();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
            Arguments.of("single", "", "the body is empty; send a JSON object"),
            Arguments.of("single", "   ", "the body is empty; send a JSON object"),
            Arguments.of("single", "[]", "the body must be a JSON object: {\"values\":[...]} or one entry"),
            Arguments.of("single", "null", "the body must be a JSON object: {\"values\":[...]} or one entry"),
            Arguments.of("single", "{\"value\":\"v\",\"ttl\":5}",
                "unknown field 'ttl'; a single entry takes value, valueBase64, lifetime, exists"),
            Arguments.of("dictionary", "{\"values\":[{\"key\":\"k\",\"value\":\"v\",\"index\":1}]}",
                "unknown field 'values[0].index'; a dictionary entry takes key, keyBase64, value, valueBase64, lifetime, exists"),
            Arguments.of("array", "{\"key\":\"k\",\"value\":\"v\"}",
                "unknown field 'key'; an array entry takes index, value, valueBase64, lifetime, exists"),
            Arguments.of("single", "{\"values\":[{\"value\":\"v\"}],\"lifetime\":5}",
                "unknown field 'lifetime' next to 'values'; put it inside each entry"),
            Arguments.of("single", "{\"values\":[]}", "'values' must be a non-empty array of entries"),
            Arguments.of("single", "{\"values\":{\"value\":\"v\"}}", "'values' must be a non-empty array of entries"),
            Arguments.of("single", "{\"values\":[\"v\"]}", "values[0] must be a JSON object"),
            Arguments.of("single", "{\"lifetime\":5}", "the body needs 'value' (UTF-8 text) or 'valueBase64' (binary)"),
            Arguments.of("dictionary", "{\"values\":[{\"key\":\"k\",\"value\":\"v\"},{\"key\":\"j\"}]}",
                "values[1] needs 'value' (UTF-8 text) or 'valueBase64' (binary)"),
            Arguments.of("single", "{\"value\":\"v\",\"valueBase64\":\"dg==\"}",
                "give either 'value' or 'valueBase64', not both"),
            Arguments.of("dictionary", "{\"values\":[{\"key\":\"k\",\"keyBase64\":\"aw==\",\"value\":\"v\"}]}",
                "give either 'values[0].key' or 'values[0].keyBase64', not both"),
            Arguments.of("single", "{\"valueBase64\":\"not base64!\"}",
                "'valueBase64' is not valid base64 (RFC 4648 §4, standard alphabet)"),
            Arguments.of("single", "{\"valueBase64\":\"a\"}",
                "'valueBase64' is not valid base64 (RFC 4648 §4, standard alphabet)"),
            Arguments.of("single", "{\"valueBase64\":5}", "'valueBase64' must be a base64 string"),
            Arguments.of("single", "{\"value\":5}", "'value' must be a string (use 'valueBase64' for binary data)"),
            Arguments.of("single", "{\"value\":null}", "'value' must be a string (use 'valueBase64' for binary data)"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":-1}",
                "'lifetime' must be an integer 1..4294967295 seconds, not -1"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":0}",
                "'lifetime' must be an integer 1..4294967295 seconds, not 0"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":4294967296}",
                "'lifetime' must be an integer 1..4294967295 seconds, not 4294967296"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":123456789012345678901234567890}",
                "'lifetime' must be an integer 1..4294967295 seconds"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":1.5}",
                "'lifetime' must be an integer 1..4294967295 seconds"),
            Arguments.of("single", "{\"value\":\"v\",\"lifetime\":\"3600\"}",
                "'lifetime' must be an integer 1..4294967295 seconds"),
            Arguments.of("array", "{\"values\":[{\"index\":-1,\"value\":\"v\"}]}",
                "'values[0].index' must be an integer 0..4294967295 (omit it to append), not -1"),
            Arguments.of("array", "{\"index\":4294967296,\"value\":\"v\"}",
                "'index' must be an integer 0..4294967295 (omit it to append), not 4294967296"),
            Arguments.of("array", "{\"exists\":false}", "the body deletes (exists: false) and needs the 'index' to delete"),
            Arguments.of("array", "{\"index\":4294967295,\"exists\":false}",
                "'index' of a deletion must name an entry, 0..4294967294"),
            Arguments.of("array", "{\"values\":[{\"index\":1,\"value\":\"a\"},{\"index\":1,\"value\":\"b\"}]}",
                "values[1] repeats the index 1; name each entry once"),
            Arguments.of("dictionary", "{\"values\":[{\"key\":\"k\",\"value\":\"a\"},{\"keyBase64\":\"aw==\",\"value\":\"b\"}]}",
                "values[1] repeats the key of an earlier entry; name each entry once"),
            Arguments.of("dictionary", "{\"value\":\"v\"}", "the body needs 'key' (UTF-8 text) or 'keyBase64' (binary)"),
            Arguments.of("dictionary", "{\"key\":\"" + "k".repeat(65536) + "\",\"value\":\"v\"}",
                "'key' is 65536 bytes; at most 65535 allowed"),
            Arguments.of("single", "{\"value\":\"v\",\"exists\":\"no\"}", "'exists' must be true or false"),
            Arguments.of("single", "{\"value\":\"v\",\"exists\":false}", "the body deletes (exists: false) and takes no value"),
            Arguments.of("single", "{\"values\":[{\"value\":\"a\"},{\"value\":\"b\"}]}",
                "kind 'single' holds a single value; send one entry"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badBodies")
    void aBadBodyIs400AndStoresNothing(String kind, String body, String detail) throws Exception {
        isProblem(call(ADMIN, putJson("/api/v1/dht/" + kind + "/x", body)), 400, "Invalid request")
            .andExpect(jsonPath("$.detail").value(detail));
        assertThat(overlay.touched()).isFalse();
    }

    static Stream<Arguments> malformedJson() {
        return Stream.of(
            Arguments.of("{\"values\":[", "the body is not valid JSON (line 1, column 12): "),
            Arguments.of("{\"value\":\"a\",\"value\":\"b\"}",
                "the body is not valid JSON (line 1, column 21): Duplicate field 'value'"),
            Arguments.of("{\"value\":\"a\"} {}", "the body is not valid JSON (line 1, column 15): more after the end of the object"),
            Arguments.of("{\"value\":\"a\"}\n\n x", "the body is not valid JSON (line 3, column 2): "),
            Arguments.of("{value: 'a'}", "the body is not valid JSON (line 1, column 2): Unexpected character ('v' (code 118))"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedJson")
    void malformedJsonIs400WithItsPlace(String body, String detailStart) throws Exception {
        isProblem(call(ADMIN, putJson("/api/v1/dht/single/x", body)), 400, "Invalid request")
            .andExpect(jsonPath("$.detail").value(startsWith(detailStart)));
        assertThat(overlay.touched()).isFalse();
    }

    @Test
    void aNonJsonContentTypeIs415() throws Exception {
        isProblem(call(ADMIN, put("/api/v1/dht/single/x").contentType(MediaType.APPLICATION_FORM_URLENCODED)
            .content("value=v")), 415, "Unsupported Media Type");
        isProblem(call(ADMIN, put("/api/v1/dht/single/x").content("{\"value\":\"v\"}")), 415, "Unsupported Media Type");
        assertThat(overlay.touched()).isFalse();
    }

    @Test
    void aBodyOverOneMebibyteIs413() throws Exception {
        String value = "x".repeat(DhtController.MAX_BODY_BYTES);
        isProblem(call(ADMIN, putJson("/api/v1/dht/single/x", "{\"value\":\"" + value + "\"}")), 413,
            "Request body too large")
            .andExpect(jsonPath("$.detail").value("the request body exceeds 1048576 bytes"));
        assertThat(overlay.touched()).isFalse();
        // just under the limit is accepted
        String fits = "x".repeat(DhtController.MAX_BODY_BYTES - "{\"value\":\"\"}".length());
        call(ADMIN, putJson("/api/v1/dht/single/x", "{\"value\":\"" + fits + "\"}")).andExpect(status().isOk());
        assertThat(overlay.stores.get(0).values().get(0).value()).hasSize(fits.length());
    }

    @Test
    void anOverlongNameIs400() throws Exception {
        String name = "a".repeat(DhtController.MAX_NAME_BYTES + 1);
        isProblem(call(ADMIN, putJson("/api/v1/dht/single/" + name, "{\"value\":\"v\"}")), 400, "Invalid request")
            .andExpect(jsonPath("$.detail").value("resource name must be 1..1024 bytes of UTF-8"));
        isProblem(call(READ, get("/api/v1/dht/single/" + name)), 400, "Invalid request");
        isProblem(call(ADMIN, delete("/api/v1/dht/single/" + name)), 400, "Invalid request");
        assertThat(overlay.touched()).isFalse();
    }

    // ------------------------------------------------------------------ overlay failures

    static Stream<Arguments> overlayFailures() {
        return Stream.of(
            Arguments.of(new OverlayException.RemoteError(0x05, "generation 3 is not the current 4"), 409,
                "Generation counter too low", "RELOAD error 0x5: generation 3 is not the current 4", "0x05", false),
            Arguments.of(new OverlayException.RemoteError(0x08, "value of 70000 bytes exceeds the kind's max-size 65536"),
                413, "Data too large", "RELOAD error 0x8: value of 70000 bytes exceeds the kind's max-size 65536", "0x08",
                false),
            Arguments.of(new OverlayException.RemoteError(0x09, "storage_time 1 is older than the stored 2"), 409,
                "Data too old", "RELOAD error 0x9: storage_time 1 is older than the stored 2", "0x09", false),
            Arguments.of(new OverlayException.RemoteError(0x0c, "kind 4026531841"), 404, "Unknown kind",
                "the responsible peer does not store this kind: RELOAD error 0xc: kind 4026531841", "0x0c", false),
            Arguments.of(new OverlayException.RemoteError(0x14, "array index out of range: 7"), 400,
                "Refused as invalid", "RELOAD error 0x14: array index out of range: 7", "0x14", false),
            Arguments.of(new OverlayException.RemoteError(0x02, "not responsible for 0a1b2c3d"), 503, "Overlay changing",
                "the overlay is moving this resource between peers; try again: RELOAD error 0x2: not responsible for 0a1b2c3d",
                "0x02", true),
            Arguments.of(new OverlayException.RemoteError(0x11, "taking over the range"), 503, "Overlay changing",
                "the overlay is moving this resource between peers; try again: RELOAD error 0x11: taking over the range",
                "0x11", true),
            Arguments.of(new OverlayException.RemoteError(0x0e, "too large"), 502, "Refused by the responsible peer",
                "RELOAD error 0xe: too large", "0x0e", false),
            Arguments.of(new OverlayException.Timeout("store 0a1b2c3d"), 503, "Overlay timed out",
                "store 0a1b2c3d: no answer after all retransmissions; the change may still take effect", null, true),
            Arguments.of(new TimeoutException(), 503, "Overlay timed out",
                "no answer from the overlay within 20 s; the change may still take effect", null, true),
            Arguments.of(new OverlayException.Overloaded("overlay driver queue full"), 503, "Overlay overloaded",
                "overloaded: overlay driver queue full", null, true),
            Arguments.of(new OverlayException.NotJoined("JOINING"), 503, "Not an overlay member",
                "peer is JOINING, not an overlay member", null, true),
            Arguments.of(new OverlayException.NotResponsible(null), 503, "Overlay changing",
                "the overlay is moving this resource between peers; try again: not responsible", null, true),
            Arguments.of(new IllegalStateException("boom at Foo.java:12"), 500, "Internal error",
                "the request failed; see the peer's log", null, false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("overlayFailures")
    void overlayFailuresOfAPutAreMapped(Throwable failure, int status, String title, String detail, String reloadError,
                                        boolean retryAfter) throws Exception {
        overlay.failure = failure;
        ResultActions r = isProblem(call(ADMIN, putJson("/api/v1/dht/single/x", "{\"value\":\"v\"}")), status, title)
            .andExpect(jsonPath("$.detail").value(detail))
            .andExpect(content().string(not(containsString("Foo.java"))));
        r.andExpect(reloadError == null ? jsonPath("$.reloadError").doesNotExist()
            : jsonPath("$.reloadError").value(reloadError));
        r.andExpect(retryAfter ? header().string("Retry-After", "5") : header().doesNotExist("Retry-After"));
        assertThat(overlay.stores).hasSize(1);
    }

    @Test
    void overlayFailuresOfReadsAndDeletesAreMappedToo() throws Exception {
        overlay.failure = new OverlayException.NotJoined("LEFT");
        isProblem(call(READ, get("/api/v1/dht/single/x")), 503, "Not an overlay member")
            .andExpect(header().string("Retry-After", "5"))
            .andExpect(jsonPath("$.detail").value("peer is LEFT, not an overlay member"));
        isProblem(call(ADMIN, delete("/api/v1/dht/single/x")), 503, "Not an overlay member");
        overlay.failure = new OverlayException.Timeout("fetch 0a1b2c3d");
        isProblem(call(READ, get("/api/v1/dht/single/x")), 503, "Overlay timed out")
            .andExpect(jsonPath("$.detail").value("fetch 0a1b2c3d: no answer after all retransmissions"));
        overlay.failure = new OverlayException.RemoteError(0x0c, "kind 4026531841");
        isProblem(call(ADMIN, delete("/api/v1/dht/single/x")), 404, "Unknown kind");
    }

    @Test
    void theClearProcedureIsTheStoragesBuiltIn() {
        assertThat(DhtController.CLEAR).isEqualTo(SlotStore.CLEAR);
        assertThat(Arrays.asList(DhtWriteRequest.APPEND, DhtWriteRequest.MAX_UINT32)).containsOnly(APPEND);
    }
}
