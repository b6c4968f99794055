import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import { loadEnvOrExit } from "../app/lib/env.server.js";
import { logger } from "../app/lib/logger.server.js";
import { attachRealtimeProxy } from "../app/lib/http/realtime-proxy.server.js";
import { createWebApp } from "./app.js";
import { buildPaths } from "./build-paths.js";

const env = loadEnvOrExit("web");
const root = process.cwd();
const { serverBuild: buildPath, assetsDir } = buildPaths(root);

async function importBuild(): Promise<ServerBuild> {
  return import(pathToFileURL(buildPath).href);
}

const build = await importBuild();
const isDev = env.NODE_ENV === "development";
const app = createWebApp({ build, publicDir: path.join(root, "public"), assetsDir });

const server = app.listen(env.PORT, () => {
  logger.info({ port: env.PORT }, `web listening on http://localhost:${env.PORT}`);
  // `remix dev` restarts this process on every rebuild and waits for this signal to reload the browser.
  if (isDev) void broadcastDevReady(build);
});

// Browsers open ws(s)://<this host>/realtime; the socket is piped to the realtime sidecar.
attachRealtimeProxy(server, env.REALTIME_INTERNAL_URL);

function shutdown(signal: string) {
  logger.info({ signal }, "web shutting down");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
