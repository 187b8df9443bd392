package dev.warrant.gateway.forward;

import dev.warrant.gateway.crypto.Sha256;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Cursor pagination of a list answer (MCP {@code cursor} / {@code nextCursor}).
 *
 * <p>The cursor is opaque to agents: base64url of {@code {"o": offset, "f": fingerprint}}. The fingerprint
 * covers the endpoint, the list kind and the identity (name, uri or uriTemplate) of every item of the
 * caller's own filtered list, so a cursor is refused once that list changed (items added, removed or
 * reordered, another caller's list, another endpoint) instead of silently skipping or repeating items.
 * The cursor is trusted as nothing more than an offset into the list the caller is shown anyway, which is
 * recomputed and re-authorized on every page.
 *
 * <p>Refusals are JSON-RPC -32602 ({@code invalid_params}) with a detail that starts with a stable code:
 * {@code cursor_invalid} (not one of ours, or past the end) or {@code cursor_stale} (the list changed: list
 * again from the start, as after a list_changed notification).
 */
final class ListPage {

    /** Items per page when the config does not say ({@code lists.pageSize}). */
    static final int DEFAULT_PAGE_SIZE = 500;
    /** Longer than any cursor we issue; longer input is refused before decoding. */
    private static final int MAX_CURSOR_CHARS = 256;

    private ListPage() {
    }

    /**
     * The page of {@code all} that {@code params.cursor} asks for, as {@code {key: [...], nextCursor?}}.
     *
     * @param scope what the list is of, e.g. {@code "tools/list /servers/notes"}: part of the fingerprint
     */
    static JsonObject of(String key, JsonArray all, String scope, JsonObject params, int pageSize) {
        Object raw = params == null ? null : params.getValue("cursor");
        boolean small = all.size() <= pageSize;
        if (raw == null && small) {
            // The common case: one page, no fingerprint to compute.
            return new JsonObject().put(key, all);
        }
        String fingerprint = fingerprint(scope, all);
        int offset = raw == null ? 0 : offset(raw, fingerprint, all.size());
        int end = (int) Math.min((long) offset + pageSize, all.size());
        JsonArray page = new JsonArray(all.getList().subList(offset, end));
        JsonObject result = new JsonObject().put(key, page);
        if (end < all.size()) {
            result.put("nextCursor", encode(end, fingerprint));
        }
        return result;
    }

    private static int offset(Object raw, String fingerprint, int size) {
        if (!(raw instanceof String cursor) || cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
            throw invalid("not a cursor this gateway issued");
        }
        JsonObject decoded;
        try {
            decoded = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
            throw invalid("not a cursor this gateway issued");
        }
        Object o = decoded.getValue("o");
        if (!(o instanceof Integer || o instanceof Long) || !(decoded.getValue("f") instanceof String f)
                || decoded.size() != 2) {
            throw invalid("not a cursor this gateway issued");
        }
        if (!f.equals(fingerprint)) {
            throw WarrantException.of(Reason.INVALID_PARAMS,
                    "cursor_stale: the list changed since this cursor was issued; list again without a cursor");
        }
        long offset = ((Number) o).longValue();
        if (offset <= 0 || offset >= size) {
            throw invalid("offset outside the list");
        }
        return (int) offset;
    }

    private static WarrantException invalid(String why) {
        return WarrantException.of(Reason.INVALID_PARAMS, "cursor_invalid: " + why);
    }

    private static String encode(int offset, String fingerprint) {
        String json = new JsonObject().put("o", offset).put("f", fingerprint).encode();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 over scope and item identities, first 96 bits: enough to tell two lists apart, short in a cursor. */
    static String fingerprint(String scope, JsonArray all) {
        MessageDigest sha = Sha256.newDigest();
        sha.update(scope.getBytes(StandardCharsets.UTF_8));
        for (Object item : all) {
            sha.update((byte) 0);
            sha.update(identity(item).getBytes(StandardCharsets.UTF_8));
        }
        byte[] digest = sha.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12));
    }

    private static String identity(Object item) {
        if (item instanceof JsonObject o) {
            for (String field : new String[] {"uri", "uriTemplate", "name"}) {
                if (o.getValue(field) instanceof String s) {
                    return s;
                }
            }
        }
        return String.valueOf(item);
    }
}
