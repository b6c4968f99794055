import { expect, type Locator, type Page, test } from "@playwright/test";
import pg from "pg";
import { databaseUrlFor } from "../support/test-env";
import { E2E_DATABASE } from "./ports";
import { eventually, newEmail, signUp } from "./utils";

/** Forty earlier messages in the conversation, straight into the database (history from before the test). */
async function seedHistory(conversationId: string) {
  const client = new pg.Client({ connectionString: databaseUrlFor(E2E_DATABASE) });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO messages (org_id, conversation_id, connection_id, direction, type, body, status, sender_type, created_at)
       SELECT org_id, id, connection_id, 'outbound', 'text', 'histórico ' || k, 'read', 'user', now() - interval '1 day' + k * interval '1 minute'
       FROM conversations, generate_series(1, 40) AS k WHERE id = $1`,
      [conversationId],
    );
  } finally {
    await client.end();
  }
}

function uniquePhone() {
  return `11 9${String(Date.now()).slice(-8)}`;
}


async function connectSandboxAndWrite(page: Page, customer: { name: string; phone: string; text: string }) {
  await page.goto("/settings/channels");
  await page.getByRole("button", { name: "Criar Sandbox" }).click();
  await expect(page.getByTestId("connection-row").filter({ hasText: "Sandbox" })).toBeVisible();
  await page.getByRole("link", { name: "Abrir simulador" }).first().click();
  await expect(page).toHaveURL(/\/sandbox\?connection=/);
  await page.getByLabel("Nome do cliente").fill(customer.name);
  await page.getByLabel("Telefone do cliente").fill(customer.phone);
  await page.getByLabel("Primeira mensagem").fill(customer.text);
  await page.getByRole("button", { name: "Escrever como cliente" }).click();
  await expect(page).toHaveURL(/phone=/);
  return page.url();
}

function bubble(page: Page, text: string): Locator {
  return page.getByTestId("message").filter({ hasText: text });
}

function exactBubble(page: Page, text: string): Locator {
  return page.getByTestId("message").filter({ has: page.getByText(text, { exact: true }) });
}

test("connect the Sandbox, receive a customer message, reply, watch the ticks, assign and resolve", async ({ page, javaScriptEnabled }) => {
  await signUp(page, { name: "Lia Atendente", email: newEmail("inbox"), orgName: `Loja ${Date.now()}` });
  const customer = { name: "Maria Simulada", phone: uniquePhone(), text: "Oi! Vocês entregam no sábado?" };
  const simulator = await connectSandboxAndWrite(page, customer);

  await page.goto("/inbox");
  const item = page.getByTestId("conversation-item").filter({ hasText: customer.name });
  await eventually(page, javaScriptEnabled, () => expect(item).toBeVisible({ timeout: 1_000 }));
  await expect(item.getByTestId("unread-badge")).toBeVisible();
  await item.click();
  await expect(page.getByTestId("conversation-title")).toHaveText(customer.name);
  await expect(bubble(page, customer.text)).toBeVisible();

  const reply = "Entregamos sim, até as 13h.";
  await page.getByLabel("Resposta").fill(reply);
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  const tick = bubble(page, reply).getByTestId("message-status");
  await expect(tick).toBeVisible();
  // queued ◷ → sent ✓ → delivered ✓✓ → read ✓✓ (blue), reported by the simulated phone through the webhook pipeline.
  await eventually(page, javaScriptEnabled, () => expect(tick).toHaveAttribute("data-status", "read", { timeout: 1_000 }));

  await page.getByLabel("Resposta").fill("Cliente quer entrega sábado");
  await page.getByRole("button", { name: "Salvar como nota" }).click();
  await expect(page.locator('[data-testid="message"][data-note]').filter({ hasText: "Cliente quer entrega sábado" })).toBeVisible();

  await page.getByRole("button", { name: "Assumir" }).click();
  await expect(page.getByText("com Lia Atendente")).toBeVisible();
  await page.getByRole("button", { name: "Resolver" }).click();
  await expect(page.getByTestId("conversation-status")).toHaveText("Resolvida");
  await page.goto("/inbox");
  await expect(page.getByTestId("conversation-item").filter({ hasText: customer.name })).toHaveCount(0);
  await page.goto("/inbox?status=resolved");
  await expect(page.getByTestId("conversation-item").filter({ hasText: customer.name })).toBeVisible();

  // The customer's side shows the reply but never the private note.
  await page.goto(simulator);
  await expect(page.getByTestId("sandbox-message").filter({ hasText: reply })).toBeVisible();
  await expect(page.getByTestId("sandbox-thread")).not.toContainText("Cliente quer entrega sábado");
});

test("older messages: scrolling up loads them with JavaScript, a link pages back without", async ({ page, javaScriptEnabled }) => {
  await signUp(page, { name: "Bia Histórico", email: newEmail("inbox-older"), orgName: `Histórico ${Date.now()}` });
  const customer = { name: "Cliente Antigo", phone: uniquePhone(), text: "Voltei!" };
  await connectSandboxAndWrite(page, customer);
  await page.goto("/inbox");
  const item = page.getByTestId("conversation-item").filter({ hasText: customer.name });
  await eventually(page, javaScriptEnabled, () => expect(item).toBeVisible({ timeout: 1_000 }));
  await item.click();
  await expect(page).toHaveURL(/\/inbox\/[0-9a-f-]{36}/);
  await seedHistory(new URL(page.url()).pathname.split("/").pop()!);
  await page.reload();
  await expect(exactBubble(page, "histórico 40")).toBeVisible();
  await expect(exactBubble(page, "histórico 5")).toHaveCount(0);
  if (javaScriptEnabled) {
    await page.getByTestId("message-scroller").evaluate((scroller) => scroller.scrollBy(0, -100_000));
    await expect(exactBubble(page, "histórico 1")).toBeAttached();
    // Still in the same page: the newest messages stay where they were.
    await expect(bubble(page, customer.text)).toBeAttached();
  } else {
    await page.getByTestId("older-messages").click();
    await expect(exactBubble(page, "histórico 1")).toBeVisible();
    await expect(bubble(page, customer.text)).toHaveCount(0);
  }
});

test.describe("on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("list and conversation are separate screens, and replying, assigning and resolving fit", async ({ page, javaScriptEnabled }) => {
    await signUp(page, { name: "Rui Celular", email: newEmail("inbox-phone"), orgName: `Celular ${Date.now()}` });
    const customer = { name: "João Pequeno", phone: uniquePhone(), text: "Tem na cor azul?" };
    await connectSandboxAndWrite(page, customer);
    await page.goto("/inbox");
    const item = page.getByTestId("conversation-item").filter({ hasText: customer.name });
    await eventually(page, javaScriptEnabled, () => expect(item).toBeVisible({ timeout: 1_000 }));
    await item.click();
    await expect(page.getByTestId("conversation-list")).toBeHidden();
    await page.getByLabel("Resposta").fill("Temos sim!");
    await page.getByRole("button", { name: "Enviar", exact: true }).click();
    await expect(bubble(page, "Temos sim!")).toBeVisible();
    await page.getByRole("button", { name: "Assumir" }).click();
    await expect(page.getByText("com Rui Celular")).toBeVisible();
    await page.getByRole("button", { name: "Resolver" }).click();
    await expect(page.getByTestId("conversation-status")).toHaveText("Resolvida");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole("link", { name: "Voltar à lista" }).click();
    await expect(page.getByTestId("conversation-list").or(page.getByText("Nenhuma conversa com estes filtros."))).toBeVisible();
  });
});
