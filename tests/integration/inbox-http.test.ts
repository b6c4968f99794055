import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import type { ConnectionContext } from "../../app/modules/channels/types.js";
import { createCannedResponse } from "../../app/modules/inbox/canned-responses.server.js";
import { queueOutboundMessage } from "../../app/modules/inbox/outbound.server.js";
import { testAppForThisFile } from "../support/app-server.js";
import { addMember, createOrgWithOwner } from "../support/factories.js";
import { conversationFor, createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";
import { type CrossOrgRequest, expectOtherOrgGets404 } from "../support/tenant-isolation.js";

const app = testAppForThisFile();
const signedIn = app.signedIn;

const db = () => getDb();


async function openConversation(connection: ConnectionContext, name = "Carla Cliente", text = "Bom dia, quero um orçamento") {
  const phone = newPhone();
  await ingest(db(), connection, [textEvent({ phone, name, text })]);
  return { phone, conversation: await conversationFor(db(), connection, phone) };
}

const conversationRow = (id: string) =>
  db().selectFrom("conversations").select(["status", "assignee_id", "bot_active", "unread_count"]).where("id", "=", id).executeTakeFirstOrThrow();
const messagesOf = (conversationId: string) =>
  db().selectFrom("messages").select(["id", "body", "is_note", "status", "direction", "sender_user_id"]).where("conversation_id", "=", conversationId).orderBy("created_at").orderBy("id").execute();

describe("the conversation screen over HTTP", () => {
  it("an agent opens, replies, notes, assigns, resolves, reopens and toggles the bot", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-http");
    const agent = await addMember(db(), org.id, "agent");
    const viewer = await addMember(db(), org.id, "viewer");
    const connection = await createSandbox(db(), org.id);
    const { conversation } = await openConversation(connection);
    const client = await signedIn(agent.email);
    const path = `/inbox/${conversation.id}`;

    const list = await client.get("/inbox");
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain("Carla Cliente");
    expect(listHtml).toContain('data-testid="unread-badge"');

    const page = await client.get(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Bom dia, quero um orçamento");
    expect((await conversationRow(conversation.id)).unread_count).toBe(0);

    expect((await client.post(path, { intent: "reply", body: "Olá Carla! Já te mando." })).status).toBe(302);
    expect((await client.post(path, { intent: "note", body: "Cliente VIP, dar desconto" })).status).toBe(302);
    const empty = await client.post(path, { intent: "reply", body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Campo obrigatório.");
    const messages = await messagesOf(conversation.id);
    expect(messages.slice(1)).toEqual([
      { id: expect.any(String), body: "Olá Carla! Já te mando.", is_note: false, status: "queued", direction: "outbound", sender_user_id: agent.id },
      { id: expect.any(String), body: "Cliente VIP, dar desconto", is_note: true, status: "sent", direction: "outbound", sender_user_id: agent.id },
    ]);
    // Only the reply goes to a channel.
    const { rows } = await sql<{ message_id: string | null }>`SELECT payload->>'messageId' AS message_id FROM graphile_worker._private_jobs`.execute(db());
    const jobs = rows.map((row) => row.message_id);
    expect(jobs).toContain(messages[1]!.id);
    expect(jobs).not.toContain(messages[2]!.id);

    expect((await client.post(path, { intent: "assign", assigneeId: "me" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).assignee_id).toBe(agent.id);
    expect((await client.post(path, { intent: "assign", assigneeId: owner.id })).status).toBe(302);
    expect((await conversationRow(conversation.id)).assignee_id).toBe(owner.id);
    expect((await client.post(path, { intent: "assign", assigneeId: viewer.id })).status).toBe(400);
    expect((await client.post(path, { intent: "assign", assigneeId: "none" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).assignee_id).toBeNull();

    expect((await client.post(path, { intent: "status", status: "resolved" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).status).toBe("resolved");
    const resolvedList = await (await client.get("/inbox?status=resolved")).text();
    expect(resolvedList).toContain("Carla Cliente");
    expect(await (await client.get("/inbox")).text()).not.toContain("Carla Cliente");
    expect((await client.post(path, { intent: "status", status: "open" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).status).toBe("open");
    expect((await client.post(path, { intent: "status", status: "pending" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).status).toBe("pending");

    expect((await client.post(path, { intent: "bot", active: "on" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).bot_active).toBe(true);
    expect((await client.post(path, { intent: "bot", active: "off" })).status).toBe(302);
    expect((await conversationRow(conversation.id)).bot_active).toBe(false);

    // A failed message can be sent again.
    const failedId = messages[1]!.id;
    await db().updateTable("messages").set({ status: "failed", error_code: "unreachable", error_message: "Recipient phone is off", failed_at: new Date() }).where("id", "=", failedId).execute();
    const failedPage = await (await client.get(path)).text();
    expect(failedPage).toContain('data-status="failed"');
    expect(failedPage).toContain("Recipient phone is off");
    expect((await client.post(path, { intent: "retry", messageId: failedId })).status).toBe(302);
    expect((await messagesOf(conversation.id))[1]).toMatchObject({ status: "queued" });
    expect((await client.post(path, { intent: "retry", messageId: failedId })).status).toBe(404);

    expect((await client.post(path, { intent: "explode" })).status).toBe(400);
  });

  it("a viewer reads but cannot send, note, assign or resolve, and opening does not mark it read", async () => {
    const { org } = await createOrgWithOwner(db(), "inbox-viewer");
    const viewer = await addMember(db(), org.id, "viewer");
    const connection = await createSandbox(db(), org.id);
    const { conversation } = await openConversation(connection);
    const client = await signedIn(viewer.email);
    const page = await client.get(`/inbox/${conversation.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Seu papel permite ler as conversas, mas não responder.");
    expect(html).not.toContain('name="body"');
    const forms: Array<Record<string, string>> = [
      { intent: "reply", body: "oi" },
      { intent: "note", body: "oi" },
      { intent: "assign", assigneeId: "me" },
      { intent: "status", status: "resolved" },
      { intent: "bot", active: "on" },
    ];
    for (const form of forms) {
      expect((await client.post(`/inbox/${conversation.id}`, form)).status).toBe(403);
    }
    expect(await messagesOf(conversation.id)).toHaveLength(1);
    expect(await conversationRow(conversation.id)).toEqual({ status: "open", assignee_id: null, bot_active: false, unread_count: 1 });
    expect((await client.post("/inbox/canned", { intent: "create", shortcut: "oi", body: "Olá" })).status).toBe(403);
    expect((await client.post("/sandbox", { intent: "write", connectionId: connection.id, phone: newPhone(), text: "oi" })).status).toBe(403);
  });

  it("older messages: a plain link pages back without JavaScript, and the JSON endpoint serves infinite scroll", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-older");
    const connection = await createSandbox(db(), org.id);
    const { conversation } = await openConversation(connection, "Paulo", "mensagem 0");
    for (let index = 1; index <= 40; index++) {
      await queueOutboundMessage(db(), { orgId: org.id, conversationId: conversation.id, content: { type: "text", text: `mensagem ${index}` }, senderType: "user" });
    }
    const client = await signedIn(owner.email);
    const newest = await (await client.get(`/inbox/${conversation.id}`)).text();
    const bubble = (text: string) => `break-words">${text}</p>`;
    expect(newest).toContain(bubble("mensagem 40"));
    expect(newest).not.toContain(bubble("mensagem 10"));
    const older = /href="(\/inbox\/[^"]+before=[^"]+)"/.exec(newest)?.[1]?.replaceAll("&amp;", "&");
    expect(older).toBeTruthy();
    const olderPage = await (await client.get(older!)).text();
    expect(olderPage).toContain(bubble("mensagem 10"));
    expect(olderPage).toContain(bubble("mensagem 0"));
    expect(olderPage).not.toContain(bubble("mensagem 40"));

    const before = new URL(older!, app.baseUrl).searchParams.get("before")!;
    const json = (await (await client.get(`/inbox/${conversation.id}/messages?before=${encodeURIComponent(before)}`)).json()) as { messages: Array<{ body: string }>; olderCursor: string | null };
    expect(json.messages.map((message) => message.body)).toEqual(Array.from({ length: 11 }, (_, index) => `mensagem ${index}`));
    expect(json.olderCursor).toBeNull();
  });

  it("an attachment is stored within the limits and queued as media; a type WhatsApp refuses gets a clear 400", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-attach");
    const connection = await createSandbox(db(), org.id);
    const { conversation } = await openConversation(connection);
    const client = await signedIn(owner.email);
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const upload = (file: Blob, name: string, body = "") => {
      const form = new FormData();
      form.set("intent", "reply");
      form.set("body", body);
      form.set("attachment", file, name);
      return client.request("POST", `/inbox/${conversation.id}`, { body: form });
    };
    expect((await upload(new Blob([png], { type: "image/png" }), "foto.png", "Segue a foto")).status).toBe(302);
    const sent = await db()
      .selectFrom("messages")
      .innerJoin("media", "media.id", "messages.media_id")
      .select(["messages.type", "messages.body", "messages.status", "media.mime_type", "media.filename", "media.size_bytes"])
      .where("messages.conversation_id", "=", conversation.id)
      .executeTakeFirstOrThrow();
    expect(sent).toEqual({ type: "image", body: "Segue a foto", status: "queued", mime_type: "image/png", filename: "foto.png", size_bytes: png.length });

    const refused = await upload(new Blob(["<html>"], { type: "text/html" }), "page.html");
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Tipo de arquivo não aceito pelo WhatsApp: text/html.");
  });

  it("canned responses: create, reject a taken shortcut, prefill the reply, edit, delete", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "inbox-canned");
    const connection = await createSandbox(db(), org.id);
    const { conversation } = await openConversation(connection);
    const client = await signedIn(owner.email);
    expect((await client.post("/inbox/canned", { intent: "create", shortcut: "/Horario", body: "Abrimos das 9h às 18h." })).status).toBe(302);
    const taken = await client.post("/inbox/canned", { intent: "create", shortcut: "horario", body: "Outro" });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("Já existe uma resposta com este atalho.");
    const bad = await client.post("/inbox/canned", { intent: "create", shortcut: "com espaço", body: "x" });
    expect(bad.status).toBe(400);
    const canned = await db().selectFrom("canned_responses").select(["id", "shortcut"]).where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(canned.shortcut).toBe("horario");
    const prefilled = await (await client.get(`/inbox/${conversation.id}?canned=${canned.id}`)).text();
    expect(prefilled).toMatch(/<textarea[^>]*name="body"[^>]*>Abrimos das 9h às 18h\.<\/textarea>/);
    expect((await client.post("/inbox/canned", { intent: "update", id: canned.id, shortcut: "horas", body: "Das 9h às 18h." })).status).toBe(302);
    expect((await client.post("/inbox/canned", { intent: "delete", id: canned.id })).status).toBe(302);
    expect(await db().selectFrom("canned_responses").select("id").where("org_id", "=", org.id).execute()).toEqual([]);
  });
});

describe("Settings → Channels", () => {
  it("one click creates the Sandbox; admins test and delete (audited); agents and viewers only look", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "channels");
    const agent = await addMember(db(), org.id, "agent");
    const ownerClient = await signedIn(owner.email);
    expect((await ownerClient.post("/settings/channels", { intent: "createSandbox" })).status).toBe(302);
    const sandbox = await db().selectFrom("channel_connections").select(["id", "kind", "status"]).where("org_id", "=", org.id).executeTakeFirstOrThrow();
    expect(sandbox).toMatchObject({ kind: "sandbox", status: "connected" });

    const tested = await ownerClient.post("/settings/channels", { intent: "test", connectionId: sandbox.id });
    expect(tested.status).toBe(200);
    expect(await tested.text()).toContain("Conexão funcionando.");

    const agentClient = await signedIn(agent.email);
    const agentList = await agentClient.get("/settings/channels");
    expect(agentList.status).toBe(200);
    expect(await agentList.text()).toContain("Sandbox");
    expect((await agentClient.get(`/settings/channels/${sandbox.id}`)).status).toBe(200);
    expect((await agentClient.post("/settings/channels", { intent: "createSandbox" })).status).toBe(403);
    expect((await agentClient.post(`/settings/channels/${sandbox.id}`, { intent: "delete" })).status).toBe(403);
    expect((await agentClient.get("/settings/channels/new?kind=whatsapp_cloud")).status).toBe(403);

    expect((await ownerClient.post(`/settings/channels/${sandbox.id}`, { intent: "delete" })).status).toBe(302);
    expect(await db().selectFrom("channel_connections").select("id").where("org_id", "=", org.id).execute()).toEqual([]);
    const audit = await db().selectFrom("audit_log").select("action").where("org_id", "=", org.id).where("target_id", "=", sandbox.id).orderBy("created_at").execute();
    expect(audit.map((row) => row.action)).toEqual(["channel.created", "channel.deleted"]);
  });

  it("a WhatsApp Cloud connection: fields validated beside the form, secrets sealed and never shown, blank keeps them", async () => {
    const { org, owner } = await createOrgWithOwner(db(), "channels-meta");
    const agent = await addMember(db(), org.id, "agent");
    const client = await signedIn(owner.email);
    const invalid = await client.post("/settings/channels/new?kind=whatsapp_cloud", { name: "WhatsApp", phoneNumberId: "abc" });
    expect(invalid.status).toBe(400);
    const fields = { name: "WhatsApp Loja", phoneNumberId: "106540352242922", wabaId: "102290129340398", accessToken: "EAAGsecret-access-token-0123456789", appSecret: "appsecret0123456789", verifyToken: "my-verify-token-123" };
    const created = await client.post("/settings/channels/new?kind=whatsapp_cloud", fields);
    expect(created.status).toBe(302);
    const id = created.headers.get("location")!.split("/").pop()!;
    const row = await db().selectFrom("channel_connections").select(["secrets", "config", "status"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    expect(row.secrets).not.toContain("EAAG");
    expect(JSON.stringify(row.config)).not.toContain("EAAG");

    const page = await (await client.get(`/settings/channels/${id}`)).text();
    expect(page).toContain(`http://localhost:3000/webhooks/meta/${id}`);
    expect(page).toContain("my-verify-token-123");
    expect(page).not.toContain("EAAGsecret-access-token");
    expect(page).not.toContain("appsecret0123456789");
    const agentPage = await (await signedIn(agent.email)).get(`/settings/channels/${id}`);
    const agentHtml = await agentPage.text();
    expect(agentHtml).toContain(`/webhooks/meta/${id}`);
    expect(agentHtml).not.toContain("my-verify-token-123");

    // Editing with the secrets left blank keeps them.
    expect((await client.post(`/settings/channels/${id}`, { intent: "save", name: "WhatsApp Centro", phoneNumberId: "106540352242922", wabaId: "102290129340398", accessToken: "", appSecret: "", verifyToken: "" })).status).toBe(302);
    const { loadConnection } = await import("../../app/modules/channels/connections.server.js");
    const saved = await loadConnection(db(), org.id, id);
    expect(saved?.secrets).toMatchObject({ accessToken: fields.accessToken, appSecret: fields.appSecret, verifyToken: fields.verifyToken });
  });
});

describe("tenant isolation", () => {
  it("another organization's conversation, connection, canned response and Sandbox ids answer 404 and change nothing", async () => {
    let victimState: { conversationId: string; connectionId: string; cannedId: string } | undefined;
    const count = async (orgId: string) => ({
      messages: (await db().selectFrom("messages").select("id").where("org_id", "=", orgId).execute()).length,
      conversation: await conversationRow(victimState!.conversationId),
      canned: await db().selectFrom("canned_responses").select(["shortcut", "body"]).where("org_id", "=", orgId).execute(),
      connections: await db().selectFrom("channel_connections").select(["name", "status"]).where("org_id", "=", orgId).execute(),
    });
    let before: Awaited<ReturnType<typeof count>> | undefined;
    await expectOtherOrgGets404(
      app,
      db(),
      async (victim): Promise<CrossOrgRequest[]> => {
        const connection = await createSandbox(db(), victim.org.id);
        const { conversation } = await openConversation(connection);
        const canned = await createCannedResponse(db(), victim.org.id, { shortcut: "segredo", body: "Texto secreto" });
        if (!canned.ok) throw new Error("canned");
        const message = (await messagesOf(conversation.id))[0]!;
        victimState = { conversationId: conversation.id, connectionId: connection.id, cannedId: canned.id };
        before = await count(victim.org.id);
        const c = `/inbox/${conversation.id}`;
        const ch = `/settings/channels/${connection.id}`;
        return [
          { method: "GET", path: c },
          { method: "GET", path: `${c}/messages` },
          { method: "POST", path: c, form: { intent: "reply", body: "invadido" } },
          { method: "POST", path: c, form: { intent: "note", body: "invadido" } },
          { method: "POST", path: c, form: { intent: "assign", assigneeId: "me" } },
          { method: "POST", path: c, form: { intent: "status", status: "resolved" } },
          { method: "POST", path: c, form: { intent: "bot", active: "on" } },
          { method: "POST", path: c, form: { intent: "retry", messageId: message.id } },
          { method: "GET", path: ch },
          { method: "POST", path: ch, form: { intent: "save", name: "Invadido" } },
          { method: "POST", path: ch, form: { intent: "test" } },
          { method: "POST", path: ch, form: { intent: "delete" } },
          { method: "POST", path: "/settings/channels", form: { intent: "test", connectionId: connection.id } },
          { method: "POST", path: "/settings/channels", form: { intent: "delete", connectionId: connection.id } },
          { method: "POST", path: "/inbox/canned", form: { intent: "update", id: canned.id, shortcut: "x", body: "invadido" } },
          { method: "POST", path: "/inbox/canned", form: { intent: "delete", id: canned.id } },
          { method: "GET", path: `/sandbox?connection=${connection.id}` },
          { method: "POST", path: "/sandbox", form: { intent: "write", connectionId: connection.id, phone: "+5511987654321", text: "invadido" } },
          { method: "POST", path: "/sandbox", form: { intent: "online", connectionId: connection.id, phone: "+5511987654321", online: "off" } },
        ];
      },
      async (victim) => {
        expect(await count(victim.org.id)).toEqual(before);
      },
    );
  });

  it("ids of another organization inside one's own conversation (message, canned response, template) answer 404", async () => {
    const victim = await createOrgWithOwner(db(), "victim-ids");
    const victimConnection = await createSandbox(db(), victim.org.id);
    const { conversation: victimConversation } = await openConversation(victimConnection);
    const victimMessage = (await messagesOf(victimConversation.id))[0]!;
    await db().updateTable("messages").set({ status: "failed" }).where("id", "=", victimMessage.id).execute();
    const victimCanned = await createCannedResponse(db(), victim.org.id, { shortcut: "dela", body: "Texto da outra" });
    if (!victimCanned.ok) throw new Error("canned");

    const attacker = await createOrgWithOwner(db(), "attacker-ids");
    const { conversation } = await openConversation(await createSandbox(db(), attacker.org.id));
    const client = await signedIn(attacker.owner.email);
    expect((await client.post(`/inbox/${conversation.id}`, { intent: "retry", messageId: victimMessage.id })).status).toBe(404);
    expect((await client.get(`/inbox/${conversation.id}?canned=${victimCanned.id}`)).status).toBe(404);
    expect((await client.get(`/inbox/${conversation.id}?template=${victimCanned.id}`)).status).toBe(404);
    expect((await db().selectFrom("messages").select("status").where("id", "=", victimMessage.id).executeTakeFirstOrThrow()).status).toBe("failed");
  });
});
