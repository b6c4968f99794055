import type { Locale } from "~/lib/i18n";
import type { ChannelKind, SendError } from "./types";

type Explanation = Record<Locale, string>;

/** What a provider's error code means for the person at the inbox, keyed `<kind>:<code>`. */
const BY_CODE: Record<string, Explanation> = {
  "whatsapp_cloud:131047": {
    "pt-BR": "Mais de 24 horas desde a última mensagem do cliente: use um modelo aprovado.",
    en: "More than 24 hours since the customer's last message: use a template.",
  },
  "whatsapp_cloud:130429": {
    "pt-BR": "Limite de envios por segundo do número atingido; tentaremos de novo.",
    en: "The number's messages-per-second limit was hit; we will try again.",
  },
  "whatsapp_cloud:131056": {
    "pt-BR": "Mensagens demais para este cliente em pouco tempo; tentaremos de novo.",
    en: "Too many messages to this customer in a short time; we will try again.",
  },
  "whatsapp_cloud:131026": {
    "pt-BR": "Não entregue: o número não usa WhatsApp, o app está desatualizado ou não aceitou os termos.",
    en: "Undeliverable: the number is not on WhatsApp, the app is outdated or the terms were not accepted.",
  },
  "whatsapp_cloud:131048": {
    "pt-BR": "Bloqueado por limite de spam: pause os envios em massa deste número.",
    en: "Blocked by the spam rate limit: pause bulk sending from this number.",
  },
  "whatsapp_cloud:131049": {
    "pt-BR": "A Meta decidiu não entregar esta mensagem de marketing para manter a experiência do cliente.",
    en: "Meta chose not to deliver this marketing message to protect the customer's experience.",
  },
  "whatsapp_cloud:80007": { "pt-BR": "Limite de chamadas da conta do WhatsApp Business atingido; tentaremos de novo.", en: "The WhatsApp Business account's rate limit was hit; we will try again." },
  "whatsapp_cloud:4": { "pt-BR": "Limite de chamadas do app na Meta atingido; tentaremos de novo.", en: "The Meta app's call limit was hit; we will try again." },
  "whatsapp_cloud:190": {
    "pt-BR": "O token de acesso expirou ou foi revogado: atualize-o em Configurações → Canais.",
    en: "The access token expired or was revoked: update it in Settings → Channels.",
  },
  "whatsapp_cloud:368": {
    "pt-BR": "A Meta bloqueou temporariamente este número por violação de política.",
    en: "Meta temporarily blocked this number for a policy violation.",
  },
  "twilio_sms:21610": {
    "pt-BR": "O destinatário respondeu STOP (descadastrou-se); ele só volta a receber se enviar START.",
    en: "The recipient replied STOP (unsubscribed); they receive messages again only after sending START.",
  },
  "twilio_sms:21211": { "pt-BR": "Número de destino inválido.", en: "Invalid destination number." },
  "twilio_sms:21611": {
    "pt-BR": "A fila do número remetente tem mais de 10 horas de mensagens; tentaremos mais tarde.",
    en: "The sender's queue holds over 10 hours of messages; we will try later.",
  },
  "twilio_sms:20429": { "pt-BR": "Requisições demais ao mesmo tempo na Twilio; tentaremos de novo.", en: "Too many concurrent requests to Twilio; we will try again." },
  "twilio_sms:30001": { "pt-BR": "Fila de envio cheia; tentaremos de novo mais devagar.", en: "The sending queue overflowed; we will try again, slower." },
  "twilio_sms:30003": { "pt-BR": "O telefone do destinatário está desligado ou fora de área.", en: "The recipient's phone is switched off or unreachable." },
  "twilio_sms:30004": { "pt-BR": "O destinatário bloqueou mensagens deste remetente.", en: "The recipient blocked messages from this sender." },
  "twilio_sms:30005": { "pt-BR": "Número desconhecido ou inexistente.", en: "Unknown or nonexistent number." },
  "twilio_sms:30006": { "pt-BR": "O número é um telefone fixo ou não recebe SMS.", en: "The number is a landline or cannot receive SMS." },
  "twilio_sms:30007": { "pt-BR": "A operadora filtrou a mensagem como spam.", en: "The carrier filtered the message as spam." },
  "twilio_sms:30008": { "pt-BR": "Erro desconhecido na operadora.", en: "Unknown carrier error." },
};

const BY_CONSEQUENCE: Record<NonNullable<SendError["consequence"]>, Explanation> = {
  opted_out: { "pt-BR": "O contato pediu para não receber mensagens (descadastro).", en: "The contact asked not to receive messages (opted out)." },
  window_closed: {
    "pt-BR": "A janela de 24 horas está fechada: use um modelo aprovado.",
    en: "The 24-hour window is closed: use an approved template.",
  },
  connection_broken: {
    "pt-BR": "A conexão do canal está com problema: verifique-a em Configurações → Canais.",
    en: "The channel connection is broken: check it in Settings → Channels.",
  },
  pause_sending: { "pt-BR": "O provedor pediu para pausar os envios deste número.", en: "The provider asked to pause sending from this number." },
  rate_limited: { "pt-BR": "Limite de envio atingido; tentaremos de novo.", en: "Sending limit reached; we will try again." },
};

const GENERIC: Record<string, Explanation> = {
  timeout: { "pt-BR": "O provedor não respondeu a tempo.", en: "The provider did not answer in time." },
  exception: { "pt-BR": "Não foi possível falar com o provedor.", en: "Could not reach the provider." },
  gave_up: { "pt-BR": "Não foi possível enviar depois de várias tentativas.", en: "Could not send after several attempts." },
};

/** A sentence for the person at the inbox; falls back to the provider's own message. */
export function explainSendError(
  locale: Locale,
  error: { kind: ChannelKind | string; code: string | null; consequence?: string | null; message?: string | null },
): string {
  const explanation =
    (error.code ? (BY_CODE[`${error.kind}:${error.code}`] ?? GENERIC[error.code]) : undefined) ??
    (error.consequence && error.consequence in BY_CONSEQUENCE ? BY_CONSEQUENCE[error.consequence as keyof typeof BY_CONSEQUENCE] : undefined);
  if (explanation) return explanation[locale];
  return error.message?.trim() || GENERIC.exception![locale];
}
