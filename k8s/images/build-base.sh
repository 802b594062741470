#!/usr/bin/env bash
# Base images for the service images, without a registry: a Debian 12 root filesystem from Debian's own packages
# (mmdebstrap) plus a Java runtime made by jlink from the build's JDK, written as `docker save` archives that Jib
# reads with `tar://` (k8s/README.md "Images"). Run as root (mmdebstrap); kept when they exist (delete to rebuild).
#
#   k8s/images/build-base.sh OUT_DIR [true]      (true: the gateway's base only, what CI builds: bin/test-images)
#     OUT_DIR/base-java.tar      Debian minbase + libstdc++6 + libgomp1 (DJL's libtorch) + the JRE in /opt/java
#     OUT_DIR/base-gateway.tar   the same + bubblewrap, util-linux (prlimit, setpriv), python3 (the code sandbox)
#     OUT_DIR/base-python.tar    Debian minbase + python3-confluent-kafka, -protobuf, -prometheus-client (topic exporter)
set -euo pipefail
OUT="${1:?usage: build-base.sh OUT_DIR [gateway-only: true|false]}"
GATEWAY_ONLY="${2:-false}"
case "$GATEWAY_ONLY" in true|false) ;; *) echo "build-base.sh: the second argument (otc.images.gateway-only) must be true or false, was '$GATEWAY_ONLY'" >&2; exit 2;; esac
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$OUT"
command -v mmdebstrap >/dev/null || { echo "build-base.sh: mmdebstrap is missing (apt-get install -y mmdebstrap)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "build-base.sh: run as root (mmdebstrap's root mode)" >&2; exit 1; }
JAVA_HOME="${JAVA_HOME:-}"
if [ -z "$JAVA_HOME" ] || [ ! -x "$JAVA_HOME/bin/jlink" ]; then
  JAVA_HOME="$(ls -d /usr/lib/jvm/temurin-2[1-9]* /usr/lib/jvm/*-2[1-9]* 2>/dev/null | sort -V | tail -n1 || true)"
fi
[ -x "$JAVA_HOME/bin/jlink" ] || { echo "build-base.sh: no JDK >= 21 with jlink (set JAVA_HOME)" >&2; exit 1; }

# Kept between runs, each with a stamp of what made it: a different JDK or package list rebuilds it, an interrupted
# run leaves only *.tmp* files, which the next run replaces.
# every module of the JDK but its development tools (JDK 24+ links from the runtime image: no jmods needed)
MODS="$("$JAVA_HOME/bin/java" --list-modules | sed 's/@.*//' | grep -v -E \
  '^jdk\.(jpackage|jlink|javadoc|jshell|jdeps|jconsole|compiler|jartool|hotspot\.agent|jstatd|editpad|internal\.(ed|jshell|opt|le)|jdi|jdwp\.agent|jcmd|random)$' \
  | paste -sd, -)"
JRE_STAMP="$("$JAVA_HOME/bin/java" -version 2>&1 | tr '\n' ' ') $MODS"
if [ ! -d "$OUT/jre" ] || [ "$(cat "$OUT/jre.stamp" 2>/dev/null)" != "$JRE_STAMP" ]; then
  echo "build-base.sh: jlink from $JAVA_HOME"
  rm -rf "$OUT/jre" "$OUT/jre.stamp"
  rm -rf "$OUT/jre.tmp"
  "$JAVA_HOME/bin/jlink" --add-modules "$MODS" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --output "$OUT/jre.tmp"
  mv "$OUT/jre.tmp" "$OUT/jre"
  printf '%s' "$JRE_STAMP" > "$OUT/jre.stamp"
fi

rootfs() {   # name, extra packages
  local name="$1" pkgs="$2"
  local stamp="bookworm minbase $pkgs uid 10001"
  if [ ! -f "$OUT/rootfs-$name.tar" ] || [ "$(cat "$OUT/rootfs-$name.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "build-base.sh: rootfs $name (+ $pkgs)"
    rm -f "$OUT/rootfs-$name.tar" "$OUT/rootfs-$name.stamp" "$OUT/rootfs-$name.tmp.tar"
    mmdebstrap --quiet --mode=root --variant=minbase --include="$pkgs" \
      --customize-hook='chroot "$1" sh -c "groupadd -g 10001 otc && useradd -u 10001 -g 10001 -M -d /app -s /usr/sbin/nologin otc"' \
      --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
      bookworm "$OUT/rootfs-$name.tmp.tar"   # mmdebstrap picks the format from the extension
    mv "$OUT/rootfs-$name.tmp.tar" "$OUT/rootfs-$name.tar"
    printf '%s' "$stamp" > "$OUT/rootfs-$name.stamp"
  fi
}
rootfs gateway "libstdc++6,libgomp1,bubblewrap,util-linux,python3"
python3 "$HERE/docker_archive.py" "$OUT/base-gateway.tar" otc/base-gateway:bookworm \
  "$OUT/rootfs-gateway.tar" "$OUT/jre=/opt/java"
if [ "$GATEWAY_ONLY" = false ]; then
  rootfs java "libstdc++6,libgomp1"
  rootfs python "python3,python3-confluent-kafka,python3-protobuf,python3-prometheus-client"
  python3 "$HERE/docker_archive.py" "$OUT/base-java.tar" otc/base-java:bookworm \
    "$OUT/rootfs-java.tar" "$OUT/jre=/opt/java"
  python3 "$HERE/docker_archive.py" "$OUT/base-python.tar" otc/base-python:bookworm "$OUT/rootfs-python.tar"
fi
ls -la "$OUT"/base-*.tar
