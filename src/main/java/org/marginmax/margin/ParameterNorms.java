package org.marginmax.margin;

/**
 * rho = ||theta||_2 over the homogeneous parameters and rho_i per weight layer (protocol A), float64.
 *
 * @param rho        the total norm
 * @param layerNorms rho_i for each weight layer in order (weights, plus that layer's bias where it has one)
 */
public record ParameterNorms(double rho, double[] layerNorms) {

    /** log of prod_i rho_i (kept in log space: the product overflows for deep nets). */
    public double logNormProduct() {
        double s = 0;
        for (double r : layerNorms) s += Math.log(r);
        return s;
    }

    /** L * log(rho), i.e. log(rho^L); rho^L itself overflows for VGG-16 (L = 14). */
    public double logRhoL(int order) { return order * Math.log(rho); }

    /** q / exp(logScale) computed in log space so it neither overflows nor underflows early. */
    public static double divideByExp(double q, double logScale) {
        if (q == 0 || Double.isNaN(q)) return q;
        return Math.signum(q) * Math.exp(Math.log(Math.abs(q)) - logScale);
    }
}
