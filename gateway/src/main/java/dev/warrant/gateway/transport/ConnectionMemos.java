package dev.warrant.gateway.transport;

import dev.warrant.gateway.auth.BearerMemo;
import io.vertx.core.http.HttpConnection;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link BearerMemo} per open agent connection, for the messages that name no session: a 2026-07-28 agent
 * has none, and presents the same token on every request of its keep-alive connection. The memo spares the
 * SHA-256 and shared-cache lookup a session's memo spares a 2025 agent (docs/ARCHITECTURE.md §11.39). An entry
 * lives as long as its connection.
 *
 * <p>Concurrency: a connection's requests and its close run on its own event loop, so the entry of a connection
 * is created, read and removed by one thread; the map is shared by the listener's event loops.
 */
final class ConnectionMemos {

    private final Map<HttpConnection, BearerMemo> memos = new ConcurrentHashMap<>();

    /** The memo of {@code connection} (open: a request of it is being read), created on its first request. */
    BearerMemo of(HttpConnection connection) {
        BearerMemo memo = memos.get(connection);
        if (memo == null) {
            memo = new BearerMemo();
            memos.put(connection, memo);
            connection.closeHandler(closed -> memos.remove(connection));
        }
        return memo;
    }

    /** Connections with a memo now (for tests). */
    int size() {
        return memos.size();
    }
}
