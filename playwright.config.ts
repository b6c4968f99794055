import { defineConfig } from "@playwright/test";
import { E2E_PORT } from "./tests/e2e/ports";

const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  },
};

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  use: { baseURL: `http://localhost:${E2E_PORT}`, locale: "pt-BR", trace: "retain-on-failure", ...chromium },
  projects: [
    { name: "javascript-on", use: { javaScriptEnabled: true } },
    // Specs named *.js-only.spec.ts test JavaScript enhancements (live updates, drag and drop); every other spec runs both ways.
    { name: "javascript-off", use: { javaScriptEnabled: false }, testIgnore: /\.js-only\.spec\.ts$/ },
  ],
  webServer: {
    command: "node --import tsx tests/e2e/serve.ts",
    url: `http://localhost:${E2E_PORT}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
