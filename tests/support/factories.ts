import { randomUUID } from "node:crypto";
import type { Database } from "../../db/index.js";
import { createUser } from "../../app/modules/auth/users.server.js";
import { createOrganization } from "../../app/modules/orgs/organizations.server.js";
import type { Role } from "../../app/modules/orgs/roles.js";

export const TEST_PASSWORD = "correct horse battery";

export function uniqueEmail(label = "user") {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A new organization with its owner (password TEST_PASSWORD). */
export async function createOrgWithOwner(db: Database, label = "org") {
  const owner = await createUser(db, { email: uniqueEmail(`${label}-owner`), name: `${label} owner`, password: TEST_PASSWORD });
  const org = await createOrganization(db, { name: `${label} ${randomUUID().slice(0, 6)}`, ownerId: owner.id });
  return { org, owner };
}

export async function addMember(db: Database, orgId: string, role: Role, label: string = role) {
  const user = await createUser(db, { email: uniqueEmail(label), name: `${label} member`, password: TEST_PASSWORD });
  await db.insertInto("memberships").values({ org_id: orgId, user_id: user.id, role }).execute();
  return user;
}
