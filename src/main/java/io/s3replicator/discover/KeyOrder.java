package io.s3replicator.discover;

/**
 * S3's key order: UTF-8 byte order, which equals Unicode code point order. Java's
 * {@link String#compareTo} compares UTF-16 units and disagrees for characters above U+FFFF
 * against U+E000..U+FFFF; some S3-compatible stores (S3Mock among them) list in that order.
 *
 * <p>The merge-join never loses a source key whatever the order: each one is either matched
 * or emitted. A store with the other order can only make it misjudge keys that hold such
 * characters as missing, so those are checked at the destination before copying
 * ({@link #isOrderSensitive}).
 */
public final class KeyOrder {
    private KeyOrder() {
    }

    /** True when the key holds a character whose position differs between the two orders. */
    public static boolean isOrderSensitive(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) >= '\uD800') {
                return true;
            }
        }
        return false;
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
