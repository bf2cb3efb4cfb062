package org.marginmax.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** SHA-256 helpers and the {@code sha256sum} file format ({@code SHA256SUMS}: "hex  name" per line). */
public final class Sha256 {
    /** The checksum file the fetcher writes beside the files it fetched, and {@code data verify} reads. */
    public static final String SUMS_FILE = "SHA256SUMS";

    private Sha256() {}

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public static String hex(byte[] hash) { return HexFormat.of().formatHex(hash); }

    public static String of(byte[] bytes) { return hex(digest().digest(bytes)); }

    public static String of(String text) { return of(text.getBytes(StandardCharsets.UTF_8)); }

    /** The SHA-256 of a file's bytes as stored (a .gz file is hashed compressed). */
    public static String ofFile(Path file) {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return hex(md.digest());
    }

    /** One SHA-256 over several named checksums: the hash of the sorted "name:sha" lines, joined by newlines. */
    public static String combine(Map<String, String> shaByName) {
        List<String> lines = shaByName.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).sorted().toList();
        return of(String.join("\n", lines));
    }

    /** Reads a {@code sha256sum}-style file: name to lower-case hex, in file order. */
    public static Map<String, String> readSums(Path sumsFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(sumsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(sumsFile + ": cannot read (" + e.getMessage() + ")", e);
        }
        Map<String, String> sums = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.trim().split("\\s+", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}"))
                throw new DataException(sumsFile + ":" + lineNo + ": not a 'SHA256  NAME' line: " + line.trim());
            String name = parts[1].startsWith("*") ? parts[1].substring(1) : parts[1];
            sums.put(name.trim(), parts[0].toLowerCase());
        }
        return sums;
    }

    /** Writes a {@code sha256sum}-compatible file, names sorted. */
    public static void writeSums(Path sumsFile, Map<String, String> shaByName) {
        String text = shaByName.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + "  " + e.getKey() + "\n").collect(Collectors.joining());
        try {
            Files.writeString(sumsFile, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(sumsFile + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
