package io.s3replicator.testing;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Writes S3 Inventory reports as S3 delivers them (the AWS documentation's "Inventory manifest"
 * and CSV layout): {@code prefix/SOURCE/CONFIG/YYYY-MM-DDTHH-MMZ/manifest.json} with its
 * {@code manifest.checksum}, and gzip-compressed CSV data files under {@code prefix/SOURCE/CONFIG/data/},
 * every field quoted, keys URL-encoded.
 */
public final class InventoryReports {
    public static final String SCHEMA = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate,"
            + " ETag, StorageClass, IsMultipartUploaded";

    private InventoryReports() {
    }

    /** One CSV row of the default schema: {@code key} is the raw key, encoded here. */
    public static String[] row(String bucket, String key, long size, String etag) {
        return row(bucket, key, "", true, false, size, etag);
    }

    public static String[] row(String bucket, String key, String versionId, boolean latest, boolean deleteMarker,
                               long size, String etag) {
        return new String[] {bucket, URLEncoder.encode(key, StandardCharsets.UTF_8), versionId,
            String.valueOf(latest), String.valueOf(deleteMarker), deleteMarker ? "" : String.valueOf(size),
            "2026-11-29T03:00:00.000Z", deleteMarker ? "" : etag, "STANDARD", "false"};
    }

    /** A row for an object as it is in the source bucket now. */
    public static String[] rowOf(S3Client s3, String bucket, String key) {
        var head = s3.headObject(b -> b.bucket(bucket).key(key));
        return row(bucket, key, head.contentLength(), head.eTag().replace("\"", ""));
    }

    /**
     * Writes the data files (one per list of rows, in the given order) and then the manifest and its
     * checksum, as S3 does.
     *
     * @return the manifest's key
     */
    public static String deliver(S3Client s3, String inventoryBucket, String prefix, String sourceBucket,
                                 String dateFolder, String fileFormat, String schema, List<List<String[]>> files) {
        String config = prefix + sourceBucket + "/all-objects/";
        List<String> entries = new ArrayList<>();
        for (List<String[]> rows : files) {
            byte[] gz = gzip(csv(rows));
            String key = config + "data/" + UUID.randomUUID() + ".csv.gz";
            s3.putObject(b -> b.bucket(inventoryBucket).key(key), RequestBody.fromBytes(gz));
            entries.add("""
                    {"key": "%s", "size": %d, "MD5checksum": "%s"}""".formatted(key, gz.length, md5(gz)));
        }
        String manifest = """
                {
                  "sourceBucket": "%s",
                  "destinationBucket": "arn:aws:s3:::%s",
                  "version": "2016-11-30",
                  "creationTimestamp": "1764385200000",
                  "fileFormat": "%s",
                  "fileSchema": "%s",
                  "files": [%s]
                }
                """.formatted(sourceBucket, inventoryBucket, fileFormat, schema, String.join(",\n", entries));
        byte[] json = manifest.getBytes(StandardCharsets.UTF_8);
        String folder = config + dateFolder + "/";
        s3.putObject(b -> b.bucket(inventoryBucket).key(folder + "manifest.json"), RequestBody.fromBytes(json));
        s3.putObject(b -> b.bucket(inventoryBucket).key(folder + "manifest.checksum"), RequestBody.fromString(md5(json)));
        return folder + "manifest.json";
    }

    public static String deliver(S3Client s3, String inventoryBucket, String prefix, String sourceBucket,
                                 String dateFolder, List<List<String[]>> files) {
        return deliver(s3, inventoryBucket, prefix, sourceBucket, dateFolder, "CSV", SCHEMA, files);
    }

    static String csv(List<String[]> rows) {
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i > 0 ? "," : "").append('"').append(row[i].replace("\"", "\"\"")).append('"');
            }
            out.append('\n');
        }
        return out.toString();
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
