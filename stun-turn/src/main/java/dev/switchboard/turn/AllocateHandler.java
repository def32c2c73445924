package dev.switchboard.turn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocate (RFC 8656 §7.2): creates the 5-tuple's allocation and its relay socket.
 * Stateless and thread-safe; runs on the client's event loop.
 */
final class AllocateHandler implements StunMethodHandler {

  private static final Logger log = LoggerFactory.getLogger(AllocateHandler.class);
  private static final int BIND_ATTEMPTS = 8;

  @Override
  public byte[] handle(TurnRequest request) throws StunException {
    StunMessage m = request.message();
    ClientLink link = request.link();
    TurnContext ctx = request.ctx();
    long now = request.now();
    // RFC 8656 §7.2 step 2: an allocation on this 5-tuple already exists. A retransmission of the
    // request that created it gets the same response again; anything else gets 437.
    Allocation existing = link.allocation();
    if (existing != null && !existing.expired(now)) {
      byte[] cached = existing.cachedAllocateResponse(m.transactionId());
      if (cached != null) {
        return cached;
      }
      throw new StunException(437, "5-tuple already has an allocation");
    }
    if (existing != null) {
      existing.close("expired");
    }
    // Step 3: REQUESTED-TRANSPORT missing or malformed -> 400; not UDP -> 442.
    StunAttribute transport = m.attribute(Stun.REQUESTED_TRANSPORT);
    if (transport == null || transport.value().length != 4) {
      throw new StunException(400, "no REQUESTED-TRANSPORT");
    }
    if ((transport.value()[0] & 0xFF) != Stun.TRANSPORT_UDP) {
      throw new StunException(442, "transport " + (transport.value()[0] & 0xFF));
    }
    // Step 4: DONT-FRAGMENT is honoured: Linux sends UDP with DF set (IP_PMTUDISC_WANT is the default),
    // so it is a known attribute and needs nothing more.
    StunAttribute token = m.attribute(Stun.RESERVATION_TOKEN);
    StunAttribute evenPort = m.attribute(Stun.EVEN_PORT);
    Boolean family = request.requestedIpv6();
    // Step 5: RESERVATION-TOKEN together with EVEN-PORT (step 6) or REQUESTED-ADDRESS-FAMILY -> 400.
    if (token != null && (evenPort != null || family != null)) {
      throw new StunException(400, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
    }
    // One byte (RFC 8656 §18.6); a longer value (clients that pad into the length, as some do) is read
    // by its first byte, as coturn reads it.
    if (evenPort != null && evenPort.value().length == 0) {
      throw new StunException(400, "malformed EVEN-PORT");
    }
    PortReservations.Reservation reservation = null;
    if (token != null) {
      reservation = ctx.reservations().claim(token.value(), now);
      if (reservation == null) {
        throw new StunException(508, "unknown or expired RESERVATION-TOKEN");
      }
    }
    boolean ipv6 = reservation != null ? reservation.ipv6() : family != null && family;
    // RFC 8656 §7.2: a family the server cannot relay -> 440.
    if (!ctx.addresses().supports(ipv6)) {
      if (reservation != null) {
        ctx.ports().release(reservation.port());
      }
      throw new StunException(440, (ipv6 ? "IPv6" : "IPv4") + " relaying is not available");
    }
    String user = request.auth().username();
    boolean reserveNext = evenPort != null && (evenPort.value()[0] & 0x80) != 0;
    // Step 8 (quotas): per user -> 486, server total -> 508. A port reserved for a later Allocate
    // counts as an allocation of its own until it is claimed or expires: otherwise one user could
    // hold half the relay range in reservations while holding no allocation at all.
    int slots = reserveNext ? 2 : 1;
    int quota = reserveQuota(ctx, user, slots);
    if (quota != 0) {
      if (reservation != null) {
        ctx.ports().release(reservation.port());
      }
      throw new StunException(quota, "allocation quota for " + user);
    }
    boolean done = false;
    try {
      byte[] response = allocate(request, user, ipv6, reservation, evenPort, reserveNext);
      done = true;
      return response;
    } finally {
      if (!done) {
        for (int i = 0; i < slots; i++) {
          ctx.registry().releaseQuota(user);
        }
      }
    }
  }

  /** Takes {@code slots} quota slots for {@code user}, all or none: 0, or the error code. */
  private static int reserveQuota(TurnContext ctx, String user, int slots) {
    for (int taken = 0; taken < slots; taken++) {
      int quota = ctx.registry().reserveQuota(user);
      if (quota != 0) {
        for (int i = 0; i < taken; i++) {
          ctx.registry().releaseQuota(user);
        }
        return quota;
      }
    }
    return 0;
  }

  private byte[] allocate(TurnRequest request, String user, boolean ipv6, PortReservations.Reservation reservation,
                          StunAttribute evenPort, boolean reserveNext) throws StunException {
    TurnContext ctx = request.ctx();
    long now = request.now();
    long seconds = ctx.config().lifetimes().allocationSeconds(request.requestedLifetimeSeconds());
    InetAddress bindAddress = ctx.addresses().bind(ipv6);
    InetAddress advertised = ctx.addresses().advertised(ipv6);
    // Ports another process holds stay out of the pool until this request is done, so that each
    // attempt tries a port not tried before.
    List<Integer> unbindable = new ArrayList<>(0);
    try {
      for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
        int port = reservation != null ? reservation.port()
            : evenPort != null ? ctx.ports().acquireEvenPair() : ctx.ports().acquire();
        if (port < 0) {
          throw new StunException(508, "no relay port left");
        }
        if (evenPort != null && reservation == null && !reserveNext) {
          ctx.ports().release(port + 1);
        }
        Allocation allocation = new Allocation(request.link(), user, port, new InetSocketAddress(advertised, port),
            now + seconds * 1000, ctx);
        RelaySocket relay;
        try {
          relay = ctx.relaySockets().open(request.link().eventLoop(), bindAddress, port, allocation);
        } catch (IOException e) {
          // Another process may hold the port: try another random one.
          log.debug("relay port {} unavailable: {}", port, e.getMessage());
          unbindable.add(port);
          if (reserveNext) {
            ctx.ports().release(port + 1);
          }
          if (reservation != null) {
            throw new StunException(508, "reserved port could not be bound");
          }
          continue;
        }
        allocation.attach(relay);
        ctx.registry().add(allocation);
        request.link().allocation(allocation);
        StunMessageBuilder b = request.success()
            .addXorAddress(Stun.XOR_RELAYED_ADDRESS, allocation.relayAddress())
            .addInt(Stun.LIFETIME, (int) seconds);
        if (reserveNext) {
          // RFC 8656 §7.2: EVEN-PORT with R=1 reserves port+1 and returns a RESERVATION-TOKEN for it.
          b.add(Stun.RESERVATION_TOKEN, ctx.reservations().reserve(port + 1, ipv6, user, now));
        }
        b.addXorAddress(Stun.XOR_MAPPED_ADDRESS, request.link().remote());
        byte[] response = request.sign(b);
        allocation.cacheAllocateResponse(request.message().transactionId(), response);
        if (log.isDebugEnabled()) { // 4 arguments: an Object[] and a boxed long even when DEBUG is off
          log.debug("allocated {} for {} {} ({}s)", allocation.relayAddress(), request.link().protocol(),
              request.link().remote(), seconds);
        }
        return response;
      }
      throw new StunException(508, "could not bind a relay port");
    } finally {
      unbindable.forEach(ctx.ports()::release);
    }
  }

}
