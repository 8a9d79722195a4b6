package dev.junction.gateway;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP token issuer for tests: its OIDC discovery document ({@code
 * <issuer>/.well-known/openid-configuration}) and its JWKS ({@code <issuer>/jwks}), whose keys a
 * test may change (rotation). Every request is counted, so a test can tell what the gateway
 * fetched.
 */
public final class TestIssuer implements AutoCloseable {

  private final HttpServer server;
  private final String issuer;
  private final AtomicReference<byte[]> jwks = new AtomicReference<>("{\"keys\":[]}".getBytes());
  private final AtomicInteger jwksRequests = new AtomicInteger();
  private final AtomicInteger discoveryRequests = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  private TestIssuer(String path) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer = "http://127.0.0.1:" + server.getAddress().getPort() + path;
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          String at = exchange.getRequestURI().getPath();
          if (at.equals(path + "/jwks")) {
            jwksRequests.incrementAndGet();
            answer(exchange, 200, jwks.get());
          } else if (at.equals(path + "/.well-known/openid-configuration")) {
            discoveryRequests.incrementAndGet();
            answer(
                exchange,
                200,
                ("{\"issuer\":\"%s\",\"jwks_uri\":\"%s\"}".formatted(issuer, jwksUri()))
                    .getBytes(StandardCharsets.UTF_8));
          } else {
            answer(exchange, 404, "{}".getBytes(StandardCharsets.UTF_8));
          }
        });
    server.start();
  }

  /**
   * @param path the issuer's path below its host, e.g. {@code /realms/partners} or empty
   */
  public static TestIssuer start(String path) throws IOException {
    return new TestIssuer(path);
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** Its {@code iss}. */
  public String issuer() {
    return issuer;
  }

  public URI jwksUri() {
    return URI.create(issuer + "/jwks");
  }

  /** Publishes the public parts of these keys in its JWKS. */
  public void serve(RSAKey... keys) {
    List<JWK> published = List.of(keys).stream().map(key -> (JWK) key.toPublicJWK()).toList();
    jwks.set(new JWKSet(published).toString().getBytes(StandardCharsets.UTF_8));
  }

  public int jwksRequests() {
    return jwksRequests.get();
  }

  public int discoveryRequests() {
    return discoveryRequests.get();
  }

  /** Every request it received, whatever the path. */
  public int requests() {
    return requests.get();
  }

  /** RFC 7520's RSA key (section 3.4, {@code bilbo.baggins@hobbiton.example}), private part too. */
  public static RSAKey rfc7520Key() {
    try {
      return JWK.parse(
              Files.readString(Fixtures.file("jose/rfc7520-cookbook/jwk/3_4.rsa_private_key.json")))
          .toRSAKey();
    } catch (IOException | java.text.ParseException e) {
      throw new IllegalStateException("cannot read the RFC 7520 key fixture", e);
    }
  }

  /** A compact token signed with {@code key} (RS256 headers are the caller's). */
  public static String sign(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
