package dev.junction.gateway.policy.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where an issuer's keys are read from: a JWKS URL, the JWKS URL its OIDC discovery document names,
 * or a file. Only public keys are kept; symmetric ({@code oct}) keys and private parts are dropped.
 */
final class JwksSources {

  private static final JsonMapper JSON = JsonMapper.shared();

  private JwksSources() {}

  /** The JWKS at {@code uri}. */
  static Supplier<Mono<JWKSet>> uri(WebClient http, URI uri, Duration timeout) {
    return () ->
        http.get()
            .uri(uri)
            .accept(MediaType.APPLICATION_JSON)
            .retrieve()
            .bodyToMono(String.class)
            .timeout(timeout)
            .map(body -> parse(body, uri.toString()));
  }

  /**
   * The JWKS named by the issuer's discovery document: {@code /.well-known/openid-configuration}
   * under the issuer, else RFC 8414's {@code /.well-known/oauth-authorization-server} inserted
   * before the issuer's path. The document must name the same issuer (OIDC Discovery 4.3). Its
   * {@code jwks_uri} is looked up once, then kept.
   */
  static Supplier<Mono<JWKSet>> discovery(WebClient http, String issuer, Duration timeout) {
    AtomicReference<URI> jwksUri = new AtomicReference<>();
    URI base = URI.create(issuer);
    String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "");
    URI oidc = URI.create(issuer.replaceAll("/$", "") + "/.well-known/openid-configuration");
    URI oauth = base.resolve("/.well-known/oauth-authorization-server" + path);
    return () -> {
      URI known = jwksUri.get();
      Mono<URI> location =
          known != null
              ? Mono.just(known)
              : document(http, oidc, timeout)
                  .onErrorResume(
                      WebClientResponseException.class,
                      e ->
                          e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)
                              ? document(http, oauth, timeout)
                              : Mono.error(e))
                  .map(document -> jwksUri(document, issuer))
                  .doOnNext(jwksUri::set);
      return location.flatMap(uri -> uri(http, uri, timeout).get());
    };
  }

  private static Mono<JsonNode> document(WebClient http, URI uri, Duration timeout) {
    return http.get()
        .uri(uri)
        .accept(MediaType.APPLICATION_JSON)
        .retrieve()
        .bodyToMono(String.class)
        .timeout(timeout)
        .map(JSON::readTree);
  }

  static URI jwksUri(JsonNode document, String issuer) {
    JsonNode named = document.get("issuer");
    if (named == null || !issuer.equals(named.asString())) {
      throw new IllegalStateException(
          "the discovery document of " + issuer + " names another issuer: " + named);
    }
    JsonNode jwks = document.get("jwks_uri");
    URI uri = jwks == null ? null : URI.create(jwks.asString());
    if (uri == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw new IllegalStateException(
          "the discovery document of " + issuer + " has no http(s) jwks_uri: " + jwks);
    }
    return uri;
  }

  /** The keys of a file, read now (so that a broken file stops start-up) and at every refresh. */
  static Supplier<Mono<JWKSet>> file(Path file) {
    read(file);
    return () -> Mono.fromCallable(() -> read(file)).subscribeOn(Schedulers.boundedElastic());
  }

  static JWKSet read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the JWKS file " + file, e);
    }
  }

  /** A JWK Set, or a single JWK, reduced to its public keys. */
  static JWKSet parse(String json, String source) {
    try {
      Map<String, Object> object = com.nimbusds.jose.util.JSONObjectUtils.parse(json);
      JWKSet keys =
          object.containsKey("keys") ? JWKSet.parse(object) : new JWKSet(JWK.parse(object));
      JWKSet publicKeys = keys.toPublicJWKSet();
      if (publicKeys.isEmpty()) {
        throw new IllegalArgumentException(source + " holds no public key");
      }
      return publicKeys;
    } catch (ParseException e) {
      throw new IllegalArgumentException(source + " is not a JWK set: " + e.getMessage(), e);
    }
  }
}
