package org.marginmax.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-format IDX files (LeCun's "idx3-ubyte" images and "idx1-ubyte" labels), raw or gzip'd; gzip is
 * detected by its magic bytes 1f 8b, not by the file name. Big-endian header: magic, then one int per dimension.
 */
public final class IdxReader {
    /** Magic of an unsigned-byte array with 3 dimensions (images) and with 1 dimension (labels). */
    static final int IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Images of an idx3-ubyte file; {@code contentSha256} is the hash of the (decompressed) IDX bytes. */
    public record Images(Path file, int count, int rows, int cols, byte[] pixels, String contentSha256) {}

    /** Labels of an idx1-ubyte file; {@code contentSha256} is the hash of the (decompressed) IDX bytes. */
    public record Labels(Path file, int[] labels, String contentSha256) {}

    public static Images readImages(Path file) {
        try (Source src = Source.open(file)) {
            int magic = src.header(4, "magic number");
            if (magic != IMAGES_MAGIC)
                throw new DataException(file + ": bad magic number 0x" + hex(magic) + " (an idx3-ubyte image file starts with 0x"
                        + hex(IMAGES_MAGIC) + (magic == LABELS_MAGIC ? "; this looks like a label file" : "") + ")");
            int count = src.header(8, "image count");
            int rows = src.header(12, "row count");
            int cols = src.header(16, "column count");
            if (count < 0 || rows <= 0 || cols <= 0)
                throw new DataException(file + ": bad header: " + count + " images of " + rows + "x" + cols);
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 16)
                throw new DataException(file + ": header promises " + count + " images of " + rows + "x" + cols
                        + ", more than one array can hold");
            byte[] pixels = src.body((int) size, count + " images of " + rows + "x" + cols);
            return new Images(file, count, rows, cols, pixels, src.sha256());
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    public static Labels readLabels(Path file) {
        try (Source src = Source.open(file)) {
            int magic = src.header(4, "magic number");
            if (magic != LABELS_MAGIC)
                throw new DataException(file + ": bad magic number 0x" + hex(magic) + " (an idx1-ubyte label file starts with 0x"
                        + hex(LABELS_MAGIC) + (magic == IMAGES_MAGIC ? "; this looks like an image file" : "") + ")");
            int count = src.header(8, "label count");
            if (count < 0) throw new DataException(file + ": bad header: " + count + " labels");
            byte[] bytes = src.body(count, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) labels[i] = bytes[i] & 0xFF;
            return new Labels(file, labels, src.sha256());
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Opens a file, raw or gzip'd, for reading as a stream of IDX bytes (the decompressed content). */
    public static InputStream openContent(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }

    /** Whether a file starts with the gzip magic bytes. */
    public static boolean isGzip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static DataException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) return new DataException(file + ": missing file");
        if (e instanceof ZipException || e instanceof EOFException)
            return new DataException(file + ": truncated or corrupt gzip stream (" + e.getMessage() + ")", e);
        return new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
    }

    private static String hex(int v) { return String.format("%08x", v); }

    /** The decompressed byte stream of one IDX file, hashed as it is read. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final MessageDigest md = Sha256.digest();
        private final DataInputStream in;
        private long headerBytes;

        private Source(Path file, InputStream content) {
            this.file = file;
            this.in = new DataInputStream(new DigestInputStream(content, md));
        }

        static Source open(Path file) throws IOException { return new Source(file, openContent(file)); }

        /** Reads the next big-endian header int; {@code end} is the byte offset it ends at, for the message. */
        int header(int end, String what) throws IOException {
            try {
                int v = in.readInt();
                headerBytes = end;
                return v;
            } catch (EOFException e) {
                throw new DataException(file + ": truncated: the file ends inside its header (at the " + what + ")");
            }
        }

        /** Reads exactly {@code n} body bytes and checks that nothing follows them. */
        byte[] body(int n, String promised) throws IOException {
            byte[] body = new byte[n];
            int got = in.readNBytes(body, 0, n);
            if (got < n)
                throw new DataException(file + ": truncated: the header promises " + promised + " (" + (headerBytes + n)
                        + " bytes) but the file holds " + (headerBytes + got));
            if (in.read() != -1)
                throw new DataException(file + ": unexpected bytes after the " + promised + " the header promises");
            return body;
        }

        String sha256() { return Sha256.hex(md.digest()); }

        @Override
        public void close() throws IOException { in.close(); }
    }
}
