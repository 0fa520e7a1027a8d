package io.s3replicator.testing;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The store-behaviour fixture itself: what a client sees from a bucket with a behaviour armed. */
class StoreBehaviourTest extends TwoEndpoints {
    private final List<String> armed = new ArrayList<>();
    private final List<S3Client> clients = new ArrayList<>();

    @AfterEach
    void disarm() {
        armed.forEach(StoreBehaviour::reset);
        clients.forEach(S3Client::close);
    }

    private String bucket(String name) {
        String bucket = Buckets.create(src, name);
        armed.add(bucket);
        return bucket;
    }

    /** A client of the source emulator that signs for {@code region}, optionally following redirects. */
    private S3Client signedFor(String endpoint, String region, boolean crossRegion) {
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region))
                .forcePathStyle(true).crossRegionAccessEnabled(crossRegion)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        clients.add(s3);
        return s3;
    }

    @Test
    void a_request_signed_for_another_region_gets_301_permanent_redirect_and_a_head_a_bare_301() {
        String oregon = bucket("in-oregon");
        Buckets.put(src, oregon, "k", "v");
        StoreBehaviour.region(oregon, "us-west-2");
        S3Client virginia = signedFor(srcEndpoint, "us-east-1", false);

        S3Exception get = catchThrowableOfType(S3Exception.class,
                () -> virginia.getObjectAsBytes(b -> b.bucket(oregon).key("k")));
        assertThat(get.statusCode()).isEqualTo(301);
        assertThat(get.awsErrorDetails().errorCode()).isEqualTo("PermanentRedirect");
        assertThat(get.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                .hasValue("us-west-2");

        S3Exception head = catchThrowableOfType(S3Exception.class,
                () -> virginia.headObject(b -> b.bucket(oregon).key("k")));
        assertThat(head.statusCode()).isEqualTo(301);
        assertThat(head.awsErrorDetails().errorCode()).isNull();
        assertThat(head.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                .hasValue("us-west-2");
        assertThat(StoreBehaviour.refused(oregon, "HeadObject")).isEqualTo(1);

        assertThat(new String(signedFor(srcEndpoint, "us-west-2", false)
                .getObjectAsBytes(b -> b.bucket(oregon).key("k")).asByteArray())).isEqualTo("v");
    }

    @Test
    void a_copy_goes_to_the_destination_region_and_reads_a_source_in_another() {
        String virginia = bucket("in-virginia");
        String oregon = bucket("to-oregon");
        Buckets.put(src, virginia, "k", "across regions");
        StoreBehaviour.region(virginia, "us-east-1");
        StoreBehaviour.region(oregon, "us-west-2");

        S3Exception wrong = catchThrowableOfType(S3Exception.class, () -> signedFor(srcEndpoint, "us-east-1", false)
                .copyObject(c -> c.sourceBucket(virginia).sourceKey("k").destinationBucket(oregon).destinationKey("k")));
        assertThat(wrong.statusCode()).isEqualTo(301);

        S3Client inOregon = signedFor(srcEndpoint, "us-west-2", false);
        inOregon.copyObject(c -> c.sourceBucket(virginia).sourceKey("k").destinationBucket(oregon).destinationKey("k"));
        assertThat(new String(Buckets.get(inOregon, oregon, "k"))).isEqualTo("across regions");
    }

    /**
     * What the SDK makes of AWS's real answers (a tiny HTTP server plays S3 in another region): the
     * fixture's exceptions are the same, and the SDK does not follow a 301 unless its client has
     * {@code crossRegionAccessEnabled}, in which case it resends to the region named.
     */
    @Test
    void the_fixture_redirect_is_what_the_sdk_makes_of_a_real_301_and_the_sdk_follows_it_only_when_asked()
            throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer aws = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aws.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("x-amz-bucket-region", "us-west-2");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(301, -1);
            } else {
                byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code>"
                        + "<Message>The bucket you are attempting to access must be addressed using the specified"
                        + " endpoint. Please send all future requests to this endpoint.</Message>"
                        + "<Endpoint>b.s3-us-west-2.amazonaws.com</Endpoint><Bucket>b</Bucket>"
                        + "<RequestId>R</RequestId><HostId>H</HostId></Error>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/xml");
                exchange.sendResponseHeaders(301, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        aws.start();
        try {
            S3Client sdk = signedFor("http://127.0.0.1:" + aws.getAddress().getPort(), "us-east-1", false);
            S3Exception get = catchThrowableOfType(S3Exception.class,
                    () -> sdk.getObjectAsBytes(b -> b.bucket("b").key("k")));
            S3Exception head = catchThrowableOfType(S3Exception.class, () -> sdk.headObject(b -> b.bucket("b").key("k")));
            assertThat(requests.get()).as("a 301 is neither followed nor retried").isEqualTo(2);
            assertThat(get.statusCode()).isEqualTo(301);
            assertThat(get.awsErrorDetails().errorCode()).isEqualTo("PermanentRedirect");
            assertThat(head.statusCode()).isEqualTo(301);
            assertThat(head.awsErrorDetails().errorCode()).isNull();
            assertThat(head.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                    .hasValue("us-west-2");
        } finally {
            aws.stop(0);
        }

        String oregon = bucket("followed");
        Buckets.put(src, oregon, "k", "v");
        StoreBehaviour.region(oregon, "us-west-2");
        S3Client following = signedFor(srcEndpoint, "us-east-1", true);
        assertThat(new String(following.getObjectAsBytes(b -> b.bucket(oregon).key("k")).asByteArray()))
                .as("crossRegionAccessEnabled resends to the region in x-amz-bucket-region").isEqualTo("v");
    }

    @Test
    void tagging_count_is_sent_only_for_objects_with_tags() {
        String b = bucket("tag-count");
        Buckets.put(src, b, "plain", "x");
        src.putObject(p -> p.bucket(b).key("dir/tagged two"), RequestBody.fromString("y"));
        src.putObjectTagging(t -> t.bucket(b).key("dir/tagged two")
                .tagging(g -> g.tagSet(s -> s.key("a").value("1"), s -> s.key("b").value("2"))));
        assertThat(src.getObject(g -> g.bucket(b).key("dir/tagged two")).response().tagCount())
                .as("S3Mock sends no count by itself").isNull();
        StoreBehaviour.taggingCount(b);

        assertThat(src.getObject(g -> g.bucket(b).key("plain")).response().tagCount()).isNull();
        assertThat(src.headObject(h -> h.bucket(b).key("plain")).tagCount()).isNull();
        assertThat(src.getObject(g -> g.bucket(b).key("dir/tagged two")).response().tagCount()).isEqualTo(2);
        assertThat(src.headObject(h -> h.bucket(b).key("dir/tagged two")).tagCount()).isEqualTo(2);
    }

    @Test
    void a_store_without_tagging_answers_not_implemented_or_access_denied() {
        String b = bucket("no-tagging");
        Buckets.put(src, b, "k", "v");
        StoreBehaviour.noTagging(b, 501);
        S3Exception notImplemented = catchThrowableOfType(S3Exception.class,
                () -> src.getObjectTagging(g -> g.bucket(b).key("k")));
        assertThat(notImplemented.statusCode()).isEqualTo(501);
        assertThat(notImplemented.awsErrorDetails().errorCode()).isEqualTo("NotImplemented");
        assertThat(StoreBehaviour.refused(b, "GetObjectTagging")).isEqualTo(1);

        StoreBehaviour.noTagging(b, 403);
        S3Exception denied = catchThrowableOfType(S3Exception.class, () -> src.putObjectTagging(p -> p.bucket(b)
                .key("k").tagging(t -> t.tagSet(s -> s.key("a").value("1")))));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        assertThat(new String(Buckets.get(src, b, "k"))).as("the object itself is served").isEqualTo("v");
    }

    @Test
    void an_oss_bucket_reports_upper_case_etags_and_takes_them_back_in_conditions() {
        String b = bucket("upper");
        Buckets.put(src, b, "k", "v");
        String real = src.headObject(h -> h.bucket(b).key("k")).eTag();
        StoreBehaviour.uppercaseEtags(b);

        String reported = src.headObject(h -> h.bucket(b).key("k")).eTag();
        assertThat(reported).isEqualTo(real.toUpperCase(java.util.Locale.ROOT)).isNotEqualTo(real);
        assertThat(Buckets.list(src, b).get(0).eTag()).isEqualTo(reported);
        assertThat(new String(src.getObjectAsBytes(g -> g.bucket(b).key("k").ifMatch(reported)).asByteArray()))
                .isEqualTo("v");
        assertThat(src.putObject(p -> p.bucket(b).key("k2"), RequestBody.fromString("v")).eTag()).isEqualTo(reported);
    }

    @Test
    void a_gcs_multipart_object_reports_an_etag_that_is_not_the_md5_of_its_part_md5s() throws Exception {
        String b = bucket("gcs-multipart");
        StoreBehaviour.gcsMultipartEtags(b);
        byte[] part = new byte[5 * 1024 * 1024];
        String upload = src.createMultipartUpload(c -> c.bucket(b).key("big")).uploadId();
        String p1 = src.uploadPart(u -> u.bucket(b).key("big").uploadId(upload).partNumber(1),
                RequestBody.fromBytes(part)).eTag();
        String p2 = src.uploadPart(u -> u.bucket(b).key("big").uploadId(upload).partNumber(2),
                RequestBody.fromString("tail")).eTag();
        String completed = src.completeMultipartUpload(c -> c.bucket(b).key("big").uploadId(upload)
                .multipartUpload(m -> m.parts(pt -> pt.partNumber(1).eTag(p1), pt -> pt.partNumber(2).eTag(p2)))).eTag();

        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(java.util.HexFormat.of().parseHex(p1.replace("\"", "")));
        md5.update(java.util.HexFormat.of().parseHex(p2.replace("\"", "")));
        String md5OfMd5s = java.util.HexFormat.of().formatHex(md5.digest()) + "-2";
        assertThat(p1.replace("\"", "")).as("a part keeps its MD5").isEqualTo(java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("MD5").digest(part)));
        assertThat(completed.replace("\"", "")).matches("[0-9a-f]{32}-2").isNotEqualTo(md5OfMd5s);
        assertThat(src.headObject(h -> h.bucket(b).key("big")).eTag()).isEqualTo(completed);
        assertThat(Buckets.list(src, b).get(0).eTag()).isEqualTo(completed);
        assertThat(src.getObjectAsBytes(g -> g.bucket(b).key("big").ifMatch(completed)).asByteArray())
                .hasSize(part.length + 4);
        assertThat(src.putObject(p -> p.bucket(b).key("small"), RequestBody.fromString("v")).eTag())
                .as("one request: an MD5").isEqualTo("\"" + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("MD5").digest("v".getBytes(StandardCharsets.UTF_8))) + "\"");
    }

    @Test
    void an_archived_object_answers_invalid_object_state_until_restored() {
        String b = bucket("archive");
        src.putObject(p -> p.bucket(b).key("cold").storageClass("DEEP_ARCHIVE"), RequestBody.fromString("cold"));
        src.putObject(p -> p.bucket(b).key("tiered").storageClass("INTELLIGENT_TIERING"), RequestBody.fromString("t"));
        src.putObject(p -> p.bucket(b).key("instant").storageClass("GLACIER_IR"), RequestBody.fromString("i"));
        StoreBehaviour.archive(b);
        StoreBehaviour.archiveTier(b, "tiered", "DEEP_ARCHIVE_ACCESS");

        S3Exception get = catchThrowableOfType(S3Exception.class, () -> src.getObjectAsBytes(g -> g.bucket(b).key("cold")));
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(get.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
        S3Exception copy = catchThrowableOfType(S3Exception.class, () -> src.copyObject(c -> c.sourceBucket(b)
                .sourceKey("tiered").destinationBucket(b).destinationKey("copy")));
        assertThat(copy.awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");
        assertThat(src.headObject(h -> h.bucket(b).key("tiered")).archiveStatusAsString()).isEqualTo("DEEP_ARCHIVE_ACCESS");
        assertThat(new String(Buckets.get(src, b, "instant"))).as("Glacier Instant Retrieval reads").isEqualTo("i");

        src.restoreObject(r -> r.bucket(b).key("cold").restoreRequest(q -> q.days(2)
                .glacierJobParameters(j -> j.tier("Bulk"))));
        assertThat(src.headObject(h -> h.bucket(b).key("cold")).restore()).isEqualTo("ongoing-request=\"true\"");
        S3Exception again = catchThrowableOfType(S3Exception.class, () -> src.restoreObject(r -> r.bucket(b).key("cold")
                .restoreRequest(q -> q.days(2).glacierJobParameters(j -> j.tier("Bulk")))));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(catchThrowableOfType(S3Exception.class, () -> src.getObjectAsBytes(g -> g.bucket(b).key("cold")))
                .awsErrorDetails().errorCode()).isEqualTo("InvalidObjectState");

        StoreBehaviour.completeRestores(b);
        assertThat(new String(Buckets.get(src, b, "cold"))).isEqualTo("cold");
        assertThat(src.headObject(h -> h.bucket(b).key("cold")).restore()).startsWith("ongoing-request=\"false\"");
        assertThat(StoreBehaviour.restores(b)).containsOnlyKeys("cold");
    }

    @Test
    void an_unsorted_bucket_lists_every_key_once_in_no_particular_order_across_pages() {
        String b = bucket("unsorted");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(String.format("k/%03d", i));
            Buckets.put(src, b, keys.get(i), "v" + i);
        }
        StoreBehaviour.unsorted(b);

        List<String> listed = src.listObjectsV2Paginator(l -> l.bucket(b).maxKeys(7)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key).toList();

        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys).isNotEqualTo(keys);
        assertThat(listed.subList(0, 7)).as("the first page is not the first keys").isNotEqualTo(keys.subList(0, 7));
    }
}
