package dev.warrant.adapters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-delimited UTF-8 lines from a child's stdout/stderr without trusting the child: a line longer
 * than the limit cannot make us buffer without bound.
 */
final class BoundedLineReader {

    /** Thrown when a line exceeds the limit and the caller asked for strictness (protocol stream). */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final boolean truncate;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    /**
     * @param truncate {@code true}: over-long lines are cut at the limit (fine for log lines);
     *     {@code false}: an over-long line is an error (a protocol message cannot be cut)
     */
    BoundedLineReader(InputStream in, int maxBytes, boolean truncate) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.truncate = truncate;
    }

    /** The next line without its terminator ({@code \n} or {@code \r\n}), or {@code null} at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? decode(line) : null;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            append(line, start, position - start);
            if (position < limit) {
                position++; // consume '\n'
                return decode(line);
            }
        }
    }

    private void append(ByteArrayOutputStream line, int start, int length) throws IOException {
        int room = maxBytes - line.size();
        if (length > room) {
            if (!truncate) {
                throw new LineTooLongException(maxBytes);
            }
            length = Math.max(room, 0);
        }
        line.write(buffer, start, length);
    }

    private static String decode(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
