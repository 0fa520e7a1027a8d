package io.s3replicator.store;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.services.s3.S3Client;

import javax.net.ssl.SSLContext;

/**
 * A one-shot command's S3 clients cost about 0.3 s of class initialisation before the first request
 * (the SDK builds metadata of every AWS service, and the HTTP client loads the trust store). On a
 * second core that runs beside the state store's start and the routes' set-up instead of after them:
 * a background thread initialises those classes, and the main thread, when it gets there, finds them
 * ready (or waits for the one being initialised, as the JVM makes it).
 */
public final class ClientWarmUp {
    private ClientWarmUp() {
    }

    public static void startInBackground() {
        Thread t = new Thread(ClientWarmUp::warm, "client-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static void warm() {
        try {
            ServiceMetadata.of(S3Client.SERVICE_METADATA_ID);
            SSLContext.getDefault();
            ApacheHttpClient.builder();
            S3Client.builder();
        } catch (Exception | LinkageError e) {
            // Only a head start: the main thread does the same work and reports what fails.
        }
    }
}
