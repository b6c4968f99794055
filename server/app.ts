import { randomUUID } from "node:crypto";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { getDb } from "../app/lib/db.server.js";
import { getEnv } from "../app/lib/env.server.js";
import { mountProviderWebhooks } from "../app/modules/channels/webhook-routes-express.server.js";
import { checkOrigin } from "../app/lib/http/origin-check.server.js";
import { logger } from "../app/lib/logger.server.js";
import { getMetrics, routeGroup } from "../app/lib/metrics.server.js";

const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Routes that stream their body and enforce a smaller limit themselves while reading it (so they can
 * answer with a page, not a bare 413); only absurd declared sizes are refused here.
 */
const BODY_LIMITS: Array<[RegExp, number]> = [
  [/^\/imports\/new$/, 200 * 1024 * 1024],
  // Inbox attachments: WhatsApp's largest media (16 MB video) plus form overhead; storage checks each type's own limit.
  [/^\/inbox\/[^/]+$/, 20 * 1024 * 1024],
  // Knowledge-base uploads (10 MB files): the route answers "too large" beside the field up to this size.
  [/^\/ai\/knowledge\/[^/]+\/upload$/, 40 * 1024 * 1024],
];

declare module "@remix-run/node" {
  interface AppLoadContext {
    requestId: string;
    log: typeof logger;
    /** The caller's address as resolved by Express's `trust proxy` setting (X-Forwarded-For only from trusted proxies). */
    clientIp: string;
  }
}

export function createWebApp(options: { build: ServerBuild | (() => Promise<ServerBuild>); publicDir: string; assetsDir: string; mode?: string }) {
  const env = getEnv();
  const app = express();
  const metrics = getMetrics();
  const allowedOrigins = [new URL(env.APP_URL).origin];

  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);
  app.use(compression());

  app.use((req, res, next) => {
    const requestId = (req.get("x-request-id") ?? "").slice(0, 64) || randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const group = routeGroup(req.path);
      metrics.httpRequests.inc({ method: req.method, group, status: `${Math.floor(res.statusCode / 100)}xx` });
      metrics.httpDuration.observe({ method: req.method, group }, seconds);
      if (group !== "static") {
        res.locals.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1000) }, "request");
      }
    });
    next();
  });

  app.use((req, res, next) => {
    const declared = Number(req.get("content-length") ?? 0);
    const path = req.path.replace(/\/$/, "");
    const limit = BODY_LIMITS.find(([pattern]) => pattern.test(path))?.[1] ?? MAX_BODY_BYTES;
    if (declared > limit) {
      res.status(413).json({ error: { code: "payload_too_large", message: `Request body is over ${limit} bytes.` } });
      return;
    }
    const verdict = checkOrigin({
      method: req.method,
      path: req.path,
      origin: req.get("origin"),
      referer: req.get("referer"),
      allowedOrigins: [...allowedOrigins, `${req.protocol}://${req.get("host")}`],
    });
    if (!verdict.ok) {
      res.status(403).json({ error: { code: "forbidden_origin", message: `Cross-site request refused: ${verdict.reason}.` } });
      return;
    }
    next();
  });

  // Provider webhooks skip Remix's route matching: verify → store → enqueue → 200 at >1,000/s (ADR 010).
  mountProviderWebhooks(app, getDb);

  app.get("/metrics", async (req, res) => {
    if (env.METRICS_TOKEN && req.get("authorization") !== `Bearer ${env.METRICS_TOKEN}`) {
      res.status(401).json({ error: { code: "unauthorized", message: "Send the metrics token as a Bearer token." } });
      return;
    }
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use("/build", express.static(options.assetsDir, { immutable: true, maxAge: "1y" }));
  app.use(express.static(options.publicDir, { maxAge: "1h" }));

  app.all(
    "*",
    createRequestHandler({
      build: options.build,
      mode: options.mode ?? env.NODE_ENV,
      getLoadContext: (req, res) => ({ requestId: res.locals.requestId as string, log: res.locals.log as typeof logger, clientIp: req.ip ?? "unknown" }),
    }),
  );
  return app;
}
