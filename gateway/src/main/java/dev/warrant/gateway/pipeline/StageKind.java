package dev.warrant.gateway.pipeline;

/**
 * The order stages must run in. {@code RECORD} wraps everything so that denials are recorded too; the
 * terminal {@code FORWARD} stage answers every request that got that far.
 */
public enum StageKind {
    RECORD, AUTHENTICATE, TRACE, SESSION, AUTHORIZE, FORWARD
}
