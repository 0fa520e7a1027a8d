package io.s3replicator.discover.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One S3 Inventory report: its {@code manifest.json} (source bucket, format, column schema and
 * data files), checked against the MD5 in the {@code manifest.checksum} delivered beside it.
 *
 * @param location      where the manifest was read, for messages
 * @param sourceBucket  the inventoried bucket
 * @param dataBucket    the bucket the data files live in (the manifest's destinationBucket)
 * @param columns       the CSV columns, in order ({@code fileSchema})
 * @param files         the data files
 */
public record InventoryManifest(String location, String sourceBucket, String dataBucket, List<String> columns,
                                List<DataFile> files) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A gzip-compressed CSV data file: its key in the data bucket, byte size and the MD5 of its bytes. */
    public record DataFile(String key, long size, String md5) {
    }

    /**
     * @param checksum the content of {@code manifest.checksum} (hex MD5 of the manifest), or null to skip the check
     * @throws InventoryException when the checksum does not match, a field is missing, or the format is not CSV
     */
    public static InventoryManifest parse(String location, byte[] json, String checksum) {
        if (checksum != null && !checksum.strip().equalsIgnoreCase(md5Hex(json))) {
            throw new InventoryException(location + ": manifest.json does not match manifest.checksum (expected "
                    + checksum.strip() + ", got " + md5Hex(json) + "): incomplete or altered report");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InventoryException(location + ": not a JSON manifest: " + e.getMessage());
        }
        String format = required(location, root, "fileFormat");
        if (!"CSV".equalsIgnoreCase(format)) {
            // Parquet and ORC need their own readers (and Hadoop-sized dependencies); CSV is the default.
            throw new InventoryException(location + ": inventory format " + format
                    + " is not supported; configure the inventory report as CSV");
        }
        List<String> columns = new ArrayList<>();
        for (String c : required(location, root, "fileSchema").split(",")) {
            columns.add(c.strip());
        }
        for (String needed : List.of("Key", "Size")) {
            if (!columns.contains(needed)) {
                throw new InventoryException(location + ": the inventory has no " + needed
                        + " column (fileSchema: " + String.join(", ", columns) + ")");
            }
        }
        String destination = required(location, root, "destinationBucket");
        // An ARN (arn:aws:s3:::bucket, arn:aws-cn:s3:::bucket) or a bare name.
        String dataBucket = destination.substring(destination.lastIndexOf(':') + 1);
        List<DataFile> files = new ArrayList<>();
        for (JsonNode f : root.path("files")) {
            String key = f.path("key").asText(null);
            if (key == null) {
                throw new InventoryException(location + ": a file entry has no key");
            }
            files.add(new DataFile(key, f.path("size").asLong(-1), f.path("MD5checksum").asText(null)));
        }
        return new InventoryManifest(location, required(location, root, "sourceBucket"), dataBucket,
                List.copyOf(columns), List.copyOf(files));
    }

    /** The column's position in a row, or -1 when the report does not have it. */
    public int column(String name) {
        return columns.indexOf(name);
    }

    private static String required(String location, JsonNode root, String field) {
        String value = root.path(field).asText("");
        if (value.isBlank()) {
            throw new InventoryException(location + ": manifest has no " + field);
        }
        return value;
    }

    static String md5Hex(byte[] bytes) {
        return HexFormat.of().formatHex(md5().digest(bytes)).toLowerCase(Locale.ROOT);
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
