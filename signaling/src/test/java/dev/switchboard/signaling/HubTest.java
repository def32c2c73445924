package dev.switchboard.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** The hub's lifecycle rules on an embedded channel, where a test decides what the wire does. */
class HubTest {

  private final MutableClock clock = new MutableClock();

  /** ICE lookups pass this gate: a joined reply asks for ICE servers once the join's room is decided. */
  private final Gate ice = new Gate();

  private Hub hub() throws Exception {
    Hub hub = new Hub(TestServer.config(SignalingConfig.Auth.NONE, List.of("*"), Duration.ofSeconds(30), 50), clock,
        peerId -> {
          ice.pass();
          return new IceServersProvider.IceConfig(List.of(), Duration.ofHours(1));
        }, new Tokens(TestServer.TOKEN_KEY, clock), null);
    hub.router(new Router(hub));
    return hub;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** What the channel was sent, in order: an event's type, an error's code, a close frame's status. */
  private static List<String> sent(EmbeddedChannel channel) throws Exception {
    channel.runPendingTasks();
    List<String> out = new ArrayList<>();
    // Framed by the channel's WebSocketFrameHandler, where it has one: read back as a client would.
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    for (Object o; (o = channel.readOutbound()) != null; ) {
      if (o instanceof ByteBuf wire) {
        client.writeInbound(wire);
        o = client.readInbound();
      }
      if (o instanceof TextWebSocketFrame text) {
        JsonNode message = Json.MAPPER.readTree(text.text());
        String type = message.path("type").asText();
        out.add(type.equals("error") ? "error:" + message.path("code").asText() : type);
      } else if (o instanceof CloseWebSocketFrame close) {
        out.add("close:" + close.statusCode());
      }
      ReferenceCountUtil.release(o);
    }
    client.finishAndReleaseAll();
    return out;
  }

  /** The peer.joined and peer.left events about {@code peerId} that {@code channel} was sent, in order. */
  private static List<String> seenOf(EmbeddedChannel channel, String peerId) throws Exception {
    channel.runPendingTasks();
    List<String> out = new ArrayList<>();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      JsonNode message = Json.MAPPER.readTree(((TextWebSocketFrame) o).text());
      String type = message.path("type").asText();
      if (type.equals("peer.joined") && message.path("peer").path("peerId").asText().equals(peerId)
          || type.equals("peer.left") && message.path("peerId").asText().equals(peerId)) {
        out.add(type);
      }
      ReferenceCountUtil.release(o);
    }
    return out;
  }

  /**
   * The end (a heartbeat timeout on the ticker's thread) comes while the join, on the connection's
   * loop, has decided it may join and before it told the room: the others must see the peer join and
   * then leave, or neither, never leave and then join (a ghost in every client's room).
   */
  @Test
  void aSessionEndedWhileItJoinsIsSeenJoiningThenLeavingNeverTheOtherWayRound() throws Exception {
    Hub hub = hub();
    EmbeddedChannel bobChannel = new EmbeddedChannel();
    Session bob = hub.connect(bobChannel);
    hub.onText(bob, utf8("{\"type\":\"join\",\"room\":\"r\"}"));
    Session alice = hub.connect(new EmbeddedChannel());

    Gate.Worker joining = Gate.worker("join", () -> hub.onText(alice, utf8("{\"type\":\"join\",\"room\":\"r\"}")));
    ice.closeFor(joining.thread);
    joining.start();
    ice.awaitReached();
    Gate.Worker ending = Gate.worker("end", () -> hub.end(alice, "timeout"));
    ending.start();
    Gate.awaitFinishedOrWaiting(ending.thread); // finished: the join can only come after; waiting: for the join
    ice.open();
    joining.join();
    ending.join();

    assertThat(seenOf(bobChannel, alice.peerId)).isIn(List.of(), List.of("peer.joined", "peer.left"));
    assertThat(hub.rooms.get("r").member(alice.peerId)).isNull();
    assertThat(hub.rooms.get("r").size()).isOne();
    assertThat(alice.rooms.size()).isZero();
  }

