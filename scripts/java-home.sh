# Sourced by the project's scripts: points JAVA_HOME at a JDK 25 or newer.
# Order: $ENGRAM_JAVA_HOME, then $JAVA_HOME if it is 25+, then /usr/lib/jvm/*25* (and newer).

engram_java_major() {
  # a JDK's release file names its version: reading it is much faster than starting the JVM
  if [ -f "$1/release" ] && grep -q '^JAVA_VERSION="' "$1/release"; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
    return
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

engram_find_java_home() {
  local candidate
  for candidate in "${ENGRAM_JAVA_HOME:-}" "${JAVA_HOME:-}" \
      /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[5-9]* /usr/lib/jvm/java-2[5-9]* \
      /usr/lib/jvm/jdk-2[5-9]*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major=$(engram_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(engram_find_java_home); then
  echo "error: no JDK 25 or newer found; install one or set ENGRAM_JAVA_HOME to it" >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
