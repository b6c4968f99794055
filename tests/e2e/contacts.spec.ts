import { expect, test } from "@playwright/test";
import { newEmail, signUp } from "./utils";

// Runs twice (playwright.config.ts): with JavaScript, search-as-you-type and the live segment count;
// without it, the same flows through plain GET/POST forms.

test("create a contact, find it, tag it and build a segment around the tag", async ({ page, javaScriptEnabled }) => {
  await signUp(page, { name: "Rosa Lima", email: newEmail("contacts"), orgName: "Floricultura Rosa" });

  // A Brazilian number typed loosely is stored and shown normalized.
  await page.goto("/contacts");
  await expect(page.getByRole("heading", { name: "Contatos" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Importar CSV" })).toHaveAttribute("href", "/imports/new");
  await page.getByRole("link", { name: "Novo contato" }).click();
  await page.getByLabel("Nome").fill("Maria Flores");
  await page.getByLabel("Telefone").fill("11 98765 4321");
  await page.getByLabel("E-mail").fill("maria@flores.com.br");
  await page.getByRole("button", { name: "Criar contato" }).click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("toast")).toContainText("Contato criado.");
  await expect(page.getByTestId("contact-phone")).toHaveText("(11) 98765-4321");
  const contactUrl = page.url();

  // The same number again is refused beside the field, with a way to the existing contact.
  await page.goto("/contacts/new");
  await page.getByLabel("Telefone").fill("+55 (11) 98765-4321");
  await page.getByRole("button", { name: "Criar contato" }).click();
  await expect(page.getByText("Já existe um contato com este telefone.")).toBeVisible();
  await page.getByTestId("duplicate-link").click();
  await expect(page).toHaveURL(contactUrl);

  // In the list, and found by a fragment of the phone.
  await page.goto("/contacts");
  await expect(page.getByTestId("contact-row")).toHaveCount(1);
  const search = page.getByRole("searchbox", { name: "Buscar" });
  await search.fill("98765-43");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Filtrar" }).click();
  await expect(page).toHaveURL(/q=98765-43/);
  await expect(page.getByRole("link", { name: "Maria Flores" })).toBeVisible();
  await search.fill("ninguém");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Filtrar" }).click();
  await expect(page.getByText("Nenhum contato corresponde a este filtro.")).toBeVisible();

  // A tag, put on the contact.
  await page.goto("/contacts/tags");
  await page.getByLabel("Nome da tag").fill("Clientes VIP");
  await page.getByRole("button", { name: "Criar tag" }).click();
  await expect(page.getByTestId("tag-row")).toContainText("Clientes VIP");
  await page.goto(contactUrl);
  await page.getByLabel("Adicionar tag").selectOption({ label: "Clientes VIP" });
  await page.getByRole("button", { name: "Adicionar", exact: true }).click();
  await expect(page.getByTestId("toast")).toContainText("Tag adicionada.");
  await expect(page.getByTestId("tag-chip").filter({ hasText: "Clientes VIP" })).toBeVisible();

  // A segment of everyone with the tag: its count before saving, then its page.
  await page.goto("/contacts/segments/new");
  await page.getByLabel("Nome do segmento").fill("VIPs");
  await page.locator("summary", { hasText: "Tags" }).click();
  await page.getByRole("checkbox", { name: "Clientes VIP", exact: true }).check();
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Pré-visualizar" }).click();
  await expect(page.getByTestId("segment-count")).toHaveText("1 contato corresponde a este filtro.");
  await page.getByRole("button", { name: "Salvar segmento" }).click();
  await expect(page.getByTestId("toast")).toContainText("Segmento criado.");
  await expect(page.getByRole("heading", { name: "VIPs" })).toBeVisible();
  await expect(page.getByTestId("segment-total")).toHaveText("1 contato");
  await expect(page.getByRole("link", { name: "Maria Flores" })).toBeVisible();
  await page.goto("/contacts/segments");
  await expect(page.getByTestId("segment-row")).toContainText("VIPs");
  await expect(page.getByTestId("segment-row")).toContainText("1 contato");
});