  /**
   * A client whose every write ends a byte into its next frame (pongs: no rate limit, no reply) leaves
   * a partial frame behind each read: what came before it must not be kept with it.
   */
  @Test
  void bytesAlreadyReadAreNotKeptBehindAPartialFrame() throws Exception {
    Hub hub = hub();
    WebSocketFrameHandler handler = new WebSocketFrameHandler(hub);
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    byte[] pong = {(byte) 0x8A, (byte) 0x80, 1, 2, 3, 4}; // masked, empty
    byte[] write = new byte[6000 * pong.length];
    for (int i = 0; i < write.length; i++) {
      write[i] = pong[i % pong.length];
    }
    channel.writeInbound(Unpooled.wrappedBuffer(pong, 0, 1)); // from here on, each write ends a byte into a pong
    for (int round = 0; round < 200; round++) { // 7.2 MB of pongs in all
      byte[] shifted = new byte[write.length];
      System.arraycopy(write, 1, shifted, 0, write.length - 1);
      shifted[write.length - 1] = pong[0];
      channel.writeInbound(Unpooled.wrappedBuffer(shifted));
      assertThat(handler.heldCapacity()).as("round %d", round).isLessThan(2 * write.length + 4096);
    }
    assertThat(channel.isOpen()).isTrue();
    channel.finishAndReleaseAll();
  }

