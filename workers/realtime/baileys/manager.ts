import type { Readable } from "node:stream";
import type { ConnectionState } from "@whiskeysockets/baileys";
import { sql } from "kysely";
import type { Database } from "#db/index.js";
import type { SecretBox } from "~/lib/crypto/secret-box.server";
import { LiveEventTypes, type LiveEvent } from "~/lib/events/types";
import { DEFAULT_LOCALE, isLocale, type Locale, type MessageKey, translate } from "~/lib/i18n";
import type { MediaStorage } from "~/lib/storage/storage.server";
import { type ConnectionStatus, loadConnectionForWebhook, setConnectionStatus } from "~/modules/channels/connections.server";
import type { ConnectionContext, InboundEvent, SendResult } from "~/modules/channels/types";
import { recordWebhookEvents } from "~/modules/inbox/webhook-events.server";
import type { RealtimeLogger } from "../server";
import { clearAuthState, type PostgresAuthState, openAuthState } from "./auth-state";
import { normalizeUpdates, normalizeUpsert, openMediaRef, phoneFromJid } from "./inbound";
import { acquireLease, currentHolder, type Holder, releaseLease, renewLeases } from "./lease";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF, planReconnect } from "./reconnect";
import { type OutboundRequest, sendThroughSocket } from "./send";
import type { BaileysRuntime, BaileysSocketLike } from "./socket";

export type BaileysManagerOptions = {
  db: Database;
  box: SecretBox;
  runtime: BaileysRuntime;
  /** This sidecar: its lease holder id and the URL where web and worker reach it. */
  holder: Holder;
  storage: MediaStorage;
  logger: RealtimeLogger;
  /** Live events other than status changes (setConnectionStatus publishes those). */
  publish: (event: LiveEvent) => Promise<void>;
  leaseTtlMs?: number;
  renewEveryMs?: number;
  backoff?: BackoffOptions;
};

type Session = {
  connection: ConnectionContext;
  /** The organization's language, for the errors and warnings the team reads on the connection. */
  locale: Locale;
  socket?: BaileysSocketLike;
  auth?: PostgresAuthState;
  /** Bumped per socket, so events of an ended socket are ignored. */
  generation: number;
  status: ConnectionStatus;
  qr: string | null;
  /** Whether the current socket showed a QR (an unpaired close then means nobody scanned it). */
  qrShown: boolean;
  /** Consecutive failed reconnects, for the backoff. */
  attempt: number;
  /** Connection updates are applied one after another, so status writes land in the order they happened. */
  updates: Promise<void>;
  reconnectTimer?: ReturnType<typeof setTimeout>;
};

export type ConnectOutcome = { ok: true; status: ConnectionStatus } | { ok: false; code: "not_found" | "leased_elsewhere"; message: string };

const BAILEYS = "whatsapp_baileys";
const RESUMABLE: ConnectionStatus[] = ["connected", "disconnected"];

/**
 * Holds this sidecar's WhatsApp sessions: leases, the status machine (pending → qr → connected →
 * disconnected / logged_out), reconnects by disconnect reason, inbound events into webhook_events,
 * and sends.
 */
