# Sourced by the launchers (bin/engram of the distribution, ./engram of a checkout): the JVM
# options for a short-lived command-line tool, measured in docs/BENCHMARKS.md ("Command-line
# tool"). Call engram_jvm_options with the command's arguments; it sets the array engram_jvm.
#
# - the serial collector (no collector threads competing with ours), a small young generation,
#   and large arrays allocated straight in the old one (the content of queued entries is never
#   copied by a collection); NIO's per-thread direct buffers not kept beyond 1 MiB;
# - only the quick first compiler (C1) unless the command hashes or queries much content: the
#   optimising one spends a second of CPU on a 3-second pack, but SHA-256 is fast only in its
#   code.
engram_jvm_options() {
  engram_jvm=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms32m -Xmn16m
    -XX:PretenureSizeThreshold=256k -Djdk.nio.maxCachedBufferSize=1048576)
  case " $* " in
    *" verify "* | *" query "* | *" sql "* | *" --manifest"* | *" --sign"*) ;;
    *) engram_jvm+=(-XX:TieredStopAtLevel=1) ;;
  esac
}

# The options that use an ahead-of-time class cache ($1) if it exists; the JVM checks that it
# matches the jar and the runtime, and ignores it, silently, when not.
engram_aot_options() {
  if [ -f "$1" ]; then
    engram_jvm+=(-XX:AOTCache="$1" "-Xlog:aot*=off" "-Xlog:cds*=off")
  fi
}
