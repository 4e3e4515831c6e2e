package org.sipring.peer.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reading a request's JSON body the same way for every endpoint: bounded in size (refused unread
 * when it declares more than the limit, and refused once it grows past it), then parsed strictly
 * (no duplicate fields, nothing after the value). Problems become {@link Invalid} (400) or
 * {@link TooLarge} (413) with a message for the client; {@link OverlayDataController} maps them.
 */
final class JsonBody {

    private JsonBody() {
    }

    /** A body the API refuses; the message says why and is shown to the client. */
    static final class Invalid extends RuntimeException {
        Invalid(String detail) {
            super(detail, null, false, false);
        }
    }

    static final class TooLarge extends RuntimeException {
        TooLarge(int maxBytes) {
            super("the request body exceeds " + maxBytes + " bytes", null, false, false);
        }
    }

    static byte[] read(HttpServletRequest request, int maxBytes) {
        if (request.getContentLengthLong() > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new TooLarge(maxBytes);
            }
            return b;
        } catch (IOException e) {
            throw new Invalid("the request body could not be read");
        }
    }

    static JsonNode parse(byte[] body, ObjectMapper json) {
        if (body.length == 0) {
            throw new Invalid("the body is empty; send a JSON object");
        }
        try (JsonParser parser = json.getFactory().createParser(body)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode root = json.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw new Invalid("the body is empty; send a JSON object");
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new Invalid("the body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + "): more after the end of the object");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new Invalid("the body is not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Invalid("the body cannot be read as JSON");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
