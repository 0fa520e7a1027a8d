package io.s3replicator.cli;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.observe.RunStats;
import io.s3replicator.observe.Units;
import io.s3replicator.transfer.ObjectDeleter;

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

    static boolean ok(RunStats s) {
        return s.failed.sum() == 0 && s.diffError() == null;
    }

    static void summary(PrintStream out, ReplicationPair pair, RunStats s) {
        double secs = s.elapsedSeconds();
        boolean deletes = pair.features().deletes();
        out.printf(Locale.ROOT, "s3-replicator sync %s -> %s (%s)%s%n", pair.source().uri(), pair.destination().uri(),
                pair.serverSideCopy() ? "server-side copy" : "relayed", pair.dryRun() ? ", DRY RUN" : "");
        out.printf(Locale.ROOT, "  listed    %d source objects, %d destination objects%n",
                s.sourceListed.sum(), s.destinationListed.sum());
        if (pair.dryRun()) {
            out.printf(Locale.ROOT, "  would copy %d objects, %s%n", s.wouldCopy.sum(), Units.bytes(s.wouldCopyBytes.sum()));
            if (deletes) {
                out.printf(Locale.ROOT, "  would delete %d objects%n", s.wouldDelete.sum());
            }
        }
        out.printf(Locale.ROOT, "  copied    %d objects, %s%n", s.copied.sum(), Units.bytes(s.copiedBytes.sum()));
        if (deletes) {
            out.printf(Locale.ROOT, "  deleted   %d objects%n", s.deleted.sum());
        }
        out.printf(Locale.ROOT, "  skipped   %d objects, %s (in step %d, excluded %d%s)%n", skipped(s),
                Units.bytes(skippedBytes(s)), s.inStep.sum(), s.excluded.sum(), skippedReasons(s));
        out.printf(Locale.ROOT, "  failed    %d objects, %s%n", s.failed.sum(), Units.bytes(s.failedBytes.sum()));
        out.printf(Locale.ROOT, "  elapsed   %.1f s, %.1f objects/s, %s%n", secs,
                secs > 0 ? s.copied.sum() / secs : 0.0, Units.rate(s.copiedBytes.sum(), secs));
        note(out, pair, s);
        if (deletes && pair.dryRun()) {
            for (String key : s.deletedKeys().stream().sorted().toList()) {
                out.printf(Locale.ROOT, "  (dry run) delete s3://%s/%s%n", pair.destination().bucket(), key);
            }
            if (s.wouldDelete.sum() > s.deletedKeys().size()) {
                out.printf(Locale.ROOT, "  ...       and %d more (-v names each)%n",
                        s.wouldDelete.sum() - s.deletedKeys().size());
            }
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
        out.println(ok(s) ? (pair.dryRun() ? "dry run complete" : "in step") : "NOT in step");
    }

    /** Objects only at the destination that stay there, and why. */
    private static void note(PrintStream out, ReplicationPair pair, RunStats s) {
        long extra = s.extraAtDestination.sum();
        if (!pair.features().deletes()) {
            if (extra > 0) {
                out.printf(Locale.ROOT, "  note      %d objects exist only at the destination (left alone)%n", extra);
            }
            return;
        }
        long kept = extra - s.deleted.sum() - s.wouldDelete.sum();
        if (kept <= 0) {
            return;
        }
        long unowned = pair.features().deleteUnowned() ? 0
                : s.skippedByReason().getOrDefault(ObjectDeleter.NOT_WRITTEN_BY_PAIR, 0L);
        out.printf(Locale.ROOT, "  note      %d objects exist only at the destination and were kept%s%n", kept,
                unowned > 0 ? " (" + unowned + " not written by this pair: --delete-unowned deletes them)" : "");
    }

    private static long skipped(RunStats s) {
        return s.inStep.sum() + s.excluded.sum() + s.skippedTotal();
    }

    private static long skippedBytes(RunStats s) {
        return s.inStepBytes.sum() + s.excludedBytes.sum() + s.skippedBytes.sum();
    }

    private static String skippedReasons(RunStats s) {
        StringBuilder b = new StringBuilder();
        s.skippedByReason().forEach((reason, n) -> b.append(", ").append(reason).append(' ').append(n));
        return b.toString();
    }
}
