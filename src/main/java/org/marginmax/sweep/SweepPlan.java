package org.marginmax.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.marginmax.config.ConfigLoader;
import org.marginmax.config.ExperimentConfig;
import org.marginmax.data.Sha256;
import org.marginmax.io.Json;
import org.marginmax.run.AtomicFiles;
import org.marginmax.run.RunDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A planned sweep: {@code <outputs>/<name>/sweep.json} (the spec, its hash, the base file and its hash, one entry per
 * run: id, overrides, run directory, config hash; Slurm submissions) and one run directory per grid point,
 * {@code runs/<id>/}, holding its resolved {@code config.yaml}.
 */
public record SweepPlan(Path dir, ObjectNode json) {
    public static final String FILE = "sweep.json";
    public static final String RUNS = "runs";

    /** One run of the sweep. {@code runDir} is relative to the sweep directory. */
    public record Run(int index, String id, List<String> overrides, String runDir, String configSha256) {}

    public static Path dirOf(SweepSpec spec, Path outputs) { return outputs.resolve(spec.name()); }

    /**
     * Plans {@code spec} under {@code outputs}: a new sweep, a no-op when planned already with this spec, a refusal
     * when the spec or base changed, unless {@code extend} (new points are added, existing runs untouched).
     * Returns the plan and what happened, for the user.
     */
    public static Map.Entry<SweepPlan, String> plan(SweepSpec spec, Path outputs, boolean extend) {
        Path dir = dirOf(spec, outputs);
        if (!Files.isRegularFile(spec.base()))
            throw new SweepException(spec.file() + ": base " + spec.base() + " does not exist (it is relative to the spec)");
        String baseSha = Sha256.ofFile(spec.base());
        Map<String, SweepSpec.Point> points = new LinkedHashMap<>();
        for (SweepSpec.Point p : spec.points()) points.put(p.id(), p);
        SweepPlan existing = Files.isRegularFile(dir.resolve(FILE)) ? load(dir) : null;
        if (existing != null && existing.specSha256().equals(spec.sha256()) && existing.baseSha256().equals(baseSha))
            return Map.entry(existing, dir + ": planned already (" + existing.runs().size() + " runs): nothing to do");
        if (existing != null && !extend)
            throw new SweepException(spec.file() + " (or its base " + spec.base().getFileName() + ") changed since "
                    + dir.resolve(FILE) + " was planned: pass --extend to add the new grid points (existing runs "
                    + "untouched), or give the sweep a new name");
        ObjectNode json = existing != null ? existing.json() : Json.MAPPER.createObjectNode();
        json.put("name", spec.name());
        json.put("spec", spec.file().toAbsolutePath().normalize().toString());
        json.put("spec_sha256", spec.sha256());
        json.put("spec_text", spec.text());
        json.put("base", spec.base().toString());
        json.put("base_sha256", baseSha);
        json.put(existing == null ? "planned" : "extended", Instant.now().toString());
        ArrayNode runs = json.has("runs") ? (ArrayNode) json.get("runs") : json.putArray("runs");
        Map<String, Run> old = new LinkedHashMap<>();
        if (existing != null) for (Run r : existing.runs()) old.put(r.id(), r);
        for (String id : old.keySet())
            if (!points.containsKey(id))
                throw new SweepException(spec.file() + ": run " + id + " of " + dir.resolve(FILE) + " is no longer in the grid: "
                        + "--extend only adds points; put its value back, or plan a new sweep");
        int added = 0;
        List<String[]> toWrite = new ArrayList<>();
        for (SweepSpec.Point p : points.values()) {
            ExperimentConfig cfg = ConfigLoader.load(spec.base(), p.overrides());
            String sha = ConfigLoader.hash(cfg);
            Run prior = old.get(p.id());
            if (prior != null) {
                if (!prior.configSha256().equals(sha))
                    throw new SweepException(spec.file() + ": run " + p.id() + " would get another config than planned "
                            + "(the base changed?): --extend leaves existing runs untouched; plan a new sweep instead");
                continue;
            }
            String runDir = RUNS + "/" + p.id();
            ObjectNode r = runs.addObject();
            r.put("id", p.id());
            ArrayNode o = r.putArray("overrides");
            p.overrides().forEach(o::add);
            r.put("run_dir", runDir);
            r.put("config_sha256", sha);
            toWrite.add(new String[]{runDir, ConfigLoader.toYaml(cfg)});
            added++;
        }
        try {
            for (String[] w : toWrite) {
                Files.createDirectories(dir.resolve(w[0]));
                AtomicFiles.writeString(dir.resolve(w[0]).resolve(RunDirectory.CONFIG), w[1]);
            }
        } catch (IOException e) {
            throw new SweepException("cannot create the run directories under " + dir + ": " + e.getMessage());
        }
        SweepPlan plan = new SweepPlan(dir, json);
        plan.save();
        return Map.entry(plan, existing == null
                ? dir + ": planned " + added + " runs"
                : dir + ": extended by " + added + " runs (" + plan.runs().size() + " in all)");
    }

    /** The plan in {@code dir} (a sweep directory). */
    public static SweepPlan load(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f))
            throw new SweepException(dir + " is not a planned sweep (no " + FILE + "): run `margin-max sweep plan SPEC` first");
        try {
            return new SweepPlan(dir, (ObjectNode) Json.MAPPER.readTree(f.toFile()));
        } catch (IOException | ClassCastException e) {
            throw new SweepException(f + ": cannot read: " + e.getMessage());
        }
    }

    public static boolean isSweep(Path dir) { return Files.isRegularFile(dir.resolve(FILE)); }

    public void save() {
        AtomicFiles.writeString(dir.resolve(FILE), json.toPrettyString());
    }

    public String name() { return json.path("name").asText(); }

    public String specSha256() { return json.path("spec_sha256").asText(); }

    public String baseSha256() { return json.path("base_sha256").asText(); }

    public Path base() { return Path.of(json.path("base").asText()); }

    public List<Run> runs() {
        List<Run> l = new ArrayList<>();
        int i = 0;
        for (JsonNode r : json.path("runs")) {
            List<String> o = new ArrayList<>();
            r.path("overrides").forEach(x -> o.add(x.asText()));
            l.add(new Run(i++, r.path("id").asText(), List.copyOf(o), r.path("run_dir").asText(), r.path("config_sha256").asText()));
        }
        return l;
    }

    public Path runDir(Run r) { return dir.resolve(r.runDir()); }

    /** Records a Slurm submission (the newest is last). */
    public void addSlurmJob(String jobId, int tasks) {
        ArrayNode jobs = json.has("slurm_jobs") ? (ArrayNode) json.get("slurm_jobs") : json.putArray("slurm_jobs");
        ObjectNode j = jobs.addObject();
        j.put("job_id", jobId);
        j.put("tasks", tasks);
        j.put("submitted", Instant.now().toString());
        save();
    }

    /** The newest Slurm job id, or null. */
    public String slurmJob() {
        JsonNode jobs = json.path("slurm_jobs");
        return jobs.isArray() && !jobs.isEmpty() ? jobs.get(jobs.size() - 1).path("job_id").asText() : null;
    }
}
