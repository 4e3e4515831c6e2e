package org.sipring.peer.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The peer process: overlay, admin API and (later) the SIP registrar, wired by Spring. */
@SpringBootApplication(scanBasePackages = "org.sipring.peer")
public class PeerApplication {

    public static void main(String[] args) {
        SpringApplication.run(PeerApplication.class, args);
    }
}
