package dev.warrant.gateway.upstream;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.modern.Subscriptions;
import dev.warrant.gateway.transport.JsonRpc;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Tells agents that a list changed: on each {@link CatalogChange} (an upstream registered, removed, or
 * reloaded after its own list_changed) it sends {@code notifications/tools/list_changed} (and the resources
 * and prompts ones) to every session with an open GET stream, and every 2026-07-28 subscription that asked for
 * that kind, whose caller may see at least one changed item.
 * Visibility is the same decision as {@code tools/list} ({@link Operation#listTool}, ...), asked with a token
 * the session used: a caller is never told that something it may not see appeared, changed or went away.
 *
 * <p>Concurrency: changes arrive on adapter or admin threads; the decisions (one per session and item until
 * the first visible one) run on an ordered worker, never on an event loop, so notifications keep their order.
 */
public final class ListChangedNotifier implements Consumer<CatalogChange> {

    private static final Logger LOG = LoggerFactory.getLogger(ListChangedNotifier.class);

    private final Vertx vertx;
    private final SessionRegistry sessions;
    private final Subscriptions subscriptions;
    private final PolicyEngine engine;

    public ListChangedNotifier(Vertx vertx, SessionRegistry sessions, PolicyEngine engine) {
        this(vertx, sessions, new Subscriptions(0, 0), engine);
    }

    public ListChangedNotifier(Vertx vertx, SessionRegistry sessions, Subscriptions subscriptions, PolicyEngine engine) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.subscriptions = subscriptions;
        this.engine = engine;
    }

    @Override
    public void accept(CatalogChange change) {
        vertx.executeBlocking(() -> {
            notifyAll(change);
            return null;
        }, true).onFailure(e -> LOG.warn("list_changed for upstream {} not sent: {}", change.server(), e.toString()));
    }

    private void notifyAll(CatalogChange change) {
        if (!change.tools().isEmpty()) {
            send(Subscriptions.Kind.TOOLS, change, this::seesTool);
        }
        if (!change.resources().isEmpty() || !change.templates().isEmpty()) {
            send(Subscriptions.Kind.RESOURCES, change, this::seesResource);
        }
        if (!change.prompts().isEmpty()) {
            send(Subscriptions.Kind.PROMPTS, change, this::seesPrompt);
        }
    }

    private interface Visibility {
        boolean sees(VerifiedToken token, Optional<String> peer, CatalogChange change);
    }

    private void send(Subscriptions.Kind kind, CatalogChange change, Visibility visibility) {
        JsonObject message = JsonRpc.notification(kind.method, null);
        int sent = sessions.pushToStreams(message,
                (Session s) -> s.usedByAny(token -> visibility.sees(token, s.peer(), change)));
        // 2026-07-28 subscriptions: the one token that opened each, and only its endpoint's upstream.
        int listened = subscriptions.push(kind, l -> (l.virtualServer() == null || l.virtualServer().equals(change.server()))
                && visibility.sees(l.token(), l.peer(), change));
        LOG.debug("{} for upstream {} sent to {} session(s) and {} subscription(s)", kind.method, change.server(),
                sent, listened);
    }

    private boolean seesTool(VerifiedToken token, Optional<String> peer, CatalogChange change) {
        for (ToolEntry t : change.tools()) {
            if (engine.decide(token, Operation.listTool(t.server(), t.name(), t.risk(), peer)).allowed()) {
                return true;
            }
        }
        return false;
    }

    private boolean seesResource(VerifiedToken token, Optional<String> peer, CatalogChange change) {
        for (ResourceEntry r : change.resources()) {
            if (engine.decide(token, Operation.listResource("resources/list", r.server(), r.uri(), peer)).allowed()) {
                return true;
            }
        }
        for (TemplateEntry t : change.templates()) {
            if (engine.decide(token, Operation.listResource("resources/templates/list", t.server(),
                    t.literalPrefix(), peer)).allowed()) {
                return true;
            }
        }
        return false;
    }

    private boolean seesPrompt(VerifiedToken token, Optional<String> peer, CatalogChange change) {
        for (PromptEntry p : change.prompts()) {
            if (engine.decide(token, Operation.listPrompt(p.server(), p.name(), peer)).allowed()) {
                return true;
            }
        }
        return false;
    }
}
