package io.s3replicator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.s3replicator.testing.AwsApiServer;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.RecordedRequests;
import io.s3replicator.testing.S3MockServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-side endpoints and credentials through the real `sync` command between two S3Mock accounts. */
class EndpointsSyncTest {
    static S3Client src;
    static S3Client dst;
    static String srcEndpoint;
    static String dstEndpoint;
    static AwsApiServer aws;

    @TempDir
    Path state;

    @BeforeAll
    static void servers() throws Exception {
        srcEndpoint = S3MockServers.sourceEndpoint();
        dstEndpoint = S3MockServers.destinationEndpoint();
        src = S3MockServers.client(srcEndpoint);
        dst = S3MockServers.client(dstEndpoint);
        aws = new AwsApiServer();
    }

    @AfterAll
    static void stopServer() {
        aws.close();
    }

    @BeforeEach
    void record() {
        RecordedRequests.start();
    }

    @AfterEach
    void stopRecording() {
        RecordedRequests.stop();
    }

    CliRun sync(String from, String to, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--state-dir", state.toString(), "--progress", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<RecordedRequests.Sent> sentTo(String endpoint, String operation) {
        return RecordedRequests.sent().stream()
                .filter(s -> s.url().startsWith(endpoint) && operation.equals(s.operation())).toList();
    }

    @Test
    void each_side_signs_with_its_own_static_keys_and_the_destination_gets_its_write_options() {
        String a = Buckets.create(src, "env-src");
        String b = Buckets.create(dst, "env-dst");
        Buckets.put(src, a, "one.txt", "first");
        Buckets.put(src, a, "dir/two.txt", "second");

        CliRun run = sync("s3://" + a + "?credentials=env:S3R_TEST_SRC", "s3://" + b,
                "--dest-credentials", "env:S3R_TEST_DST", "--dest-storage-class", "STANDARD_IA",
                "--dest-acl", "bucket-owner-full-control", "--source-requester-pays");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(2);
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("one.txt", "dir/two.txt");
        List<RecordedRequests.Sent> gets = sentTo(srcEndpoint, "GetObject");
        List<RecordedRequests.Sent> puts = sentTo(dstEndpoint, "PutObject");
        assertThat(gets).hasSize(2).allSatisfy(s -> {
            assertThat(s.accessKeyId()).isEqualTo("AKIDSOURCEENVTEST");
            assertThat(s.header("x-amz-request-payer")).isEqualTo("requester");
        });
        assertThat(puts).hasSize(2).allSatisfy(s -> {
            assertThat(s.accessKeyId()).isEqualTo("AKIDDESTENVTEST");
            assertThat(s.header("x-amz-storage-class")).isEqualTo("STANDARD_IA");
            assertThat(s.header("x-amz-acl")).isEqualTo("bucket-owner-full-control");
            assertThat(s.header("x-amz-request-payer")).isNull();
        });
        assertThat(dst.headObject(h -> h.bucket(b).key("one.txt")).storageClassAsString()).isEqualTo("STANDARD_IA");
    }

    @Test
    void checksum_option_decides_whether_the_emulator_receives_a_crc() {
        String a = Buckets.create(src, "crc-src");
        String b = Buckets.create(dst, "crc-dst");
        String c = Buckets.create(dst, "crc-dst2");
        Buckets.put(src, a, "data.bin", "some bytes for a checksum");

        CliRun plain = sync("s3://" + a, "s3://" + b, "--path-style");
        assertThat(plain.exitCode()).as(plain.toString()).isZero();
        RecordedRequests.Sent put = sentTo(dstEndpoint, "PutObject").get(0);
        assertThat(put.headers().keySet()).noneMatch(h -> h.startsWith("x-amz-checksum") || h.equals("x-amz-trailer")
                || h.equals("x-amz-sdk-checksum-algorithm"));
        assertThat(dst.headObject(h -> h.bucket(b).key("data.bin").checksumMode(ChecksumMode.ENABLED)).checksumCRC32())
                .isNull();

        RecordedRequests.start();
        CliRun crc = sync("s3://" + a, "s3://" + c, "--path-style", "--dest-checksum", "when_supported");
        assertThat(crc.exitCode()).as(crc.toString()).isZero();
        RecordedRequests.Sent put2 = sentTo(dstEndpoint, "PutObject").get(0);
        assertThat(put2.header("x-amz-sdk-checksum-algorithm")).isEqualTo("CRC32");
        assertThat(dst.headObject(h -> h.bucket(c).key("data.bin").checksumMode(ChecksumMode.ENABLED)).checksumCRC32())
                .isNotNull();
    }

