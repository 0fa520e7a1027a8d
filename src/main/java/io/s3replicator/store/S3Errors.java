package io.s3replicator.store;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Turns SDK failures into one line a user can act on, and classifies them.
 * Never includes credentials: the SDK's messages hold none, and we add none.
 */
public final class S3Errors {
    private S3Errors() {
    }

    public static boolean isNotFound(Throwable e) {
        return e instanceof S3Exception s && s.statusCode() == 404;
    }

    /** The object changed since we saw its ETag (If-Match failed). */
    public static boolean isPreconditionFailed(Throwable e) {
        return e instanceof S3Exception s && s.statusCode() == 412;
    }

    /** The object is in an archive storage class or tier and must be restored before it can be read. */
    public static boolean isArchived(Throwable e) {
        return e instanceof S3Exception s && s.statusCode() == 403 && "InvalidObjectState".equals(errorCode(e));
    }

    public static String errorCode(Throwable e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return null;
    }

    /** A one-line description of a failure to reach or use {@code location}. */
    public static String describe(String side, S3Location location, Throwable e) {
        String where = side + " " + location.uri() + " at " + location.endpoint().describe();
        if (e instanceof S3Exception s) {
            String code = errorCode(s);
            int status = s.statusCode();
            if ("NoSuchBucket".equals(code) || (status == 404 && code == null)) {
                return side + " bucket '" + location.bucket() + "' does not exist at " + location.endpoint().describe();
            }
            if ("InvalidAccessKeyId".equals(code)) {
                return where + ": the access key id is not known there (check the " + side + " credentials)";
            }
            if ("SignatureDoesNotMatch".equals(code)) {
                return where + ": the secret key does not match the access key id (check the " + side + " credentials)";
            }
            if (status == 403) {
                return where + ": access denied" + (code != null ? " (" + code + ")" : "")
                        + " (check the " + side + " credentials and bucket policy)";
            }
            if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
                String region = bucketRegion(s);
                return region == null ? where + ": the bucket is in another region (set the " + side + " region)"
                        : where + ": the bucket is in region " + region + " (set the " + side + " region to " + region + ")";
            }
            return where + ": " + status + (code != null ? " " + code : "") + ": " + firstLine(messageOf(s));
        }
        if (e instanceof SdkClientException) {
            Throwable root = rootCause(e);
            if (root instanceof ConnectException || root instanceof UnknownHostException
                    || root instanceof SocketTimeoutException) {
                return side + " endpoint " + location.endpoint().describe() + " is unreachable ("
                        + firstLine(root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName()) + ")";
            }
            if (String.valueOf(e.getMessage()).startsWith("Unable to load credentials")) {
                // The SDK lists every provider it tried on one very long line; say what to do instead.
                String flag = side.equals("destination") ? "dest" : side;
                return side + ": no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, use --"
                        + flag + "-profile, or another credential source; see the README)";
            }
            return where + ": " + firstLine(e.getMessage());
        }
        return where + ": " + describe(e);
    }

    /**
     * The region AWS S3 names in {@code x-amz-bucket-region} when a request reached a bucket in another
     * region (301 PermanentRedirect; a HEAD gets the header alone), or null.
     */
    public static String bucketRegion(Throwable e) {
        if (e instanceof AwsServiceException s && s.statusCode() == 301 && s.awsErrorDetails() != null
                && s.awsErrorDetails().sdkHttpResponse() != null) {
            return s.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region").orElse(null);
        }
        return null;
    }

    /** A one-line description of any failure, for per-object failure reasons. */
    public static String describe(Throwable e) {
        if (e instanceof AwsServiceException s) {
            String code = errorCode(s);
            String region = bucketRegion(s);
            if (region != null) {
                return "301" + (code != null ? " " + code : "") + ": the bucket is in region " + region
                        + ", the request was signed for another";
            }
            return s.statusCode() + (code != null ? " " + code : "") + ": " + firstLine(messageOf(s));
        }
        if (e instanceof SdkException) {
            Throwable root = rootCause(e);
            return firstLine(root == e ? e.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage());
        }
        if (e.getClass().getName().startsWith("io.s3replicator.")) {
            // Our own exceptions carry messages written for users.
            return firstLine(e.getMessage());
        }
        return e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
    }

    private static String messageOf(AwsServiceException s) {
        return s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                ? s.awsErrorDetails().errorMessage() : String.valueOf(s.getMessage());
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The text up to its first line break; "" for null. */
    public static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
