package org.marginmax;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The README stays a newcomer's page (at most 20 KB; more goes under docs/), and no relative link is broken. */
class ReadmeTest {
    private static final Path README = Path.of("README.md");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test void theReadmeIsAtMostTwentyKilobytes() throws IOException {
        assertThat(Files.size(README)).as("README.md bytes: move long sections to docs/").isLessThanOrEqualTo(20_480);
    }

    @Test void everyRelativeLinkInTheReadmeAndDocsPointsToAFileAndHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int checked = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("[a-z][a-z0-9+.-]*:.*")) continue; // https:, mailto:
                String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
                String anchor = link.contains("#") ? link.substring(link.indexOf('#') + 1) : null;
                Path target = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                assertThat(target).as(page + ": link " + link).exists();
                if (anchor != null)
                    assertThat(headingAnchors(target)).as(page + ": link " + link + " (headings of " + target + ")").contains(anchor);
                checked++;
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(3);
    }

    @Test void theTopLevelHoldsOnlyTheProjectsFolders() throws IOException {
        Set<String> allowed = Set.of("pom.xml", "README.md", "LICENSE", "src", "experiments", "cuda-profiles", "outputs",
                "docs", "bin", "target");
        try (Stream<Path> s = Files.list(Path.of("."))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .as("top level (drafts go under docs/)").allMatch(allowed::contains);
        }
    }

    /** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> headingAnchors(Path md) throws IOException {
        if (!md.toString().endsWith(".md")) return List.of();
        return Files.readAllLines(md).stream().filter(l -> l.matches("#{1,6} .*"))
                .map(l -> l.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .toList();
    }
}
