package org.sipring.peer.storage.bdb;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.storage.DataStore;
import org.sipring.peer.storage.DataStoreContractTest;

class BdbDataStoreContractTest extends DataStoreContractTest {

    @TempDir
    Path dir;

    @Override
    protected DataStore newStore() {
        return BdbDataStore.open(TestStores.small(dir));
    }
}
