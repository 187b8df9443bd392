package dev.warrant.gateway.pipeline;

/**
 * One value an exchange carries from the stage that learns it to the stages after it. Set once: a second
 * write is a wiring defect and fails at once, naming both writers (as OkHttp's chain names an interceptor
 * that proceeds twice). Not thread-safe: an exchange lives on one event loop.
 */
final class Slot<T> {

    private final String name;
    private T value;
    private String writer;

    Slot(String name) {
        this.name = name;
    }

    T get() {
        return value;
    }

    void set(T newValue, String newWriter) {
        if (writer != null) {
            throw new IllegalStateException("exchange slot '" + name + "' written twice: first by " + writer
                    + ", again by " + newWriter);
        }
        value = newValue;
        writer = newWriter;
    }
}
