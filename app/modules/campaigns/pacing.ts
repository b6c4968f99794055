import type { ChannelKind } from "../channels/types";
import type { CampaignPacing } from "./campaign-types";

// Shared by server and browser: pacing defaults and limits per channel kind (what the builder offers).

export type RateLimits = { style: "rate"; default: number; max: number };
export type DelayLimits = { style: "delay"; minDelay: number; maxDelay: number; maxDelayLimit: number; dailyCap: number; maxDailyCap: number };

export const PACING_LIMITS: Record<ChannelKind, RateLimits | DelayLimits> = {
  // Meta: messages per second per number, default 20, at most 80 (the Cloud API's throughput tier).
  whatsapp_cloud: { style: "rate", default: 20, max: 80 },
  // Twilio: a long code sends about one SMS per second.
  twilio_sms: { style: "rate", default: 1, max: 100 },
  sandbox: { style: "rate", default: 20, max: 80 },
  // QR-paired numbers are banned for bursts: a random 8–20 s gap and a daily cap.
  whatsapp_baileys: { style: "delay", minDelay: 8, maxDelay: 20, maxDelayLimit: 600, dailyCap: 200, maxDailyCap: 5000 },
};

export function defaultPacing(kind: ChannelKind): CampaignPacing {
  const limits = PACING_LIMITS[kind];
  return limits.style === "rate"
    ? { ratePerSecond: limits.default }
    : { minDelaySeconds: limits.minDelay, maxDelaySeconds: limits.maxDelay, dailyCap: limits.dailyCap };
}
