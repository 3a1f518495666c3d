/**
 * Route 53 returns every character of a name other than a-z, 0-9, `-` and
 * `_` as a `\NNN` octal escape (`*.example.com.` comes back as
 * `\052.example.com.`), whatever form it was created with. These are the
 * characters that may be decoded back to themselves without changing what
 * the name means: printable ASCII except the space, `.` (a dot inside a label
 * must stay escaped or it would become a label separator) and `\` (it would
 * start a new escape). Everything else stays escaped, which is also the form
 * Route 53 requires on input for those characters.
 */
function decodable(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x2e && code !== 0x5c;
}

/**
 * The canonical form of a record name, as the DnsProvider port speaks it:
 * lower case (Route 53 stores names in lower case, escaped letters included),
 * with the trailing dot (Route 53 treats `a.example.com` and `a.example.com.`
 * as the same name), and with Route 53's octal escapes decoded where that is
 * unambiguous (`\052` → `*`). Used both on names Route 53 returns and on
 * names callers pass in, so the two compare equal.
 */
export function normaliseRecordName(name: string): string {
  const decoded = name.replace(/\\([0-7]{3})/g, (escape, octal: string) => {
    const code = parseInt(octal, 8);
    return decodable(code) ? String.fromCharCode(code) : escape;
  });
  const lower = decoded.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return lower.endsWith('.') ? lower : `${lower}.`;
}
