package io.s3replicator.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A global SDK interceptor (registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the test classpath):
 * while a test has {@link #start()}ed recording, every HTTP request any SDK client in this JVM
 * puts on the wire is recorded as sent, after signing. A hook can run before a request goes
 * out (to rotate a secret mid-run, or to slow requests down).
 */
public class RecordedRequests implements ExecutionInterceptor {
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/\\d{8}/([^/]+)/([^/]+)/");
    private static final List<Sent> SENT = new CopyOnWriteArrayList<>();
    private static volatile boolean recording;
    private static volatile Consumer<Sent> hook = s -> { };

    /** One signed request: operation, method, URL and headers (names lower-cased). */
    public record Sent(String service, String operation, String method, String url, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** The access key id in the SigV4 Authorization header. */
        public String accessKeyId() {
            Matcher m = credential();
            return m == null ? null : m.group(1);
        }

        /** The region in the SigV4 credential scope. */
        public String signingRegion() {
            Matcher m = credential();
            return m == null ? null : m.group(2);
        }

        private Matcher credential() {
            String auth = header("authorization");
            if (auth == null) {
                return null;
            }
            Matcher m = CREDENTIAL.matcher(auth);
            return m.find() ? m : null;
        }
    }

    public static void start() {
        SENT.clear();
        hook = s -> { };
        recording = true;
    }

    public static void stop() {
        recording = false;
        hook = s -> { };
    }

    public static void onSend(Consumer<Sent> value) {
        hook = value;
    }

    public static List<Sent> sent() {
        return new ArrayList<>(SENT);
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!recording) {
            return;
        }
        SdkHttpRequest r = context.httpRequest();
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        r.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        Sent sent = new Sent(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), r.method().name(),
                r.getUri().toString(), Map.copyOf(headers));
        SENT.add(sent);
        hook.accept(sent);
    }
}
