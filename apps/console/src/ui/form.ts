/** Small typed form builder for the admin pages: fields from a spec, values back as one object. */
import { field, h } from './dom.js'

export type FieldSpec =
  | { name: string; label: string; kind: 'text' | 'date' | 'tel'; required?: boolean; pattern?: string; hint?: string }
  | { name: string; label: string; kind: 'number'; min?: number; max?: number; step?: number; required?: boolean }
  | { name: string; label: string; kind: 'select'; options: [value: string, label: string][] }
  | { name: string; label: string; kind: 'checkbox' }

export type FormValues = Record<string, string | number | boolean | null>

export interface Form {
  el: HTMLElement
  values(): FormValues
}

/** `initial` fills the fields; empty text fields come back as null. */
export function buildForm(specs: FieldSpec[], initial: Record<string, unknown> = {}): Form {
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>()
  const fields = specs.map((s) => {
    const raw = initial[s.name]
    const v = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' ? raw : null
    let input: HTMLInputElement | HTMLSelectElement
    switch (s.kind) {
      case 'select':
        input = h(
          'select',
          { name: s.name },
          s.options.map(([value, label]) => h('option', { value, selected: String(v ?? '') === value }, label)),
        )
        break
      case 'checkbox':
        input = h('input', { type: 'checkbox', name: s.name, checked: v === true })
        break
      case 'number':
        input = h('input', {
          type: 'number',
          name: s.name,
          value: v === null || v === undefined ? '' : String(v),
          required: s.required ?? false,
        })
        if (s.min !== undefined) input.min = String(s.min)
        if (s.max !== undefined) input.max = String(s.max)
        input.step = String(s.step ?? 'any')
        break
      case 'text':
      case 'date':
      case 'tel':
        input = h('input', {
          type: s.kind,
          name: s.name,
          value: v === null || v === undefined ? '' : String(v),
          required: s.required ?? false,
        })
        if (s.pattern) input.pattern = s.pattern
        break
    }
    inputs.set(s.name, input)
    return field(s.label, input, 'hint' in s ? s.hint : undefined)
  })
  return {
    el: h('div', { class: 'form-grid' }, fields),
    values() {
      const out: FormValues = {}
      for (const s of specs) {
        const input = inputs.get(s.name)!
        if (s.kind === 'checkbox') out[s.name] = (input as HTMLInputElement).checked
        else if (s.kind === 'number') out[s.name] = input.value === '' ? null : Number(input.value)
        else out[s.name] = input.value.trim() === '' ? null : input.value.trim()
      }
      return out
    },
  }
}
