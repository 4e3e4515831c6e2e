package org.sipring.peer.storage;

class InMemoryDataStoreContractTest extends DataStoreContractTest {

    @Override
    protected DataStore newStore() {
        return new InMemoryDataStore();
    }
}
