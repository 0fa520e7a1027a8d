package io.s3replicator.discover;

import io.s3replicator.store.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits a pair's key space into parts that can be listed and joined independently, by the
 * folders both sides have ({@code /}-delimited listings) down to a depth. Every key lies in
 * exactly one part: a folder at the last depth takes all keys under it; a folder above it takes
 * only the keys directly in it (listed with the delimiter), so keys at each level are never lost.
 * A folder only one side has is a part too: a destination object with no source is still seen.
 */
public final class KeySpacePartitions {
    private KeySpacePartitions() {
    }

    /**
     * One part, by relative key: every key starting with {@code prefix}, or with {@code direct}
     * only those with no further {@code /} after it.
     */
    public record Part(String prefix, boolean direct) {
    }

    /** The parts of the key space under both locations' prefixes, in key order of their prefixes. */
    public static List<Part> discover(S3Client source, S3Location sourceAt, S3Client destination,
                                      S3Location destinationAt, int depth) {
        List<Part> parts = new ArrayList<>();
        List<String> level = List.of("");
        for (int d = 0; d < depth && !level.isEmpty(); d++) {
            List<String> next = new ArrayList<>();
            for (String folder : level) {
                parts.add(new Part(folder, true));
                TreeSet<String> children = new TreeSet<>(KeyOrder::compare);
                children.addAll(folders(source, sourceAt, folder));
                children.addAll(folders(destination, destinationAt, folder));
                next.addAll(children);
            }
            level = next;
        }
        for (String folder : level) {
            parts.add(new Part(folder, false));
        }
        return parts;
    }

    /** The folders directly under one relative folder of a location, relative to its prefix. */
    private static List<String> folders(S3Client s3, S3Location at, String folder) {
        List<String> out = new ArrayList<>();
        String prefix = at.prefix() + folder;
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                .bucket(at.bucket()).prefix(prefix.isEmpty() ? null : prefix).delimiter("/")
                .encodingType(EncodingType.URL).build())) {
            for (CommonPrefix p : page.commonPrefixes()) {
                out.add(p.prefix().substring(at.prefix().length()));
            }
        }
        return out;
    }
}
