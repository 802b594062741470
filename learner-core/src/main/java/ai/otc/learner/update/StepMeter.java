package ai.otc.learner.update;

import ai.otc.policy.model.AdamW;

/** Accumulates one training step's metrics (package-private); see {@link UpdateStats} for the averaging rules. */
final class StepMeter {
  private double tokens;
  private double entropy;
  private double kl;
  private double clipFrac;
  private double clipFracLower;
  private double ppoKl;
  private int actorSteps;
  private double objective;
  private double pg;
  private double gradNorm;
  private int gradNorms;
  private int nonFinite;
  private boolean initial;
  private double ratioMean = 1;
  private double ratioDev;
  private double criticTokens;
  private double valueClip;
  private int criticSteps;
  private double valueLoss;
  private double criticGradNorm;
  private int criticGradNorms;

  void actorTokens(double n, double ent, double k, double cf, double cfl, double pk) {
    tokens += n;
    entropy += ent * n;
    kl += k * n;
    clipFrac += cf * n;
    clipFracLower += cfl * n;
    ppoKl += pk * n;
  }

  boolean hasInitialRatio() {
    return initial;
  }

  void initialRatio(double mean, double dev) {
    initial = true;
    ratioMean = mean;
    ratioDev = dev;
  }

  void actorStep(double obj, double pgLoss, AdamW.StepResult r) {
    actorSteps++;
    objective += obj;
    pg += pgLoss;
    if (r.applied()) {
      gradNorm += r.gradNorm();
      gradNorms++;
    } else {
      nonFinite++;
    }
  }

  void criticTokens(double n, double clipFraction) {
    criticTokens += n;
    valueClip += clipFraction * n;
  }

  void criticStep(double loss, AdamW.StepResult r) {
    criticSteps++;
    valueLoss += loss;
    if (r.applied()) {
      criticGradNorm += r.gradNorm();
      criticGradNorms++;
    } else {
      nonFinite++;
    }
  }

  UpdateStats stats(long step, double lr, double clr, int trajectories, long lossTokens, int groupsSkipped,
      int trajSkipped, StepInputs in, double seconds) {
    return new UpdateStats(step, true, div(objective, actorSteps), div(pg, actorSteps), div(kl, tokens),
        div(entropy, tokens), div(clipFrac, tokens), div(clipFracLower, tokens), div(ppoKl, tokens), ratioMean,
        ratioDev, div(gradNorm, gradNorms), div(valueLoss, criticSteps), div(valueClip, criticTokens),
        div(criticGradNorm, criticGradNorms), in.rewardKl, lr, clr, trajectories, lossTokens, groupsSkipped,
        trajSkipped, in.corrected, in.weightMean, gradNorms, nonFinite, seconds);
  }

  private static double div(double a, double b) {
    return b == 0 ? 0 : a / b;
  }
}
