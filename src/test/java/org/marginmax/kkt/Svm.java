package org.marginmax.kkt;

import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

import static org.assertj.core.api.Assertions.assertThat;

/** The bias-free hard-margin SVM, primal and dual, each solved on its own by ojAlgo's QP solver. */
final class Svm {
    private Svm() {}

    /** w* = argmin ½‖w‖² s.t. y_n w·x_n ≥ 1. */
    static double[] primal(double[][] x, double[] y) {
        int d = x[0].length;
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        Variable[] w = new Variable[d];
        for (int i = 0; i < d; i++) w[i] = model.addVariable("w" + i);
        Expression objective = model.addExpression("objective").weight(0.5);
        for (int i = 0; i < d; i++) objective.set(w[i], w[i], 1);
        for (int n = 0; n < x.length; n++) {
            Expression c = model.addExpression("margin" + n).lower(1);
            for (int i = 0; i < d; i++) c.set(w[i], y[n] * x[n][i]);
        }
        Optimisation.Result r = model.minimise();
        assertThat(r.getState().isOptimal()).as("primal SVM: " + r.getState()).isTrue();
        double[] out = new double[d];
        for (int i = 0; i < d; i++) out[i] = r.doubleValue(i);
        return out;
    }

    /** α = argmin ½αᵀGα − 1ᵀα s.t. α ≥ 0, G_nm = y_n y_m x_n·x_m. */
    static double[] dual(double[][] x, double[] y) {
        int n = x.length;
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        Variable[] a = new Variable[n];
        for (int i = 0; i < n; i++) a[i] = model.addVariable("a" + i).lower(0).weight(-1);
        Expression q = model.addExpression("quadratic").weight(0.5);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double g = 0;
                for (int k = 0; k < x[0].length; k++) g += x[i][k] * x[j][k];
                q.set(a[i], a[j], y[i] * y[j] * g);
            }
        Optimisation.Result r = model.minimise();
        assertThat(r.getState().isOptimal()).as("dual SVM: " + r.getState()).isTrue();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.max(0, r.doubleValue(i));
        return out;
    }
}
