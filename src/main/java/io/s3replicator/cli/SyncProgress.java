package io.s3replicator.cli;

import io.s3replicator.record.RunStats;

import java.io.Console;
import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * The progress of {@code sync} on stderr. On a terminal: one live line ({@link SyncReport#liveLine})
 * redrawn in place with '\r' and ended with a newline when the run is over. Elsewhere (a pipe, a
 * file, CI logs, where '\r' would pile up): one {@link SyncReport#progress} line per interval.
 */
final class SyncProgress {
    /** A line longer than the terminal wraps, and '\r' then redraws only its last row: stay under 80 columns. */
    static final int MAX_WIDTH = 79;

    /** The rate and ETA of the live line are over this much of the recent past, not since the start. */
    static final long WINDOW_NANOS = 10_000_000_000L;

    private final PrintStream err;
    private final boolean terminal;
    /** Length of the line on screen; -1 when none is. */
    private int drawn = -1;
    /** {time, objects done, bytes done} at each redraw of the last {@link #WINDOW_NANOS}. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

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
            draw(live(stats, System.nanoTime()));
        } else {
            err.println(SyncReport.progress(stats));
        }
    }

    /** The run is over: the live line shows its final state and ends, so what follows starts on a line of its own. */
    void finish(RunStats stats) {
        if (terminal && drawn >= 0) {
            draw(live(stats, System.nanoTime()));
            err.println();
            drawn = -1;
        }
    }

    /**
     * The live line with the rate since the oldest sample of the window; samples from before
     * the first object finished are dropped but the last, so start-up and the first listing
     * pages do not drag the rate (and the ETA) down.
     */
    String live(RunStats stats, long now) {
        long[] sample = {now, stats.finished(), SyncReport.doneBytes(stats)};
        samples.addLast(sample);
        while (samples.size() > 1 && (now - samples.peekFirst()[0] > WINDOW_NANOS || idle(samples))) {
            samples.removeFirst();
        }
        long[] base = samples.peekFirst();
        if (base == sample) {
            return SyncReport.liveLine(stats);
        }
        double secs = (now - base[0]) / 1e9;
        return SyncReport.liveLine(stats, (sample[1] - base[1]) / secs, (sample[2] - base[2]) / secs);
    }

    /** The two oldest samples both precede the first finished object. */
    private static boolean idle(ArrayDeque<long[]> samples) {
        var it = samples.iterator();
        return it.next()[1] == 0 && it.next()[1] == 0;
    }

    /** Returns to the start of the line and writes over it, blanking what is left of a longer previous line. */
    void draw(String line) {
        String shown = line.length() > MAX_WIDTH ? line.substring(0, MAX_WIDTH) : line;
        err.print("\r" + shown + " ".repeat(Math.max(0, drawn - shown.length())));
        err.flush();
        drawn = shown.length();
    }
}
