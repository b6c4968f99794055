import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { createApiKey } from "../../app/modules/api-keys/api-keys.server.js";
import { createInvitation } from "../../app/modules/orgs/invitations.server.js";
import { testAppForThisFile, type TestClient } from "../support/app-server.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD, uniqueEmail } from "../support/factories.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;


async function inviteLink(client: TestClient, form: Record<string, string>) {
  const response = await client.post("/settings/team", { intent: "invite", ...form });
  expect(response.status).toBe(200);
  const token = (await response.text()).match(/\/invite\/([A-Za-z0-9_-]{20,})/)?.[1];
  expect(token).toBeTruthy();
  return token!;
}

describe("organizations and invitations", () => {
  it("sign-up → invite → accept → switch organization → role limits", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "acme");
    const ownerClient = await signedIn(owner.email);
    const token = await inviteLink(ownerClient, { role: "viewer" });

    // A new person opens the link, signs up through it and lands in the inviting organization.
    const invitePage = await app.client().get(`/invite/${token}`);
    expect(await invitePage.text()).toContain(org.name);
    const viewer = app.client();
    const viewerEmail = uniqueEmail("viewer");
    const joined = await viewer.post("/signup", { name: "Vera Viewer", email: viewerEmail, password: TEST_PASSWORD, invite: token });
    expect(joined.status).toBe(302);
    expect(await (await viewer.get("/dashboard")).text()).toContain(org.name);

    // The link is single-use.
    const reuse = await app.client().post("/signup", { name: "Late", email: uniqueEmail("late"), password: TEST_PASSWORD, invite: token });
    expect(reuse.status).toBe(400);
    expect(await reuse.text()).toContain("Este convite não existe, expirou ou já foi usado.");

    // The viewer founds a second organization, then switches back.
    expect((await viewer.post("/orgs/new", { name: "Vera's Shop" })).status).toBe(302);
    expect(await (await viewer.get("/dashboard")).text()).toContain("Vera&#x27;s Shop");
    const switched = await viewer.post("/orgs/switch", { orgId: org.id });
    expect(switched.status).toBe(302);
    expect(await (await viewer.get("/dashboard")).text()).toContain(org.name);

    // A viewer reads but cannot write.
    expect((await viewer.get("/settings/team")).status).toBe(200);
    expect((await viewer.post("/settings/team", { intent: "invite", role: "agent" })).status).toBe(403);
    expect((await viewer.post("/settings/organization", { name: "Hijacked", timezone: "UTC", locale: "en" })).status).toBe(403);
    expect((await viewer.get("/settings/api-keys")).status).toBe(403);
    const unchanged = await db.selectFrom("organizations").select("name").where("id", "=", org.id).executeTakeFirstOrThrow();
    expect(unchanged.name).toBe(org.name);
  });

  it("an agent works but cannot change settings or the team; an admin can", async () => {
    const db = getDb();
    const { org } = await createOrgWithOwner(db, "shop");
    const agent = await addMember(db, org.id, "agent");
    const admin = await addMember(db, org.id, "admin");
    const agentClient = await signedIn(agent.email);
    expect((await agentClient.post("/settings/team", { intent: "invite", role: "viewer" })).status).toBe(403);
    expect((await agentClient.post("/settings/organization", { name: "x", timezone: "UTC", locale: "en" })).status).toBe(403);
    expect((await agentClient.post("/settings/api-keys", { intent: "create", name: "k", role: "admin" })).status).toBe(403);

    const adminClient = await signedIn(admin.email);
    await inviteLink(adminClient, { role: "agent", email: uniqueEmail("new-agent") });
    expect((await adminClient.post("/settings/organization", { name: "Shop Renamed", timezone: "America/Manaus", locale: "pt-BR" })).status).toBe(302);
    const saved = await db.selectFrom("organizations").select(["name", "timezone"]).where("id", "=", org.id).executeTakeFirstOrThrow();
    expect(saved).toEqual({ name: "Shop Renamed", timezone: "America/Manaus" });
    // An admin may not touch owners.
    const owner = await db.selectFrom("memberships").select("user_id").where("org_id", "=", org.id).where("role", "=", "owner").executeTakeFirstOrThrow();
    expect((await adminClient.post("/settings/team", { intent: "changeRole", userId: owner.user_id, role: "viewer" })).status).toBe(403);
  });

  it("keeps the last owner, and gives clear errors for bad team input", async () => {
    const db = getDb();
    const { owner } = await createOrgWithOwner(db, "solo");
    const client = await signedIn(owner.email);
    const demote = await client.post("/settings/team", { intent: "changeRole", userId: owner.id, role: "viewer" });
    expect(demote.status).toBe(302);
    const role = await db.selectFrom("memberships").select("role").where("user_id", "=", owner.id).executeTakeFirstOrThrow();
    expect(role.role).toBe("owner");

    const badEmail = await client.post("/settings/team", { intent: "invite", role: "agent", email: "nope@" });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.text()).toContain("Informe um e-mail válido.");
    const badRole = await client.post("/settings/team", { intent: "invite", role: "owner" });
    expect(badRole.status).toBe(400);
  });

  it("an invitation addressed to someone else cannot be accepted by another account", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "addressed");
    const { token } = await createInvitation(db, { orgId: org.id, role: "agent", email: uniqueEmail("intended"), invitedBy: owner.id });
    const stranger = await createOrgWithOwner(db, "stranger");
    const client = await signedIn(stranger.owner.email);
    const response = await client.post(`/invite/${token}`, {});
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Este convite é para");
  });

  it("answers 404 to an unknown invitation token", async () => {
    const response = await app.client().get("/invite/not-a-real-token-at-all-000000");
    expect(response.status).toBe(404);
  });
});

