import type { OutboundMedia, TemplateMessage } from "../types";

// The JSON bodies of POST /{phone-number-id}/messages, exactly as the Cloud API documents them.

const envelope = (to: string) => ({ messaging_product: "whatsapp", recipient_type: "individual", to }) as const;

export function textPayload(to: string, text: string) {
  return { ...envelope(to), type: "text", text: { preview_url: /https?:\/\/\S/.test(text), body: text } };
}

/** `media` is either an uploaded media id or a link Meta can fetch. Audio and stickers take no caption. */
export function mediaPayload(to: string, media: OutboundMedia, source: { id: string } | { link: string }) {
  const object: Record<string, string> = { ...source };
  if (media.caption && media.kind !== "audio" && media.kind !== "sticker") object.caption = media.caption;
  if (media.kind === "document" && media.filename) object.filename = media.filename;
  return { ...envelope(to), type: media.kind, [media.kind]: object };
}

export function templatePayload(to: string, template: TemplateMessage) {
  const components: Array<Record<string, unknown>> = [];
  if (template.headerParameters?.length) {
    components.push({
      type: "header",
      parameters: template.headerParameters.map((parameter) =>
        parameter.type === "text" ? { type: "text", text: parameter.text } : { type: parameter.type, [parameter.type]: { link: parameter.url } },
      ),
    });
  }
  if (template.bodyParameters.length) {
    components.push({ type: "body", parameters: template.bodyParameters.map((text) => ({ type: "text", text })) });
  }
  return {
    ...envelope(to),
    type: "template",
    template: { name: template.name, language: { code: template.language }, ...(components.length ? { components } : {}) },
  };
}
