package org.marginmax.backend;

import java.util.Locale;

/**
 * Examples per forward pass of the per-epoch statistics (MarginStatistics), per backend.
 *
 * <p>CPU: measured with {@code bench} on the paper's CNN (2 cores, oneDNN): chunks of 100-250 took 2.0 s for 10,000
 * digits, 500 took 3.6 s, 1,000 3.8 s, 2,500 5.3 s (small chunks' activations stay in cache); the MLP is fastest in
 * large chunks. CUDA (not measured: no card here): a kernel launch costs the same for 250 examples as for 2,000, so
 * larger chunks amortise launches and host copies; the chunk is bounded so that its float64 activations stay within
 * a quarter of the device memory the CUDA profile allows (device_memory_limit, else the card's memory).
 * {@code -Dmarginmax.statistics.chunk=N} overrides both.
 */
public final class StatisticsChunk {
    public static final String PROPERTY = "marginmax.statistics.chunk";
    static final int CPU_CONV = 250, CPU_DENSE = 5000;
    static final int CUDA_CONV = 2000, CUDA_DENSE = 20000;
    /**
     * float64 activations of one example of the largest network built here (VGG-16 on 32x32: about 276,000 values
     * over all its layers), as an upper bound for any of them; the MLP's are far smaller (~1,000 values).
     */
    static final long CONV_BYTES_PER_EXAMPLE = 276_000L * 8, DENSE_BYTES_PER_EXAMPLE = 4_000L * 8;

    private static volatile Long cudaMemoryBytes; // set by a CUDA profile; null: CPU or no profile

    private StatisticsChunk() {}

    /** A CUDA profile's device memory budget (bytes, > 0) switches to the CUDA defaults bounded by it. */
    static void useCuda(long deviceMemoryBytes) {
        cudaMemoryBytes = deviceMemoryBytes > 0 ? deviceMemoryBytes : null;
    }

    /** The chunk for a convolutional (true) or dense network on the configured backend. */
    public static int forNetwork(boolean convolutional) {
        String override = System.getProperty(PROPERTY);
        if (override != null) {
            try {
                int n = Integer.parseInt(override.strip());
                if (n > 0) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the message
            }
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + override + ": expected a positive whole number "
                    + "of examples per statistics forward pass");
        }
        return of(convolutional, cudaMemoryBytes);
    }

    /** The default for a convolutional or dense network; {@code cudaMemory} null means the CPU backend. */
    static int of(boolean convolutional, Long cudaMemory) {
        if (cudaMemory == null) return convolutional ? CPU_CONV : CPU_DENSE;
        long perExample = convolutional ? CONV_BYTES_PER_EXAMPLE : DENSE_BYTES_PER_EXAMPLE;
        long fits = cudaMemory / 4 / perExample;
        int floor = convolutional ? CPU_CONV : CPU_DENSE;
        return (int) Math.max(floor, Math.min(convolutional ? CUDA_CONV : CUDA_DENSE, fits));
    }

    /** One line for the profile's log. */
    static String describe(Long cudaMemory) {
        return String.format(Locale.ROOT, "statistics chunks %d (CNN) / %d (MLP) examples", of(true, cudaMemory),
                of(false, cudaMemory));
    }
}
