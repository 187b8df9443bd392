package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build rule that keeps every {@code *.internal} package internal: no source file (main or test) of one module may
 * name an internal package of another. It scans the whole source tree, so it fails the build of this first module
 * whatever module the offending file is in. A module-info.java would not do it: the other modules are not modular, and
 * a classpath consumer ignores a module's exports.
 */
class InternalPackagesTest {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void noModuleNamesAnotherModulesInternalPackage() throws IOException {
        Path root = projectRoot();
        List<String> modules = modules(root);
        Map<String, String> owners = new LinkedHashMap<>();
        for (String m : modules) {
            internalPackages(root.resolve(m)).forEach(p -> owners.put(p, m));
        }
        assertThat(owners).containsEntry("dev.warrant.delegation.internal", "delegation");

        List<String> violations = new ArrayList<>();
        int scanned = 0;
        for (String m : modules) {
            for (Path f : javaFiles(root.resolve(m).resolve("src"))) {
                scanned++;
                violations.addAll(violations(m, root.relativize(f).toString(), Files.readString(f), owners));
            }
        }
        assertThat(scanned).as("source files scanned").isGreaterThan(100);
        assertThat(violations).isEmpty();
    }

    @Test
    void theRuleCatchesAnImportAQualifiedNameAndAStringButNotAComment() {
        Map<String, String> owners = Map.of("dev.warrant.delegation.internal", "delegation");
        assertThat(violations("gateway", "A.java", "import dev.warrant.delegation.internal.Hex;", owners)).hasSize(1);
        assertThat(violations("gateway", "A.java", "var h = dev.warrant.delegation.internal.Hex.encode(b);", owners)).hasSize(1);
        assertThat(violations("gateway", "A.java", "Class.forName(\"dev.warrant.delegation.internal.Hex\")", owners)).hasSize(1);
        assertThat(violations("gateway", "A.java", "// see dev.warrant.delegation.internal.Hex\n/** dev.warrant.delegation.internal */", owners)).isEmpty();
        assertThat(violations("delegation", "A.java", "import dev.warrant.delegation.internal.Hex;", owners)).isEmpty();
    }

    private static List<String> violations(String module, String file, String text, Map<String, String> owners) {
        String code = COMMENT.matcher(text).replaceAll("");
        List<String> found = new ArrayList<>();
        owners.forEach((pkg, owner) -> {
            if (!owner.equals(module) && Pattern.compile(Pattern.quote(pkg) + "\\b").matcher(code).find()) {
                found.add(file + " names " + pkg + " (internal to module " + owner + ")");
            }
        });
        return found;
    }

    /** Surefire runs in the module's directory; the root is the first parent whose pom lists this module. */
    private static Path projectRoot() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path pom = d.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>delegation</module>")) {
                return d;
            }
        }
        throw new AssertionError("no parent pom listing the delegation module above " + Path.of("").toAbsolutePath());
    }

    private static List<String> modules(Path root) throws IOException {
        List<String> modules = new ArrayList<>();
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    private static List<String> internalPackages(Path module) throws IOException {
        Path main = module.resolve("src/main/java");
        if (!Files.isDirectory(main)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.walk(main)) {
            return dirs.filter(Files::isDirectory).filter(d -> d.getFileName().toString().equals("internal"))
                    .map(d -> main.relativize(d).toString().replace(d.getFileSystem().getSeparator(), ".")).toList();
        }
    }

    private static List<Path> javaFiles(Path src) throws IOException {
        if (!Files.isDirectory(src)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(src)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
