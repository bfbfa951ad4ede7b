package ctguard.cli;

/** Entry point of ctguard.jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(Cli.forArguments(args), args));
    }
}
