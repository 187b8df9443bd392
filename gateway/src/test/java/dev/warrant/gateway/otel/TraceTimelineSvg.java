package dev.warrant.gateway.otel;

import dev.warrant.gateway.otel.OtlpReceiver.ReceivedSpan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders exported spans of one trace as an SVG timeline (a waterfall like Jaeger's): one row per span in
 * tree order, indented by depth, bars coloured by kind, the agent (warrant.caller) and decision beside each
 * SERVER span. Used to produce docs/example-trace.svg from the pipeline test's real export.
 */
final class TraceTimelineSvg {

    private static final int WIDTH = 1200;
    private static final int LABEL = 520;
    private static final int ROW = 22;
    private static final int TOP = 92;

    private TraceTimelineSvg() {
    }

    static String render(String title, List<ReceivedSpan> spans) {
        List<Row> rows = treeOrder(spans);
        long start = spans.stream().mapToLong(ReceivedSpan::startNanos).min().orElse(0);
        long end = spans.stream().mapToLong(ReceivedSpan::endNanos).max().orElse(1);
        double span = Math.max(1, end - start);
        int plot = WIDTH - LABEL - 30;
        int height = TOP + rows.size() * ROW + 60;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                WIDTH, height, WIDTH, height));
        svg.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append(String.format("<text x=\"16\" y=\"26\" font-size=\"16\" font-weight=\"bold\" fill=\"#222\">%s</text>%n",
                esc(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"46\" fill=\"#555\">trace %s · %d spans · %.1f ms · "
                + "exported over OTLP/HTTP by the gateway</text>%n", esc(spans.isEmpty() ? "" : spans.get(0).traceId()),
                spans.size(), span / 1e6));
        svg.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"#888\" font-size=\"11\">"
                + "each agent's calls nest under the delegate call that made its token; every span links to all hops</text>%n",
                16, 64));
        // Time grid.
        for (int i = 0; i <= 4; i++) {
            double x = LABEL + plot * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>%n",
                    x, TOP - 8, x, TOP + rows.size() * ROW));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#888\" font-size=\"10\" "
                    + "text-anchor=\"middle\">%.0f ms</text>%n", x, TOP - 12, span / 1e6 * i / 4.0));
        }
        int y = TOP;
        String lastAgent = null;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            ReceivedSpan s = row.span();
            if (i % 2 == 0) {
                svg.append(String.format("<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\"/>%n",
                        y, WIDTH, ROW));
            }
            String agent = s.attr("warrant.caller");
            if (row.depth() == 0 && agent != null && !agent.equals(lastAgent)) {
                svg.append(String.format("<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\"/>%n", y, WIDTH, y));
                lastAgent = agent;
            }
            int x0 = 16 + row.depth() * 16;
            String label = s.name();
            svg.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"#222\">%s</text>%n", x0, y + 15, esc(label)));
            String tag = tag(s);
            if (!tag.isEmpty()) {
                svg.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"%s\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
                        LABEL - 10, y + 15, "deny".equals(s.attr("warrant.decision")) ? "#b3261e" : "#555", esc(tag)));
            }
            double bx = LABEL + plot * (s.startNanos() - start) / span;
            double bw = Math.max(2, plot * (s.endNanos() - s.startNanos()) / span);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\">"
                    + "<title>%s %.2f ms</title></rect>%n", bx, y + 5, bw, ROW - 10, colour(s), esc(s.name()),
                    (s.endNanos() - s.startNanos()) / 1e6));
            y += ROW;
        }
        // Legend.
        int ly = y + 28;
        String[][] legend = {{"#3b6fd4", "SERVER (agent → gateway)"}, {"#f2a33a", "authorize"},
                {"#2e9d5b", "CLIENT (gateway → upstream, traceparent in _meta)"}, {"#d64541", "denied / error"}};
        int lx = 16;
        for (String[] item : legend) {
            svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"10\" rx=\"2\" fill=\"%s\"/>%n", lx, ly - 9, item[0]));
            svg.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"#444\">%s</text>%n", lx + 20, ly, esc(item[1])));
            lx += 44 + item[1].length() * 7;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String tag(ReceivedSpan s) {
        if (!"SERVER".equals(s.kind())) {
            return "";
        }
        String who = s.attr("warrant.caller") == null ? "" : s.attr("warrant.caller") + " (depth "
                + s.attr("warrant.delegation.depth") + ")";
        String decision = s.attr("warrant.decision");
        String reason = s.attr("warrant.reason");
        return who + (decision == null ? "" : " · " + decision + ("allowed".equals(reason) ? "" : ": " + reason));
    }

    private static String colour(ReceivedSpan s) {
        if (s.error() || "deny".equals(s.attr("warrant.decision"))) {
            return "#d64541";
        }
        return switch (s.kind()) {
            case "SERVER" -> "#3b6fd4";
            case "CLIENT" -> "#2e9d5b";
            default -> "#f2a33a";
        };
    }

    private record Row(ReceivedSpan span, int depth) {
    }

    private static List<Row> treeOrder(List<ReceivedSpan> spans) {
        Set<String> ids = new HashSet<>();
        spans.forEach(s -> ids.add(s.spanId()));
        Map<String, List<ReceivedSpan>> children = new HashMap<>();
        List<ReceivedSpan> roots = new ArrayList<>();
        for (ReceivedSpan s : spans) {
            if (s.parentSpanId() != null && ids.contains(s.parentSpanId())) {
                children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        List<Row> rows = new ArrayList<>();
        roots.sort(Comparator.comparingLong(ReceivedSpan::startNanos));
        for (ReceivedSpan root : roots) {
            add(rows, root, 0, children);
        }
        return rows;
    }

    private static void add(List<Row> rows, ReceivedSpan s, int depth, Map<String, List<ReceivedSpan>> children) {
        rows.add(new Row(s, depth));
        List<ReceivedSpan> kids = new ArrayList<>(children.getOrDefault(s.spanId(), List.of()));
        kids.sort(Comparator.comparingLong(ReceivedSpan::startNanos));
        for (ReceivedSpan k : kids) {
            add(rows, k, depth + 1, children);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
