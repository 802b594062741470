package ai.otc.learner.update;

import ai.djl.ndarray.NDArray;
import ai.otc.learner.batch.Sample;
import ai.otc.policy.model.Grad;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.ValueModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The PyTorch reference of {@code bench/learner_reference.py} ({@code reference/update-step.json}). */
final class Reference {
  final JsonNode root;
  final ModelConfig config;

  Reference() {
    try (InputStream in = Reference.class.getResourceAsStream("/reference/update-step.json")) {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonNode m = root.path("model");
    config = new ModelConfig(m.path("vocab").asInt(), m.path("d").asInt(), m.path("layers").asInt(),
        m.path("heads").asInt(), m.path("ff").asInt(), m.path("context").asInt(), false, "cpu", 0);
  }

  double setting(String name) {
    return root.path("settings").path(name).asDouble();
  }

  /** Weights under {@code path} (e.g. "actor", "grpo/actor"). */
  Map<String, float[]> weights(String path) {
    JsonNode n = root;
    for (String p : path.split("/")) {
      n = n.path(p);
    }
    Map<String, float[]> w = new LinkedHashMap<>();
    n.properties().forEach(e -> w.put(e.getKey(), floats(e.getValue())));
    return w;
  }

  double[] list(String path) {
    JsonNode n = root;
    for (String p : path.split("/")) {
      n = n.path(p);
    }
    double[] d = new double[n.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = n.get(i).asDouble();
    }
    return d;
  }

  List<Sample> samples() {
    List<Sample> out = new ArrayList<>();
    int k = 0;
    for (JsonNode s : root.path("samples")) {
      int[] tokens = ints(s.path("tokens"));
      int g = s.path("group").asInt();
      out.add(new Sample("t" + k++, "g" + g, "g" + g + "@otc", tokens, s.path("prompt_length").asInt(),
          ints(s.path("loss_mask")), floats(s.path("old_log_probs")), s.path("advantage").asDouble(),
          s.path("reward").asDouble(), s.path("reward").asDouble() == 1.0, 1, "1p", 1, 0, false));
    }
    return out;
  }

  /** The reference critic: its trunk through {@code ValueModel.fromWarmStart}, then its head written in. */
  ValueModel critic() {
    Map<String, float[]> w = weights("critic");
    ValueModel v = ValueModel.fromWarmStart(config, w, 0);
    try (Grad off = Grad.disabled()) {
      for (String name : List.of("value.w", "value.b")) {
        NDArray p = v.model().parameters().get(name);
        p.set(FloatBuffer.wrap(w.get(name)));
      }
    }
    return v;
  }

  static float[] floats(JsonNode n) {
    float[] f = new float[n.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) n.get(i).asDouble();
    }
    return f;
  }

  static int[] ints(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  /** Largest |a − b| over every weight; throws when the names differ. */
  static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      throw new AssertionError("weight names differ: " + a.keySet() + " vs " + b.keySet());
    }
    double max = 0;
    for (String k : a.keySet()) {
      float[] x = a.get(k);
      float[] y = b.get(k);
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }
}
