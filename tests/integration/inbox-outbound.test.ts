import { afterEach, describe, expect, it, vi } from "vitest";
import { sql } from "kysely";
import { getDb } from "../../app/lib/db.server.js";
import { sandboxAdapter } from "../../app/modules/channels/sandbox.server.js";
import type { ConnectionContext, SendResult } from "../../app/modules/channels/types.js";
import { listMessages } from "../../app/modules/inbox/messages.server.js";
import { toMessageViews } from "../../app/modules/inbox/message-view.server.js";
import { MESSAGE_SEND_MAX_ATTEMPTS, queueOutboundMessage, RetryableSendError, sendQueuedMessage } from "../../app/modules/inbox/outbound.server.js";
import { createOrgWithOwner } from "../support/factories.js";
import { conversationFor, createSandbox, ingest, newPhone, textEvent } from "../support/inbox-fixtures.js";

const db = () => getDb();

afterEach(() => {
  vi.restoreAllMocks();
});

async function queuedReply(connection: ConnectionContext, text = "Olá, tudo bem?") {
  const phone = newPhone();
  await ingest(db(), connection, [textEvent({ phone })]);
  const conversation = await conversationFor(db(), connection, phone);
  const message = await queueOutboundMessage(db(), { orgId: connection.orgId, conversationId: conversation.id, content: { type: "text", text }, senderType: "user" });
  return { phone, conversation, message };
}

function messageRow(id: string) {
  return db().selectFrom("messages").select(["status", "external_id", "error_code", "error_message", "sent_at", "failed_at", "content"]).where("id", "=", id).executeTakeFirstOrThrow();
}

async function jobsFor(messageId: string) {
  const { rows } = await sql<{ task_identifier: string; queue_name: string | null; max_attempts: number }>`
    SELECT t.identifier AS task_identifier, q.queue_name, j.max_attempts
    FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    LEFT JOIN graphile_worker._private_job_queues q ON q.id = j.job_queue_id
    WHERE j.payload->>'messageId' = ${messageId}`.execute(db());
  return rows;
}

