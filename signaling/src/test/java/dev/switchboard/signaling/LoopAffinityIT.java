package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A room's members end up on one event loop (the server has two), without losing or reordering a message. */
class LoopAffinityIT {

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private EventLoop loopOf(WsClient client) {
    Channel channel = server.server.hub().session(client.welcome.path("sessionId").asText()).channel();
    return channel == null || !channel.isRegistered() ? null : channel.eventLoop();
  }

  /** The move ends on another thread shortly after the join: wait for it, bounded. */
  private EventLoop settledLoopOf(WsClient client, EventLoop expected) throws InterruptedException {
    long deadline = System.nanoTime() + 2_000_000_000L;
    EventLoop loop = loopOf(client);
    while (loop != expected && System.nanoTime() < deadline) {
      Thread.sleep(5);
      loop = loopOf(client);
    }
    return loop;
  }

  @Test
  void membersOfARoomShareItsEventLoopAndRoomsSpreadOverTheLoops() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        clients.add(WsClient.connect(server.port())); // accepted onto the two loops in turn
      }
      for (int i = 0; i < 8; i++) {
        JsonNode joined = clients.get(i).request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"r" + i / 2 + "\"}");
        assertThat(joined.path("type").asText()).isEqualTo("joined");
      }
      List<EventLoop> homes = new ArrayList<>();
      for (int room = 0; room < 4; room++) {
        EventLoop home = server.server.hub().rooms.get("r" + room).home;
        homes.add(home);
        assertThat(settledLoopOf(clients.get(2 * room), home)).as("first member of r" + room).isSameAs(home);
        assertThat(settledLoopOf(clients.get(2 * room + 1), home)).as("second member of r" + room).isSameAs(home);
      }
      assertThat(homes.stream().distinct().count()).isEqualTo(2);
    } finally {
      clients.forEach(WsClient::close);
    }
  }

  @Test
  void framesRightBehindTheJoinAndFramesToTheMovingPeerKeepTheirOrder() throws Exception {
    try (WsClient alice = WsClient.connect(server.port()); WsClient bob = WsClient.connect(server.port())) {
      alice.request("j", "{\"type\":\"join\",\"id\":\"j\",\"room\":\"m\"}");
      // Bob's join and his signals go out back to back: the server reads them in one batch, while
      // Bob's connection is moving to the room's loop; Alice signals Bob meanwhile.
      bob.send("{\"type\":\"join\",\"id\":\"j\",\"room\":\"m\"}");
      for (int i = 0; i < 20; i++) {
        bob.send("{\"type\":\"signal\",\"room\":\"m\",\"to\":\"" + alice.peerId() + "\",\"kind\":\"candidate\",\"payload\":" + i + "}");
      }
      alice.next("peer.joined");
      for (int i = 0; i < 20; i++) {
        alice.send("{\"type\":\"signal\",\"room\":\"m\",\"to\":\"" + bob.peerId() + "\",\"kind\":\"candidate\",\"payload\":" + i + "}");
      }
      for (int i = 0; i < 20; i++) {
        assertThat(alice.next("signal").path("payload").asInt()).isEqualTo(i);
      }
      long lastSeq = 0;
      for (int i = 0; i < 20; i++) {
        JsonNode signal = bob.next("signal");
        assertThat(signal.path("payload").asInt()).isEqualTo(i);
        assertThat(signal.path("seq").asLong()).isGreaterThan(lastSeq);
        lastSeq = signal.path("seq").asLong();
      }
      EventLoop home = server.server.hub().rooms.get("m").home;
      assertThat(settledLoopOf(alice, home)).isSameAs(home);
      assertThat(settledLoopOf(bob, home)).isSameAs(home);
    }
  }
}
