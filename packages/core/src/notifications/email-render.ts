/**
 * An email as a few blocks, written once by its template and rendered twice: plain text and
 * HTML. Every string in a block is text, never markup: the HTML rendering escapes all of it,
 * so a product name or an address a customer typed cannot become a link or a script.
 */
export type EmailBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'table'; head: string[]; rows: string[][]; foot?: string[][] }
  | { kind: 'link'; text: string; href: string };

export interface EmailContent {
  subject: string;
  blocks: EmailBlock[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Header-safe: a subject line never carries a line break (no header injection). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

function tableText(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function blockText(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return block.text;
    case 'link':
      return `${block.text}:\n${block.href}`;
    case 'table':
      return tableText(block.head, [...block.rows, ...(block.foot ?? [])]);
  }
}

const cell = (tag: 'td' | 'th', text: string, i: number) =>
  `<${tag} style="padding:4px 8px;text-align:${i === 0 ? 'left' : 'right'}">${escapeHtml(text)}</${tag}>`;

function blockHtml(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(block.text).replace(/\n/g, '<br>')}</p>`;
    case 'link':
      return `<p><a href="${escapeHtml(block.href)}">${escapeHtml(block.text)}</a></p>`;
    case 'table': {
      const row = (cells: string[], tag: 'td' | 'th') => `<tr>${cells.map((c, i) => cell(tag, c, i)).join('')}</tr>`;
      return [
        '<table style="border-collapse:collapse">',
        `<thead>${row(block.head, 'th')}</thead>`,
        `<tbody>${block.rows.map((r) => row(r, 'td')).join('')}</tbody>`,
        block.foot?.length ? `<tfoot>${block.foot.map((r) => row(r, 'th')).join('')}</tfoot>` : '',
        '</table>',
      ].join('');
    }
  }
}

export function renderEmail(content: EmailContent): RenderedEmail {
  const subject = oneLine(content.subject);
  return {
    subject,
    text: `${content.blocks.map(blockText).join('\n\n')}\n`,
    html: [
      '<!doctype html><html><head><meta charset="utf-8">',
      `<title>${escapeHtml(subject)}</title></head>`,
      '<body style="font-family:sans-serif">',
      ...content.blocks.map(blockHtml),
      '</body></html>',
    ].join(''),
  };
}
