package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import io.s3replicator.config.S3Uri;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every preset, built into a real SDK client: the request the client would put on the wire is
 * captured after signing and stopped before any network I/O, then compared with the URL form
 * and signing region each provider documents.
 */
class ProviderEndpointsTest {
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/s3/aws4_request");

    private final Capture capture = new Capture();
    private final S3Clients clients = new S3Clients(2,
            Map.of("T_ACCESS_KEY_ID", "AKIDPRESET", "T_SECRET_ACCESS_KEY", "preset-secret")::get, List.of(capture));

    @AfterEach
    void close() {
        clients.close();
    }

    /** Stops a request after signing: the test needs what would be sent, not a network. */
    static final class Capture implements ExecutionInterceptor {
        SdkHttpRequest last;

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            last = context.httpRequest();
            throw new IllegalStateException("captured");
        }
    }

    private SdkHttpRequest headObject(String uri, String bucket) {
        var spec = S3Uri.parse("source", uri).endpoint();
        assertThatThrownBy(() -> clients.client("source", spec).headObject(b -> b.bucket(bucket).key("dir/key.txt")))
                .hasStackTraceContaining("captured");
        return capture.last;
    }

    private SdkHttpRequest putObject(String uri) {
        var spec = S3Uri.parse("destination", uri).endpoint();
        assertThatThrownBy(() -> clients.client("destination", spec).putObject(b -> b.bucket("bkt").key("k"),
                RequestBody.fromString("hello"))).hasStackTraceContaining("captured");
        return capture.last;
    }

    private static String url(SdkHttpRequest r) {
        return r.getUri().toString();
    }

    private static String signingRegion(SdkHttpRequest r) {
        Matcher m = SCOPE.matcher(r.firstMatchingHeader("Authorization").orElseThrow());
        assertThat(m.find()).as("SigV4 scope in %s", r.firstMatchingHeader("Authorization")).isTrue();
        return m.group(1);
    }

    /** The extra round trip of "Expect: 100-continue" is paid only where it can save a large body. */
    @Test
    void only_bodies_of_a_mebibyte_or_more_wait_for_100_continue() {
        var spec = S3Uri.parse("destination", "s3://bkt?region=us-west-2&credentials=env:T").endpoint();
        SdkHttpRequest small = putObject("s3://bkt?region=us-west-2&credentials=env:T");
        assertThat(small.firstMatchingHeader("Expect")).isEmpty();
        assertThatThrownBy(() -> clients.client("destination", spec).uploadPart(b -> b.bucket("bkt").key("k")
                .uploadId("u").partNumber(1), RequestBody.fromBytes(new byte[1024 * 1024])))
                .hasStackTraceContaining("captured");
        assertThat(capture.last.firstMatchingHeader("Expect")).contains("100-continue");
        assertThatThrownBy(() -> clients.client("destination", spec).putObject(b -> b.bucket("bkt").key("k"),
                RequestBody.fromBytes(new byte[1024 * 1024 - 1]))).hasStackTraceContaining("captured");
        assertThat(capture.last.firstMatchingHeader("Expect")).isEmpty();
    }

    @Test
    void aws_global_region_uses_the_regional_virtual_hosted_endpoint() {
        SdkHttpRequest r = headObject("s3://bkt?region=us-west-2&credentials=env:T", "bkt");
        assertThat(url(r)).isEqualTo("https://bkt.s3.us-west-2.amazonaws.com/dir/key.txt");
        assertThat(signingRegion(r)).isEqualTo("us-west-2");
    }

    @Test
    void aws_china_regions_use_the_aws_cn_partition_endpoints() {
        SdkHttpRequest beijing = headObject("s3://cn-data?region=cn-north-1&credentials=env:T", "cn-data");
        assertThat(url(beijing)).isEqualTo("https://cn-data.s3.cn-north-1.amazonaws.com.cn/dir/key.txt");
        assertThat(signingRegion(beijing)).isEqualTo("cn-north-1");
        SdkHttpRequest ningxia = headObject("s3://cn-data?region=cn-northwest-1&credentials=env:T", "cn-data");
        assertThat(url(ningxia)).isEqualTo("https://cn-data.s3.cn-northwest-1.amazonaws.com.cn/dir/key.txt");
        assertThat(signingRegion(ningxia)).isEqualTo("cn-northwest-1");
        assertThat(clients.resolved("source", S3Uri.parse("s", "s3://cn-data?region=cn-northwest-1&credentials=env:T")
                .endpoint()).partition()).isEqualTo("aws-cn");
    }

    @Test
    void aliyun_oss_uses_its_s3_endpoint_virtual_hosted_signed_with_the_region_id() {
        SdkHttpRequest r = headObject("s3://bkt?provider=oss&region=cn-hangzhou&credentials=env:T", "bkt");
        assertThat(url(r)).isEqualTo("https://bkt.s3.oss-cn-hangzhou.aliyuncs.com/dir/key.txt");
        assertThat(signingRegion(r)).isEqualTo("cn-hangzhou");
    }

    @Test
    void tencent_cos_uses_cos_region_myqcloud_virtual_hosted() {
        SdkHttpRequest r = headObject("s3://bkt-1250000000?provider=cos&region=ap-guangzhou&credentials=env:T",
                "bkt-1250000000");
        assertThat(url(r)).isEqualTo("https://bkt-1250000000.cos.ap-guangzhou.myqcloud.com/dir/key.txt");
        assertThat(signingRegion(r)).isEqualTo("ap-guangzhou");
    }

    @Test
    void qiniu_kodo_uses_s3_region_qiniucs() {
        SdkHttpRequest r = headObject("s3://bkt?provider=kodo&region=cn-east-1&credentials=env:T", "bkt");
        assertThat(url(r)).isEqualTo("https://bkt.s3.cn-east-1.qiniucs.com/dir/key.txt");
        assertThat(signingRegion(r)).isEqualTo("cn-east-1");
    }

    @Test
    void gcs_uses_storage_googleapis_path_style_signed_auto() {
        SdkHttpRequest r = headObject("s3://my.dotted.bucket?provider=gcs&credentials=env:T", "my.dotted.bucket");
        assertThat(url(r)).isEqualTo("https://storage.googleapis.com/my.dotted.bucket/dir/key.txt");
        assertThat(signingRegion(r)).isEqualTo("auto");
    }

    @Test
    void minio_and_custom_take_the_endpoint_path_style_unless_told_otherwise() {
        SdkHttpRequest minio = headObject("s3://bkt?provider=minio&endpoint=http://minio.local:9000&credentials=env:T", "bkt");
        assertThat(url(minio)).isEqualTo("http://minio.local:9000/bkt/dir/key.txt");
        assertThat(signingRegion(minio)).isEqualTo("us-east-1");
        SdkHttpRequest ceph = headObject("s3://bkt?endpoint=https://rgw.example.net&region=default&pathStyle=false"
                + "&credentials=env:T", "bkt");
        assertThat(url(ceph)).isEqualTo("https://bkt.rgw.example.net/dir/key.txt");
        assertThat(signingRegion(ceph)).isEqualTo("default");
    }

    @Test
    void aws_sends_crc_checksums_and_compatible_stores_send_none_unless_asked() {
        SdkHttpRequest aws = putObject("s3://bkt?region=eu-west-1&credentials=env:T");
        assertThat(aws.firstMatchingHeader("x-amz-sdk-checksum-algorithm")).hasValue("CRC32");
        for (String provider : List.of("provider=oss&region=cn-shanghai", "provider=cos&region=ap-beijing",
                "provider=kodo&region=cn-north-1", "provider=gcs", "provider=minio&endpoint=http://m:9000",
                "endpoint=http://ceph:7480")) {
            SdkHttpRequest r = putObject("s3://bkt?" + provider + "&credentials=env:T");
            assertThat(r.headers().keySet()).as(provider)
                    .noneMatch(h -> h.toLowerCase().startsWith("x-amz-checksum") || h.equalsIgnoreCase("x-amz-trailer")
                            || h.equalsIgnoreCase("x-amz-sdk-checksum-algorithm"));
            if (r.protocol().equals("https")) {
                // Over https the payload goes unsigned and unchunked (OSS rejects aws-chunked).
                assertThat(r.firstMatchingHeader("Content-Encoding")).as(provider).isEmpty();
                assertThat(r.firstMatchingHeader("x-amz-content-sha256")).as(provider).hasValue("UNSIGNED-PAYLOAD");
            }
        }
        SdkHttpRequest asked = putObject("s3://bkt?provider=minio&endpoint=http://m:9000&checksum=when_supported"
                + "&credentials=env:T");
        assertThat(asked.firstMatchingHeader("x-amz-sdk-checksum-algorithm")).hasValue("CRC32");
    }

    @Test
    void a_region_the_provider_does_not_have_is_named() {
        assertThatThrownBy(() -> clients.client("source", S3Uri.parse("s", "s3://b1?provider=oss&region=mars-1").endpoint()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("source-region: 'mars-1' is not a Aliyun OSS region (known: cn-hangzhou,");
        assertThatThrownBy(() -> clients.client("source", S3Uri.parse("s", "s3://b1?provider=cos").endpoint()))
                .hasMessage("source-region: Tencent COS needs a region (e.g. ap-beijing)");
        assertThatThrownBy(() -> clients.client("destination", S3Uri.parse("d", "s3://b1?region=cn-moon-1").endpoint()))
                .hasMessageStartingWith("dest-region: 'cn-moon-1' is not an AWS region this build knows");
        assertThatThrownBy(() -> clients.client("destination", S3Uri.parse("d", "s3://b1?provider=minio").endpoint()))
                .hasMessage("dest-endpoint: MinIO needs an endpoint URL");
    }

    @Test
    void a_china_side_rejects_a_global_partition_role_arn() {
        var spec = S3Uri.parse("s", "s3://b1?region=cn-north-1&credentials=env:T"
                + "&roleArn=arn:aws:iam::123456789012:role/replicator").endpoint();
        assertThatThrownBy(() -> clients.client("source", spec)).hasMessage("source-role-arn: role is in partition aws"
                + " but region cn-north-1 is in aws-cn (use arn:aws-cn:iam::...)");
    }
}
