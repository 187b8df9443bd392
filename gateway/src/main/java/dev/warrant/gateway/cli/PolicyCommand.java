package dev.warrant.gateway.cli;

import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.policy.PolicyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policy files.",
        subcommands = {PolicyCommand.Check.class})
final class PolicyCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a policy directory offline, exactly as the gateway would load it.")
    static final class Check implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "DIR", description = "Directory of *.datalog files.")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PolicySet set;
            try {
                set = PolicyFiles.load(dir);
            } catch (ConfigException e) {
                throw new CliErrors.CliFailure(e.getMessage(), 2);
            }
            spec.commandLine().getOut().println("ok: " + set.ruleCount() + " rules, " + set.checkCount() + " checks, "
                    + set.policyCount() + " policies in " + dir + " (evaluated before the default policy)");
            return 0;
        }
    }
}
