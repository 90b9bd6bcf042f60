import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BOOT_ID, renderDocument, type BootData } from './ssr.js'
import { makeArrival, T0 } from './test-factories.js'

const template = readFileSync(new URL('../index.html', import.meta.url), 'utf8')

const boot = (over: Partial<BootData> = {}): BootData => ({
  code: 'XY-0421',
  stop: { code: 'XY-0421', name: '石坝村', nameEn: 'Shiba Village', status: 'ok' },
  routes: [{ id: 'XY-R09', name: '叙永—江门 赶场车', nameEn: 'Xuyong–Jiangmen Market Bus', kind: 'market' }],
  arrivals: [makeArrival({ status: 'on_the_way', vehicleId: 'XY-V012', stopsAway: 3, etaTs: T0 + 9 * 60_000 })],
  ts: T0,
  ...over,
})

function bootOf(doc: string): unknown {
  const m = new RegExp(`<script id="${BOOT_ID}" type="application/json">(.*?)</script>`, 's').exec(doc)
  return m ? JSON.parse(m[1] as string) : null
}

describe('the page as the server sends it', () => {
  it('paints the stop, its routes and the next departures in words, in Chinese by default', () => {
    const doc = renderDocument(template, boot(), 'zh', T0)
    expect(doc).toContain('<html lang="zh-CN"')
    expect(doc).toContain('<title>石坝村 XY-0421 · 下一班车</title>')
    expect(doc).toContain('<h1>石坝村</h1>')
    expect(doc).toContain('正在路上，还有 3 站')
    expect(doc).toContain('<b>9 分钟</b>')
    expect(doc).toContain('叙永—江门 赶场车')
    expect(doc).toContain('href="#t/XY-R01-0800_20261130"')
    expect(bootOf(doc)).toEqual({ boot: boot(), lang: 'zh' })
  })

  it('paints English when asked', () => {
    const doc = renderDocument(template, boot(), 'en', T0)
    expect(doc).toContain('<html lang="en"')
    expect(doc).toContain('<h1>Shiba Village</h1>')
    expect(doc).toContain('On the way, 3 stops away')
    expect(doc).toContain('Report this sign')
  })

  it('escapes names in the markup and keeps the JSON from closing its script element', () => {
    const evil = '</script><script>alert(1)</script>'
    const doc = renderDocument(
      template,
      boot({ stop: { code: 'XY-0421', name: evil, nameEn: '', status: 'ok' } }),
      'zh',
      T0,
    )
    expect(doc).not.toContain('<script>alert(1)')
    expect(doc).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect((bootOf(doc) as { boot: BootData }).boot.stop?.name).toBe(evil)
  })

  it('says clearly when no sign has the code, with a box to type it', () => {
    const doc = renderDocument(template, boot({ code: 'XY-9999', stop: null, routes: [], arrivals: [] }), 'zh', T0)
    expect(doc).toContain('没有找到站牌 XY-9999')
    expect(doc).toContain('站牌编号印在站牌上')
    expect(doc).toMatch(/<form class="goto" action="\/s\/" method="get"/)
  })

  it('says when no bus comes in the next hours, and when the sign was retired', () => {
    expect(renderDocument(template, boot({ arrivals: [] }), 'en', T0)).toContain('No bus in the next few hours')
    expect(
      renderDocument(
        template,
        boot({ stop: { code: 'XY-0421', name: '石坝村', nameEn: '', status: 'removed' } }),
        'zh',
        T0,
      ),
    ).toContain('这个站牌已撤销')
  })
})
