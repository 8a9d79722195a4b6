package dev.junction.gateway.policy.access;

import static dev.junction.gateway.GatewayTestSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.Fixtures;
import dev.junction.gateway.GatewayTestSupport;
import dev.junction.gateway.TestIssuer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS per API, IP allow and deny lists, the method allow-list, request size limits and JWT
 * validation with several issuers, through a running gateway (real broker, registry and JWKS) with
 * a real HTTP backend. Besides the stack's own issuer (configured the single-issuer way, {@code
 * spring.security.oauth2.resourceserver.jwt.*}) the gateway trusts three more: {@code corp} by its
 * JWKS URL, {@code partners} by OIDC discovery, {@code air} by a JWKS file (RFC 7520's key).
 */
class AccessPoliciesIT {

  private static final String SHOP = "https://shop.example";

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String gateway;
  private static String token;
  private static final HttpClient http = HttpClient.newHttpClient();

  private static final String AIR = "urn:junction:air-gapped";
  private static final String PARTNER_API = "partner-api";
  private static TestIssuer corp;
  private static TestIssuer partners;
  private static TestIssuer attacker;
  private static RSAKey corpKey;
  private static RSAKey partnerKey;
  private static RSAKey airKey;

  /** A key no issuer publishes: forged tokens are signed with it, under whatever kid. */
  private static RSAKey stranger;

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("access-it");
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          byte[] answer = ("{\"received\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    backend.start();
    Path catalog = Files.createTempDirectory("access-it-apis");
    Files.writeString(
        catalog.resolve("shop-v1.yaml"),
        """
        name: shop
        version: v1
        basePath: /shop/v1
        backend:
          url: http://127.0.0.1:%d
        policies:
          cors:
            allowedOrigins: ["%s"]
            maxAge: 10m
          methods: [GET, PUT]
          requestLimits: {maxBodySize: 1KB, maxHeaderSize: 2KB}
        operations:
          - {id: listItems, method: GET, path: /items}
          - {id: addItem, method: POST, path: /items}
          - {id: putItem, method: PUT, path: /items}
        """
            .formatted(backend.getAddress().getPort(), SHOP));
    Files.writeString(
        catalog.resolve("internal-v1.yaml"),
        """
        name: internal
        version: v1
        basePath: /internal/v1
        policies:
          ipFilter: {allow: [10.0.0.0/8, "::1/128"]}
        operations:
          - id: status
            method: GET
            path: /status
            mock: {body: {ok: true}}
          - id: local
            method: GET
            path: /local
            policies:
              ipFilter: {allow: [127.0.0.0/8], deny: [127.0.0.2/32]}
            mock: {body: {ok: true}}
          - id: blocked
            method: GET
            path: /blocked
            policies:
              ipFilter: {deny: [127.0.0.1/32]}
            mock: {body: {ok: true}}
        """);
    Files.writeString(
        catalog.resolve("partners-v1.yaml"),
        """
        name: partners
        version: v1
        basePath: /partners/v1
        policies:
          jwt:
            issuers: [corp, partners, air]
            audiences: [%s]
        operations:
          - id: listItems
            method: GET
            path: /items
            mock: {body: {ok: true}}
          - id: admin
            method: GET
            path: /admin
            policies:
              jwt:
                issuers: [corp]
                requiredClaims: {groups: admins}
            mock: {body: {admin: true}}
        """
            .formatted(PARTNER_API));
    corpKey = new RSAKeyGenerator(2048).keyID("corp-1").generate();
    partnerKey = new RSAKeyGenerator(2048).keyID("partners-1").generate();
    stranger = new RSAKeyGenerator(2048).generate();
    airKey = TestIssuer.rfc7520Key();
    corp = TestIssuer.start("");
    corp.serve(corpKey);
    partners = TestIssuer.start("/realms/partners");
    partners.serve(partnerKey);
    attacker = TestIssuer.start("");
    String issuers = "--junction.gateway.jwt.issuers.";
    gateway =
        stack.startGateway(
            catalog,
            0,
            issuers + "corp.issuer-uri=" + corp.issuer(),
            issuers + "corp.jwk-set-uri=" + corp.jwksUri(),
            issuers + "corp.audiences=junction-gateway",
            issuers + "partners.issuer-uri=" + partners.issuer(),
            issuers + "partners.type=at+jwt",
            issuers + "partners.required-claims.tenant=acme,globex",
            issuers + "air.issuer-uri=" + AIR,
            issuers
                + "air.jwk-set-file="
                + Fixtures.file("jose/rfc7520-cookbook/jwk/3_3.rsa_public_key.json"));
    token = stack.token("shop-frontend", "");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
    for (TestIssuer issuer : new TestIssuer[] {corp, partners, attacker}) {
      if (issuer != null) {
        issuer.close();
      }
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(gateway + path));
  }

  @Test
  void answersACorsPreflightWithoutAToken() throws Exception {
    HttpResponse<String> preflight =
        send(
            request("/shop/v1/items")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", SHOP)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "Authorization, Content-Type"));

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SHOP);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
        .contains("PUT");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .containsIgnoringCase("authorization");
    assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
  }

  @Test
  void refusesAPreflightFromAnotherOrigin() throws Exception {
    HttpResponse<String> preflight =
        send(
            request("/shop/v1/items")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET"));

    GatewayTestSupport.assertProblem(preflight, 403, "cors-rejected");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void addsCorsFieldsToAnActualCrossOriginCall() throws Exception {
    HttpResponse<String> response =
        send(
            request("/shop/v1/items")
                .header("Origin", SHOP)
                .header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SHOP);
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("X-Run-Id", "RateLimit");
  }

  @Test
  void answers405ForAMethodOutsideTheApisAllowList() throws Exception {
    HttpResponse<String> post =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    GatewayTestSupport.assertProblem(post, 405, "method-not-allowed");
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, PUT");
  }

  @Test
  void refusesABodyOverTheLimitByItsLengthOrAsItStreams() throws Exception {
    byte[] big = new byte[2048];
    HttpResponse<String> declared =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
    HttpResponse<String> streamed =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    HttpResponse<String> small =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[512])));

    GatewayTestSupport.assertProblem(declared, 413, "payload-too-large");
    GatewayTestSupport.assertProblem(streamed, 413, "payload-too-large");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("{\"received\":512}");
  }

  @Test
  void refusesHeadersOverTheLimitWith431() throws Exception {
    HttpResponse<String> response =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .header("X-Padding", "p".repeat(3000)));

    GatewayTestSupport.assertProblem(response, 431, "headers-too-large");
  }

  @Test
  void admitsOrRefusesCallersByAddress() throws Exception {
    // the test calls from 127.0.0.1
    GatewayTestSupport.assertProblem(
        send(request("/internal/v1/status").header("Authorization", "Bearer " + token)),
        403,
        "address-denied");
    assertThat(
            send(request("/internal/v1/local").header("Authorization", "Bearer " + token))
                .statusCode())
        .isEqualTo(200);
    GatewayTestSupport.assertProblem(
        send(request("/internal/v1/blocked").header("Authorization", "Bearer " + token)),
        403,
        "address-denied");
  }

  private static JWTClaimsSet.Builder claims(String issuer, String audience) {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject("bob")
        .claim("client_id", "partner-portal")
        .issueTime(Date.from(Instant.now().minusSeconds(600)))
        .expirationTime(Date.from(Instant.now().plusSeconds(300)));
  }

  private static JWSHeader.Builder rs256(RSAKey key) {
    return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
  }

  private static String corpToken(String audience) {
    return TestIssuer.sign(
        corpKey, rs256(corpKey).build(), claims(corp.issuer(), audience).build());
  }

  private static String partnerToken(JOSEObjectType type, JWTClaimsSet claims) {
    return TestIssuer.sign(partnerKey, rs256(partnerKey).type(type).build(), claims);
  }

  private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");

  private static HttpResponse<String> call(String path, String bearer) throws Exception {
    return send(request(path).header("Authorization", "Bearer " + bearer));
  }

  /** A 401 problem with the RFC 6750 challenge, saying why. */
  private static void assertRefused(HttpResponse<String> response, String reason) {
    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer error=\"invalid_token\"");
    assertThat(response.body()).contains(reason);
  }

  @Test
  void acceptsATokenOfEachTrustedIssuer() throws Exception {
    String fromAir =
        TestIssuer.sign(airKey, rs256(airKey).build(), claims(AIR, PARTNER_API).build());
    String fromPartners =
        partnerToken(
            AT_JWT, claims(partners.issuer(), PARTNER_API).claim("tenant", "acme").build());

    HttpResponse<String> byJwksUri = call("/partners/v1/items", corpToken(PARTNER_API));
    HttpResponse<String> byDiscovery = call("/partners/v1/items", fromPartners);
    HttpResponse<String> byFile = call("/partners/v1/items", fromAir);

    assertThat(byJwksUri.statusCode()).as(byJwksUri.body()).isEqualTo(200);
    assertThat(byDiscovery.statusCode()).as(byDiscovery.body()).isEqualTo(200);
    assertThat(byFile.statusCode()).as(byFile.body()).isEqualTo(200);
    assertThat(partners.discoveryRequests()).isEqualTo(1);
    assertThat(partners.jwksRequests()).isEqualTo(1);
  }

  @Test
  void refusesTokensThatFailAnyCheck() throws Exception {
    String items = "/partners/v1/items";
    JWSHeader asCorp = rs256(corpKey).build();
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(corpKey.getKeyID()).build(),
            claims(corp.issuer(), PARTNER_API).build());
    hmac.sign(new MACSigner(corpKey.toRSAPublicKey().getEncoded()));

    assertRefused(call(items, corpToken("junction-gateway")), "audience (aud) is not accepted");
    assertRefused(
        call(
            items,
            TestIssuer.sign(stranger, asCorp, claims("https://evil.example", PARTNER_API).build())),
        "not trusted by this gateway");
    assertRefused(
        call(items, new PlainJWT(claims(corp.issuer(), PARTNER_API).build()).serialize()),
        "alg none");
    assertRefused(call(items, hmac.serialize()), "algorithm HS256 is not allowed");
    assertRefused(
        call(
            items,
            TestIssuer.sign(
                corpKey,
                rs256(corpKey).build(),
                claims(corp.issuer(), PARTNER_API)
                    .expirationTime(Date.from(Instant.now().minusSeconds(120)))
                    .build())),
        "expired");
    assertRefused(
        call(items, TestIssuer.sign(stranger, asCorp, claims(corp.issuer(), PARTNER_API).build())),
        "signature is not valid");
    assertRefused(
        call(
            items,
            partnerToken(
                JOSEObjectType.JWT,
                claims(partners.issuer(), PARTNER_API).claim("tenant", "acme").build())),
        "typ must be at+jwt");
    assertRefused(
        call(items, partnerToken(AT_JWT, claims(partners.issuer(), PARTNER_API).build())),
        "no tenant claim");
  }

  @Test
  void anOperationNarrowsItsApisPolicy() throws Exception {
    String fromAir =
        TestIssuer.sign(airKey, rs256(airKey).build(), claims(AIR, PARTNER_API).build());
    String admin =
        TestIssuer.sign(
            corpKey,
            rs256(corpKey).build(),
            claims(corp.issuer(), PARTNER_API).claim("groups", List.of("admins")).build());

    assertThat(call("/partners/v1/items", fromAir).statusCode()).isEqualTo(200);
    assertRefused(call("/partners/v1/admin", fromAir), "not trusted for this API");
    assertRefused(call("/partners/v1/admin", corpToken(PARTNER_API)), "no groups claim");
    assertThat(call("/partners/v1/admin", admin).statusCode()).isEqualTo(200);
  }

  @Test
  void aTokenAcceptedByOneApiIsRefusedByAnApiThatDoesNotTrustItsIssuerOrAudience()
      throws Exception {
    String corpForGateway = corpToken("junction-gateway");

    assertThat(call("/shop/v1/items", token).statusCode()).isEqualTo(200);
    assertThat(call("/shop/v1/items", corpForGateway).statusCode()).isEqualTo(200);

    assertRefused(call("/partners/v1/items", token), "not trusted for this API");
    assertRefused(call("/partners/v1/items", corpForGateway), "audience (aud) is not accepted");
  }

  @Test
  void neverFetchesKeysATokenPointsTo() throws Exception {
    // the air issuer's keys are a file: its refetch for the unknown kid reads the file again
    RSAKey forged = new RSAKey.Builder(stranger).keyID("forged-1").build();
    attacker.serve(forged);
    JWSHeader header =
        rs256(forged)
            .jwk(forged.toPublicJWK())
            .jwkURL(attacker.jwksUri())
            .x509CertURL(URI.create(attacker.issuer() + "/cert.pem"))
            .build();

    HttpResponse<String> response =
        call(
            "/partners/v1/items",
            TestIssuer.sign(forged, header, claims(AIR, PARTNER_API).build()));

    assertRefused(response, "no signing key of issuer air matches");
    assertThat(attacker.requests()).isZero();
  }

  @Test
  void picksUpARotatedKeyWithOneFetchAndLimitsFetchesForUnknownKeys() throws Exception {
    assertThat(call("/partners/v1/items", corpToken(PARTNER_API)).statusCode()).isEqualTo(200);
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("corp-2").generate();
    corp.serve(corpKey, rotated);
    int before = corp.jwksRequests();

    HttpResponse<String> withNewKey =
        call(
            "/partners/v1/items",
            TestIssuer.sign(
                rotated, rs256(rotated).build(), claims(corp.issuer(), PARTNER_API).build()));
    assertThat(withNewKey.statusCode()).as(withNewKey.body()).isEqualTo(200);
    assertThat(corp.jwksRequests()).isEqualTo(before + 1);

    RSAKey unknown = new RSAKey.Builder(stranger).keyID("corp-unknown").build();
    for (int i = 0; i < 5; i++) {
      assertRefused(
          call(
              "/partners/v1/items",
              TestIssuer.sign(
                  unknown, rs256(unknown).build(), claims(corp.issuer(), PARTNER_API).build())),
          "no signing key of issuer corp matches");
    }
    // the rotation's fetch was the one allowed in min-refetch-interval (30 s)
    assertThat(corp.jwksRequests()).isEqualTo(before + 1);
  }
}
