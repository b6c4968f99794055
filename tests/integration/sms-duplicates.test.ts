import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../app/lib/db.server.js";
import { loadConnection } from "../../app/modules/channels/connections.server.js";
import { queueOutboundMessage, sendQueuedMessage } from "../../app/modules/inbox/outbound.server.js";
import { claimSmsText, pruneSmsLedger, releaseSmsText, smsTextHash } from "../../app/modules/outreach/sms-duplicates.server.js";
import { type FakeTwilio, startFakeTwilio } from "../fakes/twilio.js";
import { createOrgWithOwner } from "../support/factories.js";
import { conversationFor, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";
import { createTwilioConnection } from "../support/provider-connections.js";

const db = getDb();
let orgId: string;
let otherOrgId: string;
const phone = "+5511987650001";

beforeAll(async () => {
  ({ org: { id: orgId } } = await createOrgWithOwner(db, "sms-dup"));
  ({ org: { id: otherOrgId } } = await createOrgWithOwner(db, "sms-dup-other"));
});

async function ageClaim(org: string, text: string, hours: number) {
  await db
    .updateTable("sms_send_ledger")
    .set({ sent_at: sql`now() - make_interval(hours => ${hours})` })
    .where("org_id", "=", org)
    .where("text_hash", "=", smsTextHash(text))
    .execute();
}

describe("SMS duplicate window", () => {
  it("refuses the same text to the same number inside the window and says when it was sent", async () => {
    const text = "Promoção de Natal: 20% off até domingo";
    expect(await claimSmsText(db, { orgId, phone, text })).toEqual({ ok: true });
    const second = await claimSmsText(db, { orgId, phone, text: "  promoção de natal:   20% OFF até domingo " });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(Date.now() - second.lastSentAt.getTime()).toBeLessThan(60_000);
  });

  it("lets a different text, another number or another organization through", async () => {
    const text = "Seu pedido saiu para entrega";
    expect((await claimSmsText(db, { orgId, phone, text })).ok).toBe(true);
    expect((await claimSmsText(db, { orgId, phone, text: "Seu pedido foi entregue" })).ok).toBe(true);
    expect((await claimSmsText(db, { orgId, phone: "+5511987650002", text })).ok).toBe(true);
    expect((await claimSmsText(db, { orgId: otherOrgId, phone, text })).ok).toBe(true);
  });

  it("allows the text again once the window has passed, and honours a custom window", async () => {
    const text = "Lembrete: consulta amanhã às 9h";
    expect((await claimSmsText(db, { orgId, phone, text })).ok).toBe(true);
    await ageClaim(orgId, text, 25);
    expect((await claimSmsText(db, { orgId, phone, text })).ok).toBe(true);
    await ageClaim(orgId, text, 25);
    expect((await claimSmsText(db, { orgId, phone, text, windowHours: 48 })).ok).toBe(false);
  });

  it("gives exactly one claim to many concurrent senders", async () => {
    const text = "Black Friday começou";
    const results = await Promise.all(Array.from({ length: 12 }, () => claimSmsText(db, { orgId, phone: "+5511987650009", text })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it("releases a claim after a failed send so the customer can still get it", async () => {
    const text = "Cupom VOLTA10 válido hoje";
    expect((await claimSmsText(db, { orgId, phone, text })).ok).toBe(true);
    await releaseSmsText(db, { orgId, phone, text });
    expect((await claimSmsText(db, { orgId, phone, text })).ok).toBe(true);
  });

  it("prunes claims older than every window", async () => {
    const text = "Texto antigo";
    await claimSmsText(db, { orgId, phone, text });
    await ageClaim(orgId, text, 24 * 8);
    expect(await pruneSmsLedger(db)).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("sms_send_ledger").select("phone").where("text_hash", "=", smsTextHash(text)).execute();
    expect(left).toHaveLength(0);
  });
});

describe("SMS duplicate claims and the send path", () => {
  let fake: FakeTwilio | undefined;
  afterAll(async () => {
    await fake?.close();
  });

  it("a cadence SMS that fails for good gives its claim back; one the carrier accepted keeps it", async () => {
    const { org } = await createOrgWithOwner(db, "sms-dup-send");
    const placeholder = await createTwilioConnection(db, org.id);
    fake = await startFakeTwilio({ accountSid: placeholder.accountSid, authToken: placeholder.authToken });
    await db.updateTable("channel_connections").set({ config: sql`config || ${JSON.stringify({ baseUrl: fake.baseUrl })}::jsonb` }).where("id", "=", placeholder.id).execute();
    const connection = (await loadConnection(db, org.id, placeholder.id))!;
    const customer = newPhone();
    await ingest(db, connection, [textEvent({ phone: customer })]);
    const conversation = await conversationFor(db, connection, customer);

    const sendOnce = async (text: string) => {
      expect((await claimSmsText(db, { orgId: org.id, phone: customer, text })).ok).toBe(true);
      const queued = await queueOutboundMessage(db, { orgId: org.id, conversationId: conversation.id, content: { type: "text", text }, senderType: "cadence" });
      return sendQueuedMessage(db, queued.id, { attempts: 1, maxAttempts: 8 });
    };

    fake.failNext(21211);
    expect(await sendOnce("Sua consulta é amanhã às 9h")).toBe("failed");
    expect((await claimSmsText(db, { orgId: org.id, phone: customer, text: "Sua consulta é amanhã às 9h" })).ok).toBe(true);

    expect(await sendOnce("Seu pedido saiu para entrega")).toBe("sent");
    expect((await claimSmsText(db, { orgId: org.id, phone: customer, text: "Seu pedido saiu para entrega" })).ok).toBe(false);
  });
});
