import { randomBytes } from "node:crypto";
import type { Database } from "./index.js";
import { createUser } from "../app/modules/auth/users.server.js";
import { createOrganization } from "../app/modules/orgs/organizations.server.js";

export const DEMO_EMAIL = "demo@masteria.local";

export type SeedResult = { created: true; email: string; password: string } | { created: false; email: string };

/** Creates the demo workspace once; the password is random, shown once, and stored only as an argon2id hash. */
export async function seedDemo(db: Database): Promise<SeedResult> {
  const existing = await db.selectFrom("users").select("id").where("email", "=", DEMO_EMAIL).executeTakeFirst();
  if (existing) return { created: false, email: DEMO_EMAIL };
  const password = `${randomBytes(9).toString("base64url")}`;
  const owner = await createUser(db, { email: DEMO_EMAIL, name: "Demo Owner", password, emailVerified: true });
  await createOrganization(db, { name: "Demo Master IA", ownerId: owner.id });
  return { created: true, email: DEMO_EMAIL, password };
}
