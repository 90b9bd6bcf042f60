/** Where the network of the run comes from: in memory, a snapshot, the server's API or a GTFS zip. */
import { readFileSync } from 'node:fs'
import type { NetworkSnapshot } from '@rb/domain'
import { gtfs } from '@rb/gtfs'
import type { SimNetwork } from '../model/types.js'
import { fetchNetwork, signIn } from './api.js'
import { networkFromSnapshot } from './snapshot.js'

export interface NetworkSource {
  network?: SimNetwork
  snapshot?: NetworkSnapshot
  api?: string
  /** Bearer token for the API (vehicles are not public), or an account to sign in with. */
  apiToken?: string
  apiUser?: string
  apiPassword?: string
  gtfs?: string
  /** Vehicles to make up when the source has none (GTFS). */
  syntheticVehicles?: number
}

export interface LoadedNetwork {
  network: SimNetwork
  warnings: string[]
}

export async function loadNetwork(source: NetworkSource, date: string): Promise<LoadedNetwork> {
  const given = [source.network, source.snapshot, source.api, source.gtfs].filter((x) => x !== undefined).length
  if (given === 0) throw new Error('no network: give --api <server url>, --gtfs <feed.zip>, or a network in-process')
  if (given > 1) throw new Error('give exactly one network source (--api or --gtfs)')
  if (source.network) {
    const warnings =
      source.network.date === date
        ? []
        : [`the network given is for ${source.network.date}, not ${date}; its trip times are used as they are`]
    return { network: source.network, warnings }
  }
  if (source.snapshot) return { network: networkFromSnapshot(source.snapshot, date), warnings: [] }
  if (source.api) {
    const token =
      source.apiToken ??
      (source.apiUser !== undefined ? await signIn(source.api, source.apiUser, source.apiPassword ?? '') : undefined)
    return { network: await fetchNetwork(source.api, date, fetch, token), warnings: [] }
  }
  let zip: Uint8Array
  try {
    zip = new Uint8Array(readFileSync(source.gtfs as string))
  } catch (err) {
    throw new Error(`cannot read GTFS feed ${source.gtfs}: ${(err as Error).message}`)
  }
  let imported: ReturnType<typeof gtfs.importGtfs>
  try {
    imported = gtfs.importGtfs(zip)
  } catch (err) {
    throw new Error(`GTFS feed ${source.gtfs} cannot be imported: ${(err as Error).message}`)
  }
  const network = networkFromSnapshot(imported.network, date, { syntheticVehicles: source.syntheticVehicles })
  const warnings = imported.warnings.map((w) => `GTFS: ${w}`)
  if (imported.network.vehicles.length === 0)
    warnings.push(
      `GTFS has no vehicles: running made-up ones (${network.vehicles[0]?.id ?? '—'}…), which the server does not know unless you add them`,
    )
  return { network, warnings }
}
