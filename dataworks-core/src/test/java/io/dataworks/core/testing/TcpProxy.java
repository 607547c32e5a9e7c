package io.dataworks.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of a server, for tests of what a client does when its
 * connection breaks or hangs in the middle of a request: {@link #dropConnections()} closes every live
 * connection at once, {@link #stall(boolean)} holds every byte in both directions until released.
 *
 * <p>Plain blocking sockets, one accept thread and two daemon threads per connection. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket serverSocket;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Object stallLock = new Object();
    private volatile boolean stalled;
    private volatile boolean closed;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts forwarding a free local port to {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        Objects.requireNonNull(host, "host");
        try {
            return new TcpProxy(host, port);
        } catch (IOException e) {
            throw new IllegalStateException("could not open a proxy port for " + host + ":" + port, e);
        }
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** {@code mongodb://127.0.0.1:PROXYPORT/?directConnection=true}: the driver must not discover the real host. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port() + "/?directConnection=true";
    }

    /** Closes every live client and upstream connection now; new connections are still accepted. */
    public void dropConnections() {
        for (Pair pair : pairs) {
            pair.close();
        }
    }

    /** {@code true} stops forwarding in both directions (bytes wait, nothing is lost); {@code false} resumes. */
    public void stall(boolean stall) {
        synchronized (stallLock) {
            this.stalled = stall;
            stallLock.notifyAll();
        }
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections currently open through the proxy. */
    public int liveConnections() {
        return pairs.size();
    }

    @Override
    public void close() {
        closed = true;
        stall(false);
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        dropConnections();
    }

    @Override
    public String toString() {
        return "TcpProxy[127.0.0.1:" + port() + " -> " + targetHost + ":" + targetPort + "]";
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            Pair pair = new Pair(client, upstream);
            pairs.add(pair);
            pair.start();
        }
    }

    /**
     * Blocks while the proxy is stalled. False when the pair was dropped meanwhile: bytes held by a stall are then
     * discarded, never forwarded, so a dropped request has not reached the server.
     */
    private boolean awaitForwarding(Pair pair) throws InterruptedException {
        synchronized (stallLock) {
            while (stalled && !closed && !pair.closed) {
                stallLock.wait();
            }
            return !closed && !pair.closed;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** One proxied connection: client socket, upstream socket and a pump thread per direction. */
    private final class Pair {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean closed;

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            int id = client.getPort();
            pump(client, upstream, "tcp-proxy-up-" + id);
            pump(upstream, client, "tcp-proxy-down-" + id);
        }

        private void pump(Socket from, Socket to, String name) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[BUFFER_SIZE];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0 && awaitForwarding(this)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // dropped or closed: the finally block tears the pair down
                } finally {
                    close();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            closed = true;
            pairs.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
            synchronized (stallLock) {
                stallLock.notifyAll();
            }
        }
    }
}
