export * from './schedule.js'
export * from './reminders.js'
export * from './sms.js'
