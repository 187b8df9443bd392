package dev.warrant.delegation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What the issuer puts into a new token's authority block. Built with {@link #builder(String)}. */
public record MintSpec(String agent, List<Right> rights, Optional<String> task, Duration ttl, Optional<String> peer,
                       Optional<Identity> identity) {
    public MintSpec {
        Names.requireName(agent, "agent");
        rights = List.copyOf(rights);
        Objects.requireNonNull(task, "task");
        task.ifPresent(t -> Names.requireName(t, "task"));
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(peer, "peer");
        peer.ifPresent(p -> Names.requireName(p, "peer"));
        Objects.requireNonNull(identity, "identity");
    }

    public static Builder builder(String agent) {
        return new Builder(agent);
    }

    public static final class Builder {
        private final String agent;
        private final List<Right> rights = new ArrayList<>();
        private Optional<String> task = Optional.empty();
        private Duration ttl = Duration.ofHours(1);
        private Optional<String> peer = Optional.empty();
        private Optional<Identity> identity = Optional.empty();

        private Builder(String agent) {
            this.agent = agent;
        }

        public Builder right(String kind, String server, String name) {
            rights.add(new Right(kind, server, name));
            return this;
        }

        /**
         * A tool provider's right to register and remove the upstream {@code upstreamName} through the admin
         * API ({@code "*"} = any upstream): {@code right("provider", "upstream", upstreamName)}.
         */
        public Builder provider(String upstreamName) {
            return right(Vocabulary.KIND_PROVIDER, Vocabulary.PROVIDER_UPSTREAM, upstreamName);
        }

        public Builder right(Right right) {
            rights.add(Objects.requireNonNull(right, "right"));
            return this;
        }

        public Builder task(String task) {
            this.task = Optional.of(task);
            return this;
        }

        /** Default one hour; the {@link Minter} refuses more than its maximum. */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl;
            return this;
        }

        /** Binds the token to a workload identity (mTLS URI SAN): {@code check if peer("...")}. */
        public Builder peer(String peer) {
            this.peer = Optional.of(peer);
            return this;
        }

        /** Records the IdP identity the token is issued for (the gateway's minting of JWT identities). */
        public Builder identity(Identity identity) {
            this.identity = Optional.of(identity);
            return this;
        }

        public MintSpec build() {
            return new MintSpec(agent, rights, task, ttl, peer, identity);
        }
    }
}
