package org.sipring.peer.app.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code peer.api.*}: bearer tokens of the admin REST API. Checked in {@link PeerSettingsFactory}. */
@Validated
@ConfigurationProperties(prefix = "peer.api", ignoreUnknownFields = false)
public class ApiProperties {

    /** Token for every call, including state-changing ones. Required. */
    private String adminToken;

    /** Token for read-only calls; unset means only the admin token works. */
    private String readToken;

    public String getAdminToken() {
        return adminToken;
    }

    public void setAdminToken(String adminToken) {
        this.adminToken = adminToken;
    }

    public String getReadToken() {
        return readToken;
    }

    public void setReadToken(String readToken) {
        this.readToken = readToken;
    }

    @Override
    public String toString() {
        return "ApiProperties[tokens hidden]";
    }
}
