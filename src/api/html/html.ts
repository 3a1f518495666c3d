/**
 * Server-rendered HTML without a template engine: a tagged template that
 * escapes every interpolated value unless it is already `SafeHtml`. Pages
 * (the status page, drill reports) build their markup with it, so a region
 * name or an operator's comment can never inject markup.
 */

/** Markup that is already escaped (made by `html` or `raw`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Interpolate: SafeHtml as is, arrays joined, null/undefined/false as nothing, everything else escaped. */
function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<td>${name}</td>\`` → SafeHtml with `name` escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Trust a string as markup (only for constants and our own rendered fragments). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
