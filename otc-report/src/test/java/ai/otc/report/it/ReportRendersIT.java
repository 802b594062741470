package ai.otc.report.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.report.DemoReport;
import ai.otc.report.Summary;
import ai.otc.report.support.Chromium;
import ai.otc.report.support.SyntheticDemo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser (headless Chromium): every chart decodes (naturalWidth &gt; 0), nothing reports an
 * error (script errors, failed resources, console.error), the tables are there. A probe script, placed first in the
 * head of a copy, records errors from the start and writes its findings into the DOM at load, which
 * {@code --dump-dom} returns. Two controls show the probe fails when it should: a broken image, a throwing script.
 */
class ReportRendersIT {

  private static final String PROBE = """
      <script>
      window.__errors = [];
      window.addEventListener('error', function (e) {
        var t = e.target;
        window.__errors.push(t && t !== window && t.tagName ? 'resource ' + t.tagName + ' failed to load' : 'error: ' + e.message);
      }, true);
      (function () {
        var original = console.error;
        console.error = function () { window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
      })();
      window.addEventListener('load', function () {
        var imgs = document.images, loaded = 0, broken = [];
        for (var i = 0; i < imgs.length; i++) {
          if (imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].naturalHeight > 0) { loaded++; } else { broken.push(imgs[i].alt); }
        }
        var d = document.createElement('pre');
        d.id = 'otc-probe';
        d.textContent = JSON.stringify({images: imgs.length, loaded: loaded, broken: broken, errors: window.__errors,
          tables: document.querySelectorAll('table').length, h2: document.querySelectorAll('h2').length});
        document.body.appendChild(d);
      });
      </script>
      """;

  @TempDir Path dir;

  @Test
  void theReportRendersWithEveryChartAndNoError() throws Exception {
    String html = report();
    JsonNode probe = probe(html, "ok");
    assertThat(probe.path("images").asInt()).isEqualTo(8);
    assertThat(probe.path("loaded").asInt()).isEqualTo(8);
    assertThat(probe.path("broken")).isEmpty();
    assertThat(probe.path("errors")).as("errors in the page").isEmpty();
    assertThat(probe.path("tables").asInt()).isGreaterThanOrEqualTo(10);
    assertThat(probe.path("h2").asInt()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void theProbeSeesABrokenChartAndAThrowingScript() throws Exception {
    String html = report();
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]{40})").matcher(html);
    assertThat(m.find()).isTrue();
    String broken = html.substring(0, m.start(1)) + "AAAA" + html.substring(m.start(1) + 4);
    JsonNode probe = probe(broken, "broken-image");
    assertThat(probe.path("loaded").asInt()).isEqualTo(7);
    assertThat(probe.path("broken")).hasSize(1);
    assertThat(probe.path("errors").toString()).contains("resource IMG failed to load");

    String throwing = html.replace("</main>", "<script>undefinedFunctionOfTheReport();</script></main>");
    assertThat(probe(throwing, "throwing").path("errors").toString()).contains("undefinedFunctionOfTheReport");
  }

  private String report() throws Exception {
    Summary s = DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), dir.resolve("run"));
    return Files.readString(s.reportHtml());
  }

  private JsonNode probe(String html, String name) throws Exception {
    Path work = Files.createDirectories(dir.resolve(name));
    Path page = work.resolve("report.html");
    Files.writeString(page, html.replaceFirst("<head>", "<head>\n" + Matcher.quoteReplacement(PROBE)));
    String dom = Chromium.dumpDom(page, work, Duration.ofSeconds(120));
    Matcher m = Pattern.compile("<pre id=\"otc-probe\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("the probe's findings in the DOM Chromium dumped (%d chars)", dom.length()).isTrue();
    String json = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    return new ObjectMapper().readTree(json);
  }
}
