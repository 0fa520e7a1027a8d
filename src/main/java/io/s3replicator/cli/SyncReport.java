package io.s3replicator.cli;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.observe.RunStats;
import io.s3replicator.observe.Units;

import java.io.PrintStream;
import java.util.Locale;

/** The progress line and the end-of-run summary of {@code sync}. */
final class SyncReport {
    private SyncReport() {
    }

    static String progress(RunStats s) {
        return String.format(Locale.ROOT,
                "progress: listed %d source / %d destination | copied %d (%s) | parts %s | skipped %d | failed %d"
                        + " | queued %d | %s | %.0fs",
                s.sourceListed.sum(), s.destinationListed.sum(), s.copied.sum(), Units.bytes(s.copiedBytes.sum()),
                Units.bytes(s.partBytes.sum()), s.skippedTotal(), s.failed.sum(), s.emitted() - s.finished(),
                Units.rate(s.copiedBytes.sum(), s.elapsedSeconds()), s.elapsedSeconds());
    }

    static void summary(PrintStream out, ReplicationPair pair, RunStats s) {
        double secs = s.elapsedSeconds();
        long skipped = s.inStep.sum() + s.excluded.sum() + s.skippedTotal();
        long skippedBytes = s.inStepBytes.sum() + s.excludedBytes.sum() + s.skippedBytes.sum();
        out.printf(Locale.ROOT, "s3-replicator sync %s -> %s (%s)%s%n", pair.source().uri(), pair.destination().uri(),
                pair.serverSideCopy() ? "server-side copy" : "relayed", pair.dryRun() ? ", DRY RUN" : "");
        out.printf(Locale.ROOT, "  listed    %d source objects, %d destination objects%n",
                s.sourceListed.sum(), s.destinationListed.sum());
        if (pair.dryRun()) {
            out.printf(Locale.ROOT, "  would copy %d objects, %s%n", s.wouldCopy.sum(), Units.bytes(s.wouldCopyBytes.sum()));
        }
        out.printf(Locale.ROOT, "  copied    %d objects, %s%n", s.copied.sum(), Units.bytes(s.copiedBytes.sum()));
        out.printf(Locale.ROOT, "  skipped   %d objects, %s (in step %d, excluded %d%s)%n", skipped,
                Units.bytes(skippedBytes), s.inStep.sum(), s.excluded.sum(), skippedReasons(s));
        out.printf(Locale.ROOT, "  failed    %d objects, %s%n", s.failed.sum(), Units.bytes(s.failedBytes.sum()));
        out.printf(Locale.ROOT, "  elapsed   %.1f s, %.1f objects/s, %s%n", secs,
                secs > 0 ? s.copied.sum() / secs : 0.0, Units.rate(s.copiedBytes.sum(), secs));
        if (s.extraAtDestination.sum() > 0) {
            out.printf(Locale.ROOT, "  note      %d objects exist only at the destination (left alone)%n",
                    s.extraAtDestination.sum());
        }
        for (String[] f : s.failures()) {
            out.printf(Locale.ROOT, "  FAILED    %s: %s%n", f[0], f[1]);
        }
        if (s.failed.sum() > s.failures().size()) {
            out.printf(Locale.ROOT, "  ...       and %d more failures (see the job_state table of the state store"
                    + " set by s3replicator.state.*)%n",
                    s.failed.sum() - s.failures().size());
        }
        if (s.diffError() != null) {
            out.printf(Locale.ROOT, "  DIFF FAILED %s%n", s.diffError());
        }
        boolean ok = s.failed.sum() == 0 && s.diffError() == null;
        out.println(ok ? (pair.dryRun() ? "dry run complete" : "in step") : "NOT in step");
    }

    private static String skippedReasons(RunStats s) {
        StringBuilder b = new StringBuilder();
        s.skippedByReason().forEach((reason, n) -> b.append(", ").append(reason).append(' ').append(n));
        return b.toString();
    }
}
