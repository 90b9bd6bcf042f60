/** What the parcel screens get from the server (GET /api/trip-instances/:id/parcels, GET /api/keeper/parcels, POST /api/parcels): the domain's wire types. */
export type { KeeperView, ParcelLine, ParcelStatus, PointRef, ScanAction, TripParcels } from '@rb/domain'

/** GET /api/post-points, as the consignment form needs it. */
export interface PostPointItem {
  stopCode: string
  kind: 'village' | 'station'
  name: string
  hours: string
  active: boolean
}

/** POST /api/parcels: the parcel taken and where its label prints. */
export interface Consigned {
  number: string
  feeFen: number
  labelUrl: string
}
