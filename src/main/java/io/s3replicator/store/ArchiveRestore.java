package io.s3replicator.store;

import io.s3replicator.model.ConfigException;

import java.util.Locale;

/**
 * How a side's archived objects are restored before they are copied (its {@code restore} option):
 * RestoreObject with this retrieval tier, the restored copy kept for {@code days} (S3 ignores days for
 * the Intelligent-Tiering archive tiers, whose objects move back to a readable tier).
 *
 * @param tier Standard, Bulk or Expedited (S3's names; Deep Archive has no Expedited)
 * @param days how long the restored copy stays readable, at least 1
 */
public record ArchiveRestore(String tier, int days) {
    public static final int DEFAULT_DAYS = 7;

    /** {@code TIER[:DAYS]}, e.g. {@code Bulk:3}; {@code field} names the option in errors. */
    public static ArchiveRestore parse(String field, String text) {
        String[] parts = text.split(":", -1);
        String tier = switch (parts[0].toLowerCase(Locale.ROOT)) {
            case "standard" -> "Standard";
            case "bulk" -> "Bulk";
            case "expedited" -> "Expedited";
            default -> throw new ConfigException(field, "'" + text + "' is not TIER[:DAYS] with a tier of Standard,"
                    + " Bulk or Expedited (e.g. Bulk:7)");
        };
        int days = DEFAULT_DAYS;
        if (parts.length > 2) {
            throw new ConfigException(field, "'" + text + "' is not TIER[:DAYS] (e.g. Bulk:7)");
        }
        if (parts.length == 2) {
            try {
                days = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                days = 0;
            }
            if (days < 1) {
                throw new ConfigException(field, "'" + parts[1] + "' is not a number of days (1 or more)");
            }
        }
        return new ArchiveRestore(tier, days);
    }

    @Override
    public String toString() {
        return tier + ":" + days;
    }
}
