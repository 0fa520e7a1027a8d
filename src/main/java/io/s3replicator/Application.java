package io.s3replicator;

import io.s3replicator.cli.Cli;

/** Entry point of {@code java -jar s3-replicator.jar}: only starts the command line. */
public final class Application {
    private Application() {
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(System.out, System.err, args));
    }
}
