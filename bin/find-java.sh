# Sourced by bin/junction and .ci/run: sets JUNCTION_JAVA_HOME to a JDK 21 or newer.
# Order: JAVA_HOME, then `java` on the PATH, then the usual install folders (newest first).

junction_java_version() { # prints the feature version of the java binary $1 (8 for 1.8)
  local spec
  spec=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
  case "$spec" in
    1.*) echo "${spec#1.}" ;;
    "") echo 0 ;;
    *) echo "$spec" ;;
  esac
}

junction_find_java() {
  local candidate version best="" best_version=0
  # JAVA_HOME, then java on the PATH: the first that is 21+ wins
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} $(command -v java 2>/dev/null || true); do
    if [ -x "$candidate" ] && [ "$(junction_java_version "$candidate")" -ge 21 ]; then
      best="$candidate"
      break
    fi
  done
  # otherwise the newest JDK in the usual install folders
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*jdk*/bin/java \
        /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java "$HOME"/.sdkman/candidates/java/*/bin/java; do
      [ -x "$candidate" ] || continue
      version=$(junction_java_version "$candidate")
      if [ "$version" -ge 21 ] && [ "$version" -gt "$best_version" ]; then
        best="$candidate"
        best_version="$version"
      fi
    done
  fi
  if [ -z "$best" ]; then
    echo "Junction needs a JDK 21 or newer, and none was found (looked at JAVA_HOME, java on the PATH," >&2
    echo "/usr/lib/jvm, /opt, /Library/Java/JavaVirtualMachines and SDKMAN). Install one (e.g. Temurin 21+)" >&2
    echo "and set JAVA_HOME to it." >&2
    return 1
  fi
  JUNCTION_JAVA_HOME=$(cd "$(dirname "$(readlink -f "$best")")/.." && pwd)
  export JUNCTION_JAVA_HOME
}
