package ai.otc.policy.model;

import java.util.Random;

/** Manual probe (not a test): train-step speed of the default model. */
public class SpeedProbe {
  public static void main(String[] a) {
    int V = 150, B = Integer.parseInt(a[0]), T = Integer.parseInt(a[1]);
    ModelConfig c = ModelConfig.defaults(V).withDevice("cpu");
    try (PolicyModel m = new PolicyModel(c)) {
      LmTrainer tr = new LmTrainer(m, 0f);
      Random r = new Random(1);
      int[][] toks = new int[B][T];
      float[][] mask = new float[B][T];
      for (int i = 0; i < B; i++) for (int j = 0; j < T; j++) { toks[i][j] = 3 + r.nextInt(V - 3); mask[i][j] = 1; }
      for (int s = 0; s < 5; s++) tr.step(toks, mask, T, 1e-3f);
      long t0 = System.nanoTime();
      int n = 20;
      float l = 0;
      for (int s = 0; s < n; s++) l = tr.step(toks, mask, T, 1e-3f);
      double sec = (System.nanoTime() - t0) / 1e9;
      System.out.printf("B=%d T=%d loss=%.3f %.1f ms/step %.0f tok/s%n", B, T, l, sec * 1000 / n, (double) B * (T - 1) * n / sec);
    }
  }
}