describe("tenant isolation", () => {
  it("another organization's ids give 404 on every foundation route, and change nothing", async () => {
    const db = getDb();
    let victimState: { invitationId: string; keyId: string; agentId: string } | undefined;
    await expectOtherOrgGets404(
      app,
      db,
      async (victim): Promise<CrossOrgRequest[]> => {
        const invitation = await createInvitation(db, { orgId: victim.org.id, role: "agent", invitedBy: victim.owner.id });
        const key = await createApiKey(db, { orgId: victim.org.id, name: "victim key", role: "admin", createdBy: victim.owner.id });
        const agent = await addMember(db, victim.org.id, "agent");
        victimState = { invitationId: invitation.id, keyId: key.id, agentId: agent.id };
        return [
          { method: "POST", path: "/orgs/switch", form: { orgId: victim.org.id } },
          { method: "POST", path: "/settings/team", form: { intent: "revokeInvitation", invitationId: invitation.id } },
          { method: "POST", path: "/settings/team", form: { intent: "changeRole", userId: agent.id, role: "admin" } },
          { method: "POST", path: "/settings/team", form: { intent: "removeMember", userId: victim.owner.id } },
          { method: "POST", path: "/settings/api-keys", form: { intent: "revoke", keyId: key.id } },
        ];
      },
      async (victim) => {
        const invitation = await db.selectFrom("invitations").select("revoked_at").where("id", "=", victimState!.invitationId).executeTakeFirstOrThrow();
        expect(invitation.revoked_at).toBeNull();
        const key = await db.selectFrom("api_keys").select("revoked_at").where("id", "=", victimState!.keyId).executeTakeFirstOrThrow();
        expect(key.revoked_at).toBeNull();
        const roles = await db.selectFrom("memberships").select(["user_id", "role"]).where("org_id", "=", victim.org.id).orderBy("role").execute();
        expect(roles).toEqual(expect.arrayContaining([{ user_id: victimState!.agentId, role: "agent" }, { user_id: victim.owner.id, role: "owner" }]));
      },
    );
  });
});

describe("API keys", () => {
  it("shows a new key once, stores only its hash, and revokes it", async () => {
    const db = getDb();
    const { org, owner } = await createOrgWithOwner(db, "keys");
    const client = await signedIn(owner.email);
    const created = await client.post("/settings/api-keys", { intent: "create", name: "Zapier", role: "agent" });
    expect(created.status).toBe(200);
    const key = (await created.text()).match(/mia_[A-Za-z0-9_-]{30,}/)?.[0];
    expect(key).toBeTruthy();
    const row = await db.selectFrom("api_keys").selectAll().where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(key!.slice(12));
    expect(await (await client.get("/settings/api-keys")).text()).not.toContain(key!);
    expect((await client.post("/settings/api-keys", { intent: "revoke", keyId: row.id })).status).toBe(302);
    const revoked = await db.selectFrom("api_keys").select("revoked_at").where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(revoked.revoked_at).not.toBeNull();
    const audit = await db.selectFrom("audit_log").select("action").where("org_id", "=", org.id).execute();
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(["apiKey.created", "apiKey.revoked"]));
  });
});
