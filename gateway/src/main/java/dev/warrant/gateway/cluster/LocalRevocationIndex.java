package dev.warrant.gateway.cluster;

import dev.warrant.delegation.Identity;
import dev.warrant.delegation.VerifiedToken;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This member's in-memory copy of every revocation: four hash maps, read on every request.
 *
 * <p>The check is one lookup per block id, one for the task, one for the IdP identity, and one per chain member (the authority agent and
 * every delegatee: revoking agent X stops X's own tokens, tokens delegated to X, and everything X delegated
 * onwards), so it costs (blocks + chain members + 2) hash lookups whatever the number of entries. An agent
 * with several "issued before" entries keeps only the latest instant as its bound.
 *
 * <p>Concurrency: reads are lock-free on concurrent maps; writers (the cluster's apply task, listeners, the
 * expiry sweep) may run on any thread. An entry is visible to readers as soon as {@link #add} returns.
 * Expired entries may linger until the next {@link #removeExpired}; they only cover tokens that have expired
 * themselves (an agent quarantine may outlast its window by one sweep interval).
 */
public final class LocalRevocationIndex implements RevocationIndex {

    private final Map<String, Revocation> ids = new ConcurrentHashMap<>();
    private final Map<String, Revocation> tasks = new ConcurrentHashMap<>();
    private final Map<String, Revocation> identities = new ConcurrentHashMap<>();
    private final Map<String, AgentEntries> agents = new ConcurrentHashMap<>();

    @Override
    public boolean isRevoked(VerifiedToken token) {
        List<String> blockIds = token.revocationIds();
        for (int i = 0; i < blockIds.size(); i++) {
            if (ids.containsKey(blockIds.get(i))) {
                return true;
            }
        }
        Optional<String> task = token.task();
        if (task.isPresent() && tasks.containsKey(task.get())) {
            return true;
        }
        if (!identities.isEmpty()) {
            Optional<Identity> identity = token.identity();
            if (identity.isPresent() && identities.containsKey(Revocation.identitySubject(identity.get()))) {
                return true;
            }
        }
        if (!agents.isEmpty()) {
            List<String> chain = token.chain();
            long issuedAt = token.issuedAt().toEpochMilli();
            for (int i = 0; i < chain.size(); i++) {
                AgentEntries entries = agents.get(chain.get(i));
                if (entries != null && issuedAt < entries.issuedBefore) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return true when the entry is new here (or extends an existing one's lifetime) */
    public boolean add(Revocation r) {
        return switch (r.kind()) {
            case ID -> putLonger(ids, r.subject(), r);
            case TASK -> putLonger(tasks, r.subject(), r);
            case IDENTITY -> putLonger(identities, r.subject(), r);
            case AGENT -> addAgent(r);
        };
    }

    private boolean addAgent(Revocation r) {
        while (true) {
            // A sweep may retire an emptied holder concurrently; then add to a fresh one.
            int result = agents.computeIfAbsent(r.subject(), k -> new AgentEntries()).add(r);
            if (result >= 0) {
                return result == 1;
            }
        }
    }

    public boolean contains(Revocation r) {
        return switch (r.kind()) {
            case ID -> ids.containsKey(r.subject());
            case TASK -> tasks.containsKey(r.subject());
            case IDENTITY -> identities.containsKey(r.subject());
            case AGENT -> {
                AgentEntries e = agents.get(r.subject());
                yield e != null && e.has(r.key());
            }
        };
    }

    /** Drops entries whose covered tokens have all expired; returns how many went. */
    public int removeExpired(long nowMillis) {
        int before = size();
        ids.values().removeIf(r -> r.expiresAtMillis() <= nowMillis);
        tasks.values().removeIf(r -> r.expiresAtMillis() <= nowMillis);
        identities.values().removeIf(r -> r.expiresAtMillis() <= nowMillis);
        agents.forEach((agent, entries) -> {
            if (entries.removeExpired(nowMillis)) {
                agents.remove(agent, entries);
            }
        });
        return before - size();
    }

    public int size() {
        int n = ids.size() + tasks.size() + identities.size();
        for (AgentEntries e : agents.values()) {
            n += e.size();
        }
        return n;
    }

    public List<Revocation> snapshot() {
        List<Revocation> all = new ArrayList<>(ids.values());
        all.addAll(tasks.values());
        all.addAll(identities.values());
        agents.values().forEach(e -> e.addTo(all));
        return all;
    }

    private static boolean putLonger(Map<String, Revocation> map, String key, Revocation r) {
        boolean[] changed = {false};
        map.compute(key, (k, old) -> {
            if (old == null || old.expiresAtMillis() < r.expiresAtMillis()) {
                changed[0] = true;
                return r;
            }
            return old;
        });
        return changed[0];
    }

    /** The entries of one agent; readers see only the precomputed bound. */
    private static final class AgentEntries {
        private final Map<String, Revocation> byKey = new ConcurrentHashMap<>();
        volatile long issuedBefore = Long.MIN_VALUE;

        private boolean retired;

        /** 1 added, 0 already there, -1 this holder was retired by a sweep. */
        synchronized int add(Revocation r) {
            if (retired) {
                return -1;
            }
            Revocation old = byKey.get(r.key());
            if (old != null && old.expiresAtMillis() >= r.expiresAtMillis()) {
                return 0;
            }
            byKey.put(r.key(), r);
            issuedBefore = Math.max(issuedBefore, r.issuedBeforeMillis());
            return 1;
        }

        boolean has(String key) {
            return byKey.containsKey(key);
        }

        /** @return true when nothing is left */
        synchronized boolean removeExpired(long nowMillis) {
            if (byKey.values().removeIf(r -> r.expiresAtMillis() <= nowMillis)) {
                issuedBefore = byKey.values().stream().mapToLong(Revocation::issuedBeforeMillis).max().orElse(Long.MIN_VALUE);
            }
            retired = byKey.isEmpty();
            return retired;
        }

        int size() {
            return byKey.size();
        }

        void addTo(List<Revocation> out) {
            out.addAll(byKey.values());
        }
    }
}
