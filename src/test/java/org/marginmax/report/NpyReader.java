package org.marginmax.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** A small NPY v1.0 / NPZ reader for the tests: little-endian f4, f8 and U arrays. */
final class NpyReader {
    private NpyReader() {}

    /**
     * @param values  numbers in C order (f4/f8), else null
     * @param strings the strings (U), else null
     * @param dataOffset where the data starts (magic + version + length + header)
     */
    record Array(String descr, boolean fortranOrder, long[] shape, double[] values, String[] strings, int dataOffset) {}

    static Map<String, Array> readNpz(Path file) throws IOException {
        Map<String, Array> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                if (!name.endsWith(".npy")) throw new IOException("not an .npy entry: " + name);
                out.put(name.substring(0, name.length() - 4), readNpy(zip.readAllBytes()));
            }
        }
        return out;
    }

    private static final Pattern DESCR = Pattern.compile("'descr': *'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order': *(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape': *\\(([^)]*)\\)");

    static Array readNpy(byte[] b) throws IOException {
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        if (!Arrays.equals(Arrays.copyOf(b, 6), magic)) throw new IOException("bad NPY magic");
        if (b[6] != 1 || b[7] != 0) throw new IOException("NPY version " + b[6] + "." + b[7] + ", expected 1.0");
        int headerLen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        String header = new String(b, 10, headerLen, StandardCharsets.US_ASCII);
        if (!header.endsWith("\n")) throw new IOException("NPY header does not end with a newline");
        String descr = group(DESCR, header);
        boolean fortran = group(FORTRAN, header).equals("True");
        String[] dims = group(SHAPE, header).split(",");
        long[] shape = Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        int off = 10 + headerLen;
        ByteBuffer data = ByteBuffer.wrap(b, off, b.length - off).slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (descr) {
            case "<f4": {
                check(data, n * 4);
                double[] v = new double[(int) n];
                for (int i = 0; i < n; i++) v[i] = data.getFloat(i * 4);
                return new Array(descr, fortran, shape, v, null, off);
            }
            case "<f8": {
                check(data, n * 8);
                double[] v = new double[(int) n];
                for (int i = 0; i < n; i++) v[i] = data.getDouble(i * 8);
                return new Array(descr, fortran, shape, v, null, off);
            }
            default:
                if (!descr.startsWith("<U")) throw new IOException("unsupported dtype " + descr);
                int width = Integer.parseInt(descr.substring(2));
                check(data, n * width * 4);
                String[] s = new String[(int) n];
                for (int i = 0; i < n; i++) {
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < width; k++) {
                        int cp = data.getInt((i * width + k) * 4);
                        if (cp != 0) sb.appendCodePoint(cp);
                    }
                    s[i] = sb.toString();
                }
                return new Array(descr, fortran, shape, null, s, off);
        }
    }

    private static void check(ByteBuffer data, long bytes) throws IOException {
        if (data.remaining() != bytes) throw new IOException("NPY data has " + data.remaining() + " bytes, expected " + bytes);
    }

    private static String group(Pattern p, String header) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new IOException("NPY header lacks " + p + ": " + header);
        return m.group(1);
    }
}
