package dev.warrant.delegation;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No biscuit, protobuf, vavr or internal type appears in a public signature of dev.warrant.delegation
 * (docs/ARCHITECTURE.md §3.6, item 7), and the dangerous operations say so in their names or are not public at all.
 */
class ApiSurfaceTest {

    @Test
    void publicSignaturesUseOnlyPlainJavaAndOwnTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/warrant/delegation"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                Class<?> c = Class.forName("dev.warrant.delegation." + name);
                check(c, leaks);
                for (Class<?> inner : c.getDeclaredClasses()) {
                    check(inner, leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    /** Reachable from outside the package: the class and every enclosing class are public. */
    private static boolean exported(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static void check(Class<?> c, List<String> leaks) {
        if (!exported(c)) {
            return;
        }
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                String sig = m.toGenericString();
                if (leaks(sig)) {
                    leaks.add(sig);
                }
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (Modifier.isPublic(k.getModifiers()) && leaks(k.toGenericString())) {
                leaks.add(k.toGenericString());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && leaks(f.toGenericString())) {
                leaks.add(f.toGenericString());
            }
        }
    }

    private static boolean leaks(String signature) {
        return signature.contains("org.biscuitsec") || signature.contains("io.vavr")
                || signature.contains("biscuit.format") || signature.contains("com.google.protobuf")
                || signature.contains("dev.warrant.delegation.internal");
    }

    private static List<String> publicMethodNames(Class<?> c) {
        return Stream.of(c.getDeclaredMethods()).filter(m -> Modifier.isPublic(m.getModifiers()))
                .map(Method::getName).distinct().toList();
    }

    @Test
    void aSigningKeyNeverHandsOutNorTakesItsRawPrivateKeyOutsideThePackage() {
        assertThat(publicMethodNames(SigningKey.class))
                .containsExactlyInAnyOrder("generate", "keyId", "publicKey", "sign", "toString");  // sign: audit checkpoints
    }

    @Test
    void everyInspectionThatDoesNotVerifySaysUnverifiedInItsName() {
        for (Method m : TokenInspector.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            boolean verifies = Stream.of(m.getParameterTypes()).anyMatch(t -> t == KeyRing.class || t == Verifier.class);
            assertThat(m.getName().endsWith("Unverified")).as(m.toGenericString()).isEqualTo(!verifies);
        }
        // Attenuation needs no verification (the gateway verifies on use); the one read of a claim says it is unverified.
        assertThat(publicMethodNames(Delegator.class)).containsExactlyInAnyOrder("attenuate", "holderUnverified");
    }

    @Test
    void verifiedTokenCannotBeConstructedOutsideThePackage() {
        for (Constructor<?> k : VerifiedToken.class.getDeclaredConstructors()) {
            assertThat(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers())).isFalse();
        }
    }
}
