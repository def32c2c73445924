package dev.switchboard.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.DataAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.ChannelData;
import org.ice4j.message.Indication;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.LongTermCredential;
import org.ice4j.security.LongTermCredentialSession;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;
import org.ice4j.stunclient.BlockingRequestSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ice4j's client classes (StunStack, BlockingRequestSender, LongTermCredentialSession, MessageFactory)
 * allocate on our server, create a permission, bind a channel and get data echoed by a peer, over
 * ChannelData and over Send/Data indications.
 */
class Ice4jClientIT {

  @TempDir
  Path dir;
  private LoopbackTurnServer turn;
  private StunStack stack;
  private DatagramSocket clientSocket;
  private DatagramSocket echoPeer;
  private Thread echo;
  private final BlockingQueue<byte[]> channelData = new LinkedBlockingQueue<>();
  private final BlockingQueue<Message> indications = new LinkedBlockingQueue<>();

  @BeforeAll
  static void quietIce4j() {
    // ice4j adds SOFTWARE "ice4j.org" unless told otherwise; keep the wire minimal.
    System.setProperty("ice4j.software", "");
  }

  @BeforeEach
  void start() throws Exception {
    turn = new LoopbackTurnServer(dir, 27000, 27099, Clock.systemUTC());
    echoPeer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    echo = new Thread(() -> {
      byte[] buf = new byte[2048];
      try {
        while (!echoPeer.isClosed()) {
          DatagramPacket p = new DatagramPacket(buf, buf.length);
          echoPeer.receive(p);
          echoPeer.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
        }
      } catch (java.io.IOException closed) {
        // socket closed: test over
      }
    }, "echo-peer");
    echo.start();
    stack = new StunStack();
    clientSocket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    stack.shutDown();
    clientSocket.close();
    echoPeer.close();
    echo.join(2000);
    turn.close();
  }

  /**
   * ice4j 3.2's StunStack hands only STUN messages to its listeners (its ChannelData handler is never
   * called for received datagrams), so ChannelData is tapped here, at the socket, and decoded with
   * ice4j's own {@link ChannelData#decode}.
   */
  private final class ChannelDataTap extends IceUdpSocketWrapper {

    ChannelDataTap(DatagramSocket socket) {
      super(socket);
    }

    @Override
    public void receive(DatagramPacket p) throws java.io.IOException {
      int capacity = p.getLength();
      while (true) {
        p.setLength(capacity);
        super.receive(p);
        byte[] bytes = java.util.Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
        if (!ChannelData.isChannelDataMessage(bytes)) {
          return;
        }
        try {
          channelData.add(ChannelData.decode(bytes, (char) 0).getData());
        } catch (org.ice4j.StunException e) {
          throw new java.io.IOException(e);
        }
      }
    }
  }

  private String metrics() {
    StringBuilder out = new StringBuilder();
    turn.server.appendPrometheus(out);
    return out.toString();
  }

  @Test
  void allocatePermitBindAndEcho() throws Exception {
    TransportAddress local = new TransportAddress("127.0.0.1", clientSocket.getLocalPort(), Transport.UDP);
    TransportAddress server = new TransportAddress("127.0.0.1", turn.server.udpPort(), Transport.UDP);
    TransportAddress peer = new TransportAddress("127.0.0.1", echoPeer.getLocalPort(), Transport.UDP);
    stack.addSocket(new ChannelDataTap(clientSocket));
    stack.addIndicationListener(local, e -> indications.add(e.getMessage()));
    BlockingRequestSender sender = new BlockingRequestSender(stack, local);

    // 1. Allocate without credentials: 401 with REALM and NONCE.
    Response challenge = (Response) sender.sendRequestAndWaitForResponse(
        MessageFactory.createAllocateRequest((byte) 17, false), server).getMessage();
    assertThat(challenge.isErrorResponse()).isTrue();
    byte[] realm = ((RealmAttribute) challenge.getAttribute(Attribute.REALM)).getRealm();
    byte[] nonce = ((NonceAttribute) challenge.getAttribute(Attribute.NONCE)).getNonce();
    LongTermCredentialSession session = new LongTermCredentialSession(new LongTermCredential("alice", "secret"), realm);
    session.setNonce(nonce);
    stack.getCredentialsManager().registerAuthority(session);

    // 2. Allocate with long-term credentials.
    TransactionID allocateId = TransactionID.createNewTransactionID();
    Request allocate = MessageFactory.createAllocateRequest((byte) 17, false);
    session.addAttributes(allocate);
    Response allocated = (Response) sender.sendRequestAndWaitForResponse(allocate, server, allocateId).getMessage();
    assertThat(allocated.isSuccessResponse()).as(String.valueOf(allocated)).isTrue();
    TransportAddress relay = ((XorRelayedAddressAttribute) allocated.getAttribute(Attribute.XOR_RELAYED_ADDRESS))
        .getAddress(allocateId.getBytes());
    assertThat(relay.getHostAddress()).isEqualTo("127.0.0.1");

    // 3. CreatePermission for the echo peer, then Send indication -> Data indication back.
    TransactionID permId = TransactionID.createNewTransactionID();
    Request permission = MessageFactory.createCreatePermissionRequest(peer, permId.getBytes());
    session.addAttributes(permission);
    assertThat(((Response) sender.sendRequestAndWaitForResponse(permission, server, permId).getMessage())
        .isSuccessResponse()).isTrue();
    TransactionID sendId = TransactionID.createNewTransactionID();
    Indication send = MessageFactory.createSendIndication(peer, "hello via send".getBytes(StandardCharsets.UTF_8),
        sendId.getBytes());
    send.setTransactionID(sendId.getBytes());
    stack.sendIndication(send, server, local);
    Message data = indications.poll(5, TimeUnit.SECONDS);
    assertThat(data).as(this::metrics).isNotNull();
    assertThat(new String(((DataAttribute) data.getAttribute(Attribute.DATA)).getData(), StandardCharsets.UTF_8))
        .isEqualTo("hello via send");

    // 4. ChannelBind, then ChannelData both ways.
    TransactionID bindId = TransactionID.createNewTransactionID();
    Request bind = MessageFactory.createChannelBindRequest((char) 0x4001, peer, bindId.getBytes());
    session.addAttributes(bind);
    assertThat(((Response) sender.sendRequestAndWaitForResponse(bind, server, bindId).getMessage())
        .isSuccessResponse()).isTrue();
    ChannelData out = new ChannelData();
    out.setChannelNumber((char) 0x4001);
    out.setData("hello via channel".getBytes(StandardCharsets.UTF_8));
    stack.sendChannelData(out, server, local);
    byte[] echoed = channelData.poll(5, TimeUnit.SECONDS);
    assertThat(echoed).as(this::metrics).isNotNull();
    assertThat(new String(echoed, StandardCharsets.UTF_8)).isEqualTo("hello via channel");

    // 5. Refresh with lifetime 0 deletes the allocation.
    TransactionID refreshId = TransactionID.createNewTransactionID();
    Request refresh = MessageFactory.createRefreshRequest(0);
    session.addAttributes(refresh);
    assertThat(((Response) sender.sendRequestAndWaitForResponse(refresh, server, refreshId).getMessage())
        .isSuccessResponse()).isTrue();
    assertThat(turn.server.context().registry().count()).isZero();
  }
}
