package dev.warrant.delegation;

/**
 * Test access to the library's own authorization path, so tests in other packages can compare it with the
 * prepared path that {@link VerifiedToken#authorize} takes.
 */
public final class LibraryPath {

    private LibraryPath() {
    }

    public static Decision authorize(VerifiedToken token, RequestFacts request, PolicySet policies,
                                     AuthorizationLimits limits) {
        return token.authorizeWithLibrary(request, policies, limits);
    }

    public static boolean usesPreparedPath(VerifiedToken token, PolicySet policies) {
        return token.usesPreparedPath(policies);
    }
}
