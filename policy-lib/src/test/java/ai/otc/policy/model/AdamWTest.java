package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamW} against {@code torch.optim.AdamW} (+ {@code clip_grad_norm_} and verl's skip of non-finite steps):
 * the expected trajectories are {@code src/test/resources/adamw/reference.json}, written by
 * {@code bench/adamw_reference.py} with Debian's python3-torch. The gradients are given by the reference; they are
 * produced here by back-propagating {@code sum(w * g)}, whose gradient is exactly {@code g}.
 */
class AdamWTest {
  /** Absolute tolerance on every parameter after every step (the 1e-6). */
  static final double PARAM_TOL = 1e-6;

  static JsonNode reference() throws IOException {
    try (InputStream in = AdamWTest.class.getResourceAsStream("/adamw/reference.json")) {
      assertThat(in).as("adamw/reference.json on the test classpath").isNotNull();
      return JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(in);
    }
  }

  static Stream<String> cases() throws IOException {
    List<String> names = new ArrayList<>();
    reference().path("cases").forEach(c -> names.add(c.path("name").asText()));
    assertThat(names).contains("b2_0.98", "b2_0.98_wd", "b2_0.999", "b2_0.999_wd", "clip_1.0", "nonfinite");
    return names.stream();
  }

  static JsonNode caseNamed(String name) throws IOException {
    for (JsonNode c : reference().path("cases")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no case " + name);
  }

  static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a.get(i).asDouble();
    }
    return f;
  }

  static Shape shape(JsonNode s) {
    long[] d = new long[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = s.get(i).asLong();
    }
    return new Shape(d);
  }

  /** Sets each parameter's gradient to exactly {@code grads[i]} (accumulated onto zeroed gradients). */
  static void feedGradients(List<NDArray> params, JsonNode grads) {
    try (NDScope s = new NDScope(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      s.suppressNotUsedWarning();
      NDArray loss = null;
      for (int i = 0; i < params.size(); i++) {
        NDArray w = params.get(i);
        NDArray term = w.mul(w.getManager().create(floats(grads.get(i)), w.getShape())).sum();
        loss = loss == null ? term : loss.add(term);
      }
      gc.backward(loss);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void equalsTorchAdamWOverTwentySteps(String name) throws IOException {
    JsonNode c = caseNamed(name);
    AdamW.Settings settings = new AdamW.Settings((float) c.path("beta1").asDouble(), (float) c.path("beta2").asDouble(),
        (float) c.path("eps").asDouble(), (float) c.path("weight_decay").asDouble(),
        (float) c.path("max_grad_norm").asDouble());
    try (NDManager mg = DjlRuntime.engine().newBaseManager()) {
      List<NDArray> params = new ArrayList<>();
      Map<String, NDArray> named = new LinkedHashMap<>();
      for (int i = 0; i < c.path("shapes").size(); i++) {
        NDArray p = mg.create(floats(c.path("initial").get(i)), shape(c.path("shapes").get(i)));
        p.setRequiresGradient(true);
        params.add(p);
        named.put("p" + i, p);
      }
      AdamW opt = new AdamW(named, settings);
      double worst = 0;
      for (JsonNode step : c.path("steps")) {
        int s = step.path("step").asInt();
        feedGradients(params, step.path("grads"));
        AdamW.StepResult r = opt.step((float) step.path("lr").asDouble());
        assertThat(r.applied()).as("%s step %d applied", name, s).isEqualTo(!step.path("skipped").asBoolean(false));
        if (step.has("grad_norm")) {
          double want = step.path("grad_norm").asDouble();
          if (Double.isFinite(want)) {
            assertThat((double) r.gradNorm()).as("%s step %d grad norm", name, s).isCloseTo(want, within(1e-6 * want));
          } else {
            assertThat(Float.isFinite(r.gradNorm())).as("%s step %d grad norm %s", name, s, r.gradNorm()).isFalse();
          }
        }
        for (int i = 0; i < params.size(); i++) {
          float[] got = params.get(i).toFloatArray();
          float[] want = floats(step.path("params").get(i));
          for (int k = 0; k < want.length; k++) {
            worst = Math.max(worst, Math.abs(got[k] - want[k]));
            assertThat((double) got[k]).as("%s step %d param %d[%d]", name, s, i, k).isCloseTo(want[k], within(PARAM_TOL));
          }
          try (NDArray g = params.get(i).getGradient()) {
            assertThat(g.toFloatArray()).as("%s step %d: gradient zeroed", name, s).containsOnly(0f);
          }
        }
      }
      System.out.printf("AdamW vs torch, case %s: max |param difference| over %d steps %.3g%n", name,
          c.path("steps").size(), worst);
      assertThat(opt.steps()).isEqualTo(c.path("final_step").asInt());
      assertThat(opt.skipped()).isEqualTo(c.path("skipped").asInt());
      int i = 0;
      for (NDArray[] mv : opt.moments().values()) {
        float[] m = mv[0].toFloatArray();
        float[] v = mv[1].toFloatArray();
        float[] wantM = floats(c.path("final_exp_avg").get(i));
        float[] wantV = floats(c.path("final_exp_avg_sq").get(i));
        for (int k = 0; k < m.length; k++) {
          assertThat((double) m[k]).as("%s exp_avg %d[%d]", name, i, k).isCloseTo(wantM[k], within(1e-6 * Math.abs(wantM[k]) + 1e-12));
          assertThat((double) v[k]).as("%s exp_avg_sq %d[%d]", name, i, k).isCloseTo(wantV[k], within(1e-6 * Math.abs(wantV[k]) + 1e-15));
        }
        i++;
      }
    }
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> new AdamW.Settings(1f, 0.98f, 1e-8f, 0f, 1f)).hasMessageContaining("beta1");
    assertThatThrownBy(() -> new AdamW.Settings(0.9f, -0.1f, 1e-8f, 0f, 1f)).hasMessageContaining("beta2");
    assertThatThrownBy(() -> new AdamW.Settings(0.9f, 0.98f, 0f, 0f, 1f)).hasMessageContaining("eps");
    assertThatThrownBy(() -> new AdamW.Settings(0.9f, 0.98f, 1e-8f, Float.NaN, 1f)).hasMessageContaining("weight decay");
    assertThatThrownBy(() -> new AdamW.Settings(0.9f, 0.98f, 1e-8f, 0f, -1f)).hasMessageContaining("max grad norm");
  }
}
