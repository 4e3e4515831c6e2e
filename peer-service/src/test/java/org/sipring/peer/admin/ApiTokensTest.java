package org.sipring.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    @Test
    void rolesByToken() {
        ApiTokens t = new ApiTokens("admin-secret-123456", Optional.of("read-secret-1234567"));
        assertThat(t.roleOf("admin-secret-123456")).isEqualTo(ApiTokens.Role.ADMIN);
        assertThat(t.roleOf("read-secret-1234567")).isEqualTo(ApiTokens.Role.READ);
        assertThat(t.roleOf("admin-secret-12345")).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.roleOf("")).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.roleOf(null)).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.toString()).doesNotContain("secret");
    }

    @Test
    void withoutAReadTokenOnlyTheAdminTokenWorks() {
        ApiTokens t = new ApiTokens("admin-secret-123456", Optional.empty());
        assertThat(t.roleOf("admin-secret-123456")).isEqualTo(ApiTokens.Role.ADMIN);
        assertThat(t.roleOf("anything")).isEqualTo(ApiTokens.Role.NONE);
    }

    @Test
    void anAdminTokenIsRequired() {
        assertThatThrownBy(() -> new ApiTokens(" ", Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
