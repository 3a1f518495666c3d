/**
 * Just enough XML for the fakes to read what the SDK sends (fast-xml-parser
 * is not installed, and nothing outside src/adapters/aws may import the
 * SDK's own parser): elements, attributes, text, CDATA, comments, the XML
 * declaration and the five predefined plus numeric character references.
 * No DTDs, no namespaces beyond keeping the `xmlns` attribute.
 */

/** One element: its name, attributes, child elements and its own text (concatenated, unescaped). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new Error(`XML: unknown entity ${whole}`);
    return value;
  });
}

/** Escape text for an XML element or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Parse a document and return its root element; throws on malformed input. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${at}`);
  };
  while (at < source.length) {
    const lt = source.indexOf('<', at);
    const text = source.slice(at, lt < 0 ? source.length : lt);
    const top = stack[stack.length - 1];
    if (top) top.text += unescape(text);
    else if (text.trim() !== '') fail('text outside the root element');
    if (lt < 0) break;
    at = lt;
    if (source.startsWith('<?', at)) {
      at = source.indexOf('?>', at) + 2;
      if (at < 2) fail('unterminated declaration');
    } else if (source.startsWith('<!--', at)) {
      at = source.indexOf('-->', at) + 3;
      if (at < 3) fail('unterminated comment');
    } else if (source.startsWith('<![CDATA[', at)) {
      const end = source.indexOf(']]>', at);
      if (end < 0 || !top) fail('bad CDATA');
      top!.text += source.slice(at + 9, end);
      at = end + 3;
    } else if (source.startsWith('</', at)) {
      const end = source.indexOf('>', at);
      const name = source.slice(at + 2, end).trim();
      const open = stack.pop();
      if (end < 0 || !open || open.name !== name) fail(`unexpected </${name}>`);
      at = end + 1;
    } else {
      const tag = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(source.slice(at));
      if (!tag) fail('malformed start tag');
      const [whole, name, attrs, selfClosing] = tag!;
      const element: XmlElement = { name: name!, attributes: {}, children: [], text: '' };
      for (const m of attrs!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) element.attributes[m[1]!] = unescape(m[2] ?? m[3] ?? '');
      if (top) top.children.push(element);
      else if (root) fail('second root element');
      else root = element;
      if (!selfClosing) stack.push(element);
      at += whole!.length;
    }
  }
  if (stack.length > 0 || !root) fail('unterminated document');
  return root!;
}

/** The first child element with this name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** All child elements with this name. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** The text of the first child with this name, or undefined when there is none. */
export function textOf(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}
