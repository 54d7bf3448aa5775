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
