import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { getDb } from "../../app/lib/db.server.js";
import type { ConnectionContext } from "../../app/modules/channels/types.js";
import { applyInboundEvent } from "../../app/modules/inbox/ingest.server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { conversationFor, createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";

const db = () => getDb();

async function contactOf(orgId: string, phone: string) {
  return db().selectFrom("contacts").select(["id", "opted_out", "opted_out_at", "opt_out_source", "opt_out_reason"]).where("org_id", "=", orgId).where("phone", "=", phone).executeTakeFirstOrThrow();
}

async function systemMessages(connectionId: string) {
  return db().selectFrom("messages").select(["body", "status", "direction"]).where("connection_id", "=", connectionId).where("sender_type", "=", "system").orderBy("created_at").orderBy("id").execute();
}

async function auditActions(orgId: string, contactId: string) {
  const rows = await db().selectFrom("audit_log").select(["action", "metadata"]).where("org_id", "=", orgId).where("target_id", "=", contactId).orderBy("created_at").orderBy("id").execute();
  return rows.map((row) => ({ action: row.action, metadata: row.metadata }));
}

/** `message.send` jobs queued for the system messages on the connection. */
async function sendJobs(connectionId: string) {
  const { rows } = await sql<{ count: number }>`
    SELECT count(*)::int AS count
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    JOIN messages m ON m.id::text = j.payload->>'messageId'
    WHERE t.identifier = 'message.send' AND m.connection_id = ${connectionId} AND m.sender_type = 'system'`.execute(db());
  return rows[0]!.count;
}

describe("opt-out keywords on inbound messages", () => {
  it("STOP opts the contact out and confirms once; a second STOP or a replay does nothing; VOLTAR opts back in", async () => {
    const { org } = await createOrgWithOwner(db(), "optout");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, text: "Olá, tudo bem?" })]);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: false });

    const stop = textEvent({ phone, text: " Stop! " });
    await ingest(db(), connection, [stop]);
    const optedOut = await contactOf(org.id, phone);
    expect(optedOut).toMatchObject({ opted_out: true, opt_out_source: "keyword", opt_out_reason: "STOP" });
    expect(optedOut.opted_out_at).toBeInstanceOf(Date);
    expect(await systemMessages(connection.id)).toEqual([
      { body: "Você não receberá mais mensagens nossas. Para voltar a receber, responda VOLTAR.", status: "queued", direction: "outbound" },
    ]);
    expect(await auditActions(org.id, optedOut.id)).toEqual([{ action: "contact.optedOut", metadata: expect.objectContaining({ source: "keyword", keyword: "STOP" }) }]);
    expect(await sendJobs(connection.id)).toBe(1);

    // A replay of the same provider event (webhook retry, job run twice, direct re-apply) changes nothing.
    await ingest(db(), connection, [stop]);
    await applyInboundEvent(db(), connection, stop);
    await applyInboundEvent(db(), connection, { ...stop, dedupeKey: "another-key" });
    // A second STOP while already opted out: stored as a message, but no new confirmation or audit.
    await ingest(db(), connection, [textEvent({ phone, text: "SAIR" })]);
    expect(await systemMessages(connection.id)).toHaveLength(1);
    expect(await auditActions(org.id, optedOut.id)).toHaveLength(1);
    expect(await sendJobs(connection.id)).toBe(1);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: true, opt_out_reason: "STOP", opted_out_at: optedOut.opted_out_at });

    // A sentence that merely mentions the word is a normal message.
    await ingest(db(), connection, [textEvent({ phone, text: "não quero voltar a receber" })]);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: true });

    await ingest(db(), connection, [textEvent({ phone, text: "Voltar." })]);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: false, opted_out_at: null, opt_out_source: null, opt_out_reason: null });
    const confirmations = await systemMessages(connection.id);
    expect(confirmations.map((message) => message.body)).toEqual([
      "Você não receberá mais mensagens nossas. Para voltar a receber, responda VOLTAR.",
      "Pronto! Você voltará a receber nossas mensagens. Para parar, responda SAIR.",
    ]);
    expect((await auditActions(org.id, optedOut.id)).map((entry) => entry.action)).toEqual(["contact.optedOut", "contact.optedIn"]);
    expect((await auditActions(org.id, optedOut.id))[1]!.metadata).toMatchObject({ source: "keyword", keyword: "VOLTAR" });
    // START while subscribed confirms nothing.
    await ingest(db(), connection, [textEvent({ phone, text: "start" })]);
    expect(await systemMessages(connection.id)).toHaveLength(2);
    expect(await sendJobs(connection.id)).toBe(2);

    // The inbound keyword messages stay in the conversation like any other.
    const conversation = await conversationFor(db(), connection, phone);
    const inbound = await db().selectFrom("messages").select("body").where("conversation_id", "=", conversation.id).where("direction", "=", "inbound").orderBy("id").execute();
    expect(inbound.map((message) => message.body)).toEqual(expect.arrayContaining([" Stop! ", "SAIR", "Voltar.", "start"]));
  });

  it("a sentence containing parar changes nothing", async () => {
    const { org } = await createOrgWithOwner(db(), "optout-sentence");
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, text: "não quero parar de receber" })]);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: false, opt_out_source: null });
    expect(await systemMessages(connection.id)).toEqual([]);
  });

  it("confirms in the organization's language", async () => {
    const { org } = await createOrgWithOwner(db(), "optout-en");
    await db().updateTable("organizations").set({ locale: "en" }).where("id", "=", org.id).execute();
    const connection = await createSandbox(db(), org.id);
    const phone = newPhone();
    await ingest(db(), connection, [textEvent({ phone, text: "DESCADASTRAR" })]);
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: true, opt_out_reason: "DESCADASTRAR" });
    expect((await systemMessages(connection.id)).map((message) => message.body)).toEqual(["You will no longer receive messages from us. Reply START to opt back in."]);
  });

  it("on Twilio SMS records the opt-out but leaves the confirmation to Twilio", async () => {
    const { org } = await createOrgWithOwner(db(), "optout-twilio");
    const sandbox = await createSandbox(db(), org.id);
    await db().updateTable("channel_connections").set({ kind: "twilio_sms" }).where("id", "=", sandbox.id).execute();
    const connection: ConnectionContext = { ...sandbox, kind: "twilio_sms" };
    const phone = newPhone();
    await applyInboundEvent(db(), connection, textEvent({ phone, text: "PARAR" }));
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: true, opt_out_source: "keyword", opt_out_reason: "PARAR" });
    await applyInboundEvent(db(), connection, textEvent({ phone, text: "START" }));
    expect(await contactOf(org.id, phone)).toMatchObject({ opted_out: false });
    const outbound = await db().selectFrom("messages").select("id").where("connection_id", "=", connection.id).where("direction", "=", "outbound").execute();
    expect(outbound).toEqual([]);
  });
});
