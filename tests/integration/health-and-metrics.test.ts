import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-server.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

it("/health answers 503 JSON naming the parts that fail (no realtime sidecar runs in this test)", async () => {
  const response = await app.client().get("/health");
  expect(response.status).toBe(503);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const report = await response.json();
  expect(report.checks.database.ok).toBe(true);
  expect(report.failing).toContain("realtime");
  if (process.env.REDIS_URL) expect(report.checks.redis.ok).toBe(true);
});

it("/metrics answers in Prometheus text format with request counters", async () => {
  await (await app.client().get("/login")).text(); // counted when the response finishes
  const response = await app.client().get("/metrics");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  const body = await response.text();
  expect(body).toContain("# TYPE http_requests_total counter");
  expect(body).toMatch(/http_requests_total\{method="GET",group="login",status="2xx"\} \d+/);
  expect(body).toContain("process_cpu_seconds_total");
});

it("every response carries a request id, and a given one is echoed", async () => {
  const generated = await app.client().get("/login");
  expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  const echoed = await app.client().get("/login", { "X-Request-Id": "trace-abc-123" });
  expect(echoed.headers.get("x-request-id")).toBe("trace-abc-123");
});
