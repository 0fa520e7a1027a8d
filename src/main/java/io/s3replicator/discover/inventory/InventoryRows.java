package io.s3replicator.discover.inventory;

import io.s3replicator.model.LookaheadIterator;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.s3replicator.discover.KeyOrder;
import io.s3replicator.model.ListedObject;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * The rows of one inventory data file (gzip-compressed CSV), streamed: the current object
 * under the pair's source prefix, one {@link ListedObject} per row. The MD5 of the file's bytes
 * is checked against the manifest once the last row is read. Rows should come in key order; a
 * file that breaks it is noted ({@link #inOrder}), never trusted for "missing".
 */
final class InventoryRows extends LookaheadIterator<ListedObject> implements AutoCloseable {
    private static final CsvMapper CSV = new CsvMapper();

    private final String location;
    private final InventoryManifest.DataFile file;
    private final String sourcePrefix;
    private final LongConsumer onListed;
    private final InputStream raw;
    private final MessageDigest md5 = InventoryManifest.md5();
    private final MappingIterator<String[]> rows;
    private final int key;
    private final int size;
    private final int etag;
    private final int isLatest;
    private final int isDeleteMarker;
    private String previousKey;
    private String greatestRelativeKey;
    private boolean inOrder = true;
    private boolean ended;

    InventoryRows(S3Client s3, InventoryManifest manifest, InventoryManifest.DataFile file, String sourcePrefix,
                  LongConsumer onListed) {
        this.location = "s3://" + manifest.dataBucket() + "/" + file.key();
        this.file = file;
        this.sourcePrefix = sourcePrefix;
        this.onListed = onListed;
        this.key = manifest.column("Key");
        this.size = manifest.column("Size");
        this.etag = manifest.column("ETag");
        this.isLatest = manifest.column("IsLatest");
        this.isDeleteMarker = manifest.column("IsDeleteMarker");
        this.raw = s3.getObject(b -> b.bucket(manifest.dataBucket()).key(file.key()));
        try {
            // Shielded: the CSV reader closes its input at the end, and the digest still needs the last bytes.
            InputStream digested = new java.io.FilterInputStream(new DigestInputStream(raw, md5)) {
                @Override
                public void close() {
                }
            };
            InputStream csv = new GZIPInputStream(digested, 64 * 1024);
            this.rows = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY)
                    .with(CsvSchema.emptySchema()).readValues(new InputStreamReader(csv, StandardCharsets.UTF_8));
        } catch (IOException e) {
            close();
            throw new InventoryException(location + ": not a gzip-compressed CSV file: " + e.getMessage());
        }
    }

    /** False once a row came before its predecessor in key order. */
    boolean inOrder() {
        return inOrder;
    }

    /** The greatest relative key read so far, or null before the first row. */
    String greatestRelativeKey() {
        return greatestRelativeKey;
    }

    @Override
    protected ListedObject fetch() {
        while (!ended) {
            String[] row = read();
            if (row == null) {
                ended = true;
                checkDigest();
                close();
            } else {
                ListedObject o = object(row);
                if (o != null) {
                    return o;
                }
            }
        }
        return null;
    }

    private String[] read() {
        try {
            return rows.hasNextValue() ? rows.nextValue() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(location + ": cannot read the CSV data", e);
        }
    }

    /** The row as a listed object, or null for a row the diff skips (another prefix, an old version, a delete marker). */
    private ListedObject object(String[] row) {
        if (row.length <= key || row.length <= size) {
            if (row.length == 1 && row[0].isEmpty()) {
                return null; // a trailing empty line
            }
            throw new InventoryException(location + ": a row has " + row.length + " columns, the schema "
                    + "names more (Key is column " + (key + 1) + ", Size " + (size + 1) + ")");
        }
        // Inventory keys are URL-encoded (form encoding, as in S3 event notifications: '+' is a space).
        String k = URLDecoder.decode(row[key], StandardCharsets.UTF_8);
        if (previousKey != null && KeyOrder.compare(previousKey, k) > 0) {
            inOrder = false;
        }
        previousKey = k;
        if (!k.startsWith(sourcePrefix) || "false".equalsIgnoreCase(cell(row, isLatest))
                || "true".equalsIgnoreCase(cell(row, isDeleteMarker))) {
            return null;
        }
        String relative = k.substring(sourcePrefix.length());
        if (greatestRelativeKey == null || KeyOrder.compare(relative, greatestRelativeKey) > 0) {
            greatestRelativeKey = relative;
        }
        onListed.accept(1);
        String e = cell(row, etag);
        return new ListedObject(k, relative, Long.parseLong(row[size].isEmpty() ? "0" : row[size]),
                e == null || e.isEmpty() ? null : ListedObject.bareEtag(e));
    }

    private static String cell(String[] row, int index) {
        return index < 0 || index >= row.length ? null : row[index];
    }

    private void checkDigest() {
        try {
            // The gzip reader may stop before the last bytes: read them so the digest covers the file.
            new DigestInputStream(raw, md5).transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(location + ": cannot read the data file", e);
        }
        String actual = HexFormat.of().formatHex(md5.digest());
        if (file.md5() != null && !file.md5().equalsIgnoreCase(actual)) {
            throw new InventoryException(location + ": MD5 " + actual + " does not match the manifest's "
                    + file.md5());
        }
    }

    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException e) {
            // nothing left to read from it
        }
    }
}
