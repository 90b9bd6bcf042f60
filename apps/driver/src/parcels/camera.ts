/**
 * Scanning a label's QR with the phone's camera, where the browser can (the Barcode Detection
 * API: Chrome on Android, the WeChat browser on recent phones). Elsewhere the number is typed.
 */
interface DetectedBarcode {
  rawValue: string
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>
}
type DetectorClass = new (o: { formats: string[] }) => BarcodeDetectorLike

export const cameraScanAvailable = (): boolean =>
  'BarcodeDetector' in globalThis && !!navigator.mediaDevices?.getUserMedia

/** Reads QR codes from the rear camera into `video` until one is found or `signal` aborts. */
export async function scanQr(video: HTMLVideoElement, signal: AbortSignal): Promise<string | null> {
  const Detector = (globalThis as unknown as { BarcodeDetector: DetectorClass }).BarcodeDetector
  const detector = new Detector({ formats: ['qr_code'] })
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
  try {
    video.srcObject = stream
    await video.play()
    while (!signal.aborted) {
      const found = await detector.detect(video).catch(() => [])
      if (found[0]?.rawValue) return found[0].rawValue
      await new Promise((r) => setTimeout(r, 250))
    }
    return null
  } finally {
    for (const track of stream.getTracks()) track.stop()
    video.srcObject = null
  }
}
