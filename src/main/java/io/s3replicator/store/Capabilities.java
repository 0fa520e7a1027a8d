package io.s3replicator.store;

import io.s3replicator.model.ConfigException;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one store supports, declared once per {@link Provider} and asked by the copy, verify and diff
 * paths instead of assuming AWS. Each can be set per side by the URI option of its name (and the
 * {@code --source-X} / {@code --dest-X} flag), for a store the presets do not describe.
 *
 * @param tagging           object tags exist (GetObjectTagging, {@code x-amz-tagging} on writes)
 * @param taggingCount      GET / HEAD send {@code x-amz-tagging-count} whenever there are tags, so its
 *                          absence means none and no GetObjectTagging is sent
 * @param conditionalWrites {@code If-Match} / {@code If-None-Match} are honoured on PutObject, CopyObject
 *                          and CompleteMultipartUpload
 * @param multipartEtag     how the ETag of an object assembled from parts is made
 * @param sortedListing     ListObjectsV2 returns keys in UTF-8 binary order (the diff checks as it streams
 *                          either way; a store declared unsorted is sorted on local disk from the start)
 * @param serverSideCopy    CopyObject / UploadPartCopy work from one bucket of the store to another
 * @param storageClasses    writes take S3's {@code x-amz-storage-class}
 */
public record Capabilities(boolean tagging, boolean taggingCount, boolean conditionalWrites,
                           MultipartEtag multipartEtag, boolean sortedListing, boolean serverSideCopy,
                           boolean storageClasses) {

    /** The URI option (and flag) of each capability. */
    public static final List<String> OPTIONS = List.of("tagging", "taggingCount", "conditionalWrites",
            "multipartEtag", "sortedListing", "serverSideCopy", "storageClasses");

    /** The ETag of a multipart object. */
    public enum MultipartEtag {
        /** S3's: MD5 of the binary part MD5s, "-", the part count; comparable with a copy of the same layout. */
        MD5_OF_PARTS,
        /** Anything else: not comparable; a multipart copy is verified by its size and its parts' MD5s. */
        OPAQUE;

        static MultipartEtag parse(String field, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "md5", "md5_of_parts", "md5-of-parts" -> MD5_OF_PARTS;
                case "opaque" -> OPAQUE;
                default -> throw new ConfigException(field, "'" + value + "' is not an ETag style (md5 or opaque)");
            };
        }
    }

    /** The multipart ETags of both sides are S3's, so a copy with the source's part layout has the source's ETag. */
    public boolean multipartEtagsComparableWith(Capabilities other) {
        return multipartEtag == MultipartEtag.MD5_OF_PARTS && other.multipartEtag == MultipartEtag.MD5_OF_PARTS;
    }

    /** These capabilities with the side's overrides applied ({@link #checked} values, by option name). */
    public Capabilities with(Map<String, String> overrides) {
        Capabilities c = this;
        for (var e : overrides.entrySet()) {
            c = c.with(e.getKey(), e.getKey(), e.getValue());
        }
        return c;
    }

    /** Validates one override: {@code field} names it in errors. Returns the value as stored. */
    public static String checked(String field, String name, String value) {
        if ("multipartEtag".equals(name)) {
            return MultipartEtag.parse(field, value).name();
        }
        return Boolean.toString(bool(field, value));
    }

    private Capabilities with(String field, String name, String value) {
        return switch (name) {
            case "tagging" -> new Capabilities(bool(field, value), taggingCount, conditionalWrites, multipartEtag,
                    sortedListing, serverSideCopy, storageClasses);
            case "taggingCount" -> new Capabilities(tagging, bool(field, value), conditionalWrites, multipartEtag,
                    sortedListing, serverSideCopy, storageClasses);
            case "conditionalWrites" -> new Capabilities(tagging, taggingCount, bool(field, value), multipartEtag,
                    sortedListing, serverSideCopy, storageClasses);
            case "multipartEtag" -> new Capabilities(tagging, taggingCount, conditionalWrites,
                    MultipartEtag.parse(field, value), sortedListing, serverSideCopy, storageClasses);
            case "sortedListing" -> new Capabilities(tagging, taggingCount, conditionalWrites, multipartEtag,
                    bool(field, value), serverSideCopy, storageClasses);
            case "serverSideCopy" -> new Capabilities(tagging, taggingCount, conditionalWrites, multipartEtag,
                    sortedListing, bool(field, value), storageClasses);
            case "storageClasses" -> new Capabilities(tagging, taggingCount, conditionalWrites, multipartEtag,
                    sortedListing, serverSideCopy, bool(field, value));
            default -> throw new ConfigException(field, "unknown capability '" + name + "'");
        };
    }

    private static boolean bool(String field, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigException(field, "'" + value + "' is not true or false");
        };
    }
}
