package io.s3replicator.observe;

import io.vertx.core.http.HttpMethod;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The status page at {@code /} of the management server: one static HTML file whose script reads
 * the endpoints next to it ({@code /observe/metrics}, {@code /observe/health}) every few seconds.
 * No build step and nothing served but that file: everything it shows, a scraper can read too.
 */
public final class StatusPage {
    static final String RESOURCE = "status.html";

    private StatusPage() {
    }

    public static void install(CamelContext context) throws Exception {
        String html = load();
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // the server's router exists once the context has fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                ManagementHttpServer server = ctx.hasService(ManagementHttpServer.class);
                if (server == null || server.getRouter() == null) {
                    return; // no management server (sync without --management-port)
                }
                server.getRouter().route(HttpMethod.GET, "/").handler(request -> request.response()
                        .putHeader("Content-Type", "text/html; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache")
                        .end(html));
            }
        });
    }

    private static String load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