describe("outbound messages", () => {
  it("queues the message and its send job together, one queue per conversation", async () => {
    const { org } = await createOrgWithOwner(db(), "queue");
    const connection = await createSandbox(db(), org.id);
    const { message, conversation } = await queuedReply(connection, "Pedido confirmado");
    expect(await messageRow(message.id)).toMatchObject({ status: "queued", external_id: null });
    expect(await jobsFor(message.id)).toEqual([{ task_identifier: "message.send", queue_name: `conversation:${conversation.id}`, max_attempts: MESSAGE_SEND_MAX_ATTEMPTS }]);
    const updated = await conversationFor(db(), connection, (await db().selectFrom("contacts").select("phone").where("id", "=", conversation.contact_id).executeTakeFirstOrThrow()).phone!);
    expect(updated.last_message_preview).toBe("Pedido confirmado");
  });

  it("sends once: a second run of the job after success does nothing", async () => {
    const { org } = await createOrgWithOwner(db(), "send-once");
    const connection = await createSandbox(db(), org.id);
    const { message, phone } = await queuedReply(connection);
    const send = vi.spyOn(sandboxAdapter, "sendText");
    expect(await sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 })).toBe("sent");
    expect(await sendQueuedMessage(db(), message.id, { attempts: 2, maxAttempts: 8 })).toBe("skipped");
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]!.slice(1)).toEqual([phone, "Olá, tudo bem?"]);
    const row = await messageRow(message.id);
    expect(row.status).toBe("sent");
    expect(row.external_id).toMatch(/^sbx_/);
    expect(row.sent_at).not.toBeNull();
  });

  it("a retryable failure rethrows and keeps the message queued until the last attempt, then fails with the explanation", async () => {
    const { org } = await createOrgWithOwner(db(), "retry");
    const connection = await createSandbox(db(), org.id);
    const { message, conversation } = await queuedReply(connection);
    const rateLimited: SendResult = { ok: false, code: "130429", message: "(#130429) Rate limit hit", retryable: true, consequence: "rate_limited" };
    vi.spyOn(sandboxAdapter, "sendText").mockResolvedValue(rateLimited);

    await expect(sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 })).rejects.toBeInstanceOf(RetryableSendError);
    expect(await messageRow(message.id)).toMatchObject({ status: "queued", error_code: "130429", failed_at: null });
    const retrying = await listMessages(db(), org.id, conversation.id);
    expect(retrying.messages.at(-1)).toMatchObject({ status: "queued", retrying: true });

    expect(await sendQueuedMessage(db(), message.id, { attempts: 8, maxAttempts: 8 })).toBe("failed");
    expect(await messageRow(message.id)).toMatchObject({ status: "failed", error_code: "130429" });
    const page = await listMessages(db(), org.id, conversation.id);
    const [view] = await toMessageViews(page.messages.slice(-1), "sandbox", "en");
    expect(view!.explanation).toBe("Could not send after several attempts.");
  });

  it("a permanent failure is final at once, with the provider's code and a human explanation", async () => {
    const { org } = await createOrgWithOwner(db(), "window");
    const connection = await createSandbox(db(), org.id);
    const { message, conversation } = await queuedReply(connection);
    vi.spyOn(sandboxAdapter, "sendText").mockResolvedValue({ ok: false, code: "131047", message: "Re-engagement message", retryable: false, consequence: "window_closed" });
    expect(await sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 })).toBe("failed");
    expect(await messageRow(message.id)).toMatchObject({ status: "failed", error_code: "131047", error_message: "Re-engagement message" });
    const page = await listMessages(db(), org.id, conversation.id);
    const [pt] = await toMessageViews(page.messages.slice(-1), "whatsapp_cloud", "pt-BR");
    expect(pt).toMatchObject({ status: "failed", suggestTemplate: true, explanation: "Mais de 24 horas desde a última mensagem do cliente: use um modelo aprovado." });
    const [en] = await toMessageViews(page.messages.slice(-1), "sandbox", "en");
    expect(en!.explanation).toBe("The 24-hour window is closed: use an approved template.");
  });

  it("opted_out marks the contact as opted out by the provider", async () => {
    const { org } = await createOrgWithOwner(db(), "stop");
    const connection = await createSandbox(db(), org.id);
    const { message, conversation } = await queuedReply(connection);
    vi.spyOn(sandboxAdapter, "sendText").mockResolvedValue({ ok: false, code: "21610", message: "Attempt to send to unsubscribed recipient", retryable: false, consequence: "opted_out" });
    await sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 });
    const contact = await db().selectFrom("contacts").select(["opted_out", "opt_out_source", "opt_out_reason"]).where("id", "=", conversation.contact_id).executeTakeFirstOrThrow();
    expect(contact).toEqual({ opted_out: true, opt_out_source: "provider", opt_out_reason: "21610: Attempt to send to unsubscribed recipient" });
    const audit = await db().selectFrom("audit_log").select(["action", "actor_type"]).where("org_id", "=", org.id).where("target_id", "=", conversation.contact_id).execute();
    expect(audit).toEqual([{ action: "contact.optedOut", actor_type: "system" }]);
  });

  it("an adapter that throws (network) is treated as retryable", async () => {
    const { org } = await createOrgWithOwner(db(), "throw");
    const connection = await createSandbox(db(), org.id);
    const { message } = await queuedReply(connection);
    vi.spyOn(sandboxAdapter, "sendText").mockRejectedValue(new Error("socket hang up"));
    await expect(sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 })).rejects.toThrow(/socket hang up/);
    expect(await messageRow(message.id)).toMatchObject({ status: "queued", error_code: "exception" });
  });

  it("when the provider's echo was stored first, the send claims the id and the echo disappears", async () => {
    const { org } = await createOrgWithOwner(db(), "echo-race");
    const connection = await createSandbox(db(), org.id);
    const { message, phone } = await queuedReply(connection);
    vi.spyOn(sandboxAdapter, "sendText").mockResolvedValue({ ok: true, externalId: "3EB0RACE", status: "sent" });
    await ingest(db(), connection, [textEvent({ phone, externalId: "3EB0RACE", text: "Olá, tudo bem?" })]);
    await sendQueuedMessage(db(), message.id, { attempts: 1, maxAttempts: 8 });
    const rows = await db().selectFrom("messages").select(["id", "direction"]).where("connection_id", "=", connection.id).where("external_id", "=", "3EB0RACE").execute();
    expect(rows).toEqual([{ id: message.id, direction: "outbound" }]);
  });
});
