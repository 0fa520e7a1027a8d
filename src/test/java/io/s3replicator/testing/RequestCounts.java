package io.s3replicator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every HTTP attempt any SDK client in this JVM sends, by service and operation
 * ("S3 PutObject", "SQS ReceiveMessage", "DynamoDB PutItem"). A global interceptor on the test
 * classpath; a worker process started with {@code -Ds3replicator.test.request-counts=FILE}
 * writes its counts there when it exits, so benchmarks can add up requests per object.
 *
 * <p>A process killed with SIGKILL runs no shutdown hook: started with
 * {@code -Ds3replicator.test.request-log=FILE} it also appends one line per S3 attempt as it is
 * sent ({@link Entry}), each line one write to the file, so what it sent survives the kill.
 */
public class RequestCounts implements ExecutionInterceptor {
    /** The JVM switch naming the request log file. */
    public static final String LOG_PROPERTY = "s3replicator.test.request-log";
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final FileChannel LOG;

    static {
        String file = System.getProperty("s3replicator.test.request-counts");
        if (file != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> write(Path.of(file)), "request-counts"));
        }
        String log = System.getProperty(LOG_PROPERTY);
        try {
            LOG = log == null ? null : FileChannel.open(Path.of(log), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One S3 attempt in a request log: operation ("PutObject", "UploadPart"), bucket, key, part
     * number (0 when none) and upload id ("-" when none).
     */
    public record Entry(String operation, String bucket, String key, int part, String uploadId) {
        String line() {
            return String.join(" ", operation, bucket, URLEncoder.encode(key, StandardCharsets.UTF_8),
                    String.valueOf(part), uploadId) + "\n";
        }

        static Entry parse(String line) {
            String[] f = line.split(" ");
            return new Entry(f[0], f[1], URLDecoder.decode(f[2], StandardCharsets.UTF_8), Integer.parseInt(f[3]), f[4]);
        }
    }

    /**
     * Counted apart as well: the receives that brought messages. The others are long polls that found
     * nothing, or still wait (idle time, not work).
     */
    public static final String RECEIVES_WITH_MESSAGES = "Sqs ReceiveMessage (with messages)";

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.response() instanceof software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse r
                && !r.messages().isEmpty()) {
            COUNTS.computeIfAbsent(RECEIVES_WITH_MESSAGES, k -> new LongAdder()).increment();
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        COUNTS.computeIfAbsent(service + " " + operation, k -> new LongAdder()).increment();
        if (LOG != null && "S3".equals(service)) {
            SdkRequest request = context.request();
            String bucket = request.getValueForField("Bucket", String.class).orElse("-");
            String key = request.getValueForField("Key", String.class).orElse("");
            int part = request.getValueForField("PartNumber", Integer.class).orElse(0);
            String uploadId = request.getValueForField("UploadId", String.class).orElse("-");
            ByteBuffer line = ByteBuffer.wrap(new Entry(operation, bucket, key, part, uploadId).line()
                    .getBytes(StandardCharsets.UTF_8));
            try {
                synchronized (LOG) {
                    while (line.hasRemaining()) {
                        LOG.write(line);
                    }
                }
            } catch (IOException e) {
                System.err.println("cannot append to the request log: " + e.getMessage());
            }
        }
    }

    /** The S3 attempts a process logged with {@link #LOG_PROPERTY}, in the order it sent them; empty if none. */
    public static List<Entry> readLog(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            // A process killed mid-write may leave a last line without its newline: it still counts.
            if (line.split(" ").length == 5) {
                out.add(Entry.parse(line));
            }
        }
        return out;
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
