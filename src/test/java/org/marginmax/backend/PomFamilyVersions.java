package org.marginmax.backend;

import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.Profile;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DL4J family check on pom.xml's model, profile by profile, without resolving anything (the cuda-12.3 snapshot
 * tree cannot be resolved here): every org.deeplearning4j, org.nd4j, org.datavec and org.bytedeco dependency or
 * managed dependency, of the project and of the active profile, must be written as its family's property, and the
 * bytedeco preset versions must end in the profile's javacpp.version.
 */
final class PomFamilyVersions {
    static final List<String> FAMILY_PROPERTIES =
            List.of("dl4j.version", "javacpp.version", "openblas.version", "hdf5.version", "cuda.preset.version");
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private PomFamilyVersions() {}

    static Model read(Path pom) {
        try (Reader r = Files.newBufferedReader(pom)) {
            return new MavenXpp3Reader().read(r);
        } catch (IOException | org.codehaus.plexus.util.xml.pull.XmlPullParserException e) {
            throw new IllegalStateException(pom + ": " + e.getMessage(), e);
        }
    }

    /** The family property an artifact's version must be written as, or null for artifacts outside the family. */
    static String familyProperty(String groupId, String artifactId) {
        switch (groupId) {
            case "org.deeplearning4j", "org.nd4j", "org.datavec" -> { return "dl4j.version"; }
            case "org.bytedeco" -> {
                if (artifactId.startsWith("javacpp")) return "javacpp.version";
                if (artifactId.startsWith("openblas")) return "openblas.version";
                if (artifactId.startsWith("hdf5")) return "hdf5.version";
                if (artifactId.startsWith("cuda")) return "cuda.preset.version";
                return "no family property for org.bytedeco:" + artifactId;
            }
            default -> { return null; }
        }
    }

    /** Project properties overridden by {@code profileId}'s (null: none). */
    static Map<String, String> properties(Model model, String profileId) {
        Map<String, String> p = new LinkedHashMap<>();
        model.getProperties().forEach((k, v) -> p.put(k.toString(), v.toString().strip()));
        Profile profile = profile(model, profileId);
        if (profile != null) profile.getProperties().forEach((k, v) -> p.put(k.toString(), v.toString().strip()));
        p.put("project.version", model.getVersion());
        return p;
    }

    /** {@code ${x}} replaced by its value, recursively; unknown properties stay as written. */
    static String interpolate(String s, Map<String, String> props) {
        String out = s;
        for (int depth = 0; depth < 10 && out != null && out.contains("${"); depth++) {
            Matcher m = PROPERTY.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(props.getOrDefault(m.group(1), m.group())));
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    static Profile profile(Model model, String profileId) {
        if (profileId == null) return null;
        return model.getProfiles().stream().filter(p -> p.getId().equals(profileId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pom.xml has no profile " + profileId));
    }

    /** Dependencies and managed dependencies of the project plus those of {@code profileId}. */
    static List<Dependency> dependencies(Model model, String profileId) {
        List<Dependency> all = new ArrayList<>(model.getDependencies());
        if (model.getDependencyManagement() != null) all.addAll(model.getDependencyManagement().getDependencies());
        Profile profile = profile(model, profileId);
        if (profile != null) {
            all.addAll(profile.getDependencies());
            if (profile.getDependencyManagement() != null) all.addAll(profile.getDependencyManagement().getDependencies());
        }
        return all;
    }

    /** Every violation of the family rule in the build with {@code profileId} active, one line each. */
    static List<String> problems(Model model, String profileId) {
        Map<String, String> props = properties(model, profileId);
        List<String> out = new ArrayList<>();
        String where = profileId == null ? "default build" : "-P" + profileId;
        for (Dependency d : dependencies(model, profileId)) {
            String family = familyProperty(d.getGroupId(), d.getArtifactId());
            if (family == null) continue;
            String id = d.getGroupId() + ":" + d.getArtifactId();
            if (family.startsWith("no family")) {
                out.add(where + ": " + id + ": " + family);
                continue;
            }
            if (!("${" + family + "}").equals(d.getVersion()))
                out.add(where + ": " + id + " has version " + d.getVersion() + ", not ${" + family + "}");
        }
        String javacpp = interpolate("${javacpp.version}", props);
        for (String f : FAMILY_PROPERTIES) {
            String v = interpolate("${" + f + "}", props);
            if (v.contains("${")) out.add(where + ": property " + f + " is not defined");
            else if (!f.equals("dl4j.version") && !f.equals("javacpp.version") && !v.endsWith("-" + javacpp))
                out.add(where + ": " + f + " = " + v + " is not built against javacpp " + javacpp);
        }
        return out;
    }
}
