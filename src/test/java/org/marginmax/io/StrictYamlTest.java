package org.marginmax.io;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one strict binder, on a record of its own: errors name the file, the line, the key; the caller's exception. */
class StrictYamlTest {
    static final class SpecError extends UserInputException {
        SpecError(String m) { super(m); }
    }

    record Inner(Integer stepCount, List<Double> values) {}

    record Spec(String name, Inner inner, Integer limit) {
        Spec {
            if (limit != null && limit < 0) throw new StrictYaml.BadValue("limit", "must be 0 or more, got " + limit);
        }
    }

    static final StrictYaml.Rules LOOSE = new StrictYaml.Rules(false, SpecError::new);
    static final StrictYaml.Rules ALL_KEYS = new StrictYaml.Rules(true, SpecError::new);

    @Test void bindsSnakeCaseKeysAndOverrides() {
        String text = "name: a\ninner:\n  step_count: 3\n  values: [1.5, 2]\nlimit: 4\n";
        assertThat(StrictYaml.bind("f.yaml", text, Spec.class, LOOSE))
                .isEqualTo(new Spec("a", new Inner(3, List.of(1.5, 2.0)), 4));
        assertThat(StrictYaml.bind("f.yaml", text, List.of("inner.step_count=9", "name=b"), Spec.class, LOOSE))
                .isEqualTo(new Spec("b", new Inner(9, List.of(1.5, 2.0)), 4));
    }

    @Test void unknownKeyFirstWithItsLineAndTheAllowedKeys() {
        String text = "name: a\ninner:\n  step_cuont: 3\nlimit: x\n";
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", text, Spec.class, LOOSE)).isInstanceOf(SpecError.class)
                .hasMessage("f.yaml:3: unknown key 'inner.step_cuont' (allowed here: step_count, values)");
    }

    @Test void wrongTypeAndRejectedValueNameLineAndKey() {
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\ninner:\n  step_count: many\n", Spec.class, LOOSE))
                .isInstanceOf(SpecError.class).hasMessageStartingWith("f.yaml:3: key 'inner.step_count': expected a whole number");
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\n\nlimit: -2\n", Spec.class, LOOSE))
                .hasMessage("f.yaml:3: key 'limit': must be 0 or more, got -2");
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\nname: b\n", Spec.class, LOOSE))
                .isInstanceOf(SpecError.class).hasMessageContaining("f.yaml:").hasMessageContaining("name");
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "- 1\n", Spec.class, LOOSE))
                .hasMessage("f.yaml: expected a YAML mapping of keys (name, inner, limit)");
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\n", List.of("limit"), Spec.class, LOOSE))
                .hasMessageContaining("--set limit: expected key.path=value");
    }

    @Test void aFractionIsNotAWholeNumber() {
        // Jackson would truncate 2.5 to 2 by default: a typo such as stats_every: 2.5 must not run as 2
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\ninner:\n  step_count: 2.5\n", Spec.class, LOOSE))
                .isInstanceOf(SpecError.class).hasMessageStartingWith("f.yaml:3: key 'inner.step_count': expected a whole number");
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", "name: a\n", List.of("limit=100.5"), Spec.class, LOOSE))
                .isInstanceOf(SpecError.class)
                .hasMessageStartingWith("f.yaml with --set limit=100.5: key 'limit': expected a whole number");
        assertThat(StrictYaml.bind("f.yaml", "name: a\nlimit: 3\n", List.of("inner.values=[1, 2.5]"), Spec.class, LOOSE))
                .isEqualTo(new Spec("a", new Inner(null, List.of(1.0, 2.5)), 3));
    }

    @Test void everyKeyRequiredWhenTheRulesSaySo() {
        String text = "name: a\ninner:\n  step_count: 3\nlimit: 1\n";
        assertThat(StrictYaml.bind("f.yaml", text, Spec.class, LOOSE).inner().values()).isNull();
        assertThatThrownBy(() -> StrictYaml.bind("f.yaml", text, Spec.class, ALL_KEYS))
                .hasMessageStartingWith("f.yaml: missing key 'inner.values'");
    }
}
