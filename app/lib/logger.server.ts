import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: { process: process.env.MASTERIA_PROCESS ?? "web" },
  redact: ["req.headers.cookie", "req.headers.authorization", "password", "*.password", "token", "*.token"],
});

export type Logger = typeof logger;
