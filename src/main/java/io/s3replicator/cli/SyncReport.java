package io.s3replicator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.record.RunStats;
import io.s3replicator.record.Units;
import io.s3replicator.decide.ObjectDeleter;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The progress lines and the end-of-run summary of {@code sync}, as text or as JSON. */
final class SyncReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyncReport() {
    }

    /** The periodic line written when stderr is not a terminal (a pipe, a file, CI logs). */
    static String progress(RunStats s) {
        return String.format(Locale.ROOT,
                "progress: listed %d source / %d destination | copied %d (%s) | parts %s | skipped %d | failed %d"
                        + " | queued %d | %s | %.0fs",
                s.sourceListed.sum(), s.destinationListed.sum(), s.copied.sum(), Units.bytes(s.copiedBytes.sum()),
                Units.bytes(s.partBytes.sum()), s.skippedTotal(), s.failed.sum(), s.emitted() - s.finished(),
                Units.rate(s.copiedBytes.sum(), s.elapsedSeconds()), s.elapsedSeconds());
    }

    /**
     * The live line on a terminal: objects and bytes done of those found so far ({@code +}: the
     * listing goes on, more may come), the rate, failures, and once the listing is complete an ETA.
     * Done means finished either way (copied, skipped, failed, deleted); an object's bytes count
     * when it finishes, a multipart object's too.
     */
    static String liveLine(RunStats s) {
        double secs = s.elapsedSeconds();
        return liveLine(s, secs > 0 ? s.finished() / secs : 0, secs > 0 ? doneBytes(s) / secs : 0);
    }

    /**
     * @param objectsPerSecond recent rate of finished objects (the ETA's)
     * @param bytesPerSecond   recent rate of finished bytes (shown, and the ETA's)
     */
    static String liveLine(RunStats s, double objectsPerSecond, double bytesPerSecond) {
        long done = s.finished();
        long found = Math.max(s.emitted(), done);
        long doneBytes = doneBytes(s);
        long foundBytes = Math.max(s.foundBytes.sum(), doneBytes);
        boolean listed = s.isDiffDone();
        String more = listed ? "" : "+";
        String line = String.format(Locale.ROOT, "%d/%d%s objects, %s/%s%s, %s/s, %d failed", done, found, more,
                Units.bytes(doneBytes), Units.bytes(foundBytes), more, Units.bytes(bytesPerSecond), s.failed.sum());
        return line + (listed ? ", ETA " + eta(found - done, foundBytes - doneBytes, objectsPerSecond, bytesPerSecond)
                : ", listing");
    }

    /** Bytes of the jobs finished so far, whatever their outcome. */
    static long doneBytes(RunStats s) {
        return s.copiedBytes.sum() + s.wouldCopyBytes.sum() + s.skippedBytes.sum() + s.failedBytes.sum();
    }

    /** The longer of the estimates by bytes and by objects (many small objects go by count, large ones by size). */
    private static String eta(long objectsLeft, long bytesLeft, double objectsPerSecond, double bytesPerSecond) {
        if (objectsLeft <= 0) {
            return duration(0);
        }
        if (objectsPerSecond <= 0) {
            return "-";
        }
        double byObjects = objectsLeft / objectsPerSecond;
        double byBytes = bytesPerSecond > 0 ? bytesLeft / bytesPerSecond : 0;
        return duration(Math.max(byObjects, byBytes));
    }

    /** 59s, 3m04s, 2h05m, 1d02h. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }

    static boolean ok(RunStats s) {
        return s.failed.sum() == 0 && s.diffError() == null && s.unknownOutcomes() == 0;
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
        out.println(lastLine(pair, s));
    }

    /**
     * "in step", unless objects were left uncopied without failing: archived objects are skipped (exit 0)
     * but a pair that still lacks them is not in step, and the line says so.
     */
    private static String lastLine(ReplicationPair pair, RunStats s) {
        if (!ok(s)) {
            return "NOT in step";
        }
        if (pair.dryRun()) {
            return "dry run complete";
        }
        long archived = 0;
        long restoring = 0;
        for (Map.Entry<String, Long> e : s.skippedByReason().entrySet()) {
            if (e.getKey().startsWith("archived")) {
                archived += e.getValue();
                restoring += e.getKey().startsWith("archived:") ? e.getValue() : 0;
            }
        }
        if (archived == 0) {
            return "in step";
        }
        if (restoring == archived) {
            return archived + " archived objects not copied yet (restoring: a sync after the restore copies them)";
        }
        return archived + " archived objects not copied (--source-restore TIER restores and copies them)";
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

    /**
     * The summary as one JSON object (one line): the same counts as the text, failed keys with
     * their reasons and deleted keys (each list at most {@link RunStats#MAX_LISTED_FAILURES}; the
     * counts are exact).
     */
    static String json(ReplicationPair pair, RunStats s, int exitCode) {
        double secs = s.elapsedSeconds();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("source", pair.source().uri());
        doc.put("destination", pair.destination().uri());
        doc.put("path", pair.serverSideCopy() ? "server-side copy" : "relayed");
        doc.put("dryRun", pair.dryRun());
        doc.put("delete", !pair.features().deletes() ? "off" : pair.features().deleteUnowned() ? "all" : "owned");
        ObjectNode listed = doc.putObject("listed");
        listed.put("source", s.sourceListed.sum());
        listed.put("destination", s.destinationListed.sum());
        listed.put("onlyAtDestination", s.extraAtDestination.sum());
        doc.putObject("copied").put("objects", s.copied.sum()).put("bytes", s.copiedBytes.sum());
        doc.putObject("wouldCopy").put("objects", s.wouldCopy.sum()).put("bytes", s.wouldCopyBytes.sum());
        List<String> deletedKeys = s.deletedKeys().stream().sorted().toList();
        keys(doc.putObject("deleted").put("objects", s.deleted.sum()), pair.dryRun() ? List.of() : deletedKeys);
        keys(doc.putObject("wouldDelete").put("objects", s.wouldDelete.sum()), pair.dryRun() ? deletedKeys : List.of());
        ObjectNode skipped = doc.putObject("skipped");
        skipped.put("objects", skipped(s));
        skipped.put("bytes", skippedBytes(s));
        skipped.put("inStep", s.inStep.sum());
        skipped.put("excluded", s.excluded.sum());
        ObjectNode reasons = skipped.putObject("reasons");
        s.skippedByReason().forEach(reasons::put);
        ObjectNode failed = doc.putObject("failed");
        failed.put("objects", s.failed.sum());
        failed.put("bytes", s.failedBytes.sum());
        ArrayNode items = failed.putArray("items");
        for (String[] f : s.failures()) {
            items.addObject().put("key", f[0]).put("reason", f[1]);
        }
        if (s.diffError() != null) {
            doc.put("diffError", s.diffError());
        } else {
            doc.putNull("diffError");
        }
        doc.put("elapsedSeconds", Math.round(secs * 1000) / 1000.0);
        doc.put("objectsPerSecond", secs > 0 ? Math.round(s.copied.sum() / secs * 10) / 10.0 : 0.0);
        doc.put("bytesPerSecond", secs > 0 ? Math.round(s.copiedBytes.sum() / secs) : 0);
        doc.put("inStep", ok(s) && !pair.dryRun());
        doc.put("exitCode", exitCode);
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sync summary not serialisable", e);
        }
    }

    private static void keys(ObjectNode node, List<String> keys) {
        ArrayNode array = node.putArray("keys");
        keys.forEach(array::add);
    }
}
