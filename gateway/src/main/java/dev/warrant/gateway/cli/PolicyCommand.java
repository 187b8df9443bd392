package dev.warrant.gateway.cli;

import dev.warrant.delegation.ClaimMapping;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.identity.MappingFile;
import dev.warrant.gateway.policy.PolicyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policy files.",
        subcommands = {PolicyCommand.Check.class})
final class PolicyCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a policy directory and/or an identity mapping file offline, exactly as the "
                    + "gateway would load them.")
    static final class Check implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Directory of *.datalog files.")
        Path dir;

        @Option(names = "--mapping", paramLabel = "FILE",
                description = "The identity mapping file (identity.mapping in the config), e.g. identity.datalog.")
        Path mapping;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (dir == null && mapping == null) {
                throw new CliErrors.CliFailure("give a policy DIR, --mapping FILE, or both", 2);
            }
            if (dir != null) {
                PolicySet set = load(() -> PolicyFiles.load(dir));
                spec.commandLine().getOut().println("ok: " + set.ruleCount() + " rules, " + set.checkCount() + " checks, "
                        + set.policyCount() + " policies in " + dir + " (evaluated before the default policy)");
            }
            if (mapping != null) {
                ClaimMapping m = load(() -> MappingFile.read(mapping));
                spec.commandLine().getOut().println("ok: mapping, " + m.statementCount() + " statements in " + mapping);
            }
            return 0;
        }

        /** A file the gateway would refuse to start with is bad input, like any other (exit 2). */
        private static <T> T load(java.util.function.Supplier<T> loader) {
            try {
                return loader.get();
            } catch (ConfigException e) {
                throw new CliErrors.CliFailure(e.getMessage(), 2);
            }
        }
    }
}
