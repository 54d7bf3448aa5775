// Progressive enhancement only: every page works without this file.
document.addEventListener('change', (event) => {
  const el = event.target
  if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) el.form.submit()
})
document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm))
    event.preventDefault()
})
document.addEventListener('DOMContentLoaded', () => {
  const summary = document.querySelector('[data-focus]')
  if (summary instanceof HTMLElement) summary.focus()
})
// Questionnaires: a question with data-show-if="question:option" is shown only while that option is chosen.
// Conditions look back only, so one pass in document order settles chains (a hidden question's inputs are
// disabled, so what depends on it is hidden too).
function applyConditions(form) {
  for (const el of form.querySelectorAll('[data-show-if]')) {
    const [question, option] = el.dataset.showIf.split(':')
    let chosen = false
    for (const c of form.querySelectorAll(`[name="a.${question}"]`)) {
      if (!c.disabled && (c.type === 'radio' || c.type === 'checkbox') && c.checked && c.value === option)
        chosen = true
    }
    el.hidden = !chosen
    for (const input of el.querySelectorAll('input, select, textarea')) input.disabled = !chosen
  }
}
document.addEventListener('change', (event) => {
  const form = event.target instanceof Element ? event.target.closest('form[data-conditions]') : null
  if (form) applyConditions(form)
})
document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form[data-conditions]')) applyConditions(form)
})
// Questionnaire builder: show only the settings of each question's chosen type. Without this script the
// server shows the chosen type's settings, and a change of type shows its own after any button is pressed.
function applyQuestionType(select) {
  const editor = select.closest('fieldset')
  if (!editor) return
  for (const el of editor.querySelectorAll('[data-for-types]'))
    el.hidden = !el.dataset.forTypes.split(' ').includes(select.value)
}
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.hasAttribute('data-question-type'))
    applyQuestionType(event.target)
})
// Reports being generated: follow the progress without reloading, then show the finished report.
document.addEventListener('DOMContentLoaded', () => {
  const section = document.querySelector('[data-refresh]')
  if (!(section instanceof HTMLElement)) return
  const bar = section.querySelector('progress')
  const label = section.querySelector('label')
  const every = Number(section.dataset.refresh) * 1000
  const poll = async () => {
    try {
      const res = await fetch(`${location.pathname}/status`, { headers: { Accept: 'application/json' } })
      if (res.ok) {
        const job = await res.json()
        if (job.status === 'done' || job.status === 'failed') return location.reload()
        if (bar) bar.value = job.progress
        if (label && job.step) label.textContent = job.step
      }
    } catch {}
    setTimeout(poll, every)
  }
  setTimeout(poll, every)
})
// The report form: show the meeting or the period fields, whichever the chosen kind of report needs
// (without this script both are shown, each with a hint saying which reports use it).
function applyReportKind(form) {
  const kind = form.querySelector('select[name="kind"]')
  if (!kind) return
  for (const el of form.querySelectorAll('[data-for-kinds]'))
    el.hidden = !el.dataset.forKinds.split(' ').includes(kind.value)
}
document.addEventListener('change', (event) => {
  const form = event.target instanceof Element ? event.target.closest('form[data-report-form]') : null
  if (form) applyReportKind(form)
})
document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form[data-report-form]')) applyReportKind(form)
})
