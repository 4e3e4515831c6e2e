package org.sipring.peer.admin;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/storage}: what this peer's own store holds. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class StorageController {

    private final LocalData local;

    public StorageController(LocalData local) {
        this.local = local;
    }

    @GetMapping("/storage")
    public LocalData.StorageCounts storage() {
        return local.counts();
    }
}
