package io.s3replicator.discover.inventory;

import io.s3replicator.state.KeySequencers;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The idempotent repository of inventory reports a pair has diffed, kept in the state store's
 * per-key sequencers (embedded, JDBC or DynamoDB: shared by every worker). Reports of one inventory
 * configuration are ordered by their date folder ({@code 2026-11-30T00-00Z}), so only the newest one
 * diffed needs remembering, as a sequencer of that configuration: a report is new when its time is
 * later than the stored one. Claiming a report stores its time minus one minute, finishing it stores
 * its time: a diff that dies half-way leaves the claim, and the next poll diffs the report again.
 *
 * <p>Message ids are {@link #id(String)} of the manifest key; Camel's idempotent consumer must use it
 * eagerly (the claim is the store's conditional write).
 */
public final class ProcessedManifests extends ServiceSupport implements IdempotentRepository {
    /** {@code .../CONFIG/YYYY-MM-DDTHH-MMZ/manifest.json}: S3's layout of a delivered report. */
    private static final Pattern LAYOUT = Pattern.compile("(.*/)?(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2})-(\\d{2})Z/"
            + Pattern.quote(ManifestRef.MANIFEST));

    private final KeySequencers sequencers;
    private final String pairId;

    public ProcessedManifests(KeySequencers sequencers, String pairId) {
        this.sequencers = sequencers;
        this.pairId = pairId;
    }

    /** The report's configuration folder and time (YYYYMMDDHHMM), or null for a key outside S3's layout. */
    static Report report(String manifestKey) {
        Matcher m = LAYOUT.matcher(manifestKey);
        if (!m.matches()) {
            return null;
        }
        String config = m.group(1) == null ? "" : m.group(1);
        return new Report(config, Long.parseLong(m.group(2) + m.group(3) + m.group(4) + m.group(5) + m.group(6)));
    }

    /** A report: its configuration folder and its time as minutes-ordered digits. */
    record Report(String config, long time) {
    }

    /** The message id of a manifest for this repository, or null when it is not in S3's layout. */
    public static String id(String manifestKey) {
        Report r = report(manifestKey);
        return r == null ? null : r.config() + "\n" + r.time();
    }

    @Override
    public boolean add(String key) {
        Report r = parse(key);
        // Refused when this report, or a later one, was diffed to the end.
        return sequencers.advance(pairId, storeKey(r), sequencer(r.time() - 1));
    }

    @Override
    public boolean confirm(String key) {
        Report r = parse(key);
        return sequencers.advance(pairId, storeKey(r), sequencer(r.time()));
    }

    @Override
    public boolean remove(String key) {
        // The claim stays (its time minus one): the report counts as not diffed and is taken again.
        return true;
    }

    @Override
    public boolean contains(String key) {
        throw new UnsupportedOperationException("ProcessedManifests is used eagerly: add() claims in the store");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("reports diffed are forgotten by the state store's expiry only");
    }

    private static Report parse(String key) {
        int nl = key.lastIndexOf('\n');
        return new Report(key.substring(0, nl), Long.parseLong(key.substring(nl + 1)));
    }

    private static String storeKey(Report r) {
        return "inventory-report:" + r.config();
    }

    /** Fixed width, so the store's string order is the time order. */
    private static String sequencer(long time) {
        return String.format("%016d", time);
    }

    @Override
    protected void doStart() {
    }

    @Override
    protected void doStop() {
    }
}
