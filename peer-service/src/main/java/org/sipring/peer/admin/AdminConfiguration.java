package org.sipring.peer.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.sipring.peer.overlay.Overlay;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Wires the admin API's auth filter and the overlay health component. */
@Configuration(proxyBeanMethods = false)
public class AdminConfiguration {

    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(ApiTokens tokens, ObjectMapper json) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(tokens, json));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setName("apiTokenFilter");
        return registration;
    }

    @Bean("overlayHealthIndicator")
    OverlayHealthIndicator overlayHealthIndicator(Overlay overlay) {
        return new OverlayHealthIndicator(overlay);
    }
}
