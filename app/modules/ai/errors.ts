/** The organization's monthly AI budget is spent: AI features pause until `resumesAt`. */
export class AiBudgetExceededError extends Error {
  readonly code = "ai_budget_exceeded";
  constructor(
    public readonly spentMicros: number,
    public readonly budgetMicros: number,
    public readonly resumesAt: Date,
  ) {
    super(
      `Monthly AI budget reached (US$ ${(spentMicros / 1e6).toFixed(2)} of US$ ${(budgetMicros / 1e6).toFixed(2)}); ` +
        `AI is paused until ${resumesAt.toISOString().slice(0, 10)} or until the budget is raised.`,
    );
    this.name = "AiBudgetExceededError";
  }
}

export type AiUnavailableReason = "offline" | "rate_limited" | "provider_error" | "unreachable" | "bad_response" | "auth";

/** The provider could not answer (after the SDK's retries), or no provider is configured. */
export class AiUnavailableError extends Error {
  readonly code = "ai_unavailable";
  constructor(
    public readonly reason: AiUnavailableReason,
    message: string,
    public readonly status?: number,
  ) {
    super(message);
    this.name = "AiUnavailableError";
  }
}
