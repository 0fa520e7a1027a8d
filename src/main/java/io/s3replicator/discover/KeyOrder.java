package io.s3replicator.discover;

/**
 * S3's key order: UTF-8 byte order, which equals Unicode code point order. Java's
 * {@link String#compareTo} compares UTF-16 units and disagrees for characters above U+FFFF
 * against U+E000..U+FFFF, so it must not be used to join listings.
 */
public final class KeyOrder {
    private KeyOrder() {
    }

    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
