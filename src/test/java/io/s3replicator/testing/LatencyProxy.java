package io.s3replicator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy on loopback that delays every byte by a fixed time in each direction, so a
 * round trip costs twice that: a WAN between two stores, on one machine. Bandwidth is not
 * limited; only latency is added. Each connection gets a reader and a writer per direction;
 * the writer sends each chunk when its delay is over, so chunks in flight overlap as on a link.
 *
 * <p>Used by the benchmark (its rows "80 ms round trip"); tests never assert timings.
 */
public final class LatencyProxy implements AutoCloseable {
    private record Chunk(byte[] data, long dueNanos) {
    }

    private static final Chunk END = new Chunk(new byte[0], 0);
    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long delayNanos;
    private volatile boolean closed;

    /** Listens on an ephemeral loopback port; every connection goes to {@code upstreamPort}. */
    public LatencyProxy(int upstreamPort, long delayMillisEachWay) throws IOException {
        this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.delayNanos = delayMillisEachWay * 1_000_000L;
        Thread acceptor = new Thread(this::accept, "latency-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(upstream.getAddress(), upstream.getPort());
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e.getMessage());
                }
            }
        }
    }

    /** One direction: read as it arrives, write each chunk once its delay is over. */
    private void pipe(Socket from, Socket to) {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        daemon(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    chunks.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException e) {
                // the peer closed or reset: pass the end on
            }
            chunks.add(END);
        });
        daemon(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk c = chunks.take();
                    if (c == END) {
                        to.shutdownOutput();
                        return;
                    }
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    out.write(c.data());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "latency-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
