import { randomBytes } from "node:crypto";
import type { Database } from "#db/index.js";
import { inTransaction } from "#db/transaction.js";
import { isRole, type Role } from "./roles";

export type Organization = { id: string; name: string; slug: string; timezone: string; locale: string; country: string; currency: string };
export type Membership = { org: Organization; role: Role };

const orgColumns = ["organizations.id", "organizations.name", "organizations.slug", "organizations.timezone", "organizations.locale", "organizations.country", "organizations.currency"] as const;

export function slugify(name: string): string {
  const base = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "org";
}

export async function createOrganization(db: Database, input: { name: string; ownerId: string }): Promise<Organization> {
  return inTransaction(db, async (trx) => {
    let slug = slugify(input.name);
    const taken = await trx.selectFrom("organizations").select("id").where("slug", "=", slug).executeTakeFirst();
    if (taken) slug = `${slug}-${randomBytes(3).toString("hex")}`;
    const org = await trx.insertInto("organizations").values({ name: input.name, slug }).returning(["id", "name", "slug", "timezone", "locale", "country", "currency"]).executeTakeFirstOrThrow();
    await trx.insertInto("memberships").values({ org_id: org.id, user_id: input.ownerId, role: "owner" }).execute();
    return org;
  });
}

export async function listMemberships(db: Database, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select([...orgColumns, "memberships.role"])
    .where("memberships.user_id", "=", userId)
    .orderBy("organizations.name")
    .execute();
  return rows.map(({ role, ...org }) => ({ org, role: isRole(role) ? role : "viewer" }));
}

export async function findMembership(db: Database, userId: string, orgId: string): Promise<Membership | undefined> {
  const row = await db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.org_id")
    .select([...orgColumns, "memberships.role"])
    .where("memberships.user_id", "=", userId)
    .where("memberships.org_id", "=", orgId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { role, ...org } = row;
  return { org, role: isRole(role) ? role : "viewer" };
}

export async function updateOrganization(db: Database, orgId: string, input: { name: string; timezone: string; locale: string }) {
  await db.updateTable("organizations").set({ ...input, updated_at: new Date() }).where("id", "=", orgId).execute();
}
