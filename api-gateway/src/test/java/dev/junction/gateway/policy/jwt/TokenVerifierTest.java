package dev.junction.gateway.policy.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.junction.gateway.Fixtures;
import dev.junction.gateway.TestClock;
import dev.junction.gateway.TestIssuer;
import dev.junction.gateway.catalog.JwtPolicy;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.security.VerifiedTokenCache;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The checks of a bearer token, without a gateway: keys are served from memory. */
class TokenVerifierTest {

  private static final String CORP = "https://corp.example";
  private static final String PARTNERS = "https://partners.example/realms/p";

  private static RSAKey corpKey;
  private static RSAKey partnerKey;
  private static RSAKey attackerKey;

  private final TestClock clock = new TestClock();
  private final AtomicInteger fetches = new AtomicInteger();
  private TrustedIssuers issuers;
  private TokenVerifier verifier;

  @BeforeAll
  static void keys() throws Exception {
    corpKey = TestIssuer.rfc7520Key();
    partnerKey = new RSAKeyGenerator(2048).keyID("partner-1").generate();
    attackerKey = new RSAKeyGenerator(2048).keyID("attacker-1").generate();
  }

  @org.junit.jupiter.api.BeforeEach
  void issuers() throws Exception {
    issuers =
        new TrustedIssuers(
            Map.of(
                "corp",
                issuer("corp", CORP, null, List.of("junction-gateway"), Map.of(), corpKey),
                "partners",
                issuer(
                    "partners",
                    PARTNERS,
                    "at+jwt",
                    List.of("partner-api"),
                    Map.of("tenant", List.of("acme", "globex")),
                    partnerKey),
                "joe",
                issuer("joe", "joe", null, List.of(), Map.of(), rfc7515Key())),
            List.of("corp", "partners"));
    verifier =
        new TokenVerifier(
            issuers, new VerifiedTokenCache(Duration.ofMinutes(5), 100, clock, () -> 0L));
  }

  private TrustedIssuer issuer(
      String name,
      String iss,
      String type,
      List<String> audiences,
      Map<String, List<String>> claims,
      JWK key) {
    JWKSet keys = new JWKSet(key.toPublicJWK());
    return new TrustedIssuer(
        name,
        iss,
        Set.of(JWSAlgorithm.RS256),
        Duration.ofSeconds(60),
        type,
        audiences,
        RequiredClaim.of(claims),
        new JwksCache(
            name,
            () -> {
              fetches.incrementAndGet();
              return Mono.just(keys);
            },
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            clock),
        clock);
  }

  private static JWK rfc7515Key() throws Exception {
    return JWK.parse(rfc7515A2().get("key_jwk").toString());
  }

  private static JsonNode rfc7515A2() throws Exception {
    JsonNode fixture =
        JsonMapper.shared()
            .readTree(Files.readString(Fixtures.file("jose/rfc7515-appendix-a.json")));
    for (JsonNode example : fixture.get("examples")) {
      if (example.get("id").asString().equals("A.2")) {
        return example;
      }
    }
    throw new IllegalStateException("no A.2 example");
  }

  private JWTClaimsSet.Builder claims(String iss, String audience) {
    return new JWTClaimsSet.Builder()
        .issuer(iss)
        .audience(audience)
        .subject("alice")
        .issueTime(Date.from(clock.instant().minusSeconds(10)))
        .expirationTime(Date.from(clock.instant().plusSeconds(300)));
  }