  /**
   * A connection that closes while LoopAffinity has it off every loop is never torn down: what its
   * handlers hold is freed by closeLost (here a partial frame's bytes; an SslHandler's engine alike).
   */
  @Test
  void aConnectionLostOffEveryLoopGivesBackWhatItsHandlersHold() throws Exception {
    Hub hub = hub();
    WebSocketFrameHandler handler = new WebSocketFrameHandler(hub);
    EmbeddedChannel channel = new EmbeddedChannel(handler);
    ByteBuf partial = Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 0x85, 1, 2}); // a text frame's start
    channel.writeInbound(partial);
    assertThat(handler.heldCapacity()).isPositive();
    LoopAffinity.closeLost(channel); // still registered: its loop tears it down, nothing is freed twice
    channel.runPendingTasks();
    assertThat(handler.heldCapacity()).as("freed by handlerRemoved").isZero();

    WebSocketFrameHandler lostHandler = new WebSocketFrameHandler(hub);
    EmbeddedChannel lost = new EmbeddedChannel(lostHandler);
    ByteBuf held = Unpooled.directBuffer().writeBytes(new byte[] {(byte) 0x81, (byte) 0x85, 1, 2});
    lost.writeInbound(held);
    lost.deregister().sync();
    assertThat(lost.isRegistered()).isFalse();
    LoopAffinity.closeLost(lost);
    assertThat(lost.isOpen()).isFalse();
    assertThat(lostHandler.heldCapacity()).isZero();
    assertThat(held.refCnt()).isZero();
  }

  /**
   * Frames the old connection read after a resume on another connection took its session, before
   * that connection's loop let it go: a bye among them must not end the session just resumed.
   */
  @Test
  void framesOfTheConnectionAResumeTookTheSessionFromDoNotActForIt() throws Exception {
    Hub hub = hub();
    EmbeddedChannel old = new EmbeddedChannel(new WebSocketFrameHandler(hub));
    JsonNode welcome = welcomeOf(old);
    EmbeddedChannel again = new EmbeddedChannel(new WebSocketFrameHandler(hub));
    welcomeOf(again);
    again.writeInbound(Unpooled.wrappedBuffer(RawWsClient.textFrame("{\"type\":\"hello\",\"id\":\"h\",\"resume\":{"
        + "\"sessionId\":\"" + welcome.path("sessionId").asText() + "\",\"resumeToken\":\""
        + welcome.path("resumeToken").asText() + "\",\"lastSeq\":1}}")));
    assertThat(sent(again)).contains("resumed");
    // The old connection's loop has not run its let-go task yet (EmbeddedChannel runs it after the read).
    old.writeInbound(Unpooled.wrappedBuffer(RawWsClient.textFrame("{\"type\":\"bye\"}")));
    assertThat(hub.session(welcome.path("sessionId").asText())).as("not ended by the old connection's bye").isNotNull();
    assertThat(sent(old)).containsExactly("close:" + WebSocketFrameHandler.RESUMED_ELSEWHERE);
    again.writeInbound(Unpooled.wrappedBuffer(RawWsClient.textFrame("{\"type\":\"ping\",\"id\":\"p\"}")));
    assertThat(sent(again)).containsExactly("pong");
  }

  /** The welcome a new connection was sent, read back as a client would. */
  private static JsonNode welcomeOf(EmbeddedChannel channel) throws Exception {
    channel.runPendingTasks();
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    client.writeInbound((ByteBuf) channel.readOutbound());
    TextWebSocketFrame text = client.readInbound();
    JsonNode welcome = Json.MAPPER.readTree(text.text());
    text.release();
    client.finishAndReleaseAll();
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    return welcome;
  }

  /** Once the server closes, a WebSocket that completes its upgrade is refused: the close walks the sessions before. */
  @Test
  void aConnectionAfterTheServerClosedIsRefused() throws Exception {
    Hub hub = hub();
    hub.close();
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocketFrameHandler(hub));
    assertThat(sent(channel)).containsExactly("error:server_draining", "close:1001");
    assertThat(hub.sessions()).isEmpty();
  }

  /**
   * A connection arrives as the drain starts (SIGTERM): it is a session the drain tells, or a new
   * connection the server refuses (PROTOCOL.md "Shutdown"), never a session nobody told.
   */
  @Test
  void aConnectionArrivingAsTheDrainStartsIsToldOrRefusedNeverMissed() throws Exception {
    Hub hub = hub();
    Gate connecting = new Gate();
    clock.gate(connecting);
    EmbeddedChannel[] channel = new EmbeddedChannel[1];
    Gate.Worker accept = Gate.worker("accept", () -> channel[0] = new EmbeddedChannel(new WebSocketFrameHandler(hub)));
    connecting.closeFor(accept.thread);
    accept.start();
    connecting.awaitReached(); // the upgrade is done and its session being made, not yet listed
    var drained = hub.drain(Long.MAX_VALUE, 5000);
    connecting.open();
    accept.join();

    List<String> sent = sent(channel[0]);
    assertThat(sent).isIn(List.of("welcome", "server.draining"), List.of("error:server_draining", "close:1001"));
    if (sent.get(0).equals("welcome")) {
      assertThat(drained).isNotDone();
    } else {
      assertThat(hub.sessions()).isEmpty();
      assertThat(drained).isDone();
    }
  }

  /**
   * The same race at whatever moment the scheduler picks, the drain's walk before a listed session's
   * welcome included: each connection is told once, after its welcome, or refused.
   */
  @Test
  void connectionsRacingADrainAreEachToldOnceOrRefused() throws Exception {
    for (int round = 0; round < 200; round++) {
      Hub hub = hub();
      CyclicBarrier together = new CyclicBarrier(2);
      EmbeddedChannel[] channel = new EmbeddedChannel[1];
      Gate.Worker accept = Gate.worker("accept", () -> {
        together.await();
        channel[0] = new EmbeddedChannel(new WebSocketFrameHandler(hub));
      });
      accept.start();
      together.await();
      var drained = hub.drain(Long.MAX_VALUE, 5000);
      accept.join();

      List<String> sent = sent(channel[0]);
      assertThat(sent).as("round " + round)
          .isIn(List.of("welcome", "server.draining"), List.of("error:server_draining", "close:1001"));
      assertThat(drained.isDone()).as("round " + round).isEqualTo(hub.sessions().isEmpty());
    }
  }

  /**
   * Two connections resume each other's session at once, each with a reply still queued (an
   * unauthenticated client can do this on purpose). Taking the other session's queued frames inside
   * the resumed session's monitor made each thread hold one monitor and wait for the other's: both
   * event loops froze for good. Many rounds, for the two threads to meet inside that window.
   */
  @Test
  void twoConnectionsResumingEachOthersSessionDoNotDeadlock() throws Exception {
    Hub hub = hub();
    for (int round = 0; round < 300; round++) {
      EmbeddedChannel ca = new EmbeddedChannel();
      EmbeddedChannel cb = new EmbeddedChannel();
      Session a = hub.connect(ca);
      Session b = hub.connect(cb);
      hub.onText(a, PING); // a reply queued on each, not yet written
      hub.onText(b, PING);
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
      Thread one = new Thread(() -> awaitThen(start, () -> hub.onText(a, resumeOf(b, 1))), "resume-b-on-a");
      Thread two = new Thread(() -> awaitThen(start, () -> hub.onText(b, resumeOf(a, 1))), "resume-a-on-b");
      one.setDaemon(true);
      two.setDaemon(true);
      one.start();
      two.start();
      one.join(10_000);
      two.join(10_000);
      assertThat(one.isAlive() || two.isAlive()).as("round " + round + ": deadlocked").isFalse();
      hub.end(a, "leave");
      hub.end(b, "leave");
    }
  }

  private static void awaitThen(java.util.concurrent.CyclicBarrier barrier, Runnable then) {
    try {
      barrier.await(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    then.run();
  }

  /** hello {resume} of {@code session}, as a client that has seen every event up to {@code lastSeq} sends it. */
  private static byte[] resumeOf(Session session, long lastSeq) {
    return utf8("{\"type\":\"hello\",\"resume\":{\"sessionId\":\"" + session.id + "\",\"resumeToken\":\""
        + session.resumeToken + "\",\"lastSeq\":" + lastSeq + "}}");
  }

  /**
   * The resume window ends (the ticker) while a resume of the session is under way on a new
   * connection: the client gets resume_failed, or it resumed a session that lives on; never resumed
   * into one that has ended, which ignores everything the client sends and which no heartbeat checks
   * any more, so the connection stays open for as long as the client keeps it.
   */
  @Test
  void aResumeAsItsWindowEndsFailsOrResumesASessionThatLivesOn() throws Exception {
    Hub hub = hub();
    EmbeddedChannel first = new EmbeddedChannel();
    Session alice = hub.connect(first);
    hub.disconnected(alice, first, "disconnect");
    clock.advance(Duration.ofSeconds(31)); // past the 30 s window
    EmbeddedChannel second = new EmbeddedChannel();
    Session throwaway = hub.connect(second);
    second.runPendingTasks(); // its welcome is out

    Gate attaching = new Gate();
    clock.gate(attaching);
    Gate.Worker resuming = Gate.worker("resume", () -> hub.onText(throwaway, resumeOf(alice, 1)));
    // Its third clock read: after the frame's touch and rate limit, the time the resume attaches at.
    attaching.closeFor(resuming.thread, 3);
    resuming.start();
    attaching.awaitReached();
    Gate.Worker ticking = Gate.worker("tick", hub::tick);
    ticking.start();
    Gate.awaitFinishedOrWaiting(ticking.thread);
    attaching.open();
    resuming.join();
    ticking.join();

    List<String> sent = sent(second);
    assertThat(sent).isIn(List.of("welcome", "error:resume_failed"), List.of("welcome", "resumed"));
    if (sent.contains("resumed")) {
      assertThat(alice.ended).isFalse();
      assertThat(alice.channel()).isSameAs(second);
      assertThat(hub.sessions()).containsExactly(alice);
    } else {
      assertThat(hub.sessions()).containsExactly(throwaway);
    }
  }

  /**
   * The old connection's close is handled on its loop while the session resumes on a new connection
   * on another: the session ends up on the new one, not detached from it (its events kept for a
   * resume that never comes, while the client believes it resumed; then ended at the window's end).
   */
  @Test
  void anOldConnectionClosingAsItsSessionResumesElsewhereLeavesItOnTheNewOne() throws Exception {
    Hub hub = hub();
    EmbeddedChannel first = new EmbeddedChannel();
    Session alice = hub.connect(first);
    first.runPendingTasks();
    EmbeddedChannel second = new EmbeddedChannel();
    Session throwaway = hub.connect(second);
    second.runPendingTasks();

    Gate detaching = new Gate();
    clock.gate(detaching);
    Gate.Worker closing = Gate.worker("close", () -> hub.disconnected(alice, first, "disconnect"));
    detaching.closeFor(closing.thread); // its first clock read: the detach time, once it checked the connection
    closing.start();
    detaching.awaitReached();
    Gate.Worker resuming = Gate.worker("resume", () -> hub.onText(throwaway, resumeOf(alice, 1)));
    resuming.start();
    Gate.awaitFinishedOrWaiting(resuming.thread);
    detaching.open();
    closing.join();
    resuming.join();

    assertThat(sent(second)).containsExactly("welcome", "resumed");
    assertThat(alice.channel()).isSameAs(second);
    assertThat(hub.sessions()).containsExactly(alice);
  }

  /**
   * A connection closes as the drain starts: its close has read "not draining" and is about to detach
   * the session for a resume when the drain walks the sessions. The session must end (the drain then
   * completes at once), not be told and then detached, to linger until the drain's deadline.
   */
  @Test
  void aConnectionClosingAsTheDrainStartsEndsItsSessionAndDoesNotHoldTheDrain() throws Exception {
    Hub hub = hub();
    EmbeddedChannel first = new EmbeddedChannel();
    Session alice = hub.connect(first);
    first.runPendingTasks();

    Gate detaching = new Gate();
    clock.gate(detaching);
    Gate.Worker closing = Gate.worker("close", () -> hub.disconnected(alice, first, "disconnect"));
    detaching.closeFor(closing.thread); // its first clock read: the detach time, after its draining check
    closing.start();
    detaching.awaitReached();
    CompletableFuture<?>[] drained = new CompletableFuture<?>[1];
    Gate.Worker draining = Gate.worker("drain", () -> drained[0] = hub.drain(Long.MAX_VALUE, 1000));
    draining.start();
    Gate.awaitFinishedOrWaiting(draining.thread);
    detaching.open();
    closing.join();
    draining.join();

    assertThat(hub.sessions()).isEmpty();
    assertThat(drained[0]).isDone();
  }

  /**
   * A peer joining a room where another awaits its resume learns that from joined: the
   * peer.updated {reconnecting} went out before it was in the room.
   */
  @Test
  void joinedTellsEachPeersStateSoAReconnectingPeerDoesNotLookConnected() throws Exception {
    Hub hub = hub();
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);
    hub.onText(alice, utf8("{\"type\":\"join\",\"room\":\"r\"}"));
    EmbeddedChannel carolChannel = new EmbeddedChannel();
    Session carol = hub.connect(carolChannel);
    hub.onText(carol, utf8("{\"type\":\"join\",\"room\":\"r\"}"));
    hub.disconnected(alice, aliceChannel, "disconnect"); // within the resume window: detached, not ended

    EmbeddedChannel bobChannel = new EmbeddedChannel();
    Session bob = hub.connect(bobChannel);
    hub.onText(bob, utf8("{\"type\":\"join\",\"room\":\"r\"}"));

    Map<String, String> states = new HashMap<>();
    bobChannel.runPendingTasks();
    for (Object o; (o = bobChannel.readOutbound()) != null; ) {
      JsonNode message = Json.MAPPER.readTree(((TextWebSocketFrame) o).text());
      ReferenceCountUtil.release(o);
      if (message.path("type").asText().equals("joined")) {
        message.path("peers").forEach(p -> states.put(p.path("peerId").asText(), p.path("state").asText()));
      }
    }
    assertThat(states).containsOnly(Map.entry(alice.peerId, "reconnecting"), Map.entry(carol.peerId, "connected"));
  }

  /** Every event {@code channel} was sent, in order. */
  private static List<JsonNode> events(EmbeddedChannel channel) throws Exception {
    channel.runPendingTasks();
    List<JsonNode> out = new ArrayList<>();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      out.add(Json.MAPPER.readTree(((TextWebSocketFrame) o).text()));
      ReferenceCountUtil.release(o);
    }
    return out;
  }

  /**
   * Runs {@code during} on its own thread while alice's join of room r has taken its seat and not yet
   * sent her joined (stopped at its ICE lookup); returns alice's events once both are done.
   */
  private List<JsonNode> eventsOfAJoinWith(Hub hub, Session alice, EmbeddedChannel aliceChannel,
      Gate.ThrowingRunnable during) throws Exception {
    events(aliceChannel); // her welcome
    Gate.Worker joining = Gate.worker("join", () -> hub.onText(alice, utf8("{\"type\":\"join\",\"room\":\"r\"}")));
    ice.closeFor(joining.thread);
    joining.start();
    ice.awaitReached();
    Gate.Worker other = Gate.worker("other", during);
    other.start();
    Gate.awaitFinishedOrWaiting(other.thread); // finished: before her joined; waiting: for it
    ice.open();
    joining.join();
    other.join();
    return events(aliceChannel);
  }

  /** A session on {@code channel} that joined room r. */
  private Session inRoomR(Hub hub, EmbeddedChannel channel) throws Exception {
    Session session = hub.connect(channel);
    hub.onText(session, utf8("{\"type\":\"join\",\"room\":\"r\"}"));
    return session;
  }

  /** Each event's type; an error's as error:code. */
  private static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.path("type").asText().equals("error")
        ? "error:" + e.path("code").asText() : e.path("type").asText()).toList();
  }

  /**
   * Bob leaves while alice's join is between her seat and her joined: she sees bob in her joined and
   * then leave, or not at all; never his peer.left first and then a joined that lists him (a peer
   * that never leaves her room again).
   */
  @Test
  void aPeerLeavingAsAnotherJoinsIsNeverLeftBehindInTheJoinersRoom() throws Exception {
    Hub hub = hub();
    Session bob = inRoomR(hub, new EmbeddedChannel());
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);

    List<JsonNode> seen = eventsOfAJoinWith(hub, alice, aliceChannel,
        () -> hub.onText(bob, utf8("{\"type\":\"leave\",\"room\":\"r\"}")));

    assertThat(types(seen)).containsExactly("joined", "peer.left");
    assertThat(seen.get(0).path("peers").findValuesAsText("peerId")).containsExactly(bob.peerId);
    assertThat(seen.get(1).path("peerId").asText()).isEqualTo(bob.peerId);
  }

  /** A chat sent as alice joins reaches her once: in her joined's history or as an event after it. */
  @Test
  void aChatSentAsAPeerJoinsReachesItOnce() throws Exception {
    Hub hub = hub();
    Session bob = inRoomR(hub, new EmbeddedChannel());
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);

    List<JsonNode> seen = eventsOfAJoinWith(hub, alice, aliceChannel,
        () -> hub.onText(bob, utf8("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"hi\"}")));

    assertThat(types(seen).get(0)).as(seen.toString()).isEqualTo("joined");
    long inHistory = seen.get(0).path("history").findValuesAsText("text").stream().filter("hi"::equals).count();
    long asEvents = seen.stream().filter(e -> e.path("type").asText().equals("chat")).count();
    assertThat(inHistory + asEvents).isOne();
  }

  /** Bob's connection drops as alice joins: she hears of it after her joined, never before. */
  @Test
  void aPeerReconnectingAsAnotherJoinsIsToldAfterTheJoinersJoined() throws Exception {
    Hub hub = hub();
    EmbeddedChannel bobChannel = new EmbeddedChannel();
    Session bob = inRoomR(hub, bobChannel);
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);

    List<JsonNode> seen = eventsOfAJoinWith(hub, alice, aliceChannel,
        () -> hub.disconnected(bob, bobChannel, "disconnect"));

    assertThat(types(seen).get(0)).isEqualTo("joined");
    assertThat(seen.get(0).path("peers").findValuesAsText("peerId")).containsExactly(bob.peerId);
  }

  /**
   * A peer still joining is not there for the others yet: a signal to it (from one that knows its id
   * from another room) is refused as peer_not_found before its seat is announced, and delivered
   * after its joined from then on, never before.
   */
  @Test
  void aSignalToAPeerStillJoiningNeverArrivesBeforeItsJoined() throws Exception {
    Hub hub = hub();
    EmbeddedChannel bobChannel = new EmbeddedChannel();
    Session bob = inRoomR(hub, bobChannel);
    events(bobChannel);
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);

    List<JsonNode> seen = eventsOfAJoinWith(hub, alice, aliceChannel, () -> hub.onText(bob,
        utf8("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"" + alice.peerId + "\",\"kind\":\"offer\",\"payload\":{}}")));

    assertThat(types(seen)).isIn(List.of("joined"), List.of("joined", "signal"));
    assertThat(types(events(bobChannel))).containsAnyOf("peer.joined", "error:peer_not_found");
  }

  /**
   * Alice holds a seat in room r, as her join does between taking it and announcing it (the tests
   * above stop her join later, inside the announcement): nothing about the room reaches her, nobody
   * reaches her, and her joined then shows the room as it is, once.
   */
  @Test
  void aSeatNotYetAnnouncedHearsNothingAndIsNotThereForTheOthers() throws Exception {
    Hub hub = hub();
    Session bob = inRoomR(hub, new EmbeddedChannel());
    EmbeddedChannel carolChannel = new EmbeddedChannel();
    Session carol = inRoomR(hub, carolChannel);
    events(carolChannel);
    EmbeddedChannel aliceChannel = new EmbeddedChannel();
    Session alice = hub.connect(aliceChannel);
    events(aliceChannel); // her welcome
    hub.rooms.join("r", RoomRegistry.Mode.AUTO, 0, null, new Room.Member(alice, "", null), null, clock.millis());

    hub.onText(bob, utf8("{\"type\":\"chat\",\"room\":\"r\",\"text\":\"hi\"}"));
    hub.onText(carol, utf8("{\"type\":\"signal\",\"room\":\"r\",\"to\":\"" + alice.peerId
        + "\",\"kind\":\"offer\",\"payload\":{}}"));
    hub.onText(bob, utf8("{\"type\":\"leave\",\"room\":\"r\"}"));
    assertThat(events(aliceChannel)).isEmpty();
    assertThat(types(events(carolChannel))).containsExactly("chat", "error:peer_not_found", "peer.left");

    hub.onText(alice, utf8("{\"type\":\"join\",\"room\":\"r\"}"));
    List<JsonNode> seen = events(aliceChannel);
    assertThat(types(seen)).containsExactly("joined");
    assertThat(seen.get(0).path("peers").findValuesAsText("peerId")).containsExactly(carol.peerId);
    assertThat(seen.get(0).path("history").findValuesAsText("text")).containsExactly("hi");
    assertThat(types(events(carolChannel))).containsExactly("peer.joined");
  }

  /**
   * Alice's resumed connection drops at once: the room hears "connected" and then "reconnecting",
   * never the other way round, which would leave her looking connected while she waits for a resume.
   */
  @Test
  void aResumedConnectionDroppingAtOnceLeavesThePeerReconnectingForTheOthers() throws Exception {
    Hub hub = hub();
    EmbeddedChannel first = new EmbeddedChannel();
    Session alice = inRoomR(hub, first);
    EmbeddedChannel bobChannel = new EmbeddedChannel();
    inRoomR(hub, bobChannel);
    hub.disconnected(alice, first, "disconnect");
    events(bobChannel);
    EmbeddedChannel second = new EmbeddedChannel();
    Session throwaway = hub.connect(second);

    Gate attached = new Gate();
    clock.gate(attached);
    Gate.Worker resuming = Gate.worker("resume", () -> hub.onText(throwaway, resumeOf(alice, 1)));
    // Its fourth clock read: after the frame's touch, the rate limit and the attach, as it lets the
    // throwaway session go.
    attached.closeFor(resuming.thread, 4);
    resuming.start();
    attached.awaitReached();
    Gate.Worker closing = Gate.worker("close", () -> hub.disconnected(alice, second, "disconnect"));
    closing.start();
    Gate.awaitFinishedOrWaiting(closing.thread);
    attached.open();
    resuming.join();
    closing.join();

    List<String> states = events(bobChannel).stream().filter(e -> e.path("type").asText().equals("peer.updated"))
        .map(e -> e.path("state").asText()).toList();
    assertThat(states).containsExactly("connected", "reconnecting");
    assertThat(alice.channel()).isNull();
  }

  /** A connection whose client never reads: no write to it ever completes. */
  private static EmbeddedChannel neverReads() {
    return new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
      }
    });
  }

  private static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aFloodAtTwiceTheBudgetClosesWith4029ThoughEveryOtherMessageGetsThrough() throws Exception {
    Hub hub = hub();
    Session session = hub.connect(new EmbeddedChannel());
    for (int i = 0; i < 50; i++) { // the burst budget: one second's worth
      hub.onText(session, PING);
    }
    int sent = 0;
    while (!session.ended && sent < 2000) { // then 100 a second: every other one admitted
      clock.advance(Duration.ofMillis(10));
      hub.onText(session, PING);
      sent++;
    }
    assertThat(session.ended).as("closed with 4029").isTrue();
    assertThat(session.endReason).isEqualTo("kicked");
    assertThat(sent).as("within a second (one refusal in every two, never two in a row)").isLessThan(100);
  }

  @Test
  void aClientThatStopsAtItsFirstRefusalIsNeverClosed() throws Exception {
    Hub hub = hub();
    Session session = hub.connect(new EmbeddedChannel());
    for (int second = 0; second < 120; second++) {
      for (int i = 0; i < 51; i++) { // the whole budget every second, and one more, refused
        hub.onText(session, PING);
      }
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(session.ended).as("a refusal a second, and a second to wait each off").isFalse();
  }

  @Test
  void aSessionClosedForCauseThatKeepsSendingIsDroppedByTheHeartbeatAnyway() throws Exception {
    Hub hub = hub();
    EmbeddedChannel channel = neverReads();
    Session session = hub.connect(channel);
    byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 50 + Router.ABUSE_LIMIT; i++) {
      hub.onText(session, garbage);
    }
    channel.runPendingTasks();
    assertThat(session.ended).as("closed with 4029").isTrue();
    assertThat(channel.isOpen()).as("its close frame is never written, so the close never comes").isTrue();

    for (int s = 0; s < 46; s++) {
      clock.advance(Duration.ofSeconds(1));
      hub.onText(session, garbage); // a frame a second, every one ignored now
      hub.tick();
    }
    channel.runPendingTasks();
    assertThat(channel.isOpen()).as("silent for the heartbeat timeout, as far as the hub is concerned").isFalse();
    assertThat(hub.sessions()).isEmpty();
  }
}
