package dev.switchboard.cli.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Makes CA, leaf and self-signed certificates. Thread-safe. */
public final class Certificates {

  // X509Certificate.getKeyUsage() index of keyCertSign (RFC 5280 §4.2.1.3).
  private static final int KEY_CERT_SIGN = 5;

  /** A certificate with its private key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Certificates(Clock clock) {
    this.clock = clock;
  }

  /** A CA that may sign leaves only (path length 0). */
  public Issued newCa(String commonName, KeyKind kind, Duration validity) {
    KeyPair pair = kind.generate();
    X500Name name = name(commonName);
    try {
      X509v3CertificateBuilder builder = builder(name, name, pair.getPublic(), validity);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new Issued(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
  }

  /** A TLS server leaf for {@code hosts} (names and IP literals), signed by {@code ca}. */
  public Issued issueLeaf(Issued ca, List<String> hosts, KeyKind kind, Duration validity) {
    return issueLeaf(ca, hosts, kind, validity, null);
  }

  /**
   * A TLS server leaf as above whose subject also carries {@code unit} as its OU (when not null), by
   * which its maker can tell it from leaves issued otherwise.
   */
  public Issued issueLeaf(Issued ca, List<String> hosts, KeyKind kind, Duration validity, String unit) {
    KeyPair pair = kind.generate();
    // The encoded subject, not getName(): RFC 2253 text reverses the RDN order and would not match.
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Switchboard");
    if (unit != null) {
      subject.addRDN(BCStyle.OU, unit);
    }
    subject.addRDN(BCStyle.CN, hosts.get(0));
    try {
      X509v3CertificateBuilder builder = builder(issuer, subject.build(), pair.getPublic(), validity);
      leafExtensions(builder, hosts, pair.getPublic(), pair.getPrivate().getAlgorithm());
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
      return new Issued(sign(builder, ca.key()), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate", e);
    }
  }

  /** A self-signed leaf for {@code hosts}: the quick case, trusted by nobody until told. */
  public Issued selfSigned(List<String> hosts, KeyKind kind, Duration validity) {
    KeyPair pair = kind.generate();
    X500Name name = name(hosts.get(0));
    try {
      X509v3CertificateBuilder builder = builder(name, name, pair.getPublic(), validity);
      leafExtensions(builder, hosts, pair.getPublic(), pair.getPrivate().getAlgorithm());
      return new Issued(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate", e);
    }
  }

  private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
    Instant now = clock.instant();
    // Backdated an hour so that a client whose clock is a little behind accepts it at once.
    Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
    Date notAfter = Date.from(now.plus(validity));
    BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(issuer, serial, notBefore, notAfter, subject, key);
  }

  private static void leafExtensions(X509v3CertificateBuilder builder, List<String> hosts, PublicKey key,
                                     String keyAlgorithm) throws CertIOException, GeneralSecurityException {
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    int usage = KeyUsage.digitalSignature | (keyAlgorithm.equals("RSA") ? KeyUsage.keyEncipherment : 0);
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hosts));
    builder.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
  }

  /** IP literals become iPAddress SANs, anything else dNSName (commands check names first: HostNames). */
  static GeneralNames subjectAltNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      boolean ip = HostNames.isIpLiteral(host);
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, HostNames.stripBrackets(host)));
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** True when the certificate's subject has {@code unit} as an OU: see {@link #issueLeaf(Issued, List, KeyKind, Duration, String)}. */
  public static boolean hasUnit(X509Certificate certificate, String unit) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    for (RDN rdn : subject.getRDNs(BCStyle.OU)) {
      if (rdn.getFirst() != null && unit.equals(IETFUtils.valueToString(rdn.getFirst().getValue()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks that a CA read from files can issue certificates that verify: the certificate is a CA's
   * (basicConstraints CA:TRUE, and keyCertSign when it has a keyUsage) and the key is its own. Without
   * this, a leaf certificate or a stray key in their place makes a certificate no client accepts.
   *
   * @throws IOException naming the file at fault
   */
  public static void checkIssuer(Issued ca, Path certFile, Path keyFile) throws IOException {
    X509Certificate cert = ca.certificate();
    if (cert.getBasicConstraints() < 0) {
      throw new IOException(certFile + " is not a CA certificate (its basicConstraints lack CA:TRUE)");
    }
    boolean[] usage = cert.getKeyUsage();
    if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
      throw new IOException(certFile + " may not sign certificates (its keyUsage lacks keyCertSign)");
    }
    boolean matches;
    try {
      matches = KeyMatch.belongsTo(ca.key(), cert);
    } catch (GeneralSecurityException e) {
      matches = false; // a key of another algorithm than the certificate's
    }
    if (!matches) {
      throw new IOException(keyFile + " is not the key of " + certFile);
    }
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Switchboard").addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
    try {
      var contentSigner = new JcaContentSignerBuilder(KeyKind.signatureAlgorithm(signer.getAlgorithm())).build(signer);
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign with a " + signer.getAlgorithm() + " key", e);
    }
  }
}
