package org.marginmax.train;

/**
 * The predictive schedule (docs/SCHEDULES.md): the authors' loss-based rule until the training loss first falls below
 * 10^switchBelow, then a frame rate that follows the predicted stability edge, so that rejections are rare.
 *
 * <p><b>Why the authors' rule wastes attempts.</b> It grows lr by α₁ after a kept epoch and shrinks it by α₂ after a
 * rejected one. Where the largest stable frame rate (the edge) falls by e^{-d} per kept epoch, lr follows it only if
 * ln α₁ − r·ln α₂ = −d, with r rejected attempts per kept epoch: r = (ln α₁ + d)/ln α₂ ≈ 2.2 on the quickstart
 * (α₁ = 2^{1/5}, α₂ = 2^{1/10}, d ≈ 0.016), and a rejected attempt costs about half an epoch.
 *
 * <p><b>Where the edge goes.</b> In the frame, the loss Hessian after separation is ≈ Σₙ (ℓₙ/ℒ) ∇qₙ∇qₙᵀ (plus terms
 * with ∇²qₙ). For an L-homogeneous network Euler's theorem gives ⟨∇qₙ, θ⟩ = L·qₙ, so ‖∇qₙ‖ ≥ L·qₙ/ρ, and on the
 * examples that carry the loss qₙ ≈ q = log(1/ℒ), the numerator of the paper's smoothed margin γ̃ = log(1/ℒ)/ρ^L
 * (its Eq. 4.3, up to the loss's φ). The sharpness then grows like (L·q/ρ)² and the edge falls like (ρ/(L·q))².
 * ρ grows only like (log t)^{1/L} (Theorem 4.3), so after the switch
 *
 * <pre>  lr = c · (q_s / q)^k,   q = −log ℒ (the frame: the last kept epoch's loss),  q_s = −switchBelow·ln 10,</pre>
 *
 * with k = 2, and c carries what the prediction misses (the slow growth of ρ, the constant): c grows by g after a
 * kept epoch and shrinks by s after a rejected one, with g ≪ α₁, so r = (ln g + d′)/ln s with a residual drift
 * d′ ≈ 0: on the quickstart (g = 2^{1/25}, s = 2^{1/10}) about one rejected attempt in 2.5 kept epochs. Accepting and
 * rejecting is the authors' test (the full training set's loss must not rise), so every kept epoch is as safe as theirs.
 *
 * <p>The schedule's state is one number: lr before the switch, c after it. Whether it has switched follows from the
 * frame, since a kept epoch never raises the loss: a resumed run needs only {@link #restore}.
 */
public final class PredictiveLearningRate implements LearningRateSchedule {
    private final double alpha1;
    private final double alpha2;
    private final double minLr;
    private final double exponent;
    private final double growth;
    private final double shrink;
    private final double switchQ;
    private double value; // lr before the switch, c after it
    private boolean switched;
    private double q = Double.NaN; // -logFrame of the attempt being judged
    private String stopReason = "";

    /** @param switchBelow log10 of the training loss under which the prediction takes over (e.g. −2) */
    public PredictiveLearningRate(double lr0, double alpha1, double alpha2, double minLr, double exponent,
                                  double growth, double shrink, double switchBelow) {
        this.value = lr0;
        this.alpha1 = alpha1;
        this.alpha2 = alpha2;
        this.minLr = minLr;
        this.exponent = exponent;
        this.growth = growth;
        this.shrink = shrink;
        this.switchQ = -switchBelow * Math.log(10);
    }

    @Override public double frameLearningRate(double logFrame) {
        q = -logFrame;
        if (!switched && q >= switchQ) switchAt(q); // a run whose initial loss is already under 10^switchBelow
        return rateAt(q);
    }

    private double rateAt(double q) { return switched ? value * Math.pow(switchQ / q, exponent) : value; }

    /** Switches at frame q keeping the rate: c = lr·(q/q_s)^k, so that c·(q_s/q)^k is the lr of the authors' rule. */
    private void switchAt(double q) {
        switched = true;
        value *= Math.pow(q / switchQ, exponent);
    }

    @Override public Decision afterEpoch(double logFrameLoss) {
        if (logFrameLoss <= 0) {
            value *= switched ? growth : alpha1;
            // the first kept epoch under 10^switchBelow switches here, not at the next frame, so that the checkpoint
            // written after it holds c, as restore() reads it from a frame under the switch
            double nextQ = q - logFrameLoss;
            if (!switched && nextQ >= switchQ) switchAt(nextQ);
            return Decision.ACCEPT;
        }
        value /= switched ? shrink : alpha2;
        double lr = rateAt(q);
        if (lr < minLr) {
            stopReason = "the predictive learning rate fell to " + lr + " < min_lr " + minLr
                    + " without reducing the loss: the run cannot make progress";
            return Decision.STOP;
        }
        return Decision.REJECT;
    }

    /** The authors' rule before the switch judges every epoch by the full training set, as theirs does. */
    @Override public boolean needsFullLoss() { return !switched; }

    @Override public boolean judgesUnmeasuredEpochs() { return true; }

    @Override public String stopReason() { return stopReason; }

    /** lr before the switch, the coefficient c after it. */
    @Override public double lr() { return value; }

    @Override public void restore(double value, double logFrame) {
        this.value = value;
        this.switched = -logFrame >= switchQ;
    }
}
