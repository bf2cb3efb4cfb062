package org.marginmax.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one CSV format of the project (metrics.csv, rollbacks.csv, robustness/*.csv, compare --format csv), on
 * jackson-dataformat-csv: comma-separated, "\n" line ends, RFC 4180 quoting only where a cell needs it (a comma, a
 * quote, a line break), so a table of numbers and plain words is written exactly as {@code String.join(",", cells)}.
 * Cells are text: the callers decide how numbers read (e.g. NaN as an empty cell).
 */
public final class Csv {
    private static final CsvMapper MAPPER = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .disable(CsvParser.Feature.ALLOW_TRAILING_COMMA)
            .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
            .build();
    private static final CsvSchema SCHEMA = CsvSchema.emptySchema().withLineSeparator("\n");
    private static final ObjectWriter WRITER = MAPPER.writerFor(String[].class).with(SCHEMA);
    private static final ObjectReader READER = MAPPER.readerFor(String[].class).with(SCHEMA);

    private Csv() {}

    /** One row as a line of text, ending in "\n"; a null cell is written empty. */
    public static String line(List<String> cells) {
        try {
            return WRITER.writeValueAsString(cells.stream().map(c -> c == null ? "" : c).toArray(String[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows (the header first, if any) as the text of a CSV file. */
    public static String text(List<? extends List<String>> rows) {
        StringBuilder sb = new StringBuilder();
        for (List<String> r : rows) sb.append(line(r));
        return sb.toString();
    }

    /**
     * The rows of CSV text, blank lines skipped. A last row cut inside a quoted cell (a line torn by a kill) is
     * dropped; a row with fewer cells than the others is returned as it is, for the caller to judge.
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = READER.readValues(text)) {
            while (it.hasNextValue()) rows.add(List.of(it.nextValue()));
        } catch (IOException | RuntimeException e) {
            // an unterminated quote at the end: the torn row is dropped, the rows before it kept
        }
        return rows;
    }

    /** {@link #parse} of a UTF-8 file. */
    public static List<List<String>> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The cells of one line (the header of a file, say). */
    public static List<String> cells(String line) {
        List<List<String>> rows = parse(line);
        return rows.isEmpty() ? List.of() : rows.get(0);
    }
}
