import makeWASocket, { Browsers, downloadMediaMessage, makeCacheableSignalKeyStore, type WASocket } from "@whiskeysockets/baileys";
import { getEnv } from "~/lib/env.server";
import { logger as rootLogger } from "~/lib/logger.server";
import type { BaileysRuntime, BaileysSocketLike } from "./socket";

const baileysLogger = rootLogger.child({ module: "baileys" }, { level: getEnv().BAILEYS_LOG_LEVEL });

/** The real WhatsApp Web client. Only the realtime sidecar loads this module. */
export const baileysRuntime: BaileysRuntime = {
  createSocket({ connectionId, auth }) {
    const log = baileysLogger.child({ connectionId });
    return makeWASocket({
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, log) },
      logger: log,
      browser: Browsers.ubuntu("Master IA"),
      // Stay "offline" so the business's phone keeps getting notifications.
      markOnlineOnConnect: false,
      // Only the recent history WhatsApp pushes by default: it carries the LID ↔ phone mappings Baileys needs.
      syncFullHistory: false,
      generateHighQualityLinkPreview: false,
      enableRecentMessageCache: true,
    });
  },

  async downloadMedia(socket, message) {
    const real = socket as WASocket;
    return downloadMediaMessage(message, "stream", {}, { logger: baileysLogger, reuploadRequest: (msg) => real.updateMediaMessage(msg) });
  },

  async phoneForLid(socket, lidJid) {
    const real = socket as BaileysSocketLike & Partial<Pick<WASocket, "signalRepository">>;
    return (await real.signalRepository?.lidMapping.getPNForLID(lidJid)) ?? null;
  },
};
