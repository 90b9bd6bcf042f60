export { SettingsService, type SettingsView, type SettingsLog } from './service.js'
export { settingsRoutes } from './routes.js'
