import type { Readable } from "node:stream";
import type { AnyMessageContent, AuthenticationState, BaileysEventMap, WAMessage, WAPresence } from "@whiskeysockets/baileys";
import type { RealtimeLogger } from "../server";

/**
 * The part of a Baileys socket (`makeWASocket(...)`) the manager uses. The real one comes from
 * baileys-runtime.ts; tests plug in tests/fakes/baileys-socket.ts, which speaks the same events.
 */
export type BaileysEventName = "connection.update" | "creds.update" | "messages.upsert" | "messages.update";

export interface BaileysSocketLike {
  ev: { on<E extends BaileysEventName>(event: E, listener: (payload: BaileysEventMap[E]) => void): void };
  /** Our own account once paired: `5511…:12@s.whatsapp.net`. */
  user?: { id: string; lid?: string; name?: string } | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined>;
  presenceSubscribe(jid: string): Promise<void>;
  sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void>;
  onWhatsApp(...jids: string[]): Promise<Array<{ jid: string; exists: boolean }> | undefined>;
  logout(message?: string): Promise<void>;
  end(error: Error | undefined): Promise<void> | void;
}

export type CreateSocketOptions = { connectionId: string; auth: AuthenticationState; logger: RealtimeLogger };

/** Everything the manager needs from the Baileys package, behind one seam. */
export interface BaileysRuntime {
  createSocket(options: CreateSocketOptions): BaileysSocketLike;
  /** Decrypts an inbound media message's file (asking the phone to re-upload expired media). */
  downloadMedia(socket: BaileysSocketLike, message: WAMessage): Promise<Readable>;
  /** The phone number behind a `@lid` JID, when the session has learned it. */
  phoneForLid(socket: BaileysSocketLike, lidJid: string): Promise<string | null>;
}
