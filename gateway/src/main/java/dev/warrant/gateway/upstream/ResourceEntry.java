package dev.warrant.gateway.upstream;

import java.util.Map;

/**
 * One resource an upstream listed. Resources keep their URI on every endpoint (a URI is already global);
 * the catalog remembers which upstream listed it so a read goes back there.
 *
 * @param definition the upstream's resource object, untouched
 */
public record ResourceEntry(String server, String uri, Map<String, Object> definition) {
}
