import { expect, test } from "@playwright/test";
import { eventually, newEmail, signUp } from "./utils";

const FAQ = "Entregamos em todo o Brasil pelos Correios. O frete é grátis para compras acima de R$ 200 e o prazo de entrega é de 3 a 7 dias úteis.";


function uniquePhone() {
  return `11 9${String(Date.now()).slice(-8)}`;
}

test("a persona with a pasted knowledge base answers a Sandbox customer with its source, then hands off on request", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  await signUp(page, { name: "Rui Dono", email: newEmail("ai-bot"), orgName: `Loja Aurora ${Date.now()}` });

  // A knowledge base from pasted text, indexed by the worker.
  await page.goto("/ai/knowledge/new");
  await page.getByLabel("Nome", { exact: true }).fill("FAQ da loja");
  await page.getByRole("button", { name: "Criar base" }).click();
  await expect(page).toHaveURL(/\/ai\/knowledge\/[0-9a-f-]{36}$/);
  await page.getByLabel("Título", { exact: true }).fill("Frete e entregas");
  await page.getByLabel("Texto", { exact: true }).fill(FAQ);
  await page.locator("form").filter({ has: page.getByLabel("Texto", { exact: true }) }).getByRole("button", { name: "Adicionar" }).click();
  await eventually(page, javaScriptEnabled, () => expect(page.getByTestId("kb-document").first()).toHaveAttribute("data-status", "ready", { timeout: 1_000 }));

  // The persona, over that knowledge base, answering quickly.
  await page.goto("/ai/personas/new");
  await page.getByLabel("Nome", { exact: true }).fill("Bia");
  await page.getByLabel("Instruções da persona").fill("Você é a Bia, atendente da Loja Aurora. Responda com simpatia e só com o que sabe.");
  await page.getByLabel("Saudação").fill("Olá! Sou a Bia, da Loja Aurora.");
  await page.getByLabel("Esperar antes de responder (segundos)").fill("1");
  await page.getByLabel("FAQ da loja").check();
  await page.getByRole("button", { name: "Criar persona" }).click();
  await expect(page).toHaveURL(/\/ai\/personas\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("ai-mode")).toHaveAttribute("data-mode", "offline");

  // The test chat on the persona page goes through the same pipeline.
  await page.getByLabel("Mensagem do cliente").fill("qual o prazo de entrega?");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  const testAnswer = page.getByTestId("test-assistant").last();
  await expect(testAnswer).toContainText("3 a 7 dias úteis");
  await expect(testAnswer.getByTestId("bot-source")).toHaveText("Frete e entregas");

  // A Sandbox customer writes; the team turns the bot on for that conversation.
  await page.goto("/settings/channels");
  await page.getByRole("button", { name: "Criar Sandbox" }).click();
  await page.getByRole("link", { name: "Abrir simulador" }).first().click();
  await page.getByLabel("Nome do cliente").fill("Joana Cliente");
  await page.getByLabel("Telefone do cliente").fill(uniquePhone());
  await page.getByLabel("Primeira mensagem").fill("oi, tudo bem?");
  await page.getByRole("button", { name: "Escrever como cliente" }).click();
  await expect(page).toHaveURL(/phone=/);
  const simulator = page.url();

  await page.goto("/inbox");
  const item = page.getByTestId("conversation-item").filter({ hasText: "Joana Cliente" });
  await eventually(page, javaScriptEnabled, () => expect(item).toBeVisible({ timeout: 1_000 }));
  await item.click();
  await expect(page).toHaveURL(/\/inbox\/[0-9a-f-]{36}/);
  await expect(page.getByTestId("conversation-title")).toHaveText("Joana Cliente");
  const conversation = page.url();
  await page.getByTestId("bot-toggle").click();
  await expect(page.getByTestId("bot-toggle")).toHaveText("Robô ligado");

  // The customer asks; the bot answers on their phone, and the inbox shows the answer with its source.
  await page.goto(simulator);
  await page.getByPlaceholder("Escreva como o cliente…").fill("vocês entregam em todo o Brasil? qual o prazo?");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  const businessMessages = page.locator('[data-testid="sandbox-message"][data-from="business"]');
  await eventually(page, javaScriptEnabled, () => expect(businessMessages.filter({ hasText: "3 a 7 dias úteis" })).toHaveCount(1, { timeout: 1_000 }));

  await page.goto(conversation);
  const answer = page.getByTestId("message").filter({ hasText: "3 a 7 dias úteis" });
  await expect(answer).toBeVisible();
  await expect(answer.getByTestId("bot-source")).toHaveText("Frete e entregas");

  // Asking for a person hands the conversation to the team, with a note saying why.
  await page.goto(simulator);
  await page.getByPlaceholder("Escreva como o cliente…").fill("quero falar com um atendente");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  await eventually(page, javaScriptEnabled, () => expect(businessMessages.filter({ hasText: "Vou chamar uma pessoa da nossa equipe" })).toHaveCount(1, { timeout: 1_000 }));

  await page.goto(conversation);
  const note = page.locator('[data-testid="message"][data-note]').filter({ hasText: "Bot desligado" });
  await eventually(page, javaScriptEnabled, () => expect(note).toContainText("o cliente pediu para falar com uma pessoa (atendente)", { timeout: 1_000 }));
  await expect(page.getByTestId("bot-toggle")).toHaveText("Robô desligado");

  // With the bot off, the agent asks the AI for a draft and a summary.
  await page.goto(simulator);
  await page.getByPlaceholder("Escreva como o cliente…").fill("o frete é grátis?");
  await page.getByRole("button", { name: "Enviar", exact: true }).click();
  // Wait for the send to land before leaving the page (leaving would cancel it with JavaScript on).
  const customerMessages = page.locator('[data-testid="sandbox-message"][data-from="customer"]');
  await eventually(page, javaScriptEnabled, () => expect(customerMessages.filter({ hasText: "o frete é grátis?" })).toHaveCount(1, { timeout: 1_000 }));
  await page.goto(conversation);
  await eventually(page, javaScriptEnabled, () => expect(page.getByTestId("message").filter({ hasText: "o frete é grátis?" })).toBeVisible({ timeout: 1_000 }));
  await page.getByTestId("assist-suggest").click();
  await expect(page.getByLabel("Resposta")).toHaveValue(/frete é grátis para compras acima de R\$ 200/);
  await page.getByTestId("assist-summarize").click();
  await expect(page.getByTestId("assist-summary")).toContainText("Cliente: Joana Cliente.");
});

test.describe("on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the persona page (form and test chat) and the pipeline's AI page fit the screen", async ({ page }) => {
    await signUp(page, { name: "Rui Celular", email: newEmail("ai-bot-phone"), orgName: `Aurora Celular ${Date.now()}` });
    await page.goto("/ai/personas/new");
    await page.getByLabel("Nome", { exact: true }).fill("Bia");
    await page.getByLabel("Instruções da persona").fill("Você é a Bia, atendente da Loja Aurora.");
    await page.getByRole("button", { name: "Criar persona" }).click();
    await expect(page).toHaveURL(/\/ai\/personas\/[0-9a-f-]{36}$/);
    await page.getByLabel("Mensagem do cliente").fill("oi");
    await page.getByRole("button", { name: "Enviar", exact: true }).click();
    await expect(page.getByTestId("test-handoff")).toBeVisible();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto("/pipelines");
    await page.getByLabel("Nome do funil").fill("Vendas");
    await page.getByRole("button", { name: "Criar funil" }).click();
    await page.getByRole("link", { name: "IA do funil" }).click();
    await expect(page.getByRole("heading", { name: "IA do funil Vendas" })).toBeVisible();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