    @Test
    void a_secret_rotated_while_a_copy_runs_is_picked_up_and_no_secret_reaches_logs_or_output() {
        String a = Buckets.create(src, "rot-src");
        String b = Buckets.create(dst, "rot-dst");
        for (int i = 0; i < 12; i++) {
            Buckets.put(src, a, "obj-" + i, "payload " + i);
        }
        String secretOne = "rotation-secret-value-ONE-5d1f";
        String secretTwo = "rotation-secret-value-TWO-8e2a";
        aws.putSecret("dth-credentials-cn", "{\"access_key_id\": \"AKIDROTATIONONE\", \"secret_access_key\": \""
                + secretOne + "\"}");
        AtomicBoolean rotated = new AtomicBoolean();
        RecordedRequests.onSend(s -> {
            if ("PutObject".equals(s.operation())) {
                if (rotated.compareAndSet(false, true)) {
                    aws.putSecret("dth-credentials-cn", "{\"access_key_id\": \"AKIDROTATIONTWO\", \"secret_access_key\": \""
                            + secretTwo + "\", \"session_token\": \"rotation-token-THREE\"}");
                }
                sleep(250); // a slow destination, so the 1s refresh period passes mid-run
            }
        });

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
        Level sdkLevel = sdk.getLevel();
        root.addAppender(logs);
        sdk.setLevel(Level.DEBUG);
        CliRun run;
        CliRun broken;
        try {
            run = sync("s3://" + a + "?credentials=secret:dth-credentials-cn&secretRefresh=1s&secretRegion=us-east-1"
                    + "&secretEndpoint=" + aws.endpoint(), "s3://" + b, "--path-style", "--dest-credentials",
                    "env:S3R_TEST_DST", "--concurrency", "1", "--debug", "-v");
            aws.putSecret("dth-broken", "{\"access_key_id\": \"AKIDBROKEN\", \"secret\": \"" + secretOne + "\"}");
            broken = sync("s3://" + a + "?credentials=secret:dth-broken&secretRegion=us-east-1&secretEndpoint="
                    + aws.endpoint(), "s3://" + b, "--path-style", "--debug");
        } finally {
            root.detachAppender(logs);
            sdk.setLevel(sdkLevel);
        }

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(12);
        List<String> keys = sentTo(srcEndpoint, "GetObject").stream().map(RecordedRequests.Sent::accessKeyId).toList();
        assertThat(keys).hasSize(12).startsWith("AKIDROTATIONONE").endsWith("AKIDROTATIONTWO");
        assertThat(sentTo(srcEndpoint, "GetObject").get(11).header("x-amz-security-token")).isEqualTo("rotation-token-THREE");
        assertThat(broken.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(broken.err()).contains("source-credentials: secret 'dth-broken' lacks the field 'secret_access_key'");

        String logged = logs.list.stream().map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() != null ? ThrowableProxyUtil.asString(e.getThrowableProxy()) : ""))
                .collect(Collectors.joining("\n"));
        assertThat(logs.list).isNotEmpty();
        assertThat(logged).contains("dth-credentials-cn");
        for (String text : List.of(logged, run.out(), run.err(), broken.out(), broken.err())) {
            assertThat(text).doesNotContain(secretOne).doesNotContain(secretTwo).doesNotContain("rotation-token-THREE");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void bad_endpoint_and_credential_settings_are_one_line_errors_naming_side_and_field() {
        String a = Buckets.create(src, "bad-ep");
        BadInputTest.assertOneLineError(sync("s3://" + a + "?provider=azure", "s3://b1"),
                "source.provider: unknown provider 'azure' (known: aws, oss, cos, kodo, gcs, minio, custom)");
        BadInputTest.assertOneLineError(CliRun.of("sync", "s3://" + a, "s3://b1", "--dest-provider", "oss",
                        "--dest-region", "us-west-2", "--source-endpoint", srcEndpoint, "--state-dir", state.toString()),
                "dest-region: 'us-west-2' is not a Aliyun OSS region");
        BadInputTest.assertOneLineError(sync("s3://" + a, "s3://b1", "--dest-credentials", "secret:nope",
                "--dest-secret-region", "us-east-1", "--dest-secret-endpoint", aws.endpoint()),
                "dest-credentials: secret 'nope' does not exist");
        aws.putSecret("lacks-key", "{\"secret_access_key\": \"lacks-key-secret-value\"}");
        CliRun lacks = sync("s3://" + a + "?credentials=secret:lacks-key&secretRegion=us-east-1&secretEndpoint="
                + aws.endpoint(), "s3://b1");
        BadInputTest.assertOneLineError(lacks, "source-credentials: secret 'lacks-key' lacks the field 'access_key_id'");
        assertThat(lacks.err()).doesNotContain("lacks-key-secret-value");
        String role = "arn:aws:iam::123456789012:role/denied-writer";
        aws.denyRole(role);
        BadInputTest.assertOneLineError(sync("s3://" + a, "s3://b1", "--dest-credentials", "env:S3R_TEST_DST",
                "--dest-role-arn", role, "--dest-sts-endpoint", aws.endpoint()),
                "dest-role-arn: AssumeRole " + role + " failed: 403 AccessDenied");
        BadInputTest.assertOneLineError(sync("s3://" + a, "s3://b1", "--source-credentials", "env:S3R_TEST_HALF"),
                "source-credentials: environment variable S3R_TEST_HALF_SECRET_ACCESS_KEY is not set");
        BadInputTest.assertOneLineError(sync("s3://" + a, "s3://b1", "--dest-sse", "rot13"),
                "--dest-sse: 'rot13' is not AES256 (SSE-S3) or aws:kms (SSE-KMS)");
    }
}
