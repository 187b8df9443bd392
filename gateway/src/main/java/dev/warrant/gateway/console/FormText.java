package dev.warrant.gateway.console;

/** Free text from a console form (a decision's or a revocation's reason). */
final class FormText {

    private FormText() {
    }

    /**
     * {@code typed} as one line: a browser may send line breaks, and a reason is one line where it is recorded
     * (the approval and revocation checks refuse the rest). Null for a missing or blank field.
     */
    static String oneLine(String typed) {
        return typed == null || typed.isBlank() ? null : typed.replaceAll("[\\r\\n]+", " ").strip();
    }
}
