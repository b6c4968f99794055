import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";

export const PASSWORD = "senha-forte-123";

export function newEmail(label: string) {
  return `${label}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function signUp(page: Page, input: { name: string; email: string; orgName: string }) {
  await page.goto("/signup");
  await page.getByLabel("Seu nome").fill(input.name);
  await page.getByLabel("E-mail").fill(input.email);
  await page.getByLabel("Senha").fill(PASSWORD);
  await page.getByLabel("Nome da empresa").fill(input.orgName);
  await page.getByRole("button", { name: "Criar conta" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Senha").fill(password);
  await page.getByRole("button", { name: "Entrar" }).click();
}

export async function signOut(page: Page) {
  await page.goto("/settings/profile");
  await page.getByRole("button", { name: "Sair", exact: true }).first().click();
  await expect(page).toHaveURL(/\/login$/);
}

/**
 * Waits until `check` passes. With JavaScript the page updates itself (live events); without it the
 * person reloads, so the check is retried after each reload.
 */
export async function eventually(page: Page, javaScriptEnabled: boolean, check: () => Promise<void>, timeout = 30_000) {
  if (javaScriptEnabled) {
    await expect(check).toPass({ timeout });
    return;
  }
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout, intervals: [500, 1000, 2000] });
}
