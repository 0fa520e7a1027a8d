package io.s3replicator.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One side of a {@link SyntheticKeySpace} as an S3 endpoint on loopback: one bucket that answers
 * ListObjectsV2 (prefix, delimiter, max-keys, start-after, continuation-token, encoding-type=url),
 * each request after a fixed delay that stands for the network round trip and the store's own time.
 * The replicator's real S3 clients talk to it over HTTP, so a listing costs what it costs against a
 * store: signing, the HTTP exchange, parsing a page of XML. Everything else gets 501.
 */
final class SyntheticS3 implements AutoCloseable {
    private static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    static {
        // The JDK server writes a response's headers and body apart: with Nagle's algorithm on, a reused
        // connection waits for the client's delayed ACK (about 40 ms) on many responses, a latency no
        // store has. Read once, when the JVM's first HttpServer starts (the bench's is the first).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService handlers;
    private final String bucket;
    private final SyntheticKeySpace space;
    private final boolean source;
    private final long latencyMillis;
    /** ListObjectsV2 requests answered, with and without a delimiter; and objects and prefixes returned. */
    final AtomicLong listRequests = new AtomicLong();
    final AtomicLong delimitedRequests = new AtomicLong();
    final AtomicLong listedObjects = new AtomicLong();

    /** @param source true: the source side of the key space, false: the destination side */
    SyntheticS3(String bucket, SyntheticKeySpace space, boolean source, long latencyMillis) throws IOException {
        this.bucket = bucket;
        this.space = space;
        this.source = source;
        this.latencyMillis = latencyMillis;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        // Requests wait their latency on their own thread, as they would at a store: 16 listing threads
        // never queue behind each other here.
        this.handlers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "synthetic-s3-" + bucket);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void resetCounts() {
        listRequests.set(0);
        delimitedRequests.set(0);
        listedObjects.set(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (!"GET".equals(exchange.getRequestMethod()) || !("/" + bucket).equals(stripSlash(path))
                    || !"2".equals(query.get("list-type"))) {
                send(exchange, 501, error("NotImplemented", exchange.getRequestMethod() + " " + path
                        + ": this synthetic store only lists"));
                return;
            }
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            send(exchange, 200, list(query));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            send(exchange, 500, error("InternalError", String.valueOf(e)));
        }
    }

    /** One ListObjectsV2 page, as S3 would list it. */
    private String list(Map<String, String> q) {
        listRequests.incrementAndGet();
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter");
        if (delimiter != null && !"/".equals(delimiter)) {
            throw new IllegalArgumentException("only '/' is a delimiter here");
        }
        if (delimiter != null) {
            delimitedRequests.incrementAndGet();
        }
        int maxKeys = Math.min(1000, Integer.parseInt(q.getOrDefault("max-keys", "1000")));
        boolean urlEncoded = "url".equals(q.get("encoding-type"));
        String token = q.get("continuation-token");
        String startAfter = q.get("start-after");

        long i = space.firstFrom(prefix, false);
        if (startAfter != null && startAfter.compareTo(prefix) >= 0) {
            i = Math.max(i, space.firstFrom(startAfter, true));
        }
        if (token != null) {
            // The token names the last thing returned: a key, or a common prefix whose keys are all skipped.
            String last = new String(Base64.getUrlDecoder().decode(token.substring(1)), StandardCharsets.UTF_8);
            i = Math.max(i, token.charAt(0) == 'P' ? space.firstAfterPrefix(last) : space.firstFrom(last, true));
        }
        StringBuilder contents = new StringBuilder(maxKeys * 200);
        int returned = 0;
        String last = null;
        boolean lastIsPrefix = false;
        boolean truncated = false;
        long end = space.positions();
        while (i < end) {
            SyntheticKeySpace.Entry e = space.entry(i, source);
            String key = e != null ? e.key() : space.key(i);
            if (!key.startsWith(prefix)) {
                break;
            }
            if (e == null) {
                i++;
                continue;
            }
            if (returned == maxKeys) {
                truncated = true; // something this side holds is left
                break;
            }
            int slash = delimiter == null ? -1 : key.indexOf('/', prefix.length());
            if (slash >= 0) {
                String common = key.substring(0, slash + 1);
                contents.append("<CommonPrefixes><Prefix>").append(encode(common, urlEncoded))
                        .append("</Prefix></CommonPrefixes>");
                last = common;
                lastIsPrefix = true;
                i = space.firstAfterPrefix(common);
            } else {
                contents.append("<Contents><Key>").append(encode(key, urlEncoded))
                        .append("</Key><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>&quot;")
                        .append(e.etag()).append("&quot;</ETag><Size>").append(e.size())
                        .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
                last = key;
                lastIsPrefix = false;
                i++;
            }
            returned++;
        }
        listedObjects.addAndGet(returned);
        StringBuilder xml = new StringBuilder(contents.length() + 512)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"").append(NS).append("\">")
                .append("<Name>").append(bucket).append("</Name><Prefix>").append(encode(prefix, urlEncoded))
                .append("</Prefix>");
        if (startAfter != null) {
            xml.append("<StartAfter>").append(encode(startAfter, urlEncoded)).append("</StartAfter>");
        }
        if (token != null) {
            xml.append("<ContinuationToken>").append(token).append("</ContinuationToken>");
        }
        xml.append("<KeyCount>").append(returned).append("</KeyCount><MaxKeys>").append(maxKeys).append("</MaxKeys>");
        if (delimiter != null) {
            xml.append("<Delimiter>").append(encode(delimiter, urlEncoded)).append("</Delimiter>");
        }
        if (urlEncoded) {
            xml.append("<EncodingType>url</EncodingType>");
        }
        xml.append("<IsTruncated>").append(truncated).append("</IsTruncated>");
        if (truncated) {
            xml.append("<NextContinuationToken>").append(lastIsPrefix ? 'P' : 'K')
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)))
                    .append("</NextContinuationToken>");
        }
        return xml.append(contents).append("</ListBucketResult>").toString();
    }

    private static String encode(String s, boolean url) {
        // Generated keys hold only letters, digits, '-', '.', '/': nothing to escape in XML.
        return url ? URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%2F", "/") : s;
    }

    private static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error>";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
