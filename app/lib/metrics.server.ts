import client from "prom-client";

declare global {
  var __masteriaMetrics: ReturnType<typeof createMetrics> | undefined;
}

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpRequests = new client.Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route group and status class",
    labelNames: ["method", "group", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "Time to answer HTTP requests",
    labelNames: ["method", "group"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration };
}

/** One registry per process (kept across dev rebuilds). */
export function getMetrics() {
  globalThis.__masteriaMetrics ??= createMetrics();
  return globalThis.__masteriaMetrics;
}

/** Groups a path by its first segment so labels stay few: /inbox/123 → inbox. */
export function routeGroup(path: string): string {
  const first = path.split("/")[1] ?? "";
  if (first === "build" || first === "assets") return "static";
  return /^[a-z][a-z0-9-]{0,30}$/.test(first) ? first : first === "" ? "root" : "other";
}
