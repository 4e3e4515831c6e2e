package org.sipring.peer.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bearer-token auth for {@code /api/**}: 401 with {@code WWW-Authenticate: Bearer} without a valid
 * token, 403 when the read token is used for a state-changing method. Tokens are compared in
 * constant time by {@link ApiTokens} and never logged.
 */
public final class ApiTokenFilter extends OncePerRequestFilter {

    static final String REALM = "sipring";
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String BEARER = "bearer ";

    private final ApiTokens tokens;
    private final ObjectMapper json;

    public ApiTokenFilter(ApiTokens tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/api") || path.startsWith("/api/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
        throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String presented = null;
        if (header != null && header.length() > BEARER.length()
            && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            presented = header.substring(BEARER.length()).trim();
        }
        ApiTokens.Role role = tokens.roleOf(presented);
        if (role == ApiTokens.Role.NONE) {
            String challenge = "Bearer realm=\"" + REALM + "\"" + (presented == null ? "" : ", error=\"invalid_token\"");
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
            reject(request, response, HttpStatus.UNAUTHORIZED,
                presented == null ? "a bearer token is required" : "the bearer token is not valid");
            return;
        }
        if (role == ApiTokens.Role.READ && !READ_METHODS.contains(request.getMethod())) {
            reject(request, response, HttpStatus.FORBIDDEN, "the read token cannot change anything; use the admin token");
            return;
        }
        chain.doFilter(request, response);
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
        throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
