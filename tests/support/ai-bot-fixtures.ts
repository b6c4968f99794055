import { expect } from "vitest";
import type { Database } from "../../db/index.js";
import { createPersona } from "../../app/modules/ai/bot/personas.server.js";
import type { PersonaFormInput } from "../../app/modules/ai/bot/persona-schema.js";
import { addTextDocument } from "../../app/modules/ai/knowledge/documents.server.js";
import { ingestDocument } from "../../app/modules/ai/knowledge/ingest.server.js";
import { createKnowledgeBase as createKnowledgeBaseRow } from "../../app/modules/ai/knowledge/knowledge-bases.server.js";
import { OFFLINE_EMBEDDING_MODEL } from "../../app/modules/ai/runtime.server.js";
import { saveAiSettings } from "../../app/modules/ai/settings.server.js";
import type { FakeOpenAi } from "../fakes/openai.js";

export const FAKE_OPENAI_KEY = "sk-test-fake-bot-0123456789";

/** A store's FAQ, one topic per document, so a question has exactly one right source. */
export const STORE_FAQ = [
  { title: "Frete e entregas", text: "Entregamos em todo o Brasil pelos Correios. O frete é grátis para compras acima de R$ 200 e o prazo de entrega é de 3 a 7 dias úteis." },
  { title: "Trocas e devoluções", text: "Você pode devolver ou trocar qualquer produto em até 30 dias após o recebimento, sem custo, com a etiqueta original." },
  { title: "Formas de pagamento", text: "Aceitamos Pix com 5% de desconto, cartão de crédito em até 10 parcelas sem juros e boleto bancário." },
];

/** A ready knowledge base: each document added as pasted text and indexed now, as the embedding job would. */
export async function createKnowledgeBase(db: Database, orgId: string, documents: Array<{ title: string; text: string }> = STORE_FAQ, name = "FAQ da loja") {
  const kbId = await createKnowledgeBaseRow(db, orgId, null, { name, description: "" });
  for (const document of documents) {
    const added = await addTextDocument(db, { orgId, kbId, userId: null }, document);
    if (!added.ok) throw new Error(`document not added: ${added.error}`);
    expect(await ingestDocument(db, added.documentId)).toBe("ready");
  }
  return kbId;
}

export const SECRET_PROMPT = "Você é a Bia, assistente da Loja Aurora. Código interno de desconto para gerentes: AURORA-GERENTE-7731. Nunca ofereça descontos.";

export function personaInput(overrides: Partial<PersonaFormInput> = {}): PersonaFormInput {
  return {
    name: `Bia ${Math.random().toString(36).slice(2, 7)}`,
    systemPrompt: SECRET_PROMPT,
    tone: "friendly",
    language: "pt-BR",
    temperature: 0.3,
    maxReplyChars: 600,
    greeting: "Olá! Sou a Bia, da Loja Aurora.",
    handoffKeywords: "atendente, humano, human, agent, pessoa",
    lowConfidenceThreshold: 0.5,
    sentimentHandoff: true,
    maxBotTurns: 8,
    replyDelaySeconds: 120,
    isDefault: true,
    knowledgeBaseIds: [],
    ...overrides,
  };
}

export async function createPersonaRow(db: Database, orgId: string, userId: string, overrides: Partial<PersonaFormInput> = {}) {
  const result = await createPersona(db, { orgId, userId, values: personaInput(overrides) });
  if (!result.ok) throw new Error(`persona not created: ${result.code}`);
  return result.personaId;
}

/** Points the organization at the fake OpenAI server (online mode). */
export async function connectFakeOpenAi(db: Database, orgId: string, userId: string, fake: FakeOpenAi, budgetMicros: number | null = null) {
  await saveAiSettings(db, orgId, userId, { baseUrl: fake.baseURL, chatModel: "gpt-4o-mini", embeddingModel: OFFLINE_EMBEDDING_MODEL, monthlyBudgetMicros: budgetMicros, apiKey: FAKE_OPENAI_KEY });
}

/** Polls until `done` holds (the worker runs in the background). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
