package org.marginmax.report;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A NumPy {@code .npz}: a zip of {@code <name>.npy} files in NPY format version 1.0 (magic, version, a little-endian
 * uint16 header length, then a Python dict literal with descr, fortran_order and shape, padded with spaces and a
 * newline so that the data starts at a multiple of 64 bytes). Arrays are little-endian and in C order.
 * {@code numpy.load(file)} reads it.
 */
public final class NpzWriter implements Closeable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    private static final int ALIGN = 64;

    private final Path file;
    private final ZipOutputStream zip;
    private final Set<String> names = new HashSet<>();

    public NpzWriter(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            zip = new ZipOutputStream(Files.newOutputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** float32 array ({@code '<f4'}); {@code data} in C order. */
    public void add(String name, long[] shape, float[] data) {
        checkSize(name, shape, data.length);
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        entry(name, header("<f4", shape), b.array());
    }

    /** float64 array ({@code '<f8'}); {@code data} in C order. */
    public void add(String name, long[] shape, double[] data) {
        checkSize(name, shape, data.length);
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(data);
        entry(name, header("<f8", shape), b.array());
    }

    /** A 1-D unicode string array ({@code '<U<n>'}: UTF-32LE code points, each padded with NULs to the longest). */
    public void addStrings(String name, List<String> values) {
        int width = Math.max(1, values.stream().mapToInt(s -> s.codePointCount(0, s.length())).max().orElse(1));
        ByteBuffer b = ByteBuffer.allocate(values.size() * width * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (String s : values) {
            int[] cps = s.codePoints().toArray();
            for (int i = 0; i < width; i++) b.putInt(i < cps.length ? cps[i] : 0);
        }
        entry(name, header("<U" + width, new long[]{values.size()}), b.array());
    }

    private static void checkSize(String name, long[] shape, int length) {
        long n = 1;
        for (long d : shape) n *= d;
        if (n != length)
            throw new IllegalArgumentException("array " + name + ": shape " + java.util.Arrays.toString(shape)
                    + " holds " + n + " values, got " + length);
    }

    /** The NPY v1.0 preamble: magic, version, header length, header dict padded to a multiple of 64 bytes. */
    static byte[] header(String descr, long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) s.append(", ");
            s.append(shape[i]);
        }
        if (shape.length == 1) s.append(',');
        s.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + s + ", }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        if (text.length() > 0xFFFF) throw new IllegalArgumentException("NPY header too long for format 1.0");
        ByteArrayOutputStream out = new ByteArrayOutputStream(total);
        out.writeBytes(MAGIC);
        out.write(text.length() & 0xFF);
        out.write(text.length() >>> 8);
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private void entry(String name, byte[] header, byte[] data) {
        if (!name.matches("[A-Za-z0-9_.-]+"))
            throw new IllegalArgumentException("array name '" + name + "': use letters, digits, '_', '.', '-'");
        if (!names.add(name)) throw new IllegalArgumentException("array " + name + " added twice to " + file);
        try {
            zip.putNextEntry(new ZipEntry(name + ".npy"));
            zip.write(header);
            zip.write(data);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " into " + file + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + file + ": " + e.getMessage(), e);
        }
    }
}
