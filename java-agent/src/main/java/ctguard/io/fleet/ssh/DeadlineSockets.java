package ctguard.io.fleet.ssh;

import com.jcraft.jsch.SocketFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * JSch's sockets for one connection attempt: connected within the timeout, and closed by {@link #expire}
 * when the whole handshake (TCP, banner, key exchange, authentication) has not finished by the deadline.
 */
final class DeadlineSockets implements SocketFactory {
    private final int connectTimeoutMillis;
    private volatile Socket socket;
    private volatile boolean expired;

    DeadlineSockets(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = new Socket();
        socket = s;
        if (expired) {
            s.close();
            throw new IOException("connect timeout expired");
        }
        s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public InputStream getInputStream(Socket s) throws IOException {
        return s.getInputStream();
    }

    @Override
    public OutputStream getOutputStream(Socket s) throws IOException {
        return s.getOutputStream();
    }

    /** The deadline passed: close the socket under the handshake, which makes its blocked read fail. */
    void expire() {
        expired = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that was wanted
            }
        }
    }

    boolean expired() {
        return expired;
    }
}
