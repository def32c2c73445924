package dev.switchboard.turn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one framed message from any transport: ChannelData to the allocation, STUN requests to the
 * handler of their method (RFC 3489 Binding requests, without the magic cookie, to
 * {@link ClassicBindingHandler}), Send indications to the relay. The one place where
 * {@link StunException} becomes an error response. Unparseable input is dropped, never answered. Thread-safe; each call
 * runs on the client's event loop.
 */
final class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final TurnContext ctx;
  private final Authenticator authenticator;
  private final BindingHandler binding = new BindingHandler();
  private final ClassicBindingHandler classicBinding = new ClassicBindingHandler();
  private final AllocateHandler allocate = new AllocateHandler();
  private final RefreshHandler refresh = new RefreshHandler();
  private final CreatePermissionHandler createPermission = new CreatePermissionHandler();
  private final ChannelBindHandler channelBind = new ChannelBindHandler();
  private final SendIndicationHandler send = new SendIndicationHandler();

  Dispatcher(TurnContext ctx) {
    this.ctx = ctx;
    this.authenticator = new Authenticator(ctx);
  }

  /**
   * Handles one frame (as delimited by {@link StunFraming}); does not release it, but may move its
   * reader and writer indices: callers pass a buffer of its own that they do not read again.
   */
  void onFrame(ClientLink link, ByteBuf frame) {
    int first = frame.getUnsignedByte(frame.readerIndex());
    if (Stun.isChannelData(first)) {
      onChannelData(link, frame);
      return;
    }
    StunMessage message = StunCodec.decode(frame);
    if (message == null) {
      // Off the hot path: only what the RFC 8489 codec refused is looked at again.
      if (!ctx.config().classicStun() || !ClassicBindingHandler.isCandidate(frame) || !onClassicBinding(link, frame)) {
        log.trace("dropped unparseable frame from {} {}", link.protocol(), link.remote());
      }
      return;
    }
    onStun(link, message);
  }

  /** RFC 8489 §12: an RFC 3489 Binding request (no magic cookie) is answered; false when it is not one. */
  private boolean onClassicBinding(ClientLink link, ByteBuf frame) {
    byte[] response = classicBinding.handle(ByteBufUtil.getBytes(frame), link.remote(), answeredFrom(link));
    if (response == null) {
      return false;
    }
    ctx.metrics().request(Stun.BINDING);
    log.debug("{} {}: RFC 3489 Binding answered", link.protocol(), link.remote());
    reply(link, response);
    return true;
  }

  /**
   * The address a classic Binding's SOURCE-ADDRESS and CHANGED-ADDRESS name: the listener's own, as
   * coturn's. A wildcard socket (of the default 0.0.0.0, for an address the host got after start: the
   * others have sockets of their own) does not know which of its addresses a datagram was sent to, so
   * names the public address of the client's family (publicAddress, as relays advertise it) at the
   * listener's port; without one, the handler leaves both attributes out.
   */
  private InetSocketAddress answeredFrom(ClientLink link) {
    InetSocketAddress local = link.local();
    if (!local.getAddress().isAnyLocalAddress()) {
      return local;
    }
    InetAddress advertised = ctx.addresses().advertised(link.remote().getAddress() instanceof Inet6Address);
    return advertised == null || advertised.isAnyLocalAddress() ? local
        : new InetSocketAddress(advertised, local.getPort());
  }

  /** ChannelData (RFC 8656 §12.4): the relay fast path, no decoding beyond the 4-byte header. */
  private void onChannelData(ClientLink link, ByteBuf frame) {
    Allocation allocation = link.allocation();
    int start = frame.readerIndex();
    int length = frame.getUnsignedShort(start + 2);
    if (allocation == null || 4 + length > frame.readableBytes()) {
      ctx.metrics().droppedPackets.increment();
      return;
    }
    int number = frame.getUnsignedShort(start);
    // The frame itself, narrowed to the payload, rather than a retained slice: one object less per
    // packet. The caller does not read the frame after us, and the allocation owns this reference.
    frame.setIndex(start + 4, start + 4 + length);
    allocation.onChannelData(number, frame.retain());
  }

  void onStun(ClientLink link, StunMessage message) {
    if (message.isIndication()) {
      ctx.metrics().request(message.method());
      // RFC 8489 §6.3.2: indications are never answered; a Binding indication is a keep-alive; one
      // with an unknown comprehension-required attribute is discarded.
      if (message.method() == Stun.SEND && !hasUnknownRequired(message)) {
        send.handle(link, message, ctx);
      }
      return;
    }
    if (!message.isRequest()) {
      return; // responses are for clients, not for us
    }
    ctx.metrics().request(message.method());
    Auth auth = null;
    try {
      long now = ctx.clock().millis();
      StunMethodHandler handler = switch (message.method()) {
        case Stun.BINDING -> binding;
        case Stun.ALLOCATE -> allocate;
        case Stun.REFRESH -> refresh;
        case Stun.CREATE_PERMISSION -> createPermission;
        case Stun.CHANNEL_BIND -> channelBind;
        default -> null;
      };
      if (handler == null) {
        throw new StunException(400, "unsupported method " + message.method());
      }
      if (handler != binding) {
        auth = authenticator.authenticate(message, link.remote().getAddress());
      }
      checkUnknownAttributes(message);
      reply(link, handler.handle(new TurnRequest(link, message, auth, now, ctx)));
      // Guarded: with 3+ arguments SLF4J takes an Object[] (and boxes the method) even when DEBUG is off.
      if (log.isDebugEnabled()) {
        log.debug("{} {} method {}: ok", link.protocol(), link.remote(), message.method());
      }
    } catch (StunException e) {
      if (log.isDebugEnabled()) {
        log.debug("{} {} method {}: {}", link.protocol(), link.remote(), message.method(), e.getMessage());
      }
      replyError(link, message, auth, e);
    } catch (RuntimeException e) {
      log.warn("{} {} -> {}: request failed", link.protocol(), link.remote(), link.local(), e);
      replyError(link, message, auth, new StunException(500, "internal error"));
    }
  }

  private static boolean hasUnknownRequired(StunMessage message) {
    List<StunAttribute> attributes = message.attributes();
    for (int i = 0; i < attributes.size(); i++) {
      if (isUnknownRequired(attributes.get(i).type())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUnknownRequired(int type) {
    return type < 0x8000 && !Stun.isKnownRequired(type);
  }

  /**
   * A Binding's CHANGE-REQUEST (RFC 5780) with no flag set: it asks for nothing we cannot do, and NAT
   * behaviour probes (stunclient, JSTUN) send it first; coturn answers them too. A flag set (answer
   * from another address or port, which this server does not have) stays a 420.
   */
  private static boolean asksNoChange(StunMessage message, StunAttribute a) {
    if (a.type() != ClassicBindingHandler.CHANGE_REQUEST || message.method() != Stun.BINDING || a.value().length != 4) {
      return false;
    }
    byte[] flags = a.value();
    return (flags[0] | flags[1] | flags[2] | flags[3]) == 0;
  }

  /** RFC 8489 §6.3.1.1: unknown comprehension-required attributes (0x0000-0x7FFF) -> 420 listing them. */
  private static void checkUnknownAttributes(StunMessage message) throws StunException {
    // A set, not a list searched per attribute: a 64 KB TCP frame holds some 16000 attributes, and
    // that search would cost the event loop ~10^8 comparisons.
    Set<Integer> unknown = null;
    List<StunAttribute> attributes = message.attributes();
    for (int i = 0; i < attributes.size(); i++) {
      StunAttribute a = attributes.get(i);
      if (isUnknownRequired(a.type()) && !asksNoChange(message, a)) {
        if (unknown == null) {
          unknown = new LinkedHashSet<>(4);
        }
        unknown.add(a.type());
      }
    }
    if (unknown != null) {
      throw new StunException(420, unknown.size() + " unknown attribute(s)", List.copyOf(unknown));
    }
  }

  private void replyError(ClientLink link, StunMessage request, Auth auth, StunException e) {
    if (e.challenge() && link.datagram() && !ctx.unauthorizedLimiter().tryAcquire(link.remote().getAddress())) {
      // Rate limit on 401/438 per source over UDP: a spoofed source must not turn us into a reflector.
      // Not over TCP or TLS, whose source was proven by the handshake, and whose clients never send a
      // request again (RFC 8489 §6.2.2): a challenge dropped there left one waiting out its 39.5 s
      // timeout, as many clients behind one NAT that connected at once would.
      return;
    }
    StunMessageBuilder b = StunMessageBuilder.responseTo(request, Stun.ERROR)
        .addError(e.code(), Stun.reason(e.code()));
    if (!ctx.config().software().isEmpty()) {
      b.addText(Stun.SOFTWARE, ctx.config().software());
    }
    if (!e.unknownAttributes().isEmpty()) {
      List<Integer> types = e.unknownAttributes();
      byte[] value = new byte[types.size() * 2];
      for (int i = 0; i < types.size(); i++) {
        value[2 * i] = (byte) (types.get(i) >> 8);
        value[2 * i + 1] = (byte) (int) types.get(i);
      }
      b.add(Stun.UNKNOWN_ATTRIBUTES, value);
    }
    byte[] key = auth == null ? null : auth.key();
    if (e.challenge()) {
      // RFC 8489 §9.2.4: 401 and 438 carry REALM and a fresh NONCE, and are not signed.
      b.addText(Stun.REALM, ctx.config().realm());
      b.addText(Stun.NONCE, ctx.nonces().issue(link.remote().getAddress()));
      key = null;
    }
    reply(link, b.build(key, ctx.macs(), true));
  }

  /** Sends {@code response} in a direct buffer of the link's allocator, which the socket writes as is. */
  private static void reply(ClientLink link, byte[] response) {
    link.send(link.alloc().directBuffer(response.length).writeBytes(response));
  }
}
