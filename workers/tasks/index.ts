import type { TaskList } from "graphile-worker";
import { campaignDispatch } from "./campaign.dispatch";
import { campaignSweep } from "./campaign.sweep";
import { aiReply } from "./ai.reply";
import { cadenceStep } from "./cadence.step";
import { cadenceSweep } from "./cadence.sweep";
import { contactImportRun } from "./contactImport.run";
import { kbDocumentEmbed } from "./kbDocument.embed";
import { knowledgeBaseReembed } from "./knowledgeBase.reembed";
import { leadAiProgress } from "./lead.aiProgress";
import { messageSend } from "./message.send";
import { sandboxTick } from "./sandbox.tick";
import { sessionsPrune } from "./sessions.prune";
import { templatesSync } from "./templates.sync";
import { webhookEventProcess } from "./webhookEvent.process";

/** One file per task, named `entity.action`; payloads carry ids only. */
export const taskList: TaskList = {
  "campaign.dispatch": campaignDispatch,
  "campaign.sweep": campaignSweep,
  "cadence.step": cadenceStep,
  "cadence.sweep": cadenceSweep,
  "sessions.prune": sessionsPrune,
  "contactImport.run": contactImportRun,
  "kbDocument.embed": kbDocumentEmbed,
  "knowledgeBase.reembed": knowledgeBaseReembed,
  "webhookEvent.process": webhookEventProcess,
  "message.send": messageSend,
  "sandbox.tick": sandboxTick,
  "templates.sync": templatesSync,
  "ai.reply": aiReply,
  "lead.aiProgress": leadAiProgress,
};
