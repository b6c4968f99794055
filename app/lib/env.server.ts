import { z } from "zod";

const optionalUrl = z.string().url().optional();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().positive().default(3000),
  APP_URL: z.string().url().default("http://localhost:3000"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.string().url({ message: "must be a postgres:// connection string" }),
  REDIS_URL: optionalUrl,
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters (generate one with `openssl rand -hex 32`)"),
  ENCRYPTION_KEYS: z
    .string()
    .regex(/^\s*\d+:[A-Za-z0-9+/=_-]+\s*(,\s*\d+:[A-Za-z0-9+/=_-]+\s*)*$/, "must look like `2:<base64 32-byte key>,1:<older key>`"),
  REALTIME_SECRET: z.string().min(32, "must be at least 32 characters"),
  REALTIME_PORT: z.coerce.number().int().positive().default(3001),
  REALTIME_INTERNAL_URL: z.string().url().default("http://127.0.0.1:3001"),
  REALTIME_PUBLIC_URL: z.string().default("/realtime"),
  METRICS_TOKEN: z.string().optional(),
  // Which proxies may set X-Forwarded-For (Express syntax). Fly's proxy reaches the app from a private address.
  TRUST_PROXY: z.string().default("loopback, linklocal, uniquelocal"),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_OAUTH_BASE_URL: optionalUrl,
  FACEBOOK_CLIENT_ID: z.string().optional(),
  FACEBOOK_CLIENT_SECRET: z.string().optional(),
  FACEBOOK_OAUTH_BASE_URL: optionalUrl,
  // Provider API hosts; unset means the real ones (graph.facebook.com, api.twilio.com). Tests point them at tests/fakes.
  META_GRAPH_BASE_URL: optionalUrl,
  TWILIO_BASE_URL: optionalUrl,
  // Media storage: local disk under MEDIA_DIR unless S3_BUCKET is set (S3 or any S3-compatible service).
  MEDIA_DIR: z.string().min(1).default(".data/media"),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: optionalUrl,
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(["true", "false", "1", "0"]).default("false").transform((value) => value === "true" || value === "1"),
  // How web and worker reach this realtime instance when several run (the lease row names it); defaults to REALTIME_INTERNAL_URL.
  REALTIME_ADVERTISE_URL: optionalUrl,
  // AI: an organization's own key (AI settings) wins; without either the AI runs offline.
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: optionalUrl,
  // Knowledge-base URL fetches refuse private, loopback and link-local hosts unless this is set (tests).
  KB_FETCH_ALLOW_PRIVATE: z.enum(["true", "false", "1", "0"]).default("false").transform((value) => value === "true" || value === "1"),
  // Baileys logs every frame at debug; its own output stays at warnings unless asked for more.
  BAILEYS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
}

let cached: Env | undefined;

/** Parsed once per process; every entry point calls it first so a bad variable stops the process with a readable list. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function loadEnvOrExit(processName: string): Env {
  try {
    return getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`[${processName}] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
