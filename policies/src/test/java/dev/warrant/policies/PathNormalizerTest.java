package dev.warrant.policies;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a path constraint is checked against. Every case here is a way to make a string look like it is
 * under an allowed prefix while the upstream touches something else, or a string that must not count as a
 * path at all (so a path constraint fails closed on it).
 */
class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/notes/public/x,                    /notes/public/x",
            "/notes/public/../private/x,         /notes/private/x",
            "/notes/public/./x,                  /notes/public/x",
            "/notes//public///x,                 /notes/public/x",
            "/notes/public/./../private/plan.md, /notes/private/plan.md",
            "/notes/public//..//private/plan.md, /notes/private/plan.md",
            "/notes/public/x/,                   /notes/public/x/",
            "/notes/public/,                     /notes/public/",
            "/notes/public/.,                    /notes/public/",
            "/notes/public/x/..,                 /notes/public/",
            "/,                                  /",
            "//,                                 /",
            "/..,                                /",
            "/../../etc/passwd,                  /etc/passwd",
            "/a/../../../b,                      /b",
            "/notes/public/...,                  /notes/public/...",
            "/notes/public/..x/y,                /notes/public/..x/y",
    })
    void resolvesDotsAndSlashes(String in, String expected) {
        assertThat(PathNormalizer.normalize(in)).contains(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "file:///notes/public/x,                         /notes/public/x",
            "file://localhost/notes/public/x,                /notes/public/x",
            "FILE://LocalHost/notes/public/x,                /notes/public/x",
            "file:/notes/public/x,                           /notes/public/x",
            "file://localhost,                               /",
            "file:///notes/public/x?raw=1,                   /notes/public/x",
            "file:///notes/public/x#frag,                    /notes/public/x",
            "file:///notes/public/x#/../../private/y,        /notes/public/x",
            "file:///notes/public/x?a=/../../private,        /notes/public/x",
            "file:///notes/public/a%20b.md,                  /notes/public/a b.md",
            "file:///notes/public/%2e%2e/private/plan.md,    /notes/private/plan.md",
            "file:///notes/public/%2E%2E/%2E%2E/etc/passwd,  /etc/passwd",
            "file:///notes/public/a%2Fb,                     /notes/public/a/b",
            "file:///notes/public/a%3Fb,                     /notes/public/a?b",
            "file:///notes/public/a+b.md,                    /notes/public/a+b.md",
            "file:///notes/public/a%2Bb.md,                  /notes/public/a+b.md",
            "file:///notes/public/%C3%A9t%C3%A9,             /notes/public/été",
            "file:///../etc/passwd,                          /etc/passwd",
    })
    void fileUrisArePathsOnThisMachine(String in, String expected) {
        assertThat(PathNormalizer.normalize(in)).contains(expected);
    }

    @Test
    void percentEncodingIsLiteralInPlainPaths() {
        // A file server takes a plain path literally: %2e%2e is a directory named "%2e%2e", not "..".
        assertThat(PathNormalizer.normalize("/notes/public/%2e%2e/private")).contains("/notes/public/%2e%2e/private");
        assertThat(PathNormalizer.normalize("/notes/public/a%20b")).contains("/notes/public/a%20b");
        assertThat(PathNormalizer.normalize("/notes/public/a+b")).contains("/notes/public/a+b");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "",
            "notes/public/x",
            "./notes/public/x",
            "../notes/public/x",
            "~/notes",
            "C:\\notes\\public",
            "\\\\server\\share\\x",
            "http://localhost/notes/public/x",
            "https:///notes/public/x",
            "file:notes/public/x",
            "file:",
            "file://otherhost/notes/public/x",
            "file://evil.example/notes/public/x",
            "file://localhost:8080/notes/public/x",
            "file://user@localhost/notes/public/x",
            "file://127.0.0.1/notes/public/x",
            "file:///notes/public/%zz",
            "file:///notes/public/%2",
            "file:///notes/public/%",
            "file:///notes/public/x%00.md",
            "/notes/public/x\0.md",
            "\0/notes/public/x",
    })
    void notAPath(String in) {
        assertThat(PathNormalizer.normalize(in)).as("%s", in).isEmpty();
    }

    @Test
    void nullIsNotAPath() {
        assertThat(PathNormalizer.normalize(null)).isEmpty();
    }

    @Test
    void normalizingIsIdempotent() {
        for (String in : new String[] {"/a/b/../c/", "/a//./b", "/../x", "/a/b/.."}) {
            String once = PathNormalizer.normalize(in).orElseThrow();
            assertThat(PathNormalizer.normalize(once)).as(in).contains(once);
        }
    }

    @Test
    void noNormalizedPathClimbsOutOfAPrefixItStartsWith() {
        // Whatever a normalized path is, it contains no "." or ".." segment and no empty segment.
        String[] inputs = {"/notes/public/../../../../etc", "/notes/public/x/../../private", "/./././a",
                "file:///notes/public/%2e%2e/%2e/../x", "/a/b/c/../../../../../../"};
        for (String in : inputs) {
            String out = PathNormalizer.normalize(in).orElseThrow();
            assertThat(out).startsWith("/");
            String body = out.endsWith("/") && out.length() > 1 ? out.substring(1, out.length() - 1) : out.substring(1);
            if (!body.isEmpty()) {
                assertThat(body.split("/", -1)).as(in).doesNotContain("", ".", "..");
            }
        }
    }
}
