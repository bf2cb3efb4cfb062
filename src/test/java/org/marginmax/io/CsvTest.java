package org.marginmax.io;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 4180 (section 2) written out by hand is the oracle. */
class CsvTest {
    @Test void plainCellsAreJoinedByCommasUnquoted() {
        List<String> cells = List.of("0", "-3.0750846862792967E-4", "NaN", "", "inf", "robust_acc[pgd-linf eps=0.1]", "loss-rose");
        assertThat(Csv.line(cells)).isEqualTo(String.join(",", cells) + "\n");
    }

    @Test void quotesOnlyWhereACellNeedsIt() {
        assertThat(Csv.line(List.of("a,b", "say \"hi\"", "two\nlines", "plain")))
                .isEqualTo("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain\n");
        assertThat(Csv.line(java.util.Arrays.asList("x", null, ""))).isEqualTo("x,,\n");
    }

    @Test void readsWhatItWritesAndKeepsEmptyTrailingCells() {
        List<List<String>> rows = List.of(List.of("run", "epoch", "v"), List.of("a,b", "1", ""),
                List.of("q\"x", "2", "3.5"));
        assertThat(Csv.parse(Csv.text(rows))).isEqualTo(rows);
        assertThat(Csv.parse("a,b,c\n1,2,\n\n3,,\n")).containsExactly(List.of("a", "b", "c"), List.of("1", "2", ""),
                List.of("3", "", ""));
    }

    @Test void aRowTornInsideAQuoteIsDroppedAndAShortRowIsKept() {
        assertThat(Csv.parse("a,b\n1,2\n3,\"unterminated")).containsExactly(List.of("a", "b"), List.of("1", "2"));
        assertThat(Csv.parse("a,b,c\n1,2,3\n4,-3.1")).containsExactly(List.of("a", "b", "c"), List.of("1", "2", "3"),
                List.of("4", "-3.1"));
    }

    @Test void readsCrLfFilesAsWell() {
        assertThat(Csv.parse("a,b\r\n1,2\r\n")).containsExactly(List.of("a", "b"), List.of("1", "2"));
    }
}
