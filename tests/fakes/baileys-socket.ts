/**
 * A stand-in for a Baileys socket at its event interface: a test drives it the way WhatsApp would
 * (a QR, pairing followed by restartRequired 515, open, closes with DisconnectReason codes, inbound
 * messages.upsert, delivery messages.update, creds.update) and reads what the manager did with it
 * (sent messages, presence, logout, end). It can be told to fail.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import type { AnyMessageContent, AuthenticationState, BaileysEventMap, WAMessage, WAMessageKey, WAPresence } from "@whiskeysockets/baileys";
import type { BaileysEventName, BaileysRuntime, BaileysSocketLike, CreateSocketOptions } from "../../workers/realtime/baileys/socket";

/** What `lastDisconnect.error` looks like: a Boom with `output.statusCode`. */
export function boom(statusCode: number, message = `closed with ${statusCode}`): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, message } } });
}

export type SentMessage = { jid: string; content: AnyMessageContent };

export class FakeBaileysSocket implements BaileysSocketLike {
  private readonly emitter = new EventEmitter();
  readonly ev = {
    on: <E extends BaileysEventName>(event: E, listener: (payload: BaileysEventMap[E]) => void) => void this.emitter.on(event, listener),
  };
  user: { id: string; lid?: string } | undefined;
  readonly sent: SentMessage[] = [];
  readonly presence: Array<{ type: WAPresence; jid?: string; at: number }> = [];
  readonly subscribed: string[] = [];
  ended = false;
  loggedOut = false;
  /** The next sendMessage calls throw this (e.g. boom(500)) while set. */
  sendFailure: Error | null = null;
  readonly notOnWhatsApp = new Set<string>();

  constructor(
    readonly connectionId: string,
    readonly auth: AuthenticationState,
  ) {
    this.user = auth.creds.me ? { id: auth.creds.me.id } : undefined;
  }

  // ---- driven by the test, as WhatsApp would --------------------------------------------------------

  emit<E extends BaileysEventName>(event: E, payload: BaileysEventMap[E]) {
    this.emitter.emit(event, payload);
  }

  showQr(qr = `2@${randomBytes(48).toString("base64")},${randomBytes(32).toString("base64")},${randomBytes(32).toString("base64")},${randomBytes(16).toString("base64")}`) {
    this.emit("connection.update", { qr });
    return qr;
  }

  /** The phone scanned the QR: creds gain `me`, then WhatsApp asks for a restart (515), as the real server does. */
  pair(phone = "5511987654321", lid = "123456789012345") {
    const me = { id: `${phone}:7@s.whatsapp.net`, lid: `${lid}:7@lid`, name: "Loja" };
    // Baileys merges creds.update into auth.creds itself before listeners run.
    Object.assign(this.auth.creds, { me, registered: true });
    this.emit("creds.update", { me, registered: true });
    this.emit("connection.update", { isNewLogin: true, qr: undefined });
    this.close(515);
  }

  open() {
    this.user = this.auth.creds.me ? { id: this.auth.creds.me.id } : { id: "5511987654321:7@s.whatsapp.net" };
    this.emit("connection.update", { connection: "open" });
  }

  close(statusCode: number) {
    this.emit("connection.update", { connection: "close", lastDisconnect: { error: boom(statusCode), date: new Date() } });
  }

  receive(messages: WAMessage[], type: "notify" | "append" = "notify") {
    this.emit("messages.upsert", { messages, type });
  }

  /** Delivery receipts for messages we sent: 2 server ack, 3 delivered, 4 read, 5 played, 0 error. */
  receipt(id: string, status: number, remoteJid = "5511912345678@s.whatsapp.net") {
    this.emit("messages.update", [{ key: { id, remoteJid, fromMe: true }, update: { status } }]);
  }

  /** Signal keys change on every message; Baileys writes them through auth.keys.set. */
  async rotateKeys(data: Parameters<AuthenticationState["keys"]["set"]>[0]) {
    await this.auth.keys.set(data);
  }

  // ---- the socket API the manager calls ------------------------------------------------------------

  async sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage> {
    if (this.ended) throw boom(428, "Connection Closed");
    if (this.sendFailure) throw this.sendFailure;
    this.sent.push({ jid, content });
    return { key: { remoteJid: jid, fromMe: true, id: `3EB0${randomBytes(8).toString("hex").toUpperCase()}` }, message: {}, messageTimestamp: Math.floor(Date.now() / 1000) };
  }

  async presenceSubscribe(jid: string) {
    this.subscribed.push(jid);
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string) {
    this.presence.push({ type, jid, at: Date.now() });
  }

  async onWhatsApp(...jids: string[]) {
    return jids.map((jid) => ({ jid, exists: !this.notOnWhatsApp.has(jid) }));
  }

  /** Like Baileys: unlinks, then ends the socket with loggedOut (401). */
  async logout() {
    this.loggedOut = true;
    this.ended = true;
    this.close(401);
  }

  async end(error: Error | undefined) {
    if (this.ended) return;
    this.ended = true;
    this.emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
  }
}

/**
 * A BaileysRuntime over fake sockets, recording every socket it made. `autoQrMs`: an unpaired socket
 * shows a QR that long after it opens, as WhatsApp does (for e2e runs, where no test drives the socket).
 */
