/** The notices and surveys screens' words, Chinese first. */
import type { Lang } from '../model.js'

const zh = {
  notices: '通知',
  unread: '{n} 条未读',
  noticesTitle: '调度通知',
  noNotices: '还没有通知',
  open: '查看',
  readAt: '已读 {time}',
  newNotice: '新通知',
  reminder: '提醒：您还没有看这条通知',
  from: '{from} · {time}',
  link: '打开链接',
  markedRead: '已标记为已读',
  surveys: '问卷',
  answerSurvey: '填写问卷：{title}',
  closesAt: '{time} 截止',
  send: '提交',
  sent: '已提交，谢谢！',
  answered: '您已经填写过这份问卷',
  optional: '（选填）',
  required: '请回答这一题',
}

const en: Record<keyof typeof zh, string> = {
  notices: 'Notices',
  unread: '{n} unread',
  noticesTitle: 'Notices from dispatch',
  noNotices: 'No notices yet',
  open: 'Open',
  readAt: 'Read {time}',
  newNotice: 'New notice',
  reminder: 'Reminder: you have not read this notice',
  from: '{from} · {time}',
  link: 'Open the link',
  markedRead: 'Marked as read',
  surveys: 'Surveys',
  answerSurvey: 'Answer the survey: {title}',
  closesAt: 'closes {time}',
  send: 'Send',
  sent: 'Sent, thank you!',
  answered: 'You have answered this survey',
  optional: '(optional)',
  required: 'Please answer this question',
}

export type NoticeWord = keyof typeof zh

export function nw(lang: Lang, word: NoticeWord, slots: Record<string, string | number> = {}): string {
  return (lang === 'zh' ? zh : en)[word].replace(/\{(\w+)\}/g, (m, k: string) => (k in slots ? String(slots[k]) : m))
}
