package dev.junction.gateway.transform;

import dev.junction.gateway.catalog.Transforms;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.RemoveRequestHeaderGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.SetPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.rewrite.ModifyRequestBodyGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The filters of an operation's {@code transform} policy. Spring Cloud Gateway's own factories
 * where they fit: {@code RemoveRequestHeader}, {@code SetPath} (the path rewrite) and {@code
 * ModifyRequestBody} (the request body template). Header values are templates, which SCG's {@code
 * SetRequestHeader} (URI-template variables only) cannot render, and response changes must reach
 * mock and workflow answers too, which SCG's response filters (applied after the proxied answer) do
 * not: those are written here.
 */
public final class TransformFilters {

  /**
   * Order of the response filters: they wrap the response before Spring Cloud Gateway's writer of
   * proxied answers and outside the recorder of idempotent and cached responses, so that a replayed
   * answer is transformed like the first one.
   */
  public static final int RESPONSE_ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 2;

  private final RemoveRequestHeaderGatewayFilterFactory removeRequestHeader =
      new RemoveRequestHeaderGatewayFilterFactory();
  private final ModifyRequestBodyGatewayFilterFactory modifyRequestBody =
      new ModifyRequestBodyGatewayFilterFactory();
  private final SetPathGatewayFilterFactory setPath = new SetPathGatewayFilterFactory();

  /** Request headers removed, then set, then the body: what the backend receives. */
  public List<GatewayFilter> request(Transforms.Request request) {
    List<GatewayFilter> filters = new ArrayList<>();
    for (String name : request.removeHeaders()) {
      filters.add(removeRequestHeader.apply(c -> c.setName(name)));
    }
    if (!request.setHeaders().isEmpty()) {
      Map<String, Template> headers = request.setHeaders();
      filters.add(
          (exchange, chain) -> {
            CallValues values = new CallValues(exchange, null, null);
            return chain.filter(
                exchange
                    .mutate()
                    .request(
                        r ->
                            r.headers(
                                h ->
                                    headers.forEach(
                                        (name, template) ->
                                            h.set(
                                                name,
                                                template.render(
                                                    values, Template.Escaping.HEADER)))))
                    .build());
          });
    }
    request
        .body()
        .ifPresent(
            body -> {
              Template.Escaping escaping = escaping(body.contentType());
              ModifyRequestBodyGatewayFilterFactory.Config config =
                  new ModifyRequestBodyGatewayFilterFactory.Config()
                      .setContentType(body.contentType())
                      .setRewriteFunction(
                          String.class,
                          String.class,
                          (exchange, original) ->
                              Mono.just(
                                  body.template()
                                      .render(
                                          new CallValues(exchange, (String) original, null),
                                          escaping)));
              filters.add(modifyRequestBody.apply(config));
            });
    return filters;
  }

  /**
   * Response headers removed and set just before the answer is committed, whatever wrote it (the
   * proxy, a workflow reply, a mock, a replay, or a refusal of the route's own policies), and the
   * body filter ({@link #responseBody}).
   */
  public List<GatewayFilter> response(Transforms.Response response) {
    List<GatewayFilter> filters = new ArrayList<>();
    if (!response.setHeaders().isEmpty() || !response.removeHeaders().isEmpty()) {
      filters.add(new OrderedGatewayFilter(headers(response), RESPONSE_ORDER));
    }
    response
        .body()
        .ifPresent(
            body -> {
              if (body.template().readsBody(Template.Root.RESPONSE)) {
                // the template reads the body as text: ask the backend for it uncompressed
                filters.add(removeRequestHeader.apply(c -> c.setName(HttpHeaders.ACCEPT_ENCODING)));
              }
              filters.add(responseBody(body));
            });
    return filters;
  }

  private static GatewayFilter headers(Transforms.Response response) {
    return (exchange, chain) -> {
      ServerHttpResponse answer = exchange.getResponse();
      answer.beforeCommit(
          () ->
              Mono.fromRunnable(
                  () -> {
                    CallValues values = new CallValues(exchange, null, null);
                    response.removeHeaders().forEach(answer.getHeaders()::remove);
                    response
                        .setHeaders()
                        .forEach(
                            (name, template) ->
                                answer
                                    .getHeaders()
                                    .set(name, template.render(values, Template.Escaping.HEADER)));
                  }));
      return chain.filter(exchange);
    };
  }

  /**
   * Replaces the body of a successful (2xx, except 204) answer with the template's; other answers
   * (problems, redirects) pass unchanged.
   */
  GatewayFilter responseBody(Transforms.Body body) {
    Template.Escaping escaping = escaping(body.contentType());
    MediaType contentType = MediaType.parseMediaType(body.contentType());
    boolean readsBody = body.template().readsBody(Template.Root.RESPONSE);
    return new OrderedGatewayFilter(
        (exchange, chain) ->
            chain.filter(
                exchange
                    .mutate()
                    .response(
                        new BodyTemplateResponse(
                            exchange, body.template(), escaping, contentType, readsBody))
                    .build()),
        RESPONSE_ORDER);
  }

  /** SCG's {@code SetPath}: the backend path from the operation's path variables. */
  public GatewayFilter rewritePath(String template) {
    return setPath.apply(c -> c.setTemplate(template));
  }

  private static Template.Escaping escaping(String contentType) {
    MediaType type = MediaType.parseMediaType(contentType);
    return type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json")
        ? Template.Escaping.JSON
        : Template.Escaping.NONE;
  }

  /** Buffers a successful answer's body and writes the template's instead. */
  private static final class BodyTemplateResponse extends ServerHttpResponseDecorator {
    private final ServerWebExchange exchange;
    private final Template template;
    private final Template.Escaping escaping;
    private final MediaType contentType;
    private final boolean readsBody;

    BodyTemplateResponse(
        ServerWebExchange exchange,
        Template template,
        Template.Escaping escaping,
        MediaType contentType,
        boolean readsBody) {
      super(exchange.getResponse());
      this.exchange = exchange;
      this.template = template;
      this.escaping = escaping;
      this.contentType = contentType;
      this.readsBody = readsBody;
    }

    private boolean applies() {
      HttpStatusCode status = getStatusCode();
      return status != null && status.is2xxSuccessful() && status.value() != 204;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      if (!applies()) {
        return super.writeWith(body);
      }
      Mono<String> original =
          readsBody
              ? DataBufferUtils.join(Flux.from(body))
                  .map(
                      buffer -> {
                        String text = buffer.toString(StandardCharsets.UTF_8);
                        DataBufferUtils.release(buffer);
                        return text;
                      })
                  .defaultIfEmpty("")
              : Flux.from(body).doOnNext(DataBufferUtils::release).then(Mono.just(""));
      return original.flatMap(
          text -> {
            byte[] bytes =
                template
                    .render(new CallValues(exchange, null, text), escaping)
                    .getBytes(StandardCharsets.UTF_8);
            getHeaders().remove(HttpHeaders.CONTENT_ENCODING);
            getHeaders().remove(HttpHeaders.TRANSFER_ENCODING);
            getHeaders().setContentType(contentType);
            getHeaders().setContentLength(bytes.length);
            return super.writeWith(Mono.fromSupplier(() -> bufferFactory().wrap(bytes)));
          });
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      return writeWith(Flux.from(body).flatMapSequential(p -> p));
    }

    @Override
    public Mono<Void> setComplete() {
      return applies() ? writeWith(Flux.empty()) : super.setComplete();
    }
  }
}