export class BaileysManager {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, Promise<ConnectOutcome>>();
  private ticker?: ReturnType<typeof setInterval>;
  private stopping = false;
  private readonly leaseTtlMs: number;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: BaileysManagerOptions) {
    this.leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Resumes every paired session whose lease is free, then keeps leases fresh and adopts orphans. */
  async start(): Promise<void> {
    // A database hiccup at boot must not stop the sidecar; the next tick tries again.
    await this.adoptOrphans().catch((error: unknown) => this.options.logger.error({ err: error }, "baileys resume at start failed"));
    this.ticker = setInterval(() => void this.maintain(), this.options.renewEveryMs ?? 10_000);
    this.ticker.unref();
  }

  /** Ends the sockets (without logging out) and frees the leases, so another sidecar takes over at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    await Promise.allSettled([...this.pending.values()]);
    await Promise.all(
      [...this.sessions.values()].map(async (session) => {
        await this.dispose(session);
        if (["pending", "qr", "connected"].includes(session.status)) await this.setStatus(session, "disconnected", { lastError: null });
        await releaseLease(this.options.db, session.connection.id, this.options.holder);
      }),
    );
  }

  /** Opens (or keeps) the session; a new pairing shows a QR. */
  connect(connectionId: string): Promise<ConnectOutcome> {
    const running = this.pending.get(connectionId);
    if (running) return running;
    const work = this.open(connectionId, "pair").finally(() => this.pending.delete(connectionId));
    this.pending.set(connectionId, work);
    return work;
  }

  async logout(connectionId: string): Promise<ConnectOutcome> {
    const session = this.sessions.get(connectionId);
    if (!session) {
      const holder = await currentHolder(this.options.db, connectionId);
      if (holder && holder.id !== this.options.holder.id) return leasedElsewhere();
      const connection = await this.loadBaileysConnection(connectionId);
      if (!connection) return { ok: false, code: "not_found", message: "no WhatsApp (QR) connection with this id" };
      await clearAuthState(this.options.db, connectionId);
      await setConnectionStatus(this.options.db, connectionId, "logged_out", { lastError: null });
      return { ok: true, status: "logged_out" };
    }
    const socket = session.socket;
    // Its own close event (401) must not run the cleanup a second time.
    session.generation++;
    // Unlink from the phone when we can; the session is forgotten either way.
    await socket?.logout("logout requested").catch((error: unknown) => this.options.logger.warn({ err: error, connectionId }, "baileys logout call failed"));
    await this.forget(session, "logged_out", null);
    return { ok: true, status: "logged_out" };
  }

  status(connectionId: string): { owned: boolean; status: ConnectionStatus | null; qr: string | null } {
    const session = this.sessions.get(connectionId);
    return { owned: Boolean(session), status: session?.status ?? null, qr: session?.qr ?? null };
  }

  async send(connectionId: string, request: OutboundRequest): Promise<SendResult> {
    const session = this.sessions.get(connectionId);
    if (!session?.socket || session.status !== "connected") {
      return { ok: false, code: "not_connected", message: "this WhatsApp number is not connected", retryable: true, consequence: "connection_broken" };
    }
    return sendThroughSocket(session.socket, request, this.options.storage);
  }

  /** The file of an inbound media message, from its sealed reference. */
  async downloadMedia(connectionId: string, reference: string): Promise<{ stream: Readable; mimeType: string; filename?: string } | null> {
    const session = this.sessions.get(connectionId);
    if (!session?.socket) return null;
    const { message, mimeType, filename } = openMediaRef(reference, connectionId, this.options.box);
    return { stream: await this.options.runtime.downloadMedia(session.socket, message), mimeType, ...(filename ? { filename } : {}) };
  }

  ownedConnectionIds(): string[] {
    return [...this.sessions.keys()];
  }

  // ---- sessions --------------------------------------------------------------------------------------

  private async open(connectionId: string, mode: "pair" | "resume"): Promise<ConnectOutcome> {
    const existing = this.sessions.get(connectionId);
    if (existing?.socket) return { ok: true, status: existing.status };
    const connection = existing?.connection ?? (await this.loadBaileysConnection(connectionId));
    if (!connection) return { ok: false, code: "not_found", message: "no WhatsApp (QR) connection with this id" };
    if (this.stopping || !(await acquireLease(this.options.db, connectionId, this.options.holder, this.leaseTtlMs))) return leasedElsewhere();

    const auth = await openAuthState(this.options.db, connectionId, this.options.box);
    if (mode === "resume" && !auth.isPaired()) {
      await releaseLease(this.options.db, connectionId, this.options.holder);
      return { ok: true, status: "disconnected" };
    }
    const session: Session = existing ?? { connection, locale: await this.orgLocale(connection.orgId), generation: 0, status: "pending", qr: null, qrShown: false, attempt: 0, updates: Promise.resolve() };
    // Connect pressed while a reconnect was waiting: this socket replaces the scheduled one.
    clearTimeout(session.reconnectTimer);
    session.reconnectTimer = undefined;
    await session.auth?.close();
    this.sessions.set(connectionId, session);
    if (!auth.isPaired()) await this.setStatus(session, "pending", { lastError: null });
    this.attach(session, auth);
    return { ok: true, status: session.status };
  }

  private attach(session: Session, auth: PostgresAuthState) {
    const generation = ++session.generation;
    const { connection } = session;
    const socket = this.options.runtime.createSocket({ connectionId: connection.id, auth: auth.state, logger: this.options.logger });
    session.socket = socket;
    session.auth = auth;
    session.qrShown = false;
    const current = () => session.generation === generation && this.sessions.get(connection.id) === session;
    const log = (error: unknown, message: string) => this.options.logger.error({ err: error, connectionId: connection.id }, message);

    socket.ev.on("creds.update", (update) => {
      if (!current()) return;
      Object.assign(auth.state.creds, update);
      auth.saveCreds().catch((error: unknown) => log(error, "baileys creds not saved"));
    });
    socket.ev.on("connection.update", (update) => {
      if (!current()) return;
      session.updates = session.updates
        .then(() => (current() ? this.onConnectionUpdate(session, update) : undefined))
        .catch((error: unknown) => log(error, "baileys connection update failed"));
    });
    socket.ev.on("messages.upsert", ({ messages, type }) => {
      if (!current() || type !== "notify") return;
      this.onUpsert(session, messages).catch((error: unknown) => log(error, "baileys inbound messages not recorded"));
    });
    socket.ev.on("messages.update", (updates) => {
      if (!current()) return;
      this.record(session, normalizeUpdates(updates)).catch((error: unknown) => log(error, "baileys statuses not recorded"));
    });
  }

  private async onConnectionUpdate(session: Session, update: Partial<ConnectionState>) {
    const { connection } = session;
    if (update.qr) {
      session.qr = update.qr;
      session.qrShown = true;
      if (session.status !== "qr") await this.setStatus(session, "qr");
      await this.options.publish({ orgId: connection.orgId, type: LiveEventTypes.channelQr, ids: { connectionId: connection.id }, at: new Date().toISOString() });
    }
    if (update.connection === "open") {
      session.qr = null;
      session.attempt = 0;
      const address = phoneFromJid(session.socket?.user?.id ?? "");
      if (address) await this.options.db.updateTable("channel_connections").set({ address }).where("id", "=", connection.id).execute();
      await this.setStatus(session, "connected", { lastError: null });
    }
    if (update.connection === "close") await this.onClose(session, update.lastDisconnect?.error);
  }

  private async onClose(session: Session, error: unknown) {
    const statusCode = (error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    const paired = session.auth?.isPaired() ?? false;
    session.socket = undefined;
    session.qr = null;
    const plan = planReconnect(statusCode, session.attempt, this.backoff);
    this.options.logger.info({ connectionId: session.connection.id, statusCode, plan: plan.action }, "baileys connection closed");
    const t = (key: MessageKey, vars?: Record<string, string>) => translate(session.locale, key, vars);
    if (plan.action === "logged_out") return this.forget(session, "logged_out", t(plan.reason === "loggedOut" ? "baileys.error.loggedOut" : "baileys.error.forbidden"));
    if (plan.action === "replaced") return this.forget(session, "error", t("baileys.error.replaced"), { keepAuth: true });
    if (plan.action === "restart") return this.reopen(session);
    if (!paired) {
      // The QR was never scanned (or WhatsApp was unreachable): showing new QRs to nobody forever helps no one.
      const message = session.qrShown ? t("baileys.error.qrExpired") : t("baileys.error.unreachable", { reason: plan.reason });
      return this.forget(session, "disconnected", message, { keepAuth: true });
    }
    session.attempt += 1;
    await this.setStatus(session, "disconnected", { lastError: t("baileys.error.reconnecting", { reason: plan.reason }) });
    clearTimeout(session.reconnectTimer);
    session.reconnectTimer = setTimeout(() => void this.reopen(session), plan.delayMs);
    session.reconnectTimer.unref?.();
  }

  private async reopen(session: Session) {
    session.reconnectTimer = undefined;
    if (this.stopping || session.socket || this.sessions.get(session.connection.id) !== session) return;
    try {
      await session.auth?.close();
      this.attach(session, await openAuthState(this.options.db, session.connection.id, this.options.box));
    } catch (error) {
      this.options.logger.error({ err: error, connectionId: session.connection.id }, "baileys reconnect failed");
      session.attempt += 1;
      session.reconnectTimer = setTimeout(() => void this.reopen(session), backoffDelay(session.attempt, this.backoff));
      session.reconnectTimer.unref?.();
    }
  }

  /** Ends the session here. logged_out also deletes its auth state, so the next connect pairs anew. */
  private async forget(session: Session, status: ConnectionStatus, lastError: string | null, { keepAuth = false } = {}) {
    await this.dispose(session);
    this.sessions.delete(session.connection.id);
    if (!keepAuth) await clearAuthState(this.options.db, session.connection.id);
    await this.setStatus(session, status, { lastError });
    await releaseLease(this.options.db, session.connection.id, this.options.holder);
  }

  /** Closes the socket and stops writes of its auth state; the session row and lease stay. */
  private async dispose(session: Session) {
    session.generation++;
    clearTimeout(session.reconnectTimer);
    const socket = session.socket;
    session.socket = undefined;
    session.qr = null;
    try {
      await socket?.end(undefined);
    } catch (error) {
      this.options.logger.debug({ err: error }, "baileys socket end failed");
    }
    await session.auth?.close();
  }

  // ---- inbound ---------------------------------------------------------------------------------------

  private async onUpsert(session: Session, messages: Parameters<typeof normalizeUpsert>[0]) {
    const socket = session.socket;
    const { events, decryptFailures } = await normalizeUpsert(messages, {
      connectionId: session.connection.id,
      box: this.options.box,
      phoneForLid: socket ? (lid) => this.options.runtime.phoneForLid(socket, lid) : undefined,
    });
    await this.record(session, events);
    if (decryptFailures.length > 0) {
      this.options.logger.warn({ connectionId: session.connection.id, count: decryptFailures.length, reason: decryptFailures[0]!.reason }, "baileys could not decrypt messages");
      await setConnectionStatus(this.options.db, session.connection.id, session.status, {
        warning: translate(session.locale, "baileys.warning.undecryptable", { reason: decryptFailures[0]!.reason }),
      });
    }
  }

  /** Stores events (retrying a little: Baileys has already acknowledged them to WhatsApp). */
  private async record(session: Session, events: InboundEvent[]) {
    if (events.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await recordWebhookEvents(this.options.db, session.connection, "baileys", events);
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250 * 4 ** attempt));
      }
    }
  }

  // ---- leases ----------------------------------------------------------------------------------------

  /** Renews our leases (closing sessions whose lease was lost) and adopts orphaned sessions; runs every renewEveryMs. */
  async maintain() {
    try {
      const owned = this.ownedConnectionIds();
      const kept = await renewLeases(this.options.db, owned, this.options.holder, this.leaseTtlMs);
      for (const connectionId of owned) {
        const session = this.sessions.get(connectionId);
        if (kept.has(connectionId) || !session) continue;
        // Another sidecar holds it now (we were too slow to renew): let go without touching its state.
        this.options.logger.warn({ connectionId }, "baileys lease lost; closing the session here");
        await this.dispose(session);
        this.sessions.delete(connectionId);
      }
      await this.adoptOrphans();
    } catch (error) {
      this.options.logger.error({ err: error }, "baileys lease tick failed");
    }
  }

  /** Paired sessions that no live sidecar holds (at start, or after one died): reconnect them without a QR. */
  private async adoptOrphans() {
    const candidates = await this.options.db
      .selectFrom("channel_connections as c")
      .leftJoin("channel_leases as l", "l.connection_id", "c.id")
      .select("c.id")
      .where("c.kind", "=", BAILEYS)
      .where("c.status", "in", RESUMABLE)
      .where((eb) => eb.or([eb("l.connection_id", "is", null), eb("l.expires_at", "<", sql<Date>`now()`), eb("l.holder", "=", this.options.holder.id)]))
      .execute();
    for (const { id } of candidates) {
      if (this.sessions.has(id) || this.pending.has(id) || this.stopping) continue;
      const work = this.open(id, "resume").finally(() => this.pending.delete(id));
      this.pending.set(id, work);
      await work.catch((error: unknown) => this.options.logger.error({ err: error, connectionId: id }, "baileys resume failed"));
    }
  }

  private async orgLocale(orgId: string): Promise<Locale> {
    const row = await this.options.db.selectFrom("organizations").select("locale").where("id", "=", orgId).executeTakeFirst();
    return isLocale(row?.locale) ? row.locale : DEFAULT_LOCALE;
  }

  private async loadBaileysConnection(connectionId: string): Promise<ConnectionContext | null> {
    const connection = await loadConnectionForWebhook(this.options.db, connectionId);
    return connection?.kind === BAILEYS ? connection : null;
  }

  private async setStatus(session: Session, status: ConnectionStatus, options: { lastError?: string | null } = {}) {
    session.status = status;
    await setConnectionStatus(this.options.db, session.connection.id, status, options);
  }
}

function leasedElsewhere(): ConnectOutcome {
  return { ok: false, code: "leased_elsewhere", message: "another realtime instance holds this WhatsApp session" };
}