export function createFakeBaileysRuntime({ autoQrMs }: { autoQrMs?: number } = {}) {
  const sockets: FakeBaileysSocket[] = [];
  const media = new Map<string, Buffer>();
  const lidPhones = new Map<string, string>();
  let downloadFailure: Error | null = null;

  const runtime: BaileysRuntime = {
    createSocket({ connectionId, auth }: CreateSocketOptions) {
      const socket = new FakeBaileysSocket(connectionId, auth);
      sockets.push(socket);
      if (autoQrMs !== undefined && !auth.creds.me) setTimeout(() => socket.ended || socket.showQr(), autoQrMs).unref();
      return socket;
    },
    async downloadMedia(_socket, message) {
      if (downloadFailure) throw downloadFailure;
      const bytes = media.get(message.key.id ?? "");
      if (!bytes) throw boom(404, "media not found on the fake");
      return Readable.from([bytes]);
    },
    async phoneForLid(_socket, lidJid) {
      return lidPhones.get(lidJid) ?? null;
    },
  };

  return {
    runtime,
    sockets,
    /** The newest socket of a connection (each reconnect makes a new one). */
    latest(connectionId: string): FakeBaileysSocket {
      const socket = sockets.findLast((candidate) => candidate.connectionId === connectionId);
      if (!socket) throw new Error(`no fake socket for ${connectionId}`);
      return socket;
    },
    socketsOf: (connectionId: string) => sockets.filter((socket) => socket.connectionId === connectionId),
    /** The file WhatsApp serves for a media message id. */
    setMedia: (messageId: string, bytes: Buffer) => void media.set(messageId, bytes),
    failDownloads: (error: Error | null) => void (downloadFailure = error),
    /** What the session's LID store knows (Baileys learns these mappings as it goes). */
    knowLid: (lidJid: string, phoneJid: string) => void lidPhones.set(lidJid, phoneJid),
  };
}

export type FakeBaileys = ReturnType<typeof createFakeBaileysRuntime>;

// ---- inbound message builders in Baileys' shapes ------------------------------------------------------

type From = { jid: string; alt?: string; pushName?: string; id?: string; timestamp?: number };

function envelope(from: From, message: WAMessage["message"], extra: Partial<WAMessage> = {}): WAMessage {
  const key: WAMessageKey = { remoteJid: from.jid, fromMe: false, id: from.id ?? `3A${randomUUID().replace(/-/g, "").slice(0, 18).toUpperCase()}` };
  if (from.alt) key.remoteJidAlt = from.alt;
  key.addressingMode = from.jid.endsWith("@lid") ? "lid" : "pn";
  return { key, message, messageTimestamp: from.timestamp ?? Math.floor(Date.now() / 1000), pushName: from.pushName, ...extra };
}

export const inbound = {
  text: (from: From, text: string) => envelope(from, { conversation: text }),
  extendedText: (from: From, text: string) => envelope(from, { extendedTextMessage: { text } }),
  image: (from: From, caption?: string) =>
    envelope(from, {
      imageMessage: {
        url: "https://mmg.whatsapp.net/v/t62.7118-24/fake.enc",
        directPath: "/v/t62.7118-24/fake.enc",
        mediaKey: randomBytes(32),
        mimetype: "image/jpeg",
        fileSha256: randomBytes(32),
        fileEncSha256: randomBytes(32),
        fileLength: 1234,
        caption,
        jpegThumbnail: randomBytes(2000),
      },
    }),
  voiceNote: (from: From) =>
    envelope(from, { audioMessage: { url: "https://mmg.whatsapp.net/fake.enc", directPath: "/fake.enc", mediaKey: randomBytes(32), mimetype: "audio/ogg; codecs=opus", ptt: true, seconds: 4 } }),
  document: (from: From, fileName: string) =>
    envelope(from, { documentMessage: { url: "https://mmg.whatsapp.net/doc.enc", directPath: "/doc.enc", mediaKey: randomBytes(32), mimetype: "application/pdf", fileName } }),
  sticker: (from: From) => envelope(from, { stickerMessage: { url: "https://mmg.whatsapp.net/s.enc", directPath: "/s.enc", mediaKey: randomBytes(32), mimetype: "image/webp" } }),
  location: (from: From) => envelope(from, { locationMessage: { degreesLatitude: -23.5505, degreesLongitude: -46.6333, name: "Loja Centro", address: "Praça da Sé" } }),
  reaction: (from: From, targetId: string, emoji: string) => envelope(from, { reactionMessage: { key: { id: targetId, remoteJid: from.jid, fromMe: true }, text: emoji } }),
  /** What Baileys upserts when it cannot decrypt ("Bad MAC", missing keys): a CIPHERTEXT stub. */
  undecryptable: (from: From, reason = "Bad MAC") => envelope(from, undefined, { messageStubType: 2, messageStubParameters: [reason] }),
  fromMe: (to: string, text: string) => ({ ...envelope({ jid: to }, { conversation: text }), key: { remoteJid: to, fromMe: true, id: `3EB0${randomBytes(8).toString("hex")}` } }),
  group: (groupJid: string, participant: string, text: string) => ({ ...envelope({ jid: groupJid }, { conversation: text }), key: { remoteJid: groupJid, participant, fromMe: false, id: `3A${randomBytes(8).toString("hex")}` } }),
};
