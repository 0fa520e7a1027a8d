package io.s3replicator.record;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a job's free-text reason to a short tag from a fixed vocabulary, so metric series
 * stay few and never carry a key, a bucket or an endpoint (reasons may hold all three).
 */
public final class Reasons {
    private static final Pattern STATUS = Pattern.compile("^(\\d{3})\\b.*");

    private Reasons() {
    }

    public static String tag(String outcome, String reason) {
        if ("FAILED".equals(outcome) || "RETRYING".equals(outcome)) {
            return failureClass(reason);
        }
        if (reason == null) {
            return "none";
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("archived")) {
            return "archived";
        }
        if (r.contains("already holds")) {
            return "in_step";
        }
        if (r.contains("written while the copy ran")) {
            return "destination_changed";
        }
        if (r.contains("newer version of the source")) {
            return "newer_version";
        }
        if (r.contains("not written by this pair")) {
            return "not_owned";
        }
        if (r.contains("duplicate")) {
            return "duplicate";
        }
        if (r.contains("repeated transfer") || r.contains("replicator itself")) {
            return "loop_guard";
        }
        if (r.contains("deletes disabled")) {
            return "deletes_disabled";
        }
        if (r.contains("is newer")) {
            return "destination_newer";
        }
        if (r.contains("already absent")) {
            return "already_absent";
        }
        if (r.contains("exists again")) {
            return "source_exists";
        }
        if (r.contains("deleted since")) {
            return "source_deleted";
        }
        if (r.contains("dry run")) {
            return "dry_run";
        }
        if (r.contains("stale")) {
            return "stale";
        }
        if (r.contains("exclude") || r.contains("ignore")) {
            return "excluded";
        }
        return "other";
    }

    /**
     * The failure classes (README, "Many workers", Failures): transient (5xx, throttling, network),
     * permanent (4xx on this object), source_changed (412: the object changed mid-copy),
     * poison (not a runnable job), other.
     */
    public static String failureClass(String reason) {
        if (reason == null) {
            return "other";
        }
        Matcher m = STATUS.matcher(reason);
        if (m.matches()) {
            int status = Integer.parseInt(m.group(1));
            if (status == 412) {
                return "source_changed";
            }
            if (status >= 500 || status == 429) {
                return "transient";
            }
            if (status >= 400) {
                return "permanent";
            }
        }
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("timeout") || r.contains("timed out") || r.contains("connect") || r.contains("reset")
                || r.contains("unreachable") || r.contains("slowdown") || r.contains("unable to execute http")) {
            return "transient";
        }
        if (r.contains("unknown replication pair") || r.contains("not a runnable job") || r.contains("parse")) {
            return "poison";
        }
        return "other";
    }
}
