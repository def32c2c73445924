#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
# Netty's leak detector records a stack trace for 1 in 128 buffers: a debugging aid, off in
# production (SWITCHBOARD_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on).
# G1 even where the JVM would pick the serial collector (under 2 CPUs or 1792 MB): the options below
# are G1's, and a stop-the-world collection would stall the relay. Heap sizing: G1 grows the heap
# while connections are opened (TLS handshakes make garbage, and a busy machine stretches GC pauses,
# which G1 answers by growing) and keeps it. An idle server gives the memory back: once 5 s passed
# without a collection and with little allocation, serve has the JVM run one concurrent cycle
# (System.gc(), concurrent with ExplicitGCInvokesConcurrent; see IdleHeapReturn), once per spell of
# work rather than G1's periodic collection every 5 s of idleness, and at most 15% of the heap is
# free after it. This roughly halves the RSS per idle WSS session (bench memory-wss); 15% rather
# than 30% free, together with a lighter idle session, took it from 11.4-12.1 to 8.7-10.6 KB per
# further session (one server, 1000 -> 6000 sessions, three rounds each, 2026-12-02). Regions of
# 1 MB rather than the 4-16 MB G1 picks from the machine's RAM: the heap is committed and given back
# by the region, so small ones keep it close to what is live whatever the machine. The native heap
# (malloc) is trimmed every 5 s as well: the JIT's compiler arenas and BoringSSL's handshake buffers
# are freed but glibc keeps the pages (~20 MB of an idle server's RSS). JDKs before 17.0.11 lack
# that option; IgnoreUnrecognizedVMOptions lets them start without it. A concurrent cycle starts at
# 88% heap occupancy, not at G1's adaptive guess: in the small heap that the above leaves, the
# adaptive threshold started one after every other young collection under load, and each ended in a
# remark pause (4-10 ms) that shrank the heap, which the next collection grew again, page faults
# included (bench signaling, GC log: p99 relay latency past 5 ms). The threshold sits above the 85%
# occupancy that a shrink to 15% free leaves, so a shrunk heap does not start a cycle by itself
# being full. No hsperfdata (-XX:-UsePerfData): its sampler thread wakes every 50 ms and was about
# half of an idle server's CPU (measured: 11 ticks of 10 ms in 30 s with it, 8 in 40 s without),
# some 4% of what a paced TURN round bills per relayed packet (bench turn); jcmd PID still works,
# only jps/jstat no longer list the process. Options in SWITCHBOARD_JAVA_OPTS come later and win.
#
# Class archive (AppCDS): loading and verifying some 4000 classes is most of a start. When a build
# has no archive yet, `serve` starts as usual and a second JVM, in the background at low priority,
# starts and stops a throwaway server on loopback port 0 (serve --class-archive-training) with
# -XX:ArchiveClassesAtExit; the archive it writes is tried once (a JVM that maps a cut-short one
# crashes) and then kept. Later starts map it and are ready in about two thirds of the time. Only
# that helper JVM dumps: dumping refuses agents and JDKs without a base archive, and must never
# stop the server itself from starting. The archive lives in $XDG_CACHE_HOME/switchboard
# (~/.cache/switchboard), named after this file's path and its and the java binary's size, time
# and inode, so a new build or JDK gets a new one and the old one of the same path goes.
# SWITCHBOARD_CDS=off turns all of this off.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
FLAGS="-Dio.netty.leakDetection.level=disabled -XX:+UseG1GC -XX:+ExplicitGCInvokesConcurrent
  -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=15 -XX:G1HeapRegionSize=1m
  -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=88
  -XX:-UsePerfData -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000"
SELF="$0"
case "$SELF" in /*) ;; *) SELF="$(pwd -P)/$SELF" ;; esac
CDS=""
if [ "${SWITCHBOARD_CDS:-auto}" != off ]; then
  CACHE="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/switchboard"
  STAMP="$(stat -Lc '%s %Y %i' "$SELF" "$(command -v "$JAVA")" 2>/dev/null)" || STAMP=""
  if [ -n "$STAMP" ]; then
    PLACE="$(printf '%s\n' "$SELF" | cksum | cut -d ' ' -f 1)"
    BUILD="$(printf '%s\n' "$STAMP" | cksum | cut -d ' ' -f 1)"
    ARCHIVE="$CACHE/classes-$PLACE-$BUILD.jsa"
    if [ -f "$ARCHIVE" ]; then
      CDS="-XX:SharedArchiveFile=$ARCHIVE"
    elif [ "$1" = serve ] && mkdir -p "$CACHE" 2>/dev/null; then
      # A lock left by a helper that was killed is taken over after ten minutes.
      find "$CACHE" -maxdepth 1 -name "classes-$PLACE-*.lock" -mmin +10 -exec rmdir {} + 2>/dev/null
      if mkdir "$ARCHIVE.lock" 2>/dev/null; then
        (
          rm -f "$ARCHIVE.tmp"
          nice -n 19 "$JAVA" $FLAGS -XX:ArchiveClassesAtExit="$ARCHIVE.tmp" -Xlog:all=off -XX:ErrorFile=/dev/null \
            -XX:-CreateCoredumpOnCrash -jar "$SELF" serve --class-archive-training
          if [ -s "$ARCHIVE.tmp" ] && "$JAVA" -XX:SharedArchiveFile="$ARCHIVE.tmp" -Xshare:on -Xlog:all=off \
              -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -cp "$SELF" -version; then
            for OLD in "$CACHE/classes-$PLACE"-*.jsa; do
              [ "$OLD" = "$ARCHIVE" ] || rm -f "$OLD"
            done
            mv -f "$ARCHIVE.tmp" "$ARCHIVE"
          fi
          rm -f "$ARCHIVE.tmp"
          rmdir "$ARCHIVE.lock"
        ) </dev/null >/dev/null 2>&1 &
      fi
    fi
  fi
fi
exec "$JAVA" $FLAGS ${CDS:+"$CDS"} -Xlog:cds=off -Xlog:cds+dynamic=off \
  $SWITCHBOARD_JAVA_OPTS -jar "$SELF" "$@"
