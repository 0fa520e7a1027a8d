package io.s3replicator.cli;

import io.s3replicator.observe.RunStats;

import java.io.Console;
import java.io.PrintStream;

/**
 * The progress of {@code sync} on stderr. On a terminal: one live line ({@link SyncReport#liveLine})
 * redrawn in place with '\r' and ended with a newline when the run is over. Elsewhere (a pipe, a
 * file, CI logs, where '\r' would pile up): one {@link SyncReport#progress} line per interval.
 */
final class SyncProgress {
    /** A line longer than the terminal wraps, and '\r' then redraws only its last row: stay under 80 columns. */
    static final int MAX_WIDTH = 79;

    private final PrintStream err;
    private final boolean terminal;
    /** Length of the line on screen; -1 when none is. */
    private int drawn = -1;

    SyncProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** Whether this process talks to a terminal (System.console(), which also needs stdin and stdout on one). */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a Console even when redirected; isTerminal() tells (absent before 22).
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    boolean terminal() {
        return terminal;
    }

    void update(RunStats stats) {
        if (terminal) {
            draw(SyncReport.liveLine(stats));
        } else {
            err.println(SyncReport.progress(stats));
        }
    }

    /** The run is over: the live line shows its final state and ends, so what follows starts on a line of its own. */
    void finish(RunStats stats) {
        if (terminal && drawn >= 0) {
            draw(SyncReport.liveLine(stats));
            err.println();
            drawn = -1;
        }
    }

    /** Returns to the start of the line and writes over it, blanking what is left of a longer previous line. */
    void draw(String line) {
        String shown = line.length() > MAX_WIDTH ? line.substring(0, MAX_WIDTH) : line;
        err.print("\r" + shown + " ".repeat(Math.max(0, drawn - shown.length())));
        err.flush();
        drawn = shown.length();
    }
}
