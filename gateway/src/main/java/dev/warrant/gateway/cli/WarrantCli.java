package dev.warrant.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code warrant}: the one entry point. Errors are one line on stderr and a non-zero exit, never a stack
 * trace (exit 2 = bad usage or input, 1 = the operation failed or was refused).
 */
@Command(name = "warrant", mixinStandardHelpOptions = true, version = "warrant 0.1.0",
        description = "MCP tool gateway with attenuable Biscuit delegation.",
        subcommands = {DemoCommand.class, ServeCommand.class, CallCommand.class, KeygenCommand.class,
                MintCommand.class, AttenuateCommand.class, InspectCommand.class, ExchangeCommand.class, RevokeCommand.class, ApprovalsCommand.class, PolicyCommand.class, AuditCommand.class,
                ReceiptCommand.class})
public final class WarrantCli {

    private WarrantCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new WarrantCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            String command = e.getCommandLine().getCommandName();
            String help = command.equals("warrant") ? "warrant --help" : "warrant " + command + " --help";
            // One line, like every other error: the message and where to look.
            err.println("warrant: " + e.getMessage() + " (see '" + help + "')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("warrant: " + CliErrors.message(e));
            return CliErrors.exitCode(e);
        });
        return cli.execute(args);
    }
}
