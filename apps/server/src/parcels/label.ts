/**
 * The printable parcel label (100 × 150 mm, a thermal label printer's size or cut from A4): the
 * unified number large, from and to post points, the trip it rides, size, weight and fee, and the
 * QR code of its tracking address — scanned by the driver's and the keeper's phones at each
 * hand-over, and by anyone who wants to know where it is. Made with the sign sheets' machinery.
 */
import { yuan, type Parcel } from '@rb/domain'
import type { StoredPostPoint } from '@rb/db'
import { esc, printDocument, stopQrSvg } from '../network/sign-sheet.js'
import { localTime } from '../booking/messages.js'
import { maskName } from './views.js'

export interface LabelEntry {
  parcel: Parcel
  from: StoredPostPoint | undefined
  to: StoredPostPoint | undefined
  url: string
  routeName: (id: string) => string
}

const KIND = { village: '村邮站', station: '综合运输服务站' } as const

export async function renderLabels(entries: readonly LabelEntry[]): Promise<string> {
  const pages = await Promise.all(
    entries.map(async (e) => {
      const p = e.parcel
      const qr = await stopQrSvg(e.url)
      const point = (x: StoredPostPoint | undefined, code: string): string =>
        `<b>${esc(x?.name ?? code)}</b><small>${esc(code)}${x ? ` · ${KIND[x.kind]} · ${esc(x.hours)}` : ''}</small>`
      const legs = p.legs
        .map(
          (l) =>
            `<li>${esc(localTime(l.departureTs))} ${esc(e.routeName(l.routeId))} · ${esc(l.fromStop)} → ${esc(l.toStop)}</li>`,
        )
        .join('')
      return `<section class="sheet label" data-number="${esc(p.number)}">
  <div class="brand">乡村客运 · 邮件快件 <small>交邮融合</small></div>
  <div class="number">${esc(p.number)}</div>
  <div class="ends"><div class="from"><i>寄</i>${point(e.from, p.fromPoint)}</div><div class="to"><i>收</i>${point(e.to, p.toPoint)}<span class="who">收件人 ${esc(maskName(p.recipient.name))}</span></div></div>
  <div class="mid"><div class="qr">${qr}</div><ul class="facts"><li>规格 <b>${p.sizeClass}</b> · ${p.weightKg} kg</li><li>运费 <b>¥${yuan(p.feeFen)}</b></li><li>收寄 ${esc(localTime(p.acceptedTs))}</li>${legs}</ul></div>
  <div class="hint">扫码查件 · 交接扫码 Scan: track · hand over</div>
  <div class="url">${esc(e.url)}</div>
</section>`
    }),
  )
  return printDocument({
    title: `包裹 ${entries
      .map((e) => e.parcel.number)
      .join(', ')
      .slice(0, 80)}`,
    page: '100mm 150mm',
    margin: '0',
    css: LABEL_CSS,
    pages,
  })
}

const LABEL_CSS = `
  .sheet { width: 100mm; height: 150mm; box-sizing: border-box; padding: 4mm; border: 0.6mm solid #000; display: flex; flex-direction: column; overflow: hidden; page-break-after: always; }
  .brand { font-size: 3.6mm; border-bottom: 0.4mm solid #000; padding-bottom: 1.5mm; }
  .brand small { float: right; }
  .number { font-family: "DejaVu Sans Mono", monospace; font-size: 7.4mm; font-weight: 800; letter-spacing: 0.2mm; margin: 2.5mm 0; white-space: nowrap; }
  .ends > div { border: 0.4mm solid #000; padding: 1.5mm 2mm 1.5mm 9mm; position: relative; margin-bottom: 1.5mm; }
  .ends i { position: absolute; left: 1.5mm; top: 1.5mm; font-style: normal; font-weight: 800; font-size: 5mm; }
  .ends b { display: block; font-size: 5.2mm; }
  .ends .to b { font-size: 6.5mm; }
  .ends small, .ends .who { display: block; font-size: 3.2mm; }
  .mid { display: flex; gap: 2mm; margin-top: 1mm; }
  .qr { width: 42mm; height: 42mm; flex: none; }
  .qr svg { width: 100%; height: 100%; }
  .facts { list-style: none; margin: 0; padding: 0; font-size: 3.3mm; line-height: 1.45; }
  .hint { font-size: 3.4mm; margin-top: auto; }
  .url { font-size: 2.8mm; word-break: break-all; }`
