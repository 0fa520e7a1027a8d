package io.s3replicator.record;

import java.util.Locale;

/** Human-readable sizes and rates for progress lines and summaries. */
public final class Units {
    private Units() {
    }

    public static String bytes(double n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (n >= 1024 && u < units.length - 1) {
            n /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f %s", n, units[u])
                : String.format(Locale.ROOT, "%.1f %s", n, units[u]);
    }

    public static String rate(double bytes, double seconds) {
        return bytes(seconds > 0 ? bytes / seconds : 0) + "/s";
    }
}
