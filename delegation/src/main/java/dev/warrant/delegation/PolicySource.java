package dev.warrant.delegation;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a policy file into statements, remembering the line each one starts on. Handles {@code //} comments
 * and string literals (a {@code ;} or {@code //} inside quotes is text). The library's own
 * {@code Parser.datalog} splits on every {@code ;}, loses line numbers and prints errors to stdout.
 */
final class PolicySource {
    record Statement(String text, int line) {}

    private PolicySource() {}

    static List<Statement> split(String source, String sourceName) throws PolicyParseException {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        boolean inString = false;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (inString) {
                current.append(c);
                if (c == '\\' && i + 1 < source.length() && source.charAt(i + 1) == '"') {
                    current.append('"');
                    i++;
                } else if (c == '"') {
                    inString = false;
                } else if (c == '\n') {
                    throw new PolicyParseException(sourceName, line, "unterminated string");
                }
                continue;
            }
            if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/') {
                while (i + 1 < source.length() && source.charAt(i + 1) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '\n') {
                line++;
                current.append(' ');
                continue;
            }
            if (c == ';') {
                String text = current.toString().strip();
                if (text.isEmpty()) {
                    throw new PolicyParseException(sourceName, line, "empty statement");
                }
                out.add(new Statement(text, startLine));
                current.setLength(0);
                startLine = -1;
                continue;
            }
            if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            if (c == '"') {
                inString = true;
            }
            current.append(Character.isWhitespace(c) ? ' ' : c);
        }
        if (inString) {
            throw new PolicyParseException(sourceName, line, "unterminated string");
        }
        String rest = current.toString().strip();
        if (!rest.isEmpty()) {
            throw new PolicyParseException(sourceName, startLine, "missing ';' at the end of '" + abbreviate(rest) + "'");
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
