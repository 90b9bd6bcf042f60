/**
 * Parcels on the driver's page and the keeper's phone page: loads a trip's parcels (under its
 * manifest) or a keeper's post point lists, takes scans (camera or typed) and consignments, and
 * says why a scan was refused. Lists refresh every little while the screen is on; after every
 * scan at once.
 */
import './parcels.css'
import { ApiError, request } from '../api.js'
import type { Lang } from '../model.js'
import { cameraScanAvailable, scanQr } from './camera.js'
import type { Consigned, KeeperView, PostPointItem, ScanAction, TripParcels } from './model.js'
import { keeperPage, statusWord, tripParcelsSection, type ConsignState, type ScanBoxState } from './views.js'
import { pw } from './words.js'

const REFRESH_MS = 20_000

/** Why a scan was refused, in the keeper's and driver's words (the server's message follows in English). */
const REFUSED_ZH: Record<string, string> = {
  PARCEL_SCANNED_TWICE: '这件已经扫过了',
  PARCEL_OUT_OF_ORDER: '交接顺序不对',
  PARCEL_WRONG_PLACE: '这件不在本站交接',
  FORBIDDEN: '无权交接这一件',
  TRIP_CANCELLED: '班次已停开，等待改派',
  PICKUP_CODE_WRONG: '取件码或手机尾号不对',
  PARCEL_NOT_OVERDUE: '还没到退回时间',
  PARCEL_NOT_FOUND: '查无此件',
  VALIDATION_FAILED: '填写有误',
  POST_POINT_NOT_FOUND: '没有这个邮政点',
  NO_TRIP_FOR_PARCEL: '三天内没有班车能送达',
  PARCEL_OVER_CAPACITY: '班车包裹位已满',
}

/** A form being filled in (a consignment, a pickup code): no redraw under the keeper's fingers. */
const editing = (): boolean =>
  [...document.querySelectorAll<HTMLInputElement>('.consign-form input, .collect-form input')].some(
    (i) => i.value !== '' || i === document.activeElement,
  )

export class ParcelsScreen {
  trip: TripParcels | null = null
  tripId: string | null = null
  keeper: KeeperView | null = null
  keeperError: string | null = null
  box: ScanBoxState = { code: '', message: null, error: null, busy: false, camera: false }
  consign: ConsignState = { points: [], result: null, error: null, busy: false }
  /** Scans the server took (the end-to-end test reads it). */
  scans = 0
  #camera: AbortController | null = null
  #mode: 'trip' | 'keeper' | null = null

