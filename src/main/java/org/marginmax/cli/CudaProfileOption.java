package org.marginmax.cli;

import org.marginmax.backend.CudaProfile;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --cuda-profile NAME}: GPU runtime settings from {@code cuda-profiles/NAME.yaml} (or a path to one). */
final class CudaProfileOption {
    @Option(names = "--cuda-profile", paramLabel = "NAME",
            description = "apply cuda-profiles/NAME.yaml (default, rtx-24gb, a100-80gb, h100-80gb) or a .yaml path; "
                    + "needs a CUDA build (mvn -Pcuda)")
    String name;

    @Option(names = "--cuda-profiles-dir", paramLabel = "DIR", defaultValue = "cuda-profiles", hidden = true)
    Path dir;

    CudaProfile load() { return name == null ? null : CudaProfile.load(name, dir); }

    /**
     * Starts the backend with the profile: JavaCPP limits must be set before ND4J loads, the device and the
     * backend check right after.
     */
    static void start(CudaProfile profile) {
        if (profile != null) profile.applyBeforeBackend();
        Backend.init();
        if (profile != null) {
            profile.applyToBackend();
            System.err.println("cuda profile: " + profile.describe());
        }
    }
}
