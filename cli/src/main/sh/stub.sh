#!/bin/sh
# Switchboard: a shell stub followed by a jar. Run it directly, or as java -jar switchboard.
# Netty's leak detector records a stack trace for 1 in 128 buffers: a debugging aid, off in
# production (SWITCHBOARD_JAVA_OPTS=-Dio.netty.leakDetection.level=simple turns it back on).
# Heap sizing: G1 grows the heap while connections are opened (TLS handshakes make garbage, and a
# busy machine stretches GC pauses, which G1 answers by growing) and keeps it. An idle server
# gives the memory back: a periodic GC once 5 s passed without one (G1 looks every 5 s), and at
# most 30% of the heap free after it. This roughly halves the RSS per idle WSS session (bench
# memory-wss). Regions of 1 MB rather than the 4-16 MB G1 picks from the machine's RAM: the heap
# is committed and given back by the region, so small ones keep it close to what is live whatever
# the machine. The native heap (malloc) is trimmed every 5 s as well: the JIT's compiler arenas and
# BoringSSL's handshake buffers are freed but glibc keeps the pages (~20 MB of an idle server's
# RSS). JDKs before 17.0.11 lack that option; IgnoreUnrecognizedVMOptions lets them start without
# it. Options in SWITCHBOARD_JAVA_OPTS come later and win.
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$JAVA" -Dio.netty.leakDetection.level=disabled \
  -XX:G1PeriodicGCInterval=5000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1HeapRegionSize=1m \
  -XX:+IgnoreUnrecognizedVMOptions -XX:TrimNativeHeapInterval=5000 \
  $SWITCHBOARD_JAVA_OPTS -jar "$0" "$@"