  constructor(private readonly o: { render(): void; lang(): Lang }) {
    // What is typed survives the re-renders (the page redraws from its state).
    document.addEventListener('input', (ev) => {
      const el = ev.target as HTMLInputElement
      if (el.name === 'code' && el.closest('.parcel-scan-form')) this.box.code = el.value
    })
    setInterval(() => {
      if (document.visibilityState !== 'visible' || this.box.busy || this.#camera || editing()) return
      if (this.#mode === 'keeper') void this.loadKeeper()
      else if (this.#mode === 'trip' && this.tripId) void this.loadTrip(this.tripId)
    }, REFRESH_MS)
  }

  #refused(err: unknown): string {
    if (!(err instanceof ApiError)) return this.o.lang() === 'zh' ? '网络不通，请稍后再试' : 'No connection; try again'
    const zh = this.o.lang() === 'zh' ? REFUSED_ZH[err.code] : undefined
    return zh ? `${zh}（${err.message}）` : err.message
  }

  /** A trip's parcels, under its manifest. */
  async loadTrip(id: string): Promise<void> {
    this.#mode = 'trip'
    if (this.tripId !== id)
      Object.assign(this, { trip: null, box: { code: '', message: null, error: null, busy: false, camera: false } })
    this.tripId = id
    try {
      this.trip = await request<TripParcels>('GET', `/api/trip-instances/${encodeURIComponent(id)}/parcels`)
    } catch {
      // The manifest still shows; the section waits for the next round.
    }
    this.o.render()
  }

  leaveTrip(): void {
    this.stopCamera()
    if (this.#mode === 'trip') this.#mode = null
    this.tripId = null
    this.trip = null
  }

  async loadKeeper(): Promise<void> {
    this.#mode = 'keeper'
    try {
      this.keeper = await request<KeeperView>('GET', '/api/keeper/parcels')
      this.keeperError = null
      if (this.consign.points.length === 0)
        this.consign.points = (await request<{ items: PostPointItem[] }>('GET', '/api/post-points')).items
    } catch (err) {
      this.keeperError =
        err instanceof ApiError && err.status === 403 ? pw(this.o.lang(), 'keeperNone') : this.#refused(err)
    }
    this.o.render()
  }

  tripSection(lang: Lang): string {
    return tripParcelsSection(lang, this.trip, this.box)
  }

  keeperHtml(lang: Lang): string {
    return keeperPage(lang, this.keeper, { error: this.keeperError, box: this.box, consign: this.consign })
  }

  async scan(
    code: string,
    action: ScanAction,
    extra: { pickupCode?: string; phoneLast4?: string } = {},
  ): Promise<void> {
    if (this.box.busy) return
    this.box = { ...this.box, busy: true, message: null, error: null }
    this.o.render()
    try {
      const r = await request<{
        number: string
        status: 'accepted' | 'loaded' | 'at_transfer' | 'arrived' | 'collected' | 'returned'
      }>('POST', '/api/parcels/scan', { code, action, ...extra })
      this.scans++
      this.box.code = ''
      this.box.message = pw(this.o.lang(), 'scanned', { number: r.number, status: statusWord(this.o.lang(), r.status) })
    } catch (err) {
      this.box.error = this.#refused(err)
    } finally {
      this.box.busy = false
    }
    if (this.#mode === 'keeper') await this.loadKeeper()
    else if (this.tripId) await this.loadTrip(this.tripId)
    else this.o.render()
  }

  async #consign(form: HTMLFormElement): Promise<void> {
    const f = new FormData(form)
    const v = (k: string): string => String(f.get(k) ?? '').trim()
    this.consign = { ...this.consign, busy: true, error: null, result: null }
    this.o.render()
    try {
      const body = {
        fromPoint: this.keeper?.point.code,
        toPoint: v('toPoint'),
        sender: { name: v('senderName'), phone: v('senderPhone') },
        recipient: { name: v('recipientName'), phone: v('recipientPhone') },
        sizeClass: v('sizeClass'),
        weightKg: Number(v('weightKg')),
      }
      this.consign.result = await request<Consigned>('POST', '/api/parcels', body)
    } catch (err) {
      this.consign.error = this.#refused(err)
    } finally {
      this.consign.busy = false
    }
    await this.loadKeeper()
  }

  stopCamera(): void {
    this.#camera?.abort()
    this.#camera = null
    this.box.camera = false
  }

  async #startCamera(): Promise<void> {
    if (!cameraScanAvailable()) {
      this.box = { ...this.box, error: pw(this.o.lang(), 'cameraNone') }
      this.o.render()
      return
    }
    const abort = new AbortController()
    this.#camera = abort
    this.box.camera = true
    this.o.render()
    const video = document.querySelector<HTMLVideoElement>('video.parcel-camera')
    try {
      const text = video ? await scanQr(video, abort.signal) : null
      if (text) this.box.code = text
    } catch (err) {
      this.box.error = (err as Error).message
    } finally {
      if (this.#camera === abort) this.stopCamera()
      this.o.render()
    }
  }

  /** Handles this module's buttons; true when the click was one. */
  onClick(target: EventTarget | null): boolean {
    const el = (target as HTMLElement | null)?.closest<HTMLElement>('[data-parcel-scan],[data-parcel-camera]')
    if (!el) return false
    if (el.dataset.parcelCamera !== undefined) {
      if (this.#camera) {
        this.stopCamera()
        this.o.render()
      } else void this.#startCamera()
    } else if (el.dataset.number) void this.scan(el.dataset.number, el.dataset.parcelScan as ScanAction)
    return true
  }

  /** Handles this module's forms; true when the form was one. */
  onSubmit(form: HTMLFormElement, submitter: HTMLElement | null): boolean {
    if (form.classList.contains('parcel-scan-form')) {
      const code = String(new FormData(form).get('code') ?? '').trim()
      const action = ((submitter as HTMLButtonElement | null)?.value ?? 'load') as ScanAction
      if (code) void this.scan(code, action)
      return true
    }
    if (form.classList.contains('collect-form')) {
      const f = new FormData(form)
      void this.scan(form.dataset.number ?? '', 'collect', {
        pickupCode: String(f.get('pickupCode') ?? '').trim(),
        phoneLast4: String(f.get('phoneLast4') ?? '').trim(),
      })
      return true
    }
    if (form.classList.contains('consign-form')) {
      void this.#consign(form)
      return true
    }
    return false
  }
}
