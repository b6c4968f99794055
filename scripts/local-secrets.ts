import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateKeyRingEntry } from "../app/lib/crypto/secret-box.server.js";

type LocalSecrets = { SESSION_SECRET: string; REALTIME_SECRET: string; ENCRYPTION_KEYS: string };

/** Secrets for the zero-config default: generated once into .data/secrets.json (mode 600) and reused. */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    SESSION_SECRET: randomBytes(32).toString("hex"),
    REALTIME_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEYS: generateKeyRingEntry(1),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
