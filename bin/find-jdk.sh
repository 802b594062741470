# Sourced by ./mvnw, ./otc and .ci/run: point JAVA_HOME at a JDK >= 21.
# Keeps JAVA_HOME when it already is one; else takes the newest under /usr/lib/jvm
# (OTC_JVM_DIR overrides that folder, for tests).
# The default `java` on these machines is 17, which Lucene 10 and Quarkus 3.34 refuse.
otc_jdk_major() {
  # prints the feature version of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
otc_find_jdk() {
  local v best="" best_v=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(otc_jdk_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
  fi
  for d in "${OTC_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -d "$d" ] || continue
    v=$(otc_jdk_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "otc: no JDK 21 or newer found (JAVA_HOME='${JAVA_HOME:-}' is not one, and none is under ${OTC_JVM_DIR:-/usr/lib/jvm}); install one, e.g. 'apt-get install -y openjdk-21-jdk-headless', or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
otc_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
