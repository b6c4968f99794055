import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { countUnreadConversations, listConversations } from "../../app/modules/inbox/conversations.server.js";
import { type InboxFilter, parseInboxFilter } from "../../app/modules/inbox/schemas.js";
import { startTestApp, type TestApp } from "../support/app-server.js";
import { insertTag, tagContact } from "../support/contacts-factories.js";
import { addMember, createOrgWithOwner, TEST_PASSWORD } from "../support/factories.js";
import { createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";
import { createMetaConnection } from "../support/provider-connections.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const db = () => getDb();
const filter = (overrides: Partial<InboxFilter> = {}): InboxFilter => ({ ...parseInboxFilter(new URLSearchParams()), ...overrides });

async function everyPage(orgId: string, userId: string, f: InboxFilter, limit: number) {
  const ids: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: Awaited<ReturnType<typeof listConversations>> = await listConversations(db(), orgId, userId, f, { after, limit });
    ids.push(...page.conversations.map((conversation) => conversation.id));
    if (!page.nextCursor) return ids;
    after = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

describe("the conversation list", () => {
  it("filters by status, assignee, channel, tag, unread and search, and pages by keyset without gaps or repeats", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-list");
    const agent = await addMember(db(), org.id, "agent");
    const sandbox = await createSandbox(db(), org.id, "Loja");
    const second = await createSandbox(db(), org.id, "Filial");
    const vip = await insertTag(db(), org.id, "VIP");
    const rows: Array<{ id: string; contactId: string; index: number }> = [];
    for (let index = 0; index < 23; index++) {
      const phone = newPhone();
      await ingest(db(), index % 5 === 0 ? second : sandbox, [textEvent({ phone, name: index === 7 ? "Zuleica Prado" : `Cliente ${index}`, text: `pergunta ${index}` })]);
      const conversation = await db()
        .selectFrom("conversations")
        .innerJoin("contacts", "contacts.id", "conversations.contact_id")
        .select(["conversations.id", "conversations.contact_id"])
        .where("contacts.phone", "=", phone)
        .where("conversations.org_id", "=", org.id)
        .executeTakeFirstOrThrow();
      rows.push({ id: conversation.id, contactId: conversation.contact_id, index });
    }
    // Same activity time for several rows: the id breaks the tie, so paging stays exact.
    await db().updateTable("conversations").set({ last_message_at: new Date("2026-01-01T12:00:00Z") }).where("id", "in", rows.slice(0, 6).map((row) => row.id)).execute();
    const byIndex = (predicate: (index: number) => boolean) => rows.filter((row) => predicate(row.index)).map((row) => row.id).sort();
    for (const row of rows) {
      if (row.index % 3 === 0) await db().updateTable("conversations").set({ assignee_id: agent.id }).where("id", "=", row.id).execute();
      if (row.index % 4 === 0) await db().updateTable("conversations").set({ status: "resolved" }).where("id", "=", row.id).execute();
      if (row.index % 2 === 0) await db().updateTable("conversations").set({ unread_count: 0 }).where("id", "=", row.id).execute();
      if (row.index % 7 === 0) await tagContact(db(), org.id, row.contactId, vip.id);
    }

    const all = await everyPage(org.id, agent.id, filter({ status: "all" }), 4);
    expect(all).toHaveLength(23);
    expect(new Set(all).size).toBe(23);
    const firstPage = await listConversations(db(), org.id, agent.id, filter({ status: "all" }), { limit: 23 });
    expect(all).toEqual(firstPage.conversations.map((conversation) => conversation.id));

    const sorted = async (f: InboxFilter) => (await everyPage(org.id, agent.id, f, 5)).sort();
    expect(await sorted(filter())).toEqual(byIndex((i) => i % 4 !== 0));
    expect(await sorted(filter({ status: "resolved" }))).toEqual(byIndex((i) => i % 4 === 0));
    expect(await sorted(filter({ status: "all", assignee: "mine" }))).toEqual(byIndex((i) => i % 3 === 0));
    expect(await sorted(filter({ status: "all", assignee: "unassigned" }))).toEqual(byIndex((i) => i % 3 !== 0));
    expect(await sorted(filter({ status: "all", channel: second.id }))).toEqual(byIndex((i) => i % 5 === 0));
    expect(await sorted(filter({ status: "all", tag: vip.id }))).toEqual(byIndex((i) => i % 7 === 0));
    expect(await sorted(filter({ status: "all", unread: "1" }))).toEqual(byIndex((i) => i % 2 === 1));
    expect(await sorted(filter({ status: "open", assignee: "mine", unread: "1" }))).toEqual(byIndex((i) => i % 4 !== 0 && i % 3 === 0 && i % 2 === 1));
    expect(await sorted(filter({ status: "all", q: "zuleica" }))).toEqual(byIndex((i) => i === 7));
    const phone = (await db().selectFrom("contacts").select("phone").where("id", "=", rows[7]!.contactId).executeTakeFirstOrThrow()).phone!;
    // Typed the way people type a number: spaces, dashes, no country code.
    const typed = `(${phone.slice(3, 5)}) ${phone.slice(5, 10)}-${phone.slice(10)}`;
    expect(await sorted(filter({ status: "all", q: typed }))).toEqual(byIndex((i) => i === 7));
    expect(await countUnreadConversations(db(), org.id)).toBe(rows.filter((row) => row.index % 2 === 1 && row.index % 4 !== 0).length);

    // Another organization's filters see nothing of this one.
    const other = await createOrgWithOwner(db(), "inbox-list-other");
    expect((await listConversations(db(), other.org.id, other.owner.id, filter({ status: "all" }))).conversations).toEqual([]);

    // The same over HTTP, without JavaScript: a GET form and "more" links that keep the filters.
    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const html = await (await client.get(`/inbox?status=all&channel=${second.id}`)).text();
    expect(html.match(/data-testid="conversation-item"/g)).toHaveLength(5);
    const mine = await (await client.get("/inbox?status=all&assignee=mine")).text();
    expect(mine).toContain("Nenhuma conversa com estes filtros.");
    const bad = await client.get("/inbox?status=nope&channel=not-a-uuid&after=garbage");
    expect(bad.status).toBe(200);
  });

  it("WhatsApp Cloud: with the 24-hour window closed the screen offers approved templates, and sends one with its variables", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-template");
    const meta = await createMetaConnection(db(), org.id, { status: "connected" });
    const connection = (await loadConnection(db(), org.id, meta.id))!;
    const phone = newPhone();
    await ingest(db(), connection, [{ ...textEvent({ phone, name: "Rita" }), timestamp: new Date(Date.now() - 30 * 3600_000) }]);
    const conversation = await db().selectFrom("conversations").select("id").where("connection_id", "=", connection.id).executeTakeFirstOrThrow();
    const template = await db()
      .insertInto("message_templates")
      .values({ org_id: org.id, connection_id: connection.id, name: "retomar_contato", language: "pt_BR", status: "APPROVED", category: "UTILITY", components: JSON.stringify([{ type: "BODY", text: "Olá {{1}}, seu pedido {{2}} está pronto." }]) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db()
      .insertInto("message_templates")
      .values({ org_id: org.id, connection_id: connection.id, name: "rascunho", language: "pt_BR", status: "PENDING", category: "MARKETING" })
      .execute();

    const client = app.client();
    await client.signIn(owner.email, TEST_PASSWORD);
    const path = `/inbox/${conversation.id}`;
    const page = await (await client.get(path)).text();
    expect(page).toContain("Passaram mais de 24 horas");
    expect(page).toContain("retomar_contato");
    expect(page).not.toContain("rascunho");
    const chosen = await (await client.get(`${path}?template=${template.id}`)).text();
    expect(chosen).toContain("Olá {{1}}, seu pedido {{2}} está pronto.");
    expect(chosen).toContain('name="var2"');

    expect((await client.post(path, { intent: "template", templateId: template.id, var1: "Rita" })).status).toBe(400);
    expect((await client.post(path, { intent: "template", templateId: template.id, var1: "Rita", var2: "#123" })).status).toBe(302);
    const sent = await db().selectFrom("messages").select(["type", "body", "content", "status"]).where("conversation_id", "=", conversation.id).where("direction", "=", "outbound").executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ type: "template", body: "Olá Rita, seu pedido #123 está pronto.", status: "queued" });
    expect(sent.content).toEqual({ template: { name: "retomar_contato", language: "pt_BR", bodyParameters: ["Rita", "#123"] } });
  });
});
