package dev.warrant.gateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.IExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Asks every member of the cluster for its own view of something (what a revocation would reach there, its
 * status) and waits a bounded time: a member that does not answer in time is reported as not answered, never
 * waited for (docs/ARCHITECTURE.md §11, "Cluster-wide counts"). Views are named functions each member registers;
 * the question and the answer travel as small serializable values (the answer as JSON text).
 *
 * <p>Concurrency: {@link #ask} blocks up to its wait: call it on a worker. Views run on Hazelcast executor threads.
 */
public final class MemberViews {

    private static final Logger LOG = LoggerFactory.getLogger(MemberViews.class);
    static final String EXECUTOR_NAME = "warrant.member-views";
    static final String USER_CONTEXT_KEY = "warrant.member-views";

    /**
     * One member's answer: its JSON view, or empty when it did not answer within the wait (or failed).
     *
     * @param self true for the member that asked
     */
    public record Answer(String memberId, String address, boolean self, Optional<String> json) {
        public boolean answered() {
            return json.isPresent();
        }
    }

    private final ClusterNode node;
    private final IExecutorService executor;
    private final Map<String, Function<Serializable, String>> views = new ConcurrentHashMap<>();

    public MemberViews(ClusterNode node) {
        this.node = node;
        this.executor = node.hazelcast().getExecutorService(EXECUTOR_NAME);
        node.hazelcast().getUserContext().put(USER_CONTEXT_KEY, this);
    }

    /** This member's id, as {@link Answer#memberId()} names it. */
    public String localMemberId() {
        return uuid(node.hazelcast().getCluster().getLocalMember().getUuid());
    }

    /** Registers this member's answer to {@code name}: a function of the question to JSON text. */
    public void register(String name, Function<Serializable, String> view) {
        views.put(name, view);
    }

    /** This member's answer (run by {@link AskMember} on the member asked); null when it has no such view. */
    String answer(String name, Serializable question) {
        Function<Serializable, String> view = views.get(name);
        return view == null ? null : view.apply(question);
    }

    /** Blocking: every member's answer, in cluster order, waiting at most {@code wait} in all. */
    public List<Answer> ask(String name, Serializable question, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Member self = node.hazelcast().getCluster().getLocalMember();
        List<Member> members = new ArrayList<>(node.hazelcast().getCluster().getMembers());
        Map<Member, Future<String>> pending = executor.submitToMembers(new AskMember(name, question), members);
        List<Answer> answers = new ArrayList<>();
        for (Member m : members) {
            Optional<String> json = Optional.empty();
            try {
                json = Optional.ofNullable(pending.get(m).get(Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                pending.get(m).cancel(true);
            } catch (ExecutionException e) {
                LOG.warn("member {} could not answer {}: {}", m.getAddress(), name,
                        String.valueOf(e.getCause() == null ? e : e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answers.add(new Answer(uuid(m.getUuid()), m.getAddress().toString(), m.equals(self), json));
        }
        return answers;
    }

    private static String uuid(UUID id) {
        return id.toString();
    }
}
