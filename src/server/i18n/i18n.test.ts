import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDate, formatDateTime, formatNumber, LANGUAGES, negotiateLanguage, pick } from './i18n.ts'

test('negotiates the best supported language from Accept-Language', () => {
  assert.equal(negotiateLanguage('de-CH, fr;q=0.8, en;q=0.5'), 'fr')
  assert.equal(negotiateLanguage('zh-CN,zh;q=0.9'), 'zh')
  assert.equal(negotiateLanguage('de, it'), undefined)
  assert.equal(negotiateLanguage('en;q=0, ru;q=0.1'), 'ru')
  assert.equal(negotiateLanguage(undefined), undefined)
})

test('multilingual text falls back to English, then to any language present', () => {
  assert.equal(pick({ en: 'CTO group', fr: 'Groupe CTO' }, 'fr'), 'Groupe CTO')
  assert.equal(pick({ en: 'CTO group', fr: 'Groupe CTO' }, 'ar'), 'CTO group')
  assert.equal(pick({ es: 'Grupo' }, 'zh'), 'Grupo')
  assert.equal(pick(null, 'en'), '')
})

test('a calendar date never shifts day, whatever the time zone', () => {
  assert.equal(formatDate('2024-10-14', 'en', 'Pacific/Kiritimati'), 'Oct 14, 2024')
  assert.equal(formatDate('2024-10-14', 'en', 'Pacific/Pago_Pago'), 'Oct 14, 2024')
})

test('numbers are formatted by Intl in the chosen language', () => {
  assert.equal(formatNumber(12345.5, 'en'), '12,345.5')
  assert.equal(formatNumber(12345.5, 'fr'), '12\u202f345,5')
})

test('an instant is shown in the requested time zone, in every language', () => {
  const instant = '2024-10-14T23:30:00Z'
  assert.equal(formatDateTime(instant, 'en', 'UTC'), 'Oct 14, 2024, 11:30 PM UTC')
  assert.match(formatDateTime(instant, 'en', 'Pacific/Kiritimati'), /Oct 15, 2024, 01:30 PM GMT\+14/)
  for (const lang of LANGUAGES) assert.ok(formatDateTime(new Date(), lang).length > 0)
})
