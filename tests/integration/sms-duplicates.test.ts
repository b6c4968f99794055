import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../app/lib/db.server.js";
import { claimSmsText, pruneSmsLedger, releaseSmsText, smsTextHash } from "../../app/modules/outreach/sms-duplicates.server.js";
import { createOrgWithOwner } from "../support/factories.js";

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
