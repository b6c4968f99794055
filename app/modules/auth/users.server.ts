import type { Database } from "#db/index.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.server";

export type User = { id: string; email: string; name: string; locale: string | null };

const userColumns = ["id", "email", "name", "locale"] as const;

export async function findUserById(db: Database, id: string): Promise<User | undefined> {
  return db.selectFrom("users").select(userColumns).where("id", "=", id).executeTakeFirst();
}

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  return db.selectFrom("users").select(userColumns).where("email", "=", email).executeTakeFirst();
}

export class EmailTakenError extends Error {
  constructor() {
    super("email_taken");
  }
}

export async function createUser(
  db: Database,
  input: { email: string; name: string; password?: string; emailVerified?: boolean; locale?: string | null },
): Promise<User> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const row = await db
    .insertInto("users")
    .values({
      email: input.email,
      name: input.name,
      password_hash: passwordHash,
      email_verified_at: input.emailVerified ? new Date() : null,
      locale: input.locale ?? null,
    })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning(userColumns)
    .executeTakeFirst();
  if (!row) throw new EmailTakenError();
  return row;
}

/** Returns the user only when the password matches; same work is done for unknown emails. */
export async function verifyCredentials(db: Database, email: string, password: string): Promise<User | null> {
  const row = await db.selectFrom("users").select([...userColumns, "password_hash"]).where("email", "=", email).executeTakeFirst();
  if (!row?.password_hash) {
    await burnPasswordCheck(password);
    return null;
  }
  if (!(await verifyPassword(row.password_hash, password))) return null;
  const { password_hash: _ignored, ...user } = row;
  return user;
}

export async function setUserLocale(db: Database, userId: string, locale: string) {
  await db.updateTable("users").set({ locale, updated_at: new Date() }).where("id", "=", userId).execute();
}
