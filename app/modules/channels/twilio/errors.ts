import type { SendError } from "../types";

type Rule = Pick<SendError, "retryable" | "consequence">;

/** Twilio's REST error codes and what they mean for our send loop. */
const RULES: Record<number, Rule> = {
  20429: { retryable: true, consequence: "rate_limited" }, // too many concurrent requests
  30001: { retryable: true, consequence: "rate_limited" }, // queue overflow
  21611: { retryable: true, consequence: "rate_limited" }, // sender's queue holds over 10 h of messages
  21610: { retryable: false, consequence: "opted_out" }, // recipient replied STOP
  21211: { retryable: false }, // invalid To number
  21614: { retryable: false }, // To is not a mobile number
  21408: { retryable: false }, // no permission to send to that region
  20003: { retryable: false, consequence: "connection_broken" }, // authentication failed
  20404: { retryable: false, consequence: "connection_broken" }, // account or resource not found
  21606: { retryable: false, consequence: "connection_broken" }, // From is not an SMS-capable number of this account
  21212: { retryable: false, consequence: "connection_broken" }, // invalid From number
};

export function mapTwilioError(httpStatus: number, code: number | undefined, message: string | undefined): SendError {
  const text = message || `HTTP ${httpStatus}`;
  if (code === undefined) return { code: `http_${httpStatus}`, message: text, retryable: httpStatus >= 500 || httpStatus === 429 };
  const rule = RULES[code] ?? { retryable: httpStatus >= 500 || httpStatus === 429 };
  return { code: String(code), message: text, ...rule };
}
