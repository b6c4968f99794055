import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll } from "vitest";
import { createWebApp } from "../../server/app.js";
import { buildPaths } from "../../server/build-paths.js";
import { TEST_PASSWORD } from "./factories.js";

const root = path.resolve(import.meta.dirname, "../..");

/** The real Express + Remix production build, in this test process, on a random port. */
export async function startTestApp() {
  const { serverBuild: buildPath, assetsDir } = buildPaths(root);
  if (!existsSync(buildPath)) throw new Error(`${buildPath} is missing: run \`npm run build\` before the HTTP tests (npm test does).`);
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const app = createWebApp({ build, publicDir: path.join(root, "public"), assetsDir, mode: "production" });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    client: () => new TestClient(baseUrl),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** One app for the test file: started before its tests, closed after; `signedIn` returns a client with a session. */
export function testAppForThisFile() {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });
  const current = () => {
    if (!app) throw new Error("the test app starts in beforeAll");
    return app;
  };
  return {
    get baseUrl() {
      return current().baseUrl;
    },
    client: () => current().client(),
    async signedIn(email: string, password = TEST_PASSWORD): Promise<TestClient> {
      const client = current().client();
      await client.signIn(email, password);
      return client;
    },
  };
}

/** A browser stand-in: keeps cookies, sends our Origin on writes, never follows redirects. */
export class TestClient {
  private cookies = new Map<string, string>();
  /** Each client looks like its own machine behind the (trusted, loopback) proxy, so IP limits don't leak across tests. */
  readonly ip = `2001:db8::${randomInt(0xffff).toString(16)}:${randomInt(0xffff).toString(16)}`;
  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  async request(method: string, pathname: string, init: { form?: Record<string, string>; headers?: Record<string, string>; body?: BodyInit } = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    if (!headers.has("X-Forwarded-For")) headers.set("X-Forwarded-For", this.ip);
    if (method !== "GET" && !headers.has("Origin")) headers.set("Origin", this.baseUrl);
    let body = init.body;
    if (init.form) body = new URLSearchParams(init.form);
    const response = await fetch(new URL(pathname, this.baseUrl), { method, headers, body, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /max-age=0|expires=thu, 01 jan 1970/i.test(attribute.trim()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(pathname: string, headers?: Record<string, string>) {
    return this.request("GET", pathname, { headers });
  }

  post(pathname: string, form: Record<string, string>, headers?: Record<string, string>) {
    return this.request("POST", pathname, { form, headers });
  }

  async signIn(email: string, password: string) {
    const response = await this.post("/login", { email, password });
    if (response.status !== 302) throw new Error(`sign-in as ${email} failed with ${response.status}: ${await response.text()}`);
    return response;
  }
}
