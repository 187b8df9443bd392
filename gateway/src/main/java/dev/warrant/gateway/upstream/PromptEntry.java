package dev.warrant.gateway.upstream;

import java.util.Map;

/**
 * One upstream prompt.
 *
 * @param server      the upstream's name (the namespace)
 * @param name        the prompt's name at the upstream (as agents see it on {@code /servers/{server}/mcp})
 * @param exposedName {@code server__name}, as agents see it on {@code /mcp}
 * @param definition  the upstream's prompt object, untouched (arguments, title, icons, unknown fields)
 */
public record PromptEntry(String server, String name, String exposedName, Map<String, Object> definition) {
}
