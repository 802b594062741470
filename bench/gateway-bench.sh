#!/usr/bin/env bash
# One command: the tool gateway's benchmark (tool-gateway/README.md, "Benchmark"). In one run on this machine it
# measures raw in-process Lucene BM25 QPS, the same queries through the packaged gateway over gRPC (bearer auth,
# limits set high, metering on to a real embedded KRaft broker on 127.0.0.1) with the cache off and then on, and
# sandboxed python calls/s vs plain python3 spawns; it prints a Markdown table with the ratios and writes it to
# tool-gateway/target/bench/gateway-bench.md.
# Usage: bench/gateway-bench.sh [--docs N] [--queries N] [--calls N] [--code-calls N]
#        (defaults 100000 passages, 2000 distinct queries, 10000 measured calls per search row, 40 per code row)
# Set OTC_BENCH_SKIP_BUILD=1 to reuse the last build; OTC_BENCH_JAVA_OPTS=-Dbench.jfr=true records JFR profiles of the gateways. Numbers depend on machine load: run it on a quiet machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. "$ROOT/bin/find-jdk.sh"

if ! command -v bwrap >/dev/null 2>&1; then
  echo "gateway-bench: installing bubblewrap (apt-get)..." >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q bubblewrap >&2
fi

CP_FILE="$ROOT/tool-gateway/target/bench-classpath.txt"
if [ "${OTC_BENCH_SKIP_BUILD:-}" != 1 ] || [ ! -f "$CP_FILE" ]; then
  echo "gateway-bench: building otc-testkit, otc-tools and tool-gateway (tests skipped)..." >&2
  ./mvnw -B -q -pl otc-testkit,otc-tools,tool-gateway install -DskipTests >&2
  ./mvnw -B -q -pl tool-gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
fi

exec java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g ${OTC_BENCH_JAVA_OPTS:-} \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dorg.jboss.logging.provider=jboss \
  -cp "$ROOT/tool-gateway/target/test-classes:$ROOT/tool-gateway/target/classes:$(cat "$CP_FILE")" \
  ai.otc.gateway.bench.GatewayBench "$@"
