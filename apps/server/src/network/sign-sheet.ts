/**
 * QR codes and printable sheets: A4 sign sheets for numbered stop signs, and the print document
 * other printables (parcel labels) are made with — one page per sheet, the page size theirs.
 */
import QRCode from 'qrcode'
import type { Stop } from '@rb/domain'

export const villagerUrl = (publicUrl: string, code: string): string => `${publicUrl}/s/${code}`

/** SVG QR code; error correction M survives a weathered, partly dirty sign. */
export function stopQrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

export interface SheetEntry {
  stop: Stop
  townshipName: string
  routes: { id: string; name: string }[]
  url: string
}

/** One A4 page per sign: code in large type, stop name, routes, QR and what the QR does. */
export async function renderSignSheets(entries: SheetEntry[]): Promise<string> {
  const pages = await Promise.all(
    entries.map(async (e) => {
      const qr = await stopQrSvg(e.url)
      const routes =
        e.routes.length > 0 ? e.routes.map((r) => `<li><b>${esc(r.id)}</b> ${esc(r.name)}</li>`).join('') : '<li>—</li>'
      return `<section class="sheet">
  <div class="code">${esc(e.stop.code)}</div>
  <div class="name">${esc(e.stop.name)}</div>
  <div class="town">${esc(e.townshipName)} · ${esc(e.stop.nameEn)}</div>
  <div class="qr">${qr}</div>
  <div class="hint">扫码：查车在哪 · 看司机 · 一键约车 · 站牌报修<br><small>Scan: where is the bus · driver · book a seat · report this sign</small></div>
  <ul class="routes${e.routes.length <= 4 ? ' few' : ''}">${routes}</ul>
  <div class="url">${esc(e.url)}</div>
</section>`
    }),
  )
  return printDocument({
    title: `站牌 ${entries
      .map((e) => e.stop.code)
      .join(', ')
      .slice(0, 80)}`,
    page: 'A4',
    margin: '12mm',
    css: SIGN_CSS,
    pages,
  })
}

const SIGN_CSS = `
  .sheet { width: 186mm; height: 265mm; margin: 0 auto; box-sizing: border-box; padding: 8mm; border: 1.5mm solid #000; display: flex; flex-direction: column; align-items: center; overflow: hidden; page-break-after: always; }
  .code { font-size: 30mm; font-weight: 800; letter-spacing: 1mm; line-height: 1; white-space: nowrap; font-family: "DejaVu Sans Mono", monospace; }
  .name { font-size: 13mm; font-weight: 700; margin-top: 4mm; text-align: center; }
  .town { font-size: 6mm; margin-top: 2mm; }
  .qr { width: 80mm; height: 80mm; margin-top: 5mm; }
  .qr svg { width: 100%; height: 100%; }
  .hint { font-size: 6mm; text-align: center; margin-top: 3mm; }
  .routes { font-size: 4.2mm; margin-top: 4mm; padding: 0; list-style: none; columns: 2; column-gap: 8mm; }
  .routes.few { columns: 1; font-size: 6mm; text-align: center; }
  .url { margin-top: auto; font-size: 4mm; }`

/** A printable HTML document: one `<section class="sheet">` per page, page size and margin for the printer. */
export function printDocument(o: {
  title: string
  page: string
  margin: string
  css: string
  pages: readonly string[]
}): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(o.title)}</title>
<style>
  @page { size: ${o.page}; margin: ${o.margin}; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; margin: 0; color: #000; }${o.css}
</style></head>
<body>
${o.pages.join('\n')}
</body></html>`
}
