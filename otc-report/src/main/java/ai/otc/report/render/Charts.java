package ai.otc.report.render;

import ai.otc.report.stats.Curve;
import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.RewardStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn by JFreeChart headless ({@code java.awt.headless=true}) into PNG bytes: one line chart
 * per training curve (a line per run coloured by reward; with several seeds, the seeds thin and faint behind their
 * mean) and bar charts per question
 * kind. The names are the files' names under {@code plots/} without {@code .png}.
 */
public final class Charts {

  /** Width and height of every chart, in pixels. */
  public static final int WIDTH = 640;
  public static final int HEIGHT = 360;

  /** The training curves, in the order the report shows them: name, title, y-axis label. */
  static final List<String[]> CURVES = List.of(
      new String[] {"curve-em", "EM per step", "EM"},
      new String[] {"curve-tc", "Tool calls per step (TC)", "TC"},
      new String[] {"curve-tp", "Tool productivity per step (TP)", "TP"},
      new String[] {"curve-reward", "Mean reward per step", "mean reward"},
      new String[] {"curve-kl", "KL to the reference per step", "KL"},
      new String[] {"curve-excess", "Calls above the optimum per rollout batch", "mean(m − min calls)"});

  private static final Map<String, Color> COLOURS = Map.of(
      "em", new Color(0x5B, 0x6B, 0x7F), "otc-grpo", new Color(0xE0, 0x6C, 0x1F), "otc-ppo", new Color(0x2A, 0x8C, 0x5A),
      "initial", new Color(0x9A, 0x9A, 0x9A), "minimum", new Color(0x22, 0x22, 0x22));
  private static final Color[] MORE = {new Color(0x7B, 0x4F, 0xB8), new Color(0xC2, 0x3B, 0x5A), new Color(0x1F, 0x7A, 0xB8)};

  private Charts() {}

  /** Every chart of the report as PNG bytes, by name, in the order the report shows them. */
  public static Map<String, byte[]> render(DemoResult r) {
    // No display is needed or wanted: a report is built on servers and in CI. Set before AWT's first use.
    System.setProperty("java.awt.headless", "true");
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < CURVES.size(); i++) {
      String[] c = CURVES.get(i);
      out.put(c[0], png(curveChart(r, i, c[1], c[2])));
    }
    out.put("kind-calls", png(kindChart(r, "Mean tool calls per question kind (test split)", "mean calls", true)));
    out.put("kind-optimal-rate", png(kindChart(r, "Optimal-call rate per question kind (test split)", "optimal-call rate", false)));
    return out;
  }

  /** The (x, y) points of one curve: per step, or per batch at x = batch + 1; undefined values left out. */
  private static List<double[]> points(Curve c, int which) {
    List<double[]> out = new ArrayList<>();
    if (which == 5) {
      for (int k = 0; k < c.batch().size(); k++) {
        out.add(new double[] {c.batch().get(k) + 1, c.callsAboveOptimum().get(k)});
      }
      return out;
    }
    List<Double> ys = switch (which) {
      case 0 -> c.em();
      case 1 -> c.tc();
      case 2 -> c.tp();
      case 3 -> c.meanReward();
      default -> c.kl();
    };
    for (int k = 0; k < c.step().size(); k++) {
      if (ys.get(k) != null) {
        out.add(new double[] {c.step().get(k), ys.get(k)});
      }
    }
    return out;
  }

  /** The colour of a reward's lines and bars. */
  static Color colour(String reward) {
    Color c = COLOURS.get(reward);
    return c != null ? c : MORE[Math.floorMod(reward.hashCode(), MORE.length)];
  }

  private static JFreeChart curveChart(DemoResult r, int which, String title, String yLabel) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    Map<String, List<Curve>> byReward = new LinkedHashMap<>();
    r.curves().values().forEach(c -> byReward.computeIfAbsent(c.reward(), k -> new ArrayList<>()).add(c));
    for (Map.Entry<String, List<Curve>> e : byReward.entrySet()) {
      Color colour = colour(e.getKey());
      boolean several = e.getValue().size() > 1;
      Map<Double, double[]> sums = new TreeMap<>();
      for (Curve c : e.getValue()) {
        XYSeries s = new XYSeries(c.reward() + " s" + c.seed(), true, true);
        for (double[] p : points(c, which)) {
          s.add(p[0], p[1]);
          double[] acc = sums.computeIfAbsent(p[0], x -> new double[2]);
          acc[0] += p[1];
          acc[1]++;
        }
        int i = data.getSeriesCount();
        data.addSeries(s);
        renderer.setSeriesShapesVisible(i, s.getItemCount() <= 12);
        if (several) {
          // each seed thin and faint behind the mean
          renderer.setSeriesPaint(i, new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 80));
          renderer.setSeriesStroke(i, new BasicStroke(1f));
          renderer.setSeriesVisibleInLegend(i, false);
        } else {
          renderer.setSeriesPaint(i, colour);
          renderer.setSeriesStroke(i, new BasicStroke(2.2f));
        }
      }
      if (several) {
        XYSeries mean = new XYSeries(e.getKey() + " (mean of " + e.getValue().size() + " seeds)", true, true);
        sums.forEach((x, acc) -> mean.add((double) x, acc[0] / acc[1]));
        int i = data.getSeriesCount();
        data.addSeries(mean);
        renderer.setSeriesPaint(i, colour);
        renderer.setSeriesStroke(i, new BasicStroke(2.6f));
        renderer.setSeriesShapesVisible(i, mean.getItemCount() <= 12);
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, which == 5 ? "learner step (batch + 1)" : "learner step",
        yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(renderer);
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    style(chart);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    return chart;
  }

  private static JFreeChart kindChart(DemoResult r, String title, String yLabel, boolean calls) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<String> kinds = r.kinds();
    if (r.initial() != null) {
      addKinds(data, "initial", r.initial().byKind(), kinds, calls);
    }
    for (RewardStats s : r.rewards().values()) {
      addKinds(data, s.reward(), s.byKind(), kinds, calls);
    }
    if (calls) {
      for (String k : kinds) {
        Double min = minimumOf(r, k);
        data.addValue(min, "minimum", k);
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(title, "question kind", yLabel, data, PlotOrientation.VERTICAL,
        true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    for (int i = 0; i < data.getRowCount(); i++) {
      Paint p = colour(data.getRowKey(i).toString());
      renderer.setSeriesPaint(i, p);
    }
    style(chart);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    return chart;
  }

  private static void addKinds(DefaultCategoryDataset data, String row, Map<String, EvalStats> byKind, List<String> kinds,
      boolean calls) {
    for (String k : kinds) {
      EvalStats s = byKind.get(k);
      data.addValue(s == null ? null : calls ? s.tc() : s.optimalCallRate(), row, k);
    }
  }

  private static Double minimumOf(DemoResult r, String kind) {
    for (RewardStats s : r.rewards().values()) {
      EvalStats k = s.byKind().get(kind);
      if (k != null && k.optimalTc() != null) {
        return k.optimalTc();
      }
    }
    EvalStats k = r.initial() == null ? null : r.initial().byKind().get(kind);
    return k == null ? null : k.optimalTc();
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
  }

  private static byte[] png(JFreeChart chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException("rendering the chart '" + chart.getTitle().getText() + "'", e);
    }
    return out.toByteArray();
  }
}
