package dev.warrant.gateway.console;

import java.util.List;

/**
 * A delegation chain in plain words, as an ordered list: who holds the minted token, and who delegated to whom.
 * One rendering for every page (approvals, audit lines).
 */
final class ChainWords {

    private ChainWords() {
    }

    static String html(List<String> chain, String task) {
        StringBuilder out = new StringBuilder("<ol class=\"chain\">");
        for (int i = 0; i < chain.size(); i++) {
            out.append("<li><span class=\"agent\">").append(Html.text(chain.get(i))).append("</span> <small>")
                    .append(i == 0 ? "holds the token the issuer minted"
                            : "delegated by " + Html.text(chain.get(i - 1)))
                    .append("</small></li>");
        }
        out.append("</ol>");
        if (task != null) {
            out.append("<p class=\"task\">for task <span class=\"task-name\">").append(Html.text(task))
                    .append("</span></p>");
        }
        return out.toString();
    }

    /** One line: {@code planner → researcher → summarizer}. */
    static String line(List<String> chain) {
        return Html.text(String.join(" → ", chain));
    }
}
