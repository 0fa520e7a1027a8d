package io.s3replicator.sandbox;

import com.adobe.testing.s3mock.S3MockApplication;
import io.s3replicator.testing.S3MockServers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * README command 1 ({@code mvn -B -Psandbox package}): two S3-compatible endpoints in this
 * JVM (S3Mock, test scope only, never in the production jar), a seeded data set with awkward
 * keys, then the real {@code target/s3-replicator sync} (the launcher of the jar) against them, twice:
 * the first copies everything, the second finds everything in step.
 */
public final class Sandbox {
    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "target/s3-replicator.jar";
        S3MockApplication a = S3MockServers.startOne("sandbox-a");
        S3MockApplication b = S3MockServers.startOne("sandbox-b");
        try {
            String source = "http://127.0.0.1:" + a.getHttpPort();
            String destination = "http://127.0.0.1:" + b.getHttpPort();
            try (S3Client src = S3MockServers.client(source); S3Client dst = S3MockServers.client(destination)) {
                src.createBucket(r -> r.bucket("sandbox-source"));
                dst.createBucket(r -> r.bucket("sandbox-destination"));
                int seeded = seed(src);
                System.out.printf("sandbox: source %s (%d objects in sandbox-source), destination %s%n",
                        source, seeded, destination);
            }
            // The launcher beside the jar, as the README has users run it.
            String launcher = Path.of(jar).resolveSibling("s3-replicator").toString();
            List<String> sync = new ArrayList<>(List.of(launcher, "sync", "s3://sandbox-source",
                    "s3://sandbox-destination/mirror", "--source-endpoint", source, "--dest-endpoint", destination,
                    "--path-style", "--state-dir", Path.of("target", "sandbox-state").toString()));
            for (int round = 1; round <= 2; round++) {
                System.out.println("sandbox: run " + round + ": " + String.join(" ", sync));
                ProcessBuilder pb = new ProcessBuilder(sync).inheritIO();
                // The emulator accepts any key; the SDK needs one to sign with.
                pb.environment().put("AWS_ACCESS_KEY_ID", "sandbox");
                pb.environment().put("AWS_SECRET_ACCESS_KEY", "sandbox");
                Process p = pb.start();
                int code = p.waitFor();
                if (code != 0) {
                    throw new IllegalStateException("sync exited " + code);
                }
            }
            System.out.println("sandbox: both runs exited 0");
        } finally {
            a.stop();
            b.stop();
        }
    }

    private static int seed(S3Client s3) {
        List<String> keys = new ArrayList<>(List.of("hello.txt", "with space/and+plus.txt", "percent%2Fnot-a-slash.txt",
                "unicode/日本語/ファイル.txt", "emoji/😀 party.txt", "dots/../not-parent.txt", "tab\tseparated.txt", "fullwidth/\uFF21.txt",
                "empty-folder/", "long/" + "x".repeat(900) + ".txt"));
        for (int i = 0; i < 200; i++) {
            keys.add(String.format("logs/2026/11/%03d.log", i));
        }
        for (String key : keys) {
            s3.putObject(r -> r.bucket("sandbox-source").key(key).contentType("text/plain")
                            .metadata(Map.of("seeded-by", "sandbox"))
                            .tagging(Tagging.builder().tagSet(Tag.builder().key("origin").value("sandbox").build()).build()),
                    RequestBody.fromString(key.endsWith("/") ? "" : "content of " + key + "\n"));
        }
        return keys.size();
    }
}
