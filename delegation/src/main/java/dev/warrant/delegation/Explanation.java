package dev.warrant.delegation;

import dev.warrant.delegation.TokenInspector.Effective;
import dev.warrant.delegation.TokenInspector.InspectedBlock;
import dev.warrant.delegation.TokenInspector.Inspection;

import java.util.ArrayList;
import java.util.List;

/** Renders an {@link Inspection} as plain text: one line per block, then the effective narrowing and warnings. */
final class Explanation {
    private Explanation() {}

    static String render(Inspection in) {
        StringBuilder s = new StringBuilder();
        if (in.verified()) {
            s.append("Verified with root key '").append(in.rootKeyId().orElse("?"))
                    .append("' (signatures, canonical signatures, root key, chain continuity).\n");
        } else {
            s.append("UNVERIFIED: signatures were not checked; this is only what the token claims")
                    .append(in.rootKeyId().map(id -> " (it names root key id " + id + ")").orElse(""))
                    .append(".\n");
        }
        s.append("Token of ").append(in.agent());
        in.task().ifPresent(t -> s.append(" for task ").append(t));
        in.issuedAt().ifPresent(t -> s.append(", issued ").append(t));
        s.append("; held by ").append(in.holder()).append(".\n");
        in.identity().ifPresent(id -> s.append("Identity: ").append(id.subject()).append(" (issuer ")
                .append(id.issuer()).append(").\n"));
        s.append("Chain: ").append(String.join(" -> ", in.chain()))
                .append(" (").append(in.chain().size() - 1).append(" delegation hop")
                .append(in.chain().size() == 2 ? "" : "s").append(").\n\n");

        int hop = 0;
        String holder = in.agent();
        for (InspectedBlock b : in.blocks()) {
            switch (b.kind()) {
                case AUTHORITY -> s.append("authority: ");
                case DELEGATION -> {
                    hop++;
                    s.append("hop ").append(hop).append(": ").append(b.from().orElse("?")).append(" -> ")
                            .append(b.to().orElse("?")).append("; ");
                    holder = b.to().orElse(holder);
                }
                case SELF_ATTENUATION -> s.append("self-attenuation by ").append(holder).append(": ");
            }
            s.append(String.join("; ", b.narrowing())).append('\n');
            b.trace().ifPresent(t -> s.append("  trace ").append(t).append('\n'));
            s.append("  block ").append(b.index()).append(", revocation id ").append(b.revocationId()).append('\n');
        }

        Effective e = in.effective();
        List<String> parts = new ArrayList<>();
        parts.add(e.allowed().isEmpty() ? "may do nothing (no right survives the chain)"
                : "may only: " + String.join(", ", e.allowed()));
        parts.addAll(e.argumentConstraints());
        e.expires().ifPresent(t -> parts.add("expires " + t + (t.isAfter(in.inspectedAt()) ? "" : " (EXPIRED)")));
        e.peers().stream().distinct().forEach(p -> parts.add("only over a connection whose client certificate is " + p));
        s.append("\nEffective for ").append(e.holder()).append(": ").append(String.join("; ", parts)).append('\n');
        for (String other : e.otherChecks()) {
            s.append("  and, as written: ").append(other).append('\n');
        }

        if (in.warnings().isEmpty()) {
            s.append("\nNo warnings.\n");
        } else {
            s.append("\nWarnings:\n");
            in.warnings().forEach(w -> s.append("  - ").append(w).append('\n'));
        }
        return s.toString();
    }
}
