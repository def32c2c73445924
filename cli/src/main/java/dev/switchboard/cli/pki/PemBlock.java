package dev.switchboard.cli.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/** One "-----BEGIN label----- … -----END label-----" block of a PEM file, decoded. */
record PemBlock(String label, byte[] der) {

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * Every block in {@code text}, in order; text outside blocks (openssl's "Bag Attributes", comments)
   * is skipped. Blocks with headers (Proc-Type: legacy encrypted keys) are returned with empty DER.
   */
  static List<PemBlock> all(String text, Path file) throws IOException {
    List<PemBlock> blocks = new ArrayList<>();
    int at = 0;
    while ((at = text.indexOf(BEGIN, at)) >= 0) {
      int labelEnd = text.indexOf(DASHES, at + BEGIN.length());
      if (labelEnd < 0) {
        throw new IOException(file + ": a PEM BEGIN line is cut short (line " + line(text, at) + ")");
      }
      String label = text.substring(at + BEGIN.length(), labelEnd);
      String endLine = END + label + DASHES;
      int bodyStart = labelEnd + DASHES.length();
      int bodyEnd = text.indexOf(endLine, bodyStart);
      if (bodyEnd < 0) {
        throw new IOException(file + ": no '" + endLine + "' after line " + line(text, at));
      }
      String body = text.substring(bodyStart, bodyEnd);
      byte[] der = body.contains(":") ? new byte[0] : decode(body, label, file, line(text, at));
      blocks.add(new PemBlock(label, der));
      at = bodyEnd + endLine.length();
    }
    return blocks;
  }

  private static byte[] decode(String body, String label, Path file, int line) throws IOException {
    try {
      return Base64.getDecoder().decode(WHITESPACE.matcher(body).replaceAll(""));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the " + label + " at line " + line + " is not valid base64: " + e.getMessage());
    }
  }

  private static int line(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
