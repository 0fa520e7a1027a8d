package io.s3replicator.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every HTTP attempt any SDK client in this JVM sends, by service and operation
 * ("S3 PutObject", "SQS ReceiveMessage", "DynamoDB PutItem"). A global interceptor on the test
 * classpath; a worker process started with {@code -Ds3replicator.test.request-counts=FILE}
 * writes its counts there when it exits, so benchmarks can add up requests per object.
 */
public class RequestCounts implements ExecutionInterceptor {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    static {
        String file = System.getProperty("s3replicator.test.request-counts");
        if (file != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> write(Path.of(file)), "request-counts"));
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String key = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        COUNTS.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Lines of "service operation=count". */
    static void write(Path file) {
        StringBuilder text = new StringBuilder();
        snapshot().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("cannot write request counts to " + file + ": " + e.getMessage());
        }
    }

    /** Reads a file written by {@link #write}. */
    public static Map<String, Long> read(Path file) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
        return out;
    }
}