  private static String sign(RSAKey key, JOSEObjectType type, JWTClaimsSet claims)
      throws Exception {
    return sign(
        key, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type), claims);
  }

  private static String sign(RSAKey key, JWSHeader.Builder header, JWTClaimsSet claims)
      throws Exception {
    SignedJWT jwt = new SignedJWT(header.build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private String corpToken() throws Exception {
    return sign(corpKey, JOSEObjectType.JWT, claims(CORP, "junction-gateway").build());
  }

  private String partnerToken(JOSEObjectType type, JWTClaimsSet claims) throws Exception {
    return sign(partnerKey, type, claims);
  }

  private JWTClaimsSet.Builder partnerClaims() {
    return claims(PARTNERS, "partner-api").claim("tenant", "acme");
  }

  private Jwt verify(String token, JwtPolicy policy) {
    return verifier.verify(token, issuers.rules(policy)).block();
  }

  private void assertRefused(String token, JwtPolicy policy, String reason) {
    assertThatThrownBy(() -> verify(token, policy))
        .isInstanceOf(BadJwtException.class)
        .hasMessageContaining(reason);
  }

  private static JwtPolicy trusting(String... issuers) {
    return new JwtPolicy(List.of(issuers), List.of(), Map.of());
  }

  @Test
  void acceptsATokenOfEachDefaultIssuer() throws Exception {
    assertThat(verify(corpToken(), JwtPolicy.DEFAULTS).getSubject()).isEqualTo("alice");
    assertThat(
            verify(
                    partnerToken(new JOSEObjectType("at+jwt"), partnerClaims().build()),
                    JwtPolicy.DEFAULTS)
                .getClaimAsString("tenant"))
        .isEqualTo("acme");
  }

  @Test
  void refusesAnUnknownIssuerWithoutFetchingAnything() throws Exception {
    String token =
        sign(
            attackerKey,
            JOSEObjectType.JWT,
            claims("https://evil.example", "junction-gateway").build());

    assertRefused(token, JwtPolicy.DEFAULTS, "issuer (iss) is not trusted by this gateway");
    assertThat(fetches).hasValue(0);
  }

  @Test
  void refusesAnIssuerTheApiDoesNotTrustWithoutFetchingAnything() throws Exception {
    assertRefused(corpToken(), trusting("partners"), "issuer (iss) is not trusted for this API");
    // the RFC 7515 issuer is configured, but not among the default issuers
    assertRefused(rfc7515A2().get("jws_compact").asString(), JwtPolicy.DEFAULTS, "not trusted");
    assertThat(fetches).hasValue(0);
  }

  @Test
  void refusesAnUnsignedToken() throws Exception {
    String none = new PlainJWT(claims(CORP, "junction-gateway").build()).serialize();

    assertRefused(none, JwtPolicy.DEFAULTS, "alg none");
  }

  @Test
  void refusesHs256SignedWithTheIssuersRsaPublicKeyAsSecret() throws Exception {
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(corpKey.getKeyID()).build(),
            claims(CORP, "junction-gateway").build());
    forged.sign(new MACSigner(corpKey.toRSAPublicKey().getEncoded()));

    assertRefused(forged.serialize(), JwtPolicy.DEFAULTS, "algorithm HS256 is not allowed");
  }

  private String corpTokenExpiredFor(long seconds) throws Exception {
    return sign(
        corpKey,
        JOSEObjectType.JWT,
        claims(CORP, "junction-gateway")
            .issueTime(Date.from(clock.instant().minusSeconds(600)))
            .expirationTime(Date.from(clock.instant().minusSeconds(seconds)))
            .build());
  }

  @Test
  void refusesAnExpiredTokenBeyondTheClockSkew() throws Exception {
    assertThat(verify(corpTokenExpiredFor(30), JwtPolicy.DEFAULTS)).isNotNull();
    assertRefused(corpTokenExpiredFor(90), JwtPolicy.DEFAULTS, "expired");
  }

  @Test
  void refusesATokenWithoutExpiry() throws Exception {
    String token =
        sign(
            corpKey,
            JOSEObjectType.JWT,
            claims(CORP, "junction-gateway").expirationTime(null).build());

    assertRefused(token, JwtPolicy.DEFAULTS, "exp");
  }

  @Test
  void refusesABadSignature() throws Exception {
    String token =
        sign(
            attackerKey,
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(corpKey.getKeyID()),
            claims(CORP, "junction-gateway").build());

    assertRefused(token, JwtPolicy.DEFAULTS, "signature is not valid");
  }

  @Test
  void neverTakesAKeyTheTokenPointsTo() throws Exception {
    JWSHeader.Builder header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(attackerKey.getKeyID())
            .jwk(attackerKey.toPublicJWK())
            .jwkURL(URI.create("http://127.0.0.1:9/jwks.json"))
            .x509CertURL(URI.create("http://127.0.0.1:9/cert.pem"));
    String token = sign(attackerKey, header, claims(CORP, "junction-gateway").build());

    assertRefused(token, JwtPolicy.DEFAULTS, "no signing key of issuer corp matches");
  }

  @Test
  void checksTheTypWhereTheIssuerRequiresOne() throws Exception {
    assertRefused(
        partnerToken(JOSEObjectType.JWT, partnerClaims().build()),
        JwtPolicy.DEFAULTS,
        "typ must be at+jwt");
    assertRefused(partnerToken(null, partnerClaims().build()), JwtPolicy.DEFAULTS, "typ");
    assertThat(
            verify(
                partnerToken(new JOSEObjectType("application/AT+JWT"), partnerClaims().build()),
                JwtPolicy.DEFAULTS))
        .isNotNull();
  }

  @Test
  void checksTheIssuersAndTheApisRequiredClaims() throws Exception {
    JOSEObjectType at = new JOSEObjectType("at+jwt");
    assertRefused(
        partnerToken(at, claims(PARTNERS, "partner-api").build()),
        JwtPolicy.DEFAULTS,
        "no tenant claim");
    assertRefused(
        partnerToken(at, partnerClaims().claim("tenant", "initech").build()),
        JwtPolicy.DEFAULTS,
        "tenant claim is not one of");

    JwtPolicy admins =
        new JwtPolicy(List.of(), List.of(), Map.of("groups", List.of("admins"), "sid", List.of()));
    String member =
        partnerToken(
            at,
            partnerClaims().claim("groups", List.of("staff", "admins")).claim("sid", 7).build());
    assertThat(verify(member, admins).getClaimAsStringList("groups")).contains("admins");
    assertRefused(
        partnerToken(at, partnerClaims().claim("groups", List.of("staff")).claim("sid", 7).build()),
        admins,
        "groups claim");
    assertRefused(
        partnerToken(at, partnerClaims().claim("groups", List.of("admins")).build()),
        admins,
        "no sid claim");
  }

  @Test
  void theApisAudiencesReplaceTheIssuers() throws Exception {
    JwtPolicy orders = new JwtPolicy(List.of("corp"), List.of("orders-api"), Map.of());
    String forOrders = sign(corpKey, JOSEObjectType.JWT, claims(CORP, "orders-api").build());

    assertThat(verify(forOrders, orders)).isNotNull();
    assertRefused(forOrders, JwtPolicy.DEFAULTS, "audience (aud) is not accepted");
    assertRefused(corpToken(), orders, "audience (aud) is not accepted");
  }

  @Test
  void aTokenRememberedForOneApiIsCheckedAgainstEachApisRules() throws Exception {
    String token = corpToken();
    assertThat(verify(token, JwtPolicy.DEFAULTS)).isNotNull();

    assertRefused(token, trusting("partners"), "not trusted for this API");
    assertRefused(
        token, new JwtPolicy(List.of(), List.of("orders-api"), Map.of()), "audience (aud)");
    assertRefused(
        token, new JwtPolicy(List.of(), List.of(), Map.of("tenant", List.of())), "no tenant claim");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void verifiesTheRfc7515AppendixA2TokenAtItsTimeAndRefusesItNow() throws Exception {
    String token = rfc7515A2().get("jws_compact").asString();
    JwtPolicy joe = trusting("joe");

    clock.set(Instant.parse("2011-03-22T18:00:00Z"));
    assertThat(verify(token, joe).getClaimAsBoolean("http://example.com/is_root")).isTrue();

    clock.set(Instant.parse("2026-11-26T12:00:00Z"));
    assertRefused(token, joe, "expired");
  }

  @Test
  void refusesWhatIsNotASignedJwt() {
    assertRefused("not-a-token", JwtPolicy.DEFAULTS, "not a well-formed JWT");
    assertRefused(
        Base64URL.encode("{\"alg\":\"RS256\"}") + "." + Base64URL.encode("{broken") + ".c2ln",
        JwtPolicy.DEFAULTS,
        "not a well-formed JWT");
  }

  @Test
  void answersBadGatewayWhenAnIssuersKeysCannotBeObtained() throws Exception {
    TrustedIssuer down =
        new TrustedIssuer(
            "down",
            "https://down.example",
            Set.of(JWSAlgorithm.RS256),
            Duration.ofSeconds(60),
            null,
            List.of(),
            List.of(),
            new JwksCache(
                "down",
                () -> Mono.error(new java.net.ConnectException("connection refused")),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                clock),
            clock);
    TrustedIssuers withDown = new TrustedIssuers(Map.of("down", down), List.of());
    TokenVerifier verifying =
        new TokenVerifier(withDown, new VerifiedTokenCache(Duration.ofMinutes(5), 100));
    String token = sign(corpKey, JOSEObjectType.JWT, claims("https://down.example", "x").build());

    assertThatThrownBy(() -> verifying.verify(token, withDown.rules(JwtPolicy.DEFAULTS)).block())
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.problem().status()).isEqualTo(502);
              assertThat(e.problem().detail()).contains("issuer down");
            });
  }
}
