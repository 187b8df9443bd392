package dev.warrant.delegation;

/**
 * One right of the authority block: {@code right(kind, server, name)}. Kind is tool, resource, prompt, admin
 * or provider; name "*" means any name on that server; for resources the name is a URI prefix; for provider
 * rights the server is {@code "upstream"} and the name is the upstream the holder may register and remove.
 */
public record Right(String kind, String server, String name) {
    public Right {
        Names.requireName(kind, "right kind");
        if (!Vocabulary.KINDS.contains(kind)) {
            throw new IllegalArgumentException("right kind must be one of tool, resource, prompt, admin, provider: " + kind);
        }
        Names.requireName(server, "right server");
        Names.requireName(name, "right name");
    }
}
