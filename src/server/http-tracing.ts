/**
 * The server span each traced HTTP request opens (README «Traces»): its context is the parent of
 * the Temporal client spans the request causes (starting a room, the message's update), so a
 * webhook's trace runs on into the room workflow and its activities. A caller's W3C `traceparent`
 * is honoured. Without a registered tracer provider (`startTracing`) OpenTelemetry's API is a
 * no-op and this costs next to nothing.
 */
import * as otel from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { TRACER_NAME } from '../telemetry/tracing.js';

export function httpTracing(): RequestHandler {
  const tracer = otel.trace.getTracer(TRACER_NAME);
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = otel.propagation.extract(otel.context.active(), req.headers);
    const span = tracer.startSpan(req.method, {
      kind: otel.SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    }, parent);
    // The route template is known once a router matched; the path (with ids in it) is not a name.
    let route: string | undefined;
    res.on('finish', () => {
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
      span.end();
    });
    res.on('close', () => { if (!res.writableFinished) span.end(); });
    // Routers reset `req.baseUrl` on the way out: note the matched route while the handler runs.
    const original = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((...args: unknown[]) => {
      if (req.route?.path && typeof req.route.path === 'string') route = `${req.baseUrl}${req.route.path}`;
      return original(...args);
    }) as typeof res.writeHead;
    otel.context.with(otel.trace.setSpan(parent, span), next);
  };
}
