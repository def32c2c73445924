import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signaling load: N WebSocket clients in M rooms, each sending {@code signal} messages to the next
 * member of its room at a fixed rate; reports sessions, delivered messages/s and relay latency
 * percentiles (send to receipt, both in this process). Bounded in clients and time; loopback only.
 *
 * <pre>java bench/signaling-load/SignalingLoad.java ws://127.0.0.1:8443/ws [clients] [rooms] [seconds] [perClientPerSecond]</pre>
 * Start the server with bench/signaling-load/switchboard-bench.yaml (plain ws://, no per-IP limit).
 */
public final class SignalingLoad {

  private static final Pattern PEER_ID = Pattern.compile("\"peerId\":\"([^\"]+)\"");
  private static final Pattern SENT_AT = Pattern.compile("\"t\":(\\d+)");

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args.length > 0 ? args[0] : "ws://127.0.0.1:8443/ws");
    int clients = Math.min(2000, args.length > 1 ? Integer.parseInt(args[1]) : 200);
    int rooms = Math.max(1, Math.min(clients, args.length > 2 ? Integer.parseInt(args[2]) : clients / 4));
    int seconds = Math.min(60, args.length > 3 ? Integer.parseInt(args[3]) : 10);
    int rate = Math.min(40, args.length > 4 ? Integer.parseInt(args[4]) : 10);
    if (!InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
      throw new IllegalArgumentException("loopback targets only: " + uri.getHost());
    }
    HttpClient http = HttpClient.newHttpClient();
    ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
    AtomicLong delivered = new AtomicLong();
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Client c = new Client(latenciesMicros, delivered);
      c.ws = http.newWebSocketBuilder().buildAsync(uri, c).get(10, TimeUnit.SECONDS);
      c.welcome.await(10, TimeUnit.SECONDS);
      c.room = "load-" + (i % rooms);
      c.ws.sendText("{\"type\":\"join\",\"room\":\"" + c.room + "\",\"capacity\":" + Math.max(2, clients / rooms + 1) + "}", true).join();
      all.add(c);
    }
    // Each client signals the next member of its room.
    for (int i = 0; i < clients; i++) {
      Client c = all.get(i);
      int next = i + rooms < clients ? i + rooms : i % rooms;
      c.target = all.get(next).peerId;
    }
    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    long periodMicros = 1_000_000L / rate;
    for (Client c : all) {
      if (c.target.equals(c.peerId)) {
        continue;
      }
      timer.scheduleAtFixedRate(() -> c.ws.sendText("{\"type\":\"signal\",\"room\":\"" + c.room + "\",\"to\":\"" + c.target
          + "\",\"kind\":\"candidate\",\"payload\":{\"t\":" + System.nanoTime() + "}}", true),
          (long) (Math.random() * periodMicros), periodMicros, TimeUnit.MICROSECONDS);
    }
    Thread.sleep(1000); // warm-up
    latenciesMicros.clear();
    long before = delivered.get();
    Thread.sleep(seconds * 1000L);
    long count = delivered.get() - before;
    timer.shutdownNow();
    long[] sorted = latenciesMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("sessions=%d rooms=%d seconds=%d offered=%d/s delivered=%.0f/s p50=%.2fms p99=%.2fms max=%.2fms%n",
        clients, rooms, seconds, (long) clients * rate, count / (double) seconds, pct(sorted, 0.50), pct(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    for (Client c : all) {
      c.ws.abort();
    }
    System.exit(0);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1000.0;
  }

  private static final class Client implements WebSocket.Listener {
    final CountDownLatch welcome = new CountDownLatch(1);
    final ConcurrentLinkedQueue<Long> latencies;
    final AtomicLong delivered;
    final StringBuilder partial = new StringBuilder();
    WebSocket ws;
    volatile String peerId = "";
    volatile String room;
    volatile String target = "";

    Client(ConcurrentLinkedQueue<Long> latencies, AtomicLong delivered) {
      this.latencies = latencies;
      this.delivered = delivered;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        if (message.startsWith("{\"type\":\"welcome\"")) {
          Matcher m = PEER_ID.matcher(message);
          if (m.find()) {
            peerId = m.group(1);
          }
          welcome.countDown();
        } else if (message.startsWith("{\"type\":\"signal\"")) {
          Matcher m = SENT_AT.matcher(message);
          if (m.find()) {
            latencies.add((System.nanoTime() - Long.parseLong(m.group(1))) / 1000);
            delivered.incrementAndGet();
          }
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
