/** Reads back a QR code SVG (as the qrcode package draws it) by rasterising it and decoding with jsQR. */
import jsQR from 'jsqr'

export function decodeQrSvg(svg: string, scale = 8): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1])
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1]
  if (!size || !d) return null
  const dark = new Uint8Array(size * size)
  let x = 0
  let y = 0
  for (const [, cmd, a, b] of d.matchAll(/([MmHhVv])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    const n1 = Number(a)
    const n2 = Number(b ?? 0)
    if (cmd === 'M') [x, y] = [n1, n2]
    else if (cmd === 'm') [x, y] = [x + n1, y + n2]
    else if (cmd === 'h') {
      for (let i = 0; i < n1; i++) dark[Math.floor(y) * size + x + i] = 1
      x += n1
    }
  }
  const px = size * scale
  const rgba = new Uint8ClampedArray(px * px * 4)
  for (let py = 0; py < px; py++) {
    for (let pxx = 0; pxx < px; pxx++) {
      const v = dark[Math.floor(py / scale) * size + Math.floor(pxx / scale)] ? 0 : 255
      const o = (py * px + pxx) * 4
      rgba[o] = rgba[o + 1] = rgba[o + 2] = v
      rgba[o + 3] = 255
    }
  }
  return jsQR(rgba, px, px)?.data ?? null
}
