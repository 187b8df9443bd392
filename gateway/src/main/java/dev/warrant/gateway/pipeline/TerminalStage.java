package dev.warrant.gateway.pipeline;

/** The stage that ends a pipeline: it answers the message and never calls {@code proceed}. */
@FunctionalInterface
public interface TerminalStage extends Stage {

    @Override
    default StageKind kind() {
        return StageKind.TERMINAL;
    }
}
