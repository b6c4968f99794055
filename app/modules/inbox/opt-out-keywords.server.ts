import type { Database } from "#db/index.js";
import { DEFAULT_LOCALE, isLocale, translate } from "~/lib/i18n";
import { optInContact, optOutContact } from "../contacts/opt-out.server";
import type { ConnectionContext } from "../channels/types";
import { queueOutboundMessage } from "./outbound.server";

// A customer who answers just "SAIR" (or STOP, PARAR…) stops receiving messages; "VOLTAR" brings them back.

const OPT_OUT_WORDS = new Set(["STOP", "SAIR", "PARAR", "CANCELAR", "DESCADASTRAR"]);
const OPT_IN_WORDS = new Set(["VOLTAR", "START", "UNSTOP"]);

export type OptDirection = "out" | "in";
export type OptKeywordChange = { direction: OptDirection; keyword: string };

/** The keyword the whole message is (case, accents and surrounding punctuation ignored), else null. */
export function normalizeOptKeyword(text: string): string | null {
  const word = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "")
    .toUpperCase();
  return OPT_OUT_WORDS.has(word) || OPT_IN_WORDS.has(word) ? word : null;
}

/** "out" for an opt-out keyword, "in" for an opt-back-in one; a keyword inside a sentence is no keyword. */
export function detectOptKeyword(text: string): OptDirection | null {
  const word = normalizeOptKeyword(text);
  if (!word) return null;
  return OPT_OUT_WORDS.has(word) ? "out" : "in";
}

/**
 * Applies a keyword message to its contact, in the caller's transaction (the one storing the message).
 * Returns the change only when the contact's state actually flipped, so a repeated STOP confirms nothing.
 */
export async function applyOptKeyword(db: Database, input: { orgId: string; contactId: string; text: string; messageId?: string }): Promise<OptKeywordChange | null> {
  const keyword = normalizeOptKeyword(input.text);
  if (!keyword) return null;
  const direction: OptDirection = OPT_OUT_WORDS.has(keyword) ? "out" : "in";
  const contact = await db
    .selectFrom("contacts")
    .select("opted_out")
    .where("org_id", "=", input.orgId)
    .where("id", "=", input.contactId)
    .where("erased_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
  if (!contact || contact.opted_out === (direction === "out")) return null;
  const actor = { type: "system" as const };
  const metadata = { keyword, ...(input.messageId ? { messageId: input.messageId } : {}) };
  const changed =
    direction === "out"
      ? await optOutContact(db, input.orgId, input.contactId, { source: "keyword", reason: keyword, actor, metadata })
      : await optInContact(db, input.orgId, input.contactId, actor, { ...metadata, source: "keyword" });
  return changed ? { direction, keyword } : null;
}

/**
 * Tells the customer the keyword worked, once, through the normal outbound path in the organization's language.
 * Twilio answers STOP/START itself at the carrier, so SMS connections get no second reply from us.
 */
export async function confirmOptKeyword(db: Database, connection: ConnectionContext, conversationId: string, change: OptKeywordChange): Promise<string | null> {
  if (connection.kind === "twilio_sms") return null;
  const org = await db.selectFrom("organizations").select("locale").where("id", "=", connection.orgId).executeTakeFirst();
  const locale = isLocale(org?.locale) ? org.locale : DEFAULT_LOCALE;
  const text = translate(locale, change.direction === "out" ? "inbox.optOutKeyword.optedOut" : "inbox.optOutKeyword.optedIn");
  const queued = await queueOutboundMessage(db, { orgId: connection.orgId, conversationId, content: { type: "text", text }, senderType: "system" });
  return queued.id;
}
