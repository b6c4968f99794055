import { expect, type Page, test } from "@playwright/test";
import { newEmail, signUp } from "./utils";

// Runs twice (playwright.config.ts): every step is a plain form, so the flow is the same with and
// without JavaScript; the worker moves the enrollment along and the timeline shows it (refreshing
// itself with JavaScript, on reload without).

async function addStep(page: Page, kind: "send" | "wait", fill: (form: ReturnType<Page["getByTestId"]>) => Promise<void>) {
  const before = await page.getByTestId("edit-step").count();
  const panel = page.getByTestId(`add-${kind}`);
  await panel.locator("summary").click();
  await fill(panel);
  await panel.getByRole("button", { name: "Adicionar" }).click();
  // The saved version is on the page (a toast from the previous save could still be showing).
  await expect(page.getByTestId("edit-step")).toHaveCount(before + 1);
}

/** With JavaScript the timeline refreshes itself while the enrollment runs; without it the person reloads. */
async function untilTimelineShows(page: Page, javaScriptEnabled: boolean, text: string, timeout = 30_000) {
  if (javaScriptEnabled) {
    await expect(page.getByTestId("timeline")).toContainText(text, { timeout });
    return;
  }
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("timeline")).toContainText(text, { timeout: 500 });
  }).toPass({ timeout, intervals: [500, 1000] });
}

test("build a two-step cadence on the Sandbox, enroll a contact and watch its timeline", async ({ page, javaScriptEnabled }) => {
  test.setTimeout(90_000);
  await signUp(page, { name: "Caio Cadência", email: newEmail("cadences"), orgName: `Loja ${Date.now()}` });

  await page.goto("/settings/channels");
  await page.getByRole("button", { name: "Criar Sandbox" }).click();
  await expect(page.getByTestId("connection-row").filter({ hasText: "Sandbox" })).toBeVisible();

  await page.goto("/contacts/new");
  await page.getByLabel("Nome").fill("Bruna Teixeira");
  await page.getByLabel("Telefone").fill(`11 9${String(Date.now()).slice(-8)}`);
  await page.getByRole("button", { name: "Criar contato" }).click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);

  await page.goto("/cadences");
  await page.getByLabel("Nome da cadência").fill("Boas-vindas");
  await page.getByRole("button", { name: "Criar cadência" }).click();
  await expect(page).toHaveURL(/\/cadences\/[0-9a-f-]{36}\/edit$/);

  await addStep(page, "send", async (form) => {
    await form.getByLabel("Canal").selectOption({ label: "Sandbox" });
    await form.getByLabel("Mensagem").fill("Oi {{first_name}}, que bom te ver por aqui!");
  });
  await addStep(page, "wait", async (form) => {
    await form.getByLabel("Quanto").fill("10");
    await form.getByLabel("Unidade").selectOption("seconds");
  });
  await addStep(page, "send", async (form) => {
    await form.getByLabel("Canal").selectOption({ label: "Sandbox" });
    await form.getByLabel("Mensagem").fill("Ficou alguma dúvida, {{first_name}}?");
  });
  const steps = page.getByTestId("edit-step");
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toContainText("Oi {{first_name}}, que bom te ver por aqui!");
  await expect(steps.nth(1)).toContainText("Esperar 10 s");

  await page.getByRole("link", { name: "Voltar à cadência" }).click();
  await page.getByRole("button", { name: "Ativar" }).click();
  await expect(page.getByTestId("toast")).toContainText("Cadência ativada.");
  await expect(page.getByTestId("cadence-status")).toHaveText("Ativa");

  await page.getByLabel("Buscar contato por nome ou telefone").fill("Bruna");
  await page.getByRole("button", { name: "Buscar", exact: true }).click();
  const match = page.getByTestId("enroll-match").filter({ hasText: "Bruna Teixeira" });
  await match.getByRole("button", { name: "Inscrever" }).click();
  await expect(page).toHaveURL(/\/enrollments\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("toast")).toContainText("Contato inscrito.");
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("Inscrito manualmente");

  // The worker runs step 1 and the wait at once; step 3 waits its 10 seconds, then the cadence completes.
  await untilTimelineShows(page, javaScriptEnabled, "Passo 1 feito (Enviar mensagem)");
  await untilTimelineShows(page, javaScriptEnabled, "Passo 2 feito (Esperar)");
  await expect(timeline).toContainText("Passo 3 agendado (Enviar mensagem)");
  await untilTimelineShows(page, javaScriptEnabled, "Concluiu a cadência");
  await expect(timeline).toContainText("Passo 3 feito (Enviar mensagem)");
  await expect(page.getByTestId("enrollment-status")).toHaveText("Concluída");

  // The messages went out on the Sandbox conversation, rendered for the contact.
  await page.getByRole("link", { name: "Ver conversa" }).first().click();
  await expect(page.getByTestId("message").filter({ hasText: "Oi Bruna, que bom te ver por aqui!" })).toBeVisible();
  await expect(page.getByTestId("message").filter({ hasText: "Ficou alguma dúvida, Bruna?" })).toBeVisible();

  // The cadence page counts it.
  await page.goBack();
  await page.getByRole("link", { name: "Boas-vindas" }).click();
  await expect(page.getByTestId("enrollment-counts")).toContainText("Concluídas (1)");
  await expect(page.getByTestId("step-stats").first()).toContainText("1 feitos");
});

test.describe("on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the cadence list, editor, detail, timeline and a contact's cadences fit the screen", async ({ page }) => {
    await signUp(page, { name: "Rui Celular", email: newEmail("cadences-phone"), orgName: `Loja Celular ${Date.now()}` });
    await page.goto("/settings/channels");
    await page.getByRole("button", { name: "Criar Sandbox" }).click();
    await expect(page.getByTestId("connection-row").filter({ hasText: "Sandbox" })).toBeVisible();
    await page.goto("/contacts/new");
    await page.getByLabel("Nome").fill("Helena Cavalcanti de Albuquerque");
    await page.getByLabel("Telefone").fill(`11 9${String(Date.now()).slice(-8)}`);
    await page.getByRole("button", { name: "Criar contato" }).click();
    await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
    const contactUrl = page.url();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

    await page.goto("/cadences");
    await page.getByLabel("Nome da cadência").fill("Reativação de clientes inativos há mais de noventa dias");
    await page.getByRole("button", { name: "Criar cadência" }).click();
    await addStep(page, "send", async (form) => {
      await form.getByLabel("Canal").selectOption({ label: "Sandbox" });
      await form.getByLabel("Mensagem").fill("Oi {{first_name|cliente}}! Sentimos sua falta: https://exemplo.com.br/ofertas/especiais/reativacao-2026?utm_source=cadencia");
    });
    await addStep(page, "wait", async (form) => {
      await form.getByLabel("Esperar", { exact: true }).selectOption("business_hours");
    });
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.getByRole("link", { name: "Voltar à cadência" }).click();
    await page.getByRole("button", { name: "Ativar" }).click();
    await expect(page.getByTestId("cadence-status")).toHaveText("Ativa");
    await page.getByLabel("Buscar contato por nome ou telefone").fill("Helena");
    await page.getByRole("button", { name: "Buscar", exact: true }).click();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId("enroll-match").getByRole("button", { name: "Inscrever" }).click();
    await expect(page.getByTestId("timeline")).toContainText("Inscrito manualmente");
    expect(await overflow()).toBeLessThanOrEqual(0);

    await page.goto("/cadences");
    await expect(page.getByTestId("cadence-row")).toHaveCount(1);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.goto(`${contactUrl}/cadences`);
    await expect(page.getByTestId("contact-enrollment")).toHaveCount(1);
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
